//! The service directory: external organisations (partners without an
//! account) and the services of tenants and external organisations. Read by
//! every signed-in user; changed only by the owner's administrators — a
//! tenant's services through its [`TenantScope`], external organisations'
//! by the network administration (they are network-level records, decision
//! 0016). Writes are stamped with the time the caller gives (the
//! application clock); the rules (who may, what a field may hold) are the
//! application layer's.

use std::fmt::Display;
use std::marker::PhantomData;
use std::str::FromStr;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql};
use diesel::prelude::*;
use diesel::sql_types::Text;
use relais_domain::directory::ServiceCategory;
use relais_domain::{EmailAddress, Language, OrganisationId, Region, ServiceId, TenantId, TenantKind};

use crate::schema::{external_organisations, services, tenants};
use crate::stored::{Stored, StoredOpt, TextColumn, text_columns};
use crate::{DbConnection, PersistenceError, TenantScope};

text_columns!(
    external_organisations.id,
    external_organisations.kind,
    external_organisations.region,
    services.id,
    services.owner_tenant_id,
    services.owner_organisation_id,
    services.category,
    services.languages,
    services.regions,
);

/// A text column holding a comma-separated list of codes (`fr,ar`), read
/// as `Vec<T>`; an unknown code fails the read, naming the column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredList<T, C>(Vec<T>, PhantomData<C>);

impl<T, C, DB> Queryable<Text, DB> for StoredList<T, C>
where
    DB: Backend,
    String: FromSql<Text, DB>,
    T: FromStr,
    T::Err: Display,
    C: TextColumn,
{
    type Row = String;

    fn build(row: String) -> deserialize::Result<Self> {
        row.split(',')
            .filter(|code| !code.is_empty())
            .map(|code| code.parse::<T>().map_err(|e| format!("column {} holds {row:?}: {e}", C::NAME).into()))
            .collect::<deserialize::Result<Vec<T>>>()
            .map(|list| StoredList(list, PhantomData))
    }
}

impl<T, C> From<StoredList<T, C>> for Vec<T> {
    fn from(stored: StoredList<T, C>) -> Self {
        stored.0
    }
}

