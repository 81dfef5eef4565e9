//! The network administration of tenants: create, edit, deactivate and
//! activate again. Tenant management is network-level work: its events go
//! to the network log.

use relais_domain::{AuditAction, EmailAddress, Language, Permission, Region, TenantId, TenantKind};
use relais_persistence::models::{sessions, tenants};
use serde_json::json;

use crate::error::{AppError, AppResult, FieldErrors};
use crate::{Actor, App};

/// Longest tenant name, in characters.
const NAME_MAX: usize = 120;

/// A tenant's details, as typed (a code that did not parse is `None`).
#[derive(Debug, Clone, Default)]
pub struct TenantInput {
    /// Organisation name (`name`), unique in the network.
    pub name: String,
    /// Kind (`kind`).
    pub kind: Option<TenantKind>,
    /// Region (`region`).
    pub region: Option<Region>,
    /// Default language of its pages and e-mails (`default_language`).
    pub default_language: Option<Language>,
    /// Contact address (`contact_email`).
    pub contact_email: String,
}

impl TenantInput {
    /// The problems of the input, by field.
    pub fn check(&self) -> FieldErrors {
        self.checked().err().unwrap_or_default()
    }

    fn checked(&self) -> Result<tenants::NewTenant, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = errors.text("name", &self.name, NAME_MAX, true);
        for (field, missing) in [
            ("kind", self.kind.is_none()),
            ("region", self.region.is_none()),
            ("default_language", self.default_language.is_none()),
        ] {
            if missing {
                errors.add(field, "error-choose");
            }
        }
        let email =
            EmailAddress::parse(&self.contact_email).map_err(|_| errors.add("contact_email", "error-email")).ok();
        match (self.kind, self.region, self.default_language, email, errors.is_empty()) {
            (Some(kind), Some(region), Some(default_language), Some(contact_email), true) => {
                Ok(tenants::NewTenant { name, kind, region, default_language, contact_email })
            }
            _ => Err(errors),
        }
    }
}

/// Creates a tenant (network administrators). A name already taken is
/// `Duplicate::TenantName`. Audits `tenant.created`.
pub async fn create_tenant(app: &App, actor: &Actor, input: TenantInput) -> AppResult<TenantId> {
    actor.require_network(Permission::TenantManage)?;
    let new = input.checked().map_err(AppError::Validation)?;
    app.write(actor, move |tx| {
        let at = tx.at();
        let tenant = tenants::create(tx.conn(), &new, at)?;
        tx.audit(None, AuditAction::TenantCreated, &tenant.id, json!({}))?;
        Ok(tenant.tenant_id()?)
    })
    .await
}

/// Changes a tenant's details. Audits `tenant.updated` with the names of
/// the fields that changed (never their values).
pub async fn update_tenant(app: &App, actor: &Actor, tenant: TenantId, input: TenantInput) -> AppResult<()> {
    actor.require_network(Permission::TenantManage)?;
    let changes = input.checked().map_err(AppError::Validation)?;
    app.write(actor, move |tx| {
        let at = tx.at();
        let (before, after) = tenants::update(tx.conn(), &tenant.to_string(), &changes, at)?;
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
        tx.audit(None, AuditAction::TenantUpdated, tenant, json!({ "changed": changed }))
    })
    .await
}

/// Activates or deactivates a tenant; deactivating ends the sessions
/// working in it. Audits `tenant.activated` / `tenant.deactivated`.
pub async fn set_tenant_active(app: &App, actor: &Actor, tenant: TenantId, active: bool) -> AppResult<()> {
    actor.require_network(Permission::TenantManage)?;
    app.write(actor, move |tx| {
        let (key, at) = (tenant.to_string(), tx.at());
        tenants::set_active(tx.conn(), &key, active, at)?;
        if !active {
            sessions::delete_for_tenant(tx.conn(), &key)?;
        }
        let action = if active { AuditAction::TenantActivated } else { AuditAction::TenantDeactivated };
        tx.audit(None, action, tenant, json!({}))
    })
    .await
}
