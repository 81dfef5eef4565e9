//! Consents: recording and withdrawing what a person agreed to, and the
//! partner tenants a referral consent may name.

use relais_domain::{AuditAction, BeneficiaryId, ConsentId, Permission, TenantId};
use relais_persistence::DbConnection;
use relais_persistence::TenantScope;
use relais_persistence::models::consents::{self, Consent, NewConsent};
use relais_persistence::models::tenants;
use serde_json::json;

use crate::error::{AppResult, FieldErrors};
use crate::{Actor, App, Tx, events};

/// A partner tenant a referral consent may name: another active tenant.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Partner {
    /// The tenant.
    pub id: TenantId,
    /// Its name.
    pub name: String,
}

/// Every other active tenant, by name (what a referral consent may name).
pub(crate) fn partners(conn: &mut DbConnection, scope: &TenantScope) -> AppResult<Vec<Partner>> {
    let mut partners = Vec::new();
    for tenant in tenants::list(conn)?.into_iter().filter(|t| t.active) {
        let id = tenant.tenant_id()?;
        if id != scope.tenant_id() {
            partners.push(Partner { id, name: tenant.name });
        }
    }
    Ok(partners)
}

/// The partner tenants a referral consent recorded by the actor may name
/// (every other active tenant), for the consent forms.
pub async fn consent_partners(app: &App, actor: &Actor) -> AppResult<Vec<Partner>> {
    let member = actor.as_member()?;
    member.require(Permission::BeneficiaryRead)?;
    let scope = member.scope;
    app.read(move |conn| partners(conn, &scope)).await
}

/// Records a consent in `tx` after checking that a named partner is one of
/// the [`consent_partners`], and audits it (`consent.recorded`).
pub(crate) fn record_in(
    tx: &mut Tx<'_>,
    scope: &TenantScope,
    person: BeneficiaryId,
    new: &NewConsent,
) -> AppResult<Consent> {
    if let Some(partner) = new.partner_tenant_id
        && !partners(tx.conn(), scope)?.iter().any(|p| p.id == partner)
    {
        return Err(FieldErrors::one("consent_partner", "error-choose"));
    }
    let (by, at) = (tx.actor().user_id(), tx.at());
    let consent = consents::record(tx.conn(), scope, person, new, by, at)?;
    tx.audit(
        Some(scope),
        AuditAction::ConsentRecorded,
        person,
        json!({
            "consent_id": consent.id, "purpose": consent.purpose, "channel": consent.channel,
            "partner_tenant_id": consent.partner_tenant_id,
        }),
    )?;
    Ok(consent)
}

/// Records a consent of a person of the actor's tenant (`consent:manage`,
/// which volunteers hold). A partner that is not another active tenant is
/// a validation error on `consent_partner`; an erased person is
/// [`relais_domain::Conflict::Erased`].
pub async fn record_consent(app: &App, actor: &Actor, person: BeneficiaryId, new: NewConsent) -> AppResult<ConsentId> {
    let member = actor.as_member()?;
    member.require(Permission::ConsentManage)?;
    let scope = member.scope;
    app.write(actor, move |tx| Ok(record_in(tx, &scope, person, &new)?.id)).await
}

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
        let event = consents::withdraw(tx.conn(), &scope, person, consent, by, today)?;
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
