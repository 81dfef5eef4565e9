//! A tenant's own services in the directory (its administrators).

use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use relais_app::directory::{self, ServiceOwner};
use relais_domain::ServiceId;
use relais_domain::directory::ServiceCategory;
use serde::Serialize;

use super::form::{ServiceForm, read, render_form};
use crate::access::TenantContext;
use crate::error::{WebError, WebResult};
use crate::forms::{FieldErrors, FormData};
use crate::handlers::redirect_with_flash;
use crate::paths::Id;
use crate::state::AppState;
use crate::templates::render_page;
use crate::visitor::Visitor;

/// The status of a re-rendered form: 422 when a field is wrong.
const INVALID: StatusCode = StatusCode::UNPROCESSABLE_ENTITY;

/// One of the tenant's services, as listed.
#[derive(Debug, Serialize)]
struct OwnServiceRow {
    id: ServiceId,
    name: String,
    category: ServiceCategory,
    intake_open: bool,
    response_days: i32,
}

/// The tenant's services (`directory/own_services.html`).
#[derive(Debug, Serialize)]
struct OwnServicesPage<'a> {
    services: Vec<OwnServiceRow>,
    tenant_name: &'a str,
}

/// GET /services
pub(crate) async fn list(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
) -> WebResult<Response> {
    let services = directory::own_services(&app.core, &ctx.actor(&visitor)).await?;
    let page = OwnServicesPage {
        services: services
            .iter()
            .map(|s| OwnServiceRow {
                id: s.id,
                name: s.name(visitor.lang).to_owned(),
                category: s.category,
                intake_open: s.intake_open,
                response_days: s.response_days,
            })
            .collect(),
        tenant_name: &ctx.tenant_name,
    };
    Ok(render_page(&app, &visitor, "directory/own_services.html", &page)?.into_response())
}

/// GET /services/new
pub(crate) async fn new_form(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
) -> WebResult<Response> {
    let (form, errors) = (ServiceForm::blank(), FieldErrors::new());
    render_form(&app, &visitor, &form, &errors, "/services", &ctx.tenant_name, StatusCode::OK)
}

/// POST /services
pub(crate) async fn create(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
    FormData(pairs): FormData<Vec<(String, String)>>,
) -> WebResult<Response> {
    let form = ServiceForm::from_pairs(&pairs);
    let input = match read(&form, app.now().date()) {
        Ok(input) => input,
        Err(errors) => return render_form(&app, &visitor, &form, &errors, "/services", &ctx.tenant_name, INVALID),
    };
    let actor = ctx.actor(&visitor);
    match directory::create_service(&app.core, &actor, ServiceOwner::OwnTenant, input).await.map_err(WebError::from) {
        Ok(_) => Ok(redirect_with_flash(&app, "/services", "flash-service-saved")),
        Err(WebError::Invalid(errors)) => {
            render_form(&app, &visitor, &form, &errors, "/services", &ctx.tenant_name, INVALID)
        }
        Err(other) => Err(other),
    }
}

/// GET /services/{id}/edit
pub(crate) async fn edit_form(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
    Id(id): Id<ServiceId>,
) -> WebResult<Response> {
    let service = directory::own_service(&app.core, &ctx.actor(&visitor), id).await?;
    let action = format!("/services/{}", service.id);
    let (form, errors) = (ServiceForm::from_service(&service), FieldErrors::new());
    render_form(&app, &visitor, &form, &errors, &action, &ctx.tenant_name, StatusCode::OK)
}

/// POST /services/{id}
pub(crate) async fn update(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
    Id(id): Id<ServiceId>,
    FormData(pairs): FormData<Vec<(String, String)>>,
) -> WebResult<Response> {
    let form = ServiceForm::from_pairs(&pairs);
    let action = format!("/services/{id}");
    let input = match read(&form, app.now().date()) {
        Ok(input) => input,
        Err(errors) => return render_form(&app, &visitor, &form, &errors, &action, &ctx.tenant_name, INVALID),
    };
    let actor = ctx.actor(&visitor);
    match directory::update_service(&app.core, &actor, ServiceOwner::OwnTenant, id, input).await.map_err(WebError::from)
    {
        Ok(()) => Ok(redirect_with_flash(&app, "/services", "flash-service-saved")),
        Err(WebError::Invalid(errors)) => {
            render_form(&app, &visitor, &form, &errors, &action, &ctx.tenant_name, INVALID)
        }
        Err(other) => Err(other),
    }
}
