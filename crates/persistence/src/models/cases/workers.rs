//! Who works on cases: the tenant's caseworkers and administrators, and the
//! assignments of a case (`case_assignments`).

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use relais_domain::{CaseId, MembershipStatus, TenantRole, UserId};

use super::{find, touch};
use crate::models::case_events::{self, NewEvent};
use crate::schema::{case_assignments, memberships, users};
use crate::stored::Stored;
use crate::{DbConnection, PersistenceError, TenantScope};

use super::CaseError;

/// A member who may be assigned to cases and tasks.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct Worker {
    /// User id.
    #[diesel(deserialize_as = Stored<UserId>)]
    pub user_id: UserId,
    /// Display name.
    pub display_name: String,
    /// Role in the tenant.
    #[diesel(deserialize_as = Stored<TenantRole>)]
    pub role: TenantRole,
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

/// Whether a user is an active caseworker or administrator of the tenant
/// (with an active account).
pub fn is_worker(conn: &mut DbConnection, scope: &TenantScope, user_id: UserId) -> Result<bool, PersistenceError> {
    Ok(diesel::select(diesel::dsl::exists(
        memberships::table
            .inner_join(users::table)
            .filter(memberships::tenant_id.eq(scope.key()))
            .filter(memberships::user_id.eq(user_id.to_string()))
            .filter(memberships::status.eq(MembershipStatus::Active.as_str()))
            .filter(memberships::role.eq_any(WORKER_ROLES.map(|r| r.as_str())))
            .filter(users::active.eq(true)),
    ))
    .get_result(conn)?)
}

/// A user assigned to a case.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct Assignee {
    /// User id.
    #[diesel(deserialize_as = Stored<UserId, case_assignments::user_id>)]
    pub user_id: UserId,
    /// Display name.
    pub display_name: String,
}

/// The users assigned to a case, by name.
pub fn assignees(
    conn: &mut DbConnection,
    scope: &TenantScope,
    case_id: CaseId,
) -> Result<Vec<Assignee>, PersistenceError> {
    Ok(case_assignments::table
        .inner_join(users::table.on(users::id.eq(case_assignments::user_id)))
        .filter(case_assignments::tenant_id.eq(scope.key()))
        .filter(case_assignments::case_id.eq(case_id.to_string()))
        .order((users::display_name.asc(), users::id.asc()))
        .select((case_assignments::user_id, users::display_name))
        .load(conn)?)
}

/// Whether a user is assigned to a case.
fn is_assigned(
    conn: &mut DbConnection,
    scope: &TenantScope,
    case_id: CaseId,
    user_id: UserId,
) -> Result<bool, PersistenceError> {
    Ok(diesel::select(diesel::dsl::exists(
        case_assignments::table
            .filter(case_assignments::tenant_id.eq(scope.key()))
            .filter(case_assignments::case_id.eq(case_id.to_string()))
            .filter(case_assignments::user_id.eq(user_id.to_string())),
    ))
    .get_result(conn)?)
}

/// Assigns an active caseworker or administrator to a case
/// ([`CaseError::NotAssignable`] for anyone else); `Ok(false)` if already
/// assigned. Appends `assigned` to the timeline.
pub fn assign(
    conn: &mut DbConnection,
    scope: &TenantScope,
    case_id: CaseId,
    user_id: UserId,
    by: UserId,
    at: NaiveDateTime,
) -> Result<bool, CaseError> {
    find(conn, scope, case_id)?;
    if !is_worker(conn, scope, user_id)? {
        return Err(CaseError::NotAssignable);
    }
    if is_assigned(conn, scope, case_id, user_id)? {
        return Ok(false);
    }
    diesel::insert_into(case_assignments::table)
        .values((
            case_assignments::tenant_id.eq(scope.key()),
            case_assignments::case_id.eq(case_id.to_string()),
            case_assignments::user_id.eq(user_id.to_string()),
        ))
        .execute(conn)?;
    case_events::append(conn, scope, case_id, &NewEvent::Assigned { user_id }, Some(by), at)?;
    touch(conn, scope, case_id, at)?;
    Ok(true)
}

/// Removes an assignment; `Ok(false)` if the user was not assigned.
/// Appends `unassigned` to the timeline.
pub fn unassign(
    conn: &mut DbConnection,
    scope: &TenantScope,
    case_id: CaseId,
    user_id: UserId,
    by: UserId,
    at: NaiveDateTime,
) -> Result<bool, PersistenceError> {
    find(conn, scope, case_id)?;
    let removed = diesel::delete(
        case_assignments::table
            .filter(case_assignments::tenant_id.eq(scope.key()))
            .filter(case_assignments::case_id.eq(case_id.to_string()))
            .filter(case_assignments::user_id.eq(user_id.to_string())),
    )
    .execute(conn)?;
    if removed == 0 {
        return Ok(false);
    }
    case_events::append(conn, scope, case_id, &NewEvent::Unassigned { user_id }, Some(by), at)?;
    touch(conn, scope, case_id, at)?;
    Ok(true)
}

/// The display names of those of `ids` who hold (or held) a membership of
/// the tenant: who a case's timeline and audit trail name. Reads only
/// those users, whatever the tenant's size.
pub fn member_names(
    conn: &mut DbConnection,
    scope: &TenantScope,
    ids: &[UserId],
) -> Result<HashMap<UserId, String>, PersistenceError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(Stored<UserId>, String)> = memberships::table
        .inner_join(users::table)
        .filter(memberships::tenant_id.eq(scope.key()))
        .filter(memberships::user_id.eq_any(ids.iter().map(UserId::to_string).collect::<Vec<_>>()))
        .select((memberships::user_id, users::display_name))
        .load(conn)?;
    Ok(rows.into_iter().map(|(id, name)| (id.into(), name)).collect())
}
