//! Outreach and capacity building (issue 12): the events list with the
//! tenant's figures, planning and editing an event, the event page with its
//! status, attendance (and the fast capture at the door), tallies and
//! participants' attendance, and the tenant's participants.
//!
//! Every route needs an event permission in the active tenant (checked by
//! the route's guard); each handler reads its form as text, turns it into
//! typed values, calls one command of `relais_app::outreach` and renders a
//! typed page model or redirects. An event the tenant does not organise is
//! simply not found (404); viewers (`event:figures` only) see the figures
//! of the list page and nothing with a name.

mod attendance;
mod form;
mod import;
mod list;
mod participants;
mod show;

use std::collections::BTreeMap;

use axum::http::StatusCode;
use axum::response::Response;
use chrono::NaiveDate;
use relais_domain::{EventId, Permission};

use crate::access::Access::Tenant;
use crate::forms::FieldErrors;
use crate::handlers::redirect_with_flash;
use crate::routes::{RouteTable, route};
use crate::state::App;

/// This area's templates: (name, source).
pub(crate) const TEMPLATES: &[(&str, &str)] = &[
    ("events/list.html", include_str!("../../../templates/events/list.html")),
    ("events/form.html", include_str!("../../../templates/events/form.html")),
    ("events/show.html", include_str!("../../../templates/events/show.html")),
    ("events/door.html", include_str!("../../../templates/events/door.html")),
    ("events/participants.html", include_str!("../../../templates/events/participants.html")),
    ("events/participant.html", include_str!("../../../templates/events/participant.html")),
    ("events/participant_form.html", include_str!("../../../templates/events/participant_form.html")),
    ("events/import.html", include_str!("../../../templates/events/import.html")),
];

/// Flash messages of this area.
pub(crate) const FLASH_KEYS: &[&str] = &[
    "event-flash-saved",
    "event-flash-status",
    "event-flash-marked",
    "event-flash-registered",
    "event-flash-removed",
    "event-flash-tally",
    "event-flash-participant-saved",
    "event-flash-participant-marked",
    "import-done",
];

/// This area's routes.
pub(crate) fn routes() -> RouteTable {
    use Permission::{CaseCreate, EventFigures, EventRead, EventRecord};
    vec![
        route!(get, "/events", Tenant(EventFigures), list::list),
        route!(get, "/events/new", Tenant(EventRecord), form::new_form),
        route!(post, "/events", Tenant(EventRecord), form::create),
        route!(get, "/events/{id}", Tenant(EventRead), show::show),
        route!(get, "/events/{id}/edit", Tenant(EventRecord), form::edit_form),
        route!(post, "/events/{id}/edit", Tenant(EventRecord), form::update),
        route!(post, "/events/{id}/status", Tenant(EventRecord), show::change_status),
        route!(post, "/events/{id}/attendance", Tenant(EventRecord), attendance::mark),
        route!(post, "/events/{id}/attendance/{person_id}/remove", Tenant(EventRecord), attendance::remove),
        route!(post, "/events/{id}/attendance/{person_id}/follow-up", Tenant(CaseCreate), attendance::follow_up),
        route!(get, "/events/{id}/door", Tenant(EventRecord), attendance::door_page),
        route!(post, "/events/{id}/door", Tenant(EventRecord), attendance::door),
        route!(post, "/events/{id}/tallies", Tenant(EventRecord), attendance::tally),
        route!(get, "/events/{id}/import", Tenant(EventRecord), import::upload_form),
        route!(post, "/events/{id}/import", Tenant(EventRecord), import::preview),
        route!(post, "/events/{id}/import/confirm", Tenant(EventRecord), import::confirm),
        route!(post, "/events/{id}/participants", Tenant(EventRecord), participants::mark),
        route!(get, "/participants", Tenant(EventRead), participants::list),
        route!(post, "/participants", Tenant(EventRecord), participants::create),
        route!(get, "/participants/{id}", Tenant(EventRead), participants::show),
        route!(post, "/participants/{id}", Tenant(EventRecord), participants::update),
    ]
}

/// A date as shown and as typed in a date field: `YYYY-MM-DD`.
fn date_text(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

/// Reads an optional `YYYY-MM-DD` field; a date that does not read is
/// reported on the field (whether it is required is the command's rule).
fn parse_date(errors: &mut FieldErrors, field: &'static str, value: &str) -> Option<NaiveDate> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    NaiveDate::parse_from_str(value, "%Y-%m-%d").map_err(|_| errors.add(field, "event-error-date")).ok()
}

/// Adds a command's field errors to those found reading the form (the
/// form's own, recorded first, win on a field).
fn merge(errors: &mut FieldErrors, more: FieldErrors) {
    for (field, message) in more.iter() {
        errors.add(field, message);
    }
}

/// The values of the ticked boxes named `<prefix><value>` (a plain form
/// cannot repeat a field name here), and whether each one read.
fn ticked<T: std::str::FromStr>(rest: &BTreeMap<String, String>, prefix: &str) -> (Vec<T>, bool) {
    let texts: Vec<&str> = rest.keys().filter_map(|k| k.strip_prefix(prefix)).collect();
    let values: Vec<T> = texts.iter().filter_map(|v| v.parse().ok()).collect();
    let all_read = values.len() == texts.len();
    (values, all_read)
}

/// Back to the event page (303) at an anchor, with a message.
fn to_event(app: &App, id: EventId, anchor: &str, flash: &'static str) -> Response {
    redirect_with_flash(app, &format!("/events/{id}#{anchor}"), flash)
}

/// The status of a re-rendered form: 422 when a field is wrong.
const INVALID: StatusCode = StatusCode::UNPROCESSABLE_ENTITY;
