//! `identity_documents`: a person's residence card, passport, refugee card
//! or application receipt. Tenant-owned, and kept apart from the person's
//! record because only some roles may see them (`document:read`). Numbers
//! are compared through `number_key` (upper-case, no spaces or dashes).

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use relais_domain::beneficiary::{DocumentType, document_number_key};
use relais_domain::{BeneficiaryId, DocumentId, TenantId};

use crate::schema::identity_documents;
use crate::stored::{Stored, text_columns};
use crate::{DbConnection, PersistenceError, TenantScope};

text_columns!(
    identity_documents.tenant_id,
    identity_documents.id,
    identity_documents.beneficiary_id,
    identity_documents.doc_type,
);

/// A document as stored.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = identity_documents)]
pub struct IdentityDocument {
    /// Owning tenant.
    #[diesel(deserialize_as = Stored<TenantId, identity_documents::tenant_id>)]
    pub tenant_id: TenantId,
    /// Id.
    #[diesel(deserialize_as = Stored<DocumentId, identity_documents::id>)]
    pub id: DocumentId,
    /// The person it belongs to.
    #[diesel(deserialize_as = Stored<BeneficiaryId, identity_documents::beneficiary_id>)]
    pub beneficiary_id: BeneficiaryId,
    /// Type.
    #[diesel(deserialize_as = Stored<DocumentType, identity_documents::doc_type>)]
    pub doc_type: DocumentType,
    /// Number, as written.
    pub number: String,
    /// Number as compared.
    pub number_key: String,
    /// Issue date.
    pub issued_on: Option<NaiveDate>,
    /// Expiry date.
    pub expires_on: Option<NaiveDate>,
    /// Creation time (UTC).
    pub created_at: NaiveDateTime,
    /// Last change (UTC).
    pub updated_at: NaiveDateTime,
}

/// A document to add (dates already checked: expiry not before issue).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDocument {
    /// Type.
    pub doc_type: DocumentType,
    /// Number, as written.
    pub number: String,
    /// Issue date.
    pub issued_on: Option<NaiveDate>,
    /// Expiry date.
    pub expires_on: Option<NaiveDate>,
}

/// Adds a document to a person of the scope's tenant at `at`. The person
/// must be in the scope ([`PersistenceError::NotFound`] otherwise) and not
/// erased ([`relais_domain::Conflict::Erased`]); the composite foreign key
/// `(tenant_id, beneficiary_id)` refuses it in the database too.
pub fn add(
    conn: &mut DbConnection,
    scope: &TenantScope,
    beneficiary_id: BeneficiaryId,
    new: &NewDocument,
    at: NaiveDateTime,
) -> Result<IdentityDocument, PersistenceError> {
    super::beneficiaries::find_active(conn, scope, beneficiary_id)?;
    insert_unchecked(conn, scope, beneficiary_id, new, at)
}

/// Inserts without first looking the person up: only for tests that check
/// the database's own foreign key.
#[doc(hidden)]
pub fn insert_unchecked(
    conn: &mut DbConnection,
    scope: &TenantScope,
    beneficiary_id: BeneficiaryId,
    new: &NewDocument,
    at: NaiveDateTime,
) -> Result<IdentityDocument, PersistenceError> {
    let id = DocumentId::new();
    diesel::insert_into(identity_documents::table)
        .values((
            identity_documents::tenant_id.eq(scope.key()),
            identity_documents::id.eq(id.to_string()),
            identity_documents::beneficiary_id.eq(beneficiary_id.to_string()),
            identity_documents::doc_type.eq(new.doc_type.as_str()),
            identity_documents::number.eq(new.number.trim()),
            identity_documents::number_key.eq(document_number_key(&new.number)),
            identity_documents::issued_on.eq(new.issued_on),
            identity_documents::expires_on.eq(new.expires_on),
            identity_documents::created_at.eq(at),
            identity_documents::updated_at.eq(at),
        ))
        .execute(conn)?;
    find(conn, scope, beneficiary_id, id)
}

/// One document of a person of the scope's tenant.
pub fn find(
    conn: &mut DbConnection,
    scope: &TenantScope,
    beneficiary_id: BeneficiaryId,
    id: DocumentId,
) -> Result<IdentityDocument, PersistenceError> {
    Ok(identity_documents::table
        .filter(identity_documents::tenant_id.eq(scope.key()))
        .filter(identity_documents::beneficiary_id.eq(beneficiary_id.to_string()))
        .filter(identity_documents::id.eq(id.to_string()))
        .select(IdentityDocument::as_select())
        .first(conn)?)
}

/// A person's documents, soonest expiry first (undated last).
pub fn list_for(
    conn: &mut DbConnection,
    scope: &TenantScope,
    beneficiary_id: BeneficiaryId,
) -> Result<Vec<IdentityDocument>, PersistenceError> {
    let mut docs: Vec<IdentityDocument> = identity_documents::table
        .filter(identity_documents::tenant_id.eq(scope.key()))
        .filter(identity_documents::beneficiary_id.eq(beneficiary_id.to_string()))
        .order(identity_documents::created_at.asc())
        .select(IdentityDocument::as_select())
        .load(conn)?;
    docs.sort_by_key(|d| (d.expires_on.is_none(), d.expires_on));
    Ok(docs)
}

/// Removes a document; returns it as it was.
pub fn remove(
    conn: &mut DbConnection,
    scope: &TenantScope,
    beneficiary_id: BeneficiaryId,
    id: DocumentId,
) -> Result<IdentityDocument, PersistenceError> {
    let doc = find(conn, scope, beneficiary_id, id)?;
    diesel::delete(
        identity_documents::table
            .filter(identity_documents::tenant_id.eq(scope.key()))
            .filter(identity_documents::id.eq(id.to_string())),
    )
    .execute(conn)?;
    Ok(doc)
}
