//! `referrals`: the one record two tenants share (DESIGN §4, Referrals).
//!
//! A referral carries the sending side (tenant, case, person) and exactly one
//! receiving side (a tenant, or an external organisation). Its `packet` is a
//! JSON copy of the fields the sender chose and the person consented to
//! share — never a pointer into the sender's rows.
//!
//! # Reached through a side
//!
//! A referral is reached only through a [`SideView`]: the proof, carried by
//! value, that the caller works for one of its sides. [`for_sender`] and
//! [`for_receiver`] give one when the scope's tenant is that side
//! (`NotFound` otherwise, also for a third tenant; the receiver never sees a
//! draft); `referral_links::open` gives the external organisation's view
//! through its link; [`for_platform`] gives the platform's own view to the
//! deadline job (`git grep for_platform` lists every use). Transitions
//! ([`apply`]), comments and the timeline take a view: there is no way to
//! change or read a referral by bare id.

mod accept;
mod consent_gate;
mod lists;
mod packet;
mod recipients;
mod transitions;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use relais_domain::ids::{
    BeneficiaryId, CaseId, CommentId, ConsentId, OrganisationId, ReferralId, ServiceId, TenantId, UserId,
};
use relais_domain::referral::{
    DeclineReason, IllegalTransition, NotCompletedReason, ReferralOutcome, ReferralStatus, Side,
};

use crate::schema::{referral_comments, referrals};
use crate::stored::{Stored, StoredOpt, text_columns};
use crate::{DbConnection, PersistenceError, TenantScope};

text_columns!(
    referrals.id,
    referrals.sender_tenant_id,
    referrals.sender_case_id,
    referrals.sender_beneficiary_id,
    referrals.service_id,
    referrals.receiver_tenant_id,
    referrals.receiver_organisation_id,
    referrals.consent_id,
    referrals.status,
    referrals.created_by,
    referrals.sent_by,
    referrals.decline_reason,
    referrals.outcome,
    referrals.not_completed_reason,
    referrals.receiver_beneficiary_id,
    referrals.receiver_case_id,
    referral_comments.id,
    referral_comments.referral_id,
    referral_comments.side,
    referral_comments.author_id
);

pub use accept::{AcceptLink, accept, person_from_packet};
pub use consent_gate::{BlockReason, ConsentGate, consent_gate};
pub use lists::{
    Dashboard, Listing, MedianRow, PageCursor, StatusCount, dashboard, drafts_to_review, for_case, page, received_by,
    sent_by,
};
pub use packet::{MINIMAL_PACKET, PacketField, build_packet};
pub use recipients::{Recipient, members_with_roles, sender_recipients};
pub use transitions::{NewReferral, apply, create_draft, revoke_for_consent, revoked_by_consent, send};

