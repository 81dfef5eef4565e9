//! `case_events`: what happened in a case, for its timeline. Tenant-owned.
//! Every change made through [`super::cases`], [`super::case_notes`] and
//! [`super::tasks`] appends one event in the same transaction. Details hold
//! ids and codes (a note's visibility, never its text).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use relais_domain::case_file::CaseEventKind;
use uuid::Uuid;

use crate::schema::{case_events, users};
use crate::{DbConnection, PersistenceError, TenantScope, now};

/// One event of a case's timeline, with the actor's name.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct CaseEvent {
    /// Id (UUIDv7 text).
    pub id: String,
    /// Kind code (see [`CaseEventKind`]).
    pub kind: String,
    /// JSON details (ids and codes only).
    pub details: String,
    /// Who acted, if known.
    pub actor_id: Option<String>,
    /// The actor's display name, if known.
    pub actor_name: Option<String>,
    /// When (UTC).
    pub occurred_at: NaiveDateTime,
}

/// Appends one event to a case's timeline (in the caller's transaction).
pub fn append(
    conn: &mut DbConnection,
    scope: &TenantScope,
    case_id: &str,
    kind: CaseEventKind,
    details: serde_json::Value,
    actor_id: Option<&str>,
) -> Result<(), PersistenceError> {
    diesel::insert_into(case_events::table)
        .values((
            case_events::tenant_id.eq(scope.key()),
            case_events::id.eq(Uuid::now_v7().to_string()),
            case_events::case_id.eq(case_id),
            case_events::kind.eq(kind.as_str()),
            case_events::details.eq(details.to_string()),
            case_events::actor_id.eq(actor_id),
            case_events::occurred_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// A case's timeline, newest first (at most `limit` events).
pub fn list(
    conn: &mut DbConnection,
    scope: &TenantScope,
    case_id: &str,
    limit: i64,
) -> Result<Vec<CaseEvent>, PersistenceError> {
    Ok(case_events::table
        .left_join(users::table.on(users::id.nullable().eq(case_events::actor_id)))
        .filter(case_events::tenant_id.eq(scope.key()))
        .filter(case_events::case_id.eq(case_id))
        .order((case_events::occurred_at.desc(), case_events::id.desc()))
        .limit(limit)
        .select((
            case_events::id,
            case_events::kind,
            case_events::details,
            case_events::actor_id,
            users::display_name.nullable(),
            case_events::occurred_at,
        ))
        .load(conn)?)
}
