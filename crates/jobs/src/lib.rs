#![doc = include_str!("../README.md")]

use std::time::Duration;

use chrono::{NaiveDateTime, Timelike};
use relais_domain::referral::{ReferralAction, Side, Transition};
use relais_domain::{EmailAddress, Language};
use relais_email::Email;
use relais_email::ReferralNotice;
use relais_email::notify::Notice;
use relais_persistence::models::{digests, referral_deadlines, referrals, sessions, tenants};
use relais_persistence::{Db, PersistenceError, TenantScope};
use tokio::sync::watch;

/// A job could not run.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    /// The database failed.
    #[error(transparent)]
    Persistence(#[from] PersistenceError),
    /// An e-mail could not be written to the outbox.
    #[error(transparent)]
    Email(#[from] relais_email::EmailError),
    /// A referral could not take a step.
    #[error("referral: {0}")]
    Referral(String),
}

/// When and how the jobs run.
#[derive(Debug, Clone)]
pub struct JobSettings {
    /// The address people use to reach Relais (links in e-mails), without trailing slash.
    pub public_url: String,
    /// Days ahead in which an expiring residence card is counted.
    pub expiry_window_days: u32,
    /// The hour (UTC, 0–23) from which the day's digests are sent.
    pub digest_hour_utc: u32,
    /// Idle time after which a session ends.
    pub session_idle: Duration,
    /// How often the scheduler looks for due work.
    pub tick: Duration,
    /// A referral not answered after this many times its service's response
    /// time expires (the reminder comes at 1×, the escalation at 2×).
    pub referral_expiry_factor: i32,
}

/// What a run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JobsReport {
    /// Digest e-mails written to the outbox (a digest already queued today counts once).
    pub digests_queued: usize,
    /// Sessions removed.
    pub sessions_removed: usize,
    /// Referral reminders sent to receivers.
    pub referral_reminders: usize,
    /// Referral escalations sent to receiving administrators.
    pub referral_escalations: usize,
    /// Referrals expired (their senders told).
    pub referrals_expired: usize,
    /// Daily referral digests queued.
    pub referral_digests: usize,
}

/// The scheduled jobs over one database.
#[derive(Debug, Clone)]
pub struct Jobs {
    db: Db,
    settings: JobSettings,
}

impl Jobs {
    /// Jobs over `db`.
    pub fn new(db: Db, settings: JobSettings) -> Self {
        Self { db, settings }
    }

    /// Runs what is due at `now`: the session sweep always, the digests
    /// from the configured hour on (once per day, whatever the number of runs).
    pub async fn run_due(&self, now: NaiveDateTime) -> Result<JobsReport, JobError> {
        let mut report = JobsReport { sessions_removed: self.sweep_sessions(now).await?, ..JobsReport::default() };
        self.referral_deadlines(now, &mut report).await?;
        if now.hour() >= self.settings.digest_hour_utc {
            report.digests_queued = self.document_expiry_digests(now).await?;
            report.referral_digests = self.referral_digests(now).await?;
        }
        Ok(report)
    }

    /// Runs every job now, whatever the hour (`relais jobs run-once`).
    pub async fn run_all(&self, now: NaiveDateTime) -> Result<JobsReport, JobError> {
        let mut report = JobsReport {
            sessions_removed: self.sweep_sessions(now).await?,
            digests_queued: self.document_expiry_digests(now).await?,
            ..JobsReport::default()
        };
        self.referral_deadlines(now, &mut report).await?;
        report.referral_digests = self.referral_digests(now).await?;
        Ok(report)
    }

    async fn sweep_sessions(&self, now: NaiveDateTime) -> Result<usize, JobError> {
        let idle = chrono::Duration::from_std(self.settings.session_idle).unwrap_or(chrono::Duration::minutes(30));
        Ok(self.db.write(move |conn| sessions::delete_expired(conn, now, now - idle)).await?)
    }

    /// Queues today's document expiry digests; returns how many were queued.
    pub async fn document_expiry_digests(&self, now: NaiveDateTime) -> Result<usize, JobError> {
        let today = now.date();
        let until = today + chrono::Days::new(u64::from(self.settings.expiry_window_days));
        let window = self.settings.expiry_window_days;
        let link = format!("{}/beneficiaries?expiring={window}", self.settings.public_url);
        let all = self.db.run(tenants::list).await?;
        let mut queued = 0;
        for tenant in all.into_iter().filter(|t| t.active) {
            let scope = TenantScope::for_system(tenant.tenant_id()?);
            let fallback: Language = tenant.default_language.parse().unwrap_or_default();
            let link = link.clone();
            queued += self
                .db
                .write(move |conn| {
                    let rows = digests::residence_cards_expiring_by_assignee(conn, &scope, today, until)?;
                    let mut queued = 0;
                    for row in rows {
                        let Ok(recipient) = EmailAddress::parse(&row.email) else { continue };
                        let lang = row.preferred_language.as_deref().and_then(|l| l.parse().ok()).unwrap_or(fallback);
                        let key = format!("digest:expiring-documents:{}:{}:{today}", scope.tenant_id(), row.user_id);
                        let email = Email::DocumentExpiryDigest {
                            count: u32::try_from(row.count).unwrap_or(u32::MAX),
                            within_days: window,
                            link: link.clone(),
                        };
                        relais_email::enqueue(conn, Some(&scope), &recipient, lang, &email, &key)?;
                        queued += 1;
                    }
                    Ok::<_, JobError>(queued)
                })
                .await?;
        }
        if queued > 0 {
            tracing::info!(count = queued, "document expiry digests queued");
        }
        Ok(queued)
    }

