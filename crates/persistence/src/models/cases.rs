//! `cases` and `case_assignments`: a person's case files and the caseworkers
//! assigned to them. Tenant-owned: every function takes a [`TenantScope`].
//! Every change appends its event to the case's timeline
//! ([`super::case_events`]) in the same transaction.

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use relais_domain::case_file::{self, CaseEventKind, CaseStatus, CloseReason, Pathway, TransitionError};
use relais_domain::{Conflict, Duplicate, MembershipStatus, TenantRole};
use serde_json::json;
use uuid::Uuid;

use super::case_events;
use crate::schema::{beneficiaries, case_assignments, cases, memberships, users};
use crate::{DbConnection, PersistenceError, TenantScope, now, write_tx};

mod listing;

pub use listing::{CaseFilter, CaseListing, CasePage, Cursor, list};

diesel::define_sql_function! {
    /// Length of a text, in characters (same name on both backends).
    fn length(x: diesel::sql_types::Text) -> diesel::sql_types::Integer;
}

/// Why a case change was refused.
#[derive(Debug, thiserror::Error)]
pub enum CaseError {
    /// The case state machine refuses the status change.
    #[error(transparent)]
    Transition(#[from] TransitionError),
    /// The user is not an active caseworker or administrator of the tenant.
    #[error("not an active caseworker or administrator of the tenant")]
    NotAssignable,
    /// A database error (including `NotFound` and `Conflict`).
    #[error(transparent)]
    Persistence(#[from] PersistenceError),
}

impl From<diesel::result::Error> for CaseError {
    fn from(err: diesel::result::Error) -> Self {
        CaseError::Persistence(err.into())
    }
}

/// A case as stored.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = cases)]
pub struct Case {
    /// Owning tenant.
    pub tenant_id: String,
    /// Id (UUIDv7 text).
    pub id: String,
    /// The person.
    pub beneficiary_id: String,
    /// Short reference, unique per tenant (`C-2026-00042`).
    pub reference: String,
    /// Pathway code (see [`Pathway`]).
    pub pathway: String,
    /// Status code (see [`CaseStatus`]).
    pub status: String,
    /// Close reason code (see [`CloseReason`]) when closed.
    pub closed_reason: Option<String>,
    /// Intake date.
    pub intake_date: NaiveDate,
    /// Who sent the person (free text).
    pub referral_source: Option<String>,
    /// Goals (free text).
    pub goals: Option<String>,
    /// Who opened it.
    pub created_by: Option<String>,
    /// Creation time (UTC).
    pub created_at: NaiveDateTime,
    /// Last change (UTC).
    pub updated_at: NaiveDateTime,
    /// Optimistic-locking version.
    pub version: i32,
}

impl Case {
    /// The typed status (a stored code the domain does not know is a configuration error).
    pub fn status(&self) -> Result<CaseStatus, PersistenceError> {
        self.status.parse::<CaseStatus>().map_err(|e| PersistenceError::Config(e.to_string()))
    }
}

/// What is needed to open a case (validated by the caller).
#[derive(Debug, Clone)]
pub struct NewCase<'a> {
    /// The person (must exist in the tenant).
    pub beneficiary_id: &'a str,
    /// Pathway.
    pub pathway: Pathway,
    /// Intake date.
    pub intake_date: NaiveDate,
    /// Who sent the person.
    pub referral_source: Option<&'a str>,
    /// Goals.
    pub goals: Option<&'a str>,
    /// Who opens it.
    pub created_by: &'a str,
}

/// How many times a reference is drawn again after losing a race. Each
/// loss means another case of the same tenant was committed meanwhile (the
/// unique index only refuses a committed or committing row), so running out
/// takes that many cases opened in one tenant during one creation.
const REFERENCE_ATTEMPTS: usize = 32;

fn next_reference(conn: &mut DbConnection, scope: &TenantScope, year: i32) -> Result<String, PersistenceError> {
    let prefix = case_file::reference_prefix(year);
    let last: Option<String> = cases::table
        .filter(cases::tenant_id.eq(scope.key()))
        .filter(cases::reference.like(format!("{prefix}%")))
        .order((length(cases::reference).desc(), cases::reference.desc()))
        .select(cases::reference)
        .first(conn)
        .optional()?;
    let number = last.as_deref().and_then(|r| case_file::reference_number(r, year)).unwrap_or(0);
    Ok(case_file::case_reference(year, number.saturating_add(1)))
}

/// Opens a case with status open and the next reference of the year
/// (`C-2026-00042`, unique per tenant). Two writers drawing the same number
/// at once (possible on PostgreSQL) meet the unique index: the loser draws
/// again. Appends `opened` to the timeline. `NotFound` when the person is
/// not in the tenant (or was erased).
pub fn create(conn: &mut DbConnection, scope: &TenantScope, new: &NewCase<'_>) -> Result<Case, PersistenceError> {
    if !beneficiary_exists(conn, scope, new.beneficiary_id)? {
        return Err(PersistenceError::NotFound);
    }
    let at = now();
    let id = Uuid::now_v7().to_string();
    let mut last_error = None;
    for _ in 0..REFERENCE_ATTEMPTS {
        let reference = next_reference(conn, scope, at.year())?;
        // A savepoint, so a lost race does not abort the caller's transaction on PostgreSQL.
        let inserted = write_tx(conn, |conn| {
            diesel::insert_into(cases::table)
                .values((
                    cases::tenant_id.eq(scope.key()),
                    cases::id.eq(&id),
                    cases::beneficiary_id.eq(new.beneficiary_id),
                    cases::reference.eq(&reference),
                    cases::pathway.eq(new.pathway.as_str()),
                    cases::status.eq(CaseStatus::Open.as_str()),
                    cases::intake_date.eq(new.intake_date),
                    cases::referral_source.eq(new.referral_source),
                    cases::goals.eq(new.goals),
                    cases::created_by.eq(new.created_by),
                    cases::created_at.eq(at),
                    cases::updated_at.eq(at),
                    cases::version.eq(1),
                ))
                .execute(conn)
                .map_err(PersistenceError::from)
        });
        match inserted {
            Ok(_) => {
                case_events::append(
                    conn,
                    scope,
                    &id,
                    CaseEventKind::Opened,
                    json!({ "pathway": new.pathway.as_str() }),
                    Some(new.created_by),
                )?;
                return find(conn, scope, &id);
            }
            Err(PersistenceError::Conflict(Conflict::Duplicate(Duplicate::CaseReference))) => {
                last_error = Some(PersistenceError::Conflict(Conflict::Duplicate(Duplicate::CaseReference)))
            }
            Err(other) => return Err(other),
        }
    }
    Err(last_error.unwrap_or_else(|| PersistenceError::Conflict(Conflict::Duplicate(Duplicate::CaseReference))))
}

/// One case of the tenant (`NotFound` for another tenant's case).
pub fn find(conn: &mut DbConnection, scope: &TenantScope, id: &str) -> Result<Case, PersistenceError> {
    Ok(cases::table
        .filter(cases::tenant_id.eq(scope.key()))
        .filter(cases::id.eq(id))
        .select(Case::as_select())
        .first(conn)?)
}

/// Whether a person (not erased) exists in the tenant.
pub fn beneficiary_exists(conn: &mut DbConnection, scope: &TenantScope, id: &str) -> Result<bool, PersistenceError> {
    Ok(diesel::select(diesel::dsl::exists(
        beneficiaries::table
            .filter(beneficiaries::tenant_id.eq(scope.key()))
            .filter(beneficiaries::id.eq(id))
            .filter(beneficiaries::erased_at.is_null()),
    ))
    .get_result(conn)?)
}

/// A person's names as written (for the case pages).
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct PersonName {
    /// Given names.
    pub given_names: String,
    /// Family names.
    pub family_names: String,
}

/// The names of a person of the tenant.
pub fn person_name(conn: &mut DbConnection, scope: &TenantScope, id: &str) -> Result<PersonName, PersistenceError> {
    Ok(beneficiaries::table
        .filter(beneficiaries::tenant_id.eq(scope.key()))
        .filter(beneficiaries::id.eq(id))
        .select((beneficiaries::given_names, beneficiaries::family_names))
        .first(conn)?)
}

/// The editable description of a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseChanges {
    /// Pathway.
    pub pathway: Pathway,
    /// Who sent the person.
    pub referral_source: Option<String>,
    /// Goals.
    pub goals: Option<String>,
}

