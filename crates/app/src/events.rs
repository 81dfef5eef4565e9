//! Reactions of one part of the application to a change in another, run in
//! the changing transaction: a subscriber that fails makes the whole change
//! fail and roll back. Subscribers are registered by [`crate::App::new`]
//! (no module imports another's internals to react to it).

use relais_persistence::TenantScope;
use relais_persistence::models::consents::ConsentWithdrawn;

use crate::error::AppResult;
use crate::tx::Tx;

/// A reaction to a withdrawn consent.
pub type ConsentWithdrawnHandler = fn(&mut Tx<'_>, &TenantScope, &ConsentWithdrawn) -> AppResult<()>;

/// Every registered reaction, by event.
#[derive(Debug, Default)]
pub struct Subscribers {
    consent_withdrawn: Vec<ConsentWithdrawnHandler>,
}

impl Subscribers {
    /// Registers a reaction to consent withdrawals (run in registration order).
    pub fn on_consent_withdrawn(&mut self, handler: ConsentWithdrawnHandler) {
        self.consent_withdrawn.push(handler);
    }
}

/// Runs every reaction to a withdrawn consent, inside `tx`.
pub(crate) fn consent_withdrawn(tx: &mut Tx<'_>, scope: &TenantScope, event: &ConsentWithdrawn) -> AppResult<()> {
    for handler in &tx.subscribers().consent_withdrawn {
        handler(tx, scope, event)?;
    }
    Ok(())
}
