//! Organisations that are not tenants, and their services (network administration).

use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use relais_app::directory::{self, OrganisationInput, ServiceOwner};
use relais_domain::directory::ServiceCategory;
use relais_domain::{Conflict, Duplicate, OrganisationId, Region, ServiceId, TenantKind};
use relais_persistence::models::directory::ExternalOrganisation;
use serde::{Deserialize, Serialize};

use super::form::{ServiceForm, read, render_form};
use crate::access::NetworkContext;
use crate::error::{WebError, WebResult};
use crate::forms::{FieldErrors, FormData};
use crate::handlers::redirect_with_flash;
use crate::paths::{Id, Ids};
use crate::state::AppState;
use crate::templates::render_page;
use crate::visitor::Visitor;

/// The status of a re-rendered form: 422 when a field is wrong.
const INVALID: StatusCode = StatusCode::UNPROCESSABLE_ENTITY;

/// The organisation form, as typed.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
pub(crate) struct OrganisationForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    region: String,
    #[serde(default)]
    contact_email: String,
    #[serde(default)]
    website: String,
}

impl OrganisationForm {
    fn from_organisation(o: &ExternalOrganisation) -> Self {
        Self {
            name: o.name.clone(),
            kind: o.kind.as_str().to_owned(),
            region: o.region.as_str().to_owned(),
            contact_email: o.contact_email.clone(),
            website: o.website.clone().unwrap_or_default(),
        }
    }

    /// The command's input (a code that does not read is not chosen).
    fn input(&self) -> OrganisationInput {
        OrganisationInput {
            name: self.name.clone(),
            kind: self.kind.parse().ok(),
            region: self.region.parse().ok(),
            contact_email: self.contact_email.clone(),
            website: self.website.clone(),
        }
    }
}

/// An organisation as the pages show it.
#[derive(Debug, Serialize)]
struct OrganisationView {
    id: OrganisationId,
    name: String,
    kind: TenantKind,
    region: Region,
    contact_email: String,
    website: Option<String>,
}

impl OrganisationView {
    fn of(o: &ExternalOrganisation) -> Self {
        Self {
            id: o.id,
            name: o.name.clone(),
            kind: o.kind,
            region: o.region,
            contact_email: o.contact_email.clone(),
            website: o.website.clone(),
        }
    }
}

/// The list of organisations with the form to add one (`directory/organisations.html`).
#[derive(Debug, Serialize)]
struct OrganisationsPage<'a> {
    kinds: &'static [TenantKind],
    regions: &'static [Region],
    organisations: Vec<OrganisationView>,
    /// None: the form adds an organisation.
    organisation: Option<OrganisationView>,
    form: &'a OrganisationForm,
    errors: &'a FieldErrors,
}

/// One of an organisation's services, as listed.
#[derive(Debug, Serialize)]
struct OrganisationServiceRow {
    id: ServiceId,
    name: String,
    category: ServiceCategory,
    intake_open: bool,
}

/// One organisation, its services and the form to change it (`directory/organisation.html`).
#[derive(Debug, Serialize)]
struct OrganisationPage<'a> {
    kinds: &'static [TenantKind],
    regions: &'static [Region],
    organisation: OrganisationView,
    services: Vec<OrganisationServiceRow>,
    form: &'a OrganisationForm,
    errors: &'a FieldErrors,
}

async fn render_list(
    app: &AppState,
    visitor: &Visitor,
    ctx: &NetworkContext,
    form: &OrganisationForm,
    errors: &FieldErrors,
    status: StatusCode,
) -> WebResult<Response> {
    let all = directory::organisations(&app.core, &ctx.actor(visitor)).await?;
    let page = OrganisationsPage {
        kinds: TenantKind::ALL,
        regions: Region::ALL,
        organisations: all.iter().map(OrganisationView::of).collect(),
        organisation: None,
        form,
        errors,
    };
    Ok((status, render_page(app, visitor, "directory/organisations.html", &page)?).into_response())
}

/// GET /network/organisations
pub(crate) async fn list(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<NetworkContext>,
) -> WebResult<Response> {
    render_list(&app, &visitor, &ctx, &OrganisationForm::default(), &FieldErrors::new(), StatusCode::OK).await
}

/// POST /network/organisations
pub(crate) async fn create(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<NetworkContext>,
    FormData(form): FormData<OrganisationForm>,
) -> WebResult<Response> {
    let input = form.input();
    let errors = input.check();
    if !errors.is_empty() {
        return render_list(&app, &visitor, &ctx, &form, &errors, INVALID).await;
    }
    match directory::create_organisation(&app.core, &ctx.actor(&visitor), input).await.map_err(WebError::from) {
        Ok(id) => Ok(redirect_with_flash(&app, &format!("/network/organisations/{id}"), "flash-organisation-saved")),
        Err(WebError::Conflict(Conflict::Duplicate(Duplicate::OrganisationName))) => {
            let errors = name_taken();
            render_list(&app, &visitor, &ctx, &form, &errors, StatusCode::CONFLICT).await
        }
        Err(WebError::Invalid(errors)) => render_list(&app, &visitor, &ctx, &form, &errors, INVALID).await,
        Err(other) => Err(other),
    }
}

/// The message next to a name another organisation has.
fn name_taken() -> FieldErrors {
    let mut errors = FieldErrors::new();
    errors.add("name", "error-name-taken");
    errors
}

