//! The referral state machine (DESIGN §4, Referrals).
//!
//! ```text
//! draft ──send──▶ sent ──accept──▶ accepted ──start──▶ in_progress ──complete──▶ completed
//!   │              │  └─decline──▶ declined                        └─not_complete─▶ not_completed
//!   │              ├──withdraw──▶ withdrawn
//!   └─withdraw─────┘  └─expire───▶ expired
//! draft | sent | accepted | in_progress ──revoke (consent withdrawn)──▶ revoked
//! ```
//!
//! Repeating the action that produced the current state (a double click) is
//! harmless: [`Transition::Unchanged`]. Anything else not drawn above is an
//! [`IllegalTransition`], which changes nothing.

use thiserror::Error;

use crate::codes::code_enum;

code_enum!(
    /// Where a referral stands.
    ReferralStatus, "referral status" {
        /// Being prepared by the sender (a volunteer's draft waits for a caseworker).
        Draft => "draft",
        /// Sent; waiting for the receiver's answer.
        Sent => "sent",
        /// Accepted by the receiver.
        Accepted => "accepted",
        /// Declined by the receiver, with a reason.
        Declined => "declined",
        /// Withdrawn by the sender before an answer.
        Withdrawn => "withdrawn",
        /// Not answered in time.
        Expired => "expired",
        /// The receiver is providing the service.
        InProgress => "in_progress",
        /// Done, with an outcome.
        Completed => "completed",
        /// Ended without the service, with a reason.
        NotCompleted => "not_completed",
        /// The person withdrew the consent it relied on.
        Revoked => "revoked",
    }
);

code_enum!(
    /// Why a receiver declines a referral.
    DeclineReason, "decline reason" {
        /// The person does not meet the service's criteria.
        NotEligible => "not_eligible",
        /// No place or staff available.
        NoCapacity => "no_capacity",
        /// The service is not offered for this need.
        OutOfScope => "out_of_scope",
        /// The person is not in the area served.
        OutsideArea => "outside_area",
        /// The same person was already referred.
        Duplicate => "duplicate",
        /// Another reason, explained in the text.
        Other => "other",
    }
);

code_enum!(
    /// What a completed referral achieved.
    ReferralOutcome, "referral outcome" {
        /// The service was received.
        ServiceReceived => "service_received",
        /// Registered as auto-entrepreneur.
        RegisteredAutoEntrepreneur => "registered_auto_entrepreneur",
        /// An enterprise was created.
        EnterpriseCreated => "enterprise_created",
        /// Joined a cooperative.
        JoinedCooperative => "joined_cooperative",
        /// Placed in a job.
        PlacedInJob => "placed_in_job",
        /// Completed a training.
        Trained => "trained",
    }
);

code_enum!(
    /// Why a referral ended without the service.
    NotCompletedReason, "not-completed reason" {
        /// The person did not come.
        NoShow => "no_show",
        /// Found not eligible after all.
        NotEligible => "not_eligible",
        /// No capacity after all.
        NoCapacity => "no_capacity",
        /// The person could not be reached.
        CouldNotContact => "could_not_contact",
        /// The person is no longer interested.
        NoLongerInterested => "no_longer_interested",
    }
);

code_enum!(
    /// Who takes an action (stored with each event and comment).
    Side, "referral side" {
        /// The sending tenant.
        Sender => "sender",
        /// The receiving tenant (or the external organisation through its link).
        Receiver => "receiver",
        /// The platform itself (deadlines, consent withdrawal).
        System => "system",
    }
);

code_enum!(
    /// What a line of a referral's timeline records.
    ReferralEventKind, "referral event kind" {
        /// The draft was created.
        Created => "created",
        /// Sent.
        Send => "send",
        /// Accepted.
        Accept => "accept",
        /// Declined.
        Decline => "decline",
        /// Withdrawn by the sender.
        Withdraw => "withdraw",
        /// Expired by its deadline.
        Expire => "expire",
        /// The service started.
        Start => "start",
        /// Completed with an outcome.
        Complete => "complete",
        /// Ended without the service.
        NotComplete => "not_complete",
        /// Revoked when its consent was withdrawn.
        Revoke => "revoke",
        /// A comment was added.
        Comment => "comment",
        /// The receiver was reminded.
        Reminder => "reminder",
        /// The receiver's administrators were alerted.
        Escalation => "escalation",
    }
);

