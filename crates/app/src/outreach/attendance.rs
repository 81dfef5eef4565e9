//! Registered attendance: marking a person of the tenant present or absent
//! (a second mark is the same mark), removing a mark, registering a new
//! person at the door and marking them present in one step, and the events
//! a person attended.

use relais_domain::outreach::{AttendanceStatus, AttendeeInterest};
use relais_domain::{AttendanceId, AuditAction, BeneficiaryId, CaseId, EventId, Permission, case_file};
use relais_persistence::TenantScope;
use relais_persistence::models::beneficiaries::DuplicateCandidate;
use relais_persistence::models::events::Event;
use relais_persistence::models::events::attendance::{self, AttendedEvent, Marked};
use serde_json::json;

use super::open_event;
use crate::cases::{NewCase, open_case};
use crate::error::{AppError, AppResult, FieldErrors};
use crate::people::{Registered, Registration, register_in};
use crate::{Actor, App, Tx};

/// A mark of a person at an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mark {
    /// The event (one the actor's tenant organises).
    pub event: EventId,
    /// The person (of the actor's tenant).
    pub person: BeneficiaryId,
    /// Present or absent.
    pub status: AttendanceStatus,
    /// What the person asked for.
    pub interests: Vec<AttendeeInterest>,
}

/// What a mark did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarkOutcome {
    /// The person's first mark at the event.
    Recorded(AttendanceId),
    /// The person's mark changed (status or interests).
    Changed(AttendanceId),
    /// The same mark was already there: nothing was written.
    Unchanged(AttendanceId),
}

/// Writes a mark in `tx` and audits it (`attendance.recorded`, unless
/// nothing changed), after checking the event takes attendance today.
fn mark_in(tx: &mut Tx<'_>, scope: &TenantScope, event: &Event, mark: &Mark) -> AppResult<MarkOutcome> {
    let (by, at) = (tx.actor().user_id(), tx.at());
    let marked = attendance::record(tx.conn(), scope, event, mark.person, mark.status, &mark.interests, by, at)?;
    let (outcome, previous) = match &marked {
        Marked::Created(a) => (MarkOutcome::Recorded(a.id), None),
        Marked::Changed { before, after } => (MarkOutcome::Changed(after.id), Some(before.status)),
        Marked::Unchanged(a) => return Ok(MarkOutcome::Unchanged(a.id)),
    };
    let now = marked.attendance();
    tx.audit(
        Some(scope),
        AuditAction::AttendanceRecorded,
        event.id,
        json!({
            "attendance_id": now.id, "beneficiary_id": now.beneficiary_id, "status": now.status,
            "interests": now.interests, "previous_status": previous,
        }),
    )?;
    Ok(outcome)
}

/// Marks a person of the actor's tenant present or absent at an event the
/// tenant organises (also one it co-organises). A person of another tenant
/// is `NotFound` (and the database refuses it too), an erased person
/// [`relais_domain::Conflict::Erased`], an event that has not started or
/// was cancelled [`relais_domain::Conflict::EventRefused`]. A second mark
/// is the same mark: the same status and interests write nothing.
pub async fn record_attendance(app: &App, actor: &Actor, mark: Mark) -> AppResult<MarkOutcome> {
    let member = actor.as_member()?;
    member.require(Permission::EventRecord)?;
    let scope = member.scope;
    app.write(actor, move |tx| {
        let today = tx.today();
        let event = open_event(tx.conn(), &scope, mark.event, today)?;
        mark_in(tx, &scope, &event, &mark)
    })
    .await
}

/// Removes the actor's tenant's mark of a person at an event (a mark made
/// by mistake); `NotFound` when there is none. Audited `attendance.removed`.
pub async fn remove_attendance(app: &App, actor: &Actor, event: EventId, person: BeneficiaryId) -> AppResult<()> {
    let member = actor.as_member()?;
    member.require(Permission::EventRecord)?;
    let scope = member.scope;
    app.write(actor, move |tx| {
        relais_persistence::models::events::find(tx.conn(), &scope, event)?;
        let removed = attendance::remove(tx.conn(), &scope, event, person)?;
        tx.audit(
            Some(&scope),
            AuditAction::AttendanceRemoved,
            event,
            json!({ "attendance_id": removed.id, "beneficiary_id": removed.beneficiary_id, "status": removed.status }),
        )?;
        Ok(())
    })
    .await
}

