//! Organisations that are not tenants, and their services (network administration).

use axum::Extension;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use relais_domain::{EmailAddress, Region, TenantKind};
use relais_persistence::models::directory::{self, ExternalOrganisation, OrganisationFields, Owner};
use serde::{Deserialize, Serialize};

use super::form::ServiceForm;
use super::services::render_form;
use crate::access::NetworkContext;
use crate::error::{WebError, WebResult};
use crate::forms::{self, FieldErrors, FormData};
use crate::handlers::{audit, redirect_with_flash};
use crate::state::AppState;
use crate::templates::page_context;
use crate::visitor::Visitor;

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
            kind: o.kind.clone(),
            region: o.region.clone(),
            contact_email: o.contact_email.clone(),
            website: o.website.clone().unwrap_or_default(),
        }
    }

    fn check(&self, errors: &mut FieldErrors) -> Option<OrganisationFields> {
        let name = forms::text(errors, "name", &self.name, 160, true);
        let kind = self.kind.parse::<TenantKind>().map_err(|_| errors.add("kind", "error-choose")).ok();
        let region = self.region.parse::<Region>().map_err(|_| errors.add("region", "error-choose")).ok();
        let contact_email =
            EmailAddress::parse(&self.contact_email).map_err(|_| errors.add("contact_email", "error-email")).ok();
        let website = forms::text(errors, "website", &self.website, 300, false);
        if !(website.is_empty() || website.starts_with("https://") || website.starts_with("http://")) {
            errors.add("website", "dir-error-website");
        }
        if !errors.is_empty() {
            return None;
        }
        Some(OrganisationFields {
            name,
            kind: kind?,
            region: region?,
            contact_email: contact_email?,
            website: Some(website).filter(|w| !w.is_empty()),
        })
    }
}

fn organisation_json(o: &ExternalOrganisation) -> serde_json::Value {
    serde_json::json!({ "id": o.id, "name": o.name, "kind": o.kind, "region": o.region, "contact_email": o.contact_email, "website": o.website })
}

fn kinds_and_regions(context: &mut tera::Context) {
    context.insert("kinds", &TenantKind::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>());
    context.insert("regions", &Region::ALL.iter().map(|r| r.as_str()).collect::<Vec<_>>());
}

async fn render_list(
    app: &AppState,
    visitor: &Visitor,
    form: &OrganisationForm,
    errors: &FieldErrors,
    status: StatusCode,
) -> WebResult<Response> {
    let all = app.db.run(directory::list_organisations).await?;
    let mut context = page_context(app, visitor);
    kinds_and_regions(&mut context);
    context.insert("organisations", &all.iter().map(organisation_json).collect::<Vec<_>>());
    context.insert("organisation", &Option::<serde_json::Value>::None);
    context.insert("form", form);
    context.insert("errors", errors);
    Ok((status, app.templates.render("directory/organisations.html", &context)?).into_response())
}

/// GET /network/organisations
pub(crate) async fn list(State(app): State<AppState>, Extension(visitor): Extension<Visitor>) -> WebResult<Response> {
    render_list(&app, &visitor, &OrganisationForm::default(), &FieldErrors::new(), StatusCode::OK).await
}