/// Something that happens to a referral.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReferralAction {
    /// The sender sends the draft.
    Send,
    /// The receiver accepts.
    Accept,
    /// The receiver declines.
    Decline(DeclineReason),
    /// The sender withdraws it.
    Withdraw,
    /// The response deadline passed.
    Expire,
    /// The receiver starts providing the service.
    Start,
    /// The receiver records the outcome.
    Complete(ReferralOutcome),
    /// The receiver records that it ended without the service.
    NotComplete(NotCompletedReason),
    /// The consent was withdrawn.
    Revoke,
}

impl ReferralAction {
    /// Every kind of action, with a sample reason where one is needed (tests, matrices).
    pub fn samples() -> [ReferralAction; 9] {
        [
            ReferralAction::Send,
            ReferralAction::Accept,
            ReferralAction::Decline(DeclineReason::NoCapacity),
            ReferralAction::Withdraw,
            ReferralAction::Expire,
            ReferralAction::Start,
            ReferralAction::Complete(ReferralOutcome::ServiceReceived),
            ReferralAction::NotComplete(NotCompletedReason::NoShow),
            ReferralAction::Revoke,
        ]
    }

    /// Who may take it.
    pub fn side(&self) -> Side {
        match self {
            ReferralAction::Send | ReferralAction::Withdraw => Side::Sender,
            ReferralAction::Accept
            | ReferralAction::Decline(_)
            | ReferralAction::Start
            | ReferralAction::Complete(_)
            | ReferralAction::NotComplete(_) => Side::Receiver,
            ReferralAction::Expire | ReferralAction::Revoke => Side::System,
        }
    }

    /// The status this action leads to.
    pub fn target(&self) -> ReferralStatus {
        match self {
            ReferralAction::Send => ReferralStatus::Sent,
            ReferralAction::Accept => ReferralStatus::Accepted,
            ReferralAction::Decline(_) => ReferralStatus::Declined,
            ReferralAction::Withdraw => ReferralStatus::Withdrawn,
            ReferralAction::Expire => ReferralStatus::Expired,
            ReferralAction::Start => ReferralStatus::InProgress,
            ReferralAction::Complete(_) => ReferralStatus::Completed,
            ReferralAction::NotComplete(_) => ReferralStatus::NotCompleted,
            ReferralAction::Revoke => ReferralStatus::Revoked,
        }
    }

    /// The timeline line it writes.
    pub fn event_kind(&self) -> ReferralEventKind {
        match self {
            ReferralAction::Send => ReferralEventKind::Send,
            ReferralAction::Accept => ReferralEventKind::Accept,
            ReferralAction::Decline(_) => ReferralEventKind::Decline,
            ReferralAction::Withdraw => ReferralEventKind::Withdraw,
            ReferralAction::Expire => ReferralEventKind::Expire,
            ReferralAction::Start => ReferralEventKind::Start,
            ReferralAction::Complete(_) => ReferralEventKind::Complete,
            ReferralAction::NotComplete(_) => ReferralEventKind::NotComplete,
            ReferralAction::Revoke => ReferralEventKind::Revoke,
        }
    }

    /// The audit action of the change it makes.
    pub fn audit_action(&self) -> crate::AuditAction {
        use crate::AuditAction as A;
        match self {
            ReferralAction::Send => A::ReferralSent,
            ReferralAction::Accept => A::ReferralAccepted,
            ReferralAction::Decline(_) => A::ReferralDeclined,
            ReferralAction::Withdraw => A::ReferralWithdrawn,
            ReferralAction::Expire => A::ReferralExpired,
            ReferralAction::Start => A::ReferralStarted,
            ReferralAction::Complete(_) => A::ReferralCompleted,
            ReferralAction::NotComplete(_) => A::ReferralNotCompleted,
            ReferralAction::Revoke => A::ReferralRevoked,
        }
    }

    /// A short code for logs and audit (`accept`, `decline` …).
    pub fn code(&self) -> &'static str {
        match self {
            ReferralAction::Send => "send",
            ReferralAction::Accept => "accept",
            ReferralAction::Decline(_) => "decline",
            ReferralAction::Withdraw => "withdraw",
            ReferralAction::Expire => "expire",
            ReferralAction::Start => "start",
            ReferralAction::Complete(_) => "complete",
            ReferralAction::NotComplete(_) => "not_complete",
            ReferralAction::Revoke => "revoke",
        }
    }
}

impl ReferralStatus {
    /// Whether the referral is still open (it can still change, and the
    /// receiver may still read its packet).
    pub fn is_open(&self) -> bool {
        matches!(
            self,
            ReferralStatus::Draft | ReferralStatus::Sent | ReferralStatus::Accepted | ReferralStatus::InProgress
        )
    }

