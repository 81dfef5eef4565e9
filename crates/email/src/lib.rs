#![doc = include_str!("../README.md")]

mod error;
mod render;
mod settings;
pub mod transport;
mod worker;

use relais_domain::{EmailAddress, Language};
use relais_persistence::models::outbox::{self, NewEmail};
use relais_persistence::{DbConnection, TenantScope};

pub use error::EmailError;
pub use render::{Email, ReferralNotice, RenderedEmail, render, role_key, template_sources};
pub use settings::{EmailSettings, SmtpTls, TransportSettings, duration_text};
pub use transport::{FailureKind, FileTransport, RecordingTransport, SendError, SmtpTransport, Transport};
pub use worker::{Clock, ManualClock, OutboxWorker, SystemClock, WorkerReport, backoff_delay};

/// Renders `email` in `lang` and puts it in the outbox for `recipient`;
/// returns the outbox id.
///
/// Call it with the connection of the transaction that makes the change
/// the e-mail reports, so that both are committed or neither is. The
/// `idempotency_key` names that change (e.g. `invitation:<invitation id>`):
/// queueing the same key again returns the first e-mail's id and queues
/// nothing.
pub fn enqueue(
    conn: &mut DbConnection,
    tenant: Option<&TenantScope>,
    recipient: &EmailAddress,
    lang: Language,
    email: &Email,
    idempotency_key: &str,
) -> Result<String, EmailError> {
    let rendered = render(email, lang)?;
    let id = outbox::enqueue(
        conn,
        &NewEmail {
            tenant,
            idempotency_key,
            recipient: recipient.as_str(),
            language: lang,
            template: email.template(),
            subject: &rendered.subject,
            body_text: &rendered.text,
            body_html: &rendered.html,
        },
    )?;
    Ok(id)
}
