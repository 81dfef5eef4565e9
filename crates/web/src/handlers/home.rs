//! The landing page after sign-in, and switching the active tenant.

use axum::Extension;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use relais_domain::role::NETWORK_DOMAIN;
use relais_domain::{Permission, TenantId};
use relais_persistence::models::{memberships, sessions};
use serde::Deserialize;

use super::redirect_with_flash;
use crate::error::{WebError, WebResult};
use crate::forms::FormData;
use crate::state::AppState;
use crate::templates::page_context;
use crate::visitor::Visitor;

/// GET /
pub(crate) async fn root(Extension(visitor): Extension<Visitor>) -> Redirect {
    Redirect::to(if visitor.signed_in.is_some() { "/home" } else { "/login" })
}

/// GET /home
pub(crate) async fn home(State(app): State<AppState>, Extension(visitor): Extension<Visitor>) -> WebResult<Response> {
    let signed_in = visitor.require()?;
    let mut context = page_context(&app, &visitor);
    let role = signed_in
        .active_tenant
        .as_ref()
        .and_then(|(id, _, _)| signed_in.tenants.iter().find(|t| &t.tenant_id == id))
        .map(|t| t.role.clone());
    context.insert("role", &role);
    let network_roles: Vec<&str> = signed_in.network_roles.iter().map(|r| r.as_str()).collect();
    context.insert("network_roles", &network_roles);
    let tenant = signed_in.active_tenant.as_ref().map(|t| t.0.as_str()).unwrap_or("");
    let user = signed_in.user_id.as_str();
    let allowed = |domain: &str, p: Permission| !domain.is_empty() && app.authz.is_allowed(user, domain, p);
    context.insert("can_manage_members", &allowed(tenant, Permission::MemberManage));
    context.insert("can_read_members", &allowed(tenant, Permission::MemberRead));
    context.insert("can_read_audit", &allowed(tenant, Permission::AuditRead));
    context.insert("can_manage_tenants", &allowed(NETWORK_DOMAIN, Permission::TenantManage));
    context.insert("can_read_tenants", &allowed(NETWORK_DOMAIN, Permission::TenantRead));
    Ok(app.templates.render("home.html", &context)?.into_response())
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct SwitchForm {
    #[serde(default)]
    tenant_id: String,
}

/// POST /tenant — work in another of the user's tenants.
pub(crate) async fn switch_tenant(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    FormData(form): FormData<SwitchForm>,
) -> WebResult<Response> {
    let signed_in = visitor.require()?.clone();
    let tenant: TenantId = form.tenant_id.parse().map_err(|_| WebError::NotFound)?;
    app.db
        .write(move |conn| {
            memberships::scope_for_member(conn, &signed_in.user_id, tenant).map_err(|e| match WebError::from(e) {
                WebError::NotFound => WebError::Forbidden,
                other => other,
            })?;
            sessions::set_active_tenant(conn, &signed_in.session_id, Some(&tenant.to_string()))?;
            Ok::<_, WebError>(())
        })
        .await?;
    Ok(redirect_with_flash(&app, "/home", "flash-tenant-switched"))
}
