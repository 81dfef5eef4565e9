//! Application state shared by every handler.

use std::sync::Arc;

use relais_persistence::Db;

/// Settings the web layer needs from the configuration.
#[derive(Debug, Clone)]
pub struct WebSettings {
    /// The address people use to reach Relais (for links), without trailing slash.
    pub public_url: String,
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
}

/// Everything a request handler may use.
#[derive(Debug)]
pub struct App {
    /// The database pool.
    pub db: Db,
    /// Web settings.
    pub settings: WebSettings,
}

/// The state handed to axum: a cheap clone of one shared [`App`].
pub type AppState = Arc<App>;
