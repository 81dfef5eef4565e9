//! Notes on a case, normal or confidential. The audit trail and the
//! timeline record a note's visibility, never its text.

use relais_domain::case_file::{self, NoteVisibility};
use relais_domain::{AuditAction, CaseId, NoteId, Permission};
use relais_persistence::models::case_notes;
use serde_json::json;

use super::text;
use crate::error::{AppError, AppResult, FieldErrors};
use crate::{Actor, App};

/// A note, as written.
#[derive(Debug, Clone)]
pub struct NewNote {
    /// The text (`body`): required, at most [`case_file::NOTE_MAX`] characters.
    pub body: String,
    /// Who may read it (`visibility`); `None` when the caller could not read one.
    pub visibility: Option<NoteVisibility>,
}

impl NewNote {
    /// The problems of the input, by field (what [`add_note`] refuses).
    pub fn check(&self) -> FieldErrors {
        let mut errors = FieldErrors::new();
        text(&mut errors, "body", &self.body, case_file::NOTE_MAX, true);
        if self.visibility.is_none() {
            errors.add("visibility", "error-choose");
        }
        errors
    }
}

/// Adds a note by the actor to a case of their tenant. Audits `note.added`
/// with the note's id and visibility; returns the note's id.
pub async fn add_note(app: &App, actor: &Actor, case: CaseId, note: NewNote) -> AppResult<NoteId> {
    let member = actor.as_member()?;
    member.require(Permission::CaseUpdate)?;
    let (scope, by) = (member.scope, member.user_id);
    app.write(actor, move |tx| {
        note.check().into_result()?;
        let visibility =
            note.visibility.ok_or_else(|| AppError::Internal("checked note without a visibility".into()))?;
        let at = tx.at();
        let new = case_notes::NewNote { author_id: by, visibility, body: note.body.trim() };
        let note_id = case_notes::create(tx.conn(), &scope, case, &new, at)?;
        tx.audit(Some(&scope), AuditAction::NoteAdded, case, json!({ "note_id": note_id, "visibility": visibility }))?;
        Ok(note_id)
    })
    .await
}
