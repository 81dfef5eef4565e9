//! Case files: opening a case, its notes (normal or confidential), tasks and
//! timeline, the case list, and "my work".
//!
//! Every route needs a case permission in the active tenant (checked by the
//! route's guard); which rows a user sees (their tenant's cases, the notes
//! they may read) is decided by the persistence queries. A case of another
//! tenant is simply not found (404).

mod create;
mod list;
mod my_work;
mod notes;
mod show;
mod status;
mod tasks;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use relais_domain::Permission;
use relais_domain::case_file::TransitionError;
use relais_persistence::models::cases::CaseError;

use crate::access::Access::Tenant;
use crate::error::WebError;
use crate::forms::FieldErrors;
use crate::routes::{RouteTable, route};

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
        route!(post, "/cases/{id}", Tenant(Permission::CaseUpdate), show::update),
        route!(post, "/cases/{id}/status", Tenant(Permission::CaseUpdate), status::change),
        route!(post, "/cases/{id}/assignments", Tenant(Permission::CaseUpdate), status::assign),
        route!(post, "/cases/{id}/assignments/{user_id}/remove", Tenant(Permission::CaseUpdate), status::unassign),
        route!(post, "/cases/{id}/notes", Tenant(Permission::CaseUpdate), notes::add),
        route!(post, "/cases/{id}/tasks", Tenant(Permission::CaseUpdate), tasks::add),
        route!(post, "/cases/{id}/tasks/{task_id}/done", Tenant(Permission::CaseUpdate), tasks::toggle_done),
    ]
}

/// An id from a URL in its canonical form; anything that is not a UUID is
/// a page that does not exist.
fn parse_id(text: &str) -> Result<String, WebError> {
    text.parse::<uuid::Uuid>().map(|id| id.hyphenated().to_string()).map_err(|_| WebError::NotFound)
}

/// A date as shown and as typed in a date field: `YYYY-MM-DD`.
fn date_text(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

/// A time as shown: `YYYY-MM-DD HH:MM` (UTC).
fn time_text(at: chrono::NaiveDateTime) -> String {
    at.format("%Y-%m-%d %H:%M").to_string()
}

/// Reads a `YYYY-MM-DD` field; a problem is reported on the field.
fn parse_date(errors: &mut FieldErrors, field: &'static str, value: &str, required: bool) -> Option<NaiveDate> {
    let value = value.trim();
    if value.is_empty() {
        if required {
            errors.add(field, "error-required");
        }
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

/// Back to the case page (303), at an anchor.
fn to_case(id: &str, anchor: &str) -> Response {
    Redirect::to(&format!("/cases/{id}#{anchor}")).into_response()
}

/// The status of a re-rendered form: 422 when a field is wrong.
const INVALID: StatusCode = StatusCode::UNPROCESSABLE_ENTITY;

impl From<CaseError> for WebError {
    fn from(err: CaseError) -> Self {
        match err {
            CaseError::Transition(TransitionError::NotAllowed { from, to }) => {
                WebError::Conflict(relais_domain::Conflict::CaseTransition { from, to })
            }
            CaseError::Transition(TransitionError::ReasonRequired) => {
                WebError::BadRequest("closing a case needs a reason".into())
            }
            CaseError::NotAssignable => WebError::BadRequest("not an active caseworker".into()),
            CaseError::Persistence(inner) => WebError::from(inner),
        }
    }
}
