//! Notes on a case: normal or confidential.

use axum::Extension;
use axum::extract::State;
use axum::response::Response;
use relais_app::cases::{self, NewNote};
use relais_domain::CaseId;

use super::show::{CaseForms, PageState, render};
use super::{INVALID, to_case};
use crate::access::TenantContext;
use crate::error::{WebError, WebResult};
use crate::forms::FormData;
use crate::paths::Id;
use crate::state::AppState;
use crate::visitor::Visitor;

/// POST /cases/{id}/notes
pub(crate) async fn add(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
    Id(id): Id<CaseId>,
    FormData(form): FormData<CaseForms>,
) -> WebResult<Response> {
    let note = NewNote { body: form.body.clone(), visibility: form.visibility.parse().ok() };
    let errors = note.check();
    if !errors.is_empty() {
        return render(&app, &visitor, &ctx, id, PageState::refill(form, errors), INVALID).await;
    }
    match cases::add_note(&app.core, &ctx.actor(&visitor), id, note).await.map_err(WebError::from) {
        Ok(_) => Ok(to_case(id, "case-notes")),
        Err(WebError::Invalid(errors)) => {
            render(&app, &visitor, &ctx, id, PageState::refill(form, errors), INVALID).await
        }
        Err(other) => Err(other),
    }
}
