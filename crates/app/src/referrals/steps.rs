//! A member's step on a referral: the sender sends a reviewed draft or
//! withdraws; the receiver accepts, declines, starts and records the end.

use relais_domain::case_file::Pathway;
use relais_domain::referral::{DeclineReason, NotCompletedReason, ReferralAction, ReferralOutcome};
use relais_domain::{Permission, ReferralId};
use relais_persistence::models::referrals::{self, AcceptLink};

use super::{Outcome, TransitionInput, text_field, transition};
use crate::error::AppResult;
use crate::{Actor, App, FieldErrors};

/// What a member does to a referral.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// The sender sends a (reviewed) draft.
    Send,
    /// The sender withdraws it (before an answer).
    Withdraw,
    /// The receiver accepts: the person is linked to one it already follows,
    /// or created from the packet; a case on `pathway` is opened.
    Accept {
        /// The receiver's person.
        link: AcceptLink,
        /// The pathway of the receiver's new case.
        pathway: Pathway,
    },
    /// The receiver declines, with a reason (and a text, required for "other").
    Decline {
        /// Why.
        reason: DeclineReason,
        /// The explanation.
        text: Option<String>,
    },
    /// The receiver starts providing the service.
    Start,
    /// The receiver records the outcome.
    Complete(ReferralOutcome),
    /// The receiver records that it ended without the service.
    NotComplete(NotCompletedReason),
}

impl Step {
    fn action(&self) -> ReferralAction {
        match self {
            Step::Send => ReferralAction::Send,
            Step::Withdraw => ReferralAction::Withdraw,
            Step::Accept { .. } => ReferralAction::Accept,
            Step::Decline { reason, .. } => ReferralAction::Decline(*reason),
            Step::Start => ReferralAction::Start,
            Step::Complete(outcome) => ReferralAction::Complete(*outcome),
            Step::NotComplete(reason) => ReferralAction::NotComplete(*reason),
        }
    }
}

/// Takes a step on a referral of the actor's tenant, for the side the step
/// belongs to (the sender's steps need `referral:send`, the receiver's
/// `referral:receive`; a third tenant gets `NotFound`). An illegal step is
/// [`relais_domain::Conflict::IllegalTransition`] and changes nothing; a
/// repeated one is [`Outcome::Unchanged`]. With `if_version` (the API's
/// `If-Match`), a referral changed since that version is
/// [`relais_domain::Conflict::StaleVersion`].
pub async fn act(app: &App, actor: &Actor, id: ReferralId, step: Step, if_version: Option<i32>) -> AppResult<Outcome> {
    let member = actor.as_member()?;
    let action = step.action();
    let sender_step = matches!(step, Step::Send | Step::Withdraw);
    member.require(if sender_step { Permission::ReferralSend } else { Permission::ReferralReceive })?;
    let mut errors = FieldErrors::new();
    let input = match step {
        Step::Decline { reason, text } => TransitionInput {
            text: text_field(&mut errors, "decline_text", text, reason == DeclineReason::Other),
            accept: None,
        },
        Step::Accept { link, pathway } => TransitionInput { text: None, accept: Some((link, pathway)) },
        _ => TransitionInput::default(),
    };
    errors.into_result()?;
    let scope = member.scope;
    app.write(actor, move |tx| {
        let view = if sender_step {
            referrals::for_sender(tx.conn(), &scope, id)?
        } else {
            referrals::for_receiver(tx.conn(), &scope, id)?
        };
        if if_version.is_some_and(|v| v != view.referral().version) {
            return Err(relais_domain::Conflict::StaleVersion.into());
        }
        transition(tx, &view, action, Some(&scope), input)
    })
    .await
}
