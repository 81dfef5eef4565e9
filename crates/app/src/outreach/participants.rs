//! Participants who are not beneficiaries (officials of public
//! institutions and associations …): the tenant's list, their details,
//! and their attendance at events the tenant organises.

use relais_domain::beneficiary::Sex;
use relais_domain::outreach::{self, AttendanceStatus};
use relais_domain::phone::PhoneNumber;
use relais_domain::{AuditAction, EmailAddress, EventId, OrganisationId, ParticipantId, Permission, TenantId};
use relais_persistence::models::events as event_rows;
use relais_persistence::models::participants::{
    self, Institution, Participant, ParticipantEvent, ParticipantFields, ParticipantMark,
};
use relais_persistence::{DbConnection, TenantScope};
use serde_json::json;

use super::{open_event, optional, text};
use crate::error::{AppError, AppResult, FieldErrors};
use crate::{Actor, App};

/// Where a participant works, as asked for: at most one of a tenant, an
/// organisation of the directory, or a name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InstitutionInput {
    /// A tenant of the network (active).
    pub tenant: Option<TenantId>,
    /// An organisation of the directory (active).
    pub organisation: Option<OrganisationId>,
    /// Another institution, by name.
    pub name: String,
}

/// A participant's details, as asked for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParticipantInput {
    /// Full name (`full_name`): required.
    pub full_name: String,
    /// Institution (`institution`).
    pub institution: InstitutionInput,
    /// Function (`job_title`, optional).
    pub job_title: String,
    /// Sex (`sex`).
    pub sex: Option<Sex>,
    /// E-mail address (`email`, optional).
    pub email: String,
    /// Phone (`phone`, optional).
    pub phone: String,
}

impl ParticipantInput {
    /// The problems of the input, by field, without the records.
    pub fn check(&self) -> FieldErrors {
        self.fields().err().unwrap_or_default()
    }

    fn fields(&self) -> Result<ParticipantFields, FieldErrors> {
        let mut errors = FieldErrors::new();
        let full_name = text(&mut errors, "full_name", &self.full_name, outreach::PARTICIPANT_TEXT_MAX, true);
        let name = text(&mut errors, "institution", &self.institution.name, outreach::PARTICIPANT_TEXT_MAX, false);
        let institution = match (self.institution.tenant, self.institution.organisation, optional(name)) {
            (None, None, None) => Institution::None,
            (Some(t), None, None) => Institution::Tenant(t),
            (None, Some(o), None) => Institution::Organisation(o),
            (None, None, Some(n)) => Institution::Named(n),
            _ => {
                errors.add("institution", "event-error-one-institution");
                Institution::None
            }
        };
        let job_title = text(&mut errors, "job_title", &self.job_title, outreach::PARTICIPANT_TEXT_MAX, false);
        if self.sex.is_none() {
            errors.add("sex", "error-choose");
        }
        let email = match self.email.trim() {
            "" => None,
            given => EmailAddress::parse(given).map_err(|_| errors.add("email", "error-email")).ok(),
        };
        let phone = match self.phone.trim() {
            "" => None,
            given => PhoneNumber::parse(given).map_err(|_| errors.add("phone", "ben-error-phone")).ok(),
        };
        match self.sex {
            Some(sex) if errors.is_empty() => {
                Ok(ParticipantFields { full_name, institution, job_title: optional(job_title), sex, email, phone })
            }
            _ => Err(errors),
        }
    }
}

/// A named tenant or organisation must be an active one.
fn check_institution(conn: &mut DbConnection, scope: &TenantScope, institution: &Institution) -> AppResult<()> {
    let exists = match institution {
        Institution::Tenant(t) => {
            *t == scope.tenant_id() || !event_rows::active_other_tenants(conn, scope, &[*t])?.is_empty()
        }
        Institution::Organisation(o) => !event_rows::active_organisations(conn, &[*o])?.is_empty(),
        Institution::None | Institution::Named(_) => true,
    };
    if exists { Ok(()) } else { Err(FieldErrors::one("institution", "error-choose")) }
}

fn institution_kind(institution: &Institution) -> &'static str {
    match institution {
        Institution::None => "none",
        Institution::Tenant(_) => "tenant",
        Institution::Organisation(_) => "organisation",
        Institution::Named(_) => "named",
    }
}

