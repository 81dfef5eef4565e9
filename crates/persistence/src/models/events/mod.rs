//! Outreach events (issue 12): `events` and who organises them
//! (`event_organisers`: the event's tenant and co-organising tenants;
//! `event_co_organisers`: organisations of the directory;
//! `event_facilitators`: members who ran it). Tenant-owned: every function
//! takes a [`TenantScope`].
//!
//! An event belongs to the tenant that recorded it, and only that tenant
//! changes it. Each tenant that organises it (its own tenant included) has
//! a row in `event_organisers`; a co-organising tenant sees the event
//! through that row, and records its own attendance, tallies and
//! participants' attendance, which point at that row — so it sees only its
//! own attendees, and the database refuses a record of a tenant that does
//! not organise the event.
//!
//! - this module: the event, its organisers, creating and changing it;
//! - [`listing`]: the events list (filters, keyset pages);
//! - [`attendance`]: registered attendance, and the events a person attended;
//! - [`tallies`]: anonymous head-counts;
//! - [`figures`]: the tenant's figures for a period.
//!
//! The rules (status machine, dates, who may be named) are applied by the
//! application layer; writes take the time of the change (`at`).

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use relais_domain::outreach::{EventKind, EventStatus, EventTopic, Topics, TrainingAudience};
use relais_domain::{Conflict, EventId, MembershipStatus, OrganisationId, Region, TenantId, UserId};

use crate::schema::{
    event_attendances, event_co_organisers, event_facilitators, event_organisers, event_tallies, events,
    external_organisations, memberships, participant_attendances, tenants, users,
};
use crate::stored::{Stored, StoredOpt, text_columns};
use crate::{DbConnection, PersistenceError, TenantScope};

pub mod attendance;
pub mod figures;
pub mod listing;
pub mod tallies;

text_columns!(
    events.tenant_id,
    events.id,
    events.kind,
    events.topics,
    events.audience,
    events.region,
    events.status,
    events.created_by,
    event_organisers.organiser_tenant_id,
    event_co_organisers.organisation_id,
    event_facilitators.user_id,
);

/// An event as stored.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = events)]
pub struct Event {
    /// The tenant that recorded it (and alone changes it).
    #[diesel(deserialize_as = Stored<TenantId, events::tenant_id>)]
    pub tenant_id: TenantId,
    /// Id.
    #[diesel(deserialize_as = Stored<EventId, events::id>)]
    pub id: EventId,
    /// Title.
    pub title: String,
    /// Kind.
    #[diesel(deserialize_as = Stored<EventKind, events::kind>)]
    pub kind: EventKind,
    /// Topics.
    #[diesel(deserialize_as = Stored<Topics, events::topics>)]
    pub topics: Topics,
    /// Whom a training is for (trainings only).
    #[diesel(deserialize_as = StoredOpt<TrainingAudience, events::audience>)]
    pub audience: Option<TrainingAudience>,
    /// The (first) day of the event.
    pub start_date: NaiveDate,
    /// The last day of a multi-day event.
    pub end_date: Option<NaiveDate>,
    /// City.
    pub city: Option<String>,
    /// Region.
    #[diesel(deserialize_as = Stored<Region, events::region>)]
    pub region: Region,
    /// Languages used, comma separated, as written.
    pub languages: String,
    /// Notes.
    pub notes: Option<String>,
    /// Status.
    #[diesel(deserialize_as = Stored<EventStatus, events::status>)]
    pub status: EventStatus,
    /// Who recorded it.
    #[diesel(deserialize_as = StoredOpt<UserId, events::created_by>)]
    pub created_by: Option<UserId>,
    /// Creation time (UTC).
    pub created_at: NaiveDateTime,
    /// Last change (UTC).
    pub updated_at: NaiveDateTime,
    /// Optimistic-locking version.
    pub version: i32,
}

impl Event {
    /// The languages as a list.
    pub fn language_list(&self) -> Vec<&str> {
        self.languages.split(',').map(str::trim).filter(|l| !l.is_empty()).collect()
    }
}

/// The description of an event (checked by the caller).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventFields {
    /// Title.
    pub title: String,
    /// Kind.
    pub kind: EventKind,
    /// Topics (at least one for information sessions, checked by the caller).
    pub topics: Vec<EventTopic>,
    /// Whom a training is for (trainings only).
    pub audience: Option<TrainingAudience>,
    /// First day.
    pub start_date: NaiveDate,
    /// Last day of a multi-day event.
    pub end_date: Option<NaiveDate>,
    /// City.
    pub city: Option<String>,
    /// Region.
    pub region: Region,
    /// Languages used.
    pub languages: Vec<String>,
    /// Notes.
    pub notes: Option<String>,
}

