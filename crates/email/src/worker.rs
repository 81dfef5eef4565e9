//! The outbox worker: claims due e-mails, sends them, records the outcome.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use chrono::NaiveDateTime;
use rand::Rng as _;
use relais_persistence::models::outbox::{self, OutboxEmail};
use relais_persistence::{Db, PersistenceError};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::transport::{self, SendError, Transport};
use crate::{EmailError, EmailSettings};

/// Where the worker reads the time (UTC). Tests move a [`ManualClock`].
pub trait Clock: Send + Sync {
    /// The current UTC time.
    fn now(&self) -> NaiveDateTime;
}

/// The system clock, to the microsecond (as stored).
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> NaiveDateTime {
        relais_persistence::now()
    }
}

/// A clock that moves only when told to, for tests.
#[derive(Debug)]
pub struct ManualClock {
    now: Mutex<NaiveDateTime>,
}

impl ManualClock {
    /// A clock showing `start`.
    pub fn new(start: NaiveDateTime) -> Self {
        Self { now: Mutex::new(start) }
    }

    /// Sets the time.
    pub fn set(&self, at: NaiveDateTime) {
        *self.now.lock().unwrap_or_else(PoisonError::into_inner) = at;
    }

    /// Moves the time forward.
    pub fn advance(&self, by: Duration) {
        let mut now = self.now.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(later) = chrono::Duration::from_std(by).ok().and_then(|by| now.checked_add_signed(by)) {
            *now = later;
        }
    }
}

impl Clock for ManualClock {
    fn now(&self) -> NaiveDateTime {
        *self.now.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// What one pass of the worker did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WorkerReport {
    /// E-mails claimed.
    pub claimed: usize,
    /// Sent.
    pub sent: usize,
    /// Failed, to be tried again later.
    pub retried: usize,
    /// Given up on (permanent failure, or the last attempt failed).
    pub dead: usize,
    /// Not attempted because too little of the lease was left (they are
    /// claimed again when it ends), or recorded first by another worker.
    pub skipped: usize,
}

/// Sends what the outbox holds: every `poll_interval`, claims up to
/// `batch_size` due e-mails, attempts each once, and records it sent, to be
/// retried after an exponential backoff with jitter, or dead.
///
/// Several workers (in one process or several, on PostgreSQL) can run at
/// once: claiming never hands the same e-mail to two of them. Logs name
/// outbox ids and templates, never recipients or bodies.
pub struct OutboxWorker {
    db: Db,
    settings: EmailSettings,
    transport: Arc<dyn Transport>,
    clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for OutboxWorker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OutboxWorker").field("db", &self.db).field("settings", &self.settings).finish_non_exhaustive()
    }
}

impl OutboxWorker {
    /// A worker over `db` sending through `transport`, on the system clock.
    pub fn new(db: Db, settings: EmailSettings, transport: Arc<dyn Transport>) -> Self {
        Self { db, settings, transport, clock: Arc::new(SystemClock) }
    }

    /// A worker with the transport the settings ask for, or `None` when
    /// sending is disabled.
    pub fn from_settings(db: Db, settings: EmailSettings) -> Result<Option<Self>, EmailError> {
        Ok(transport::from_settings(&settings)?.map(|transport| Self::new(db, settings, transport)))
    }

    /// The same worker reading time from `clock`.
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// One pass: claims the due e-mails (one batch), attempts each, records
    /// the outcomes. An error means the database could not be used; e-mails
    /// claimed but not recorded come back when their lease ends.
    #[tracing::instrument(name = "outbox_worker.run_once", skip_all)]
    pub async fn run_once(&self) -> Result<WorkerReport, EmailError> {
        let now = self.clock.now();
        let lease = chrono_duration(self.settings.lease, "email.lease")?;
        let limit = i64::from(self.settings.batch_size);
        let claimed = self.db.run(move |conn| outbox::claim_due(conn, now, limit, lease)).await?;
        let mut report = WorkerReport { claimed: claimed.len(), ..WorkerReport::default() };
        let margin = chrono_duration(self.settings.send_timeout, "email.send_timeout")?;
        for email in &claimed {
            // An attempt that could outlast the lease might overlap another
            // worker's attempt at the same e-mail: leave it for later.
            if email.locked_until.is_some_and(|until| self.clock.now() + margin >= until) {
                tracing::debug!(outbox_id = %email.id, template = %email.template, "lease nearly over; left for later");
                report.skipped += 1;
                continue;
            }
            let outcome = self.attempt(email).await;
            self.record(email, outcome, &mut report).await?;
        }
        if report.claimed > 0 {
            tracing::info!(
                claimed = report.claimed,
                sent = report.sent,
                retried = report.retried,
                dead = report.dead,
                skipped = report.skipped,
                "outbox pass"
            );
        }
        Ok(report)
    }

    async fn attempt(&self, email: &OutboxEmail) -> Result<(), SendError> {
        match tokio::time::timeout(self.settings.send_timeout, self.transport.send(email)).await {
            Ok(outcome) => outcome,
            Err(_) => Err(SendError::transient(format!(
                "no answer within {}",
                crate::settings::duration_text::format(self.settings.send_timeout)
            ))),
        }
    }

