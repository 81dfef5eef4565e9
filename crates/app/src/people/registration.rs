//! Registering a person: the duplicate check, "register anyway" (audited
//! with the candidates' ids), and the optional first identity document and
//! consent of the registration form, all in one transaction.

use relais_domain::beneficiary::document_number_key;
use relais_domain::{AuditAction, BeneficiaryId, Permission, UserId, names};
use relais_persistence::TenantScope;
use relais_persistence::models::beneficiaries::{self, BeneficiaryFields, DuplicateCandidate, DuplicateProbe};
use relais_persistence::models::consents::NewConsent;
use relais_persistence::models::identity_documents::NewDocument;
use serde_json::json;

use super::{consents, documents};
use crate::error::AppResult;
use crate::{Actor, App, Tx};

/// What the registration form gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registration {
    /// The person's record.
    pub person: BeneficiaryFields,
    /// A first identity document (needs `document:manage`).
    pub document: Option<NewDocument>,
    /// A first consent (needs `consent:manage`).
    pub consent: Option<NewConsent>,
    /// The user has seen the duplicate candidates and registers anyway.
    pub create_anyway: bool,
}

/// What a registration did.
#[derive(Debug, Clone)]
pub enum Registered {
    /// The person was registered (with the document and consent given).
    Created(BeneficiaryId),
    /// Nothing was written: these people may be the same person, best
    /// first. Registering again with `create_anyway` goes through.
    PossibleDuplicates(Vec<DuplicateCandidate>),
}

/// Registers a person in the actor's tenant (`beneficiary:create`, which
/// volunteers hold; a document needs `document:manage` and a consent
/// `consent:manage`, else `Forbidden`). The duplicate check runs in the
/// same transaction: when it finds candidates and the registration is not
/// `create_anyway`, nothing is written and the candidates are returned.
/// Audited `beneficiary.created`, or `beneficiary.created_despite_duplicates`
/// with the candidates' ids; the document and consent are audited as
/// `document.added` and `consent.recorded`.
pub async fn register_person(app: &App, actor: &Actor, registration: Registration) -> AppResult<Registered> {
    let member = actor.as_member()?;
    member.require(Permission::BeneficiaryCreate)?;
    if registration.document.is_some() {
        member.require(Permission::DocumentManage)?;
    }
    if registration.consent.is_some() {
        member.require(Permission::ConsentManage)?;
    }
    let (scope, by) = (member.scope, member.user_id);
    app.write(actor, move |tx| register_in(tx, &scope, by, registration)).await
}

/// Registers a person in `tx` (the checks of [`register_person`] without
/// its permission checks, which the caller makes): the duplicate check,
/// the person, the first document and consent, and their audit rows.
pub(crate) fn register_in(
    tx: &mut Tx<'_>,
    scope: &TenantScope,
    by: UserId,
    registration: Registration,
) -> AppResult<Registered> {
    let Registration { person: fields, document, consent, create_anyway } = registration;
    let probe = DuplicateProbe {
        name_key: names::name_key(&fields.given_names, &fields.family_names),
        birth_year: fields.birth_year,
        document_keys: document.iter().map(|d| document_number_key(&d.number)).collect(),
        exclude_id: None,
    };
    let candidates = beneficiaries::duplicates(tx.conn(), scope, &probe)?;
    if !candidates.is_empty() && !create_anyway {
        return Ok(Registered::PossibleDuplicates(candidates));
    }
    let at = tx.at();
    let person = beneficiaries::create(tx.conn(), scope, &fields, Some(by), at)?.id;
    if candidates.is_empty() {
        tx.audit(Some(scope), AuditAction::BeneficiaryCreated, person, json!({}))?;
    } else {
        let ids: Vec<BeneficiaryId> = candidates.iter().map(|c| c.beneficiary.id).collect();
        tx.audit(Some(scope), AuditAction::BeneficiaryCreatedDespiteDuplicates, person, json!({ "candidates": ids }))?;
    }
    if let Some(new) = &document {
        documents::add_in(tx, scope, person, new)?;
    }
    if let Some(new) = &consent {
        consents::record_in(tx, scope, person, new)?;
    }
    Ok(Registered::Created(person))
}