/// A referral as stored.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = referrals)]
pub struct Referral {
    /// Id (UUIDv7).
    #[diesel(deserialize_as = Stored<ReferralId, referrals::id>)]
    pub id: ReferralId,
    /// Short reference shown in e-mails and pages (`R-7K2M9Q`).
    pub reference: String,
    /// The sending tenant.
    #[diesel(deserialize_as = Stored<TenantId, referrals::sender_tenant_id>)]
    pub sender_tenant_id: TenantId,
    /// The sending tenant's case.
    #[diesel(deserialize_as = Stored<CaseId, referrals::sender_case_id>)]
    pub sender_case_id: CaseId,
    /// The sending tenant's person.
    #[diesel(deserialize_as = Stored<BeneficiaryId, referrals::sender_beneficiary_id>)]
    pub sender_beneficiary_id: BeneficiaryId,
    /// The service referred to.
    #[diesel(deserialize_as = Stored<ServiceId, referrals::service_id>)]
    pub service_id: ServiceId,
    /// The receiving tenant (or `None` for an external organisation).
    #[diesel(deserialize_as = StoredOpt<TenantId, referrals::receiver_tenant_id>)]
    pub receiver_tenant_id: Option<TenantId>,
    /// The receiving external organisation.
    #[diesel(deserialize_as = StoredOpt<OrganisationId, referrals::receiver_organisation_id>)]
    pub receiver_organisation_id: Option<OrganisationId>,
    /// The consent relied on.
    #[diesel(deserialize_as = StoredOpt<ConsentId, referrals::consent_id>)]
    pub consent_id: Option<ConsentId>,
    /// The justification of a consent override.
    pub consent_override_reason: Option<String>,
    /// Where it stands.
    #[diesel(deserialize_as = Stored<ReferralStatus, referrals::status>)]
    pub status: ReferralStatus,
    /// JSON object: the shared fields.
    pub packet: String,
    /// The sender's message.
    pub message: Option<String>,
    /// Who created it.
    #[diesel(deserialize_as = Stored<UserId, referrals::created_by>)]
    pub created_by: UserId,
    /// Who sent it.
    #[diesel(deserialize_as = StoredOpt<UserId, referrals::sent_by>)]
    pub sent_by: Option<UserId>,
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
    /// Why it was declined.
    #[diesel(deserialize_as = StoredOpt<DeclineReason, referrals::decline_reason>)]
    pub decline_reason: Option<DeclineReason>,
    /// Decline explanation.
    pub decline_text: Option<String>,
    /// What it achieved.
    #[diesel(deserialize_as = StoredOpt<ReferralOutcome, referrals::outcome>)]
    pub outcome: Option<ReferralOutcome>,
    /// Why it ended without the service.
    #[diesel(deserialize_as = StoredOpt<NotCompletedReason, referrals::not_completed_reason>)]
    pub not_completed_reason: Option<NotCompletedReason>,
    /// When it reached a final status.
    pub closed_at: Option<NaiveDateTime>,
    /// The receiving tenant's own person, once accepted.
    #[diesel(deserialize_as = StoredOpt<BeneficiaryId, referrals::receiver_beneficiary_id>)]
    pub receiver_beneficiary_id: Option<BeneficiaryId>,
    /// The receiving tenant's own case, once accepted.
    #[diesel(deserialize_as = StoredOpt<CaseId, referrals::receiver_case_id>)]
    pub receiver_case_id: Option<CaseId>,
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
    /// The packet as stored (the sender's copy), `None` if it does not parse.
    pub fn packet(&self) -> Option<serde_json::Map<String, serde_json::Value>> {
        serde_json::from_str(&self.packet).ok()
    }

    /// The packet as shown to the receiver: `None` once the referral was
    /// revoked (consent withdrawn) or withdrawn by the sender.
    pub fn receiver_packet(&self) -> Option<serde_json::Map<String, serde_json::Value>> {
        match self.status {
            ReferralStatus::Revoked | ReferralStatus::Withdrawn | ReferralStatus::Draft => None,
            _ => self.packet(),
        }
    }

    /// Whether it waits for an answer past its deadline.
    pub fn is_overdue(&self, now: NaiveDateTime) -> bool {
        self.status == ReferralStatus::Sent && self.due_at.is_some_and(|d| d < now)
    }
}

/// How a view was obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    /// The sending tenant's member.
    Sender,
    /// The receiving tenant's member.
    Receiver,
    /// The receiving organisation (no account), through its link.
    Link,
    /// The platform itself (deadlines).
    Platform,
}

/// A referral reached through one of its sides (see the module docs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SideView {
    referral: Referral,
    via: Via,
}

impl SideView {
    /// The referral as read when the view was obtained (or last refreshed).
    pub fn referral(&self) -> &Referral {
        &self.referral
    }

    /// Its id.
    pub fn id(&self) -> ReferralId {
        self.referral.id
    }

    /// How the view was obtained.
    pub fn via(&self) -> Via {
        self.via
    }

    /// The side this view acts for (a link acts for the receiver, the platform for the system).
    pub fn side(&self) -> Side {
        match self.via {
            Via::Sender => Side::Sender,
            Via::Receiver | Via::Link => Side::Receiver,
            Via::Platform => Side::System,
        }
    }

    /// The same view, re-read (after a change in this transaction).
    pub fn refreshed(&self, conn: &mut DbConnection) -> Result<SideView, PersistenceError> {
        Ok(SideView { referral: find(conn, self.referral.id)?, via: self.via })
    }

