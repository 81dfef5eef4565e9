#![doc = include_str!("../README.md")]

use std::time::Duration;

use chrono::{NaiveDateTime, Timelike};
use relais_domain::{EmailAddress, Language};
use relais_email::Email;
use relais_persistence::models::{digests, sessions, tenants};
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
}

/// What a run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JobsReport {
    /// Digest e-mails written to the outbox (a digest already queued today counts once).
    pub digests_queued: usize,
    /// Sessions removed.
    pub sessions_removed: usize,
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
        if now.hour() >= self.settings.digest_hour_utc {
            report.digests_queued = self.document_expiry_digests(now).await?;
        }
        Ok(report)
    }

    /// Runs every job now, whatever the hour (`relais jobs run-once`).
    pub async fn run_all(&self, now: NaiveDateTime) -> Result<JobsReport, JobError> {
        Ok(JobsReport {
            sessions_removed: self.sweep_sessions(now).await?,
            digests_queued: self.document_expiry_digests(now).await?,
        })
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

    /// Runs [`Jobs::run_due`] every `tick` until `shutdown` turns true.
    pub fn spawn(self, mut shutdown: watch::Receiver<bool>) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            loop {
                if let Err(err) = self.run_due(relais_persistence::now()).await {
                    tracing::warn!(error = %err, "scheduled jobs failed; retrying at the next tick");
                }
                tokio::select! {
                    _ = shutdown.changed() => break,
                    () = tokio::time::sleep(self.settings.tick) => {}
                }
            }
        })
    }
}
