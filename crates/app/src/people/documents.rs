//! Identity documents of a person: add and remove (`document:manage`).
//! Their numbers never appear in the audit trail: only ids and types.

use relais_domain::{AuditAction, BeneficiaryId, DocumentId, Permission};
use relais_persistence::TenantScope;
use relais_persistence::models::identity_documents::{self, IdentityDocument, NewDocument};
use serde_json::json;

use crate::error::AppResult;
use crate::{Actor, App, Tx};

/// Adds a document in `tx` and audits it (`document.added`).
pub(crate) fn add_in(
    tx: &mut Tx<'_>,
    scope: &TenantScope,
    person: BeneficiaryId,
    new: &NewDocument,
) -> AppResult<IdentityDocument> {
    let at = tx.at();
    let doc = identity_documents::add(tx.conn(), scope, person, new, at)?;
    tx.audit(
        Some(scope),
        AuditAction::DocumentAdded,
        person,
        json!({ "document_id": doc.id, "doc_type": doc.doc_type }),
    )?;
    Ok(doc)
}

/// Adds an identity document to a person of the actor's tenant
/// (`document:manage`: never a volunteer). An erased person is
/// [`relais_domain::Conflict::Erased`].
pub async fn add_document(app: &App, actor: &Actor, person: BeneficiaryId, new: NewDocument) -> AppResult<DocumentId> {
    let member = actor.as_member()?;
    member.require(Permission::DocumentManage)?;
    let scope = member.scope;
    app.write(actor, move |tx| Ok(add_in(tx, &scope, person, &new)?.id)).await
}

/// Removes an identity document of a person of the actor's tenant
/// (`document:manage`), audited with its id and type.
pub async fn remove_document(app: &App, actor: &Actor, person: BeneficiaryId, document: DocumentId) -> AppResult<()> {
    let member = actor.as_member()?;
    member.require(Permission::DocumentManage)?;
    let scope = member.scope;
    app.write(actor, move |tx| {
        let doc = identity_documents::remove(tx.conn(), &scope, person, document)?;
        tx.audit(
            Some(&scope),
            AuditAction::DocumentRemoved,
            person,
            json!({ "document_id": doc.id, "doc_type": doc.doc_type }),
        )?;
        Ok(())
    })
    .await
}
