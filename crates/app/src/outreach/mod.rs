//! Outreach and capacity building (issue 12): planning and recording
//! events (also after the fact, with past dates), their status, registered
//! attendance (also "register at the door and mark present" in one step),
//! anonymous head-counts, participants who are not beneficiaries and their
//! attendance, and the tenant's figures.
//!
//! Permissions: `event:read` lists events and reads an event's page
//! (the tenant's own attendees only), `event:record` changes anything here
//! (volunteers, caseworkers and tenant administrators), `event:figures`
//! reads the counts (viewers too: no names). Registering at the door also
//! needs `beneficiary:create` (and `consent:manage` for a consent).
//!
//! Every change writes one typed audit row (ids and codes only, never a
//! name or a title) in the same transaction, stamped with the command's
//! time. An event of another tenant that the actor's tenant does not
//! co-organise is not found; a co-organising tenant reads the event and
//! records its own attendees, tallies and participants, but changes the
//! event only if it is its own.

mod attendance;
mod events;
mod import;
mod participants;
mod tallies;

pub use attendance::{
    DoorOutcome, DoorRegistration, Mark, MarkOutcome, events_of_person, open_follow_up_case, record_attendance,
    register_and_mark_present, remove_attendance,
};
pub use events::{
    EventEdit, EventInput, EventList, EventView, NewEvent, StatusChange, change_event_status, edit_event, event_page,
    list_events, outreach_figures, plan_event,
};
pub use import::{
    Candidate, CellError, ColumnMapping, Decisions, ImportField, ImportOutcome, MAX_COLUMNS, MAX_ROWS, MAX_SHEET_BYTES,
    PERSON, Preview, PreviewRow, RowDecision, Sheet, SheetRow, cell_key, commit_import, parse_sheet, preview_import,
    split_cell_key,
};
pub use participants::{
    InstitutionInput, ParticipantEdit, ParticipantInput, ParticipantMarkInput, create_participant, list_participants,
    participant_events, record_participant_attendance, update_participant,
};
pub use tallies::{NewTally, record_tally};

use relais_domain::outreach::{self, EventRefusal, TextError};
use relais_domain::{Conflict, EventId};
use relais_persistence::models::events::{self as rows, Event};
use relais_persistence::{DbConnection, TenantScope};

use crate::error::{AppError, AppResult, FieldErrors};

/// Checks a text field (trimmed, required or not, at most `max` characters)
/// and records a problem on the field; returns the trimmed text.
fn text(errors: &mut FieldErrors, field: &'static str, value: &str, max: usize, required: bool) -> String {
    match outreach::check_text(value, max, required) {
        Ok(text) => text,
        Err(TextError::Required) => {
            errors.add(field, "error-required");
            String::new()
        }
        Err(TextError::TooLong) => {
            errors.add(field, "error-too-long");
            value.trim().to_owned()
        }
    }
}

/// An empty text as no value.
fn optional(text: String) -> Option<String> {
    Some(text).filter(|t| !t.is_empty())
}

/// An event the actor's tenant organises that takes attendance and
/// tallies on `today` ([`Conflict::EventRefused`] otherwise).
fn open_event(conn: &mut DbConnection, scope: &TenantScope, id: EventId, today: chrono::NaiveDate) -> AppResult<Event> {
    let event = rows::find(conn, scope, id)?;
    outreach::check_open_for_attendance(event.status, event.start_date, today).map_err(refused)?;
    Ok(event)
}

fn refused(refusal: EventRefusal) -> AppError {
    AppError::Conflict(Conflict::EventRefused(refusal))
}
