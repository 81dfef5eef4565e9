//! A case's assigned caseworkers.

use axum::Extension;
use axum::extract::State;
use axum::response::Response;
use relais_app::cases;
use relais_domain::{CaseId, UserId};

use super::show::{CaseForms, PageState, render};
use super::{INVALID, to_case};
use crate::access::TenantContext;
use crate::error::{WebError, WebResult};
use crate::forms::{FieldErrors, FormData};
use crate::paths::{Id, Ids};
use crate::state::AppState;
use crate::visitor::Visitor;

/// POST /cases/{id}/assignments — assign an active caseworker or administrator.
pub(crate) async fn assign(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
    Id(id): Id<CaseId>,
    FormData(form): FormData<CaseForms>,
) -> WebResult<Response> {
    let Ok(user) = form.user_id.trim().parse::<UserId>() else {
        let mut errors = FieldErrors::new();
        errors.add("user_id", "error-choose");
        return render(&app, &visitor, &ctx, id, PageState::refill(form, errors), INVALID).await;
    };
    match cases::assign_caseworker(&app.core, &ctx.actor(&visitor), id, user).await.map_err(WebError::from) {
        Ok(_) => Ok(to_case(id, "case-assignments")),
        Err(WebError::Invalid(errors)) => {
            render(&app, &visitor, &ctx, id, PageState::refill(form, errors), INVALID).await
        }
        Err(other) => Err(other),
    }
}

/// POST /cases/{id}/assignments/{user_id}/remove
pub(crate) async fn unassign(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
    Ids(id, user): Ids<CaseId, UserId>,
) -> WebResult<Response> {
    cases::unassign_caseworker(&app.core, &ctx.actor(&visitor), id, user).await?;
    Ok(to_case(id, "case-assignments"))
}
