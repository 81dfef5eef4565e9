//! Application state shared by every handler.

use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDateTime;
use relais_authorization::Authorizer;
use relais_persistence::Db;

use crate::templates::Templates;

/// Settings the web layer needs from the configuration.
#[derive(Debug, Clone)]
pub struct WebSettings {
    /// The address people use to reach Relais (for links), without trailing slash.
    pub public_url: String,
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// A session ends after this long without a request.
    pub session_idle: Duration,
    /// A session ends this long after sign-in, whatever happens.
    pub session_absolute: Duration,
    /// Serve the demo mailbox at `/dev/mail` (only `relais demo` sets this).
    pub demo_mailbox: bool,
    /// Take the client address from the last `X-Forwarded-For` entry (set
    /// only behind a reverse proxy that writes that header).
    pub trust_forwarded_for: bool,
}

impl WebSettings {
    /// Cookies are `Secure` and HSTS is sent when the public address is HTTPS.
    pub fn is_https(&self) -> bool {
        self.public_url.starts_with("https://")
    }
}

/// The current time, injectable so tests can move it.
pub type Clock = Arc<dyn Fn() -> NaiveDateTime + Send + Sync>;

/// Everything a request handler may use.
pub struct App {
    /// The database pool.
    pub db: Db,
    /// Web settings.
    pub settings: WebSettings,
    /// Role policies.
    pub authz: Authorizer,
    /// Templates and static assets.
    pub templates: Templates,
    /// The clock.
    pub clock: Clock,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App").field("db", &self.db).field("settings", &self.settings).finish_non_exhaustive()
    }
}

impl App {
    /// Builds the application state: loads the role policies and templates.
    pub async fn new(db: Db, settings: WebSettings) -> Result<Self, crate::StartError> {
        let authz = Authorizer::load(db.clone()).await?;
        let templates = Templates::load()?;
        Ok(Self { db, settings, authz, templates, clock: Arc::new(relais_persistence::now) })
    }

    /// The current time.
    pub fn now(&self) -> NaiveDateTime {
        (self.clock)()
    }
}

/// The state handed to axum: a cheap clone of one shared [`App`].
pub type AppState = Arc<App>;
