//! `cases` and `case_assignments`: a person's case files and the caseworkers
//! assigned to them. Tenant-owned: every function takes a [`TenantScope`].
//! Every change appends its event to the case's timeline
//! ([`super::case_events`]) in the same transaction, stamped with the time
//! the caller gives (the application clock).
//!
//! The rules (the status machine, who may be assigned, what a field may
//! hold) are applied by the application layer's commands; these functions
//! read and write rows, and refuse what the rows themselves refuse (a stale
//! version, a case or person of another tenant).

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use relais_domain::case_file::{CaseStatus, CloseReason, Pathway, Transition};
use relais_domain::{BeneficiaryId, CaseId, Conflict, TenantId, UserId};

use super::case_events::{self, NewEvent};
use crate::schema::{beneficiaries, cases};
use crate::stored::{Stored, StoredOpt, text_columns};
use crate::{DbConnection, PersistenceError, TenantScope};

mod listing;
mod open;
mod workers;

pub use listing::{CaseFilter, CaseListing, CasePage, Cursor, list};
pub use open::{NewCase, create};
pub use workers::{
    Assignee, Worker, assign, assignees, has_more_workers_than, is_worker, member_names, unassign, workers,
};

text_columns!(
    cases.tenant_id,
    cases.id,
    cases.beneficiary_id,
    cases.pathway,
    cases.status,
    cases.closed_reason,
    cases.created_by,
    case_assignments.user_id,
);

/// Why a case change was refused.
#[derive(Debug, thiserror::Error)]
pub enum CaseError {
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
    #[diesel(deserialize_as = Stored<TenantId, cases::tenant_id>)]
    pub tenant_id: TenantId,
    /// Id.
    #[diesel(deserialize_as = Stored<CaseId, cases::id>)]
    pub id: CaseId,
    /// The person.
    #[diesel(deserialize_as = Stored<BeneficiaryId, cases::beneficiary_id>)]
    pub beneficiary_id: BeneficiaryId,
    /// Short reference, unique per tenant (`C-2026-00042`).
    pub reference: String,
    /// Pathway.
    #[diesel(deserialize_as = Stored<Pathway, cases::pathway>)]
    pub pathway: Pathway,
    /// Status.
    #[diesel(deserialize_as = Stored<CaseStatus, cases::status>)]
    pub status: CaseStatus,
    /// Why it was closed, when closed.
    #[diesel(deserialize_as = StoredOpt<CloseReason, cases::closed_reason>)]
    pub closed_reason: Option<CloseReason>,
    /// Intake date.
    pub intake_date: NaiveDate,
    /// Who sent the person (free text).
    pub referral_source: Option<String>,
    /// Goals (free text).
    pub goals: Option<String>,
    /// Who opened it.
    #[diesel(deserialize_as = StoredOpt<UserId, cases::created_by>)]
    pub created_by: Option<UserId>,
    /// Creation time (UTC).
    pub created_at: NaiveDateTime,
    /// Last change (UTC).
    pub updated_at: NaiveDateTime,
    /// Optimistic-locking version.
    pub version: i32,
}

/// One case of the tenant (`NotFound` for another tenant's case).
pub fn find(conn: &mut DbConnection, scope: &TenantScope, id: CaseId) -> Result<Case, PersistenceError> {
    Ok(cases::table
        .filter(cases::tenant_id.eq(scope.key()))
        .filter(cases::id.eq(id.to_string()))
        .select(Case::as_select())
        .first(conn)?)
}

/// Whether a person (not erased) exists in the tenant.
pub fn beneficiary_exists(
    conn: &mut DbConnection,
    scope: &TenantScope,
    id: BeneficiaryId,
) -> Result<bool, PersistenceError> {
    Ok(diesel::select(diesel::dsl::exists(
        beneficiaries::table
            .filter(beneficiaries::tenant_id.eq(scope.key()))
            .filter(beneficiaries::id.eq(id.to_string()))
            .filter(beneficiaries::erased_at.is_null()),
    ))
    .get_result(conn)?)
}

