//! Configuration: `config/default.toml` (embedded), then an optional file,
//! then `RELAIS_<SECTION>__<KEY>` environment variables. One struct per
//! concern; [`Config::load`] validates everything and names the key at fault.

use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use figment::Figment;
use figment::providers::{Env, Format, Toml};
use relais_persistence::{DatabaseUrl, PoolSettings, SqliteSettings};
use serde::{Deserialize, Serialize};

const DEFAULTS: &str = include_str!("../config/default.toml");

/// A configuration problem, worded for the operator.
#[derive(Debug, thiserror::Error)]
#[error("configuration error: {0}")]
pub struct ConfigError(String);

impl ConfigError {
    fn key(key: &str, problem: impl std::fmt::Display, expected: &str) -> Self {
        Self(format!("{key}: {problem}; expected {expected}"))
    }
}

/// The whole configuration.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Database connection.
    pub database: DatabaseConfig,
    /// HTTP server.
    pub server: ServerConfig,
    /// Logs.
    pub log: LogConfig,
    /// Trace export.
    pub telemetry: TelemetryConfig,
    /// Sessions.
    pub session: SessionConfig,
    /// E-mail sending (the outbox worker).
    pub email: relais_email::EmailSettings,
    /// Scheduled jobs.
    pub jobs: JobsConfig,
    /// The JSON API.
    pub api: ApiConfig,
}

/// `[api]`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiConfig {
    /// Calls per minute allowed to one token, sustained (per instance).
    pub rate_per_minute: u32,
    /// Calls allowed at once above that rate.
    pub burst: u32,
}

/// `[jobs]`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JobsConfig {
    /// Hour (UTC) from which daily digests are sent.
    pub digest_hour_utc: u32,
    /// Days ahead counted by the document expiry digest.
    pub expiry_window_days: u32,
    /// Seconds between two looks for due work.
    pub tick_secs: u64,
    /// Referrals expire after this many times their response time.
    pub referral_expiry_factor: i32,
}

/// `[session]`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionConfig {
    /// Minutes without a request before a session ends.
    pub idle_minutes: u64,
    /// Hours after sign-in before a session ends.
    pub absolute_hours: u64,
}

/// `[database]`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseConfig {
    /// `sqlite:<path>` or `postgres://…`.
    pub url: String,
    /// Most pooled connections.
    pub max_connections: u32,
    /// Seconds to wait for a free connection.
    pub acquire_timeout_secs: u64,
    /// Milliseconds a SQLite writer waits for a lock.
    pub sqlite_busy_timeout_ms: u64,
    /// Apply pending migrations when serving starts.
    pub migrate_on_start: bool,
}

/// `[server]`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerConfig {
    /// Listen address.
    pub bind: String,
    /// Public base URL.
    pub public_url: String,
    /// Largest request body, in bytes.
    pub max_body_bytes: usize,
    /// Behind a reverse proxy: take the client address from `X-Forwarded-For`.
    pub trust_forwarded_for: bool,
}

/// `[log]`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogConfig {
    /// Log format.
    pub format: LogFormat,
    /// tracing filter directives.
    pub filter: String,
}

/// How logs are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Readable lines for a terminal.
    Human,
    /// One JSON object per line, for log collectors.
    Json,
}

/// `[telemetry]`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TelemetryConfig {
    /// OTLP/HTTP endpoint; empty for none.
    pub otlp_endpoint: String,
    /// Reported service name.
    pub service_name: String,
}

impl Config {
    /// Loads and validates the configuration (defaults, then `file`, then the environment).
    pub fn load(file: Option<&Path>) -> Result<Self, ConfigError> {
        let mut figment = Figment::from(Toml::string(DEFAULTS));
        if let Some(path) = file {
            if !path.is_file() {
                return Err(ConfigError(format!("the configuration file {} does not exist", path.display())));
            }
            figment = figment.merge(Toml::file(path));
        }
        // Only RELAIS_<SECTION>__<KEY>: other RELAIS_ variables (RELAIS_CONFIG, test settings) are not configuration keys.
        figment = figment.merge(Env::prefixed("RELAIS_").filter(|key| key.as_str().contains("__")).split("__"));
        let config: Config = figment.extract().map_err(|e| ConfigError(describe_figment_error(&e)))?;
        config.validate()?;
        Ok(config)
    }

