//! Plain reads of people (no audit row: a list shows names and contact
//! fields only; a person's page is [`super::view_person`]).

use relais_domain::{BeneficiaryId, Permission};
use relais_persistence::models::beneficiaries::{self, ListQuery, Page};

use crate::error::AppResult;
use crate::{Actor, App};

/// A page of the people of the actor's tenant (`beneficiary:read`). The
/// identity-document filters (expiry, number) are dropped unless the
/// actor may see documents (`document:read`), so that a volunteer's
/// search never tells who holds which document.
pub async fn list_people(app: &App, actor: &Actor, mut query: ListQuery) -> AppResult<Page> {
    let member = actor.as_member()?;
    member.require(Permission::BeneficiaryRead)?;
    if !member.may(Permission::DocumentRead) {
        query.expiring_within_days = None;
        query.document_number = None;
    }
    let scope = member.scope;
    app.read(move |conn| Ok(beneficiaries::list(conn, &scope, &query)?)).await
}

/// `Ok` when the person is one of the actor's tenant (`beneficiary:read`),
/// `NotFound` otherwise: checked before a form is judged, so that nothing
/// is said about a record of another tenant.
pub async fn ensure_exists(app: &App, actor: &Actor, person: BeneficiaryId) -> AppResult<()> {
    let member = actor.as_member()?;
    member.require(Permission::BeneficiaryRead)?;
    let scope = member.scope;
    app.read(move |conn| {
        beneficiaries::find(conn, &scope, person)?;
        Ok(())
    })
    .await
}
