//! `account_tokens`: invitation and password-reset links. Only the token's
//! SHA-256 is stored; a token is single-use and expires.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::schema::account_tokens;
use crate::{DbConnection, PersistenceError};

/// What a token is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Join a tenant (and choose a password if the account has none).
    Invitation,
    /// Choose a new password.
    PasswordReset,
}

impl Purpose {
    fn as_str(self) -> &'static str {
        match self {
            Purpose::Invitation => "invitation",
            Purpose::PasswordReset => "password_reset",
        }
    }
}

/// A token as stored.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = account_tokens)]
pub struct AccountToken {
    /// SHA-256 (hex) of the token.
    pub id: String,
    /// `invitation` or `password_reset`.
    pub purpose: String,
    /// The account concerned.
    pub user_id: String,
    /// For an invitation, the tenant joined.
    pub tenant_id: Option<String>,
    /// For an invitation, the role given.
    pub role: Option<String>,
    /// Who created it (the inviter), if anyone.
    pub created_by: Option<String>,
    /// Creation time.
    pub created_at: NaiveDateTime,
    /// Expiry.
    pub expires_at: NaiveDateTime,
    /// When it was used, if it was.
    pub used_at: Option<NaiveDateTime>,
}

/// A token to store.
#[derive(Debug, Clone)]
pub struct NewAccountToken<'a> {
    /// SHA-256 (hex) of the token.
    pub hash: &'a str,
    /// Purpose.
    pub purpose: Purpose,
    /// Account concerned.
    pub user_id: &'a str,
    /// Tenant joined (invitations).
    pub tenant_id: Option<&'a str>,
    /// Role given (invitations).
    pub role: Option<&'a str>,
    /// Creator.
    pub created_by: Option<&'a str>,
    /// Creation time.
    pub created_at: NaiveDateTime,
    /// Expiry.
    pub expires_at: NaiveDateTime,
}

/// Stores a token.
pub fn create(conn: &mut DbConnection, token: &NewAccountToken<'_>) -> Result<(), PersistenceError> {
    diesel::insert_into(account_tokens::table)
        .values((
            account_tokens::id.eq(token.hash),
            account_tokens::purpose.eq(token.purpose.as_str()),
            account_tokens::user_id.eq(token.user_id),
            account_tokens::tenant_id.eq(token.tenant_id),
            account_tokens::role.eq(token.role),
            account_tokens::created_by.eq(token.created_by),
            account_tokens::created_at.eq(token.created_at),
            account_tokens::expires_at.eq(token.expires_at),
        ))
        .execute(conn)?;
    Ok(())
}

/// The token with this hash and purpose, used or not, expired or not (the
/// caller explains which).
pub fn find(conn: &mut DbConnection, hash: &str, purpose: Purpose) -> Result<Option<AccountToken>, PersistenceError> {
    Ok(account_tokens::table
        .find(hash)
        .filter(account_tokens::purpose.eq(purpose.as_str()))
        .select(AccountToken::as_select())
        .first(conn)
        .optional()?)
}

/// Marks a token used, only if it was not; returns whether this call used it
/// (so that two simultaneous uses cannot both succeed).
pub fn mark_used(conn: &mut DbConnection, hash: &str, at: NaiveDateTime) -> Result<bool, PersistenceError> {
    let changed = diesel::update(account_tokens::table.find(hash).filter(account_tokens::used_at.is_null()))
        .set(account_tokens::used_at.eq(at))
        .execute(conn)?;
    Ok(changed == 1)
}

/// Marks every unused token of a user for a purpose as used (a new reset
/// link replaces older ones; a password change voids pending resets).
pub fn void_for_user(
    conn: &mut DbConnection,
    user_id: &str,
    purpose: Purpose,
    at: NaiveDateTime,
) -> Result<usize, PersistenceError> {
    Ok(diesel::update(
        account_tokens::table
            .filter(account_tokens::user_id.eq(user_id))
            .filter(account_tokens::purpose.eq(purpose.as_str()))
            .filter(account_tokens::used_at.is_null()),
    )
    .set(account_tokens::used_at.eq(at))
    .execute(conn)?)
}

/// Voids every unused invitation of a user to one tenant (a new invitation
/// replaces the older ones, whose role may be out of date).
pub fn void_invitations(
    conn: &mut DbConnection,
    user_id: &str,
    tenant_id: &str,
    at: NaiveDateTime,
) -> Result<usize, PersistenceError> {
    Ok(diesel::update(
        account_tokens::table
            .filter(account_tokens::user_id.eq(user_id))
            .filter(account_tokens::tenant_id.eq(tenant_id))
            .filter(account_tokens::purpose.eq(Purpose::Invitation.as_str()))
            .filter(account_tokens::used_at.is_null()),
    )
    .set(account_tokens::used_at.eq(at))
    .execute(conn)?)
}
