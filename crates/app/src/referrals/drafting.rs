//! Drafting a referral from a case, behind the consent gate, and sending it
//! at once when the member may.

use relais_domain::referral::ReferralAction;
use relais_domain::{AuditAction, BeneficiaryId, CaseId, Permission, ReferralId, ServiceId};
use relais_persistence::models::referrals::{self, NewReferral, PacketField};
use serde_json::json;

use super::{Outcome, TransitionInput, referral_error, text_field, transition};
use crate::error::AppResult;
use crate::{Actor, App, AppError, FieldErrors};

/// What the sender chose.
#[derive(Debug, Clone)]
pub struct NewDraft {
    /// The sender's case.
    pub case_id: CaseId,
    /// The service referred to.
    pub service_id: ServiceId,
    /// The fields to copy into the packet (at least one).
    pub fields: Vec<PacketField>,
    /// A message to the receiver.
    pub message: Option<String>,
    /// The justification of a consent override (needs `referral:override_consent`).
    pub override_reason: Option<String>,
    /// Send at once (needs `referral:send`) rather than leave a draft for review.
    pub send_now: bool,
}

/// What drafting came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Drafted {
    /// The new referral.
    pub id: ReferralId,
    /// The sender's person it is about.
    pub person: BeneficiaryId,
    /// Whether it was sent.
    pub sent: bool,
}

/// Drafts a referral from a case of the actor's tenant: the service's
/// intake must be open (else [`relais_domain::Conflict::IntakeClosed`]) and a
/// valid referral consent must cover the service's owner — or an override
/// justification be given (else [`relais_domain::Conflict::ConsentRequired`]).
/// Audits `referral.drafted`, `referral.consent_overridden` when no consent
/// covers it, and — sent at once — `referral.sent` with its notices.
pub async fn draft(app: &App, actor: &Actor, new: NewDraft) -> AppResult<Drafted> {
    let member = actor.as_member()?;
    member.require(Permission::ReferralDraft)?;
    if new.send_now {
        member.require(Permission::ReferralSend)?;
    }
    let mut errors = FieldErrors::new();
    if new.fields.is_empty() {
        errors.add("fields", "ref-error-no-field");
    }
    let message = text_field(&mut errors, "message", new.message, false);
    let override_reason = text_field(&mut errors, "override_reason", new.override_reason, false);
    errors.into_result()?;
    if override_reason.is_some() {
        member.require(Permission::ReferralOverrideConsent)?;
    }
    let (scope, by) = (member.scope, member.user_id);
    app.write(actor, move |tx| {
        let draft = NewReferral {
            case_id: new.case_id,
            service_id: new.service_id,
            fields: &new.fields,
            message: message.as_deref(),
            override_reason: override_reason.as_deref(),
            created_by: by,
            today: tx.today(),
            at: tx.at(),
        };
        let view = referrals::create_draft(tx.conn(), &scope, &draft).map_err(referral_error)?;
        let r = view.referral();
        let codes: Vec<&str> = new.fields.iter().map(PacketField::as_str).collect();
        tx.audit(
            Some(&scope),
            AuditAction::ReferralDrafted,
            r.id,
            json!({ "case_id": new.case_id, "service_id": new.service_id, "fields": codes,
                "consent_id": r.consent_id, "consent_override": r.consent_id.is_none() }),
        )?;
        if r.consent_id.is_none() {
            tx.audit(
                Some(&scope),
                AuditAction::ReferralConsentOverridden,
                r.id,
                json!({ "case_id": new.case_id, "service_id": new.service_id }),
            )?;
        }
        let drafted = Drafted { id: r.id, person: r.sender_beneficiary_id, sent: false };
        if !new.send_now {
            return Ok(drafted);
        }
        match transition(tx, &view, ReferralAction::Send, Some(&scope), TransitionInput::default())? {
            Outcome::Changed(_) => Ok(Drafted { sent: true, ..drafted }),
            Outcome::Unchanged => Err(AppError::Internal("a new draft could not be sent".into())),
        }
    })
    .await
}
