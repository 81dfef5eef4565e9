//! The network administration of tenants: list, create, edit, deactivate,
//! and invite a tenant's first administrator. Network administrators act on
//! tenants without being their members, hence `TenantScope::for_system`.

use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use relais_app::network::{self, TenantInput};
use relais_app::{AppError, members};
use relais_domain::{Conflict, Duplicate, Language, Permission, Region, TenantId, TenantKind, TenantRole};
use relais_persistence::TenantScope;
use relais_persistence::models::{memberships, tenants};
use serde::{Deserialize, Serialize};

use super::members::InviteForm;
use super::redirect_with_flash;
use crate::access::NetworkContext;
use crate::error::{WebError, WebResult};
use crate::forms::{FieldErrors, FormData};
use crate::paths::Id;
use crate::state::AppState;
use crate::templates::render_page;
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
            kind: t.kind.to_string(),
            region: t.region.to_string(),
            default_language: t.default_language.to_string(),
            contact_email: t.contact_email.clone(),
        }
    }

    /// The input of the tenant commands (a code that does not parse is `None`).
    fn input(&self) -> TenantInput {
        TenantInput {
            name: self.name.clone(),
            kind: self.kind.parse().ok(),
            region: self.region.parse().ok(),
            default_language: self.default_language.parse().ok(),
            contact_email: self.contact_email.clone(),
        }
    }
}

/// A tenant as shown.
#[derive(Serialize)]
struct TenantRow {
    id: String,
    name: String,
    kind: TenantKind,
    region: Region,
    default_language: Language,
    contact_email: String,
    active: bool,
}

impl From<tenants::Tenant> for TenantRow {
    fn from(t: tenants::Tenant) -> Self {
        Self {
            id: t.id,
            name: t.name,
            kind: t.kind,
            region: t.region,
            default_language: t.default_language,
            contact_email: t.contact_email,
            active: t.active,
        }
    }
}

/// The codes a tenant's selects offer.
#[derive(Serialize)]
struct Choices {
    kinds: &'static [TenantKind],
    regions: &'static [Region],
    roles: &'static [TenantRole],
}

const CHOICES: Choices = Choices { kinds: TenantKind::ALL, regions: Region::ALL, roles: TenantRole::ALL };

/// The tenants page.
#[derive(Serialize)]
struct TenantsPage {
    tenants_list: Vec<TenantRow>,
    can_manage: bool,
}

/// GET /network/tenants
pub(crate) async fn list(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<NetworkContext>,
) -> WebResult<Response> {
    let all = app.db.run(tenants::list).await?;
    let page = TenantsPage {
        tenants_list: all.into_iter().map(TenantRow::from).collect(),
        can_manage: ctx.permissions.has(Permission::TenantManage),
    };
    Ok(render_page(&app, &visitor, "tenants.html", &page)?.into_response())
}

/// The tenant form page (new, or editing the tenant whose id is given).
#[derive(Serialize)]
struct TenantFormPage<'a> {
    #[serde(flatten)]
    choices: &'a Choices,
    form: &'a TenantForm,
    errors: &'a FieldErrors,
    editing: Option<TenantId>,
}