/// An organisation that is not a tenant, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = external_organisations)]
pub struct ExternalOrganisation {
    /// Id.
    #[diesel(deserialize_as = Stored<OrganisationId, external_organisations::id>)]
    pub id: OrganisationId,
    /// Name.
    pub name: String,
    /// Kind.
    #[diesel(deserialize_as = Stored<TenantKind, external_organisations::kind>)]
    pub kind: TenantKind,
    /// Region.
    #[diesel(deserialize_as = Stored<Region, external_organisations::region>)]
    pub region: Region,
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

/// Creates an external organisation at `at`; a name already taken is
/// [`relais_domain::Duplicate::OrganisationName`].
pub fn create_organisation(
    conn: &mut DbConnection,
    f: &OrganisationFields,
    at: NaiveDateTime,
) -> Result<ExternalOrganisation, PersistenceError> {
    let id = OrganisationId::new();
    diesel::insert_into(external_organisations::table)
        .values((
            external_organisations::id.eq(id.to_string()),
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
    find_organisation(conn, id)
}

/// Changes an external organisation at `at` (`NotFound` if there is none;
/// a name already taken is [`relais_domain::Duplicate::OrganisationName`]).
pub fn update_organisation(
    conn: &mut DbConnection,
    id: OrganisationId,
    f: &OrganisationFields,
    at: NaiveDateTime,
) -> Result<(), PersistenceError> {
    let changed = diesel::update(external_organisations::table.find(id.to_string()))
        .set((
            external_organisations::name.eq(f.name.trim()),
            external_organisations::kind.eq(f.kind.as_str()),
            external_organisations::region.eq(f.region.as_str()),
            external_organisations::contact_email.eq(f.contact_email.as_str()),
            external_organisations::website.eq(&f.website),
            external_organisations::updated_at.eq(at),
        ))
        .execute(conn)?;
    if changed == 0 { Err(PersistenceError::NotFound) } else { Ok(()) }
}

/// One external organisation.
pub fn find_organisation(
    conn: &mut DbConnection,
    id: OrganisationId,
) -> Result<ExternalOrganisation, PersistenceError> {
    Ok(external_organisations::table.find(id.to_string()).select(ExternalOrganisation::as_select()).first(conn)?)
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
    #[diesel(deserialize_as = Stored<ServiceId, services::id>)]
    pub id: ServiceId,
    /// Owning tenant, when a tenant offers it.
    #[diesel(deserialize_as = StoredOpt<TenantId, services::owner_tenant_id>)]
    pub owner_tenant_id: Option<TenantId>,
    /// Owning external organisation, otherwise.
    #[diesel(deserialize_as = StoredOpt<OrganisationId, services::owner_organisation_id>)]
    pub owner_organisation_id: Option<OrganisationId>,
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
    /// Category.
    #[diesel(deserialize_as = Stored<ServiceCategory, services::category>)]
    pub category: ServiceCategory,
    /// Who may use it.
    pub eligibility: Option<String>,
    /// Languages spoken (stored as comma-separated codes).
    #[diesel(deserialize_as = StoredList<Language, services::languages>)]
    pub languages: Vec<Language>,
    /// Regions served (stored as comma-separated codes).
    #[diesel(deserialize_as = StoredList<Region, services::regions>)]
    pub regions: Vec<Region>,
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
    Organisation(OrganisationId),
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

/// Creates a service for its owner at `at`.
pub fn create_service(
    conn: &mut DbConnection,
    owner: Owner<'_>,
    f: &ServiceFields,
    at: NaiveDateTime,
) -> Result<Service, PersistenceError> {
    let id = ServiceId::new();
    let (tenant, organisation) = match owner {
        Owner::Tenant(scope) => (Some(scope.key()), None),
        Owner::Organisation(org) => (None, Some(org.to_string())),
    };
    let category = f.category.ok_or_else(|| PersistenceError::Config("a service needs a category".into()))?;
    let email =
        f.focal_point_email.as_ref().ok_or_else(|| PersistenceError::Config("a service needs a focal point".into()))?;
    diesel::insert_into(services::table)
        .values((
            services::id.eq(id.to_string()),
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
    find_service(conn, id)
}

/// Changes a service at `at` — only if it belongs to `owner` (`NotFound`
/// otherwise).
pub fn update_service(
    conn: &mut DbConnection,
    owner: Owner<'_>,
    id: ServiceId,
    f: &ServiceFields,
    at: NaiveDateTime,
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
        services::updated_at.eq(at),
    );
    let id = id.to_string();
    let changed = match owner {
        Owner::Tenant(scope) => {
            diesel::update(services::table.find(&id).filter(services::owner_tenant_id.eq(scope.key())))
                .set(values)
                .execute(conn)?
        }
        Owner::Organisation(org) => {
            diesel::update(services::table.find(&id).filter(services::owner_organisation_id.eq(org.to_string())))
                .set(values)
                .execute(conn)?
        }
    };
    if changed == 0 { Err(PersistenceError::NotFound) } else { Ok(()) }
}

/// One service (the directory is read by every signed-in user).
pub fn find_service(conn: &mut DbConnection, id: ServiceId) -> Result<Service, PersistenceError> {
    Ok(services::table.find(id.to_string()).select(Service::as_select()).first(conn)?)
}

/// One service of `owner` (`NotFound` for a service someone else owns).
pub fn find_owned_service(
    conn: &mut DbConnection,
    owner: Owner<'_>,
    id: ServiceId,
) -> Result<Service, PersistenceError> {
    let query = services::table.find(id.to_string()).select(Service::as_select());
    Ok(match owner {
        Owner::Tenant(scope) => query.filter(services::owner_tenant_id.eq(scope.key())).first(conn)?,
        Owner::Organisation(org) => query.filter(services::owner_organisation_id.eq(org.to_string())).first(conn)?,
    })
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
    let mut entries: Vec<DirectoryEntry> = rows
        .into_iter()
        .filter(|s| q.region.is_none_or(|r| s.regions.contains(&r)))
        .filter(|s| q.language.is_none_or(|l| s.languages.contains(&l)))
        .filter_map(|service| {
            let (owner, is_tenant) = match (&service.owner_tenant_id, &service.owner_organisation_id) {
                (Some(t), _) => (tenant_names.get(&t.to_string())?, true),
                (None, Some(o)) => (org_names.get(&o.to_string())?, false),
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

/// One service as listed in the directory, with its owner's name
/// (`NotFound` when there is none, or its owner is not listed).
pub fn entry(conn: &mut DbConnection, id: ServiceId) -> Result<DirectoryEntry, PersistenceError> {
    let service = find_service(conn, id)?;
    let (owner_name, active, owner_is_tenant) = match (service.owner_tenant_id, service.owner_organisation_id) {
        (Some(tenant), _) => {
            let (name, active) = tenants::table
                .find(tenant.to_string())
                .select((tenants::name, tenants::active))
                .first::<(String, bool)>(conn)?;
            (name, active, true)
        }
        (None, Some(org)) => {
            let found = find_organisation(conn, org)?;
            (found.name, found.active, false)
        }
        (None, None) => return Err(PersistenceError::NotFound),
    };
    if !active {
        return Err(PersistenceError::NotFound);
    }
    Ok(DirectoryEntry { service, owner_name, owner_is_tenant })
}

/// The services of an external organisation.
pub fn services_of_organisation(
    conn: &mut DbConnection,
    organisation_id: OrganisationId,
) -> Result<Vec<Service>, PersistenceError> {
    Ok(services::table
        .filter(services::owner_organisation_id.eq(organisation_id.to_string()))
        .order(services::name_fr.asc())
        .select(Service::as_select())
        .load(conn)?)
}
