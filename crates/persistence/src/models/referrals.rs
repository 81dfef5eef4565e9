//! `referrals`: the one record two tenants share (DESIGN §4, Referrals).
//!
//! A referral carries the sending side (tenant, case, person) and exactly one
//! receiving side (a tenant, or an external organisation). Its `packet` is a
//! JSON copy of the fields the sender chose and the person consented to
//! share — never a pointer into the sender's rows.
//!
//! Each side reaches a referral through its own view: [`for_sender`] and
//! [`for_receiver`] return it only when the scope's tenant is that side
//! (`NotFound` otherwise, also for a third tenant). The receiver never sees
//! a draft. Status changes go through [`apply`], which uses the domain state
//! machine ([`relais_domain::referral::apply`]) and appends a
//! `referral_events` row for every change; a repeated action changes
//! nothing. Deadlines (reminders, escalation, expiry) plug in through
//! [`apply`] with [`Side::System`] and the `reminded_at`/`escalated_at`
//! columns.

mod accept;
mod consent_gate;
mod lists;
mod packet;
mod recipients;
mod transitions;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use relais_domain::referral::{IllegalTransition, ReferralStatus};

use crate::schema::{referral_comments, referrals};
use crate::{DbConnection, PersistenceError, TenantScope};

pub use accept::{AcceptLink, accept, person_from_packet};
pub use consent_gate::{BlockReason, ConsentGate, consent_gate};
pub use lists::{
    Dashboard, Listing, MedianRow, StatusCount, dashboard, drafts_to_review, for_case, received_by, sent_by,
};
pub use packet::{MINIMAL_PACKET, PacketField, build_packet};
pub use recipients::{Recipient, members_with_roles, sender_recipients};
pub use transitions::{
    NewReferral, apply, apply_with_text, create_draft, revoke_for_consent, revoked_by_consent, send,
};

/// A referral as stored.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = referrals)]
pub struct Referral {
    /// Id (UUIDv7 text).
    pub id: String,
    /// Short reference shown in e-mails and pages (`R-7K2M9Q`).
    pub reference: String,
    /// The sending tenant.
    pub sender_tenant_id: String,
    /// The sending tenant's case.
    pub sender_case_id: String,
    /// The sending tenant's person.
    pub sender_beneficiary_id: String,
    /// The service referred to.
    pub service_id: String,
    /// The receiving tenant (or `None` for an external organisation).
    pub receiver_tenant_id: Option<String>,
    /// The receiving external organisation.
    pub receiver_organisation_id: Option<String>,
    /// The consent relied on.
    pub consent_id: Option<String>,
    /// The justification of a consent override.
    pub consent_override_reason: Option<String>,
    /// Status code (see [`ReferralStatus`]).
    pub status: String,
    /// JSON object: the shared fields.
    pub packet: String,
    /// The sender's message.
    pub message: Option<String>,
    /// Who created it.
    pub created_by: String,
    /// Who sent it.
    pub sent_by: Option<String>,
    /// When it was sent.
    pub sent_at: Option<NaiveDateTime>,
    /// Response deadline.
    pub due_at: Option<NaiveDateTime>,
    /// When the receiver was reminded.
    pub reminded_at: Option<NaiveDateTime>,
    /// When the receiver's administrators were alerted.
    pub escalated_at: Option<NaiveDateTime>,
    /// When the receiver answered (accepted or declined).
    pub answered_at: Option<NaiveDateTime>,
    /// Decline reason code.
    pub decline_reason: Option<String>,
    /// Decline explanation.
    pub decline_text: Option<String>,
    /// Outcome code.
    pub outcome: Option<String>,
    /// Not-completed reason code.
    pub not_completed_reason: Option<String>,
    /// When it reached a final status.
    pub closed_at: Option<NaiveDateTime>,
    /// The receiving tenant's own person, once accepted.
    pub receiver_beneficiary_id: Option<String>,
    /// The receiving tenant's own case, once accepted.
    pub receiver_case_id: Option<String>,
    /// Hash of the external organisation's link token.
    pub external_token_hash: Option<String>,
    /// Expiry of that link.
    pub external_token_expires_at: Option<NaiveDateTime>,
    /// Row version.
    pub version: i32,
    /// Creation time (UTC).
    pub created_at: NaiveDateTime,
    /// Last change (UTC).
    pub updated_at: NaiveDateTime,
}

impl Referral {
    /// The typed status.
    pub fn status(&self) -> Result<ReferralStatus, PersistenceError> {
        self.status.parse::<ReferralStatus>().map_err(|e| PersistenceError::Config(e.to_string()))
    }

    /// The packet as shown to the receiver: `None` once the referral was
    /// revoked (consent withdrawn) or withdrawn by the sender.
    pub fn receiver_packet(&self) -> Option<serde_json::Map<String, serde_json::Value>> {
        match self.status().ok()? {
            ReferralStatus::Revoked | ReferralStatus::Withdrawn | ReferralStatus::Draft => None,
            _ => serde_json::from_str(&self.packet).ok(),
        }
    }

