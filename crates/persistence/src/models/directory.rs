//! The service directory: external organisations (partners without an
//! account) and the services of tenants and external organisations. Read by
//! every signed-in user; changed only by the owner's administrators — a
//! tenant's services through its [`TenantScope`], external organisations'
//! by the network administration.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use relais_domain::directory::ServiceCategory;
use relais_domain::{EmailAddress, Language, Region, TenantKind};
use uuid::Uuid;

use crate::schema::{external_organisations, services, tenants};
use crate::{DbConnection, PersistenceError, TenantScope, now};

/// An organisation that is not a tenant, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = external_organisations)]
pub struct ExternalOrganisation {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Kind code.
    pub kind: String,
    /// Region code.
    pub region: String,
    /// Contact e-mail.
    pub contact_email: String,
    /// Website, if any.
    pub website: Option<String>,
    /// Listed in the directory.
    pub active: bool,
    /// Creation time.
    pub created_at: NaiveDateTime,
    /// Last change.
    pub updated_at: NaiveDateTime,
}

/// What is needed to create or change an external organisation.
#[derive(Debug, Clone)]
pub struct OrganisationFields {
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: TenantKind,
    /// Region.
    pub region: Region,
    /// Contact e-mail.
    pub contact_email: EmailAddress,
    /// Website.
    pub website: Option<String>,
}

/// Creates an external organisation; a name already taken is a conflict.
pub fn create_organisation(
    conn: &mut DbConnection,
    f: &OrganisationFields,
) -> Result<ExternalOrganisation, PersistenceError> {
    let at = now();
    let id = Uuid::now_v7().to_string();
    diesel::insert_into(external_organisations::table)
        .values((
            external_organisations::id.eq(&id),
            external_organisations::name.eq(f.name.trim()),
            external_organisations::kind.eq(f.kind.as_str()),
            external_organisations::region.eq(f.region.as_str()),
            external_organisations::contact_email.eq(f.contact_email.as_str()),
            external_organisations::website.eq(&f.website),
            external_organisations::active.eq(true),
            external_organisations::created_at.eq(at),
            external_organisations::updated_at.eq(at),
        ))
        .execute(conn)?;
    find_organisation(conn, &id)
}

/// Changes an external organisation.
pub fn update_organisation(conn: &mut DbConnection, id: &str, f: &OrganisationFields) -> Result<(), PersistenceError> {
    let changed = diesel::update(external_organisations::table.find(id))
        .set((
            external_organisations::name.eq(f.name.trim()),
            external_organisations::kind.eq(f.kind.as_str()),
            external_organisations::region.eq(f.region.as_str()),
            external_organisations::contact_email.eq(f.contact_email.as_str()),
            external_organisations::website.eq(&f.website),
            external_organisations::updated_at.eq(now()),
        ))
        .execute(conn)?;
    if changed == 0 { Err(PersistenceError::NotFound) } else { Ok(()) }
}

/// One external organisation.
pub fn find_organisation(conn: &mut DbConnection, id: &str) -> Result<ExternalOrganisation, PersistenceError> {
    Ok(external_organisations::table.find(id).select(ExternalOrganisation::as_select()).first(conn)?)
}

/// Every external organisation, by name.
pub fn list_organisations(conn: &mut DbConnection) -> Result<Vec<ExternalOrganisation>, PersistenceError> {
    Ok(external_organisations::table
        .order(external_organisations::name.asc())
        .select(ExternalOrganisation::as_select())
        .load(conn)?)
}

