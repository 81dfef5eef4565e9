//! The network administration of tenants: list, create, edit, deactivate,
//! and invite a tenant's first administrator. Network administrators act on
//! tenants without being their members, hence `TenantScope::for_system`.

use axum::Extension;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use relais_domain::role::NETWORK_DOMAIN;
use relais_domain::{EmailAddress, Language, Permission, Region, TenantId, TenantKind, TenantRole};
use relais_persistence::TenantScope;
use relais_persistence::models::{memberships, sessions, tenants};
use serde::{Deserialize, Serialize};

use super::members::{InviteForm, check_invite, invite};
use super::{audit, redirect_with_flash};
use crate::access::NetworkContext;
use crate::error::{WebError, WebResult};
use crate::forms::{self, FieldErrors, FormData};
use crate::state::AppState;
use crate::templates::page_context;
use crate::visitor::Visitor;

/// The tenant form, as typed.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
pub(crate) struct TenantForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    region: String,
    #[serde(default)]
    default_language: String,
    #[serde(default)]
    contact_email: String,
}

impl TenantForm {
    fn from_tenant(t: &tenants::Tenant) -> Self {
        Self {
            name: t.name.clone(),
            kind: t.kind.clone(),
            region: t.region.clone(),
            default_language: t.default_language.clone(),
            contact_email: t.contact_email.clone(),
        }
    }

    fn check(&self, errors: &mut FieldErrors) -> Option<tenants::NewTenant> {
        let name = forms::text(errors, "name", &self.name, 120, true);
        let kind = self.kind.parse::<TenantKind>().map_err(|_| errors.add("kind", "error-choose")).ok();
        let region = self.region.parse::<Region>().map_err(|_| errors.add("region", "error-choose")).ok();
        let lang =
            self.default_language.parse::<Language>().map_err(|_| errors.add("default_language", "error-choose")).ok();
        let email =
            EmailAddress::parse(&self.contact_email).map_err(|_| errors.add("contact_email", "error-email")).ok();
        if !errors.is_empty() {
            return None;
        }
        Some(tenants::NewTenant { name, kind: kind?, region: region?, default_language: lang?, contact_email: email? })
    }
}

fn tenant_json(t: &tenants::Tenant) -> serde_json::Value {
    serde_json::json!({
        "id": t.id, "name": t.name, "kind": t.kind, "region": t.region,
        "default_language": t.default_language, "contact_email": t.contact_email, "active": t.active,
    })
}

fn choices(context: &mut tera::Context) {
    context.insert("kinds", &TenantKind::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>());
    context.insert("regions", &Region::ALL.iter().map(|r| r.as_str()).collect::<Vec<_>>());
    context.insert("roles", &TenantRole::ALL.iter().map(|r| r.as_str()).collect::<Vec<_>>());
}

/// GET /network/tenants
pub(crate) async fn list(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<NetworkContext>,
) -> WebResult<Response> {
    let all = app.db.run(tenants::list).await?;
    let mut context = page_context(&app, &visitor);
    context.insert("tenants_list", &all.iter().map(tenant_json).collect::<Vec<_>>());
    context.insert("can_manage", &app.authz.is_allowed(&ctx.user_id, NETWORK_DOMAIN, Permission::TenantManage));
    Ok(app.templates.render("tenants.html", &context)?.into_response())
}

fn render_form(
    app: &AppState,
    visitor: &Visitor,
    form: &TenantForm,
    errors: &FieldErrors,
    editing: Option<&str>,
    status: StatusCode,
) -> WebResult<Response> {
    let mut context = page_context(app, visitor);
    choices(&mut context);
    context.insert("form", form);
    context.insert("errors", errors);
    context.insert("editing", &editing);
    Ok((status, app.templates.render("tenant_form.html", &context)?).into_response())
}

/// GET /network/tenants/new
pub(crate) async fn new_form(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
) -> WebResult<Response> {
    let form = TenantForm { default_language: Language::Fr.as_str().into(), ..TenantForm::default() };
    render_form(&app, &visitor, &form, &FieldErrors::new(), None, StatusCode::OK)
}