/// Adds a participant to the actor's tenant's list (`event:record`).
/// Audited `participant.created` with the kind of institution (never a name).
pub async fn create_participant(app: &App, actor: &Actor, input: ParticipantInput) -> AppResult<ParticipantId> {
    let member = actor.as_member()?;
    member.require(Permission::EventRecord)?;
    let (scope, by) = (member.scope, member.user_id);
    let fields = input.fields().map_err(AppError::Validation)?;
    app.write(actor, move |tx| {
        check_institution(tx.conn(), &scope, &fields.institution)?;
        let at = tx.at();
        let created = participants::create(tx.conn(), &scope, &fields, Some(by), at)?;
        tx.audit(
            Some(&scope),
            AuditAction::ParticipantCreated,
            created.id,
            json!({ "institution": institution_kind(&created.institution), "sex": created.sex }),
        )?;
        Ok(created.id)
    })
    .await
}

/// An edit of a participant, from the version the form was read at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParticipantEdit {
    /// The participant (of the actor's tenant).
    pub participant: ParticipantId,
    /// The version the form showed.
    pub version: i32,
    /// The new details.
    pub input: ParticipantInput,
}

/// Changes a participant of the actor's tenant; a stale version is
/// [`relais_domain::Conflict::StaleVersion`]. Audited `participant.updated`
/// with the changed field names, only when something changed. Returns
/// whether it did.
pub async fn update_participant(app: &App, actor: &Actor, edit: ParticipantEdit) -> AppResult<bool> {
    let member = actor.as_member()?;
    member.require(Permission::EventRecord)?;
    let scope = member.scope;
    let fields = edit.input.fields().map_err(AppError::Validation)?;
    app.write(actor, move |tx| {
        check_institution(tx.conn(), &scope, &fields.institution)?;
        let at = tx.at();
        let (before, after) = participants::update(tx.conn(), &scope, edit.participant, edit.version, &fields, at)?;
        let changed = participants::changed_fields(&before, &after);
        if changed.is_empty() {
            return Ok(false);
        }
        tx.audit(Some(&scope), AuditAction::ParticipantUpdated, edit.participant, json!({ "changed": changed }))?;
        Ok(true)
    })
    .await
}

/// The actor's tenant's participants by name, optionally only those whose
/// name contains `search`, at most `limit` (1 to 500).
pub async fn list_participants(
    app: &App,
    actor: &Actor,
    search: Option<String>,
    limit: i64,
) -> AppResult<Vec<Participant>> {
    let member = actor.as_member()?;
    member.require(Permission::EventRead)?;
    let scope = member.scope;
    let limit = limit.clamp(1, 500);
    app.read(move |conn| Ok(participants::list(conn, &scope, search.as_deref(), limit)?)).await
}

/// A participant and the events they were marked at (`event:read`).
pub async fn participant_events(
    app: &App,
    actor: &Actor,
    participant: ParticipantId,
) -> AppResult<(Participant, Vec<ParticipantEvent>)> {
    let member = actor.as_member()?;
    member.require(Permission::EventRead)?;
    let scope = member.scope;
    app.read(move |conn| {
        let found = participants::find(conn, &scope, participant)?;
        Ok((found, participants::events_of_participant(conn, &scope, participant)?))
    })
    .await
}

/// A mark of a participant at an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParticipantMarkInput {
    /// The event (one the actor's tenant organises, taking attendance today).
    pub event: EventId,
    /// The participant (of the actor's tenant).
    pub participant: ParticipantId,
    /// Present or absent.
    pub status: AttendanceStatus,
}

/// Marks a participant of the actor's tenant at an event the tenant
/// organises; refused like a person's attendance for an event that has
/// not started or was cancelled. A second mark is the same mark (nothing
/// written, not audited); otherwise audited
/// `participant_attendance.recorded` (event id, status, previous status).
pub async fn record_participant_attendance(
    app: &App,
    actor: &Actor,
    mark: ParticipantMarkInput,
) -> AppResult<ParticipantMark> {
    let member = actor.as_member()?;
    member.require(Permission::EventRecord)?;
    let scope = member.scope;
    app.write(actor, move |tx| {
        let today = tx.today();
        let event = open_event(tx.conn(), &scope, mark.event, today)?;
        let (by, at) = (tx.actor().user_id(), tx.at());
        let done = participants::record_attendance(tx.conn(), &scope, &event, mark.participant, mark.status, by, at)?;
        let previous = match done {
            ParticipantMark::Unchanged => return Ok(done),
            ParticipantMark::Created => None,
            ParticipantMark::Changed(before) => Some(before),
        };
        tx.audit(
            Some(&scope),
            AuditAction::ParticipantAttendanceRecorded,
            mark.participant,
            json!({ "event_id": mark.event, "status": mark.status, "previous_status": previous }),
        )?;
        Ok(done)
    })
    .await
}
