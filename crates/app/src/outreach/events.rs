//! Planning and recording events, editing them, their status, the events
//! list, an event's page and the tenant's figures.

use chrono::NaiveDate;
use relais_domain::outreach::{self, EventKind, EventStatus, EventTopic, TrainingAudience, TransitionError};
use relais_domain::{AuditAction, Conflict, EventId, OrganisationId, Permission, Region, TenantId, UserId};
use relais_persistence::models::events::attendance::{self, Attendee};
use relais_persistence::models::events::figures::{self, Figures, Period};
use relais_persistence::models::events::listing::{self, EventCursor, EventFilter, EventPage};
use relais_persistence::models::events::tallies::{self, Tally};
use relais_persistence::models::events::{self as rows, Event, EventError, EventFields, EventLinks, LinkNames};
use relais_persistence::models::participants::{self, ParticipantAttendee};
use relais_persistence::{DbConnection, TenantScope};
use serde_json::json;

use super::{optional, text};
use crate::error::{AppError, AppResult, FieldErrors};
use crate::{Actor, App};

/// An event's description and who organises it, as asked for. A code or a
/// date the caller could not read is `None` (reported as not chosen /
/// required).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventInput {
    /// Title (`title`): required, at most 200 characters.
    pub title: String,
    /// Kind (`kind`).
    pub kind: Option<EventKind>,
    /// Topics (`topics`): at least one for an information session.
    pub topics: Vec<EventTopic>,
    /// Whom a training is for (`audience`): required for a training, ignored otherwise.
    pub audience: Option<TrainingAudience>,
    /// First day (`start_date`), past or future.
    pub start_date: Option<NaiveDate>,
    /// Last day of a multi-day event (`end_date`), not before the first.
    pub end_date: Option<NaiveDate>,
    /// City (`city`, optional).
    pub city: String,
    /// Region (`region`).
    pub region: Option<Region>,
    /// Languages used (`languages`).
    pub languages: Vec<String>,
    /// Notes (`notes`, optional).
    pub notes: String,
    /// Co-organising tenants (`co_tenants`): other active tenants.
    pub co_tenants: Vec<TenantId>,
    /// Co-organising organisations of the directory (`organisations`): active ones.
    pub organisations: Vec<OrganisationId>,
    /// Facilitators (`facilitators`): active members of the tenant.
    pub facilitators: Vec<UserId>,
}

fn dedup<T: PartialEq + Copy>(values: &[T]) -> Vec<T> {
    let mut out: Vec<T> = Vec::with_capacity(values.len());
    for v in values {
        if !out.contains(v) {
            out.push(*v);
        }
    }
    out
}

impl EventInput {
    /// The problems of the input, by field, without the records (what
    /// [`plan_event`] and [`edit_event`] refuse before reading anything).
    pub fn check(&self) -> FieldErrors {
        self.fields().err().unwrap_or_default()
    }

    fn fields(&self) -> Result<EventFields, FieldErrors> {
        let mut errors = FieldErrors::new();
        let title = text(&mut errors, "title", &self.title, outreach::TITLE_MAX, true);
        if self.kind.is_none() {
            errors.add("kind", "error-choose");
        }
        if self.kind == Some(EventKind::InformationSession) && self.topics.is_empty() {
            errors.add("topics", "event-error-topics");
        }
        let audience = if self.kind == Some(EventKind::Training) {
            if self.audience.is_none() {
                errors.add("audience", "error-choose");
            }
            self.audience
        } else {
            None
        };
        match self.start_date {
            None => errors.add("start_date", "error-required"),
            Some(start) => {
                if outreach::check_dates(start, self.end_date).is_err() {
                    errors.add("end_date", "event-error-end-before-start");
                }
            }
        }
        let city = text(&mut errors, "city", &self.city, outreach::CITY_MAX, false);
        if self.region.is_none() {
            errors.add("region", "error-choose");
        }
        let mut languages = Vec::new();
        for language in &self.languages {
            let language = text(&mut errors, "languages", language, outreach::LANGUAGE_MAX, false);
            if !language.is_empty() && !languages.contains(&language) {
                languages.push(language);
            }
        }
        if languages.len() > outreach::LANGUAGES_MAX {
            errors.add("languages", "error-too-long");
        }
        let notes = text(&mut errors, "notes", &self.notes, outreach::NOTES_MAX, false);
        let (Some(kind), Some(start_date), Some(region), true) =
            (self.kind, self.start_date, self.region, errors.is_empty())
        else {
            return Err(errors);
        };
        Ok(EventFields {
            title,
            kind,
            topics: dedup(&self.topics),
            audience,
            start_date,
            end_date: self.end_date,
            city: optional(city),
            region,
            languages,
            notes: optional(notes),
        })
    }