    pub(crate) fn new(referral: Referral, via: Via) -> Self {
        Self { referral, via }
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

/// Any referral by id, without a side check: only for this module's views.
fn find(conn: &mut DbConnection, id: ReferralId) -> Result<Referral, PersistenceError> {
    Ok(referrals::table.filter(referrals::id.eq(id.to_string())).select(Referral::as_select()).first(conn)?)
}

/// The referral, seen by its sending tenant (`NotFound` for anyone else).
pub fn for_sender(conn: &mut DbConnection, scope: &TenantScope, id: ReferralId) -> Result<SideView, PersistenceError> {
    let referral = referrals::table
        .filter(referrals::id.eq(id.to_string()))
        .filter(referrals::sender_tenant_id.eq(scope.key()))
        .select(Referral::as_select())
        .first(conn)?;
    Ok(SideView::new(referral, Via::Sender))
}

/// The referral, seen by its receiving tenant (`NotFound` for anyone else,
/// and for a draft, which has not reached the receiver).
pub fn for_receiver(
    conn: &mut DbConnection,
    scope: &TenantScope,
    id: ReferralId,
) -> Result<SideView, PersistenceError> {
    let referral = referrals::table
        .filter(referrals::id.eq(id.to_string()))
        .filter(referrals::receiver_tenant_id.eq(scope.key()))
        .filter(referrals::status.ne(ReferralStatus::Draft.as_str()))
        .select(Referral::as_select())
        .first(conn)?;
    Ok(SideView::new(referral, Via::Receiver))
}

/// The referral through whichever side the scope's tenant is on (sender
/// first); `NotFound` for a third tenant.
pub fn for_either_side(
    conn: &mut DbConnection,
    scope: &TenantScope,
    id: ReferralId,
) -> Result<SideView, PersistenceError> {
    match for_sender(conn, scope, id) {
        Err(PersistenceError::NotFound) => for_receiver(conn, scope, id),
        other => other,
    }
}

/// The platform's own view of a referral, for the deadline job (reminders,
/// escalations, expiry) — never for a page.
pub fn for_platform(conn: &mut DbConnection, id: ReferralId) -> Result<SideView, PersistenceError> {
    Ok(SideView::new(find(conn, id)?, Via::Platform))
}

/// A comment on a referral.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = referral_comments)]
pub struct Comment {
    /// Id.
    #[diesel(deserialize_as = Stored<CommentId, referral_comments::id>)]
    pub id: CommentId,
    /// The referral.
    #[diesel(deserialize_as = Stored<ReferralId, referral_comments::referral_id>)]
    pub referral_id: ReferralId,
    /// The side that wrote it.
    #[diesel(deserialize_as = Stored<Side, referral_comments::side>)]
    pub side: Side,
    /// The author (a user of that side).
    #[diesel(deserialize_as = StoredOpt<UserId, referral_comments::author_id>)]
    pub author_id: Option<UserId>,
    /// The text.
    pub body: String,
    /// When.
    pub created_at: NaiveDateTime,
}

/// Adds a comment for the view's side.
pub fn add_comment(
    conn: &mut DbConnection,
    view: &SideView,
    author_id: UserId,
    body: &str,
    at: NaiveDateTime,
) -> Result<Comment, PersistenceError> {
    let side = view.side();
    let id = CommentId::new();
    diesel::insert_into(referral_comments::table)
        .values((
            referral_comments::id.eq(id.to_string()),
            referral_comments::referral_id.eq(view.id().to_string()),
            referral_comments::side.eq(side.as_str()),
            referral_comments::author_id.eq(author_id.to_string()),
            referral_comments::body.eq(body),
            referral_comments::created_at.eq(at),
        ))
        .execute(conn)?;
    transitions::append_event(
        conn,
        view.id(),
        relais_domain::referral::ReferralEventKind::Comment,
        None,
        side,
        Some(author_id),
        serde_json::json!({ "comment_id": id }),
        at,
    )?;
    Ok(referral_comments::table
        .filter(referral_comments::id.eq(id.to_string()))
        .select(Comment::as_select())
        .first(conn)?)
}

/// A referral's comments, oldest first.
pub fn comments(conn: &mut DbConnection, view: &SideView) -> Result<Vec<Comment>, PersistenceError> {
    Ok(referral_comments::table
        .filter(referral_comments::referral_id.eq(view.id().to_string()))
        .order((referral_comments::created_at.asc(), referral_comments::id.asc()))
        .select(Comment::as_select())
        .load(conn)?)
}

pub use transitions::{Event, events};
