//! Response deadlines, run by the scheduled jobs as the platform: a referral
//! still `sent` gets a reminder to the receiver when its answer is due, an
//! escalation to the receiving tenant's administrators at twice its response
//! time, and expires at `expiry_factor` times it (the sender is told). Each
//! step happens once — a conditional update or the state machine decides —
//! so several instances can run the job; each is audited in the sender's log.

use chrono::NaiveDateTime;
use relais_domain::AuditAction;
use relais_domain::referral::{ReferralAction, Side};
use relais_email::ReferralNotice;
use relais_persistence::TenantScope;
use relais_persistence::models::{referral_deadlines, referrals};
use serde_json::json;

use super::notices::{self, Notice};
use super::{Outcome, TransitionInput, transition};
use crate::error::AppResult;
use crate::{Actor, App, SystemJob, Tx};

/// What a run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DeadlineReport {
    /// Reminders sent to receivers.
    pub reminded: usize,
    /// Escalations sent to receiving administrators.
    pub escalated: usize,
    /// Referrals expired (their senders told).
    pub expired: usize,
}

fn tell(tx: &mut Tx<'_>, view: &referrals::SideView, notice: ReferralNotice) -> AppResult<()> {
    let public_url = tx.settings().public_url.clone();
    let changed = view.refreshed(tx.conn())?;
    let notice = Notice { notice, author_side: Side::System, occurrence: None, link: None };
    notices::notify(tx.conn(), &public_url, changed.referral(), notice)?;
    Ok(())
}

/// Reminds, escalates and expires the referrals whose answer is late at
/// `now`; each referral's steps commit on their own.
pub async fn run_deadlines(app: &App, now: NaiveDateTime, expiry_factor: i32) -> AppResult<DeadlineReport> {
    let waiting = app.read(move |conn| Ok(referral_deadlines::overdue(conn, now)?)).await?;
    let actor = Actor::system(SystemJob::ReferralDeadlines);
    let mut report = DeadlineReport::default();
    for w in waiting {
        let done = app
            .write_at(&actor, now, move |tx| {
                let view = referrals::for_platform(tx.conn(), w.id)?;
                let log = TenantScope::for_system(w.sender_tenant_id);
                let mut done = DeadlineReport::default();
                if w.expiry_at(expiry_factor).is_some_and(|at| at <= now) {
                    let outcome = transition(tx, &view, ReferralAction::Expire, None, TransitionInput::default())?;
                    done.expired = usize::from(outcome != Outcome::Unchanged);
                    return Ok(done);
                }
                // Organisations without an account answer through their own link (not sent again here).
                if w.receiver_tenant_id.is_some()
                    && w.reminded_at.is_none()
                    && referral_deadlines::mark_reminded(tx.conn(), &view, now)?
                {
                    tx.audit(Some(&log), AuditAction::ReferralReminded, w.id, json!({ "due_at": w.due_at }))?;
                    tell(tx, &view, ReferralNotice::Reminder)?;
                    done.reminded = 1;
                }
                if w.escalation_at().is_some_and(|at| at <= now)
                    && w.escalated_at.is_none()
                    && referral_deadlines::mark_escalated(tx.conn(), &view, now)?
                {
                    tx.audit(Some(&log), AuditAction::ReferralEscalated, w.id, json!({ "due_at": w.due_at }))?;
                    tell(tx, &view, ReferralNotice::Escalation)?;
                    done.escalated = 1;
                }
                Ok(done)
            })
            .await?;
        report.reminded += done.reminded;
        report.escalated += done.escalated;
        report.expired += done.expired;
    }
    Ok(report)
}
