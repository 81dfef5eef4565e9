//! Case files: opening a case, its notes (normal or confidential), tasks and
//! timeline, the case list, and "my work".
//!
//! Every route needs a case permission in the active tenant (checked by the
//! route's guard); each handler reads its form, calls one command of
//! `relais_app::cases` (which checks the permission again, applies the
//! rules, writes the change and its audit row) and renders its page from a
//! typed model or redirects. Which rows a user sees (their tenant's cases,
//! the notes they may read) is decided by the queries. A case of another
//! tenant is simply not found (404).

mod assignments;
mod create;
mod edit;
mod list;
mod my_work;
mod notes;
mod show;
mod tasks;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use relais_domain::{CaseId, Permission};

use crate::access::Access::Tenant;
use crate::forms::FieldErrors;
use crate::routes::{RouteTable, route};

pub use list::CaseRow;

/// This area's templates: (name, source).
pub(crate) const TEMPLATES: &[(&str, &str)] = &[
    ("cases/list.html", include_str!("../../../templates/cases/list.html")),
    ("cases/list_table.html", include_str!("../../../templates/cases/list_table.html")),
    ("cases/new.html", include_str!("../../../templates/cases/new.html")),
    ("cases/show.html", include_str!("../../../templates/cases/show.html")),
    ("cases/my_work.html", include_str!("../../../templates/cases/my_work.html")),
];

/// This area's routes.
pub(crate) fn routes() -> RouteTable {
    vec![
        route!(get, "/my-work", Tenant(Permission::CaseRead), my_work::show),
        route!(get, "/cases", Tenant(Permission::CaseRead), list::list),
        route!(get, "/cases/new", Tenant(Permission::CaseCreate), create::new_form),
        route!(post, "/cases", Tenant(Permission::CaseCreate), create::create),
        route!(get, "/cases/{id}", Tenant(Permission::CaseRead), show::show),
        route!(post, "/cases/{id}", Tenant(Permission::CaseUpdate), edit::update),
        route!(post, "/cases/{id}/status", Tenant(Permission::CaseUpdate), edit::change_status),
        route!(post, "/cases/{id}/assignments", Tenant(Permission::CaseUpdate), assignments::assign),
        route!(post, "/cases/{id}/assignments/{user_id}/remove", Tenant(Permission::CaseUpdate), assignments::unassign),
        route!(post, "/cases/{id}/notes", Tenant(Permission::CaseUpdate), notes::add),
        route!(post, "/cases/{id}/tasks", Tenant(Permission::CaseUpdate), tasks::add),
        route!(post, "/cases/{id}/tasks/{task_id}/done", Tenant(Permission::CaseUpdate), tasks::toggle_done),
    ]
}

/// A date as shown and as typed in a date field: `YYYY-MM-DD`.
fn date_text(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

/// A time as shown: `YYYY-MM-DD HH:MM` (UTC).
fn time_text(at: chrono::NaiveDateTime) -> String {
    at.format("%Y-%m-%d %H:%M").to_string()
}

/// Reads an optional `YYYY-MM-DD` field (whether it is required is the
/// command's rule); a date that does not read is reported on the field.
fn parse_date(errors: &mut FieldErrors, field: &'static str, value: &str) -> Option<NaiveDate> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    match NaiveDate::parse_from_str(value, "%Y-%m-%d") {
        Ok(date) => Some(date),
        Err(_) => {
            errors.add(field, "case-error-date");
            None
        }
    }
}

/// Adds a command's field errors to those found reading the form (the
/// form's own, recorded first, win on a field).
fn merge(errors: &mut FieldErrors, more: FieldErrors) {
    for (field, message) in more.iter() {
        errors.add(field, message);
    }
}

/// Back to the case page (303), at an anchor.
fn to_case(id: CaseId, anchor: &str) -> Response {
    Redirect::to(&format!("/cases/{id}#{anchor}")).into_response()
}

/// The status of a re-rendered form: 422 when a field is wrong.
const INVALID: StatusCode = StatusCode::UNPROCESSABLE_ENTITY;
