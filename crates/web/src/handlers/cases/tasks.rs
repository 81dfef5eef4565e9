//! Tasks of a case: adding one (title, due date, assignee) and marking it
//! done or not done.

use axum::Extension;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use relais_app::cases::{self, NewTask};
use relais_domain::{CaseId, TaskId, UserId};
use serde::Deserialize;

use super::show::{CaseForms, PageState, render};
use super::{INVALID, merge, parse_date, to_case};
use crate::access::TenantContext;
use crate::error::{WebError, WebResult};
use crate::forms::{self, FieldErrors, FormData};
use crate::paths::{Id, Ids};
use crate::state::AppState;
use crate::visitor::Visitor;

/// POST /cases/{id}/tasks
pub(crate) async fn add(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
    Id(id): Id<CaseId>,
    FormData(form): FormData<CaseForms>,
) -> WebResult<Response> {
    let mut errors = FieldErrors::new();
    let due_on = parse_date(&mut errors, "due_on", &form.due_on);
    let assignee = match form.assignee_id.trim() {
        "" => None,
        text => text.parse::<UserId>().map_err(|_| errors.add("assignee_id", "error-choose")).ok(),
    };
    let task = NewTask { title: form.title.clone(), due_on, assignee };
    merge(&mut errors, task.check());
    if !errors.is_empty() {
        return render(&app, &visitor, &ctx, id, PageState::refill(form, errors), INVALID).await;
    }
    match cases::add_task(&app.core, &ctx.actor(&visitor), id, task).await.map_err(WebError::from) {
        Ok(_) => Ok(to_case(id, "case-tasks")),
        Err(WebError::Invalid(errors)) => {
            render(&app, &visitor, &ctx, id, PageState::refill(form, errors), INVALID).await
        }
        Err(other) => Err(other),
    }
}

/// The done toggle: `done` is `true` or `false` (absent: the opposite of
/// now); `next` a local page to go back to.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct DoneForm {
    #[serde(default)]
    done: String,
    #[serde(default)]
    next: String,
}

/// POST /cases/{id}/tasks/{task_id}/done
pub(crate) async fn toggle_done(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
    Ids(id, task): Ids<CaseId, TaskId>,
    FormData(form): FormData<DoneForm>,
) -> WebResult<Response> {
    let actor = ctx.actor(&visitor);
    match form.done.as_str() {
        "true" => cases::complete_task(&app.core, &actor, id, task).await?,
        "false" => cases::reopen_task(&app.core, &actor, id, task).await?,
        "" => cases::toggle_task(&app.core, &actor, id, task).await?,
        _ => return Err(WebError::BadRequest("done must be true or false".into())),
    };
    if form.next.is_empty() {
        Ok(to_case(id, "case-tasks"))
    } else {
        Ok(Redirect::to(&forms::local_path(Some(&form.next))).into_response())
    }
}
