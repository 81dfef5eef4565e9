//! Settings of the e-mail layer: the `[email]` section of the configuration.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use lettre::message::Mailbox;
use serde::{Deserialize, Serialize};

use crate::EmailError;

/// How e-mails are sent and retried.
///
/// Read from TOML (`[email]`, `[email.transport]`); durations are written
/// `"30s"`, `"5m"`, `"1h"`, `"500ms"` or as a number of seconds. Every key
/// has a default; [`EmailSettings::validate`] names the key at fault.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EmailSettings {
    /// The `From` mailbox, e.g. `Relais <no-reply@relais.example.org>`.
    pub from: String,
    /// Where e-mails go.
    pub transport: TransportSettings,
    /// Attempts before an e-mail is given up on (marked dead).
    pub max_attempts: u32,
    /// Delay before the first retry; each further retry doubles it.
    #[serde(with = "duration_text")]
    pub backoff_base: Duration,
    /// Longest delay between two attempts.
    #[serde(with = "duration_text")]
    pub backoff_max: Duration,
    /// How often the worker looks for due e-mails when it found none.
    #[serde(with = "duration_text")]
    pub poll_interval: Duration,
    /// How long a claimed e-mail is reserved for the worker that claimed it;
    /// after that, another worker may claim it (the first one is presumed dead).
    #[serde(with = "duration_text")]
    pub lease: Duration,
    /// Most e-mails claimed at once.
    pub batch_size: u32,
    /// Longest time one delivery attempt may take before it counts as failed.
    #[serde(with = "duration_text")]
    pub send_timeout: Duration,
}

impl Default for EmailSettings {
    /// Nothing is sent until a transport is configured; e-mails wait in the
    /// outbox. Retries wait up to 30 s, 1 min, 2 min … capped at 1 h (each
    /// wait between half and all of that); an e-mail is dead after its 10th
    /// attempt, which comes 1 h 30 min to 3 h after the first.
    fn default() -> Self {
        Self {
            from: "Relais <no-reply@localhost>".to_owned(),
            transport: TransportSettings::Disabled,
            max_attempts: 10,
            backoff_base: Duration::from_secs(30),
            backoff_max: Duration::from_secs(60 * 60),
            poll_interval: Duration::from_secs(5),
            lease: Duration::from_secs(10 * 60),
            batch_size: 10,
            send_timeout: Duration::from_secs(30),
        }
    }
}

impl fmt::Debug for EmailSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EmailSettings")
            .field("from", &self.from)
            .field("transport", &self.transport)
            .field("max_attempts", &self.max_attempts)
            .field("backoff_base", &self.backoff_base)
            .field("backoff_max", &self.backoff_max)
            .field("poll_interval", &self.poll_interval)
            .field("lease", &self.lease)
            .field("batch_size", &self.batch_size)
            .field("send_timeout", &self.send_timeout)
            .finish()
    }
}

impl EmailSettings {
    /// Checks the settings; the message names the key and what is expected.
    pub fn validate(&self) -> Result<(), EmailError> {
        self.from_mailbox()?;
        if self.max_attempts == 0 {
            return Err(invalid("email.max_attempts", "0", "a number of attempts from 1"));
        }
        if self.backoff_base.is_zero() {
            return Err(invalid("email.backoff_base", "0s", "a delay such as \"30s\""));
        }
        if self.backoff_max < self.backoff_base {
            return Err(invalid(
                "email.backoff_max",
                duration_text::format(self.backoff_max),
                "a delay at least as long as email.backoff_base",
            ));
        }
        if self.poll_interval.is_zero() {
            return Err(invalid("email.poll_interval", "0s", "an interval such as \"5s\""));
        }
        if self.batch_size == 0 {
            return Err(invalid("email.batch_size", "0", "a number of e-mails from 1"));
        }
        if self.send_timeout.is_zero() {
            return Err(invalid("email.send_timeout", "0s", "a delay such as \"30s\""));
        }
        if self.lease <= self.send_timeout {
            return Err(invalid(
                "email.lease",
                duration_text::format(self.lease),
                "longer than email.send_timeout, so that a slow attempt is not sent twice",
            ));
        }
        if chrono::Duration::from_std(self.lease).is_err() || chrono::Duration::from_std(self.backoff_max).is_err() {
            return Err(invalid("email.lease", duration_text::format(self.lease), "a delay of at most a few days"));
        }
        self.transport.validate()
    }