/// A person registered at the door of an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DoorRegistration {
    /// The event (one the actor's tenant organises, taking attendance today).
    pub event: EventId,
    /// The person, with the consent given at the door (the people
    /// registration: duplicate check, "register anyway").
    pub registration: Registration,
    /// What the person asked for.
    pub interests: Vec<AttendeeInterest>,
}

/// What a registration at the door did.
#[derive(Debug, Clone)]
pub enum DoorOutcome {
    /// The person was registered (with their consent) and marked present.
    Marked {
        /// The new person.
        person: BeneficiaryId,
        /// Their attendance.
        attendance: AttendanceId,
    },
    /// Nothing was written: these people may be the same person, best
    /// first. Mark one of them with [`record_attendance`], or register
    /// again with `create_anyway`.
    PossibleDuplicates(Vec<DuplicateCandidate>),
}

/// Registers a person of the actor's tenant at the door of an event and
/// marks them present, in one transaction: the people registration (its
/// duplicate check, its consent, its audit rows `beneficiary.created` …
/// and `consent.recorded`) and `attendance.recorded`. Needs
/// `event:record` and `beneficiary:create` (`consent:manage` for a
/// consent, `document:manage` for a document). An event that takes no
/// attendance refuses before anything is written.
pub async fn register_and_mark_present(app: &App, actor: &Actor, door: DoorRegistration) -> AppResult<DoorOutcome> {
    let member = actor.as_member()?;
    member.require(Permission::EventRecord)?;
    member.require(Permission::BeneficiaryCreate)?;
    if door.registration.document.is_some() {
        member.require(Permission::DocumentManage)?;
    }
    if door.registration.consent.is_some() {
        member.require(Permission::ConsentManage)?;
    }
    let (scope, by) = (member.scope, member.user_id);
    app.write(actor, move |tx| {
        let today = tx.today();
        let event = open_event(tx.conn(), &scope, door.event, today)?;
        let person = match register_in(tx, &scope, by, door.registration)? {
            Registered::Created(person) => person,
            Registered::PossibleDuplicates(candidates) => return Ok(DoorOutcome::PossibleDuplicates(candidates)),
        };
        let mark = Mark { event: door.event, person, status: AttendanceStatus::Present, interests: door.interests };
        let attendance = match mark_in(tx, &scope, &event, &mark)? {
            MarkOutcome::Recorded(id) | MarkOutcome::Changed(id) | MarkOutcome::Unchanged(id) => id,
        };
        Ok(DoorOutcome::Marked { person, attendance })
    })
    .await
}

/// The events a person of the actor's tenant is recorded at, latest first
/// (for the person's page: `event:read` and `beneficiary:read`).
pub async fn events_of_person(app: &App, actor: &Actor, person: BeneficiaryId) -> AppResult<Vec<AttendedEvent>> {
    let member = actor.as_member()?;
    member.require(Permission::EventRead)?;
    member.require(Permission::BeneficiaryRead)?;
    let scope = member.scope;
    app.read(move |conn| Ok(attendance::events_of_person(conn, &scope, person)?)).await
}

/// Opens a follow-up case on the pathway matching an interest a person of
/// the actor's tenant ticked at an event (`AttendeeInterest::pathway`),
/// through the case-opening command ([`open_case`]: `case:create`, its
/// rules and its audit rows), dated today, the actor assigned, the event's
/// title as the referral source. The person must be marked at the event
/// with that interest (`NotFound` otherwise); an interest without a
/// pathway is a field error on `interest`.
pub async fn open_follow_up_case(
    app: &App,
    actor: &Actor,
    event: EventId,
    person: BeneficiaryId,
    interest: AttendeeInterest,
) -> AppResult<CaseId> {
    let member = actor.as_member()?;
    member.require(Permission::EventRead)?;
    member.require(Permission::CaseCreate)?;
    let Some(pathway) = interest.pathway() else {
        return Err(FieldErrors::one("interest", "event-error-no-pathway"));
    };
    let scope = member.scope;
    let title = app
        .read(move |conn| {
            let event = relais_persistence::models::events::find(conn, &scope, event)?;
            match attendance::find(conn, &scope, event.id, person)? {
                Some(mark) if mark.interests.0.contains(&interest) => Ok(event.title),
                _ => Err(AppError::NotFound),
            }
        })
        .await?;
    let new = NewCase {
        person,
        pathway: Some(pathway),
        intake_date: Some(app.now().date()),
        referral_source: title.chars().take(case_file::REFERRAL_SOURCE_MAX).collect(),
        goals: String::new(),
        assignees: vec![member.user_id],
    };
    open_case(app, actor, new).await
}
