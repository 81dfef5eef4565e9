//! The e-mail layer's one error type.

use relais_persistence::PersistenceError;
use thiserror::Error;

/// What can go wrong when rendering, queueing or sending e-mails.
///
/// A failed delivery attempt is not an `EmailError`: it is a
/// [`SendError`](crate::SendError), recorded on the outbox row and retried.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum EmailError {
    /// A template could not be rendered (a programming error: the templates
    /// are embedded and tested).
    #[error("e-mail template {template}: {detail}")]
    Render {
        /// Which template.
        template: String,
        /// What Tera said.
        detail: String,
    },
    /// Reading or writing the outbox failed.
    #[error(transparent)]
    Persistence(#[from] PersistenceError),
    /// A setting is unusable; the message names the key.
    #[error("invalid e-mail configuration: {0}")]
    Config(String),
}