    /// Whether the sender is still waiting for the receiver's answer (deadlines run).
    pub fn awaits_answer(&self) -> bool {
        *self == ReferralStatus::Sent
    }
}

/// The result of applying an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    /// The referral moves to this status.
    Changed(ReferralStatus),
    /// The referral is already where this action leads (a repeated click): nothing to do.
    Unchanged,
}

/// An action that the referral's status does not allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[error("a referral that is {from} cannot be {action}")]
pub struct IllegalTransition {
    /// The current status.
    pub from: ReferralStatus,
    /// The action's code.
    pub action: &'static str,
}

/// Applies an action to a status.
pub fn apply(from: ReferralStatus, action: ReferralAction) -> Result<Transition, IllegalTransition> {
    use ReferralAction as A;
    use ReferralStatus as S;
    let allowed = matches!(
        (from, action),
        (S::Draft, A::Send | A::Withdraw | A::Revoke)
            | (S::Sent, A::Accept | A::Decline(_) | A::Withdraw | A::Expire | A::Revoke)
            | (S::Accepted, A::Start | A::Revoke)
            | (S::InProgress, A::Complete(_) | A::NotComplete(_) | A::Revoke)
    );
    if allowed {
        Ok(Transition::Changed(action.target()))
    } else if from == action.target() {
        Ok(Transition::Unchanged)
    } else {
        Err(IllegalTransition { from, action: action.code() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ReferralStatus as S;

    /// The expected outcome of every status × every action: the new status,
    /// `=` for a harmless repeat, `-` for refused.
    const MATRIX: &[(ReferralStatus, [&str; 9])] = &[
        //               send         accept       decline     withdraw     expire     start          complete     not_complete     revoke
        (S::Draft, ["sent", "-", "-", "withdrawn", "-", "-", "-", "-", "revoked"]),
        (S::Sent, ["=", "accepted", "declined", "withdrawn", "expired", "-", "-", "-", "revoked"]),
        (S::Accepted, ["-", "=", "-", "-", "-", "in_progress", "-", "-", "revoked"]),
        (S::Declined, ["-", "-", "=", "-", "-", "-", "-", "-", "-"]),
        (S::Withdrawn, ["-", "-", "-", "=", "-", "-", "-", "-", "-"]),
        (S::Expired, ["-", "-", "-", "-", "=", "-", "-", "-", "-"]),
        (S::InProgress, ["-", "-", "-", "-", "-", "=", "completed", "not_completed", "revoked"]),
        (S::Completed, ["-", "-", "-", "-", "-", "-", "=", "-", "-"]),
        (S::NotCompleted, ["-", "-", "-", "-", "-", "-", "-", "=", "-"]),
        (S::Revoked, ["-", "-", "-", "-", "-", "-", "-", "-", "="]),
    ];

    #[test]
    fn every_status_and_every_action_behaves_as_the_matrix_says() {
        assert_eq!(MATRIX.len(), ReferralStatus::ALL.len(), "every status is in the matrix");
        for (from, row) in MATRIX {
            for (action, expected) in ReferralAction::samples().into_iter().zip(row) {
                let got = match apply(*from, action) {
                    Ok(Transition::Changed(to)) => to.as_str(),
                    Ok(Transition::Unchanged) => "=",
                    Err(err) => {
                        assert_eq!(err.from, *from);
                        "-"
                    }
                };
                assert_eq!(got, *expected, "{from} + {}", action.code());
            }
        }
    }

    #[test]
    fn open_statuses_are_exactly_those_that_can_still_change_by_people() {
        for status in ReferralStatus::ALL {
            let can_change = ReferralAction::samples()
                .into_iter()
                .filter(|a| a.side() != Side::System)
                .any(|a| matches!(apply(*status, a), Ok(Transition::Changed(_))));
            assert_eq!(status.is_open(), can_change, "{status}");
        }
    }

    #[test]
    fn sides_are_as_designed() {
        assert_eq!(ReferralAction::Withdraw.side(), Side::Sender);
        assert_eq!(ReferralAction::Decline(DeclineReason::Other).side(), Side::Receiver);
        assert_eq!(ReferralAction::Revoke.side(), Side::System);
        let err = apply(S::Completed, ReferralAction::Accept).expect_err("illegal");
        assert_eq!(err.to_string(), "a referral that is completed cannot be accept");
    }
}
