//! The consent gate: may this person's data go to this service's owner?

use chrono::NaiveDate;
use relais_domain::beneficiary::ConsentPurpose;

use crate::models::consents::{self, Consent};
use crate::models::directory::Service;
use crate::{DbConnection, PersistenceError, TenantScope};

/// Why no consent covers a referral.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BlockReason {
    /// The person gave no referral consent at all.
    NoReferralConsent,
    /// Referral consents exist, for other partners or services.
    OtherPartner,
    /// The consent covering this partner has lapsed.
    Expired,
    /// The consent covering this partner was withdrawn.
    Withdrawn,
    /// The consent covering this partner starts later.
    NotYetGiven,
}

impl BlockReason {
    /// The code (translation keys, audit).
    pub fn as_str(&self) -> &'static str {
        match self {
            BlockReason::NoReferralConsent => "no_referral_consent",
            BlockReason::OtherPartner => "other_partner",
            BlockReason::Expired => "expired",
            BlockReason::Withdrawn => "withdrawn",
            BlockReason::NotYetGiven => "not_yet_given",
        }
    }
}

/// The gate's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConsentGate {
    /// This consent covers the referral.
    Covered(Box<Consent>),
    /// No consent covers it, for this reason.
    Blocked(BlockReason),
}

fn covers(consent: &Consent, service: &Service) -> bool {
    consent.purpose == ConsentPurpose::Referral.as_str()
        && ((consent.partner_tenant_id.is_some() && consent.partner_tenant_id == service.owner_tenant_id)
            || consent.service_ref.as_deref() == Some(service.id.to_string().as_str()))
}

/// Checks, on `today`, whether the person holds a referral consent, given
/// by then, not lapsed and not withdrawn, whose partner tenant owns the
/// service or whose service reference is the service.
pub fn consent_gate(
    conn: &mut DbConnection,
    scope: &TenantScope,
    beneficiary_id: relais_domain::BeneficiaryId,
    service: &Service,
    today: NaiveDate,
) -> Result<ConsentGate, PersistenceError> {
    let all = consents::list_for(conn, scope, beneficiary_id)?;
    let matching: Vec<&Consent> = all.iter().filter(|c| covers(c, service)).collect();
    if let Some(valid) = matching.iter().find(|c| {
        c.given_on <= today && c.expires_on.is_none_or(|e| e >= today) && c.withdrawn_on.is_none_or(|w| w > today)
    }) {
        return Ok(ConsentGate::Covered(Box::new((*valid).clone())));
    }
    let reason = if matching.iter().any(|c| c.withdrawn_on.is_some_and(|w| w <= today)) {
        BlockReason::Withdrawn
    } else if matching.iter().any(|c| c.expires_on.is_some_and(|e| e < today)) {
        BlockReason::Expired
    } else if !matching.is_empty() {
        BlockReason::NotYetGiven
    } else if all.iter().any(|c| c.purpose == ConsentPurpose::Referral.as_str()) {
        BlockReason::OtherPartner
    } else {
        BlockReason::NoReferralConsent
    };
    Ok(ConsentGate::Blocked(reason))
}
