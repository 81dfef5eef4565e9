//! A transport that writes each e-mail into a folder (demo, development).

use std::path::{Path, PathBuf};

use lettre::message::Mailbox;
use relais_persistence::models::outbox::OutboxEmail;

use super::{SendError, SendFuture, Transport, build_message};
use crate::EmailError;

/// Writes each e-mail, as the complete message an SMTP server would
/// receive, to `<dir>/<outbox id>.eml`. A second attempt overwrites the
/// same file, so an e-mail is never found twice.
#[derive(Debug, Clone)]
pub struct FileTransport {
    dir: PathBuf,
    from: Mailbox,
}

impl FileTransport {
    /// A transport writing into `dir` (created if missing).
    pub fn new(dir: impl AsRef<Path>, from: Mailbox) -> Result<Self, EmailError> {
        let dir = dir.as_ref().to_path_buf();
        std::fs::create_dir_all(&dir).map_err(|e| {
            EmailError::Config(format!("email.transport.dir: cannot create the folder {}: {e}", dir.display()))
        })?;
        Ok(Self { dir, from })
    }

    /// The file an outbox e-mail is written to.
    pub fn path_for(&self, outbox_id: &str) -> PathBuf {
        self.dir.join(format!("{outbox_id}.eml"))
    }

    fn write(&self, email: &OutboxEmail) -> Result<(), SendError> {
        if email.id.is_empty() || !email.id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Err(SendError::permanent("the outbox id cannot be used as a file name"));
        }
        let message = build_message(&self.from, email)?;
        let path = self.path_for(&email.id);
        // Written aside, then renamed: a reader never sees half a message.
        let partial = self.dir.join(format!(".{}.eml.partial", email.id));
        std::fs::write(&partial, message.formatted())
            .and_then(|()| std::fs::rename(&partial, &path))
            .map_err(|e| SendError::transient(format!("cannot write {}: {e}", path.display())))
    }
}

impl Transport for FileTransport {
    fn send<'a>(&'a self, email: &'a OutboxEmail) -> SendFuture<'a> {
        Box::pin(async move {
            let this = self.clone();
            let email = email.clone();
            tokio::task::spawn_blocking(move || this.write(&email))
                .await
                .map_err(|e| SendError::transient(format!("the file writer stopped: {e}")))?
        })
    }
}
