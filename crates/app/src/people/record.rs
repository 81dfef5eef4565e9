//! A person's record: the audited views of it (the person's page, the edit
//! form) and its changes under the version check.

use std::collections::BTreeMap;

use relais_domain::{AuditAction, AuditTarget, BeneficiaryId, Permission, UserId};
use relais_persistence::models::audit::{self, AuditEvent};
use relais_persistence::models::beneficiaries::{self, Beneficiary, BeneficiaryFields, CaseSummary};
use relais_persistence::models::consents::{self, Consent};
use relais_persistence::models::identity_documents::{self, IdentityDocument};
use relais_persistence::models::users;
use relais_persistence::{DbConnection, PersistenceError};
use serde_json::json;

use super::consents::{Partner, partners};
use crate::error::AppResult;
use crate::{Actor, App};

/// How many audit events the person's page shows.
const AUDIT_ROWS: i64 = 50;

/// What the person's page shows, as the actor may see it. Each gated
/// section is `None` when the actor's role does not open it.
#[derive(Debug, Clone)]
pub struct PersonView {
    /// The record (erased records included: the page says so).
    pub person: Beneficiary,
    /// Whether the actor sees the full profile (`beneficiary:update`); a
    /// page shows only names and contact fields otherwise.
    pub full_profile: bool,
    /// The identity documents, with `document:read`.
    pub documents: Option<Vec<IdentityDocument>>,
    /// The consents, most recent first.
    pub consents: Vec<Consent>,
    /// The person's cases, with `case:read`.
    pub cases: Option<Vec<CaseSummary>>,
    /// Who viewed or changed the record, newest first, with `audit:read`.
    pub events: Option<Vec<AuditEvent>>,
    /// The display names of the users named by the consents and events.
    pub user_names: BTreeMap<UserId, String>,
    /// The partner tenants a new referral consent may name.
    pub partners: Vec<Partner>,
}

/// The display names of `users` (an unknown user is left out).
fn names_of(conn: &mut DbConnection, ids: impl Iterator<Item = UserId>) -> AppResult<BTreeMap<UserId, String>> {
    let mut names = BTreeMap::new();
    for id in ids {
        if names.contains_key(&id) {
            continue;
        }
        match users::find(conn, &id.to_string()) {
            Ok(user) => {
                names.insert(id, user.display_name);
            }
            Err(PersistenceError::NotFound) => {}
            Err(other) => return Err(other.into()),
        }
    }
    Ok(names)
}

/// The person's page (`beneficiary:read`): the record and the sections the
/// actor's role opens. Each call is a view of personal data and is audited
/// (`beneficiary.viewed`, saying whether documents were shown), a page
/// shown again with a form's errors included.
pub async fn view_person(app: &App, actor: &Actor, person: BeneficiaryId) -> AppResult<PersonView> {
    let member = actor.as_member()?;
    member.require(Permission::BeneficiaryRead)?;
    let scope = member.scope;
    let show_documents = member.may(Permission::DocumentRead);
    let show_cases = member.may(Permission::CaseRead);
    let show_audit = member.may(Permission::AuditRead);
    let full_profile = member.may(Permission::BeneficiaryUpdate);
    app.write(actor, move |tx| {
        let record = beneficiaries::find(tx.conn(), &scope, person)?;
        tx.audit(Some(&scope), AuditAction::BeneficiaryViewed, person, json!({ "documents_shown": show_documents }))?;
        let conn = tx.conn();
        let documents = show_documents.then(|| identity_documents::list_for(conn, &scope, person)).transpose()?;
        let consents = consents::list_for(conn, &scope, person)?;
        let cases = show_cases.then(|| beneficiaries::cases_of(conn, &scope, person)).transpose()?;
        let events = show_audit
            .then(|| audit::list_for_target(conn, &scope, AuditTarget::Beneficiary, &person.to_string(), AUDIT_ROWS))
            .transpose()?;
        let named = events.iter().flatten().filter_map(|e| e.actor_user_id);
        let recorders = consents.iter().flat_map(|c| [c.recorded_by, c.withdrawn_by]).flatten();
        let user_names = names_of(conn, named.chain(recorders))?;
        let partners = partners(conn, &scope)?;
        Ok(PersonView { person: record, full_profile, documents, consents, cases, events, user_names, partners })
    })
    .await
}

/// The record as the edit form shows it (`beneficiary:update`), audited as
/// a view (`beneficiary.viewed` with `page: edit`). An erased record
/// cannot be edited: [`relais_domain::Conflict::Erased`], and nothing is
/// written.
pub async fn view_person_for_edit(app: &App, actor: &Actor, person: BeneficiaryId) -> AppResult<Beneficiary> {
    let member = actor.as_member()?;
    member.require(Permission::BeneficiaryUpdate)?;
    let scope = member.scope;
    app.write(actor, move |tx| {
        let record = beneficiaries::find_active(tx.conn(), &scope, person)?;
        tx.audit(Some(&scope), AuditAction::BeneficiaryViewed, person, json!({ "page": "edit" }))?;
        Ok(record)
    })
    .await
}

/// Changes a person's record (`beneficiary:update`) if it is still at
/// `expected_version`; returns the new version. Someone else's save in
/// between is [`relais_domain::Conflict::StaleVersion`], an erased record
/// [`relais_domain::Conflict::Erased`]; nothing is written then. Audited
/// (`beneficiary.updated`) with each changed field, coded values shown
/// from → to and identifying ones masked.
pub async fn update_person(
    app: &App,
    actor: &Actor,
    person: BeneficiaryId,
    expected_version: i32,
    fields: BeneficiaryFields,
) -> AppResult<i32> {
    let member = actor.as_member()?;
    member.require(Permission::BeneficiaryUpdate)?;
    let scope = member.scope;
    app.write(actor, move |tx| {
        let at = tx.at();
        let (before, after) = beneficiaries::update(tx.conn(), &scope, person, expected_version, &fields, at)?;
        let changed = beneficiaries::change_details(&before, &after);
        tx.audit(
            Some(&scope),
            AuditAction::BeneficiaryUpdated,
            person,
            json!({ "changed": changed, "version": after.version }),
        )?;
        Ok(after.version)
    })
    .await
}
