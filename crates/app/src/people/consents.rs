//! Consents: recording and withdrawing what a person agreed to.

use relais_domain::{AuditAction, BeneficiaryId, ConsentId, Permission};
use relais_persistence::models::consents;
use serde_json::json;

use crate::error::AppResult;
use crate::{Actor, App, events};

/// Withdraws a consent of a person of the actor's tenant, today. Everything
/// subscribed to withdrawals runs in the same transaction (the referrals
/// relying on it are revoked and their receivers told); a second withdrawal
/// is [`relais_domain::Conflict::AlreadyWithdrawn`].
pub async fn withdraw_consent(app: &App, actor: &Actor, person: BeneficiaryId, consent: ConsentId) -> AppResult<()> {
    let member = actor.as_member()?;
    member.require(Permission::ConsentManage)?;
    let (scope, by) = (member.scope, member.user_id);
    app.write(actor, move |tx| {
        let today = tx.today();
        let event =
            consents::withdraw(tx.conn(), &scope, &person.to_string(), &consent.to_string(), &by.to_string(), today)?;
        events::consent_withdrawn(tx, &scope, &event)?;
        tx.audit(
            Some(&scope),
            AuditAction::ConsentWithdrawn,
            person,
            json!({
                "consent_id": event.consent_id, "purpose": event.purpose,
                "partner_tenant_id": event.partner_tenant_id,
            }),
        )?;
        Ok(())
    })
    .await
}
