//! The reads behind the directory pages (no audit: the directory holds no
//! personal data). Each read asks what its page's route asks.

use relais_domain::{OrganisationId, Permission, ServiceId};
use relais_persistence::models::directory::{
    self, DirectoryEntry, DirectoryQuery, ExternalOrganisation, Owner, Service,
};

use crate::error::AppResult;
use crate::{Actor, App};

/// The directory, filtered (every signed-in user).
pub async fn search(app: &App, query: DirectoryQuery) -> AppResult<Vec<DirectoryEntry>> {
    app.read(move |conn| Ok(directory::search(conn, &query)?)).await
}

/// One service as the directory lists it (`NotFound` when there is none or
/// its owner is not listed).
pub async fn directory_entry(app: &App, id: ServiceId) -> AppResult<DirectoryEntry> {
    app.read(move |conn| Ok(directory::entry(conn, id)?)).await
}

/// The services the acting member's tenant publishes (`service:manage`).
pub async fn own_services(app: &App, actor: &Actor) -> AppResult<Vec<Service>> {
    let member = actor.as_member()?;
    member.require(Permission::ServiceManage)?;
    let scope = member.scope;
    app.read(move |conn| Ok(directory::services_of_tenant(conn, &scope)?)).await
}

/// One service of the acting member's tenant (`NotFound` for another owner's).
pub async fn own_service(app: &App, actor: &Actor, id: ServiceId) -> AppResult<Service> {
    let member = actor.as_member()?;
    member.require(Permission::ServiceManage)?;
    let scope = member.scope;
    app.read(move |conn| Ok(directory::find_owned_service(conn, Owner::Tenant(&scope), id)?)).await
}

/// Every external organisation, by name (`directory:manage`).
pub async fn organisations(app: &App, actor: &Actor) -> AppResult<Vec<ExternalOrganisation>> {
    actor.require_network(Permission::DirectoryManage)?;
    app.read(|conn| Ok(directory::list_organisations(conn)?)).await
}

/// An external organisation and its services.
#[derive(Debug, Clone)]
pub struct OrganisationPage {
    /// The organisation.
    pub organisation: ExternalOrganisation,
    /// Its services, by French name.
    pub services: Vec<Service>,
}

/// An external organisation and its services (`directory:manage`).
pub async fn organisation(app: &App, actor: &Actor, id: OrganisationId) -> AppResult<OrganisationPage> {
    actor.require_network(Permission::DirectoryManage)?;
    app.read(move |conn| {
        let organisation = directory::find_organisation(conn, id)?;
        let services = directory::services_of_organisation(conn, id)?;
        Ok(OrganisationPage { organisation, services })
    })
    .await
}

/// An external organisation and one of its services (`NotFound` for a
/// service it does not own; `directory:manage`).
pub async fn organisation_service(
    app: &App,
    actor: &Actor,
    id: OrganisationId,
    service: ServiceId,
) -> AppResult<(ExternalOrganisation, Service)> {
    actor.require_network(Permission::DirectoryManage)?;
    app.read(move |conn| {
        let organisation = directory::find_organisation(conn, id)?;
        let service = directory::find_owned_service(conn, Owner::Organisation(id), service)?;
        Ok((organisation, service))
    })
    .await
}
