//! A case's status (through the state machine) and its assigned caseworkers.

use axum::Extension;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use relais_domain::case_file::TransitionError;
use relais_persistence::models::cases::{self, CaseError};
use serde_json::json;

use super::show::{CaseForms, PageState, check_status, render};
use super::{INVALID, parse_id, to_case};
use crate::access::TenantContext;
use crate::error::{WebError, WebResult};
use crate::forms::{FieldErrors, FormData};
use crate::handlers::audit;
use crate::state::AppState;
use crate::visitor::Visitor;

async fn refill(
    app: &AppState,
    visitor: &Visitor,
    ctx: &TenantContext,
    id: &str,
    form: CaseForms,
    errors: FieldErrors,
    status: StatusCode,
) -> WebResult<Response> {
    render(app, visitor, ctx, id, PageState { forms: Some(form), errors, message: None }, status).await
}

/// POST /cases/{id}/status — open ↔ on hold, → closed with a reason, closed →
/// open. A move the state machine refuses is a 409; a missing reason is a
/// message next to the field.
pub(crate) async fn change(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
    Path(id): Path<String>,
    FormData(form): FormData<CaseForms>,
) -> WebResult<Response> {
    let id = parse_id(&id)?;
    let mut errors = FieldErrors::new();
    let Some((to, reason)) = check_status(&form, &mut errors) else {
        return refill(&app, &visitor, &ctx, &id, form, errors, INVALID).await;
    };
    let (scope, actor, request_id, case_id) = (ctx.scope, ctx.user_id.clone(), visitor.request_id.clone(), id.clone());
    let changed = app
        .db
        .write(move |conn| {
            let (before, after) = cases::change_status(conn, &scope, &case_id, to, reason, &actor)?;
            audit(
                conn,
                Some(&scope),
                Some(&actor),
                "case.status_changed",
                ("case", Some(&case_id)),
                json!({ "from": before.status, "to": after.status, "reason": after.closed_reason }),
                &request_id,
            )?;
            Ok::<_, CaseError>(())
        })
        .await;
    match changed {
        Ok(()) => Ok(to_case(&id, "case-status")),
        Err(CaseError::Transition(TransitionError::ReasonRequired)) => {
            errors.add("closed_reason", "case-error-reason-required");
            refill(&app, &visitor, &ctx, &id, form, errors, INVALID).await
        }
        Err(CaseError::Transition(TransitionError::NotAllowed { .. })) => {
            let state = PageState { forms: None, errors, message: Some("case-error-transition") };
            render(&app, &visitor, &ctx, &id, state, StatusCode::CONFLICT).await
        }
        Err(other) => Err(other.into()),
    }
}

/// POST /cases/{id}/assignments — assign an active caseworker or administrator.
pub(crate) async fn assign(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
    Path(id): Path<String>,
    FormData(form): FormData<CaseForms>,
) -> WebResult<Response> {
    let id = parse_id(&id)?;
    let mut errors = FieldErrors::new();
    let Ok(user_id) = parse_id(&form.user_id) else {
        errors.add("user_id", "error-choose");
        return refill(&app, &visitor, &ctx, &id, form, errors, INVALID).await;
    };
    let (scope, actor, request_id, case_id) = (ctx.scope, ctx.user_id.clone(), visitor.request_id.clone(), id.clone());
    let assigned = app
        .db
        .write(move |conn| {
            if cases::assign(conn, &scope, &case_id, &user_id, &actor)? {
                audit(
                    conn,
                    Some(&scope),
                    Some(&actor),
                    "case.assigned",
                    ("case", Some(&case_id)),
                    json!({ "user_id": user_id }),
                    &request_id,
                )?;
            }
            Ok::<_, CaseError>(())
        })
        .await;
    match assigned {
        Ok(()) => Ok(to_case(&id, "case-assignments")),
        Err(CaseError::NotAssignable) => {
            errors.add("user_id", "case-error-not-assignable");
            refill(&app, &visitor, &ctx, &id, form, errors, INVALID).await
        }
        Err(other) => Err(other.into()),
    }
}

/// POST /cases/{id}/assignments/{user_id}/remove
pub(crate) async fn unassign(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
    Path((id, user_id)): Path<(String, String)>,
) -> WebResult<Response> {
    let id = parse_id(&id)?;
    let user_id = parse_id(&user_id)?;
    let (scope, actor, request_id, case_id) = (ctx.scope, ctx.user_id.clone(), visitor.request_id.clone(), id.clone());
    app.db
        .write(move |conn| {
            if !cases::unassign(conn, &scope, &case_id, &user_id, &actor)? {
                return Err(WebError::NotFound);
            }
            audit(
                conn,
                Some(&scope),
                Some(&actor),
                "case.unassigned",
                ("case", Some(&case_id)),
                json!({ "user_id": user_id }),
                &request_id,
            )?;
            Ok(())
        })
        .await?;
    Ok(to_case(&id, "case-assignments"))
}
