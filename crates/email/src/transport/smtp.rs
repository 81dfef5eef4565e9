//! The SMTP transport (production), over lettre's pooled async client.

use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use relais_persistence::models::outbox::OutboxEmail;

use super::{SendError, SendFuture, Transport, build_message, scrub};
use crate::{EmailError, EmailSettings, SmtpTls, TransportSettings};

/// Sends through an SMTP server with TLS (implicit or STARTTLS, required),
/// authenticating if credentials are configured. Connections are pooled.
///
/// Failures are classified by the server's answer: 5xx is permanent (the
/// e-mail is given up on), except the authentication codes (530, 534, 535,
/// 538), which are a configuration problem common to every e-mail and so
/// are retried; 4xx, timeouts, connection and TLS failures are transient.
pub struct SmtpTransport {
    inner: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl std::fmt::Debug for SmtpTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpTransport").field("from", &self.from.email.to_string()).finish_non_exhaustive()
    }
}

/// Reply codes that refuse the login rather than the e-mail.
const AUTHENTICATION_CODES: [&str; 4] = ["530", "534", "535", "538"];

impl SmtpTransport {
    /// A transport for the `smtp` settings; a configuration error if the
    /// settings name another transport or TLS cannot be set up.
    pub fn new(settings: &EmailSettings) -> Result<Self, EmailError> {
        let TransportSettings::Smtp { host, port, username, password, tls } = &settings.transport else {
            return Err(EmailError::Config("email.transport.kind: an SMTP transport needs kind = \"smtp\"".into()));
        };
        let parameters = || {
            TlsParameters::new(host.clone())
                .map_err(|e| EmailError::Config(format!("email.transport.tls: cannot set up TLS for {host}: {e}")))
        };
        let tls_mode = match tls {
            SmtpTls::Required => Tls::Wrapper(parameters()?),
            SmtpTls::StartTls => Tls::Required(parameters()?),
            SmtpTls::None => Tls::None,
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host.as_str())
            .port(port.unwrap_or_else(|| tls.default_port()))
            .tls(tls_mode)
            .timeout(Some(settings.send_timeout));
        if let (Some(username), Some(password)) = (username, password) {
            builder = builder.credentials(Credentials::new(username.clone(), password.clone()));
        }
        Ok(Self { inner: builder.build(), from: settings.from_mailbox()? })
    }
}

impl Transport for SmtpTransport {
    fn send<'a>(&'a self, email: &'a OutboxEmail) -> SendFuture<'a> {
        Box::pin(async move {
            let message = build_message(&self.from, email)?;
            match self.inner.send(message).await {
                Ok(_) => Ok(()),
                Err(err) => Err(classify(&err, &email.recipient)),
            }
        })
    }
}

fn classify(err: &lettre::transport::smtp::Error, recipient: &str) -> SendError {
    let reason = scrub(&err.to_string(), recipient);
    let code = err.status().map(|c| c.to_string());
    match code.as_deref() {
        Some(code) if AUTHENTICATION_CODES.contains(&code) => {
            SendError::transient(format!("{reason} (check email.transport.username and password)"))
        }
        _ if err.is_permanent() => SendError::permanent(reason),
        _ => SendError::transient(reason),
    }
}