    /// Whether it waits for an answer past its deadline.
    pub fn is_overdue(&self, now: NaiveDateTime) -> bool {
        self.status == ReferralStatus::Sent.as_str() && self.due_at.is_some_and(|d| d < now)
    }
}

/// Why a referral operation was refused.
#[derive(Debug, thiserror::Error)]
pub enum ReferralError {
    /// The state machine refuses it; nothing changed.
    #[error(transparent)]
    Illegal(#[from] IllegalTransition),
    /// This side may not take this action.
    #[error("this side may not take this action")]
    WrongSide,
    /// The service does not take new referrals.
    #[error("the service's intake is closed")]
    IntakeClosed,
    /// No valid consent covers the receiver, and no override was given.
    #[error("no valid referral consent: {0:?}")]
    ConsentRequired(BlockReason),
    /// Nothing to share: no packet field chosen.
    #[error("no field chosen for the packet")]
    EmptyPacket,
    /// A database error (including `NotFound` and `Conflict`).
    #[error(transparent)]
    Persistence(#[from] PersistenceError),
}

impl From<diesel::result::Error> for ReferralError {
    fn from(err: diesel::result::Error) -> Self {
        ReferralError::Persistence(err.into())
    }
}

/// Any referral by id, without a side check: only for this module and the
/// system jobs that act on every referral.
pub(crate) fn find_any(conn: &mut DbConnection, id: &str) -> Result<Referral, PersistenceError> {
    Ok(referrals::table.filter(referrals::id.eq(id)).select(Referral::as_select()).first(conn)?)
}

/// Any referral by id, for work done on behalf of both sides at once (the
/// notices of a change the caller has already checked through a side's
/// view, the deadline jobs). Never hand its result to a page.
pub fn for_any_side(conn: &mut DbConnection, id: &str) -> Result<Referral, PersistenceError> {
    find_any(conn, id)
}

/// The referral, seen by its sending tenant (`NotFound` for anyone else).
pub fn for_sender(conn: &mut DbConnection, scope: &TenantScope, id: &str) -> Result<Referral, PersistenceError> {
    Ok(referrals::table
        .filter(referrals::id.eq(id))
        .filter(referrals::sender_tenant_id.eq(scope.key()))
        .select(Referral::as_select())
        .first(conn)?)
}

/// The referral, seen by its receiving tenant (`NotFound` for anyone else,
/// and for a draft, which has not reached the receiver).
pub fn for_receiver(conn: &mut DbConnection, scope: &TenantScope, id: &str) -> Result<Referral, PersistenceError> {
    Ok(referrals::table
        .filter(referrals::id.eq(id))
        .filter(referrals::receiver_tenant_id.eq(scope.key()))
        .filter(referrals::status.ne(ReferralStatus::Draft.as_str()))
        .select(Referral::as_select())
        .first(conn)?)
}

/// A comment on a referral.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = referral_comments)]
pub struct Comment {
    /// Id.
    pub id: String,
    /// The referral.
    pub referral_id: String,
    /// `sender` or `receiver`.
    pub side: String,
    /// The author (a user of that side).
    pub author_id: Option<String>,
    /// The text.
    pub body: String,
    /// When.
    pub created_at: NaiveDateTime,
}

/// Adds a comment (the caller has loaded the referral through its side's view).
pub fn add_comment(
    conn: &mut DbConnection,
    referral_id: &str,
    side: relais_domain::referral::Side,
    author_id: &str,
    body: &str,
    at: NaiveDateTime,
) -> Result<Comment, PersistenceError> {
    let side = transitions::side_code(side);
    let id = uuid::Uuid::now_v7().to_string();
    diesel::insert_into(referral_comments::table)
        .values((
            referral_comments::id.eq(&id),
            referral_comments::referral_id.eq(referral_id),
            referral_comments::side.eq(side),
            referral_comments::author_id.eq(author_id),
            referral_comments::body.eq(body),
            referral_comments::created_at.eq(at),
        ))
        .execute(conn)?;
    transitions::append_event(
        conn,
        referral_id,
        "comment",
        None,
        side,
        Some(author_id),
        serde_json::json!({ "comment_id": id }),
        at,
    )?;
    Ok(referral_comments::table.filter(referral_comments::id.eq(&id)).select(Comment::as_select()).first(conn)?)
}

/// A referral's comments, oldest first.
pub fn comments(conn: &mut DbConnection, referral_id: &str) -> Result<Vec<Comment>, PersistenceError> {
    Ok(referral_comments::table
        .filter(referral_comments::referral_id.eq(referral_id))
        .order((referral_comments::created_at.asc(), referral_comments::id.asc()))
        .select(Comment::as_select())
        .load(conn)?)
}

pub use transitions::{Event, events};
