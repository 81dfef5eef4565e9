//! Revocation: withdrawing a consent revokes every open referral that
//! relied on it, in the withdrawing transaction.

use relais_domain::AuditAction;
use relais_domain::referral::ReferralStatus;
use relais_persistence::TenantScope;
use relais_persistence::models::consents::ConsentWithdrawn;
use relais_persistence::models::referrals;
use serde_json::json;

use crate::Tx;
use crate::error::AppResult;

/// Subscriber to consent withdrawals (registered by [`crate::App::new`]):
/// revokes the open referrals of the tenant relying on the consent (their
/// packets erased), audits each revocation, and tells the receivers of the
/// ones that were sent.
pub(crate) fn revoke_for_consent(tx: &mut Tx<'_>, scope: &TenantScope, event: &ConsentWithdrawn) -> AppResult<()> {
    let at = tx.at();
    let revoked = referrals::revoke_for_consent(tx.conn(), scope, event, at)?;
    for (id, from) in &revoked {
        tx.audit(
            Some(scope),
            AuditAction::ReferralRevoked,
            id,
            json!({ "action": "revoke", "from": from.as_str(), "to": ReferralStatus::Revoked.as_str(),
                "consent_id": event.consent_id }),
        )?;
    }
    if !revoked.is_empty() {
        let public_url = tx.settings().public_url.clone();
        super::notices::revocations(tx.conn(), &public_url, scope, event.consent_id)?;
    }
    Ok(())
}
