#![doc = include_str!("../README.md")]

pub mod accounts;
pub mod actor;
pub mod api_tokens;
pub mod cases;
pub mod directory;
mod error;
pub mod events;
pub mod housekeeping;
pub mod members;
pub mod network;
pub mod outreach;
pub mod people;
pub mod referrals;
pub mod tokens;
mod tx;

use std::sync::Arc;

use chrono::NaiveDateTime;
use relais_persistence::{Db, DbConnection};

pub use actor::{Acting, Actor, Member, Permissions, SystemJob};
pub use error::{AppError, AppResult, FieldErrors};
pub use events::Subscribers;
pub use tx::Tx;

/// The current time, injectable so tests can move it.
pub type Clock = Arc<dyn Fn() -> NaiveDateTime + Send + Sync>;

/// Settings the commands need.
#[derive(Debug, Clone)]
pub struct AppSettings {
    /// The address people use to reach Relais (links in e-mails), without trailing slash.
    pub public_url: String,
}

struct Inner {
    db: Db,
    settings: AppSettings,
    subscribers: Subscribers,
}

/// The application: the database, the clock, the settings and the
/// registered subscribers. Cheap to clone.
#[derive(Clone)]
pub struct App {
    inner: Arc<Inner>,
    clock: Clock,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App")
            .field("db", &self.inner.db)
            .field("settings", &self.inner.settings)
            .finish_non_exhaustive()
    }
}

impl App {
    /// The application over `db`, on the system clock, with every
    /// subscriber registered.
    pub fn new(db: Db, settings: AppSettings) -> Self {
        let mut subscribers = Subscribers::default();
        subscribers.on_consent_withdrawn(referrals::revoke_for_consent);
        Self { inner: Arc::new(Inner { db, settings, subscribers }), clock: Arc::new(relais_persistence::now) }
    }

    /// The same application on another clock (tests move it).
    pub fn set_clock(&mut self, clock: Clock) {
        self.clock = clock;
    }

    /// The current time on the application clock (UTC, microseconds).
    pub fn now(&self) -> NaiveDateTime {
        (self.clock)()
    }

    /// The database.
    pub fn db(&self) -> &Db {
        &self.inner.db
    }

    /// The settings.
    pub fn settings(&self) -> &AppSettings {
        &self.inner.settings
    }

    /// Runs a command's work in one write transaction, stamped with the
    /// application clock's time now.
    pub async fn write<T, F>(&self, actor: &Actor, work: F) -> AppResult<T>
    where
        F: FnOnce(&mut Tx<'_>) -> AppResult<T> + Send + 'static,
        T: Send + 'static,
    {
        self.write_at(actor, self.now(), work).await
    }

    /// Runs a command's work in one write transaction, stamped with `at`
    /// (the scheduled jobs run "as of" the time they were given).
    pub async fn write_at<T, F>(&self, actor: &Actor, at: NaiveDateTime, work: F) -> AppResult<T>
    where
        F: FnOnce(&mut Tx<'_>) -> AppResult<T> + Send + 'static,
        T: Send + 'static,
    {
        let (inner, actor) = (self.inner.clone(), actor.clone());
        self.inner
            .db
            .write(move |conn| {
                let mut tx = Tx::new(conn, &actor, at, &inner.settings, &inner.subscribers);
                work(&mut tx)
            })
            .await
    }

    /// Runs read-only work on a pooled connection (no audit: a read of
    /// personal data that must be audited is a command, through [`App::write`]).
    pub async fn read<T, F>(&self, work: F) -> AppResult<T>
    where
        F: FnOnce(&mut DbConnection) -> AppResult<T> + Send + 'static,
        T: Send + 'static,
    {
        self.inner.db.run(work).await
    }
}
