//! Referrals between tenants: drafting and sending behind the consent gate,
//! the receiver's answers, the outcome, comments, the deadlines, the answers
//! of organisations without an account, and revocation on consent
//! withdrawal.
//!
//! Every status change, whoever takes it — a member on a page or through
//! the API, an organisation through its link, the deadline job, a consent
//! withdrawal — goes through [`transition`]: the state machine, exactly one
//! audit row with the action's typed audit action, and the notices, in the
//! command's transaction.

mod comments;
mod deadlines;
mod digest;
mod drafting;
mod external;
mod notices;
mod reads;
mod revocation;
mod steps;

use relais_domain::referral::{ReferralAction, ReferralStatus, Transition};
use relais_domain::{Conflict, UserId};
use relais_email::ReferralNotice;
use relais_persistence::TenantScope;
use relais_persistence::models::referrals::{self, AcceptLink, ReferralError, SideView, Via};
use serde_json::json;

pub use comments::comment;
pub use deadlines::{DeadlineReport, run_deadlines};
pub use digest::queue_referral_digests;
pub use drafting::{Drafted, NewDraft, draft};
pub use external::{ExternalReferral, LinkAnswer, answer_link, link_opens, open_link};
pub use reads::{
    CaseReferral, DraftForm, GateView, ListTab, MEDIAN_WINDOW_DAYS, PageComment, PageEvent, ReferralPage, TabRows,
    dashboard, draft_form, for_case, list, page, page_of,
};
pub(crate) use revocation::revoke_for_consent;
pub use steps::{Step, act};

use crate::error::{AppError, AppResult};
use crate::tx::Tx;

/// How long an organisation's answer link stays valid, in days.
pub const LINK_VALID_DAYS: i64 = 30;

/// What a status change request came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The referral moved to this status.
    Changed(ReferralStatus),
    /// It already was where this action leads (a repeated click): nothing changed.
    Unchanged,
}

/// The notice an action's change sends.
fn notice_of(action: ReferralAction) -> ReferralNotice {
    match action {
        ReferralAction::Send => ReferralNotice::Received,
        ReferralAction::Accept => ReferralNotice::Accepted,
        ReferralAction::Decline(_) => ReferralNotice::Declined,
        ReferralAction::Withdraw => ReferralNotice::Withdrawn,
        ReferralAction::Expire => ReferralNotice::Expired,
        ReferralAction::Start => ReferralNotice::Started,
        ReferralAction::Complete(_) => ReferralNotice::Completed,
        ReferralAction::NotComplete(_) => ReferralNotice::NotCompleted,
        ReferralAction::Revoke => ReferralNotice::Revoked,
    }
}

/// The audit log a referral's events belong to: the log of the tenant whose
/// member acted, or the sender's log for an organisation's link or the
/// platform (the sender is the tenant that holds the person's file).
fn log_of(view: &SideView, acting_tenant: Option<&TenantScope>) -> TenantScope {
    match (view.via(), acting_tenant) {
        (Via::Sender | Via::Receiver, Some(scope)) => *scope,
        _ => TenantScope::for_system(view.referral().sender_tenant_id),
    }
}

/// What a transition needs besides the action.
#[derive(Debug, Clone, Default)]
pub(crate) struct TransitionInput {
    /// The explanation of a decline.
    pub(crate) text: Option<String>,
    /// How the receiver records the person when accepting (members only).
    pub(crate) accept: Option<(AcceptLink, relais_domain::case_file::Pathway)>,
}

/// Applies one action through a view, in the command's transaction: the
/// state machine decides; a change writes exactly one audit row (the
/// action's typed audit action, `{action, from, to}` and the reason or
/// outcome) and its notices; a repeat changes nothing and writes nothing.
pub(crate) fn transition(
    tx: &mut Tx<'_>,
    view: &SideView,
    action: ReferralAction,
    acting_tenant: Option<&TenantScope>,
    input: TransitionInput,
) -> AppResult<Outcome> {
    let at = tx.at();
    let actor_id: Option<UserId> = tx.actor().user_id();
    let from = view.referral().status;
    let applied = match (action, &input.accept, acting_tenant) {
        (ReferralAction::Send, _, _) => referrals::send(tx.conn(), view, actor_id.ok_or(AppError::Forbidden)?, at),
        (ReferralAction::Accept, Some((link, pathway)), Some(scope)) => {
            referrals::accept(tx.conn(), scope, view, link, *pathway, actor_id.ok_or(AppError::Forbidden)?, at)
        }
        _ => referrals::apply(tx.conn(), view, action, actor_id, at, input.text.as_deref()),
    };
    let to = match applied.map_err(referral_error)? {
        Transition::Unchanged => return Ok(Outcome::Unchanged),
        Transition::Changed(to) => to,
    };
    let mut details = json!({ "action": action.code(), "from": from.as_str(), "to": to.as_str() });
    match action {
        ReferralAction::Decline(r) => details["reason"] = json!(r.as_str()),
        ReferralAction::NotComplete(r) => details["reason"] = json!(r.as_str()),
        ReferralAction::Complete(o) => details["outcome"] = json!(o.as_str()),
        ReferralAction::Revoke => details["consent_id"] = json!(view.referral().consent_id),
        _ => {}
    }
    let log = log_of(view, acting_tenant);
    tx.audit(Some(&log), action.audit_action(), view.id(), details)?;
    let changed = view.refreshed(tx.conn())?;
    // An organisation without an account answers through a link of its own, issued when it is sent.
    let link = match action {
        ReferralAction::Send if changed.referral().receiver_organisation_id.is_some() => {
            Some(external::issue_link(tx, &changed)?)
        }
        _ => None,
    };
    let public_url = tx.settings().public_url.clone();
    let notice = notices::Notice {
        notice: notice_of(action),
        author_side: view.side(),
        occurrence: None,
        link: link.as_deref(),
    };
    notices::notify(tx.conn(), &public_url, changed.referral(), notice)?;
    Ok(Outcome::Changed(to))
}

/// The application's reading of a refusal by the referral rules.
fn referral_error(err: ReferralError) -> AppError {
    match err {
        ReferralError::Illegal(illegal) => AppError::Conflict(Conflict::IllegalTransition(illegal)),
        ReferralError::WrongSide => AppError::Forbidden,
        ReferralError::IntakeClosed => AppError::Conflict(Conflict::IntakeClosed),
        ReferralError::ConsentRequired(_) => AppError::Conflict(Conflict::ConsentRequired),
        ReferralError::EmptyPacket => crate::FieldErrors::one("fields", "ref-error-no-field"),
        ReferralError::Persistence(p) => AppError::from(p),
    }
}

/// Longest decline text, comment, message or justification, in characters.
pub const TEXT_MAX: usize = 2000;

/// A trimmed text field of at most [`TEXT_MAX`] characters (`None` when empty).
fn text_field(
    errors: &mut crate::FieldErrors,
    field: &'static str,
    value: Option<String>,
    required: bool,
) -> Option<String> {
    let value = value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
    match &value {
        None if required => errors.add(field, "error-required"),
        Some(v) if v.chars().count() > TEXT_MAX => errors.add(field, "error-too-long"),
        _ => {}
    }
    value
}
