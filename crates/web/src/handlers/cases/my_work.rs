//! "My work": my open tasks (overdue first, marked) and the open cases I am
//! assigned to.

use axum::Extension;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use relais_domain::Permission;
use relais_persistence::models::cases::{self, CaseFilter};
use relais_persistence::models::{digests, tasks};
use serde_json::json;

use super::{date_text, time_text};
use crate::access::TenantContext;
use crate::error::{WebError, WebResult};
use crate::state::AppState;
use crate::templates::page_context;
use crate::visitor::Visitor;

/// Most cases shown.
const CASES_MAX: i64 = 200;
/// Residence cards expiring within this many days are listed.
const EXPIRY_WINDOW_DAYS: u64 = 60;

/// GET /my-work
pub(crate) async fn show(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
) -> WebResult<Response> {
    let today = app.now().date();
    let (scope, me) = (ctx.scope, ctx.user_id.clone());
    // Residence cards only for those who may see identity documents.
    let sees_documents = app.authz.is_allowed(&me, &scope.tenant_id().to_string(), Permission::DocumentRead);
    let until = today + chrono::Days::new(EXPIRY_WINDOW_DAYS);
    let (my_tasks, my_cases, expiring) = app
        .db
        .run(move |conn| {
            let filter = CaseFilter { assignee: Some(me.clone()), not_closed: true, ..CaseFilter::default() };
            let expiring = if sees_documents {
                digests::residence_cards_expiring_for_member(conn, &scope, &me, today, until)?
            } else {
                Vec::new()
            };
            Ok::<_, WebError>((
                tasks::my_open(conn, &scope, &me, today)?,
                cases::list(conn, &scope, &filter, None, CASES_MAX)?,
                expiring,
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
    let expiring_rows: Vec<_> = expiring
        .iter()
        .map(|c| {
            json!({
                "beneficiary_id": c.beneficiary_id, "given_names": c.given_names, "family_names": c.family_names,
                "expires_on": date_text(c.expires_on), "days_left": (c.expires_on - today).num_days(),
            })
        })
        .collect();
    context.insert("expiring", &expiring_rows);
    context.insert("expiry_window_days", &EXPIRY_WINDOW_DAYS);
    Ok(app.templates.render("cases/my_work.html", &context)?.into_response())
}
