//! Rights of the person (law 09-08, GDPR): export of everything the tenant
//! holds about one person, and erasure on request. Both are audited;
//! erasure is irreversible and waits until the person's cases are closed.

use chrono::NaiveDateTime;
use relais_domain::{AuditAction, BeneficiaryId, Permission, TenantId};
use relais_persistence::models::beneficiaries::{self, Beneficiary, CaseSummary, Erasure};
use relais_persistence::models::consents::{self, Consent};
use relais_persistence::models::identity_documents::{self, IdentityDocument};
use serde::Serialize;
use serde_json::json;

use crate::error::{AppResult, FieldErrors};
use crate::{Actor, App};

/// The form an export is given in (recorded in the audit).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// A JSON download.
    Json,
    /// A printable page.
    Print,
}

impl ExportFormat {
    /// The code recorded in the audit.
    pub fn as_str(&self) -> &'static str {
        match self {
            ExportFormat::Json => "json",
            ExportFormat::Print => "print",
        }
    }
}

/// Everything the tenant holds about one person (the JSON download as is).
#[derive(Debug, Clone, Serialize)]
pub struct PersonExport {
    /// When it was made (UTC, `YYYY-MM-DDTHH:MM:SSZ`).
    pub exported_at: String,
    /// The tenant that holds the data.
    pub tenant_id: TenantId,
    /// The record.
    pub person: Beneficiary,
    /// The identity documents (empty unless the actor may see them).
    pub identity_documents: Vec<IdentityDocument>,
    /// The consents.
    pub consents: Vec<Consent>,
    /// The cases.
    pub cases: Vec<CaseSummary>,
}

fn exported_at(at: NaiveDateTime) -> String {
    at.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Exports what the actor's tenant holds about a person (right of access,
/// `beneficiary:export`): the record, consents, cases, and the identity
/// documents when the actor may see them (`document:read`). Audited
/// (`beneficiary.exported`) with the format and how many of each were given.
pub async fn export_person(
    app: &App,
    actor: &Actor,
    person: BeneficiaryId,
    format: ExportFormat,
) -> AppResult<PersonExport> {
    let member = actor.as_member()?;
    member.require(Permission::BeneficiaryExport)?;
    let with_documents = member.may(Permission::DocumentRead);
    let scope = member.scope;
    app.write(actor, move |tx| {
        let at = tx.at();
        let conn = tx.conn();
        let record = beneficiaries::find(conn, &scope, person)?;
        let identity_documents =
            if with_documents { identity_documents::list_for(conn, &scope, person)? } else { Vec::new() };
        let consents = consents::list_for(conn, &scope, person)?;
        let cases = beneficiaries::cases_of(conn, &scope, person)?;
        tx.audit(
            Some(&scope),
            AuditAction::BeneficiaryExported,
            person,
            json!({
                "format": format.as_str(), "documents": identity_documents.len(),
                "consents": consents.len(), "cases": cases.len(),
            }),
        )?;
        Ok(PersonExport {
            exported_at: exported_at(at),
            tenant_id: scope.tenant_id(),
            person: record,
            identity_documents,
            consents,
            cases,
        })
    })
    .await
}

/// Erases a person's personal data on request (`beneficiary:erase`),
/// irreversibly (see [`beneficiaries::erase`] for what is kept). Refused:
/// an erased record ([`relais_domain::Conflict::Erased`]), an erasure not
/// `confirmed` (a validation error on `confirm`), and while the person has
/// an open or on-hold case ([`relais_domain::Conflict::OpenCases`]).
/// Audited (`beneficiary.erased`) with how many documents and consents it
/// touched.
pub async fn erase_person(app: &App, actor: &Actor, person: BeneficiaryId, confirmed: bool) -> AppResult<Erasure> {
    let member = actor.as_member()?;
    member.require(Permission::BeneficiaryErase)?;
    let scope = member.scope;
    app.write(actor, move |tx| {
        beneficiaries::find_active(tx.conn(), &scope, person)?;
        if !confirmed {
            return Err(FieldErrors::one("confirm", "ben-error-erase-confirm"));
        }
        let at = tx.at();
        let erasure = beneficiaries::erase(tx.conn(), &scope, person, at)?;
        tx.audit(
            Some(&scope),
            AuditAction::BeneficiaryErased,
            person,
            json!({ "documents": erasure.documents, "consents": erasure.consents }),
        )?;
        Ok(erasure)
    })
    .await
}
