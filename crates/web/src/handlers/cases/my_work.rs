//! "My work": my open tasks (overdue first, marked) and the open cases I am
//! assigned to.

use axum::Extension;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use relais_persistence::models::cases::{self, CaseFilter};
use relais_persistence::models::tasks;
use serde_json::json;

use super::{date_text, time_text};
use crate::access::TenantContext;
use crate::error::{WebError, WebResult};
use crate::state::AppState;
use crate::templates::page_context;
use crate::visitor::Visitor;

/// Most cases shown.
const CASES_MAX: i64 = 200;

/// GET /my-work
pub(crate) async fn show(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
) -> WebResult<Response> {
    let today = app.now().date();
    let (scope, me) = (ctx.scope, ctx.user_id.clone());
    let (my_tasks, my_cases) = app
        .db
        .run(move |conn| {
            let filter = CaseFilter { assignee: Some(me.clone()), not_closed: true, ..CaseFilter::default() };
            Ok::<_, WebError>((
                tasks::my_open(conn, &scope, &me, today)?,
                cases::list(conn, &scope, &filter, None, CASES_MAX)?,
            ))
        })
        .await?;
    let task_rows: Vec<_> = my_tasks
        .iter()
        .map(|t| {
            json!({
                "id": t.task.id, "case_id": t.task.case_id, "case_reference": t.case_reference, "title": t.task.title,
                "due_on": t.task.due_on.map(date_text), "overdue": t.overdue,
            })
        })
        .collect();
    let case_rows: Vec<_> = my_cases
        .rows
        .iter()
        .map(|r| {
            json!({
                "id": r.id, "reference": r.reference, "pathway": r.pathway, "status": r.status,
                "given_names": r.given_names, "family_names": r.family_names, "updated_at": time_text(r.updated_at),
            })
        })
        .collect();
    let mut context = page_context(&app, &visitor);
    context.insert("tasks", &task_rows);
    context.insert("overdue_count", &my_tasks.iter().filter(|t| t.overdue).count());
    context.insert("cases", &case_rows);
    context.insert("more_cases", &my_cases.next.is_some());
    Ok(app.templates.render("cases/my_work.html", &context)?.into_response())
}
