//! The link through which an organisation without an account answers a
//! referral: a random token (only its SHA-256 is stored) that expires. It
//! works while the referral is open and until it expires; every use is one
//! step of the state machine, so a step cannot be taken twice.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use relais_domain::ReferralId;

use super::referrals::{SideView, Via};
use crate::schema::referrals as table;
use crate::{DbConnection, PersistenceError};

/// Stores the digest of a new link token for a referral sent to an
/// organisation without an account (replacing any older one), through the
/// sender's view.
pub fn issue(
    conn: &mut DbConnection,
    view: &SideView,
    token_hash: &str,
    expires_at: NaiveDateTime,
) -> Result<(), PersistenceError> {
    if view.via() != Via::Sender || view.referral().receiver_organisation_id.is_none() {
        return Err(PersistenceError::NotFound);
    }
    let changed = diesel::update(table::table.find(view.id().to_string()))
        .set((table::external_token_hash.eq(token_hash), table::external_token_expires_at.eq(expires_at)))
        .execute(conn)?;
    if changed == 0 { Err(PersistenceError::NotFound) } else { Ok(()) }
}

/// The organisation's view of the referral a link token opens, if the token
/// is known, not expired at `now`, and the referral went to an organisation.
pub fn open(
    conn: &mut DbConnection,
    token_hash: &str,
    now: NaiveDateTime,
) -> Result<Option<SideView>, PersistenceError> {
    let found: Option<(String, Option<NaiveDateTime>)> = table::table
        .filter(table::external_token_hash.eq(token_hash))
        .filter(table::receiver_organisation_id.is_not_null())
        .select((table::id, table::external_token_expires_at))
        .first(conn)
        .optional()?;
    match found {
        Some((id, Some(expires))) if expires > now => {
            let id: ReferralId = id.parse().map_err(|_| PersistenceError::NotFound)?;
            let view = super::referrals::for_platform(conn, id)?;
            Ok(Some(SideView::new(view.referral().clone(), Via::Link)))
        }
        _ => Ok(None),
    }
}
