//! `participants` and `participant_attendances`: officials of public
//! institutions and associations, and other people who attend trainings
//! and network meetings without being beneficiaries. Less sensitive than
//! beneficiaries, still tenant-owned: every function takes a
//! [`TenantScope`], and a tenant marks only its own participants, at
//! events it organises. Writes take the time of the change (`at`).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use relais_domain::beneficiary::Sex;
use relais_domain::outreach::{AttendanceStatus, EventKind, EventStatus};
use relais_domain::phone::PhoneNumber;
use relais_domain::{Conflict, EmailAddress, EventId, OrganisationId, ParticipantId, TenantId, UserId};

use crate::models::events::Event;
use crate::schema::{events, participant_attendances, participants};
use crate::stored::{Stored, StoredOpt, text_columns};
use crate::{DbConnection, PersistenceError, TenantScope};

text_columns!(
    participants.tenant_id,
    participants.id,
    participants.institution_tenant_id,
    participants.institution_organisation_id,
    participants.sex,
    participants.created_by,
    participant_attendances.participant_id,
    participant_attendances.event_id,
    participant_attendances.status,
);

/// Where a participant works.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum Institution {
    /// Not given.
    #[default]
    None,
    /// A tenant of the network.
    Tenant(TenantId),
    /// An organisation of the directory.
    Organisation(OrganisationId),
    /// Another institution, by name.
    Named(String),
}

/// A participant as stored.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Participant {
    /// Owning tenant.
    pub tenant_id: TenantId,
    /// Id.
    pub id: ParticipantId,
    /// Full name.
    pub full_name: String,
    /// Institution.
    pub institution: Institution,
    /// Function (job title).
    pub job_title: Option<String>,
    /// Sex.
    pub sex: Sex,
    /// E-mail address.
    pub email: Option<String>,
    /// Phone.
    pub phone: Option<String>,
    /// Who added them.
    pub created_by: Option<UserId>,
    /// Creation time (UTC).
    pub created_at: NaiveDateTime,
    /// Last change (UTC).
    pub updated_at: NaiveDateTime,
    /// Optimistic-locking version.
    pub version: i32,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = participants)]
struct Row {
    #[diesel(deserialize_as = Stored<TenantId, participants::tenant_id>)]
    tenant_id: TenantId,
    #[diesel(deserialize_as = Stored<ParticipantId, participants::id>)]
    id: ParticipantId,
    full_name: String,
    #[diesel(deserialize_as = StoredOpt<TenantId, participants::institution_tenant_id>)]
    institution_tenant_id: Option<TenantId>,
    #[diesel(deserialize_as = StoredOpt<OrganisationId, participants::institution_organisation_id>)]
    institution_organisation_id: Option<OrganisationId>,
    institution_name: Option<String>,
    job_title: Option<String>,
    #[diesel(deserialize_as = Stored<Sex, participants::sex>)]
    sex: Sex,
    email: Option<String>,
    phone: Option<String>,
    #[diesel(deserialize_as = StoredOpt<UserId, participants::created_by>)]
    created_by: Option<UserId>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    version: i32,
}

impl From<Row> for Participant {
    fn from(r: Row) -> Self {
        let institution = match (r.institution_tenant_id, r.institution_organisation_id, r.institution_name) {
            (Some(t), _, _) => Institution::Tenant(t),
            (None, Some(o), _) => Institution::Organisation(o),
            (None, None, Some(n)) => Institution::Named(n),
            (None, None, None) => Institution::None,
        };
        Participant {
            tenant_id: r.tenant_id,
            id: r.id,
            full_name: r.full_name,
            institution,
            job_title: r.job_title,
            sex: r.sex,
            email: r.email,
            phone: r.phone,
            created_by: r.created_by,
            created_at: r.created_at,
            updated_at: r.updated_at,
            version: r.version,
        }
    }
}

/// The fields of a participant (checked by the caller; a named tenant or
/// organisation exists).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParticipantFields {
    /// Full name.
    pub full_name: String,
    /// Institution.
    pub institution: Institution,
    /// Function (job title).
    pub job_title: Option<String>,
    /// Sex.
    pub sex: Sex,
    /// E-mail address.
    pub email: Option<EmailAddress>,
    /// Phone.
    pub phone: Option<PhoneNumber>,
}

type InstitutionColumns = (Option<String>, Option<String>, Option<String>);

fn institution_columns(institution: &Institution) -> InstitutionColumns {
    match institution {
        Institution::None => (None, None, None),
        Institution::Tenant(t) => (Some(t.to_string()), None, None),
        Institution::Organisation(o) => (None, Some(o.to_string()), None),
        Institution::Named(n) => (None, None, Some(n.clone())),
    }
}

/// A participant of the tenant (`NotFound` for another tenant's).
pub fn find(conn: &mut DbConnection, scope: &TenantScope, id: ParticipantId) -> Result<Participant, PersistenceError> {
    let row: Row = participants::table
        .filter(participants::tenant_id.eq(scope.key()))
        .filter(participants::id.eq(id.to_string()))
        .select(Row::as_select())
        .first(conn)?;
    Ok(row.into())
}

