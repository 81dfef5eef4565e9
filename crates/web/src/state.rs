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
    /// Calls allowed to one API token.
    pub api_rate_limit: crate::api::RateLimit,
}

impl WebSettings {
    /// Cookies are `Secure` and HSTS is sent when the public address is HTTPS.
    pub fn is_https(&self) -> bool {
        self.public_url.starts_with("https://")
    }
}

pub use relais_app::Clock;

/// Everything a request handler may use.
pub struct App {
    /// The application layer: every change (and every audited read) is one
    /// of its commands; it owns the clock.
    pub core: relais_app::App,
    /// The database pool (the same as the core's), for plain reads.
    pub db: Db,
    /// Web settings.
    pub settings: WebSettings,
    /// Role policies.
    pub authz: Authorizer,
    /// Templates and static assets.
    pub templates: Templates,
    /// The API's rate limiter (per token, per instance).
    pub(crate) limiter: std::sync::Arc<crate::api::Limiter>,
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
        let core =
            relais_app::App::new(db.clone(), relais_app::AppSettings { public_url: settings.public_url.clone() });
        let limiter = crate::api::Limiter::new(settings.api_rate_limit);
        Ok(Self { core, db, settings, authz, templates, limiter })
    }

    /// Moves the application to another clock (tests).
    pub fn set_clock(&mut self, clock: Clock) {
        self.core.set_clock(clock);
    }

    /// The current time (the application clock).
    pub fn now(&self) -> NaiveDateTime {
        self.core.now()
    }
}

/// The state handed to axum: a cheap clone of one shared [`App`].
pub type AppState = Arc<App>;
