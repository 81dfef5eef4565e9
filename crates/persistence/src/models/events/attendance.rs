//! Registered attendance (`event_attendances`): one row per (event, person)
//! of the recording tenant, present or absent, with what the person asked
//! for. A tenant reads and writes only its own attendees, also at an event
//! it co-organises; the database refuses a person of another tenant and an
//! event the tenant does not organise.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use relais_domain::outreach::{AttendanceStatus, AttendeeInterest, EventKind, EventStatus, Interests};
use relais_domain::{AttendanceId, BeneficiaryId, Conflict, EventId, TenantId, UserId};

use super::Event;
use crate::schema::{beneficiaries, event_attendances, events};
use crate::stored::{Stored, StoredOpt, text_columns};
use crate::{DbConnection, PersistenceError, TenantScope, write_tx};

text_columns!(
    event_attendances.tenant_id,
    event_attendances.id,
    event_attendances.event_tenant_id,
    event_attendances.event_id,
    event_attendances.beneficiary_id,
    event_attendances.status,
    event_attendances.interests,
    event_attendances.recorded_by,
);

/// An attendance as stored.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = event_attendances)]
pub struct Attendance {
    /// The tenant that recorded it (the person's).
    #[diesel(deserialize_as = Stored<TenantId, event_attendances::tenant_id>)]
    pub tenant_id: TenantId,
    /// Id.
    #[diesel(deserialize_as = Stored<AttendanceId, event_attendances::id>)]
    pub id: AttendanceId,
    /// The event's tenant.
    #[diesel(deserialize_as = Stored<TenantId, event_attendances::event_tenant_id>)]
    pub event_tenant_id: TenantId,
    /// The event.
    #[diesel(deserialize_as = Stored<EventId, event_attendances::event_id>)]
    pub event_id: EventId,
    /// The person.
    #[diesel(deserialize_as = Stored<BeneficiaryId, event_attendances::beneficiary_id>)]
    pub beneficiary_id: BeneficiaryId,
    /// Present or absent.
    #[diesel(deserialize_as = Stored<AttendanceStatus, event_attendances::status>)]
    pub status: AttendanceStatus,
    /// What the person asked for.
    #[diesel(deserialize_as = Stored<Interests, event_attendances::interests>)]
    pub interests: Interests,
    /// Who recorded it.
    #[diesel(deserialize_as = StoredOpt<UserId, event_attendances::recorded_by>)]
    pub recorded_by: Option<UserId>,
    /// First recorded (UTC).
    pub created_at: NaiveDateTime,
    /// Last changed (UTC).
    pub updated_at: NaiveDateTime,
}

/// What recording an attendance did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Marked {
    /// The person had no attendance at the event: it was recorded.
    Created(Attendance),
    /// The person's attendance was changed (status or interests).
    Changed {
        /// As it was.
        before: Attendance,
        /// As it is now.
        after: Attendance,
    },
    /// The same mark was already there: nothing was written.
    Unchanged(Attendance),
}

impl Marked {
    /// The attendance as it is now.
    pub fn attendance(&self) -> &Attendance {
        match self {
            Marked::Created(a) | Marked::Unchanged(a) | Marked::Changed { after: a, .. } => a,
        }
    }
}

/// A person of the tenant that may be marked: `NotFound` for a person of
/// another tenant (or none), [`Conflict::Erased`] for an erased person.
pub fn check_person(
    conn: &mut DbConnection,
    scope: &TenantScope,
    person: BeneficiaryId,
) -> Result<(), PersistenceError> {
    let erased_at: Option<NaiveDateTime> = beneficiaries::table
        .filter(beneficiaries::tenant_id.eq(scope.key()))
        .filter(beneficiaries::id.eq(person.to_string()))
        .select(beneficiaries::erased_at)
        .first(conn)?;
    if erased_at.is_some() {
        return Err(PersistenceError::Conflict(Conflict::Erased));
    }
    Ok(())
}