/// Changes pathway, referral source and goals if the case is still at
/// `expected_version`; otherwise `Conflict` and nothing is written. Returns
/// the case before and after, and appends `updated` (with the changed field
/// names) to the timeline when something changed.
pub fn update(
    conn: &mut DbConnection,
    scope: &TenantScope,
    id: &str,
    expected_version: i32,
    changes: &CaseChanges,
    actor: &str,
) -> Result<(Case, Case), PersistenceError> {
    let before = find(conn, scope, id)?;
    let written = diesel::update(
        cases::table
            .filter(cases::tenant_id.eq(scope.key()))
            .filter(cases::id.eq(id))
            .filter(cases::version.eq(expected_version)),
    )
    .set((
        cases::pathway.eq(changes.pathway.as_str()),
        cases::referral_source.eq(changes.referral_source.as_deref()),
        cases::goals.eq(changes.goals.as_deref()),
        cases::version.eq(cases::version + 1),
        cases::updated_at.eq(now()),
    ))
    .execute(conn)?;
    if written == 0 {
        return Err(PersistenceError::Conflict(Conflict::StaleVersion));
    }
    let after = find(conn, scope, id)?;
    let changed = changed_fields(&before, &after);
    if !changed.is_empty() {
        case_events::append(conn, scope, id, CaseEventKind::Updated, json!({ "changed": changed }), Some(actor))?;
    }
    Ok((before, after))
}

