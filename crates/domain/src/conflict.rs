//! Why a change was refused by the current state of the records: a closed
//! list, so that callers decide by variant (never by matching a message)
//! and the JSON API can give each a stable code.

use thiserror::Error;

use crate::case_file::CaseStatus;
use crate::codes::code_enum;
use crate::outreach::{EventRefusal, EventStatus};
use crate::referral::IllegalTransition;

code_enum!(
    /// What a uniqueness rule found already taken. The persistence layer
    /// maps each unique constraint (by its name on PostgreSQL, by its
    /// columns on SQLite) to one of these.
    Duplicate, "duplicate" {
        /// Another tenant has this name.
        TenantName => "tenant_name",
        /// An account has this e-mail address.
        UserEmail => "user_email",
        /// The user is already a member of this tenant.
        Membership => "membership",
        /// Another organisation of the directory has this name.
        OrganisationName => "organisation_name",
        /// Another case of the tenant has this reference.
        CaseReference => "case_reference",
        /// Another referral has this reference.
        ReferralReference => "referral_reference",
        /// Another referral link has this token.
        ReferralLink => "referral_link",
        /// An e-mail with this idempotency key is already queued.
        OutboxKey => "outbox_key",
        /// This role assignment already exists.
        RoleAssignment => "role_assignment",
        /// Another API token has this secret (a collision of random tokens).
        ApiToken => "api_token",
        /// A write with this idempotency key is already being answered.
        IdempotencyKey => "idempotency_key",
    }
);

/// A change the current state of the records refuses. Nothing was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum Conflict {
    /// A uniqueness rule: the value is already taken.
    #[error("already taken: {0}")]
    Duplicate(Duplicate),
    /// The record changed since the form was read (optimistic version check).
    #[error("the record changed since it was read")]
    StaleVersion,
    /// The referral state machine refuses this action from this status.
    #[error(transparent)]
    IllegalTransition(#[from] IllegalTransition),
    /// The case status machine refuses this change.
    #[error("a case cannot go from {from} to {to}")]
    CaseTransition {
        /// The current status.
        from: CaseStatus,
        /// The status asked for.
        to: CaseStatus,
    },
    /// The service takes no new referrals for now.
    #[error("the service's intake is closed")]
    IntakeClosed,
    /// No valid consent covers this referral (and no override was given).
    #[error("no consent covers this referral")]
    ConsentRequired,
    /// The person's personal data was erased: nothing can be added or changed.
    #[error("the person's data was erased")]
    Erased,
    /// The person still has open cases (erasure is refused).
    #[error("the person still has open cases")]
    OpenCases,
    /// The consent was already withdrawn.
    #[error("the consent was already withdrawn")]
    AlreadyWithdrawn,
    /// A user may not change their own membership this way.
    #[error("a member cannot change their own membership")]
    OwnMembership,
    /// The tenant is deactivated.
    #[error("the tenant is deactivated")]
    InactiveTenant,
    /// The event status machine refuses this change.
    #[error("an event cannot go from {from} to {to}")]
    EventTransition {
        /// The current status.
        from: EventStatus,
        /// The status asked for.
        to: EventStatus,
    },
    /// The event takes no attendance or tally (not happened yet, or cancelled).
    #[error("the event refuses this: {0}")]
    EventRefused(EventRefusal),
}

impl Conflict {
    /// A stable code for the JSON API and logs (`stale_version`, `duplicate` …).
    pub fn code(&self) -> &'static str {
        match self {
            Conflict::Duplicate(_) => "duplicate",
            Conflict::StaleVersion => "stale_version",
            Conflict::IllegalTransition(_) => "illegal_transition",
            Conflict::CaseTransition { .. } => "illegal_transition",
            Conflict::IntakeClosed => "intake_closed",
            Conflict::ConsentRequired => "consent_required",
            Conflict::Erased => "erased",
            Conflict::OpenCases => "open_cases",
            Conflict::AlreadyWithdrawn => "already_withdrawn",
            Conflict::OwnMembership => "own_membership",
            Conflict::InactiveTenant => "inactive_tenant",
            Conflict::EventTransition { .. } => "illegal_transition",
            Conflict::EventRefused(refusal) => refusal.as_str(),
        }
    }
}