/// A person's names as written (for the case pages).
#[derive(Debug, Clone, PartialEq, Eq, Queryable, serde::Serialize)]
pub struct PersonName {
    /// Given names.
    pub given_names: String,
    /// Family names.
    pub family_names: String,
}

/// The names of a person of the tenant.
pub fn person_name(
    conn: &mut DbConnection,
    scope: &TenantScope,
    id: BeneficiaryId,
) -> Result<PersonName, PersistenceError> {
    Ok(beneficiaries::table
        .filter(beneficiaries::tenant_id.eq(scope.key()))
        .filter(beneficiaries::id.eq(id.to_string()))
        .select((beneficiaries::given_names, beneficiaries::family_names))
        .first(conn)?)
}

/// The editable description of a case (checked by the caller).
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
/// `expected_version`; otherwise [`Conflict::StaleVersion`] and nothing is
/// written. Returns the case before and after, and appends `updated` (with
/// the changed field names) to the timeline when something changed.
pub fn update(
    conn: &mut DbConnection,
    scope: &TenantScope,
    id: CaseId,
    expected_version: i32,
    changes: &CaseChanges,
    by: UserId,
    at: NaiveDateTime,
) -> Result<(Case, Case), PersistenceError> {
    let before = find(conn, scope, id)?;
    let written = diesel::update(
        cases::table
            .filter(cases::tenant_id.eq(scope.key()))
            .filter(cases::id.eq(id.to_string()))
            .filter(cases::version.eq(expected_version)),
    )
    .set((
        cases::pathway.eq(changes.pathway.as_str()),
        cases::referral_source.eq(changes.referral_source.as_deref()),
        cases::goals.eq(changes.goals.as_deref()),
        cases::version.eq(cases::version + 1),
        cases::updated_at.eq(at),
    ))
    .execute(conn)?;
    if written == 0 {
        return Err(PersistenceError::Conflict(Conflict::StaleVersion));
    }
    let after = find(conn, scope, id)?;
    let changed = changed_fields(&before, &after);
    if !changed.is_empty() {
        case_events::append(conn, scope, id, &NewEvent::Updated { changed }, Some(by), at)?;
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

/// Writes a status change the caller has checked against `before` with the
/// state machine ([`relais_domain::case_file::transition`]): the new status
/// and close reason, if the case is still at `before`'s version (otherwise
/// [`Conflict::StaleVersion`] and nothing is written). Appends
/// `status_changed` to the timeline and returns the case after. A case of
/// another tenant is `NotFound`.
pub fn change_status(
    conn: &mut DbConnection,
    scope: &TenantScope,
    before: &Case,
    done: Transition,
    by: UserId,
    at: NaiveDateTime,
) -> Result<Case, PersistenceError> {
    if before.tenant_id != scope.tenant_id() {
        return Err(PersistenceError::NotFound);
    }
    let written = diesel::update(
        cases::table
            .filter(cases::tenant_id.eq(scope.key()))
            .filter(cases::id.eq(before.id.to_string()))
            .filter(cases::version.eq(before.version)),
    )
    .set((
        cases::status.eq(done.status.as_str()),
        cases::closed_reason.eq(done.closed_reason.map(|r| r.as_str())),
        cases::version.eq(cases::version + 1),
        cases::updated_at.eq(at),
    ))
    .execute(conn)?;
    if written == 0 {
        return Err(PersistenceError::Conflict(Conflict::StaleVersion));
    }
    let after = find(conn, scope, before.id)?;
    let event = NewEvent::StatusChanged { from: before.status, to: after.status, reason: after.closed_reason };
    case_events::append(conn, scope, before.id, &event, Some(by), at)?;
    Ok(after)
}

/// Marks a case as recently worked on (for the list order), without
/// changing its version.
pub(crate) fn touch(
    conn: &mut DbConnection,
    scope: &TenantScope,
    id: CaseId,
    at: NaiveDateTime,
) -> Result<(), PersistenceError> {
    diesel::update(cases::table.filter(cases::tenant_id.eq(scope.key())).filter(cases::id.eq(id.to_string())))
        .set(cases::updated_at.eq(at))
        .execute(conn)?;
    Ok(())
}