/// The names of the descriptive fields that differ between two versions of a case.
pub fn changed_fields(before: &Case, after: &Case) -> Vec<&'static str> {
    [
        ("pathway", before.pathway != after.pathway),
        ("referral_source", before.referral_source != after.referral_source),
        ("goals", before.goals != after.goals),
    ]
    .into_iter()
    .filter_map(|(field, differs)| differs.then_some(field))
    .collect()
}

/// Moves a case to another status as the state machine allows (closing
/// needs a reason; reopening clears it). Returns the case before and after
/// and appends `status_changed` to the timeline.
pub fn change_status(
    conn: &mut DbConnection,
    scope: &TenantScope,
    id: &str,
    to: CaseStatus,
    reason: Option<CloseReason>,
    actor: &str,
) -> Result<(Case, Case), CaseError> {
    let before = find(conn, scope, id)?;
    let done = case_file::transition(before.status()?, to, reason)?;
    diesel::update(cases::table.filter(cases::tenant_id.eq(scope.key())).filter(cases::id.eq(id)))
        .set((
            cases::status.eq(done.status.as_str()),
            cases::closed_reason.eq(done.closed_reason.map(|r| r.as_str())),
            cases::version.eq(cases::version + 1),
            cases::updated_at.eq(now()),
        ))
        .execute(conn)?;
    let after = find(conn, scope, id)?;
    case_events::append(
        conn,
        scope,
        id,
        CaseEventKind::StatusChanged,
        json!({ "from": before.status, "to": after.status, "reason": after.closed_reason }),
        Some(actor),
    )?;
    Ok((before, after))
}

/// Marks a case as recently worked on (for the list order), without
/// changing its version.
pub(crate) fn touch(conn: &mut DbConnection, scope: &TenantScope, id: &str) -> Result<(), PersistenceError> {
    diesel::update(cases::table.filter(cases::tenant_id.eq(scope.key())).filter(cases::id.eq(id)))
        .set(cases::updated_at.eq(now()))
        .execute(conn)?;
    Ok(())
}

/// A member who may be assigned to cases and tasks.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct Worker {
    /// User id.
    pub user_id: String,
    /// Display name.
    pub display_name: String,
    /// Role code.
    pub role: String,
}

const WORKER_ROLES: [TenantRole; 2] = [TenantRole::Caseworker, TenantRole::TenantAdmin];