/// A service as stored.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = services)]
pub struct Service {
    /// Id.
    pub id: String,
    /// Owning tenant, when a tenant offers it.
    pub owner_tenant_id: Option<String>,
    /// Owning external organisation, otherwise.
    pub owner_organisation_id: Option<String>,
    /// Name in French (required).
    pub name_fr: String,
    /// Name in Arabic.
    pub name_ar: Option<String>,
    /// Name in English.
    pub name_en: Option<String>,
    /// Description in French.
    pub description_fr: String,
    /// Description in Arabic.
    pub description_ar: Option<String>,
    /// Description in English.
    pub description_en: Option<String>,
    /// Category code.
    pub category: String,
    /// Who may use it.
    pub eligibility: Option<String>,
    /// Languages spoken, comma-separated codes.
    pub languages: String,
    /// Regions served, comma-separated codes.
    pub regions: String,
    /// Cities served.
    pub cities: Option<String>,
    /// Address.
    pub address: Option<String>,
    /// Opening hours.
    pub opening_hours: Option<String>,
    /// Focal point's e-mail (receives referrals).
    pub focal_point_email: String,
    /// Expected response time, in days.
    pub response_days: i32,
    /// Whether new referrals are accepted.
    pub intake_open: bool,
    /// When the entry was last checked.
    pub last_verified_on: Option<NaiveDate>,
    /// Folded text for search (names in every language, category, cities).
    pub search_key: String,
    /// Creation time.
    pub created_at: NaiveDateTime,
    /// Last change.
    pub updated_at: NaiveDateTime,
}

impl Service {
    /// The name in a language, falling back to French.
    pub fn name(&self, lang: Language) -> &str {
        let translated = match lang {
            Language::Fr => None,
            Language::Ar => self.name_ar.as_deref(),
            Language::En => self.name_en.as_deref(),
        };
        translated.filter(|n| !n.trim().is_empty()).unwrap_or(&self.name_fr)
    }

    /// The description in a language, falling back to French.
    pub fn description(&self, lang: Language) -> &str {
        let translated = match lang {
            Language::Fr => None,
            Language::Ar => self.description_ar.as_deref(),
            Language::En => self.description_en.as_deref(),
        };
        translated.filter(|n| !n.trim().is_empty()).unwrap_or(&self.description_fr)
    }
}

/// The fields of a service, checked by the caller.
#[derive(Debug, Clone, Default)]
pub struct ServiceFields {
    /// Names (French required).
    pub name_fr: String,
    /// Arabic name.
    pub name_ar: Option<String>,
    /// English name.
    pub name_en: Option<String>,
    /// French description.
    pub description_fr: String,
    /// Arabic description.
    pub description_ar: Option<String>,
    /// English description.
    pub description_en: Option<String>,
    /// Category.
    pub category: Option<ServiceCategory>,
    /// Eligibility notes.
    pub eligibility: Option<String>,
    /// Language codes.
    pub languages: Vec<Language>,
    /// Region codes.
    pub regions: Vec<Region>,
    /// Cities.
    pub cities: Option<String>,
    /// Address.
    pub address: Option<String>,
    /// Opening hours.
    pub opening_hours: Option<String>,
    /// Focal point e-mail.
    pub focal_point_email: Option<EmailAddress>,
    /// Response time in days (1–90).
    pub response_days: i32,
    /// Intake open.
    pub intake_open: bool,
    /// Last verified.
    pub last_verified_on: Option<NaiveDate>,
}

