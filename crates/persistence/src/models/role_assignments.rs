//! Role assignments as Casbin grouping rules in `casbin_rule`
//! (`g, user, role, domain`). The authorization crate's adapter reads them;
//! this module is the only code that writes them.

use diesel::prelude::*;
use relais_domain::NetworkRole;
use relais_domain::role::NETWORK_DOMAIN;
use uuid::Uuid;

use crate::schema::casbin_rule;
use crate::{DbConnection, PersistenceError};

/// One stored Casbin rule: its type (`p`, `g`) and up to six values.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = casbin_rule)]
pub struct StoredRule {
    /// Row id.
    pub id: String,
    /// Rule type.
    pub ptype: String,
    /// Values; unused trailing values are empty strings.
    pub v0: String,
    /// Second value.
    pub v1: String,
    /// Third value.
    pub v2: String,
    /// Fourth value.
    pub v3: String,
    /// Fifth value.
    pub v4: String,
    /// Sixth value.
    pub v5: String,
}

/// Grants a network role (in the domain `network`). Granting it twice is harmless.
pub fn grant_network_role(
    conn: &mut DbConnection,
    user_id: &str,
    role: NetworkRole,
) -> Result<(), PersistenceError> {
    grant(conn, user_id, role.as_str(), NETWORK_DOMAIN)
}

fn grant(
    conn: &mut DbConnection,
    user_id: &str,
    role: &str,
    domain: &str,
) -> Result<(), PersistenceError> {
    let exists = casbin_rule::table
        .filter(casbin_rule::ptype.eq("g"))
        .filter(casbin_rule::v0.eq(user_id))
        .filter(casbin_rule::v1.eq(role))
        .filter(casbin_rule::v2.eq(domain))
        .count()
        .get_result::<i64>(conn)?
        > 0;
    if !exists {
        diesel::insert_into(casbin_rule::table)
            .values((
                casbin_rule::id.eq(Uuid::now_v7().to_string()),
                casbin_rule::ptype.eq("g"),
                casbin_rule::v0.eq(user_id),
                casbin_rule::v1.eq(role),
                casbin_rule::v2.eq(domain),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Every grouping rule held by a user, in every domain.
pub fn for_user(
    conn: &mut DbConnection,
    user_id: &str,
) -> Result<Vec<StoredRule>, PersistenceError> {
    Ok(casbin_rule::table
        .filter(casbin_rule::ptype.eq("g"))
        .filter(casbin_rule::v0.eq(user_id))
        .select(StoredRule::as_select())
        .load(conn)?)
}

/// The number of users holding a network role.
pub fn count_network_role(
    conn: &mut DbConnection,
    role: NetworkRole,
) -> Result<i64, PersistenceError> {
    Ok(casbin_rule::table
        .filter(casbin_rule::ptype.eq("g"))
        .filter(casbin_rule::v1.eq(role.as_str()))
        .filter(casbin_rule::v2.eq(NETWORK_DOMAIN))
        .count()
        .get_result(conn)?)
}
