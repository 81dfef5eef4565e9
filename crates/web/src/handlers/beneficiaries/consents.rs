//! Consents of a person: record and withdraw (`consent:manage`), through
//! the commands `record_consent` and `withdraw_consent` (whose subscribers
//! revoke the referrals relying on a withdrawn consent).

use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use relais_app::people;
use relais_domain::{BeneficiaryId, ConsentId, TenantId};

use super::form::ConsentForm;
use super::show::{PageForms, render_person};
use super::{person_path, today};
use crate::access::TenantContext;
use crate::error::{WebError, WebResult};
use crate::forms::{FieldErrors, FormData};
use crate::paths::{Id, Ids};
use crate::state::AppState;
use crate::visitor::Visitor;

/// POST /beneficiaries/{id}/consents
pub(crate) async fn record(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
    Id(id): Id<BeneficiaryId>,
    FormData(form): FormData<ConsentForm>,
) -> WebResult<Response> {
    let actor = ctx.actor(&visitor);
    people::ensure_exists(&app.core, &actor, id).await?;
    let partners: Vec<TenantId> =
        people::consent_partners(&app.core, &actor).await?.into_iter().map(|p| p.id).collect();
    let mut errors = FieldErrors::new();
    let refused = match form.check(&mut errors, today(&app), &partners) {
        Some(new) => match people::record_consent(&app.core, &actor, id, new).await {
            Ok(_) => return Ok(Redirect::to(&person_path(id, Some("consent_recorded"))).into_response()),
            Err(err) => match WebError::from(err) {
                WebError::Invalid(found) => found,
                other => return Err(other),
            },
        },
        None => errors,
    };
    let forms = PageForms { consent: Some(form), errors: refused, ..PageForms::default() };
    render_person(&app, &visitor, &ctx, id, forms, StatusCode::UNPROCESSABLE_ENTITY).await
}

/// POST /beneficiaries/{id}/consents/{consent_id}/withdraw
pub(crate) async fn withdraw(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
    Ids(person, consent): Ids<BeneficiaryId, ConsentId>,
) -> WebResult<Response> {
    people::withdraw_consent(&app.core, &ctx.actor(&visitor), person, consent).await?;
    Ok(Redirect::to(&person_path(person, Some("consent_withdrawn"))).into_response())
}
