//! Case files: the closed lists a case is described with (pathway, status,
//! close reason, note visibility, timeline event kinds), the case status
//! state machine, the rule of confidential notes, and case references.
//!
//! Everything here is pure: the application layer's case commands apply
//! these rules to the stored records inside their transactions (and
//! persistence applies the rule of confidential notes in SQL).

use thiserror::Error;

use crate::UserId;
use crate::codes::code_enum;

code_enum!(
    /// The path a person follows in a case.
    Pathway, "pathway" {
        /// Obtaining the auto-entrepreneur status (law 114-13) and working under it.
        AutoEntrepreneur => "auto_entrepreneur",
        /// A group enterprise or cooperative.
        GroupEnterprise => "group_enterprise",
        /// Salaried employment.
        Employment => "employment",
        /// Vocational training.
        Training => "training",
        /// Information only (no accompaniment beyond it).
        InformationOnly => "information_only",
    }
);

code_enum!(
    /// Where a case stands.
    CaseStatus, "case status" {
        /// Being worked on.
        Open => "open",
        /// Paused (the person is away, waiting for something …).
        OnHold => "on_hold",
        /// Finished, with a [`CloseReason`].
        Closed => "closed",
    }
);

code_enum!(
    /// Why a case was closed.
    CloseReason, "close reason" {
        /// What the case set out to do was done.
        GoalReached => "goal_reached",
        /// Another organisation now accompanies the person.
        ReferredElsewhere => "referred_elsewhere",
        /// The person cannot be reached any more.
        NoLongerReachable => "no_longer_reachable",
        /// The person moved away.
        MovedAway => "moved_away",
        /// The person no longer wants the support.
        DeclinedSupport => "declined_support",
        /// Another reason.
        Other => "other",
    }
);

code_enum!(
    /// Who may read a case note.
    NoteVisibility, "note visibility" {
        /// Anyone who may read the case.
        Normal => "normal",
        /// Only the author, the case's assigned caseworkers and tenant administrators.
        Confidential => "confidential",
    }
);

code_enum!(
    /// What happened in a case, as shown on its timeline.
    CaseEventKind, "case event kind" {
        /// The case was opened.
        Opened => "opened",
        /// Pathway, goals or referral source changed.
        Updated => "updated",
        /// The status changed.
        StatusChanged => "status_changed",
        /// A caseworker was assigned.
        Assigned => "assigned",
        /// A caseworker was unassigned.
        Unassigned => "unassigned",
        /// A note was added (its visibility is recorded, never its text).
        NoteAdded => "note_added",
        /// A task was added.
        TaskAdded => "task_added",
        /// A task was marked done.
        TaskDone => "task_done",
        /// A done task was marked not done again.
        TaskReopened => "task_reopened",
    }
);

/// Longest referral source, in characters.
pub const REFERRAL_SOURCE_MAX: usize = 200;
/// Longest goals text, in characters.
pub const GOALS_MAX: usize = 4000;
/// Longest note, in characters.
pub const NOTE_MAX: usize = 10_000;
/// Longest task title, in characters.
pub const TASK_TITLE_MAX: usize = 200;

/// Why a status change is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum TransitionError {
    /// The case already has this status, or the move is not allowed from it.
    #[error("a case cannot go from {from} to {to}")]
    NotAllowed {
        /// The current status.
        from: CaseStatus,
        /// The status asked for.
        to: CaseStatus,
    },
    /// Closing a case needs a reason.
    #[error("closing a case needs a reason")]
    ReasonRequired,
}

/// The outcome of an allowed status change: the new status and, when
/// closed, why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transition {
    /// The new status.
    pub status: CaseStatus,
    /// The close reason (only when the new status is [`CaseStatus::Closed`]).
    pub closed_reason: Option<CloseReason>,
}

/// Checks a status change: open ↔ on hold; open or on hold → closed (with a
/// reason); closed → open (reopening clears the reason). A reason given for
/// any other move is ignored.
pub fn transition(
    from: CaseStatus,
    to: CaseStatus,
    reason: Option<CloseReason>,
) -> Result<Transition, TransitionError> {
    use CaseStatus::{Closed, OnHold, Open};
    match (from, to) {
        (Open, OnHold) | (OnHold, Open) | (Closed, Open) => Ok(Transition { status: to, closed_reason: None }),
        (Open | OnHold, Closed) => match reason {
            Some(reason) => Ok(Transition { status: Closed, closed_reason: Some(reason) }),
            None => Err(TransitionError::ReasonRequired),
        },
        (Open, Open) | (OnHold, OnHold) | (Closed, Closed) | (Closed, OnHold) => {
            Err(TransitionError::NotAllowed { from, to })
        }
    }
}

/// The statuses a case may move to from `from` (for the status form).
pub fn next_statuses(from: CaseStatus) -> Vec<CaseStatus> {
    CaseStatus::ALL.iter().copied().filter(|to| transition(from, *to, Some(CloseReason::Other)).is_ok()).collect()
}

/// Who is reading case notes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteReader {
    /// The reader.
    pub user_id: UserId,
    /// Whether the reader is an administrator of the case's tenant.
    pub is_tenant_admin: bool,
}