/// POST /network/organisations
pub(crate) async fn create(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<NetworkContext>,
    FormData(form): FormData<OrganisationForm>,
) -> WebResult<Response> {
    let mut errors = FieldErrors::new();
    let Some(fields) = form.check(&mut errors) else {
        return render_list(&app, &visitor, &form, &errors, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let request_id = visitor.request_id.clone();
    let created = app
        .db
        .write(move |conn| {
            let org = directory::create_organisation(conn, &fields)?;
            audit(
                conn,
                None,
                Some(&ctx.user_id),
                "organisation.created",
                ("organisation", Some(&org.id)),
                serde_json::json!({}),
                &request_id,
            )?;
            Ok::<_, WebError>(org)
        })
        .await;
    match created {
        Ok(org) => {
            Ok(redirect_with_flash(&app, &format!("/network/organisations/{}", org.id), "flash-organisation-saved"))
        }
        Err(WebError::Conflict(relais_domain::Conflict::Duplicate(relais_domain::Duplicate::OrganisationName))) => {
            errors.add("name", "error-name-taken");
            render_list(&app, &visitor, &form, &errors, StatusCode::CONFLICT).await
        }
        Err(other) => Err(other),
    }
}

async fn render_show(
    app: &AppState,
    visitor: &Visitor,
    org: &ExternalOrganisation,
    form: &OrganisationForm,
    errors: &FieldErrors,
    status: StatusCode,
) -> WebResult<Response> {
    let org_id = org.id.clone();
    let services = app.db.run(move |conn| directory::services_of_organisation(conn, &org_id)).await?;
    let mut context = page_context(app, visitor);
    kinds_and_regions(&mut context);
    context.insert("organisation", &organisation_json(org));
    context.insert(
        "services",
        &services.iter().map(|s| serde_json::json!({ "id": s.id, "name": s.name(visitor.lang), "category": s.category, "intake_open": s.intake_open })).collect::<Vec<_>>(),
    );
    context.insert("form", form);
    context.insert("errors", errors);
    Ok((status, app.templates.render("directory/organisation.html", &context)?).into_response())
}

async fn find(app: &AppState, id: String) -> WebResult<ExternalOrganisation> {
    Ok(app.db.run(move |conn| directory::find_organisation(conn, &id)).await?)
}

/// GET /network/organisations/{id}
pub(crate) async fn show(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(id): Path<String>,
) -> WebResult<Response> {
    let org = find(&app, id).await?;
    render_show(&app, &visitor, &org, &OrganisationForm::from_organisation(&org), &FieldErrors::new(), StatusCode::OK)
        .await
}

/// POST /network/organisations/{id}
pub(crate) async fn update(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<NetworkContext>,
    Path(id): Path<String>,
    FormData(form): FormData<OrganisationForm>,
) -> WebResult<Response> {
    let org = find(&app, id).await?;
    let mut errors = FieldErrors::new();
    let Some(fields) = form.check(&mut errors) else {
        return render_show(&app, &visitor, &org, &form, &errors, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let (org_id, request_id) = (org.id.clone(), visitor.request_id.clone());
    let updated = app
        .db
        .write(move |conn| {
            directory::update_organisation(conn, &org_id, &fields)?;
            audit(
                conn,
                None,
                Some(&ctx.user_id),
                "organisation.updated",
                ("organisation", Some(&org_id)),
                serde_json::json!({}),
                &request_id,
            )?;
            Ok::<_, WebError>(())
        })
        .await;
    match updated {
        Ok(()) => {
            Ok(redirect_with_flash(&app, &format!("/network/organisations/{}", org.id), "flash-organisation-saved"))
        }
        Err(WebError::Conflict(relais_domain::Conflict::Duplicate(relais_domain::Duplicate::OrganisationName))) => {
            errors.add("name", "error-name-taken");
            render_show(&app, &visitor, &org, &form, &errors, StatusCode::CONFLICT).await
        }
        Err(other) => Err(other),
    }
}

/// GET /network/organisations/{id}/services/new
pub(crate) async fn new_service_form(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(id): Path<String>,
) -> WebResult<Response> {
    let org = find(&app, id).await?;
    let action = format!("/network/organisations/{}/services", org.id);
    render_form(&app, &visitor, &ServiceForm::blank(), &FieldErrors::new(), &action, &org.name, StatusCode::OK)
}

/// POST /network/organisations/{id}/services
pub(crate) async fn create_service(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<NetworkContext>,
    Path(id): Path<String>,
    FormData(pairs): FormData<Vec<(String, String)>>,
) -> WebResult<Response> {
    let org = find(&app, id).await?;
    let form = ServiceForm::from_pairs(&pairs);
    let mut errors = FieldErrors::new();
    let action = format!("/network/organisations/{}/services", org.id);
    let Some(fields) = form.check(&mut errors) else {
        return render_form(&app, &visitor, &form, &errors, &action, &org.name, StatusCode::UNPROCESSABLE_ENTITY);
    };
    let (org_id, request_id) = (org.id.clone(), visitor.request_id.clone());
    app.db
        .write(move |conn| {
            let service = directory::create_service(conn, Owner::Organisation(&org_id), &fields)?;
            audit(
                conn,
                None,
                Some(&ctx.user_id),
                "service.created",
                ("service", Some(&service.id)),
                serde_json::json!({ "organisation": org_id }),
                &request_id,
            )?;
            Ok::<_, WebError>(())
        })
        .await?;
    Ok(redirect_with_flash(&app, &format!("/network/organisations/{}", org.id), "flash-service-saved"))
}

/// GET /network/organisations/{id}/services/{service_id}/edit
pub(crate) async fn edit_service_form(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path((id, service_id)): Path<(String, String)>,
) -> WebResult<Response> {
    let org = find(&app, id).await?;
    let service = app.db.run(move |conn| directory::find_service(conn, &service_id)).await?;
    if service.owner_organisation_id.as_deref() != Some(org.id.as_str()) {
        return Err(WebError::NotFound);
    }
    let action = format!("/network/organisations/{}/services/{}", org.id, service.id);
    render_form(
        &app,
        &visitor,
        &ServiceForm::from_service(&service),
        &FieldErrors::new(),
        &action,
        &org.name,
        StatusCode::OK,
    )
}

/// POST /network/organisations/{id}/services/{service_id}
pub(crate) async fn update_service(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<NetworkContext>,
    Path((id, service_id)): Path<(String, String)>,
    FormData(pairs): FormData<Vec<(String, String)>>,
) -> WebResult<Response> {
    let org = find(&app, id).await?;
    let form = ServiceForm::from_pairs(&pairs);
    let mut errors = FieldErrors::new();
    let action = format!("/network/organisations/{}/services/{service_id}", org.id);
    let Some(fields) = form.check(&mut errors) else {
        return render_form(&app, &visitor, &form, &errors, &action, &org.name, StatusCode::UNPROCESSABLE_ENTITY);
    };
    let (org_id, request_id) = (org.id.clone(), visitor.request_id.clone());
    app.db
        .write(move |conn| {
            directory::update_service(conn, Owner::Organisation(&org_id), &service_id, &fields)?;
            audit(
                conn,
                None,
                Some(&ctx.user_id),
                "service.updated",
                ("service", Some(&service_id)),
                serde_json::json!({ "organisation": org_id }),
                &request_id,
            )?;
            Ok::<_, WebError>(())
        })
        .await?;
    Ok(redirect_with_flash(&app, &format!("/network/organisations/{}", org.id), "flash-service-saved"))
}
