//! Editing a case's description (with its optimistic version check) and
//! moving it to another status (through the state machine).

use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use relais_app::cases::{self, CaseEdit};
use relais_domain::case_file::{CaseStatus, CloseReason};
use relais_domain::{CaseId, Conflict};

use super::show::{CaseForms, PageState, render};
use super::{INVALID, to_case};
use crate::access::TenantContext;
use crate::error::{WebError, WebResult};
use crate::forms::{FieldErrors, FormData};
use crate::paths::Id;
use crate::state::AppState;
use crate::visitor::Visitor;

/// POST /cases/{id} — edit pathway, referral source and goals. A form based
/// on an older version is refused (409) and nothing is overwritten.
pub(crate) async fn update(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
    Id(id): Id<CaseId>,
    FormData(form): FormData<CaseForms>,
) -> WebResult<Response> {
    let version = form.version.trim().parse::<i32>().ok();
    let edit = CaseEdit {
        pathway: form.pathway.parse().ok(),
        referral_source: form.referral_source.clone(),
        goals: form.goals.clone(),
        version: version.unwrap_or_default(),
    };
    let errors = edit.check();
    if !errors.is_empty() {
        return render(&app, &visitor, &ctx, id, PageState::refill(form, errors), INVALID).await;
    }
    if version.is_none() {
        return Err(WebError::BadRequest("missing version".into()));
    }
    match cases::update_case(&app.core, &ctx.actor(&visitor), id, edit).await.map_err(WebError::from) {
        Ok(_) => Ok(to_case(id, "case-description")),
        Err(WebError::Conflict(Conflict::StaleVersion)) => {
            render(&app, &visitor, &ctx, id, PageState::message("case-error-stale"), StatusCode::CONFLICT).await
        }
        Err(WebError::Invalid(errors)) => {
            render(&app, &visitor, &ctx, id, PageState::refill(form, errors), INVALID).await
        }
        Err(other) => Err(other),
    }
}

/// Reads a status form's codes (unknown codes are reported on the fields).
fn read_status(form: &CaseForms, errors: &mut FieldErrors) -> Option<(CaseStatus, Option<CloseReason>)> {
    let to = form.status.parse::<CaseStatus>().map_err(|_| errors.add("status", "error-choose")).ok();
    let reason = match form.closed_reason.trim() {
        "" => None,
        code => code.parse::<CloseReason>().map_err(|_| errors.add("closed_reason", "error-choose")).ok(),
    };
    if !errors.is_empty() {
        return None;
    }
    Some((to?, reason))
}

/// POST /cases/{id}/status — open ↔ on hold, → closed with a reason, closed →
/// open. A move the state machine refuses is a 409; a missing reason is a
/// message next to the field.
pub(crate) async fn change_status(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
    Id(id): Id<CaseId>,
    FormData(form): FormData<CaseForms>,
) -> WebResult<Response> {
    let mut errors = FieldErrors::new();
    let Some((to, reason)) = read_status(&form, &mut errors) else {
        return render(&app, &visitor, &ctx, id, PageState::refill(form, errors), INVALID).await;
    };
    match cases::change_status(&app.core, &ctx.actor(&visitor), id, to, reason).await.map_err(WebError::from) {
        Ok(_) => Ok(to_case(id, "case-status")),
        Err(WebError::Invalid(errors)) => {
            render(&app, &visitor, &ctx, id, PageState::refill(form, errors), INVALID).await
        }
        Err(WebError::Conflict(Conflict::CaseTransition { .. })) => {
            render(&app, &visitor, &ctx, id, PageState::message("case-error-transition"), StatusCode::CONFLICT).await
        }
        Err(other) => Err(other),
    }
}