    /// Reminds, escalates and expires the referrals whose answer is late.
    /// Each step happens once (a conditional update or the state machine
    /// decides), and its e-mails are written in the same transaction through
    /// the referral notices (`relais_email::notify`), which pick the
    /// recipients, their languages and their digest preference.
    pub async fn referral_deadlines(&self, now: NaiveDateTime, report: &mut JobsReport) -> Result<(), JobError> {
        let waiting = self.db.run(move |conn| referral_deadlines::overdue(conn, now)).await?;
        let factor = self.settings.referral_expiry_factor;
        for w in waiting {
            let public_url = self.settings.public_url.clone();
            let (reminded, escalated, expired) = self
                .db
                .write(move |conn| {
                    let tell =
                        |conn: &mut relais_persistence::DbConnection, notice: ReferralNotice| -> Result<(), JobError> {
                            let referral = referrals::for_any_side(conn, &w.id)?;
                            let notice = Notice { notice, author_side: Side::System, occurrence: None, link: None };
                            relais_email::notify::notify(conn, &public_url, &referral, notice)?;
                            Ok(())
                        };
                    let mut done = (false, false, false);
                    if w.expiry_at(factor).is_some_and(|at| at <= now) {
                        let expired = referrals::apply(conn, &w.id, ReferralAction::Expire, Side::System, None, now)
                            .map_err(|e| JobError::Referral(e.to_string()))?;
                        if matches!(expired, Transition::Changed(_)) {
                            tell(conn, ReferralNotice::Expired)?;
                            done.2 = true;
                        }
                        return Ok::<_, JobError>(done);
                    }
                    // Organisations without an account answer through their own link (not sent again here).
                    if w.receiver_tenant_id.is_some()
                        && w.reminded_at.is_none()
                        && referral_deadlines::mark_reminded(conn, &w.id, now)?
                    {
                        tell(conn, ReferralNotice::Reminder)?;
                        done.0 = true;
                    }
                    if w.escalation_at().is_some_and(|at| at <= now)
                        && w.escalated_at.is_none()
                        && referral_deadlines::mark_escalated(conn, &w.id, now)?
                    {
                        tell(conn, ReferralNotice::Escalation)?;
                        done.1 = true;
                    }
                    Ok(done)
                })
                .await?;
            report.referral_reminders += usize::from(reminded);
            report.referral_escalations += usize::from(escalated);
            report.referrals_expired += usize::from(expired);
        }
        Ok(())
    }

    /// Queues the daily referral digest of each user who chose one.
    pub async fn referral_digests(&self, now: NaiveDateTime) -> Result<usize, JobError> {
        let since = now - chrono::Duration::days(1);
        let today = now.date();
        let link = format!("{}/referrals", self.settings.public_url);
        self.db
            .write(move |conn| {
                let mut queued = 0;
                for (recipient, count) in referral_deadlines::digest_counts(conn, since)? {
                    let Ok(address) = EmailAddress::parse(&recipient.email) else { continue };
                    let lang: Language = recipient.language.parse().unwrap_or_default();
                    let key = format!(
                        "digest:referrals:{}:{today}",
                        recipient.user_id.as_deref().unwrap_or(&recipient.email)
                    );
                    let email =
                        Email::ReferralDigest { count: u32::try_from(count).unwrap_or(u32::MAX), link: link.clone() };
                    relais_email::enqueue(conn, None, &address, lang, &email, &key)?;
                    queued += 1;
                }
                Ok::<_, JobError>(queued)
            })
            .await
    }

    /// Runs [`Jobs::run_due`] every `tick` until `shutdown` turns true.
    pub fn spawn(self, mut shutdown: watch::Receiver<bool>) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            loop {
                // A stop request does not wait for a long pass: each step commits on its own,
                // and the next pass picks up what is left (e-mails carry idempotency keys).
                tokio::select! {
                    _ = shutdown.changed() => break,
                    result = self.run_due(relais_persistence::now()) => {
                        if let Err(err) = result {
                            tracing::warn!(error = %err, "scheduled jobs failed; retrying at the next tick");
                        }
                    }
                }
                tokio::select! {
                    _ = shutdown.changed() => break,
                    () = tokio::time::sleep(self.settings.tick) => {}
                }
            }
        })
    }
}
