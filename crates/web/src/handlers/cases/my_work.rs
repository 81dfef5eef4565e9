//! "My work": my open tasks (overdue first, marked), the open cases I am
//! assigned to, and the residence cards of their people expiring soon.

use axum::Extension;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use relais_app::cases::{self, EXPIRY_WINDOW_DAYS, MyWork};
use relais_domain::{BeneficiaryId, CaseId, TaskId};
use serde::Serialize;

use super::date_text;
use super::list::CaseRow;
use crate::access::TenantContext;
use crate::error::WebResult;
use crate::state::AppState;
use crate::templates::render_page;
use crate::visitor::Visitor;

/// An open task of mine.
#[derive(Debug, Serialize)]
struct MyTaskRow {
    id: TaskId,
    case_id: CaseId,
    case_reference: String,
    title: String,
    due_on: Option<String>,
    overdue: bool,
}

/// A residence card expiring soon (the person's names and the date, never the number).
#[derive(Debug, Serialize)]
struct ExpiringRow {
    beneficiary_id: BeneficiaryId,
    given_names: String,
    family_names: String,
    expires_on: String,
    days_left: i64,
}

/// The "my work" page (`cases/my_work.html`).
#[derive(Debug, Serialize)]
struct MyWorkPage {
    tasks: Vec<MyTaskRow>,
    overdue_count: usize,
    cases: Vec<CaseRow>,
    /// Whether more of my cases are open than listed.
    more_cases: bool,
    expiring: Vec<ExpiringRow>,
    expiry_window_days: u64,
}

/// GET /my-work
pub(crate) async fn show(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
) -> WebResult<Response> {
    let MyWork { tasks, cases, expiring, today } = cases::my_work(&app.core, &ctx.actor(&visitor)).await?;
    let page = MyWorkPage {
        overdue_count: tasks.iter().filter(|t| t.overdue).count(),
        tasks: tasks
            .into_iter()
            .map(|t| MyTaskRow {
                id: t.task.id,
                case_id: t.task.case_id,
                case_reference: t.case_reference,
                title: t.task.title,
                due_on: t.task.due_on.map(date_text),
                overdue: t.overdue,
            })
            .collect(),
        more_cases: cases.next.is_some(),
        cases: cases.rows.iter().map(CaseRow::from).collect(),
        expiring: expiring
            .into_iter()
            .map(|c| ExpiringRow {
                days_left: (c.expires_on - today).num_days(),
                expires_on: date_text(c.expires_on),
                beneficiary_id: c.beneficiary_id,
                given_names: c.given_names,
                family_names: c.family_names,
            })
            .collect(),
        expiry_window_days: EXPIRY_WINDOW_DAYS,
    };
    Ok(render_page(&app, &visitor, "cases/my_work.html", &page)?.into_response())
}