/// POST /network/tenants
pub(crate) async fn create(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<NetworkContext>,
    FormData(form): FormData<TenantForm>,
) -> WebResult<Response> {
    let mut errors = FieldErrors::new();
    let Some(new) = form.check(&mut errors) else {
        return render_form(&app, &visitor, &form, &errors, None, StatusCode::UNPROCESSABLE_ENTITY);
    };
    let request_id = visitor.request_id.clone();
    let created = app
        .db
        .write(move |conn| {
            let tenant = tenants::create(conn, &new)?;
            // Tenant management is network-level work: its events go to the network log.
            audit(
                conn,
                None,
                Some(&ctx.user_id),
                "tenant.created",
                ("tenant", Some(&tenant.id)),
                serde_json::json!({}),
                &request_id,
            )?;
            Ok::<_, WebError>(tenant)
        })
        .await;
    match created {
        Ok(tenant) => Ok(redirect_with_flash(&app, &format!("/network/tenants/{}", tenant.id), "flash-tenant-created")),
        Err(WebError::Conflict(relais_domain::Conflict::Duplicate(relais_domain::Duplicate::TenantName))) => {
            errors.add("name", "error-name-taken");
            render_form(&app, &visitor, &form, &errors, None, StatusCode::CONFLICT)
        }
        Err(other) => Err(other),
    }
}

async fn find(app: &AppState, id: &str) -> WebResult<tenants::Tenant> {
    let id = id.parse::<TenantId>().map_err(|_| WebError::NotFound)?.to_string();
    Ok(app.db.run(move |conn| tenants::find(conn, &id)).await?)
}

async fn render_tenant(
    app: &AppState,
    visitor: &Visitor,
    ctx: &NetworkContext,
    tenant: &tenants::Tenant,
    invite_form: &InviteForm,
    errors: &FieldErrors,
    status: StatusCode,
) -> WebResult<Response> {
    let scope = TenantScope::for_system(tenant.tenant_id()?);
    let members = app.db.run(move |conn| memberships::list(conn, &scope)).await?;
    let count = |status: &str| members.iter().filter(|m| m.status == status).count();
    let mut context = page_context(app, visitor);
    choices(&mut context);
    context.insert("tenant", &tenant_json(tenant));
    context.insert("active_members", &count("active"));
    context.insert("invited_members", &count("invited"));
    context.insert("can_manage", &app.authz.is_allowed(&ctx.user_id, NETWORK_DOMAIN, Permission::TenantManage));
    context.insert("form", invite_form);
    context.insert("errors", errors);
    Ok((status, app.templates.render("tenant.html", &context)?).into_response())
}

/// GET /network/tenants/{id}
pub(crate) async fn show(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<NetworkContext>,
    Path(id): Path<String>,
) -> WebResult<Response> {
    let tenant = find(&app, &id).await?;
    let form = InviteForm { role: TenantRole::TenantAdmin.as_str().into(), ..InviteForm::default() };
    render_tenant(&app, &visitor, &ctx, &tenant, &form, &FieldErrors::new(), StatusCode::OK).await
}

/// GET /network/tenants/{id}/edit
pub(crate) async fn edit_form(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(id): Path<String>,
) -> WebResult<Response> {
    let tenant = find(&app, &id).await?;
    render_form(
        &app,
        &visitor,
        &TenantForm::from_tenant(&tenant),
        &FieldErrors::new(),
        Some(&tenant.id),
        StatusCode::OK,
    )
}

