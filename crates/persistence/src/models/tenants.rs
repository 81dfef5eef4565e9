//! `tenants`: the partner organisations. Tenants are network-level rows:
//! managing them is the network administrator's work.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use relais_domain::{EmailAddress, Language, Region, TenantId, TenantKind};

use crate::schema::tenants;
use crate::stored::{Stored, text_columns};

text_columns!(tenants.kind, tenants.region, tenants.default_language);
use crate::{DbConnection, PersistenceError};

/// A tenant as stored.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = tenants)]
pub struct Tenant {
    /// Id (UUIDv7 text).
    pub id: String,
    /// Organisation name.
    pub name: String,
    /// Kind.
    #[diesel(deserialize_as = Stored<TenantKind, tenants::kind>)]
    pub kind: TenantKind,
    /// Region.
    #[diesel(deserialize_as = Stored<Region, tenants::region>)]
    pub region: Region,
    /// Default language of its pages and e-mails.
    #[diesel(deserialize_as = Stored<Language, tenants::default_language>)]
    pub default_language: Language,
    /// Contact e-mail of the organisation.
    pub contact_email: String,
    /// Whether members may sign in to it.
    pub active: bool,
    /// Creation time (UTC).
    pub created_at: NaiveDateTime,
    /// Last change (UTC).
    pub updated_at: NaiveDateTime,
}

impl Tenant {
    /// The typed id.
    pub fn tenant_id(&self) -> Result<TenantId, PersistenceError> {
        self.id.parse().map_err(|_| PersistenceError::Config(format!("malformed tenant id {}", self.id)))
    }
}

/// What is needed to create a tenant (already validated by the caller).
#[derive(Debug, Clone)]
pub struct NewTenant {
    /// Organisation name.
    pub name: String,
    /// Kind.
    pub kind: TenantKind,
    /// Region.
    pub region: Region,
    /// Default language.
    pub default_language: Language,
    /// Contact e-mail.
    pub contact_email: EmailAddress,
}

#[derive(Insertable)]
#[diesel(table_name = tenants)]
struct TenantRow<'a> {
    id: String,
    name: &'a str,
    kind: &'a str,
    region: &'a str,
    default_language: &'a str,
    contact_email: &'a str,
    active: bool,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

/// Creates a tenant; a name already taken is a [`PersistenceError::Conflict`].
pub fn create(conn: &mut DbConnection, new: &NewTenant, at: NaiveDateTime) -> Result<Tenant, PersistenceError> {
    let row = TenantRow {
        id: TenantId::new().to_string(),
        name: new.name.trim(),
        kind: new.kind.as_str(),
        region: new.region.as_str(),
        default_language: new.default_language.as_str(),
        contact_email: new.contact_email.as_str(),
        active: true,
        created_at: at,
        updated_at: at,
    };
    diesel::insert_into(tenants::table).values(&row).execute(conn)?;
    find(conn, &row.id)
}

/// One tenant by id.
pub fn find(conn: &mut DbConnection, id: &str) -> Result<Tenant, PersistenceError> {
    Ok(tenants::table.find(id).select(Tenant::as_select()).first(conn)?)
}

/// All tenants, by name.
pub fn list(conn: &mut DbConnection) -> Result<Vec<Tenant>, PersistenceError> {
    Ok(tenants::table.order(tenants::name.asc()).select(Tenant::as_select()).load(conn)?)
}

/// Changes a tenant's details; returns it as it was before and as it is now.
pub fn update(
    conn: &mut DbConnection,
    id: &str,
    changes: &NewTenant,
    at: NaiveDateTime,
) -> Result<(Tenant, Tenant), PersistenceError> {
    let before = find(conn, id)?;
    diesel::update(tenants::table.find(id))
        .set((
            tenants::name.eq(changes.name.trim()),
            tenants::kind.eq(changes.kind.as_str()),
            tenants::region.eq(changes.region.as_str()),
            tenants::default_language.eq(changes.default_language.as_str()),
            tenants::contact_email.eq(changes.contact_email.as_str()),
            tenants::updated_at.eq(at),
        ))
        .execute(conn)?;
    Ok((before, find(conn, id)?))
}

/// Activates or deactivates a tenant (members of an inactive tenant cannot work in it).
pub fn set_active(conn: &mut DbConnection, id: &str, active: bool, at: NaiveDateTime) -> Result<(), PersistenceError> {
    let changed = diesel::update(tenants::table.find(id))
        .set((tenants::active.eq(active), tenants::updated_at.eq(at)))
        .execute(conn)?;
    if changed == 0 { Err(PersistenceError::NotFound) } else { Ok(()) }
}