fn render_form(
    app: &AppState,
    visitor: &Visitor,
    form: &TenantForm,
    errors: &FieldErrors,
    editing: Option<TenantId>,
    status: StatusCode,
) -> WebResult<Response> {
    let page = TenantFormPage { choices: &CHOICES, form, errors, editing };
    Ok((status, render_page(app, visitor, "tenant_form.html", &page)?).into_response())
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
    match network::create_tenant(&app.core, &ctx.actor(&visitor), form.input()).await {
        Ok(id) => Ok(redirect_with_flash(&app, &format!("/network/tenants/{id}"), "flash-tenant-created")),
        Err(AppError::Validation(errors)) => {
            render_form(&app, &visitor, &form, &errors, None, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(AppError::Conflict(Conflict::Duplicate(Duplicate::TenantName))) => {
            render_form(&app, &visitor, &form, &name_taken(), None, StatusCode::CONFLICT)
        }
        Err(other) => Err(other.into()),
    }
}

fn name_taken() -> FieldErrors {
    let mut errors = FieldErrors::new();
    errors.add("name", "error-name-taken");
    errors
}

async fn find(app: &AppState, id: TenantId) -> WebResult<tenants::Tenant> {
    Ok(app.db.run(move |conn| tenants::find(conn, &id.to_string())).await?)
}

/// A tenant's page: its details, its members' counts and the invitation form.
#[derive(Serialize)]
struct TenantPage<'a> {
    #[serde(flatten)]
    choices: &'a Choices,
    tenant: TenantRow,
    active_members: usize,
    invited_members: usize,
    can_manage: bool,
    form: &'a InviteForm,
    errors: &'a FieldErrors,
}

async fn render_tenant(
    app: &AppState,
    visitor: &Visitor,
    ctx: &NetworkContext,
    id: TenantId,
    invite_form: &InviteForm,
    errors: &FieldErrors,
    status: StatusCode,
) -> WebResult<Response> {
    let tenant = find(app, id).await?;
    let scope = TenantScope::for_system(id);
    let members = app.db.run(move |conn| memberships::list(conn, &scope)).await?;
    let count = |status: &str| members.iter().filter(|m| m.status == status).count();
    let page = TenantPage {
        choices: &CHOICES,
        active_members: count("active"),
        invited_members: count("invited"),
        tenant: tenant.into(),
        can_manage: ctx.permissions.has(Permission::TenantManage),
        form: invite_form,
        errors,
    };
    Ok((status, render_page(app, visitor, "tenant.html", &page)?).into_response())
}

/// GET /network/tenants/{id}
pub(crate) async fn show(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<NetworkContext>,
    Id(id): Id<TenantId>,
) -> WebResult<Response> {
    let form = InviteForm { role: TenantRole::TenantAdmin.as_str().into(), ..InviteForm::default() };
    render_tenant(&app, &visitor, &ctx, id, &form, &FieldErrors::new(), StatusCode::OK).await
}

/// GET /network/tenants/{id}/edit
pub(crate) async fn edit_form(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Id(id): Id<TenantId>,
) -> WebResult<Response> {
    let tenant = find(&app, id).await?;
    render_form(&app, &visitor, &TenantForm::from_tenant(&tenant), &FieldErrors::new(), Some(id), StatusCode::OK)
}

/// POST /network/tenants/{id}
pub(crate) async fn update(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<NetworkContext>,
    Id(id): Id<TenantId>,
    FormData(form): FormData<TenantForm>,
) -> WebResult<Response> {
    match network::update_tenant(&app.core, &ctx.actor(&visitor), id, form.input()).await {
        Ok(()) => Ok(redirect_with_flash(&app, &format!("/network/tenants/{id}"), "flash-tenant-updated")),
        Err(AppError::Validation(errors)) => {
            render_form(&app, &visitor, &form, &errors, Some(id), StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(AppError::Conflict(Conflict::Duplicate(Duplicate::TenantName))) => {
            render_form(&app, &visitor, &form, &name_taken(), Some(id), StatusCode::CONFLICT)
        }
        Err(other) => Err(other.into()),
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
    Id(id): Id<TenantId>,
    FormData(form): FormData<ActiveForm>,
) -> WebResult<Response> {
    let active = match form.active.as_str() {
        "true" => true,
        "false" => false,
        _ => return Err(WebError::BadRequest("active must be true or false".into())),
    };
    network::set_tenant_active(&app.core, &ctx.actor(&visitor), id, active).await?;
    let flash = if active { "flash-tenant-activated" } else { "flash-tenant-deactivated" };
    Ok(redirect_with_flash(&app, &format!("/network/tenants/{id}"), flash))
}

/// POST /network/tenants/{id}/invitations — invite the tenant's (first) administrator.
pub(crate) async fn invite_admin(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<NetworkContext>,
    Id(id): Id<TenantId>,
    FormData(mut form): FormData<InviteForm>,
) -> WebResult<Response> {
    form.role = TenantRole::TenantAdmin.as_str().into();
    match members::invite_tenant_admin(&app.core, &ctx.actor(&visitor), id, form.invite()).await {
        Ok(()) => Ok(redirect_with_flash(&app, &format!("/network/tenants/{id}"), "flash-invitation-sent")),
        Err(AppError::Validation(errors)) => {
            render_tenant(&app, &visitor, &ctx, id, &form, &errors, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(AppError::Conflict(Conflict::Duplicate(Duplicate::Membership))) => {
            let mut errors = FieldErrors::new();
            errors.add("email", "error-already-member");
            render_tenant(&app, &visitor, &ctx, id, &form, &errors, StatusCode::CONFLICT).await
        }
        Err(other) => Err(other.into()),
    }
}