    /// The links, checked against the records: other active tenants,
    /// active organisations, active members of the tenant.
    fn links(&self, conn: &mut DbConnection, scope: &TenantScope) -> AppResult<EventLinks> {
        let links = EventLinks {
            co_tenants: dedup(&self.co_tenants),
            organisations: dedup(&self.organisations),
            facilitators: dedup(&self.facilitators),
        };
        let mut errors = FieldErrors::new();
        if rows::active_other_tenants(conn, scope, &links.co_tenants)?.len() != links.co_tenants.len() {
            errors.add("co_tenants", "error-choose");
        }
        if rows::active_organisations(conn, &links.organisations)?.len() != links.organisations.len() {
            errors.add("organisations", "error-choose");
        }
        if rows::active_members(conn, scope, &links.facilitators)?.len() != links.facilitators.len() {
            errors.add("facilitators", "error-choose");
        }
        errors.into_result()?;
        Ok(links)
    }
}

/// A new event: planned, or recorded as held after the fact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEvent {
    /// What the event is.
    pub input: EventInput,
    /// It already took place (`status` = held): its first day must be today or earlier.
    pub held: bool,
}

/// Plans an event of the actor's tenant, or records one that took place
/// (`held`, typed in after the fact: the dates are the event's). Audited
/// `event.created` with its kind, status and the ids of its organisers and
/// facilitators.
pub async fn plan_event(app: &App, actor: &Actor, new: NewEvent) -> AppResult<EventId> {
    let member = actor.as_member()?;
    member.require(Permission::EventRecord)?;
    let (scope, by) = (member.scope, member.user_id);
    let fields = new.input.fields().map_err(AppError::Validation)?;
    app.write(actor, move |tx| {
        let status = if new.held { EventStatus::Held } else { EventStatus::Planned };
        if outreach::check_initial_status(status, fields.start_date, tx.today()).is_err() {
            return Err(FieldErrors::one("status", "event-error-held-in-future"));
        }
        let links = new.input.links(tx.conn(), &scope)?;
        let at = tx.at();
        let event = rows::create(tx.conn(), &scope, &fields, status, &links, Some(by), at)?;
        tx.audit(
            Some(&scope),
            AuditAction::EventCreated,
            event.id,
            json!({
                "kind": event.kind, "status": event.status, "region": event.region, "topics": event.topics,
                "co_tenants": links.co_tenants, "organisations": links.organisations,
                "facilitators": links.facilitators,
            }),
        )?;
        Ok(event.id)
    })
    .await
}

/// An edit of an event, from the version the form was read at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventEdit {
    /// The event (one of the actor's tenant).
    pub event: EventId,
    /// The version the form showed.
    pub version: i32,
    /// The new description and links.
    pub input: EventInput,
}

/// Changes an event of the actor's tenant (a co-organiser may not:
/// `NotFound`). A held event keeps its first day today or earlier; a
/// co-organising tenant that already recorded something at the event stays
/// (field error on `co_tenants`); a stale version is
/// [`Conflict::StaleVersion`]. Audited `event.updated` with the changed
/// field names, only when something changed. Returns whether it did.
pub async fn edit_event(app: &App, actor: &Actor, edit: EventEdit) -> AppResult<bool> {
    let member = actor.as_member()?;
    member.require(Permission::EventRecord)?;
    let scope = member.scope;
    let fields = edit.input.fields().map_err(AppError::Validation)?;
    app.write(actor, move |tx| {
        let current = rows::find_own(tx.conn(), &scope, edit.event)?;
        if current.status == EventStatus::Held && fields.start_date > tx.today() {
            return Err(FieldErrors::one("start_date", "event-error-held-in-future"));
        }
        let links_after = edit.input.links(tx.conn(), &scope)?;
        let links_before = rows::links(tx.conn(), &scope, edit.event)?;
        let at = tx.at();
        let (before, after) = rows::update(tx.conn(), &scope, edit.event, edit.version, &fields, &links_after, at)
            .map_err(|err| match err {
                EventError::CoOrganiserHasRecords(_) => {
                    FieldErrors::one("co_tenants", "event-error-co-organiser-records")
                }
                EventError::Persistence(inner) => AppError::from(inner),
            })?;
        let changed = rows::changed_fields(&before, &after, &links_before, &links_after);
        if changed.is_empty() {
            return Ok(false);
        }
        tx.audit(Some(&scope), AuditAction::EventUpdated, edit.event, json!({ "changed": changed }))?;
        Ok(true)
    })
    .await
}

/// A status change, from the version the form was read at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusChange {
    /// The event (one of the actor's tenant).
    pub event: EventId,
    /// The version the form showed.
    pub version: i32,
    /// The new status.
    pub to: EventStatus,
}

