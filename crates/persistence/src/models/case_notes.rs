//! `case_notes`: notes on a case, normal or confidential. Tenant-owned.
//!
//! The rule of confidential notes ([`relais_domain::case_file::may_read_note`])
//! is applied in SQL by [`list_for_reader`]: a note the reader may not read
//! never leaves the database.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use relais_domain::case_file::{NoteReader, NoteVisibility};
use relais_domain::{CaseId, MembershipStatus, NoteId, TenantRole, UserId};

use super::case_events::{self, NewEvent};
use super::cases;
use crate::schema::{case_assignments, case_notes, memberships, users};
use crate::stored::{Stored, StoredOpt, text_columns};
use crate::{DbConnection, PersistenceError, TenantScope};

type Backend = <DbConnection as diesel::Connection>::Backend;

text_columns!(case_notes.id, case_notes.author_id, case_notes.visibility);

/// A note as shown to a reader allowed to read it.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct CaseNote {
    /// Id.
    #[diesel(deserialize_as = Stored<NoteId, case_notes::id>)]
    pub id: NoteId,
    /// The author, if known.
    #[diesel(deserialize_as = StoredOpt<UserId, case_notes::author_id>)]
    pub author_id: Option<UserId>,
    /// The author's display name, if known.
    pub author_name: Option<String>,
    /// Visibility.
    #[diesel(deserialize_as = Stored<NoteVisibility, case_notes::visibility>)]
    pub visibility: NoteVisibility,
    /// The text.
    pub body: String,
    /// When it was written (UTC).
    pub created_at: NaiveDateTime,
}

/// The reader of a tenant's notes: their user id and whether they are an
/// active administrator of the tenant.
pub fn reader(conn: &mut DbConnection, scope: &TenantScope, user_id: UserId) -> Result<NoteReader, PersistenceError> {
    let is_tenant_admin = diesel::select(diesel::dsl::exists(
        memberships::table
            .filter(memberships::tenant_id.eq(scope.key()))
            .filter(memberships::user_id.eq(user_id.to_string()))
            .filter(memberships::status.eq(MembershipStatus::Active.as_str()))
            .filter(memberships::role.eq(TenantRole::TenantAdmin.as_str())),
    ))
    .get_result(conn)?;
    Ok(NoteReader { user_id, is_tenant_admin })
}

/// A note to add (checked by the caller).
#[derive(Debug, Clone, Copy)]
pub struct NewNote<'a> {
    /// Who writes it.
    pub author_id: UserId,
    /// Who may read it.
    pub visibility: NoteVisibility,
    /// The text.
    pub body: &'a str,
}

/// Adds a note to a case of the tenant (`NotFound` otherwise), written at
/// `at`, and appends `note_added` (with the visibility, never the text) to
/// the timeline. Returns the note's id.
pub fn create(
    conn: &mut DbConnection,
    scope: &TenantScope,
    case_id: CaseId,
    new: &NewNote<'_>,
    at: NaiveDateTime,
) -> Result<NoteId, PersistenceError> {
    cases::find(conn, scope, case_id)?;
    let id = NoteId::new();
    diesel::insert_into(case_notes::table)
        .values((
            case_notes::tenant_id.eq(scope.key()),
            case_notes::id.eq(id.to_string()),
            case_notes::case_id.eq(case_id.to_string()),
            case_notes::author_id.eq(new.author_id.to_string()),
            case_notes::visibility.eq(new.visibility.as_str()),
            case_notes::body.eq(new.body),
            case_notes::created_at.eq(at),
        ))
        .execute(conn)?;
    let event = NewEvent::NoteAdded { note_id: id, visibility: new.visibility };
    case_events::append(conn, scope, case_id, &event, Some(new.author_id), at)?;
    cases::touch(conn, scope, case_id, at)?;
    Ok(id)
}

/// The notes of a case this reader may read, newest first: every normal
/// note; confidential notes only if the reader wrote them, is assigned to
/// the case, or administers the tenant. The filter is part of the query.
pub fn list_for_reader(
    conn: &mut DbConnection,
    scope: &TenantScope,
    case_id: CaseId,
    reader: &NoteReader,
) -> Result<Vec<CaseNote>, PersistenceError> {
    let mut query = case_notes::table
        .left_join(users::table.on(users::id.nullable().eq(case_notes::author_id)))
        .filter(case_notes::tenant_id.eq(scope.key()))
        .filter(case_notes::case_id.eq(case_id.to_string()))
        .order((case_notes::created_at.desc(), case_notes::id.desc()))
        .select((
            case_notes::id,
            case_notes::author_id,
            users::display_name.nullable(),
            case_notes::visibility,
            case_notes::body,
            case_notes::created_at,
        ))
        .into_boxed::<Backend>();
    if !reader.is_tenant_admin {
        let assigned = diesel::dsl::exists(
            case_assignments::table
                .filter(case_assignments::tenant_id.eq(scope.key()))
                .filter(case_assignments::case_id.eq(case_id.to_string()))
                .filter(case_assignments::user_id.eq(reader.user_id.to_string())),
        );
        query = query.filter(
            case_notes::visibility
                .eq(NoteVisibility::Normal.as_str())
                .or(case_notes::author_id.eq(reader.user_id.to_string()).assume_not_null())
                .or(assigned),
        );
    }
    Ok(query.load(conn)?)
}
