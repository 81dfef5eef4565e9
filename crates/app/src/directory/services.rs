//! Services in the directory: a tenant's own (its administrators) and
//! those of external organisations (the network administration).

use chrono::NaiveDate;
use relais_domain::directory::ServiceCategory;
use relais_domain::{AuditAction, EmailAddress, Language, OrganisationId, Permission, Region, ServiceId};
use relais_persistence::TenantScope;
use relais_persistence::models::directory::{self, Owner, ServiceFields};
use serde_json::json;

use super::{DESCRIPTION_MAX, ELIGIBILITY_MAX, NAME_MAX, PLACE_MAX, RESPONSE_DAYS, optional, text};
use crate::error::{AppError, AppResult, FieldErrors};
use crate::{Actor, App};

/// Whose service a command is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServiceOwner {
    /// The acting member's tenant (its administrators: `service:manage`).
    OwnTenant,
    /// An external organisation (the network administration: `directory:manage`).
    Organisation(OrganisationId),
}

/// Where a service command writes: the owner as stored, and the tenant
/// whose log gets the audit row (`None`: the network log).
struct Target {
    tenant: Option<TenantScope>,
    organisation: Option<OrganisationId>,
}

impl Target {
    fn of(actor: &Actor, owner: ServiceOwner) -> AppResult<Self> {
        match owner {
            ServiceOwner::OwnTenant => {
                let member = actor.as_member()?;
                member.require(Permission::ServiceManage)?;
                Ok(Target { tenant: Some(member.scope), organisation: None })
            }
            ServiceOwner::Organisation(org) => {
                actor.require_network(Permission::DirectoryManage)?;
                Ok(Target { tenant: None, organisation: Some(org) })
            }
        }
    }

    fn owner(&self) -> AppResult<Owner<'_>> {
        match (&self.tenant, self.organisation) {
            (Some(scope), _) => Ok(Owner::Tenant(scope)),
            (None, Some(org)) => Ok(Owner::Organisation(org)),
            (None, None) => Err(AppError::Internal("a service target without an owner".into())),
        }
    }

    /// What the audit row says besides the service (the organisation, for
    /// the network log).
    fn details(&self) -> serde_json::Value {
        match self.organisation {
            Some(org) => json!({ "organisation": org }),
            None => json!({}),
        }
    }
}

/// A service, as typed. A code or a number or date the caller could not
/// read is `None` (or left out of a list) and reported on its field.
#[derive(Debug, Clone, Default)]
pub struct ServiceInput {
    /// French name (`name_fr`): required, at most [`NAME_MAX`] characters.
    pub name_fr: String,
    /// Arabic name (`name_ar`, optional).
    pub name_ar: String,
    /// English name (`name_en`, optional).
    pub name_en: String,
    /// French description (`description_fr`, optional).
    pub description_fr: String,
    /// Arabic description (`description_ar`, optional).
    pub description_ar: String,
    /// English description (`description_en`, optional).
    pub description_en: String,
    /// Category (`category`).
    pub category: Option<ServiceCategory>,
    /// Who may use it (`eligibility`, optional).
    pub eligibility: String,
    /// Languages spoken (`languages`): at least one.
    pub languages: Vec<Language>,
    /// Regions served (`regions`): at least one.
    pub regions: Vec<Region>,
    /// Cities served (`cities`, optional).
    pub cities: String,
    /// Address (`address`, optional).
    pub address: String,
    /// Opening hours (`opening_hours`, optional).
    pub opening_hours: String,
    /// The focal point's address, who receives referrals (`focal_point_email`).
    pub focal_point_email: String,
    /// Expected response time in days (`response_days`): within [`RESPONSE_DAYS`].
    pub response_days: Option<i32>,
    /// Whether new referrals are accepted (`intake_open`).
    pub intake_open: bool,
    /// When the entry was last checked (`last_verified_on`, optional): not in the future.
    pub last_verified_on: Option<NaiveDate>,
}

impl ServiceInput {
    /// The problems of the input, by field (what the commands refuse),
    /// `today` being the date of the change.
    pub fn check(&self, today: NaiveDate) -> FieldErrors {
        self.fields(today).err().unwrap_or_default()
    }