/// Who owns a service.
#[derive(Debug, Clone, Copy)]
pub enum Owner<'a> {
    /// A tenant (changed through its scope).
    Tenant(&'a TenantScope),
    /// An external organisation (changed by the network administration).
    Organisation(&'a str),
}

/// Search form of a text: Latin words without accents, lower-cased, plus
/// words of other scripts (Arabic) as written, lower-cased.
fn fold(text: &str) -> String {
    let mut parts = relais_domain::names::plain_words(text);
    parts.extend(text.to_lowercase().split_whitespace().filter(|w| !w.is_ascii()).map(str::to_owned));
    parts.join(" ")
}

fn search_key(f: &ServiceFields) -> String {
    let parts = [
        Some(f.name_fr.as_str()),
        f.name_ar.as_deref(),
        f.name_en.as_deref(),
        f.cities.as_deref(),
        f.category.map(|c| c.as_str()),
    ];
    parts.into_iter().flatten().map(fold).collect::<Vec<_>>().join(" ")
}

fn join_codes<T: std::fmt::Display>(codes: &[T]) -> String {
    codes.iter().map(ToString::to_string).collect::<Vec<_>>().join(",")
}

/// Creates a service for its owner.
pub fn create_service(
    conn: &mut DbConnection,
    owner: Owner<'_>,
    f: &ServiceFields,
) -> Result<Service, PersistenceError> {
    let at = now();
    let id = Uuid::now_v7().to_string();
    let (tenant, organisation) = match owner {
        Owner::Tenant(scope) => (Some(scope.key()), None),
        Owner::Organisation(org) => (None, Some(org.to_owned())),
    };
    let category = f.category.ok_or_else(|| PersistenceError::Config("a service needs a category".into()))?;
    let email =
        f.focal_point_email.as_ref().ok_or_else(|| PersistenceError::Config("a service needs a focal point".into()))?;
    diesel::insert_into(services::table)
        .values((
            services::id.eq(&id),
            services::owner_tenant_id.eq(tenant),
            services::owner_organisation_id.eq(organisation),
            services::name_fr.eq(f.name_fr.trim()),
            services::name_ar.eq(&f.name_ar),
            services::name_en.eq(&f.name_en),
            services::description_fr.eq(&f.description_fr),
            services::description_ar.eq(&f.description_ar),
            services::description_en.eq(&f.description_en),
            services::category.eq(category.as_str()),
            services::eligibility.eq(&f.eligibility),
            services::languages.eq(join_codes(&f.languages)),
            services::regions.eq(join_codes(&f.regions)),
            services::cities.eq(&f.cities),
            services::address.eq(&f.address),
            services::opening_hours.eq(&f.opening_hours),
            services::focal_point_email.eq(email.as_str()),
            services::response_days.eq(f.response_days),
            services::intake_open.eq(f.intake_open),
            services::last_verified_on.eq(f.last_verified_on),
            services::search_key.eq(search_key(f)),
            services::created_at.eq(at),
            services::updated_at.eq(at),
        ))
        .execute(conn)?;
    find_service(conn, &id)
}

/// Changes a service — only if it belongs to `owner` (`NotFound` otherwise).
pub fn update_service(
    conn: &mut DbConnection,
    owner: Owner<'_>,
    id: &str,
    f: &ServiceFields,
) -> Result<(), PersistenceError> {
    let category = f.category.ok_or_else(|| PersistenceError::Config("a service needs a category".into()))?;
    let email =
        f.focal_point_email.as_ref().ok_or_else(|| PersistenceError::Config("a service needs a focal point".into()))?;
    let values = (
        services::name_fr.eq(f.name_fr.trim()),
        services::name_ar.eq(&f.name_ar),
        services::name_en.eq(&f.name_en),
        services::description_fr.eq(&f.description_fr),
        services::description_ar.eq(&f.description_ar),
        services::description_en.eq(&f.description_en),
        services::category.eq(category.as_str()),
        services::eligibility.eq(&f.eligibility),
        services::languages.eq(join_codes(&f.languages)),
        services::regions.eq(join_codes(&f.regions)),
        services::cities.eq(&f.cities),
        services::address.eq(&f.address),
        services::opening_hours.eq(&f.opening_hours),
        services::focal_point_email.eq(email.as_str()),
        services::response_days.eq(f.response_days),
        services::intake_open.eq(f.intake_open),
        services::last_verified_on.eq(f.last_verified_on),
        services::search_key.eq(search_key(f)),
        services::updated_at.eq(now()),
    );
    let changed = match owner {
        Owner::Tenant(scope) => {
            diesel::update(services::table.find(id).filter(services::owner_tenant_id.eq(scope.key())))
                .set(values)
                .execute(conn)?
        }
        Owner::Organisation(org) => {
            diesel::update(services::table.find(id).filter(services::owner_organisation_id.eq(org)))
                .set(values)
                .execute(conn)?
        }
    };
    if changed == 0 { Err(PersistenceError::NotFound) } else { Ok(()) }
}

/// One service.
pub fn find_service(conn: &mut DbConnection, id: &str) -> Result<Service, PersistenceError> {
    Ok(services::table.find(id).select(Service::as_select()).first(conn)?)
}

/// A directory search.
#[derive(Debug, Clone, Default)]
pub struct DirectoryQuery {
    /// Words that must all appear (folded) in the service's names, cities or category.
    pub text: Option<String>,
    /// Only this category.
    pub category: Option<ServiceCategory>,
    /// Only services serving this region.
    pub region: Option<Region>,
    /// Only services offered in this language.
    pub language: Option<Language>,
    /// Only services whose intake is open.
    pub intake_open_only: bool,
}

/// A service with its owner's name, as listed in the directory.
#[derive(Debug, Clone)]
pub struct DirectoryEntry {
    /// The service.
    pub service: Service,
    /// The owner's name (tenant or external organisation).
    pub owner_name: String,
    /// Whether the owner is a tenant (referrals to it happen inside Relais).
    pub owner_is_tenant: bool,
}

/// The directory, filtered; by owner then name. The directory is small
/// (hundreds of services), so filters on lists are applied in Rust.
pub fn search(conn: &mut DbConnection, q: &DirectoryQuery) -> Result<Vec<DirectoryEntry>, PersistenceError> {
    let mut query = services::table.into_boxed();
    if let Some(category) = q.category {
        query = query.filter(services::category.eq(category.as_str()));
    }
    if q.intake_open_only {
        query = query.filter(services::intake_open.eq(true));
    }
    if let Some(text) = &q.text {
        for word in text.split_whitespace() {
            let folded = fold(word);
            let Some(word) = folded.split_whitespace().next() else { continue };
            query = query.filter(services::search_key.like(format!("%{}%", word.replace(['%', '_'], ""))));
        }
    }
    let rows: Vec<Service> = query.order(services::name_fr.asc()).select(Service::as_select()).limit(500).load(conn)?;
    let tenant_names: std::collections::HashMap<String, (String, bool)> = tenants::table
        .select((tenants::id, tenants::name, tenants::active))
        .load::<(String, String, bool)>(conn)?
        .into_iter()
        .map(|(id, name, active)| (id, (name, active)))
        .collect();
    let org_names: std::collections::HashMap<String, (String, bool)> = external_organisations::table
        .select((external_organisations::id, external_organisations::name, external_organisations::active))
        .load::<(String, String, bool)>(conn)?
        .into_iter()
        .map(|(id, name, active)| (id, (name, active)))
        .collect();
    let has = |list: &str, code: &str| list.split(',').any(|c| c == code);
    let mut entries: Vec<DirectoryEntry> = rows
        .into_iter()
        .filter(|s| q.region.is_none_or(|r| has(&s.regions, r.as_str())))
        .filter(|s| q.language.is_none_or(|l| has(&s.languages, l.as_str())))
        .filter_map(|service| {
            let (owner, is_tenant) = match (&service.owner_tenant_id, &service.owner_organisation_id) {
                (Some(t), _) => (tenant_names.get(t)?, true),
                (None, Some(o)) => (org_names.get(o)?, false),
                (None, None) => return None,
            };
            let (name, active) = owner;
            active.then(|| DirectoryEntry { owner_name: name.clone(), owner_is_tenant: is_tenant, service })
        })
        .collect();
    entries.sort_by(|a, b| (&a.owner_name, &a.service.name_fr).cmp(&(&b.owner_name, &b.service.name_fr)));
    Ok(entries)
}

/// The services a tenant publishes.
pub fn services_of_tenant(conn: &mut DbConnection, scope: &TenantScope) -> Result<Vec<Service>, PersistenceError> {
    Ok(services::table
        .filter(services::owner_tenant_id.eq(scope.key()))
        .order(services::name_fr.asc())
        .select(Service::as_select())
        .load(conn)?)
}

/// The services of an external organisation.
pub fn services_of_organisation(
    conn: &mut DbConnection,
    organisation_id: &str,
) -> Result<Vec<Service>, PersistenceError> {
    Ok(services::table
        .filter(services::owner_organisation_id.eq(organisation_id))
        .order(services::name_fr.asc())
        .select(Service::as_select())
        .load(conn)?)
}
