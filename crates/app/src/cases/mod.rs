//! Case files: opening a case for a person, its description (pathway,
//! goals) and status, its caseworkers, notes (normal or confidential) and
//! tasks, the audited view of a case, and the reads behind the case list
//! and "my work".
//!
//! Every change writes its typed audit action (ids and codes only: never a
//! note's text, a task's title or a person's name) and its timeline event,
//! stamped with the command's time, in one transaction. A case of another
//! tenant is not found.

mod assignments;
mod edit;
mod lists;
mod notes;
mod open;
mod tasks;
mod view;

pub use assignments::{assign_caseworker, unassign_caseworker};
pub use edit::{CaseEdit, StatusChange, change_status, update_case};
pub use lists::{CaseList, CaseListQuery, EXPIRY_WINDOW_DAYS, MyWork, WorkerFilter, case_list, my_work};
pub use notes::{NewNote, add_note};
pub use open::{NewCase, NewCaseForm, new_case_form, open_case};
pub use tasks::{NewTask, add_task, complete_task, reopen_task, toggle_task};
pub use view::{CaseView, view_case};

use relais_persistence::models::cases::CaseError;

use crate::error::{AppError, FieldErrors};

/// Trims a text field and checks its length in characters (and that it is
/// given, when `required`); a problem is recorded on the field.
fn text(errors: &mut FieldErrors, field: &'static str, value: &str, max_chars: usize, required: bool) -> String {
    errors.text(field, value, max_chars, required)
}

/// An empty text as no value.
fn optional(text: String) -> Option<String> {
    Some(text).filter(|t| !t.is_empty())
}

/// A refused assignment as the field error of the input field that named
/// the user; any other failure as itself.
fn not_assignable_on(field: &'static str) -> impl Fn(CaseError) -> AppError {
    move |err| match err {
        CaseError::NotAssignable => FieldErrors::one(field, "case-error-not-assignable"),
        CaseError::Persistence(inner) => AppError::from(inner),
    }
}
