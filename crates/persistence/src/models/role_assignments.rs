//! Role assignments as Casbin grouping rules in `casbin_rule`
//! (`g, user, role, domain`). The authorization crate's adapter reads them;
//! this module is the only code that writes them, and every write bumps
//! `authz_version` in the same transaction so that every server instance
//! reloads them before its next decision.

use diesel::prelude::*;
use relais_domain::role::NETWORK_DOMAIN;
use relais_domain::{NetworkRole, TenantRole};
use uuid::Uuid;

use crate::schema::{authz_version, casbin_rule};
use crate::{DbConnection, PersistenceError, TenantScope};

/// One grouping rule: `user` holds `role` in `domain` (a tenant id or `network`).
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct Grouping {
    /// User id.
    pub user_id: String,
    /// Role code.
    pub role: String,
    /// Tenant id or `network`.
    pub domain: String,
}

/// Grants a network role (in the domain `network`). Granting it twice is harmless.
pub fn grant_network_role(conn: &mut DbConnection, user_id: &str, role: NetworkRole) -> Result<(), PersistenceError> {
    let exists = casbin_rule::table
        .filter(casbin_rule::ptype.eq("g"))
        .filter(casbin_rule::v0.eq(user_id))
        .filter(casbin_rule::v1.eq(role.as_str()))
        .filter(casbin_rule::v2.eq(NETWORK_DOMAIN))
        .count()
        .get_result::<i64>(conn)?
        > 0;
    if !exists {
        insert(conn, user_id, role.as_str(), NETWORK_DOMAIN)?;
        bump_version(conn)?;
    }
    Ok(())
}

/// Sets the role a user holds in the scope's tenant (`None`: no role).
pub fn set_tenant_role(
    conn: &mut DbConnection,
    scope: &TenantScope,
    user_id: &str,
    role: Option<TenantRole>,
) -> Result<(), PersistenceError> {
    let domain = scope.key();
    diesel::delete(
        casbin_rule::table
            .filter(casbin_rule::ptype.eq("g"))
            .filter(casbin_rule::v0.eq(user_id))
            .filter(casbin_rule::v2.eq(&domain)),
    )
    .execute(conn)?;
    if let Some(role) = role {
        insert(conn, user_id, role.as_str(), &domain)?;
    }
    bump_version(conn)
}

fn insert(conn: &mut DbConnection, user_id: &str, role: &str, domain: &str) -> Result<(), PersistenceError> {
    diesel::insert_into(casbin_rule::table)
        .values((
            casbin_rule::id.eq(Uuid::now_v7().to_string()),
            casbin_rule::ptype.eq("g"),
            casbin_rule::v0.eq(user_id),
            casbin_rule::v1.eq(role),
            casbin_rule::v2.eq(domain),
        ))
        .execute(conn)?;
    Ok(())
}

fn bump_version(conn: &mut DbConnection) -> Result<(), PersistenceError> {
    diesel::update(authz_version::table.find(1))
        .set(authz_version::version.eq(authz_version::version + 1))
        .execute(conn)?;
    Ok(())
}

/// The current version of the role assignments.
pub fn version(conn: &mut DbConnection) -> Result<i64, PersistenceError> {
    Ok(authz_version::table.find(1).select(authz_version::version).first(conn)?)
}

/// Every grouping rule, with the version they were read at (one transaction).
pub fn load_all(conn: &mut DbConnection) -> Result<(i64, Vec<Grouping>), PersistenceError> {
    conn.transaction(|conn| {
        let version = version(conn)?;
        let rules = casbin_rule::table
            .filter(casbin_rule::ptype.eq("g"))
            .select((casbin_rule::v0, casbin_rule::v1, casbin_rule::v2))
            .load(conn)?;
        Ok((version, rules))
    })
}

/// The network roles a user holds.
pub fn network_roles(conn: &mut DbConnection, user_id: &str) -> Result<Vec<NetworkRole>, PersistenceError> {
    let codes: Vec<String> = casbin_rule::table
        .filter(casbin_rule::ptype.eq("g"))
        .filter(casbin_rule::v0.eq(user_id))
        .filter(casbin_rule::v2.eq(NETWORK_DOMAIN))
        .select(casbin_rule::v1)
        .load(conn)?;
    Ok(codes.iter().filter_map(|c| c.parse().ok()).collect())
}

/// The number of users holding a network role.
pub fn count_network_role(conn: &mut DbConnection, role: NetworkRole) -> Result<i64, PersistenceError> {
    Ok(casbin_rule::table
        .filter(casbin_rule::ptype.eq("g"))
        .filter(casbin_rule::v1.eq(role.as_str()))
        .filter(casbin_rule::v2.eq(NETWORK_DOMAIN))
        .count()
        .get_result(conn)?)
}
