//! Who is told about a referral's events (the e-mail addresses and
//! preferences the notices need). Ids and addresses only.

use diesel::prelude::*;
use relais_domain::{MembershipStatus, TenantRole};

use super::Referral;
use crate::schema::{case_assignments, memberships, users};
use crate::{DbConnection, PersistenceError, TenantScope};

/// A member who may receive a referral notice.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct Recipient {
    /// User id.
    pub user_id: String,
    /// Sign-in e-mail.
    pub email: String,
    /// Preferred language code, if chosen.
    pub preferred_language: Option<String>,
    /// `immediate` or `daily_digest`.
    pub referral_emails: String,
}

/// The active users holding an active membership with one of these roles in the scope's tenant.
pub fn members_with_roles(
    conn: &mut DbConnection,
    scope: &TenantScope,
    roles: &[TenantRole],
) -> Result<Vec<Recipient>, PersistenceError> {
    Ok(memberships::table
        .inner_join(users::table)
        .filter(memberships::tenant_id.eq(scope.key()))
        .filter(memberships::status.eq(MembershipStatus::Active.as_str()))
        .filter(memberships::role.eq_any(roles.iter().map(|r| r.as_str()).collect::<Vec<_>>()))
        .filter(users::active.eq(true))
        .order(users::id.asc())
        .select((users::id, users::email, users::preferred_language, users::referral_emails))
        .load(conn)?)
}

/// The sending side's people for a referral of the scope's tenant: who sent
/// it (or drafted it) and the sending case's assigned workers, if they are
/// still active members.
pub fn sender_recipients(
    conn: &mut DbConnection,
    scope: &TenantScope,
    referral: &Referral,
) -> Result<Vec<Recipient>, PersistenceError> {
    let mut ids: Vec<String> = case_assignments::table
        .filter(case_assignments::tenant_id.eq(scope.key()))
        .filter(case_assignments::case_id.eq(referral.sender_case_id.to_string()))
        .select(case_assignments::user_id)
        .load(conn)?;
    ids.push(referral.sent_by.unwrap_or(referral.created_by).to_string());
    Ok(memberships::table
        .inner_join(users::table)
        .filter(memberships::tenant_id.eq(scope.key()))
        .filter(memberships::status.eq(MembershipStatus::Active.as_str()))
        .filter(users::active.eq(true))
        .filter(users::id.eq_any(ids))
        .order(users::id.asc())
        .select((users::id, users::email, users::preferred_language, users::referral_emails))
        .load(conn)?)
}