    async fn record(
        &self,
        email: &OutboxEmail,
        outcome: Result<(), SendError>,
        report: &mut WorkerReport,
    ) -> Result<(), EmailError> {
        let id = email.id.clone();
        let attempts = email.attempts.saturating_add(1);
        let max_attempts = i32::try_from(self.settings.max_attempts).unwrap_or(i32::MAX);
        let now = self.clock.now();
        let recorded = match outcome {
            Ok(()) => {
                tracing::info!(outbox_id = %email.id, template = %email.template, attempts, "e-mail sent");
                report.sent += 1;
                self.db.run(move |conn| outbox::mark_sent(conn, &id, now)).await
            }
            Err(failure) if failure.permanent || attempts >= max_attempts => {
                tracing::warn!(
                    outbox_id = %email.id,
                    template = %email.template,
                    attempts,
                    permanent = failure.permanent,
                    reason = %failure.reason,
                    "e-mail given up on"
                );
                report.dead += 1;
                self.db.run(move |conn| outbox::mark_dead(conn, &id, attempts, &failure.reason)).await
            }
            Err(failure) => {
                let delay = backoff_delay(
                    self.settings.backoff_base,
                    self.settings.backoff_max,
                    u32::try_from(attempts).unwrap_or(u32::MAX),
                    rand::rng().random_range(0.0..=1.0),
                );
                let next = now + chrono_duration(delay, "email.backoff_max")?;
                tracing::warn!(
                    outbox_id = %email.id,
                    template = %email.template,
                    attempts,
                    retry_in_secs = delay.as_secs(),
                    reason = %failure.reason,
                    "e-mail not sent; will retry"
                );
                report.retried += 1;
                self.db.run(move |conn| outbox::mark_retry(conn, &id, attempts, next, &failure.reason)).await
            }
        };
        match recorded {
            Ok(()) => Ok(()),
            Err(PersistenceError::NotFound) => {
                // Our lease ran out and another worker took the e-mail over and recorded it first.
                tracing::warn!(outbox_id = %email.id, template = %email.template, "outcome already recorded by another worker");
                report.skipped += 1;
                Ok(())
            }
            Err(err) => Err(err.into()),
        }
    }

    /// Runs the worker in the background until `shutdown` turns `true` (or
    /// its sender is dropped). A pass in progress is finished first. After
    /// a full batch the next pass starts at once; otherwise the worker waits
    /// `poll_interval`. A failed pass (database down) is logged and retried
    /// at the next interval.
    pub fn spawn(self, mut shutdown: watch::Receiver<bool>) -> JoinHandle<()> {
        tokio::spawn(async move {
            tracing::info!(batch_size = self.settings.batch_size, "outbox worker started");
            let batch = usize::try_from(self.settings.batch_size).unwrap_or(usize::MAX);
            loop {
                if *shutdown.borrow_and_update() {
                    break;
                }
                let more_waiting = match self.run_once().await {
                    Ok(report) => report.claimed >= batch && report.skipped < report.claimed,
                    Err(err) => {
                        tracing::warn!(error = %err, "outbox worker pass failed");
                        false
                    }
                };
                if more_waiting {
                    tokio::task::yield_now().await;
                    continue;
                }
                tokio::select! {
                    changed = shutdown.changed() => {
                        if changed.is_err() {
                            break;
                        }
                    }
                    () = tokio::time::sleep(self.settings.poll_interval) => {}
                }
            }
            tracing::info!("outbox worker stopped");
        })
    }
}

/// The wait before the next attempt after `failed_attempts` failures: the
/// ceiling `base × 2^(failed_attempts − 1)`, capped at `max`, and the delay a
/// point in the upper half of it chosen by `jitter` (0 to 1), so that
/// e-mails that failed together do not all come back together.
pub fn backoff_delay(base: Duration, max: Duration, failed_attempts: u32, jitter: f64) -> Duration {
    let doublings = failed_attempts.saturating_sub(1).min(31);
    let ceiling = base.checked_mul(1 << doublings).unwrap_or(max).min(max);
    ceiling.mul_f64(0.5 + 0.5 * jitter.clamp(0.0, 1.0))
}

fn chrono_duration(duration: Duration, key: &str) -> Result<chrono::Duration, EmailError> {
    chrono::Duration::from_std(duration).map_err(|_| EmailError::Config(format!("{key}: too long a delay")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap_with_jitter_in_the_upper_half() {
        let base = Duration::from_secs(30);
        let max = Duration::from_secs(3600);
        let ceilings: Vec<u64> = (1..=10).map(|n| backoff_delay(base, max, n, 1.0).as_secs()).collect();
        assert_eq!(ceilings, [30, 60, 120, 240, 480, 960, 1920, 3600, 3600, 3600]);
        assert_eq!(backoff_delay(base, max, 1, 0.0), Duration::from_secs(15));
        assert_eq!(backoff_delay(base, max, 3, 0.5), Duration::from_secs(90));
        assert_eq!(backoff_delay(base, max, 40, 0.0), Duration::from_secs(1800));
        assert_eq!(backoff_delay(base, max, u32::MAX, 7.0), max);
        assert_eq!(backoff_delay(base, max, 0, 1.0), base);
    }

    #[test]
    fn the_manual_clock_moves_only_when_told() {
        let start = relais_persistence::now();
        let clock = ManualClock::new(start);
        assert_eq!(clock.now(), start);
        clock.advance(Duration::from_secs(90));
        assert_eq!(clock.now(), start + chrono::Duration::seconds(90));
        clock.set(start);
        assert_eq!(clock.now(), start);
    }
}
