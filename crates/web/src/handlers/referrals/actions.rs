//! The transitions (each side's buttons) and comments: each form is read,
//! its codes turned into typed values, and one referral command runs. An
//! illegal transition is a 409 page and changes nothing; a repeated one
//! (double submit) redirects harmlessly.

use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use relais_app::AppError;
use relais_app::referrals::{self, Outcome, Step};
use relais_domain::case_file::Pathway;
use relais_domain::referral::{DeclineReason, NotCompletedReason, ReferralOutcome};
use relais_domain::{BeneficiaryId, Conflict, ReferralId};
use relais_persistence::models::referrals::AcceptLink;
use serde::Deserialize;

use super::conflict_page;
use super::show::{PageState, render};
use crate::access::TenantContext;
use crate::error::{WebError, WebResult};
use crate::forms::{FieldErrors, FormData};
use crate::handlers::redirect_with_flash;
use crate::paths::Id;
use crate::state::AppState;
use crate::visitor::Visitor;

/// Every form of the referral page, as typed (field names are unique on the page).
#[derive(Debug, Default, Clone, Deserialize, serde::Serialize)]
pub(super) struct ActionForm {
    #[serde(default)]
    pub(super) link: String,
    #[serde(default)]
    pub(super) pathway: String,
    #[serde(default)]
    pub(super) decline_reason: String,
    #[serde(default)]
    pub(super) decline_text: String,
    #[serde(default)]
    pub(super) outcome: String,
    #[serde(default)]
    pub(super) not_completed_reason: String,
    #[serde(default)]
    pub(super) body: String,
}

/// Re-renders the page with field problems (422).
async fn invalid(
    app: &AppState,
    visitor: &Visitor,
    ctx: &TenantContext,
    id: ReferralId,
    form: ActionForm,
    errors: FieldErrors,
) -> WebResult<Response> {
    let state = PageState { form: Some(form), errors, message: None };
    render(app, visitor, ctx, id, state, StatusCode::UNPROCESSABLE_ENTITY).await
}

/// Runs one step and answers: back to the referral, the conflict page, or
/// the form with its problems.
async fn run(
    app: &AppState,
    visitor: &Visitor,
    ctx: &TenantContext,
    id: ReferralId,
    step: Step,
    form: ActionForm,
) -> WebResult<Response> {
    match referrals::act(&app.core, &ctx.actor(visitor), id, step, None).await {
        Ok(Outcome::Changed(_)) => Ok(redirect_with_flash(app, &format!("/referrals/{id}"), "ref-flash-updated")),
        Ok(Outcome::Unchanged) => Ok(redirect_with_flash(app, &format!("/referrals/{id}"), "ref-flash-unchanged")),
        Err(AppError::Conflict(Conflict::IllegalTransition(illegal))) => conflict_page(app, visitor, id, illegal),
        Err(AppError::Conflict(Conflict::IntakeClosed)) => {
            let state = PageState { message: Some("ref-error-intake-closed"), ..PageState::default() };
            render(app, visitor, ctx, id, state, StatusCode::CONFLICT).await
        }
        Err(AppError::Validation(errors)) => invalid(app, visitor, ctx, id, form, errors).await,
        Err(other) => Err(WebError::from(other)),
    }
}

/// POST /referrals/{id}/send — a caseworker sends a (reviewed) draft.
pub(crate) async fn send(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
    Id(id): Id<ReferralId>,
) -> WebResult<Response> {
    run(&app, &visitor, &ctx, id, Step::Send, ActionForm::default()).await
}

/// POST /referrals/{id}/withdraw
pub(crate) async fn withdraw(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
    Id(id): Id<ReferralId>,
) -> WebResult<Response> {
    run(&app, &visitor, &ctx, id, Step::Withdraw, ActionForm::default()).await
}

/// POST /referrals/{id}/accept — `link` is `new` or one of the receiving
/// tenant's people (offered by the duplicate check); `pathway` of the new case.
pub(crate) async fn accept(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
    Id(id): Id<ReferralId>,
    FormData(form): FormData<ActionForm>,
) -> WebResult<Response> {
    let mut errors = FieldErrors::new();
    let link = match form.link.trim() {
        "new" => Some(AcceptLink::New),
        other => other
            .parse::<BeneficiaryId>()
            .map(AcceptLink::Existing)
            .map_err(|_| errors.add("link", "error-choose"))
            .ok(),
    };
    let pathway = form.pathway.parse::<Pathway>().map_err(|_| errors.add("pathway", "error-choose")).ok();
    let (Some(link), Some(pathway)) = (link, pathway) else {
        return invalid(&app, &visitor, &ctx, id, form, errors).await;
    };
    run(&app, &visitor, &ctx, id, Step::Accept { link, pathway }, form).await
}

/// POST /referrals/{id}/decline — a reason from the list and a text.
pub(crate) async fn decline(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
    Id(id): Id<ReferralId>,
    FormData(form): FormData<ActionForm>,
) -> WebResult<Response> {
    let Ok(reason) = form.decline_reason.parse::<DeclineReason>() else {
        let mut errors = FieldErrors::new();
        errors.add("decline_reason", "error-choose");
        return invalid(&app, &visitor, &ctx, id, form, errors).await;
    };
    let step = Step::Decline { reason, text: Some(form.decline_text.clone()) };
    run(&app, &visitor, &ctx, id, step, form).await
}

/// POST /referrals/{id}/start
pub(crate) async fn start(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
    Id(id): Id<ReferralId>,
) -> WebResult<Response> {
    run(&app, &visitor, &ctx, id, Step::Start, ActionForm::default()).await
}

/// POST /referrals/{id}/complete — the outcome from the list.
pub(crate) async fn complete(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
    Id(id): Id<ReferralId>,
    FormData(form): FormData<ActionForm>,
) -> WebResult<Response> {
    let Ok(outcome) = form.outcome.parse::<ReferralOutcome>() else {
        let mut errors = FieldErrors::new();
        errors.add("outcome", "error-choose");
        return invalid(&app, &visitor, &ctx, id, form, errors).await;
    };
    run(&app, &visitor, &ctx, id, Step::Complete(outcome), form).await
}

/// POST /referrals/{id}/not-complete — the reason from the list.
pub(crate) async fn not_complete(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
    Id(id): Id<ReferralId>,
    FormData(form): FormData<ActionForm>,
) -> WebResult<Response> {
    let Ok(reason) = form.not_completed_reason.parse::<NotCompletedReason>() else {
        let mut errors = FieldErrors::new();
        errors.add("not_completed_reason", "error-choose");
        return invalid(&app, &visitor, &ctx, id, form, errors).await;
    };
    run(&app, &visitor, &ctx, id, Step::NotComplete(reason), form).await
}

/// POST /referrals/{id}/comments — either side; the other side is told.
pub(crate) async fn comment(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
    Id(id): Id<ReferralId>,
    FormData(form): FormData<ActionForm>,
) -> WebResult<Response> {
    match referrals::comment(&app.core, &ctx.actor(&visitor), id, form.body.clone()).await {
        Ok(_) => Ok(redirect_with_flash(&app, &format!("/referrals/{id}#ref-comments"), "ref-flash-commented")),
        Err(AppError::Validation(errors)) => invalid(&app, &visitor, &ctx, id, form, errors).await,
        Err(other) => Err(WebError::from(other)),
    }
}