/// The rule of confidential notes: a normal note is readable by anyone who
/// may read the case; a confidential note only by its author, the case's
/// assigned caseworkers and tenant administrators. Persistence applies the
/// same rule in SQL, so that unreadable notes never leave the database.
pub fn may_read_note(
    visibility: NoteVisibility,
    author_id: Option<UserId>,
    assigned_user_ids: &[UserId],
    reader: &NoteReader,
) -> bool {
    match visibility {
        NoteVisibility::Normal => true,
        NoteVisibility::Confidential => {
            reader.is_tenant_admin || author_id == Some(reader.user_id) || assigned_user_ids.contains(&reader.user_id)
        }
    }
}

/// The prefix of the case references of a year (`C-2026-`).
pub fn reference_prefix(year: i32) -> String {
    format!("C-{year}-")
}

/// A case reference: `C-2026-00042` (at least five digits; more once a
/// tenant passes 99 999 cases in a year).
pub fn case_reference(year: i32, number: u32) -> String {
    format!("{}{number:05}", reference_prefix(year))
}

/// The number of a reference of the given year (`C-2026-00042` → 42).
pub fn reference_number(reference: &str, year: i32) -> Option<u32> {
    let digits = reference.strip_prefix(&reference_prefix(year))?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_to_every_status() {
        use CaseStatus::{Closed, OnHold, Open};
        let allowed = [(Open, OnHold), (OnHold, Open), (Open, Closed), (OnHold, Closed), (Closed, Open)];
        for from in CaseStatus::ALL {
            for to in CaseStatus::ALL {
                let with_reason = transition(*from, *to, Some(CloseReason::GoalReached));
                let without = transition(*from, *to, None);
                if allowed.contains(&(*from, *to)) {
                    let done = with_reason.expect("allowed");
                    assert_eq!(done.status, *to);
                    if *to == Closed {
                        assert_eq!(done.closed_reason, Some(CloseReason::GoalReached));
                        assert_eq!(without, Err(TransitionError::ReasonRequired), "{from} → {to} without a reason");
                    } else {
                        assert_eq!(done.closed_reason, None, "a reason is kept only when closing");
                        assert_eq!(without.map(|t| t.status), Ok(*to));
                    }
                } else {
                    assert_eq!(with_reason, Err(TransitionError::NotAllowed { from: *from, to: *to }));
                    assert_eq!(without, Err(TransitionError::NotAllowed { from: *from, to: *to }));
                }
            }
        }
    }

    #[test]
    fn next_statuses_follow_the_machine() {
        assert_eq!(next_statuses(CaseStatus::Open), vec![CaseStatus::OnHold, CaseStatus::Closed]);
        assert_eq!(next_statuses(CaseStatus::OnHold), vec![CaseStatus::Open, CaseStatus::Closed]);
        assert_eq!(next_statuses(CaseStatus::Closed), vec![CaseStatus::Open]);
    }

    #[test]
    fn confidential_notes_are_read_by_author_assigned_and_admins_only() {
        let [author, worker, admin, other] = [UserId::new(), UserId::new(), UserId::new(), UserId::new()];
        let reader = |user_id: UserId, is_tenant_admin: bool| NoteReader { user_id, is_tenant_admin };
        let assigned = [worker];
        let confidential = |r: &NoteReader| may_read_note(NoteVisibility::Confidential, Some(author), &assigned, r);
        assert!(confidential(&reader(author, false)));
        assert!(confidential(&reader(worker, false)));
        assert!(confidential(&reader(admin, true)));
        assert!(!confidential(&reader(other, false)));
        assert!(!may_read_note(NoteVisibility::Confidential, None, &[], &reader(other, false)));
        for who in [author, worker, other] {
            assert!(may_read_note(NoteVisibility::Normal, Some(author), &assigned, &reader(who, false)));
        }
    }

    #[test]
    fn references_are_per_year_and_zero_padded() {
        assert_eq!(case_reference(2026, 42), "C-2026-00042");
        assert_eq!(case_reference(2026, 123_456), "C-2026-123456");
        assert_eq!(reference_number("C-2026-00042", 2026), Some(42));
        assert_eq!(reference_number("C-2025-00042", 2026), None);
        assert_eq!(reference_number("C-2026-", 2026), None);
        assert_eq!(reference_number("C-2026-4x", 2026), None);
    }

    #[test]
    fn codes_round_trip() {
        for p in Pathway::ALL {
            assert_eq!(p.as_str().parse::<Pathway>().ok(), Some(*p));
        }
        for s in CaseStatus::ALL {
            assert_eq!(s.as_str().parse::<CaseStatus>().ok(), Some(*s));
        }
        for r in CloseReason::ALL {
            assert_eq!(r.as_str().parse::<CloseReason>().ok(), Some(*r));
        }
        for v in NoteVisibility::ALL {
            assert_eq!(v.as_str().parse::<NoteVisibility>().ok(), Some(*v));
        }
        for k in CaseEventKind::ALL {
            assert_eq!(k.as_str().parse::<CaseEventKind>().ok(), Some(*k));
        }
        assert!("archived".parse::<CaseStatus>().is_err());
    }
}