/// The tenant's attendance of a person at an event, if any.
pub fn find(
    conn: &mut DbConnection,
    scope: &TenantScope,
    event: EventId,
    person: BeneficiaryId,
) -> Result<Option<Attendance>, PersistenceError> {
    Ok(event_attendances::table
        .filter(event_attendances::tenant_id.eq(scope.key()))
        .filter(event_attendances::event_id.eq(event.to_string()))
        .filter(event_attendances::beneficiary_id.eq(person.to_string()))
        .select(Attendance::as_select())
        .first(conn)
        .optional()?)
}

/// Records a person of the tenant at an event the tenant organises (read
/// with [`super::find`]; the caller checked it takes attendance). A second
/// mark is the same mark: the same status and interests write nothing
/// ([`Marked::Unchanged`]); others change the one row. Two writers marking
/// the same person at once (PostgreSQL) meet the unique index: the loser
/// reads the winner's row and changes it if it must.
#[expect(clippy::too_many_arguments, reason = "the event, the person, the mark, who and when")]
pub fn record(
    conn: &mut DbConnection,
    scope: &TenantScope,
    event: &Event,
    person: BeneficiaryId,
    status: AttendanceStatus,
    interests: &[AttendeeInterest],
    by: Option<UserId>,
    at: NaiveDateTime,
) -> Result<Marked, PersistenceError> {
    check_person(conn, scope, person)?;
    let interests = Interests(interests.to_vec()).to_string();
    if find(conn, scope, event.id, person)?.is_none() {
        let id = AttendanceId::new();
        // A savepoint, so a lost race does not abort the caller's transaction on PostgreSQL.
        let inserted = write_tx(conn, |conn| {
            diesel::insert_into(event_attendances::table)
                .values((
                    event_attendances::tenant_id.eq(scope.key()),
                    event_attendances::id.eq(id.to_string()),
                    event_attendances::event_tenant_id.eq(event.tenant_id.to_string()),
                    event_attendances::event_id.eq(event.id.to_string()),
                    event_attendances::beneficiary_id.eq(person.to_string()),
                    event_attendances::status.eq(status.as_str()),
                    event_attendances::interests.eq(&interests),
                    event_attendances::recorded_by.eq(by.map(|u| u.to_string())),
                    event_attendances::created_at.eq(at),
                    event_attendances::updated_at.eq(at),
                ))
                .execute(conn)
                .map_err(PersistenceError::from)
        });
        match inserted {
            Ok(_) => {
                let created = find(conn, scope, event.id, person)?.ok_or(PersistenceError::NotFound)?;
                return Ok(Marked::Created(created));
            }
            // Only a row written meanwhile explains a failure here; anything else is itself.
            Err(err) if find(conn, scope, event.id, person)?.is_none() => return Err(err),
            Err(_) => {}
        }
    }
    let before = find(conn, scope, event.id, person)?.ok_or(PersistenceError::NotFound)?;
    if before.status == status && before.interests.to_string() == interests {
        return Ok(Marked::Unchanged(before));
    }
    diesel::update(
        event_attendances::table
            .filter(event_attendances::tenant_id.eq(scope.key()))
            .filter(event_attendances::id.eq(before.id.to_string())),
    )
    .set((
        event_attendances::status.eq(status.as_str()),
        event_attendances::interests.eq(&interests),
        event_attendances::recorded_by.eq(by.map(|u| u.to_string())),
        event_attendances::updated_at.eq(at),
    ))
    .execute(conn)?;
    let after = find(conn, scope, event.id, person)?.ok_or(PersistenceError::NotFound)?;
    Ok(Marked::Changed { before, after })
}