    /// The checked fields, or the problems by field.
    fn fields(&self, today: NaiveDate) -> Result<ServiceFields, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name_fr = text(&mut errors, "name_fr", &self.name_fr, NAME_MAX, true);
        let name_ar = optional(&mut errors, "name_ar", &self.name_ar, NAME_MAX);
        let name_en = optional(&mut errors, "name_en", &self.name_en, NAME_MAX);
        let description_fr = text(&mut errors, "description_fr", &self.description_fr, DESCRIPTION_MAX, false);
        let description_ar = optional(&mut errors, "description_ar", &self.description_ar, DESCRIPTION_MAX);
        let description_en = optional(&mut errors, "description_en", &self.description_en, DESCRIPTION_MAX);
        if self.category.is_none() {
            errors.add("category", "error-choose");
        }
        let eligibility = optional(&mut errors, "eligibility", &self.eligibility, ELIGIBILITY_MAX);
        if self.languages.is_empty() {
            errors.add("languages", "dir-error-languages");
        }
        if self.regions.is_empty() {
            errors.add("regions", "dir-error-regions");
        }
        let cities = optional(&mut errors, "cities", &self.cities, PLACE_MAX);
        let address = optional(&mut errors, "address", &self.address, PLACE_MAX);
        let opening_hours = optional(&mut errors, "opening_hours", &self.opening_hours, PLACE_MAX);
        let focal_point_email = EmailAddress::parse(&self.focal_point_email)
            .map_err(|_| errors.add("focal_point_email", "error-email"))
            .ok();
        let response_days = self.response_days.filter(|days| RESPONSE_DAYS.contains(days));
        if response_days.is_none() {
            errors.add("response_days", "dir-error-response-days");
        }
        if self.last_verified_on.is_some_and(|date| date > today) {
            errors.add("last_verified_on", "dir-error-verified-date");
        }
        let (Some(response_days), true) = (response_days, errors.is_empty()) else {
            return Err(errors);
        };
        Ok(ServiceFields {
            name_fr,
            name_ar,
            name_en,
            description_fr,
            description_ar,
            description_en,
            category: self.category,
            eligibility,
            languages: dedup(&self.languages),
            regions: dedup(&self.regions),
            cities,
            address,
            opening_hours,
            focal_point_email,
            response_days,
            intake_open: self.intake_open,
            last_verified_on: self.last_verified_on,
        })
    }
}

/// A list of codes without repeats, in the order given.
fn dedup<T: Copy + PartialEq>(codes: &[T]) -> Vec<T> {
    let mut out: Vec<T> = Vec::with_capacity(codes.len());
    for code in codes {
        if !out.contains(code) {
            out.push(*code);
        }
    }
    out
}

/// Publishes a service for its owner: the acting member's tenant (who must
/// be allowed `service:manage` there) or an external organisation (a
/// network user allowed `directory:manage`; `NotFound` if there is no such
/// organisation). Audits `service.created` in the owner's log; returns the
/// service's id.
pub async fn create_service(
    app: &App,
    actor: &Actor,
    owner: ServiceOwner,
    input: ServiceInput,
) -> AppResult<ServiceId> {
    let target = Target::of(actor, owner)?;
    app.write(actor, move |tx| {
        let fields = input.fields(tx.today()).map_err(AppError::Validation)?;
        let at = tx.at();
        if let Some(org) = target.organisation {
            directory::find_organisation(tx.conn(), org)?;
        }
        let service = directory::create_service(tx.conn(), target.owner()?, &fields, at)?;
        tx.audit(target.tenant.as_ref(), AuditAction::ServiceCreated, service.id, target.details())?;
        Ok(service.id)
    })
    .await
}

/// Changes a service of its owner (as [`create_service`] decides who may);
/// a service someone else owns is `NotFound`. Audits `service.updated` in
/// the owner's log.
pub async fn update_service(
    app: &App,
    actor: &Actor,
    owner: ServiceOwner,
    id: ServiceId,
    input: ServiceInput,
) -> AppResult<()> {
    let target = Target::of(actor, owner)?;
    app.write(actor, move |tx| {
        let fields = input.fields(tx.today()).map_err(AppError::Validation)?;
        let at = tx.at();
        directory::update_service(tx.conn(), target.owner()?, id, &fields, at)?;
        tx.audit(target.tenant.as_ref(), AuditAction::ServiceUpdated, id, target.details())?;
        Ok(())
    })
    .await
}
