//! A transport that keeps what it is given, for tests.

use std::sync::{Mutex, MutexGuard, PoisonError};

use relais_persistence::models::outbox::OutboxEmail;

use super::{SendError, SendFuture, Transport};

/// How [`RecordingTransport`] fails when told to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    /// Like an SMTP server that is down or answers 4xx.
    Transient,
    /// Like an SMTP server that answers 5xx.
    Permanent,
}

/// Records the e-mails it "sends" in memory, for tests in this crate and
/// others. It can be told to fail transiently or permanently, a number of
/// times or until [`recover`](RecordingTransport::recover) is called.
#[derive(Debug, Default)]
pub struct RecordingTransport {
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    sent: Vec<OutboxEmail>,
    attempts: usize,
    failing: Option<Failing>,
}

#[derive(Debug)]
struct Failing {
    kind: FailureKind,
    /// `None`: until recovered.
    remaining: Option<u32>,
}

impl RecordingTransport {
    /// A transport that accepts everything.
    pub fn new() -> Self {
        Self::default()
    }

    /// Fails the next `times` attempts.
    pub fn fail_next(&self, times: u32, kind: FailureKind) {
        self.state().failing = (times > 0).then_some(Failing { kind, remaining: Some(times) });
    }

    /// Fails every attempt until [`recover`](Self::recover) is called.
    pub fn fail_until_recovered(&self, kind: FailureKind) {
        self.state().failing = Some(Failing { kind, remaining: None });
    }

    /// Accepts every attempt again.
    pub fn recover(&self) {
        self.state().failing = None;
    }

    /// Every e-mail accepted so far, in order.
    pub fn sent(&self) -> Vec<OutboxEmail> {
        self.state().sent.clone()
    }

    /// How many attempts were made, failed ones included.
    pub fn attempts(&self) -> usize {
        self.state().attempts
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // A test that panicked while holding the lock leaves consistent data.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn attempt(&self, email: &OutboxEmail) -> Result<(), SendError> {
        let mut state = self.state();
        state.attempts += 1;
        if let Some(failing) = &mut state.failing {
            let kind = failing.kind;
            if let Some(remaining) = &mut failing.remaining {
                *remaining -= 1;
                if *remaining == 0 {
                    state.failing = None;
                }
            }
            return Err(match kind {
                FailureKind::Transient => SendError::transient("421 4.3.2 service not available (recording transport)"),
                FailureKind::Permanent => SendError::permanent("550 5.1.1 mailbox unavailable (recording transport)"),
            });
        }
        state.sent.push(email.clone());
        Ok(())
    }
}

impl Transport for RecordingTransport {
    fn send<'a>(&'a self, email: &'a OutboxEmail) -> SendFuture<'a> {
        Box::pin(async move { self.attempt(email) })
    }
}