/// POST /network/tenants/{id}
pub(crate) async fn update(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<NetworkContext>,
    Path(id): Path<String>,
    FormData(form): FormData<TenantForm>,
) -> WebResult<Response> {
    let tenant = find(&app, &id).await?;
    let mut errors = FieldErrors::new();
    let Some(changes) = form.check(&mut errors) else {
        return render_form(&app, &visitor, &form, &errors, Some(&tenant.id), StatusCode::UNPROCESSABLE_ENTITY);
    };
    let request_id = visitor.request_id.clone();
    let tenant_id = tenant.id.clone();
    let updated = app
        .db
        .write(move |conn| {
            let (before, after) = tenants::update(conn, &tenant_id, &changes)?;
            let changed: Vec<&str> = [
                ("name", before.name != after.name),
                ("kind", before.kind != after.kind),
                ("region", before.region != after.region),
                ("default_language", before.default_language != after.default_language),
                ("contact_email", before.contact_email != after.contact_email),
            ]
            .into_iter()
            .filter_map(|(field, differs)| differs.then_some(field))
            .collect();
            // Tenant management is network-level work: its events go to the network log.
            audit(
                conn,
                None,
                Some(&ctx.user_id),
                "tenant.updated",
                ("tenant", Some(&after.id)),
                serde_json::json!({ "changed": changed }),
                &request_id,
            )?;
            Ok::<_, WebError>(())
        })
        .await;
    match updated {
        Ok(()) => Ok(redirect_with_flash(&app, &format!("/network/tenants/{}", tenant.id), "flash-tenant-updated")),
        Err(WebError::Conflict(relais_domain::Conflict::Duplicate(relais_domain::Duplicate::TenantName))) => {
            errors.add("name", "error-name-taken");
            render_form(&app, &visitor, &form, &errors, Some(&tenant.id), StatusCode::CONFLICT)
        }
        Err(other) => Err(other),
    }
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct ActiveForm {
    #[serde(default)]
    active: String,
}

/// POST /network/tenants/{id}/active — deactivating ends the sessions working in it.
pub(crate) async fn set_active(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<NetworkContext>,
    Path(id): Path<String>,
    FormData(form): FormData<ActiveForm>,
) -> WebResult<Response> {
    let tenant = find(&app, &id).await?;
    let active = match form.active.as_str() {
        "true" => true,
        "false" => false,
        _ => return Err(WebError::BadRequest("active must be true or false".into())),
    };
    let request_id = visitor.request_id.clone();
    let tenant_id = tenant.id.clone();
    app.db
        .write(move |conn| {
            tenants::set_active(conn, &tenant_id, active)?;
            if !active {
                sessions::delete_for_tenant(conn, &tenant_id)?;
            }
            let action = if active { "tenant.activated" } else { "tenant.deactivated" };
            audit(
                conn,
                None,
                Some(&ctx.user_id),
                action,
                ("tenant", Some(&tenant_id)),
                serde_json::json!({}),
                &request_id,
            )?;
            Ok::<_, WebError>(())
        })
        .await?;
    let flash = if active { "flash-tenant-activated" } else { "flash-tenant-deactivated" };
    Ok(redirect_with_flash(&app, &format!("/network/tenants/{id}"), flash))
}

/// POST /network/tenants/{id}/invitations — invite the tenant's (first) administrator.
pub(crate) async fn invite_admin(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<NetworkContext>,
    Path(id): Path<String>,
    FormData(mut form): FormData<InviteForm>,
) -> WebResult<Response> {
    let tenant = find(&app, &id).await?;
    form.role = TenantRole::TenantAdmin.as_str().into();
    let mut errors = FieldErrors::new();
    let Some(checked) = check_invite(&form, &mut errors) else {
        return render_tenant(&app, &visitor, &ctx, &tenant, &form, &errors, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    if !tenant.active {
        return Err(WebError::Conflict(relais_domain::Conflict::InactiveTenant));
    }
    let scope = TenantScope::for_system(tenant.tenant_id()?);
    let (app2, inviter, request_id) = (app.clone(), ctx.user_id.clone(), visitor.request_id.clone());
    match app.db.write(move |conn| invite(conn, &app2, &scope, &inviter, &checked, &request_id)).await {
        Ok(()) => Ok(redirect_with_flash(&app, &format!("/network/tenants/{id}"), "flash-invitation-sent")),
        Err(WebError::Conflict(relais_domain::Conflict::Duplicate(relais_domain::Duplicate::Membership))) => {
            errors.add("email", "error-already-member");
            render_tenant(&app, &visitor, &ctx, &tenant, &form, &errors, StatusCode::CONFLICT).await
        }
        Err(other) => Err(other),
    }
}