    /// The `From` mailbox, parsed.
    pub fn from_mailbox(&self) -> Result<Mailbox, EmailError> {
        self.from.parse::<Mailbox>().map_err(|e| {
            invalid(
                "email.from",
                format!("\"{}\" ({e})", self.from),
                "a mailbox such as \"Relais <no-reply@example.org>\"",
            )
        })
    }
}

/// Where e-mails go. In TOML, `[email.transport]` with `kind = "smtp"`,
/// `"file"` or `"disabled"`.
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum TransportSettings {
    /// An SMTP server (production).
    Smtp {
        /// Server host name (checked against its TLS certificate).
        host: String,
        /// Server port; by default 465 with `tls = "required"`, 587 with
        /// `"starttls"`, 25 with `"none"`.
        #[serde(default)]
        port: Option<u16>,
        /// User name, if the server wants one.
        #[serde(default)]
        username: Option<String>,
        /// Password (better given in the environment:
        /// `RELAIS_EMAIL__TRANSPORT__PASSWORD`). Never printed or serialised.
        #[serde(default, skip_serializing)]
        password: Option<String>,
        /// How the connection is encrypted.
        #[serde(default)]
        tls: SmtpTls,
    },
    /// Each e-mail is written as `<outbox id>.eml` into a folder (demo, development).
    File {
        /// The folder; created if missing.
        dir: PathBuf,
    },
    /// Nothing is sent; e-mails wait in the outbox (the default).
    #[default]
    Disabled,
}

impl fmt::Debug for TransportSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TransportSettings::Smtp { host, port, username, password, tls } => f
                .debug_struct("Smtp")
                .field("host", host)
                .field("port", port)
                .field("username", username)
                .field("password", &password.as_ref().map(|_| "***"))
                .field("tls", tls)
                .finish(),
            TransportSettings::File { dir } => f.debug_struct("File").field("dir", dir).finish(),
            TransportSettings::Disabled => f.write_str("Disabled"),
        }
    }
}

impl TransportSettings {
    fn validate(&self) -> Result<(), EmailError> {
        match self {
            TransportSettings::Smtp { host, port, username, password, tls } => {
                if host.trim().is_empty() || host.contains(char::is_whitespace) {
                    return Err(invalid(
                        "email.transport.host",
                        format!("\"{host}\""),
                        "a host name such as smtp.example.org",
                    ));
                }
                if *port == Some(0) {
                    return Err(invalid("email.transport.port", "0", "a port such as 465 or 587"));
                }
                if username.is_some() != password.is_some() {
                    return Err(invalid(
                        "email.transport.username",
                        "only one of username and password is set",
                        "both or neither",
                    ));
                }
                if *tls == SmtpTls::None && password.is_some() && !is_loopback(host) {
                    return Err(invalid(
                        "email.transport.tls",
                        format!("\"none\" with a password for {host}"),
                        "\"required\" or \"starttls\": a password is never sent unencrypted to another machine",
                    ));
                }
                Ok(())
            }
            TransportSettings::File { dir } => {
                if dir.as_os_str().is_empty() {
                    return Err(invalid("email.transport.dir", "\"\"", "a folder such as data/mail"));
                }
                Ok(())
            }
            TransportSettings::Disabled => Ok(()),
        }
    }
}