async fn render_show(
    app: &AppState,
    visitor: &Visitor,
    ctx: &NetworkContext,
    id: OrganisationId,
    form: Option<&OrganisationForm>,
    errors: &FieldErrors,
    status: StatusCode,
) -> WebResult<Response> {
    let shown = directory::organisation(&app.core, &ctx.actor(visitor), id).await?;
    let stored = OrganisationForm::from_organisation(&shown.organisation);
    let page = OrganisationPage {
        kinds: TenantKind::ALL,
        regions: Region::ALL,
        organisation: OrganisationView::of(&shown.organisation),
        services: shown
            .services
            .iter()
            .map(|s| OrganisationServiceRow {
                id: s.id,
                name: s.name(visitor.lang).to_owned(),
                category: s.category,
                intake_open: s.intake_open,
            })
            .collect(),
        form: form.unwrap_or(&stored),
        errors,
    };
    Ok((status, render_page(app, visitor, "directory/organisation.html", &page)?).into_response())
}

/// GET /network/organisations/{id}
pub(crate) async fn show(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<NetworkContext>,
    Id(id): Id<OrganisationId>,
) -> WebResult<Response> {
    render_show(&app, &visitor, &ctx, id, None, &FieldErrors::new(), StatusCode::OK).await
}

/// POST /network/organisations/{id}
pub(crate) async fn update(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<NetworkContext>,
    Id(id): Id<OrganisationId>,
    FormData(form): FormData<OrganisationForm>,
) -> WebResult<Response> {
    let input = form.input();
    let errors = input.check();
    if !errors.is_empty() {
        return render_show(&app, &visitor, &ctx, id, Some(&form), &errors, INVALID).await;
    }
    match directory::update_organisation(&app.core, &ctx.actor(&visitor), id, input).await.map_err(WebError::from) {
        Ok(()) => Ok(redirect_with_flash(&app, &format!("/network/organisations/{id}"), "flash-organisation-saved")),
        Err(WebError::Conflict(Conflict::Duplicate(Duplicate::OrganisationName))) => {
            render_show(&app, &visitor, &ctx, id, Some(&form), &name_taken(), StatusCode::CONFLICT).await
        }
        Err(WebError::Invalid(errors)) => render_show(&app, &visitor, &ctx, id, Some(&form), &errors, INVALID).await,
        Err(other) => Err(other),
    }
}

/// The form's address for a new service of an organisation.
fn new_service_action(id: OrganisationId) -> String {
    format!("/network/organisations/{id}/services")
}

/// GET /network/organisations/{id}/services/new
pub(crate) async fn new_service_form(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<NetworkContext>,
    Id(id): Id<OrganisationId>,
) -> WebResult<Response> {
    let org = directory::organisation(&app.core, &ctx.actor(&visitor), id).await?.organisation;
    let (form, errors) = (ServiceForm::blank(), FieldErrors::new());
    render_form(&app, &visitor, &form, &errors, &new_service_action(id), &org.name, StatusCode::OK)
}

/// POST /network/organisations/{id}/services
pub(crate) async fn create_service(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<NetworkContext>,
    Id(id): Id<OrganisationId>,
    FormData(pairs): FormData<Vec<(String, String)>>,
) -> WebResult<Response> {
    let actor = ctx.actor(&visitor);
    let org = directory::organisation(&app.core, &actor, id).await?.organisation;
    let form = ServiceForm::from_pairs(&pairs);
    let action = new_service_action(id);
    let input = match read(&form, app.now().date()) {
        Ok(input) => input,
        Err(errors) => return render_form(&app, &visitor, &form, &errors, &action, &org.name, INVALID),
    };
    match directory::create_service(&app.core, &actor, ServiceOwner::Organisation(id), input)
        .await
        .map_err(WebError::from)
    {
        Ok(_) => Ok(redirect_with_flash(&app, &format!("/network/organisations/{id}"), "flash-service-saved")),
        Err(WebError::Invalid(errors)) => render_form(&app, &visitor, &form, &errors, &action, &org.name, INVALID),
        Err(other) => Err(other),
    }
}

/// GET /network/organisations/{id}/services/{service_id}/edit
pub(crate) async fn edit_service_form(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<NetworkContext>,
    Ids(id, service_id): Ids<OrganisationId, ServiceId>,
) -> WebResult<Response> {
    let (org, service) = directory::organisation_service(&app.core, &ctx.actor(&visitor), id, service_id).await?;
    let action = format!("/network/organisations/{id}/services/{}", service.id);
    let (form, errors) = (ServiceForm::from_service(&service), FieldErrors::new());
    render_form(&app, &visitor, &form, &errors, &action, &org.name, StatusCode::OK)
}

/// POST /network/organisations/{id}/services/{service_id}
pub(crate) async fn update_service(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<NetworkContext>,
    Ids(id, service_id): Ids<OrganisationId, ServiceId>,
    FormData(pairs): FormData<Vec<(String, String)>>,
) -> WebResult<Response> {
    let actor = ctx.actor(&visitor);
    let org = directory::organisation(&app.core, &actor, id).await?.organisation;
    let form = ServiceForm::from_pairs(&pairs);
    let action = format!("/network/organisations/{id}/services/{service_id}");
    let input = match read(&form, app.now().date()) {
        Ok(input) => input,
        Err(errors) => return render_form(&app, &visitor, &form, &errors, &action, &org.name, INVALID),
    };
    match directory::update_service(&app.core, &actor, ServiceOwner::Organisation(id), service_id, input)
        .await
        .map_err(WebError::from)
    {
        Ok(()) => Ok(redirect_with_flash(&app, &format!("/network/organisations/{id}"), "flash-service-saved")),
        Err(WebError::Invalid(errors)) => render_form(&app, &visitor, &form, &errors, &action, &org.name, INVALID),
        Err(other) => Err(other),
    }
}
