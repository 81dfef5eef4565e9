//! The event page: its details and status, the tenant's own attendees
//! (present / absent, interests), the fast capture at the door (search a
//! person of the tenant or register one, marked present in one step),
//! tallies and participants' attendance.

use axum::Extension;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use relais_app::outreach::{self, EventView, StatusChange};
use relais_domain::beneficiary::Sex;
use relais_domain::case_file::Pathway;
use relais_domain::outreach::{
    AgeBand, AttendanceStatus, AttendeeInterest, EventKind, EventStatus, EventTopic, TrainingAudience,
};
use relais_domain::{BeneficiaryId, Conflict, EventId, ParticipantId, Permission, Region, names};
use relais_persistence::models::beneficiaries::{DuplicateCandidate, DuplicateReason, ListQuery, Sort};
use serde::{Deserialize, Serialize};

use super::attendance::{DoorForm, TallyForm};
use super::{INVALID, date_text, to_event};
use crate::access::TenantContext;
use crate::error::{WebError, WebResult};
use crate::forms::{FieldErrors, FormData};
use crate::paths::Id;
use crate::state::AppState;
use crate::templates::render_page;
use crate::visitor::Visitor;

/// Most people a search at the door shows.
const MATCHES: usize = 10;

/// What the page shows besides the event: forms refilled after a
/// problem, duplicate candidates, a search, a message for the whole page.
#[derive(Debug, Default)]
pub(super) struct PageState {
    pub(super) errors: FieldErrors,
    pub(super) message: Option<&'static str>,
    pub(super) door: Option<DoorForm>,
    pub(super) candidates: Vec<DuplicateCandidate>,
    pub(super) tally: Option<TallyForm>,
    pub(super) q: String,
}

impl PageState {
    /// The event as it is now, with a message about the whole page.
    pub(super) fn message(key: &'static str) -> Self {
        Self { message: Some(key), ..Self::default() }
    }
}

/// `event` of the page.
#[derive(Debug, Serialize)]
struct EventFacts {
    id: EventId,
    title: String,
    kind: EventKind,
    topics: Vec<EventTopic>,
    audience: Option<TrainingAudience>,
    start_date: String,
    end_date: Option<String>,
    city: Option<String>,
    region: Region,
    languages: String,
    notes: Option<String>,
    status: EventStatus,
    version: i32,
    /// The organising tenant's name.
    tenant: String,
}

/// An attendee of the tenant.
#[derive(Debug, Serialize)]
struct AttendeeRow {
    id: BeneficiaryId,
    given_names: String,
    family_names: String,
    status: AttendanceStatus,
    interests: Vec<AttendeeInterest>,
    /// The interests that may open a follow-up case, with their pathway.
    follow_ups: Vec<FollowUp>,
}

/// A follow-up case an interest may open.
#[derive(Debug, Serialize)]
struct FollowUp {
    interest: AttendeeInterest,
    pathway: Pathway,
}

/// A person found by the search at the door.
#[derive(Debug, Serialize)]
struct MatchRow {
    id: BeneficiaryId,
    given_names: String,
    family_names: String,
    city: Option<String>,
    /// Already marked present at this event.
    present: bool,
    /// The interests of the person's mark at this event, kept when marked present.
    interests: Vec<AttendeeInterest>,
}

/// A person who may be the one being registered at the door.
#[derive(Debug, Serialize)]
struct CandidateRow {
    id: BeneficiaryId,
    given_names: String,
    family_names: String,
    birth_year: Option<i32>,
    reasons: Vec<DuplicateReason>,
    /// The interests of the person's mark at this event, if any (kept when matched).
    interests: Vec<AttendeeInterest>,
}

/// One cell of a tally as listed.
#[derive(Debug, Serialize)]
struct CellRow {
    sex: Sex,
    age_band: AgeBand,
    nationality: Option<String>,
    count: i32,
}

/// A tally sheet of the tenant.
#[derive(Debug, Serialize)]
struct TallyRow {
    label: Option<String>,
    total: i64,
    cells: Vec<CellRow>,
}

/// A participant of the tenant marked at the event.
#[derive(Debug, Serialize)]
struct ParticipantRow {
    id: ParticipantId,
    full_name: String,
    job_title: Option<String>,
    status: AttendanceStatus,
}

/// A participant who may be marked.
#[derive(Debug, Serialize)]
struct ParticipantChoice {
    id: ParticipantId,
    full_name: String,
}

/// One field of the tally grid.
#[derive(Debug, Serialize)]
struct GridCell {
    sex: Sex,
    name: String,
    value: String,
}

/// One age band of the tally grid.
#[derive(Debug, Serialize)]
struct GridRow {
    age_band: AgeBand,
    cells: Vec<GridCell>,
}