    fn validate(&self) -> Result<(), ConfigError> {
        self.database_url()?;
        if self.database.max_connections == 0 {
            return Err(ConfigError::key("database.max_connections", "0", "a number of connections from 1"));
        }
        self.bind_address()?;
        let url = self.server.public_url.trim_end_matches('/');
        if !(url.starts_with("http://") || url.starts_with("https://")) || url.len() < "http://x".len() {
            return Err(ConfigError::key(
                "server.public_url",
                format!("\"{}\"", self.server.public_url),
                "an http:// or https:// address such as https://relais.example.org",
            ));
        }
        if self.server.max_body_bytes < 1024 {
            return Err(ConfigError::key("server.max_body_bytes", self.server.max_body_bytes, "at least 1024"));
        }
        if self.session.idle_minutes == 0 || self.session.idle_minutes > 24 * 60 {
            return Err(ConfigError::key("session.idle_minutes", self.session.idle_minutes, "1 to 1440 minutes"));
        }
        if self.session.absolute_hours == 0 || self.session.absolute_hours > 24 * 7 {
            return Err(ConfigError::key("session.absolute_hours", self.session.absolute_hours, "1 to 168 hours"));
        }
        self.email.validate().map_err(|e| ConfigError(e.to_string()))?;
        if self.jobs.digest_hour_utc > 23 {
            return Err(ConfigError::key("jobs.digest_hour_utc", self.jobs.digest_hour_utc, "an hour from 0 to 23"));
        }
        if self.jobs.expiry_window_days == 0 || self.jobs.expiry_window_days > 365 {
            return Err(ConfigError::key("jobs.expiry_window_days", self.jobs.expiry_window_days, "1 to 365 days"));
        }
        if !(1..=100_000).contains(&self.api.rate_per_minute) {
            return Err(ConfigError::key(
                "api.rate_per_minute",
                self.api.rate_per_minute,
                "1 to 100000 calls a minute",
            ));
        }
        if !(1..=10_000).contains(&self.api.burst) {
            return Err(ConfigError::key("api.burst", self.api.burst, "1 to 10000 calls"));
        }
        if !(3..=10).contains(&self.jobs.referral_expiry_factor) {
            return Err(ConfigError::key(
                "jobs.referral_expiry_factor",
                self.jobs.referral_expiry_factor,
                "3 to 10 (the escalation comes at 2)",
            ));
        }
        if self.jobs.tick_secs < 10 {
            return Err(ConfigError::key("jobs.tick_secs", self.jobs.tick_secs, "at least 10 seconds"));
        }
        if tracing_subscriber::EnvFilter::try_new(&self.log.filter).is_err() {
            return Err(ConfigError::key(
                "log.filter",
                format!("\"{}\"", self.log.filter),
                "tracing filter directives such as \"info\" or \"info,relais_web=debug\"",
            ));
        }
        Ok(())
    }

    /// The parsed database URL.
    pub fn database_url(&self) -> Result<DatabaseUrl, ConfigError> {
        DatabaseUrl::parse(&self.database.url).map_err(|e| ConfigError(format!("database.url: {e}")))
    }

    /// The parsed listen address.
    pub fn bind_address(&self) -> Result<SocketAddr, ConfigError> {
        self.server.bind.parse().map_err(|_| {
            ConfigError::key(
                "server.bind",
                format!("\"{}\"", self.server.bind),
                "an address and port such as 127.0.0.1:8080",
            )
        })
    }

    /// Pool settings from `[database]`.
    pub fn pool_settings(&self) -> PoolSettings {
        PoolSettings {
            max_connections: self.database.max_connections,
            acquire_timeout: Duration::from_secs(self.database.acquire_timeout_secs),
            sqlite: SqliteSettings { busy_timeout: Duration::from_millis(self.database.sqlite_busy_timeout_ms) },
        }
    }

    /// Web settings from `[server]` and `[session]`.
    pub fn web_settings(&self, demo_mailbox: bool) -> relais_web::WebSettings {
        relais_web::WebSettings {
            public_url: self.server.public_url.trim_end_matches('/').to_owned(),
            max_body_bytes: self.server.max_body_bytes,
            session_idle: Duration::from_secs(self.session.idle_minutes * 60),
            session_absolute: Duration::from_secs(self.session.absolute_hours * 3600),
            demo_mailbox,
            trust_forwarded_for: self.server.trust_forwarded_for,
            api_rate_limit: relais_web::RateLimit { per_minute: self.api.rate_per_minute, burst: self.api.burst },
        }
    }

    /// Settings of the scheduled jobs.
    pub fn job_settings(&self) -> relais_jobs::JobSettings {
        relais_jobs::JobSettings {
            public_url: self.server.public_url.trim_end_matches('/').to_owned(),
            expiry_window_days: self.jobs.expiry_window_days,
            digest_hour_utc: self.jobs.digest_hour_utc,
            session_idle: Duration::from_secs(self.session.idle_minutes * 60),
            tick: Duration::from_secs(self.jobs.tick_secs),
            referral_expiry_factor: self.jobs.referral_expiry_factor,
        }
    }

    /// The OTLP endpoint to export to, if any (the standard variable wins).
    pub fn otlp_endpoint(&self) -> Option<String> {
        std::env::var("OTEL_EXPORTER_OTLP_ENDPOINT")
            .ok()
            .filter(|v| !v.trim().is_empty())
            .or_else(|| Some(self.telemetry.otlp_endpoint.clone()).filter(|v| !v.trim().is_empty()))
    }

    /// The effective configuration as TOML, secrets masked.
    pub fn to_masked_toml(&self) -> String {
        let mut shown = self.clone();
        if let Ok(url) = self.database_url() {
            shown.database.url = url.masked();
        }
        toml_string(&shown)
    }
}

fn toml_string(config: &Config) -> String {
    // A readable sectioned listing (the SMTP password is never serialised).
    fn section(out: &mut String, name: &str, value: &serde_json::Value) {
        let Some(keys) = value.as_object() else { return };
        out.push_str(&format!("[{name}]\n"));
        let mut nested = Vec::new();
        for (key, v) in keys {
            if v.is_object() {
                nested.push((format!("{name}.{key}"), v));
            } else {
                out.push_str(&format!("{key} = {v}\n"));
            }
        }
        out.push('\n');
        for (name, v) in nested {
            section(out, &name, v);
        }
    }
    let value = serde_json::to_value(config).unwrap_or_default();
    let mut out = String::new();
    if let Some(sections) = value.as_object() {
        for (name, keys) in sections {
            section(&mut out, name, keys);
        }
    }
    out
}

fn describe_figment_error(err: &figment::Error) -> String {
    err.clone()
        .into_iter()
        .map(|e| {
            let key = if e.path.is_empty() { String::new() } else { format!("{}: ", e.path.join(".")) };
            format!("{key}{}", e.kind)
        })
        .collect::<Vec<_>>()
        .join("; ")
}
