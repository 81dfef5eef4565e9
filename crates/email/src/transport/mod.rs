//! Transports: how an e-mail from the outbox leaves Relais.
//!
//! A [`Transport`] makes one delivery attempt and says whether a failure is
//! worth retrying. The worker decides what to do about it.

mod file;
mod recording;
mod smtp;

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use lettre::Message;
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use relais_domain::Language;
use relais_persistence::models::outbox::OutboxEmail;

pub use file::FileTransport;
pub use recording::{FailureKind, RecordingTransport};
pub use smtp::SmtpTransport;

use crate::{EmailError, EmailSettings, TransportSettings};

/// What [`Transport::send`] returns: a boxed future, so that the trait can
/// be used as `dyn Transport` without a macro.
pub type SendFuture<'a> = Pin<Box<dyn Future<Output = Result<(), SendError>> + Send + 'a>>;

/// Something that delivers e-mails.
pub trait Transport: Send + Sync {
    /// Makes one attempt to deliver `email`. `Ok` means the e-mail was
    /// accepted (by the mail server, or written to its file).
    fn send<'a>(&'a self, email: &'a OutboxEmail) -> SendFuture<'a>;
}

/// Why a delivery attempt failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendError {
    /// `true` if trying again cannot help (SMTP 5xx: no such mailbox,
    /// message refused; an address that cannot be parsed). The e-mail is
    /// then given up on at once.
    pub permanent: bool,
    /// What went wrong, for the outbox row and the logs. Never contains the
    /// recipient's address.
    pub reason: String,
}

impl SendError {
    /// A failure worth retrying later.
    pub fn transient(reason: impl Into<String>) -> Self {
        Self { permanent: false, reason: reason.into() }
    }

    /// A failure that retrying cannot fix.
    pub fn permanent(reason: impl Into<String>) -> Self {
        Self { permanent: true, reason: reason.into() }
    }
}

impl fmt::Display for SendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = if self.permanent { "permanent" } else { "transient" };
        write!(f, "{kind} failure: {}", self.reason)
    }
}

impl std::error::Error for SendError {}

/// The transport the settings ask for, or `None` when sending is disabled
/// (e-mails then wait in the outbox).
pub fn from_settings(settings: &EmailSettings) -> Result<Option<Arc<dyn Transport>>, EmailError> {
    settings.validate()?;
    Ok(match &settings.transport {
        TransportSettings::Smtp { .. } => Some(Arc::new(SmtpTransport::new(settings)?)),
        TransportSettings::File { dir } => Some(Arc::new(FileTransport::new(dir, settings.from_mailbox()?)?)),
        TransportSettings::Disabled => None,
    })
}

/// The MIME message for an outbox row: `multipart/alternative` with the
/// plain text first and the HTML second, the stored `Message-ID` (the same
/// on every attempt), the language, and `Auto-Submitted: auto-generated`
/// (RFC 3834) so that auto-responders stay quiet.
pub fn build_message(from: &Mailbox, email: &OutboxEmail) -> Result<Message, SendError> {
    let to: Mailbox =
        email.recipient.parse().map_err(|_| SendError::permanent("the recipient is not a valid e-mail address"))?;
    let language = email.language.parse::<Language>().map(|l| l.tag()).unwrap_or("fr");
    Message::builder()
        .from(from.clone())
        .to(to)
        .subject(email.subject.clone())
        .message_id(Some(email.message_id.clone()))
        .raw_header(HeaderValue::new(HeaderName::new_from_ascii_str("Auto-Submitted"), "auto-generated".to_owned()))
        .raw_header(HeaderValue::new(HeaderName::new_from_ascii_str("Content-Language"), language.to_owned()))
        .multipart(MultiPart::alternative_plain_html(email.body_text.clone(), email.body_html.clone()))
        .map_err(|e| SendError::permanent(scrub(&format!("the message cannot be built: {e}"), &email.recipient)))
}

/// `text` with every occurrence of the recipient's address (in any case)
/// replaced, so that a server's answer can be stored and logged.
pub(crate) fn scrub(text: &str, recipient: &str) -> String {
    if recipient.is_empty() {
        return text.to_owned();
    }
    let lower = text.to_lowercase();
    let needle = recipient.to_lowercase();
    // Lower-casing can change byte lengths outside ASCII; then match on the text as is.
    if lower.len() != text.len() {
        return text.replace(recipient, "<recipient>");
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = 0;
    while let Some(found) = lower[rest..].find(&needle) {
        let start = rest + found;
        out.push_str(&text[rest..start]);
        out.push_str("<recipient>");
        rest = start + needle.len();
    }
    out.push_str(&text[rest..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_recipient_is_scrubbed_from_reasons() {
        assert_eq!(
            scrub("550 5.1.1 <Focal.Point@Example.org>: user unknown", "focal.point@example.org"),
            "550 5.1.1 <<recipient>>: user unknown"
        );
        assert_eq!(scrub("connection refused", "a@example.org"), "connection refused");
    }
}