/// Changes the status of an event of the actor's tenant through the
/// machine ([`outreach::transition`]): [`Conflict::EventTransition`] for a
/// move it refuses, [`Conflict::EventRefused`] for marking held an event
/// that has not started. Audited `event.status_changed` (from, to).
pub async fn change_event_status(app: &App, actor: &Actor, change: StatusChange) -> AppResult<EventStatus> {
    let member = actor.as_member()?;
    member.require(Permission::EventRecord)?;
    let scope = member.scope;
    app.write(actor, move |tx| {
        let before = rows::find_own(tx.conn(), &scope, change.event)?;
        if before.version != change.version {
            return Err(Conflict::StaleVersion.into());
        }
        let to =
            outreach::transition(before.status, change.to, before.start_date, tx.today()).map_err(|e| match e {
                TransitionError::NotAllowed { from, to } => AppError::Conflict(Conflict::EventTransition { from, to }),
                TransitionError::Refused(refusal) => AppError::Conflict(Conflict::EventRefused(refusal)),
            })?;
        let at = tx.at();
        let after = rows::change_status(tx.conn(), &scope, &before, to, at)?;
        tx.audit(
            Some(&scope),
            AuditAction::EventStatusChanged,
            change.event,
            json!({ "from": before.status, "to": after.status }),
        )?;
        Ok(after.status)
    })
    .await
}

/// One page of the events list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventList {
    /// The page.
    pub page: EventPage,
    /// Today, on the application clock (what "upcoming" and "past" meant).
    pub today: NaiveDate,
}

/// The events the actor's tenant organises (its own and co-organised
/// ones), filtered, `limit` per page (1 to 200), with the tenant's own
/// counts of people present and counted.
pub async fn list_events(
    app: &App,
    actor: &Actor,
    filter: EventFilter,
    after: Option<EventCursor>,
    limit: i64,
) -> AppResult<EventList> {
    let member = actor.as_member()?;
    member.require(Permission::EventRead)?;
    let scope = member.scope;
    let today = app.now().date();
    let limit = limit.clamp(1, 200);
    app.read(move |conn| {
        Ok(EventList { page: listing::list(conn, &scope, &filter, today, after.as_ref(), limit)?, today })
    })
    .await
}

/// What an event's page shows to a member of an organising tenant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventView {
    /// The event.
    pub event: Event,
    /// Whether it is the actor's tenant's own event (which it alone may change).
    pub own: bool,
    /// Co-organisers and facilitators.
    pub links: EventLinks,
    /// Their names, and the event's tenant's.
    pub names: LinkNames,
    /// The statuses it may move to now (empty for a co-organiser).
    pub next_statuses: Vec<EventStatus>,
    /// Whether attendance and tallies may be recorded now.
    pub open_for_attendance: bool,
    /// The actor's tenant's own attendees (never another tenant's).
    pub attendees: Vec<Attendee>,
    /// The actor's tenant's own tally sheets.
    pub tallies: Vec<Tally>,
    /// The actor's tenant's own participants marked at the event.
    pub participants: Vec<ParticipantAttendee>,
}

/// Reads an event's page (`event:read`): an event the actor's tenant does
/// not organise is `NotFound`.
pub async fn event_page(app: &App, actor: &Actor, id: EventId) -> AppResult<EventView> {
    let member = actor.as_member()?;
    member.require(Permission::EventRead)?;
    let scope = member.scope;
    let today = app.now().date();
    app.read(move |conn| {
        let event = rows::find(conn, &scope, id)?;
        let links = rows::links(conn, &scope, id)?;
        let names = rows::link_names(conn, &event, &links)?;
        let own = event.tenant_id == scope.tenant_id();
        Ok(EventView {
            next_statuses: if own { outreach::next_statuses(event.status, event.start_date, today) } else { vec![] },
            open_for_attendance: outreach::check_open_for_attendance(event.status, event.start_date, today).is_ok(),
            attendees: attendance::attendees(conn, &scope, id)?,
            tallies: tallies::tallies(conn, &scope, id)?,
            participants: participants::attendees(conn, &scope, id)?,
            own,
            links,
            names,
            event,
        })
    })
    .await
}

/// The actor's tenant's figures for a period (`event:figures`, viewers
/// too: counts only). A period that ends before it starts is a field error
/// on `to`.
pub async fn outreach_figures(app: &App, actor: &Actor, from: NaiveDate, to: NaiveDate) -> AppResult<Figures> {
    let member = actor.as_member()?;
    member.require(Permission::EventFigures)?;
    if to < from {
        return Err(FieldErrors::one("to", "event-error-period"));
    }
    let scope = member.scope;
    app.read(move |conn| Ok(figures::figures(conn, &scope, Period { from, to })?)).await
}