/// The event page (`events/show.html`).
#[derive(Debug, Serialize)]
struct EventPage {
    event: EventFacts,
    own: bool,
    can_record: bool,
    next_statuses: Vec<EventStatus>,
    open_for_attendance: bool,
    co_tenants: Vec<String>,
    organisations: Vec<String>,
    facilitators: Vec<String>,
    attendees: Vec<AttendeeRow>,
    present: usize,
    tallies: Vec<TallyRow>,
    /// Whether participants (officials …) are marked at this kind of event.
    with_participants: bool,
    participants: Vec<ParticipantRow>,
    participant_choices: Vec<ParticipantChoice>,
    q: String,
    matches: Vec<MatchRow>,
    searched: bool,
    candidates: Vec<CandidateRow>,
    door: DoorForm,
    tally: TallyForm,
    tally_grid: Vec<GridRow>,
    interests: &'static [AttendeeInterest],
    statuses: &'static [AttendanceStatus],
    sexes: &'static [Sex],
    age_bands: &'static [AgeBand],
    errors: FieldErrors,
    message: Option<&'static str>,
}

/// A name from a map of names by id (empty when it is gone).
fn name<K: std::hash::Hash + Eq>(map: &std::collections::HashMap<K, String>, id: &K) -> String {
    map.get(id).cloned().unwrap_or_default()
}

fn sorted(mut names: Vec<String>) -> Vec<String> {
    names.sort();
    names
}

impl EventPage {
    fn new(view: EventView, can: (bool, bool), state: PageState, lang: relais_domain::Language) -> Self {
        let (can_record, can_open_cases) = can;
        let EventView {
            event,
            own,
            links,
            names,
            next_statuses,
            open_for_attendance,
            attendees,
            tallies,
            participants,
        } = view;
        let with_participants = matches!(event.kind, EventKind::Training | EventKind::NetworkMeeting);
        Self {
            co_tenants: sorted(links.co_tenants.iter().map(|t| name(&names.tenants, t)).collect()),
            organisations: sorted(links.organisations.iter().map(|o| name(&names.organisations, o)).collect()),
            facilitators: sorted(links.facilitators.iter().map(|u| name(&names.users, u)).collect()),
            present: attendees.iter().filter(|a| a.status == AttendanceStatus::Present).count(),
            attendees: attendees
                .into_iter()
                .map(|a| AttendeeRow {
                    id: a.beneficiary_id,
                    given_names: a.given_names,
                    family_names: a.family_names,
                    status: a.status,
                    follow_ups: if can_open_cases {
                        a.interests
                            .0
                            .iter()
                            .filter_map(|i| i.pathway().map(|pathway| FollowUp { interest: *i, pathway }))
                            .collect()
                    } else {
                        Vec::new()
                    },
                    interests: a.interests.0,
                })
                .collect(),
            tallies: tallies
                .into_iter()
                .map(|t| TallyRow {
                    total: t.total(),
                    label: t.label,
                    cells: t
                        .cells
                        .into_iter()
                        .filter(|c| c.headcount > 0)
                        .map(|c| CellRow {
                            sex: c.sex,
                            age_band: c.age_band,
                            nationality: c.nationality,
                            count: c.headcount,
                        })
                        .collect(),
                })
                .collect(),
            with_participants,
            participants: participants
                .into_iter()
                .map(|p| ParticipantRow {
                    id: p.participant_id,
                    full_name: p.full_name,
                    job_title: p.job_title,
                    status: p.status,
                })
                .collect(),
            participant_choices: Vec::new(),
            event: EventFacts {
                tenant: name(&names.tenants, &event.tenant_id),
                id: event.id,
                title: event.title,
                kind: event.kind,
                topics: event.topics.0,
                audience: event.audience,
                start_date: date_text(event.start_date),
                end_date: event.end_date.map(date_text),
                city: event.city,
                region: event.region,
                languages: event.languages.split(',').map(str::trim).collect::<Vec<_>>().join(", "),
                notes: event.notes,
                status: event.status,
                version: event.version,
            },
            own,
            can_record,
            next_statuses,
            open_for_attendance,
            q: state.q,
            matches: Vec::new(),
            searched: false,
            candidates: state
                .candidates
                .into_iter()
                .map(|c| CandidateRow {
                    id: c.beneficiary.id,
                    given_names: c.beneficiary.given_names,
                    family_names: c.beneficiary.family_names,
                    birth_year: c.beneficiary.birth_year,
                    reasons: c.reasons,
                    interests: Vec::new(),
                })
                .collect(),
            door: state.door.unwrap_or_else(|| DoorForm::blank(lang)),
            tally_grid: AgeBand::ALL
                .iter()
                .map(|b| GridRow {
                    age_band: *b,
                    cells: Sex::ALL
                        .iter()
                        .map(|s| {
                            let name = format!("cell-{s}-{b}");
                            let value = state.tally.as_ref().map(|t| t.value(&name)).unwrap_or_default();
                            GridCell { sex: *s, name, value }
                        })
                        .collect(),
                })
                .collect(),
            tally: state.tally.clone().unwrap_or_default(),
            interests: AttendeeInterest::ALL,
            statuses: AttendanceStatus::ALL,
            sexes: Sex::ALL,
            age_bands: AgeBand::ALL,
            errors: state.errors,
            message: state.message,
        }
    }
}