fn is_loopback(host: &str) -> bool {
    matches!(host, "localhost" | "127.0.0.1" | "::1" | "[::1]")
}

/// How an SMTP connection is encrypted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SmtpTls {
    /// TLS from the first byte ("implicit TLS", usually port 465).
    Required,
    /// A plain connection upgraded with STARTTLS, which must succeed
    /// (usually port 587). Nothing is sent if the server cannot upgrade.
    #[default]
    #[serde(alias = "starttls")]
    StartTls,
    /// No encryption at all: only for a relay on the same machine or
    /// network (a local Postfix, a development mail catcher). Never the
    /// default; it must be written in the configuration.
    None,
}

impl SmtpTls {
    /// The usual port for this kind of connection.
    pub fn default_port(&self) -> u16 {
        match self {
            SmtpTls::Required => 465,
            SmtpTls::StartTls => 587,
            SmtpTls::None => 25,
        }
    }
}

fn invalid(key: &str, problem: impl fmt::Display, expected: &str) -> EmailError {
    EmailError::Config(format!("{key}: {problem}; expected {expected}"))
}

/// Durations in the configuration: `"500ms"`, `"30s"`, `"5m"`, `"1h"`,
/// `"2d"`, or a whole number of seconds.
pub mod duration_text {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    /// Parses `"<number><unit>"` (unit `ms`, `s`, `m`, `min`, `h` or `d`;
    /// no unit means seconds).
    pub fn parse(text: &str) -> Result<Duration, String> {
        let text = text.trim();
        let split = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
        let (number, unit) = text.split_at(split);
        let number: u64 =
            number.parse().map_err(|_| format!("\"{text}\" is not a duration such as \"30s\", \"5m\" or \"1h\""))?;
        let millis_per_unit: u64 = match unit.trim() {
            "ms" => 1,
            "" | "s" => 1_000,
            "m" | "min" => 60_000,
            "h" => 3_600_000,
            "d" => 86_400_000,
            other => return Err(format!("unknown unit \"{other}\" in \"{text}\"; expected ms, s, m, h or d")),
        };
        number
            .checked_mul(millis_per_unit)
            .map(Duration::from_millis)
            .ok_or_else(|| format!("\"{text}\" is too long a duration"))
    }

