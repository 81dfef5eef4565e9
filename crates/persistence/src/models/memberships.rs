//! `memberships`: one user's role in one tenant. Tenant-owned: every query
//! takes a [`TenantScope`], except [`scope_for_member`], which is how a scope
//! is obtained in the first place.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use relais_domain::ids::MembershipId;
use relais_domain::{MembershipStatus, TenantRole};

use crate::models::role_assignments;
use crate::schema::{memberships, tenants, users};
use crate::stored::{Stored, text_columns};
use crate::{DbConnection, PersistenceError, TenantScope};

text_columns!(memberships.role, memberships.status);

/// A membership as stored.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = memberships)]
pub struct Membership {
    /// Owning tenant.
    pub tenant_id: String,
    /// Id (UUIDv7 text).
    pub id: String,
    /// The member.
    pub user_id: String,
    /// Role.
    #[diesel(deserialize_as = Stored<TenantRole, memberships::role>)]
    pub role: TenantRole,
    /// Status.
    #[diesel(deserialize_as = Stored<MembershipStatus, memberships::status>)]
    pub status: MembershipStatus,
    /// Creation time (UTC).
    pub created_at: NaiveDateTime,
    /// Last change (UTC).
    pub updated_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = memberships)]
struct MembershipRow<'a> {
    tenant_id: String,
    id: String,
    user_id: &'a str,
    role: &'a str,
    status: &'a str,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

/// Adds a user to the scope's tenant with a role and a status; a second
/// membership of the same user in the same tenant is a
/// [`PersistenceError::Conflict`]. An active membership is granted its role
/// in the role assignments at once.
pub fn create(
    conn: &mut DbConnection,
    scope: &TenantScope,
    user_id: &str,
    role: TenantRole,
    status: MembershipStatus,
    at: NaiveDateTime,
) -> Result<Membership, PersistenceError> {
    let row = MembershipRow {
        tenant_id: scope.key(),
        id: MembershipId::new().to_string(),
        user_id,
        role: role.as_str(),
        status: status.as_str(),
        created_at: at,
        updated_at: at,
    };
    diesel::insert_into(memberships::table).values(&row).execute(conn)?;
    let membership = find(conn, scope, &row.id)?;
    sync_role_assignment(conn, scope, &membership)?;
    Ok(membership)
}

/// Changes a member's role and/or status, keeping the role assignments in
/// step (only an active membership holds its role). Returns the membership
/// as it was before and as it is now.
pub fn update(
    conn: &mut DbConnection,
    scope: &TenantScope,
    id: &str,
    role: TenantRole,
    status: MembershipStatus,
    at: NaiveDateTime,
) -> Result<(Membership, Membership), PersistenceError> {
    let before = find(conn, scope, id)?;
    diesel::update(memberships::table.filter(memberships::tenant_id.eq(scope.key())).filter(memberships::id.eq(id)))
        .set((
            memberships::role.eq(role.as_str()),
            memberships::status.eq(status.as_str()),
            memberships::updated_at.eq(at),
        ))
        .execute(conn)?;
    let after = find(conn, scope, id)?;
    sync_role_assignment(conn, scope, &after)?;
    Ok((before, after))
}

fn sync_role_assignment(conn: &mut DbConnection, scope: &TenantScope, m: &Membership) -> Result<(), PersistenceError> {
    let role = (m.status == MembershipStatus::Active).then_some(m.role);
    role_assignments::set_tenant_role(conn, scope, &m.user_id, role)
}

/// The membership of a user in the scope's tenant, if any.
pub fn find_for_user(
    conn: &mut DbConnection,
    scope: &TenantScope,
    user_id: &str,
) -> Result<Option<Membership>, PersistenceError> {
    Ok(memberships::table
        .filter(memberships::tenant_id.eq(scope.key()))
        .filter(memberships::user_id.eq(user_id))
        .select(Membership::as_select())
        .first(conn)
        .optional()?)
}

/// A member as listed on the members page.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct MemberListing {
    /// Membership id.
    pub id: String,
    /// The member's user id.
    pub user_id: String,
    /// Display name.
    pub display_name: String,
    /// Sign-in e-mail.
    pub email: String,
    /// Role code.
    pub role: String,
    /// Status code.
    pub status: String,
}

/// The scope's members with their names and e-mails, by name.
pub fn list_members(conn: &mut DbConnection, scope: &TenantScope) -> Result<Vec<MemberListing>, PersistenceError> {
    Ok(memberships::table
        .inner_join(users::table)
        .filter(memberships::tenant_id.eq(scope.key()))
        .order((users::display_name.asc(), users::email.asc()))
        .select((
            memberships::id,
            memberships::user_id,
            users::display_name,
            users::email,
            memberships::role,
            memberships::status,
        ))
        .load(conn)?)
}

/// A tenant a user belongs to, for the tenant switcher.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct UserTenant {
    /// Tenant id.
    pub tenant_id: String,
    /// Tenant name.
    pub tenant_name: String,
    /// The user's role code there.
    pub role: String,
}

/// The active tenants in which a user holds an active membership, by name.
pub fn tenants_of_user(conn: &mut DbConnection, user_id: &str) -> Result<Vec<UserTenant>, PersistenceError> {
    Ok(memberships::table
        .inner_join(tenants::table)
        .filter(memberships::user_id.eq(user_id))
        .filter(memberships::status.eq(MembershipStatus::Active.as_str()))
        .filter(tenants::active.eq(true))
        .order(tenants::name.asc())
        .select((tenants::id, tenants::name, memberships::role))
        .load(conn)?)
}

/// One membership of the scope's tenant.
pub fn find(conn: &mut DbConnection, scope: &TenantScope, id: &str) -> Result<Membership, PersistenceError> {
    Ok(memberships::table
        .filter(memberships::tenant_id.eq(scope.key()))
        .filter(memberships::id.eq(id))
        .select(Membership::as_select())
        .first(conn)?)
}

/// Every membership of the scope's tenant.
pub fn list(conn: &mut DbConnection, scope: &TenantScope) -> Result<Vec<Membership>, PersistenceError> {
    Ok(memberships::table
        .filter(memberships::tenant_id.eq(scope.key()))
        .order(memberships::created_at.asc())
        .select(Membership::as_select())
        .load(conn)?)
}

/// The scope of a tenant in which this user holds an active membership,
/// provided the tenant itself is active; `NotFound` otherwise (whether the
/// tenant exists is not revealed).
pub fn scope_for_member(
    conn: &mut DbConnection,
    user_id: &str,
    tenant_id: relais_domain::TenantId,
) -> Result<(TenantScope, TenantRole), PersistenceError> {
    let role: String = memberships::table
        .inner_join(tenants::table)
        .filter(memberships::tenant_id.eq(tenant_id.to_string()))
        .filter(memberships::user_id.eq(user_id))
        .filter(memberships::status.eq(MembershipStatus::Active.as_str()))
        .filter(tenants::active.eq(true))
        .select(memberships::role)
        .first(conn)?;
    let role = role.parse::<TenantRole>().map_err(|e| PersistenceError::Config(e.to_string()))?;
    Ok((TenantScope::member(tenant_id), role))
}
