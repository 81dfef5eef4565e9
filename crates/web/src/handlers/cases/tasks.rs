//! Tasks of a case: adding one (title, due date, assignee) and marking it
//! done or not done.

use axum::Extension;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use relais_domain::case_file;
use relais_persistence::models::cases::CaseError;
use relais_persistence::models::tasks;
use serde::Deserialize;
use serde_json::json;

use super::show::{CaseForms, PageState, render};
use super::{INVALID, parse_date, parse_id, to_case};
use crate::access::TenantContext;
use crate::error::{WebError, WebResult};
use crate::forms::{self, FieldErrors, FormData};
use crate::handlers::audit;
use crate::state::AppState;
use crate::visitor::Visitor;

/// POST /cases/{id}/tasks
pub(crate) async fn add(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
    Path(id): Path<String>,
    FormData(form): FormData<CaseForms>,
) -> WebResult<Response> {
    let id = parse_id(&id)?;
    let mut errors = FieldErrors::new();
    let title = forms::text(&mut errors, "title", &form.title, case_file::TASK_TITLE_MAX, true);
    let due_on = parse_date(&mut errors, "due_on", &form.due_on, false);
    let assignee = match form.assignee_id.trim() {
        "" => None,
        text => parse_id(text).map_err(|_| errors.add("assignee_id", "error-choose")).ok(),
    };
    if !errors.is_empty() {
        let state = PageState { forms: Some(form), errors, message: None };
        return render(&app, &visitor, &ctx, &id, state, INVALID).await;
    }
    let (scope, actor, request_id, case_id) = (ctx.scope, ctx.user_id.clone(), visitor.request_id.clone(), id.clone());
    let added = app
        .db
        .write(move |conn| {
            let new = tasks::NewTask { title: &title, due_on, assignee_id: assignee.as_deref() };
            let task_id = tasks::create(conn, &scope, &case_id, &new, &actor)?;
            audit(
                conn,
                Some(&scope),
                Some(&actor),
                "task.added",
                ("case", Some(&case_id)),
                json!({ "task_id": task_id, "assignee_id": assignee }),
                &request_id,
            )?;
            Ok::<_, CaseError>(())
        })
        .await;
    match added {
        Ok(()) => Ok(to_case(&id, "case-tasks")),
        Err(CaseError::NotAssignable) => {
            errors.add("assignee_id", "case-error-not-assignable");
            let state = PageState { forms: Some(form), errors, message: None };
            render(&app, &visitor, &ctx, &id, state, INVALID).await
        }
        Err(other) => Err(other.into()),
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
    Path((id, task_id)): Path<(String, String)>,
    FormData(form): FormData<DoneForm>,
) -> WebResult<Response> {
    let id = parse_id(&id)?;
    let task_id = parse_id(&task_id)?;
    let wanted = match form.done.as_str() {
        "true" => Some(true),
        "false" => Some(false),
        "" => None,
        _ => return Err(WebError::BadRequest("done must be true or false".into())),
    };
    let (scope, actor, request_id, case_id) = (ctx.scope, ctx.user_id.clone(), visitor.request_id.clone(), id.clone());
    app.db
        .write(move |conn| {
            let current = tasks::find(conn, &scope, &case_id, &task_id)?;
            let done = wanted.unwrap_or(current.done_at.is_none());
            if done == current.done_at.is_some() {
                return Ok(());
            }
            tasks::set_done(conn, &scope, &case_id, &task_id, done, &actor)?;
            let action = if done { "task.completed" } else { "task.reopened" };
            audit(
                conn,
                Some(&scope),
                Some(&actor),
                action,
                ("case", Some(&case_id)),
                json!({ "task_id": task_id }),
                &request_id,
            )?;
            Ok::<_, WebError>(())
        })
        .await?;
    if form.next.is_empty() {
        Ok(to_case(&id, "case-tasks"))
    } else {
        Ok(Redirect::to(&forms::local_path(Some(&form.next))).into_response())
    }
}