/// The tenant's participants by name (`search`: only names containing it,
/// any case), at most `limit`.
pub fn list(
    conn: &mut DbConnection,
    scope: &TenantScope,
    search: Option<&str>,
    limit: i64,
) -> Result<Vec<Participant>, PersistenceError> {
    let mut query = participants::table
        .filter(participants::tenant_id.eq(scope.key()))
        .order((participants::full_name.asc(), participants::id.asc()))
        .select(Row::as_select())
        .limit(limit)
        .into_boxed::<<DbConnection as diesel::Connection>::Backend>();
    if let Some(text) = search.map(str::trim).filter(|t| !t.is_empty()) {
        let pattern = format!("%{}%", text.replace(['%', '_'], ""));
        query = query.filter(lower(participants::full_name).like(pattern.to_lowercase()));
    }
    Ok(query.load::<Row>(conn)?.into_iter().map(Into::into).collect())
}

diesel::define_sql_function! {
    /// Lower-case text (same name on both backends).
    fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

/// Adds a participant to the tenant's list.
pub fn create(
    conn: &mut DbConnection,
    scope: &TenantScope,
    fields: &ParticipantFields,
    by: Option<UserId>,
    at: NaiveDateTime,
) -> Result<Participant, PersistenceError> {
    let id = ParticipantId::new();
    let (tenant, organisation, name) = institution_columns(&fields.institution);
    diesel::insert_into(participants::table)
        .values((
            participants::tenant_id.eq(scope.key()),
            participants::id.eq(id.to_string()),
            participants::full_name.eq(&fields.full_name),
            participants::institution_tenant_id.eq(tenant),
            participants::institution_organisation_id.eq(organisation),
            participants::institution_name.eq(name),
            participants::job_title.eq(fields.job_title.as_deref()),
            participants::sex.eq(fields.sex.as_str()),
            participants::email.eq(fields.email.as_ref().map(|e| e.to_string())),
            participants::phone.eq(fields.phone.as_ref().map(|p| p.to_string())),
            participants::created_by.eq(by.map(|u| u.to_string())),
            participants::created_at.eq(at),
            participants::updated_at.eq(at),
            participants::version.eq(1),
        ))
        .execute(conn)?;
    find(conn, scope, id)
}

/// Changes a participant of the tenant if still at `expected_version`
/// (otherwise [`Conflict::StaleVersion`]). Returns before and after.
pub fn update(
    conn: &mut DbConnection,
    scope: &TenantScope,
    id: ParticipantId,
    expected_version: i32,
    fields: &ParticipantFields,
    at: NaiveDateTime,
) -> Result<(Participant, Participant), PersistenceError> {
    let before = find(conn, scope, id)?;
    let (tenant, organisation, name) = institution_columns(&fields.institution);
    let written = diesel::update(
        participants::table
            .filter(participants::tenant_id.eq(scope.key()))
            .filter(participants::id.eq(id.to_string()))
            .filter(participants::version.eq(expected_version)),
    )
    .set((
        participants::full_name.eq(&fields.full_name),
        participants::institution_tenant_id.eq(tenant),
        participants::institution_organisation_id.eq(organisation),
        participants::institution_name.eq(name),
        participants::job_title.eq(fields.job_title.as_deref()),
        participants::sex.eq(fields.sex.as_str()),
        participants::email.eq(fields.email.as_ref().map(|e| e.to_string())),
        participants::phone.eq(fields.phone.as_ref().map(|p| p.to_string())),
        participants::version.eq(participants::version + 1),
        participants::updated_at.eq(at),
    ))
    .execute(conn)?;
    if written == 0 {
        return Err(PersistenceError::Conflict(Conflict::StaleVersion));
    }
    Ok((before, find(conn, scope, id)?))
}

/// The names of the fields that differ between two versions of a participant.
pub fn changed_fields(before: &Participant, after: &Participant) -> Vec<&'static str> {
    [
        ("full_name", before.full_name != after.full_name),
        ("institution", before.institution != after.institution),
        ("job_title", before.job_title != after.job_title),
        ("sex", before.sex != after.sex),
        ("email", before.email != after.email),
        ("phone", before.phone != after.phone),
    ]
    .into_iter()
    .filter_map(|(field, differs)| differs.then_some(field))
    .collect()
}

/// What marking a participant did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParticipantMark {
    /// First mark at this event.
    Created,
    /// The status changed (from this one).
    Changed(AttendanceStatus),
    /// The same mark was already there: nothing was written.
    Unchanged,
}

fn current_mark(
    conn: &mut DbConnection,
    scope: &TenantScope,
    event: EventId,
    participant: ParticipantId,
) -> Result<Option<AttendanceStatus>, PersistenceError> {
    let found: Option<Stored<AttendanceStatus, participant_attendances::status>> = participant_attendances::table
        .filter(participant_attendances::tenant_id.eq(scope.key()))
        .filter(participant_attendances::event_id.eq(event.to_string()))
        .filter(participant_attendances::participant_id.eq(participant.to_string()))
        .select(participant_attendances::status)
        .first(conn)
        .optional()?;
    Ok(found.map(Into::into))
}