/// Who organises an event besides its tenant, and who ran it (checked by
/// the caller: other active tenants, active organisations, active members).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct EventLinks {
    /// Co-organising tenants.
    pub co_tenants: Vec<TenantId>,
    /// Co-organising organisations of the directory.
    pub organisations: Vec<OrganisationId>,
    /// Members of the event's tenant who ran it.
    pub facilitators: Vec<UserId>,
}

/// Why an event change was refused.
#[derive(Debug, thiserror::Error)]
pub enum EventError {
    /// A co-organising tenant that already recorded attendance, tallies or
    /// participants at the event cannot be taken off it.
    #[error("the co-organiser {0} has records at this event")]
    CoOrganiserHasRecords(TenantId),
    /// A database error (including `NotFound` and `Conflict`).
    #[error(transparent)]
    Persistence(#[from] PersistenceError),
}

impl From<diesel::result::Error> for EventError {
    fn from(err: diesel::result::Error) -> Self {
        EventError::Persistence(err.into())
    }
}

fn languages_text(languages: &[String]) -> String {
    languages.iter().map(|l| l.trim()).filter(|l| !l.is_empty()).collect::<Vec<_>>().join(", ")
}

/// An event the tenant organises (its own, or one it co-organises);
/// `NotFound` otherwise.
pub fn find(conn: &mut DbConnection, scope: &TenantScope, id: EventId) -> Result<Event, PersistenceError> {
    Ok(events::table
        .inner_join(
            event_organisers::table
                .on(event_organisers::tenant_id.eq(events::tenant_id).and(event_organisers::event_id.eq(events::id))),
        )
        .filter(event_organisers::organiser_tenant_id.eq(scope.key()))
        .filter(events::id.eq(id.to_string()))
        .select(Event::as_select())
        .first(conn)?)
}

/// An event of the tenant itself (the one it may change); `NotFound` for
/// another tenant's event, co-organised or not.
pub fn find_own(conn: &mut DbConnection, scope: &TenantScope, id: EventId) -> Result<Event, PersistenceError> {
    Ok(events::table
        .filter(events::tenant_id.eq(scope.key()))
        .filter(events::id.eq(id.to_string()))
        .select(Event::as_select())
        .first(conn)?)
}

/// Records an event of the tenant with `status` (checked by the caller),
/// its co-organisers and facilitators, created at `at`.
pub fn create(
    conn: &mut DbConnection,
    scope: &TenantScope,
    fields: &EventFields,
    status: EventStatus,
    links: &EventLinks,
    by: Option<UserId>,
    at: NaiveDateTime,
) -> Result<Event, PersistenceError> {
    let id = EventId::new();
    diesel::insert_into(events::table)
        .values((
            events::tenant_id.eq(scope.key()),
            events::id.eq(id.to_string()),
            events::title.eq(&fields.title),
            events::kind.eq(fields.kind.as_str()),
            events::topics.eq(Topics(fields.topics.clone()).to_string()),
            events::audience.eq(fields.audience.map(|a| a.as_str())),
            events::start_date.eq(fields.start_date),
            events::end_date.eq(fields.end_date),
            events::city.eq(fields.city.as_deref()),
            events::region.eq(fields.region.as_str()),
            events::languages.eq(languages_text(&fields.languages)),
            events::notes.eq(fields.notes.as_deref()),
            events::status.eq(status.as_str()),
            events::created_by.eq(by.map(|u| u.to_string())),
            events::created_at.eq(at),
            events::updated_at.eq(at),
            events::version.eq(1),
        ))
        .execute(conn)?;
    add_organiser(conn, scope, id, scope.tenant_id(), at)?;
    add_links(conn, scope, id, &EventLinks::default(), links, at)?;
    find_own(conn, scope, id)
}

fn add_organiser(
    conn: &mut DbConnection,
    scope: &TenantScope,
    id: EventId,
    organiser: TenantId,
    at: NaiveDateTime,
) -> Result<(), PersistenceError> {
    diesel::insert_into(event_organisers::table)
        .values((
            event_organisers::tenant_id.eq(scope.key()),
            event_organisers::event_id.eq(id.to_string()),
            event_organisers::organiser_tenant_id.eq(organiser.to_string()),
            event_organisers::created_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Whether a co-organising tenant has recorded anything at an event.
fn organiser_has_records(
    conn: &mut DbConnection,
    scope: &TenantScope,
    id: EventId,
    organiser: TenantId,
) -> Result<bool, PersistenceError> {
    let (event, owner, tenant) = (id.to_string(), scope.key(), organiser.to_string());
    let attendances: bool = diesel::select(diesel::dsl::exists(
        event_attendances::table
            .filter(event_attendances::tenant_id.eq(&tenant))
            .filter(event_attendances::event_id.eq(&event))
            .filter(event_attendances::event_tenant_id.eq(&owner)),
    ))
    .get_result(conn)?;
    let tallies: bool = diesel::select(diesel::dsl::exists(
        event_tallies::table
            .filter(event_tallies::tenant_id.eq(&tenant))
            .filter(event_tallies::event_id.eq(&event))
            .filter(event_tallies::event_tenant_id.eq(&owner)),
    ))
    .get_result(conn)?;
    let participants: bool = diesel::select(diesel::dsl::exists(
        participant_attendances::table
            .filter(participant_attendances::tenant_id.eq(&tenant))
            .filter(participant_attendances::event_id.eq(&event))
            .filter(participant_attendances::event_tenant_id.eq(&owner)),
    ))
    .get_result(conn)?;
    Ok(attendances || tallies || participants)
}

/// Takes off the links of `before` that are not in `after` (of the
/// tenant's event `id`); a co-organising tenant with records stays.
fn remove_links(
    conn: &mut DbConnection,
    scope: &TenantScope,
    id: EventId,
    before: &EventLinks,
    after: &EventLinks,
) -> Result<(), EventError> {
    let event = id.to_string();
    for gone in before.co_tenants.iter().filter(|t| !after.co_tenants.contains(t)) {
        if organiser_has_records(conn, scope, id, *gone)? {
            return Err(EventError::CoOrganiserHasRecords(*gone));
        }
        diesel::delete(
            event_organisers::table
                .filter(event_organisers::tenant_id.eq(scope.key()))
                .filter(event_organisers::event_id.eq(&event))
                .filter(event_organisers::organiser_tenant_id.eq(gone.to_string())),
        )
        .execute(conn)?;
    }
    for gone in before.organisations.iter().filter(|o| !after.organisations.contains(o)) {
        diesel::delete(
            event_co_organisers::table
                .filter(event_co_organisers::tenant_id.eq(scope.key()))
                .filter(event_co_organisers::event_id.eq(&event))
                .filter(event_co_organisers::organisation_id.eq(gone.to_string())),
        )
        .execute(conn)?;
    }
    for gone in before.facilitators.iter().filter(|u| !after.facilitators.contains(u)) {
        diesel::delete(
            event_facilitators::table
                .filter(event_facilitators::tenant_id.eq(scope.key()))
                .filter(event_facilitators::event_id.eq(&event))
                .filter(event_facilitators::user_id.eq(gone.to_string())),
        )
        .execute(conn)?;
    }
    Ok(())
}

/// Adds the links of `after` that are not in `before` (of the tenant's event `id`).
fn add_links(
    conn: &mut DbConnection,
    scope: &TenantScope,
    id: EventId,
    before: &EventLinks,
    after: &EventLinks,
    at: NaiveDateTime,
) -> Result<(), PersistenceError> {
    let event = id.to_string();
    for new in after.co_tenants.iter().filter(|t| !before.co_tenants.contains(t) && **t != scope.tenant_id()) {
        add_organiser(conn, scope, id, *new, at)?;
    }
    for new in after.organisations.iter().filter(|o| !before.organisations.contains(o)) {
        diesel::insert_into(event_co_organisers::table)
            .values((
                event_co_organisers::tenant_id.eq(scope.key()),
                event_co_organisers::event_id.eq(&event),
                event_co_organisers::organisation_id.eq(new.to_string()),
            ))
            .execute(conn)?;
    }
    for new in after.facilitators.iter().filter(|u| !before.facilitators.contains(u)) {
        diesel::insert_into(event_facilitators::table)
            .values((
                event_facilitators::tenant_id.eq(scope.key()),
                event_facilitators::event_id.eq(&event),
                event_facilitators::user_id.eq(new.to_string()),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// The co-organisers and facilitators of an event the tenant organises
/// (the links are the event's, whoever reads them).
pub fn links(conn: &mut DbConnection, scope: &TenantScope, id: EventId) -> Result<EventLinks, PersistenceError> {
    let event = find(conn, scope, id)?;
    let (owner, key) = (event.tenant_id.to_string(), id.to_string());
    let co_tenants: Vec<Stored<TenantId, event_organisers::organiser_tenant_id>> = event_organisers::table
        .filter(event_organisers::tenant_id.eq(&owner))
        .filter(event_organisers::event_id.eq(&key))
        .filter(event_organisers::organiser_tenant_id.ne(&owner))
        .order(event_organisers::created_at.asc())
        .select(event_organisers::organiser_tenant_id)
        .load(conn)?;
    let organisations: Vec<Stored<OrganisationId, event_co_organisers::organisation_id>> = event_co_organisers::table
        .filter(event_co_organisers::tenant_id.eq(&owner))
        .filter(event_co_organisers::event_id.eq(&key))
        .select(event_co_organisers::organisation_id)
        .load(conn)?;
    let facilitators: Vec<Stored<UserId, event_facilitators::user_id>> = event_facilitators::table
        .filter(event_facilitators::tenant_id.eq(&owner))
        .filter(event_facilitators::event_id.eq(&key))
        .select(event_facilitators::user_id)
        .load(conn)?;
    Ok(EventLinks {
        co_tenants: co_tenants.into_iter().map(Into::into).collect(),
        organisations: organisations.into_iter().map(Into::into).collect(),
        facilitators: facilitators.into_iter().map(Into::into).collect(),
    })
}

/// Changes an event of the tenant and its links if it is still at
/// `expected_version` (otherwise [`Conflict::StaleVersion`] and nothing is
/// written). Returns the event before and after.
pub fn update(
    conn: &mut DbConnection,
    scope: &TenantScope,
    id: EventId,
    expected_version: i32,
    fields: &EventFields,
    links_after: &EventLinks,
    at: NaiveDateTime,
) -> Result<(Event, Event), EventError> {
    let before = find_own(conn, scope, id)?;
    let links_before = links(conn, scope, id)?;
    let written = diesel::update(
        events::table
            .filter(events::tenant_id.eq(scope.key()))
            .filter(events::id.eq(id.to_string()))
            .filter(events::version.eq(expected_version)),
    )
    .set((
        events::title.eq(&fields.title),
        events::kind.eq(fields.kind.as_str()),
        events::topics.eq(Topics(fields.topics.clone()).to_string()),
        events::audience.eq(fields.audience.map(|a| a.as_str())),
        events::start_date.eq(fields.start_date),
        events::end_date.eq(fields.end_date),
        events::city.eq(fields.city.as_deref()),
        events::region.eq(fields.region.as_str()),
        events::languages.eq(languages_text(&fields.languages)),
        events::notes.eq(fields.notes.as_deref()),
        events::version.eq(events::version + 1),
        events::updated_at.eq(at),
    ))
    .execute(conn)?;
    if written == 0 {
        return Err(PersistenceError::Conflict(Conflict::StaleVersion).into());
    }
    remove_links(conn, scope, id, &links_before, links_after)?;
    add_links(conn, scope, id, &links_before, links_after, at)?;
    Ok((before, find_own(conn, scope, id)?))
}

/// The names of the fields that differ between two versions of an event
/// and two sets of links.
pub fn changed_fields(
    before: &Event,
    after: &Event,
    links_before: &EventLinks,
    links_after: &EventLinks,
) -> Vec<&'static str> {
    let same_set = |a: &[String], b: &[String]| {
        let (mut a, mut b) = (a.to_vec(), b.to_vec());
        a.sort();
        b.sort();
        a == b
    };
    let ids = |v: &[TenantId]| v.iter().map(ToString::to_string).collect::<Vec<_>>();
    let orgs = |v: &[OrganisationId]| v.iter().map(ToString::to_string).collect::<Vec<_>>();
    let users = |v: &[UserId]| v.iter().map(ToString::to_string).collect::<Vec<_>>();
    [
        ("title", before.title != after.title),
        ("kind", before.kind != after.kind),
        ("topics", before.topics != after.topics),
        ("audience", before.audience != after.audience),
        ("start_date", before.start_date != after.start_date),
        ("end_date", before.end_date != after.end_date),
        ("city", before.city != after.city),
        ("region", before.region != after.region),
        ("languages", before.languages != after.languages),
        ("notes", before.notes != after.notes),
        ("co_tenants", !same_set(&ids(&links_before.co_tenants), &ids(&links_after.co_tenants))),
        ("organisations", !same_set(&orgs(&links_before.organisations), &orgs(&links_after.organisations))),
        ("facilitators", !same_set(&users(&links_before.facilitators), &users(&links_after.facilitators))),
    ]
    .into_iter()
    .filter_map(|(field, differs)| differs.then_some(field))
    .collect()
}

/// Writes a status change the caller has checked against `before` (an
/// event of the tenant) with the state machine, if the event is still at
/// `before`'s version (otherwise [`Conflict::StaleVersion`]).
pub fn change_status(
    conn: &mut DbConnection,
    scope: &TenantScope,
    before: &Event,
    to: EventStatus,
    at: NaiveDateTime,
) -> Result<Event, PersistenceError> {
    if before.tenant_id != scope.tenant_id() {
        return Err(PersistenceError::NotFound);
    }
    let written = diesel::update(
        events::table
            .filter(events::tenant_id.eq(scope.key()))
            .filter(events::id.eq(before.id.to_string()))
            .filter(events::version.eq(before.version)),
    )
    .set((events::status.eq(to.as_str()), events::version.eq(events::version + 1), events::updated_at.eq(at)))
    .execute(conn)?;
    if written == 0 {
        return Err(PersistenceError::Conflict(Conflict::StaleVersion));
    }
    find_own(conn, scope, before.id)
}

/// Of `ids`, the active tenants other than the scope's (who may co-organise).
pub fn active_other_tenants(
    conn: &mut DbConnection,
    scope: &TenantScope,
    ids: &[TenantId],
) -> Result<Vec<TenantId>, PersistenceError> {
    let found: Vec<Stored<TenantId>> = tenants::table
        .filter(tenants::id.eq_any(ids.iter().map(ToString::to_string).collect::<Vec<_>>()))
        .filter(tenants::id.ne(scope.key()))
        .filter(tenants::active.eq(true))
        .select(tenants::id)
        .load(conn)?;
    Ok(found.into_iter().map(Into::into).collect())
}

/// Of `ids`, the active organisations of the directory.
pub fn active_organisations(
    conn: &mut DbConnection,
    ids: &[OrganisationId],
) -> Result<Vec<OrganisationId>, PersistenceError> {
    let found: Vec<Stored<OrganisationId>> = external_organisations::table
        .filter(external_organisations::id.eq_any(ids.iter().map(ToString::to_string).collect::<Vec<_>>()))
        .filter(external_organisations::active.eq(true))
        .select(external_organisations::id)
        .load(conn)?;
    Ok(found.into_iter().map(Into::into).collect())
}

/// Of `ids`, the users with an active membership in the tenant and an active account.
pub fn active_members(
    conn: &mut DbConnection,
    scope: &TenantScope,
    ids: &[UserId],
) -> Result<Vec<UserId>, PersistenceError> {
    let found: Vec<Stored<UserId>> = memberships::table
        .inner_join(users::table)
        .filter(memberships::tenant_id.eq(scope.key()))
        .filter(memberships::user_id.eq_any(ids.iter().map(ToString::to_string).collect::<Vec<_>>()))
        .filter(memberships::status.eq(MembershipStatus::Active.as_str()))
        .filter(users::active.eq(true))
        .select(memberships::user_id)
        .load(conn)?;
    Ok(found.into_iter().map(Into::into).collect())
}

/// Names for an event page: tenants, organisations and users by id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LinkNames {
    /// Tenant names.
    pub tenants: HashMap<TenantId, String>,
    /// Organisation names.
    pub organisations: HashMap<OrganisationId, String>,
    /// User display names.
    pub users: HashMap<UserId, String>,
}

/// The names of an event's tenant, co-organisers and facilitators.
pub fn link_names(conn: &mut DbConnection, event: &Event, links: &EventLinks) -> Result<LinkNames, PersistenceError> {
    let tenant_ids: Vec<String> =
        std::iter::once(event.tenant_id).chain(links.co_tenants.iter().copied()).map(|t| t.to_string()).collect();
    let tenants: Vec<(Stored<TenantId>, String)> =
        tenants::table.filter(tenants::id.eq_any(tenant_ids)).select((tenants::id, tenants::name)).load(conn)?;
    let organisations: Vec<(Stored<OrganisationId>, String)> = external_organisations::table
        .filter(
            external_organisations::id.eq_any(links.organisations.iter().map(ToString::to_string).collect::<Vec<_>>()),
        )
        .select((external_organisations::id, external_organisations::name))
        .load(conn)?;
    let users: Vec<(Stored<UserId>, String)> = users::table
        .filter(users::id.eq_any(links.facilitators.iter().map(ToString::to_string).collect::<Vec<_>>()))
        .select((users::id, users::display_name))
        .load(conn)?;
    Ok(LinkNames {
        tenants: tenants.into_iter().map(|(id, name)| (id.into(), name)).collect(),
        organisations: organisations.into_iter().map(|(id, name)| (id.into(), name)).collect(),
        users: users.into_iter().map(|(id, name)| (id.into(), name)).collect(),
    })
}