/// The tenant's active caseworkers and administrators, by name: the people
/// cases and tasks may be given to.
pub fn workers(conn: &mut DbConnection, scope: &TenantScope) -> Result<Vec<Worker>, PersistenceError> {
    Ok(memberships::table
        .inner_join(users::table)
        .filter(memberships::tenant_id.eq(scope.key()))
        .filter(memberships::status.eq(MembershipStatus::Active.as_str()))
        .filter(memberships::role.eq_any(WORKER_ROLES.map(|r| r.as_str())))
        .filter(users::active.eq(true))
        .order((users::display_name.asc(), users::id.asc()))
        .select((memberships::user_id, users::display_name, memberships::role))
        .load(conn)?)
}

/// Whether the tenant has more than `limit` active caseworker and
/// administrator memberships (the case list offers them in a menu only
/// when they are few). Reads at most `limit + 1` index entries, whatever
/// the tenant's size; a membership of a disabled account still counts, as
/// the answer only chooses between a menu and a name field.
pub fn has_more_workers_than(
    conn: &mut DbConnection,
    scope: &TenantScope,
    limit: i64,
) -> Result<bool, PersistenceError> {
    let some: Vec<String> = memberships::table
        .filter(memberships::tenant_id.eq(scope.key()))
        .filter(memberships::status.eq(MembershipStatus::Active.as_str()))
        .filter(memberships::role.eq_any(WORKER_ROLES.map(|r| r.as_str())))
        .select(memberships::user_id)
        .limit(limit + 1)
        .load(conn)?;
    Ok(some.len() as i64 > limit)
}

/// Whether a user is an active caseworker or administrator of the tenant.
pub fn is_worker(conn: &mut DbConnection, scope: &TenantScope, user_id: &str) -> Result<bool, PersistenceError> {
    Ok(workers(conn, scope)?.iter().any(|w| w.user_id == user_id))
}

/// The users assigned to a case, by name.
pub fn assignees(
    conn: &mut DbConnection,
    scope: &TenantScope,
    case_id: &str,
) -> Result<Vec<(String, String)>, PersistenceError> {
    Ok(case_assignments::table
        .inner_join(users::table.on(users::id.eq(case_assignments::user_id)))
        .filter(case_assignments::tenant_id.eq(scope.key()))
        .filter(case_assignments::case_id.eq(case_id))
        .order((users::display_name.asc(), users::id.asc()))
        .select((users::id, users::display_name))
        .load(conn)?)
}

/// Assigns an active caseworker or administrator to a case; `Ok(false)` if
/// already assigned. Appends `assigned` to the timeline.
pub fn assign(
    conn: &mut DbConnection,
    scope: &TenantScope,
    case_id: &str,
    user_id: &str,
    actor: &str,
) -> Result<bool, CaseError> {
    find(conn, scope, case_id)?;
    if !is_worker(conn, scope, user_id)? {
        return Err(CaseError::NotAssignable);
    }
    if assignees(conn, scope, case_id)?.iter().any(|(id, _)| id == user_id) {
        return Ok(false);
    }
    diesel::insert_into(case_assignments::table)
        .values((
            case_assignments::tenant_id.eq(scope.key()),
            case_assignments::case_id.eq(case_id),
            case_assignments::user_id.eq(user_id),
        ))
        .execute(conn)?;
    case_events::append(conn, scope, case_id, CaseEventKind::Assigned, json!({ "user_id": user_id }), Some(actor))?;
    touch(conn, scope, case_id)?;
    Ok(true)
}

/// Removes an assignment; `Ok(false)` if the user was not assigned.
/// Appends `unassigned` to the timeline.
pub fn unassign(
    conn: &mut DbConnection,
    scope: &TenantScope,
    case_id: &str,
    user_id: &str,
    actor: &str,
) -> Result<bool, PersistenceError> {
    find(conn, scope, case_id)?;
    let removed = diesel::delete(
        case_assignments::table
            .filter(case_assignments::tenant_id.eq(scope.key()))
            .filter(case_assignments::case_id.eq(case_id))
            .filter(case_assignments::user_id.eq(user_id)),
    )
    .execute(conn)?;
    if removed == 0 {
        return Ok(false);
    }
    case_events::append(conn, scope, case_id, CaseEventKind::Unassigned, json!({ "user_id": user_id }), Some(actor))?;
    touch(conn, scope, case_id)?;
    Ok(true)
}
