//! Organisations that are not tenants (network administration): listed in
//! the directory with their services, reached through referral links.

use relais_domain::{AuditAction, EmailAddress, OrganisationId, Permission, Region, TenantKind};
use relais_persistence::models::directory::{self, OrganisationFields};
use serde_json::json;

use super::{NAME_MAX, WEBSITE_MAX, optional, text};
use crate::error::{AppError, AppResult, FieldErrors};
use crate::{Actor, App};

/// An external organisation, as typed. A code the caller could not read is
/// `None` (and reported as not chosen).
#[derive(Debug, Clone, Default)]
pub struct OrganisationInput {
    /// Its name (`name`): required, at most [`NAME_MAX`] characters, unique.
    pub name: String,
    /// What kind of organisation (`kind`).
    pub kind: Option<TenantKind>,
    /// Its region (`region`).
    pub region: Option<Region>,
    /// Its contact address (`contact_email`): a valid e-mail address.
    pub contact_email: String,
    /// Its website (`website`, optional): an `http(s)://` address.
    pub website: String,
}

impl OrganisationInput {
    /// The problems of the input, by field (what the commands refuse).
    pub fn check(&self) -> FieldErrors {
        self.fields().err().unwrap_or_default()
    }

    /// The checked fields, or the problems by field.
    fn fields(&self) -> Result<OrganisationFields, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = text(&mut errors, "name", &self.name, NAME_MAX, true);
        if self.kind.is_none() {
            errors.add("kind", "error-choose");
        }
        if self.region.is_none() {
            errors.add("region", "error-choose");
        }
        let contact_email =
            EmailAddress::parse(&self.contact_email).map_err(|_| errors.add("contact_email", "error-email")).ok();
        let website = optional(&mut errors, "website", &self.website, WEBSITE_MAX);
        if website.as_deref().is_some_and(|w| !(w.starts_with("https://") || w.starts_with("http://"))) {
            errors.add("website", "dir-error-website");
        }
        match (self.kind, self.region, contact_email) {
            (Some(kind), Some(region), Some(contact_email)) if errors.is_empty() => {
                Ok(OrganisationFields { name, kind, region, contact_email, website })
            }
            _ => Err(errors),
        }
    }
}

/// Lists an organisation that is not a tenant in the directory (a network
/// user who may manage the directory). A name already taken is
/// [`relais_domain::Duplicate::OrganisationName`]. Audits
/// `organisation.created` in the network log; returns its id.
pub async fn create_organisation(app: &App, actor: &Actor, input: OrganisationInput) -> AppResult<OrganisationId> {
    actor.require_network(Permission::DirectoryManage)?;
    app.write(actor, move |tx| {
        let fields = input.fields().map_err(AppError::Validation)?;
        let at = tx.at();
        let org = directory::create_organisation(tx.conn(), &fields, at)?;
        tx.audit(None, AuditAction::OrganisationCreated, org.id, json!({}))?;
        Ok(org.id)
    })
    .await
}

/// Changes an external organisation (`NotFound` if there is none; a name
/// already taken is [`relais_domain::Duplicate::OrganisationName`]).
/// Audits `organisation.updated` in the network log.
pub async fn update_organisation(
    app: &App,
    actor: &Actor,
    id: OrganisationId,
    input: OrganisationInput,
) -> AppResult<()> {
    actor.require_network(Permission::DirectoryManage)?;
    app.write(actor, move |tx| {
        let fields = input.fields().map_err(AppError::Validation)?;
        let at = tx.at();
        directory::update_organisation(tx.conn(), id, &fields, at)?;
        tx.audit(None, AuditAction::OrganisationUpdated, id, json!({}))?;
        Ok(())
    })
    .await
}
