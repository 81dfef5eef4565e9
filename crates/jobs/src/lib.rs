#![doc = include_str!("../README.md")]

use std::time::Duration;

use chrono::{NaiveDateTime, Timelike};
use relais_app::{AppError, AppSettings};
use relais_app::{housekeeping, referrals};
use relais_persistence::Db;
use tokio::sync::watch;

/// A job could not run.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    /// A command of the application layer failed.
    #[error(transparent)]
    App(#[from] AppError),
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

/// The scheduled jobs over one database. Each job is a command of the
/// application layer run as the platform (`SystemJob`), stamped with the
/// time it is given.
#[derive(Debug, Clone)]
pub struct Jobs {
    app: relais_app::App,
    settings: JobSettings,
}

impl Jobs {
    /// Jobs over `db`.
    pub fn new(db: Db, settings: JobSettings) -> Self {
        let app = relais_app::App::new(db, AppSettings { public_url: settings.public_url.clone() });
        Self { app, settings }
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
        housekeeping::forget_idempotent_answers(&self.app, now).await?;
        Ok(housekeeping::sweep_sessions(&self.app, now, idle).await?)
    }

    /// Queues today's document expiry digests; returns how many were queued.
    pub async fn document_expiry_digests(&self, now: NaiveDateTime) -> Result<usize, JobError> {
        Ok(housekeeping::queue_document_expiry_digests(&self.app, now, self.settings.expiry_window_days).await?)
    }

    /// Reminds, escalates and expires the referrals whose answer is late
    /// (`relais_app::referrals::run_deadlines`: each step once, audited, with
    /// its notices).
    pub async fn referral_deadlines(&self, now: NaiveDateTime, report: &mut JobsReport) -> Result<(), JobError> {
        let done = referrals::run_deadlines(&self.app, now, self.settings.referral_expiry_factor).await?;
        report.referral_reminders += done.reminded;
        report.referral_escalations += done.escalated;
        report.referrals_expired += done.expired;
        Ok(())
    }

    /// Queues the daily referral digest of each user who chose one.
    pub async fn referral_digests(&self, now: NaiveDateTime) -> Result<usize, JobError> {
        Ok(referrals::queue_referral_digests(&self.app, now).await?)
    }

    /// Runs [`Jobs::run_due`] every `tick` until `shutdown` turns true.
    pub fn spawn(self, mut shutdown: watch::Receiver<bool>) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            loop {
                // A stop request does not wait for a long pass: each step commits on its own,
                // and the next pass picks up what is left (e-mails carry idempotency keys).
                tokio::select! {
                    _ = shutdown.changed() => break,
                    result = self.run_due(self.app.now()) => {
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