    /// Writes a duration in the largest unit that divides it exactly.
    pub fn format(duration: Duration) -> String {
        let millis = duration.as_millis();
        for (unit, size) in [("d", 86_400_000), ("h", 3_600_000), ("m", 60_000), ("s", 1_000)] {
            if millis != 0 && millis.is_multiple_of(size) {
                return format!("{}{unit}", millis / size);
            }
        }
        format!("{millis}ms")
    }

    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Seconds(u64),
        Text(String),
    }

    /// serde: reads a duration.
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Duration, D::Error> {
        match Raw::deserialize(deserializer)? {
            Raw::Seconds(secs) => Ok(Duration::from_secs(secs)),
            Raw::Text(text) => parse(&text).map_err(serde::de::Error::custom),
        }
    }

    /// serde: writes a duration as text.
    pub fn serialize<S: Serializer>(duration: &Duration, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&format(*duration))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_are_valid() {
        EmailSettings::default().validate().expect("valid defaults");
    }

    #[test]
    fn durations_read_and_write_with_units() {
        assert_eq!(duration_text::parse("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(duration_text::parse("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(duration_text::parse("45"), Ok(Duration::from_secs(45)));
        assert_eq!(duration_text::parse("5m"), Ok(Duration::from_secs(300)));
        assert_eq!(duration_text::parse("2 h"), Ok(Duration::from_secs(7200)));
        assert!(duration_text::parse("5 minutes").is_err());
        assert!(duration_text::parse("-1s").is_err());
        assert!(duration_text::parse("").is_err());
        assert_eq!(duration_text::format(Duration::from_secs(3600)), "1h");
        assert_eq!(duration_text::format(Duration::from_secs(90)), "90s");
        assert_eq!(duration_text::format(Duration::from_millis(1500)), "1500ms");
        assert_eq!(duration_text::format(Duration::ZERO), "0ms");
    }

    #[test]
    fn the_password_is_never_printed_or_serialised() {
        let settings = EmailSettings {
            transport: TransportSettings::Smtp {
                host: "smtp.example.org".into(),
                port: None,
                username: Some("relais".into()),
                password: Some("s3cret-pass".into()),
                tls: SmtpTls::StartTls,
            },
            ..EmailSettings::default()
        };
        assert!(!format!("{settings:?}").contains("s3cret"));
        assert!(format!("{settings:?}").contains("***"));
        let written = toml::to_string(&settings).expect("serialisable");
        assert!(!written.contains("s3cret"), "{written}");
    }

    #[test]
    fn settings_are_read_from_toml() {
        let settings: EmailSettings = toml::from_str(
            r#"
            from = "Relais <no-reply@relais.example.org>"
            max_attempts = 5
            backoff_base = "1m"
            poll_interval = 2

            [transport]
            kind = "smtp"
            host = "smtp.example.org"
            username = "relais"
            password = "pw"
            tls = "required"
            "#,
        )
        .expect("valid TOML");
        assert_eq!(settings.max_attempts, 5);
        assert_eq!(settings.backoff_base, Duration::from_secs(60));
        assert_eq!(settings.poll_interval, Duration::from_secs(2));
        assert_eq!(settings.backoff_max, EmailSettings::default().backoff_max);
        let TransportSettings::Smtp { port, tls, .. } = &settings.transport else {
            panic!("an SMTP transport: {settings:?}");
        };
        assert_eq!((*port, *tls), (None, SmtpTls::Required));
        settings.validate().expect("valid");

        let file: EmailSettings =
            toml::from_str("[transport]\nkind = \"file\"\ndir = \"data/mail\"\n").expect("valid TOML");
        assert_eq!(file.transport, TransportSettings::File { dir: "data/mail".into() });
        let starttls: TransportSettings =
            toml::from_str("kind = \"smtp\"\nhost = \"h.example.org\"\ntls = \"starttls\"\n").expect("valid");
        assert!(matches!(starttls, TransportSettings::Smtp { tls: SmtpTls::StartTls, .. }));
        assert!(toml::from_str::<EmailSettings>("[transport]\nkind = \"smtp\"\nhots = \"typo\"\n").is_err());
        assert!(toml::from_str::<EmailSettings>("unknown_key = 1\n").is_err());
    }

    #[test]
    fn invalid_settings_name_the_key() {
        let cases = [
            (EmailSettings { from: "not an address".into(), ..EmailSettings::default() }, "email.from"),
            (EmailSettings { max_attempts: 0, ..EmailSettings::default() }, "email.max_attempts"),
            (EmailSettings { backoff_max: Duration::from_secs(1), ..EmailSettings::default() }, "email.backoff_max"),
            (EmailSettings { lease: Duration::from_secs(10), ..EmailSettings::default() }, "email.lease"),
            (
                EmailSettings {
                    transport: TransportSettings::Smtp {
                        host: "smtp.example.org".into(),
                        port: None,
                        username: Some("u".into()),
                        password: Some("p".into()),
                        tls: SmtpTls::None,
                    },
                    ..EmailSettings::default()
                },
                "email.transport.tls",
            ),
        ];
        for (settings, key) in cases {
            let err = settings.validate().expect_err(key).to_string();
            assert!(err.contains(key), "{err}");
        }
        let local_relay = EmailSettings {
            transport: TransportSettings::Smtp {
                host: "localhost".into(),
                port: Some(1025),
                username: None,
                password: None,
                tls: SmtpTls::None,
            },
            ..EmailSettings::default()
        };
        local_relay.validate().expect("an unencrypted local relay is allowed when configured");
    }
}