/// Marks a participant of the tenant present or absent at an event the
/// tenant organises (read with [`crate::models::events::find`]; the caller
/// checked it takes attendance). A second mark is the same mark.
pub fn record_attendance(
    conn: &mut DbConnection,
    scope: &TenantScope,
    event: &Event,
    participant: ParticipantId,
    status: AttendanceStatus,
    by: Option<UserId>,
    at: NaiveDateTime,
) -> Result<ParticipantMark, PersistenceError> {
    find(conn, scope, participant)?;
    let filter = participant_attendances::table
        .filter(participant_attendances::tenant_id.eq(scope.key()))
        .filter(participant_attendances::event_id.eq(event.id.to_string()))
        .filter(participant_attendances::participant_id.eq(participant.to_string()));
    match current_mark(conn, scope, event.id, participant)? {
        Some(before) if before == status => Ok(ParticipantMark::Unchanged),
        Some(before) => {
            diesel::update(filter)
                .set((
                    participant_attendances::status.eq(status.as_str()),
                    participant_attendances::recorded_by.eq(by.map(|u| u.to_string())),
                    participant_attendances::updated_at.eq(at),
                ))
                .execute(conn)?;
            Ok(ParticipantMark::Changed(before))
        }
        None => {
            diesel::insert_into(participant_attendances::table)
                .values((
                    participant_attendances::tenant_id.eq(scope.key()),
                    participant_attendances::event_tenant_id.eq(event.tenant_id.to_string()),
                    participant_attendances::event_id.eq(event.id.to_string()),
                    participant_attendances::participant_id.eq(participant.to_string()),
                    participant_attendances::status.eq(status.as_str()),
                    participant_attendances::recorded_by.eq(by.map(|u| u.to_string())),
                    participant_attendances::created_at.eq(at),
                    participant_attendances::updated_at.eq(at),
                ))
                .execute(conn)?;
            Ok(ParticipantMark::Created)
        }
    }
}

/// A participant marked at an event, for the event page.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, serde::Serialize)]
pub struct ParticipantAttendee {
    /// The participant.
    #[diesel(deserialize_as = Stored<ParticipantId, participant_attendances::participant_id>)]
    pub participant_id: ParticipantId,
    /// Full name.
    pub full_name: String,
    /// Function.
    pub job_title: Option<String>,
    /// Present or absent.
    #[diesel(deserialize_as = Stored<AttendanceStatus, participant_attendances::status>)]
    pub status: AttendanceStatus,
}

/// The tenant's own participants marked at an event, by name.
pub fn attendees(
    conn: &mut DbConnection,
    scope: &TenantScope,
    event: EventId,
) -> Result<Vec<ParticipantAttendee>, PersistenceError> {
    Ok(participant_attendances::table
        .inner_join(
            participants::table.on(participants::tenant_id
                .eq(participant_attendances::tenant_id)
                .and(participants::id.eq(participant_attendances::participant_id))),
        )
        .filter(participant_attendances::tenant_id.eq(scope.key()))
        .filter(participant_attendances::event_id.eq(event.to_string()))
        .order((participants::full_name.asc(), participants::id.asc()))
        .select((
            participant_attendances::participant_id,
            participants::full_name,
            participants::job_title,
            participant_attendances::status,
        ))
        .load(conn)?)
}

/// An event a participant was marked at.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, serde::Serialize)]
pub struct ParticipantEvent {
    /// The event.
    #[diesel(deserialize_as = Stored<EventId, participant_attendances::event_id>)]
    pub event_id: EventId,
    /// Title.
    pub title: String,
    /// Kind.
    #[diesel(deserialize_as = Stored<EventKind>)]
    pub kind: EventKind,
    /// First day.
    pub start_date: chrono::NaiveDate,
    /// Status of the event.
    #[diesel(deserialize_as = Stored<EventStatus>)]
    pub event_status: EventStatus,
    /// Present or absent.
    #[diesel(deserialize_as = Stored<AttendanceStatus, participant_attendances::status>)]
    pub status: AttendanceStatus,
}

/// The events a participant of the tenant was marked at, latest first.
pub fn events_of_participant(
    conn: &mut DbConnection,
    scope: &TenantScope,
    participant: ParticipantId,
) -> Result<Vec<ParticipantEvent>, PersistenceError> {
    Ok(participant_attendances::table
        .inner_join(
            events::table.on(events::tenant_id
                .eq(participant_attendances::event_tenant_id)
                .and(events::id.eq(participant_attendances::event_id))),
        )
        .filter(participant_attendances::tenant_id.eq(scope.key()))
        .filter(participant_attendances::participant_id.eq(participant.to_string()))
        .order((events::start_date.desc(), events::id.desc()))
        .select((
            participant_attendances::event_id,
            events::title,
            events::kind,
            events::start_date,
            events::status,
            participant_attendances::status,
        ))
        .load(conn)?)
}
