//! `memberships`: one user's role in one tenant. Tenant-owned: every query
//! takes a [`TenantScope`], except [`scope_for_member`], which is how a scope
//! is obtained in the first place.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use relais_domain::TenantRole;
use relais_domain::ids::MembershipId;

use crate::schema::{memberships, tenants};
use crate::{DbConnection, PersistenceError, TenantScope, now};

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
    /// Role code (see [`TenantRole`]).
    pub role: String,
    /// Whether the member may work in this tenant.
    pub active: bool,
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
    active: bool,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

/// Adds a user to the scope's tenant with a role; a second membership of
/// the same user in the same tenant is a [`PersistenceError::Conflict`].
pub fn create(
    conn: &mut DbConnection,
    scope: &TenantScope,
    user_id: &str,
    role: TenantRole,
) -> Result<Membership, PersistenceError> {
    let at = now();
    let row = MembershipRow {
        tenant_id: scope.key(),
        id: MembershipId::new().to_string(),
        user_id,
        role: role.as_str(),
        active: true,
        created_at: at,
        updated_at: at,
    };
    diesel::insert_into(memberships::table)
        .values(&row)
        .execute(conn)?;
    find(conn, scope, &row.id)
}

/// One membership of the scope's tenant.
pub fn find(
    conn: &mut DbConnection,
    scope: &TenantScope,
    id: &str,
) -> Result<Membership, PersistenceError> {
    Ok(memberships::table
        .filter(memberships::tenant_id.eq(scope.key()))
        .filter(memberships::id.eq(id))
        .select(Membership::as_select())
        .first(conn)?)
}

/// Every membership of the scope's tenant.
pub fn list(
    conn: &mut DbConnection,
    scope: &TenantScope,
) -> Result<Vec<Membership>, PersistenceError> {
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
        .filter(memberships::active.eq(true))
        .filter(tenants::active.eq(true))
        .select(memberships::role)
        .first(conn)?;
    let role = role
        .parse::<TenantRole>()
        .map_err(|e| PersistenceError::Config(e.to_string()))?;
    Ok((TenantScope::member(tenant_id), role))
}
