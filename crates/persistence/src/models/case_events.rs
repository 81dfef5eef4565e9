//! `case_events`: what happened in a case, for its timeline. Tenant-owned.
//! Every change made through [`super::cases`], [`super::case_notes`] and
//! [`super::tasks`] appends one event in the same transaction, stamped with
//! the change's time. Details hold ids and codes (a note's visibility,
//! never its text).

use std::str::FromStr;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use relais_domain::case_file::{CaseEventKind, CaseStatus, CloseReason, NoteVisibility, Pathway};
use relais_domain::{CaseId, NoteId, TaskId, UserId};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use crate::schema::{case_events, users};
use crate::stored::{Stored, StoredOpt, text_columns};
use crate::{DbConnection, PersistenceError, TenantScope};

text_columns!(case_events.kind, case_events.details, case_events.actor_id);

/// An event to append: its kind and the facts it records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NewEvent {
    /// The case was opened on this pathway.
    Opened {
        /// The pathway.
        pathway: Pathway,
    },
    /// These descriptive fields changed.
    Updated {
        /// The fields' names (`pathway`, `referral_source`, `goals`).
        changed: Vec<&'static str>,
    },
    /// The status changed.
    StatusChanged {
        /// From.
        from: CaseStatus,
        /// To.
        to: CaseStatus,
        /// Why, when closed.
        reason: Option<CloseReason>,
    },
    /// A caseworker was assigned.
    Assigned {
        /// Who.
        user_id: UserId,
    },
    /// A caseworker was unassigned.
    Unassigned {
        /// Who.
        user_id: UserId,
    },
    /// A note was added (its visibility, never its text).
    NoteAdded {
        /// The note.
        note_id: NoteId,
        /// Its visibility.
        visibility: NoteVisibility,
    },
    /// A task was added.
    TaskAdded {
        /// The task.
        task_id: TaskId,
    },
    /// A task was marked done.
    TaskDone {
        /// The task.
        task_id: TaskId,
    },
    /// A done task was marked not done again.
    TaskReopened {
        /// The task.
        task_id: TaskId,
    },
}

impl NewEvent {
    /// Its kind.
    pub fn kind(&self) -> CaseEventKind {
        match self {
            NewEvent::Opened { .. } => CaseEventKind::Opened,
            NewEvent::Updated { .. } => CaseEventKind::Updated,
            NewEvent::StatusChanged { .. } => CaseEventKind::StatusChanged,
            NewEvent::Assigned { .. } => CaseEventKind::Assigned,
            NewEvent::Unassigned { .. } => CaseEventKind::Unassigned,
            NewEvent::NoteAdded { .. } => CaseEventKind::NoteAdded,
            NewEvent::TaskAdded { .. } => CaseEventKind::TaskAdded,
            NewEvent::TaskDone { .. } => CaseEventKind::TaskDone,
            NewEvent::TaskReopened { .. } => CaseEventKind::TaskReopened,
        }
    }

    /// Its details as stored (ids and codes only).
    fn details(&self) -> serde_json::Value {
        match self {
            NewEvent::Opened { pathway } => json!({ "pathway": pathway }),
            NewEvent::Updated { changed } => json!({ "changed": changed }),
            NewEvent::StatusChanged { from, to, reason } => json!({ "from": from, "to": to, "reason": reason }),
            NewEvent::Assigned { user_id } | NewEvent::Unassigned { user_id } => json!({ "user_id": user_id }),
            NewEvent::NoteAdded { note_id, visibility } => json!({ "note_id": note_id, "visibility": visibility }),
            NewEvent::TaskAdded { task_id } | NewEvent::TaskDone { task_id } | NewEvent::TaskReopened { task_id } => {
                json!({ "task_id": task_id })
            }
        }
    }
}

/// The facts an event records, as read back (each kind fills its own).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventDetails {
    /// `opened`: the pathway.
    #[serde(default)]
    pub pathway: Option<Pathway>,
    /// `updated`: the changed fields' names.
    #[serde(default)]
    pub changed: Vec<String>,
    /// `status_changed`: from.
    #[serde(default)]
    pub from: Option<CaseStatus>,
    /// `status_changed`: to.
    #[serde(default)]
    pub to: Option<CaseStatus>,
    /// `status_changed`: why, when closed.
    #[serde(default)]
    pub reason: Option<CloseReason>,
    /// `assigned`, `unassigned`: who.
    #[serde(default)]
    pub user_id: Option<UserId>,
    /// `note_added`: the note.
    #[serde(default)]
    pub note_id: Option<NoteId>,
    /// `note_added`: its visibility.
    #[serde(default)]
    pub visibility: Option<NoteVisibility>,
    /// `task_*`: the task.
    #[serde(default)]
    pub task_id: Option<TaskId>,
}

/// Read from the stored JSON (a read of a malformed one fails, naming the column).
impl FromStr for EventDetails {
    type Err = serde_json::Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        serde_json::from_str(s)
    }
}

/// One event of a case's timeline, with the actor's name.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct CaseEvent {
    /// Kind.
    #[diesel(deserialize_as = Stored<CaseEventKind, case_events::kind>)]
    pub kind: CaseEventKind,
    /// What it records.
    #[diesel(deserialize_as = Stored<EventDetails, case_events::details>)]
    pub details: EventDetails,
    /// Who acted, if known.
    #[diesel(deserialize_as = StoredOpt<UserId, case_events::actor_id>)]
    pub actor_id: Option<UserId>,
    /// The actor's display name, if known.
    pub actor_name: Option<String>,
    /// When (UTC).
    pub occurred_at: NaiveDateTime,
}

/// Appends one event to a case's timeline (in the caller's transaction), at `at`.
pub fn append(
    conn: &mut DbConnection,
    scope: &TenantScope,
    case_id: CaseId,
    event: &NewEvent,
    actor_id: Option<UserId>,
    at: NaiveDateTime,
) -> Result<(), PersistenceError> {
    diesel::insert_into(case_events::table)
        .values((
            case_events::tenant_id.eq(scope.key()),
            case_events::id.eq(Uuid::now_v7().to_string()),
            case_events::case_id.eq(case_id.to_string()),
            case_events::kind.eq(event.kind().as_str()),
            case_events::details.eq(event.details().to_string()),
            case_events::actor_id.eq(actor_id.map(|a| a.to_string())),
            case_events::occurred_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// A case's timeline, newest first (at most `limit` events).
pub fn list(
    conn: &mut DbConnection,
    scope: &TenantScope,
    case_id: CaseId,
    limit: i64,
) -> Result<Vec<CaseEvent>, PersistenceError> {
    Ok(case_events::table
        .left_join(users::table.on(users::id.nullable().eq(case_events::actor_id)))
        .filter(case_events::tenant_id.eq(scope.key()))
        .filter(case_events::case_id.eq(case_id.to_string()))
        .order((case_events::occurred_at.desc(), case_events::id.desc()))
        .limit(limit)
        .select((
            case_events::kind,
            case_events::details,
            case_events::actor_id,
            users::display_name.nullable(),
            case_events::occurred_at,
        ))
        .load(conn)?)
}
