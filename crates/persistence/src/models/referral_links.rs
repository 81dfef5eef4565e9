//! The link through which an organisation without an account answers a
//! referral: a random token (only its SHA-256 is stored) that expires. It
//! works while the referral is open and until it expires; every use is one
//! step of the state machine, so a step cannot be taken twice.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::referrals::{self, Referral};
use crate::schema::referrals as table;
use crate::{DbConnection, PersistenceError};

/// Stores the digest of a new link token for a referral (replacing any older one).
pub fn issue(
    conn: &mut DbConnection,
    referral_id: &str,
    token_hash: &str,
    expires_at: NaiveDateTime,
) -> Result<(), PersistenceError> {
    let changed = diesel::update(table::table.find(referral_id))
        .set((table::external_token_hash.eq(token_hash), table::external_token_expires_at.eq(expires_at)))
        .execute(conn)?;
    if changed == 0 { Err(PersistenceError::NotFound) } else { Ok(()) }
}

/// The referral a link token opens, if the token is known and not expired at `now`.
pub fn open(
    conn: &mut DbConnection,
    token_hash: &str,
    now: NaiveDateTime,
) -> Result<Option<Referral>, PersistenceError> {
    let found: Option<(String, Option<NaiveDateTime>)> = table::table
        .filter(table::external_token_hash.eq(token_hash))
        .select((table::id, table::external_token_expires_at))
        .first(conn)
        .optional()?;
    match found {
        Some((id, Some(expires))) if expires > now => Ok(Some(referrals::for_any_side(conn, &id)?)),
        _ => Ok(None),
    }
}