/// Reads the event for this reader and renders the page with `state`.
pub(super) async fn render(
    app: &AppState,
    visitor: &Visitor,
    ctx: &TenantContext,
    id: EventId,
    state: PageState,
    status: StatusCode,
) -> WebResult<Response> {
    let actor = ctx.actor(visitor);
    let view = outreach::event_page(&app.core, &actor, id).await?;
    let can_record = ctx.member.may(Permission::EventRecord);
    let q = state.q.trim().to_owned();
    let can_open_cases = ctx.member.may(Permission::CaseCreate);
    let mut page = EventPage::new(view, (can_record, can_open_cases), state, visitor.lang);
    for candidate in &mut page.candidates {
        if let Some(mark) = page.attendees.iter().find(|a| a.id == candidate.id) {
            candidate.interests.clone_from(&mark.interests);
        }
    }
    if can_record && page.open_for_attendance && !q.is_empty() && ctx.member.may(Permission::BeneficiaryRead) {
        let query = ListQuery { sort: Sort::Name, name_tokens: names::query_tokens(&q), ..ListQuery::default() };
        let found = relais_app::people::list_people(&app.core, &actor, query).await?;
        page.matches = found
            .rows
            .into_iter()
            .take(MATCHES)
            .map(|b| {
                let mark = page.attendees.iter().find(|a| a.id == b.id);
                MatchRow {
                    present: mark.is_some_and(|a| a.status == AttendanceStatus::Present),
                    interests: mark.map(|a| a.interests.clone()).unwrap_or_default(),
                    id: b.id,
                    given_names: b.given_names,
                    family_names: b.family_names,
                    city: b.city,
                }
            })
            .collect();
        page.searched = true;
    }
    if can_record && page.with_participants {
        let listed = outreach::list_participants(&app.core, &actor, None, 500).await?;
        page.participant_choices =
            listed.into_iter().map(|p| ParticipantChoice { id: p.id, full_name: p.full_name }).collect();
    }
    Ok((status, render_page(app, visitor, "events/show.html", &page)?).into_response())
}

/// The page's query string: a search at the door.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ShowQuery {
    #[serde(default)]
    q: String,
}

/// GET /events/{id}
pub(crate) async fn show(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
    Id(id): Id<EventId>,
    Query(query): Query<ShowQuery>,
) -> WebResult<Response> {
    render(&app, &visitor, &ctx, id, PageState { q: query.q, ..PageState::default() }, StatusCode::OK).await
}

/// The status form, as typed.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct StatusForm {
    status: String,
    version: String,
}

/// POST /events/{id}/status — through the status machine; a move it
/// refuses, or a stale form, is a 409 with a message on the page.
pub(crate) async fn change_status(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
    Id(id): Id<EventId>,
    FormData(form): FormData<StatusForm>,
) -> WebResult<Response> {
    let (Ok(to), Ok(version)) = (form.status.parse::<EventStatus>(), form.version.trim().parse::<i32>()) else {
        let mut errors = FieldErrors::new();
        errors.add("status", "error-choose");
        return render(&app, &visitor, &ctx, id, PageState { errors, ..PageState::default() }, INVALID).await;
    };
    let change = StatusChange { event: id, version, to };
    match outreach::change_event_status(&app.core, &ctx.actor(&visitor), change).await.map_err(WebError::from) {
        Ok(_) => Ok(to_event(&app, id, "event-status", "event-flash-status")),
        Err(WebError::Conflict(conflict)) => {
            let key = conflict_message(&conflict).ok_or(WebError::Conflict(conflict))?;
            render(&app, &visitor, &ctx, id, PageState::message(key), StatusCode::CONFLICT).await
        }
        Err(other) => Err(other),
    }
}

/// The message explaining a conflict an event page can meet.
pub(super) fn conflict_message(conflict: &Conflict) -> Option<&'static str> {
    use relais_domain::outreach::EventRefusal;
    match conflict {
        Conflict::StaleVersion => Some("event-error-stale"),
        Conflict::EventTransition { .. } => Some("event-error-transition"),
        Conflict::EventRefused(EventRefusal::InFuture) => Some("event-error-in-future"),
        Conflict::EventRefused(EventRefusal::Cancelled) => Some("event-error-cancelled"),
        Conflict::Erased => Some("event-error-erased"),
        _ => None,
    }
}