/// Removes the tenant's attendance of a person at an event; `NotFound`
/// when there is none. Returns what was removed.
pub fn remove(
    conn: &mut DbConnection,
    scope: &TenantScope,
    event: EventId,
    person: BeneficiaryId,
) -> Result<Attendance, PersistenceError> {
    let found = find(conn, scope, event, person)?.ok_or(PersistenceError::NotFound)?;
    diesel::delete(
        event_attendances::table
            .filter(event_attendances::tenant_id.eq(scope.key()))
            .filter(event_attendances::id.eq(found.id.to_string())),
    )
    .execute(conn)?;
    Ok(found)
}

/// An attendee of an event as the event page lists them.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, serde::Serialize)]
pub struct Attendee {
    /// The person.
    #[diesel(deserialize_as = Stored<BeneficiaryId, event_attendances::beneficiary_id>)]
    pub beneficiary_id: BeneficiaryId,
    /// Given names (the placeholder once erased).
    pub given_names: String,
    /// Family names (the placeholder once erased).
    pub family_names: String,
    /// Present or absent.
    #[diesel(deserialize_as = Stored<AttendanceStatus, event_attendances::status>)]
    pub status: AttendanceStatus,
    /// What the person asked for.
    #[diesel(deserialize_as = Stored<Interests, event_attendances::interests>)]
    pub interests: Interests,
    /// Last changed (UTC).
    pub updated_at: NaiveDateTime,
}

/// The tenant's own attendees of an event, by family and given names (a
/// co-organiser's attendees are never read here).
pub fn attendees(
    conn: &mut DbConnection,
    scope: &TenantScope,
    event: EventId,
) -> Result<Vec<Attendee>, PersistenceError> {
    Ok(event_attendances::table
        .inner_join(
            beneficiaries::table.on(beneficiaries::tenant_id
                .eq(event_attendances::tenant_id)
                .and(beneficiaries::id.eq(event_attendances::beneficiary_id))),
        )
        .filter(event_attendances::tenant_id.eq(scope.key()))
        .filter(event_attendances::event_id.eq(event.to_string()))
        .order((beneficiaries::family_names.asc(), beneficiaries::given_names.asc(), beneficiaries::id.asc()))
        .select((
            event_attendances::beneficiary_id,
            beneficiaries::given_names,
            beneficiaries::family_names,
            event_attendances::status,
            event_attendances::interests,
            event_attendances::updated_at,
        ))
        .load(conn)?)
}

/// An event a person attended (or was registered at), for the person's page.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, serde::Serialize)]
pub struct AttendedEvent {
    /// The event.
    #[diesel(deserialize_as = Stored<EventId, events::id>)]
    pub event_id: EventId,
    /// Title.
    pub title: String,
    /// Kind.
    #[diesel(deserialize_as = Stored<EventKind, events::kind>)]
    pub kind: EventKind,
    /// First day.
    pub start_date: NaiveDate,
    /// Status of the event.
    #[diesel(deserialize_as = Stored<EventStatus, events::status>)]
    pub event_status: EventStatus,
    /// Present or absent.
    #[diesel(deserialize_as = Stored<AttendanceStatus, event_attendances::status>)]
    pub status: AttendanceStatus,
    /// What the person asked for.
    #[diesel(deserialize_as = Stored<Interests, event_attendances::interests>)]
    pub interests: Interests,
}

/// The events a person of the tenant is recorded at, latest first.
pub fn events_of_person(
    conn: &mut DbConnection,
    scope: &TenantScope,
    person: BeneficiaryId,
) -> Result<Vec<AttendedEvent>, PersistenceError> {
    Ok(event_attendances::table
        .inner_join(events::table.on(
            events::tenant_id.eq(event_attendances::event_tenant_id).and(events::id.eq(event_attendances::event_id)),
        ))
        .filter(event_attendances::tenant_id.eq(scope.key()))
        .filter(event_attendances::beneficiary_id.eq(person.to_string()))
        .order((events::start_date.desc(), events::id.desc()))
        .select((
            events::id,
            events::title,
            events::kind,
            events::start_date,
            events::status,
            event_attendances::status,
            event_attendances::interests,
        ))
        .load(conn)?)
}
