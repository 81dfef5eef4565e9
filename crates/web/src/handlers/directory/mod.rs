//! The service directory: every partner's services, searchable by every
//! signed-in user; each tenant's administrators publish their own services;
//! the network administration lists organisations that are not tenants and
//! their services.
//!
//! Each handler reads its form as text, turns it into the typed input of
//! one command of `relais_app::directory` (which checks the permission
//! again, validates, writes the change and its audit row) and renders its
//! page from a typed model or redirects.

mod form;
mod organisations;
mod search;
mod services;

use relais_domain::Permission;

use crate::access::Access::{Network, SignedIn, Tenant};
use crate::routes::{RouteTable, route};

/// This area's templates: (name, source).
pub(crate) const TEMPLATES: &[(&str, &str)] = &[
    ("directory/search.html", include_str!("../../../templates/directory/search.html")),
    ("directory/service.html", include_str!("../../../templates/directory/service.html")),
    ("directory/service_form.html", include_str!("../../../templates/directory/service_form.html")),
    ("directory/own_services.html", include_str!("../../../templates/directory/own_services.html")),
    ("directory/organisations.html", include_str!("../../../templates/directory/organisations.html")),
    ("directory/organisation.html", include_str!("../../../templates/directory/organisation.html")),
    ("directory/organisation_fields.html", include_str!("../../../templates/directory/organisation_fields.html")),
];

/// This area's routes.
pub(crate) fn routes() -> RouteTable {
    vec![
        route!(get, "/directory", SignedIn, search::search),
        route!(get, "/directory/services/{id}", SignedIn, search::show),
        route!(get, "/services", Tenant(Permission::ServiceManage), services::list),
        route!(get, "/services/new", Tenant(Permission::ServiceManage), services::new_form),
        route!(post, "/services", Tenant(Permission::ServiceManage), services::create),
        route!(get, "/services/{id}/edit", Tenant(Permission::ServiceManage), services::edit_form),
        route!(post, "/services/{id}", Tenant(Permission::ServiceManage), services::update),
        route!(get, "/network/organisations", Network(Permission::DirectoryManage), organisations::list),
        route!(post, "/network/organisations", Network(Permission::DirectoryManage), organisations::create),
        route!(get, "/network/organisations/{id}", Network(Permission::DirectoryManage), organisations::show),
        route!(post, "/network/organisations/{id}", Network(Permission::DirectoryManage), organisations::update),
        route!(
            get,
            "/network/organisations/{id}/services/new",
            Network(Permission::DirectoryManage),
            organisations::new_service_form
        ),
        route!(
            post,
            "/network/organisations/{id}/services",
            Network(Permission::DirectoryManage),
            organisations::create_service
        ),
        route!(
            get,
            "/network/organisations/{id}/services/{service_id}/edit",
            Network(Permission::DirectoryManage),
            organisations::edit_service_form
        ),
        route!(
            post,
            "/network/organisations/{id}/services/{service_id}",
            Network(Permission::DirectoryManage),
            organisations::update_service
        ),
    ]
}
