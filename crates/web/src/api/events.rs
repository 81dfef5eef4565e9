//! `/api/v1/events`: the events the token's tenant organises, an event with
//! the tenant's own attendance and head-counts, recording an event (past
//! dates allowed: sheets typed in later), a mark of attendance and a
//! head-count. The same commands as the pages.

use axum::Extension;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use relais_app::outreach::{self, EventInput, Mark, MarkOutcome, NewEvent, NewTally};
use relais_domain::beneficiary::Sex;
use relais_domain::outreach::{
    AgeBand, AttendanceStatus, AttendeeInterest, EventKind, EventStatus, EventTopic, TallyCell, TrainingAudience,
};
use relais_domain::{BeneficiaryId, EventId, Region, TallyId};
use relais_persistence::models::events::listing::{EventCursor, EventFilter, EventListing, When};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::auth::ApiContext;
use super::error::{ApiError, ApiResult, ErrorBody};
use super::json::{ApiJson, ApiQuery, LIMIT_DEFAULT, LIMIT_MAX, parse_id};
use super::schemas;
use crate::state::AppState;

/// What an event is, in a list and on its own.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct EventFacts {
    #[schema(value_type = String, format = Uuid)]
    id: EventId,
    title: String,
    #[schema(schema_with = schemas::event_kind)]
    kind: EventKind,
    #[schema(schema_with = schemas::event_topics)]
    topics: Vec<EventTopic>,
    start_date: NaiveDate,
    end_date: Option<NaiveDate>,
    city: Option<String>,
    #[schema(schema_with = schemas::region)]
    region: Region,
    #[schema(schema_with = schemas::event_status)]
    status: EventStatus,
}

/// An event in a list, with the tenant's own counts.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct EventRow {
    #[serde(flatten)]
    facts: EventFacts,
    /// Organised by another tenant with this one.
    co_organised: bool,
    /// The tenant's own people marked present.
    present: i64,
    /// The tenant's own head-counts.
    counted: i64,
}

impl From<EventListing> for EventRow {
    fn from(e: EventListing) -> Self {
        Self {
            facts: EventFacts {
                id: e.id,
                title: e.title,
                kind: e.kind,
                topics: e.topics.0,
                start_date: e.start_date,
                end_date: e.end_date,
                city: e.city,
                region: e.region,
                status: e.status,
            },
            co_organised: e.co_organised,
            present: e.present,
            counted: e.counted,
        }
    }
}

/// A page of events.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct EventPageOut {
    items: Vec<EventRow>,
    /// The cursor of the next page (`?after=`), absent on the last one.
    #[serde(skip_serializing_if = "Option::is_none")]
    next: Option<String>,
}

/// Which events to list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct ListQuery {
    /// `upcoming` (soonest first), `past` or `all` (latest first, the default).
    when: Option<String>,
    /// An event kind code.
    kind: Option<String>,
    /// The `next` cursor of the previous page.
    after: Option<String>,
    /// Rows per page, 1 to 200 (default 50).
    limit: Option<i64>,
}

/// GET /api/v1/events
#[utoipa::path(get, path = "/api/v1/events", tag = "events", params(ListQuery), security(("token" = [])),
    responses((status = 200, description = "A page of the events the tenant organises", body = EventPageOut),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn list(
    State(app): State<AppState>,
    Extension(ctx): Extension<ApiContext>,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> ApiResult<Json<EventPageOut>> {
    let when = match query.when.as_deref() {
        None | Some("all") => When::All,
        Some("upcoming") => When::Upcoming,
        Some("past") => When::Past,
        Some(_) => return Err(ApiError::field("when", "choose")),
    };
    let kind = query.kind.as_deref().map(|k| k.parse::<EventKind>().map_err(|_| ApiError::field("kind", "choose")));
    let limit = query.limit.unwrap_or(LIMIT_DEFAULT);
    if !(1..=LIMIT_MAX).contains(&limit) {
        return Err(ApiError::field("limit", "out_of_range"));
    }
    let after = match query.after.as_deref() {
        Some(token) => Some(EventCursor::parse(token).ok_or_else(|| ApiError::field("after", "invalid"))?),
        None => None,
    };
    let filter = EventFilter { when, kind: kind.transpose()?, ..EventFilter::default() };
    let list = outreach::list_events(&app.core, &ctx.actor(), filter, after, limit).await?;
    let next = list.page.next.as_ref().map(EventCursor::to_token);
    Ok(Json(EventPageOut { items: list.page.rows.into_iter().map(EventRow::from).collect(), next }))
}

/// A person's mark at an event.
#[derive(Debug, Serialize, ToSchema)]
struct AttendeeOut {
    #[schema(value_type = String, format = Uuid)]
    person_id: BeneficiaryId,
    given_names: String,
    family_names: String,
    #[schema(schema_with = schemas::attendance_status)]
    status: AttendanceStatus,
    #[schema(schema_with = schemas::interests)]
    interests: Vec<AttendeeInterest>,
}

/// One cell of a head-count.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct CellIo {
    #[schema(schema_with = schemas::sex)]
    sex: Sex,
    #[schema(schema_with = schemas::age_band)]
    age_band: AgeBand,
    /// A nationality group, if counted by it.
    nationality: Option<String>,
    count: i64,
}

/// A head-count sheet.
#[derive(Debug, Serialize, ToSchema)]
struct TallyOut {
    #[schema(value_type = String, format = Uuid)]
    id: TallyId,
    label: Option<String>,
    cells: Vec<CellIo>,
}

/// An event, with the tenant's own attendance and head-counts (never another tenant's).
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct OutreachEvent {
    #[serde(flatten)]
    facts: EventFacts,
    /// The token's tenant organises it itself (not only as a co-organiser).
    own: bool,
    /// Attendance and head-counts may be recorded now.
    open_for_attendance: bool,
    attendees: Vec<AttendeeOut>,
    tallies: Vec<TallyOut>,
}

/// GET /api/v1/events/{id}
#[utoipa::path(get, path = "/api/v1/events/{id}", tag = "events", security(("token" = [])),
    params(("id" = String, Path, description = "The event's id")),
    responses((status = 200, description = "The event as the token's tenant sees it", body = OutreachEvent),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn show(
    State(app): State<AppState>,
    Extension(ctx): Extension<ApiContext>,
    Path(id): Path<String>,
) -> ApiResult<Json<OutreachEvent>> {
    read(&app, &ctx, parse_id(&id)?).await.map(Json)
}

async fn read(app: &AppState, ctx: &ApiContext, id: EventId) -> ApiResult<OutreachEvent> {
    let view = outreach::event_page(&app.core, &ctx.actor(), id).await?;
    let e = view.event;
    Ok(OutreachEvent {
        facts: EventFacts {
            id: e.id,
            title: e.title,
            kind: e.kind,
            topics: e.topics.0,
            start_date: e.start_date,
            end_date: e.end_date,
            city: e.city,
            region: e.region,
            status: e.status,
        },
        own: view.own,
        open_for_attendance: view.open_for_attendance,
        attendees: view
            .attendees
            .into_iter()
            .map(|a| AttendeeOut {
                person_id: a.beneficiary_id,
                given_names: a.given_names,
                family_names: a.family_names,
                status: a.status,
                interests: a.interests.0,
            })
            .collect(),
        tallies: view
            .tallies
            .into_iter()
            .map(|t| TallyOut {
                id: t.id,
                label: t.label,
                cells: t
                    .cells
                    .into_iter()
                    .map(|c| CellIo {
                        sex: c.sex,
                        age_band: c.age_band,
                        nationality: c.nationality,
                        count: i64::from(c.headcount),
                    })
                    .collect(),
            })
            .collect(),
    })
}

/// An event to record: planned, or `held` with its real (past) dates.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct EventIn {
    title: String,
    #[schema(schema_with = schemas::event_kind)]
    kind: EventKind,
    /// At least one for an information session.
    #[serde(default)]
    #[schema(schema_with = schemas::event_topics)]
    topics: Vec<EventTopic>,
    /// Whom a training is for (required for a training).
    #[schema(schema_with = schemas::training_audience_opt)]
    audience: Option<TrainingAudience>,
    start_date: NaiveDate,
    end_date: Option<NaiveDate>,
    #[serde(default)]
    city: String,
    #[schema(schema_with = schemas::region)]
    region: Region,
    #[serde(default)]
    languages: Vec<String>,
    #[serde(default)]
    notes: String,
    /// `planned` (the default) or `held`.
    #[schema(schema_with = schemas::event_status_opt)]
    status: Option<EventStatus>,
}

/// POST /api/v1/events
#[utoipa::path(post, path = "/api/v1/events", tag = "events", request_body = EventIn, security(("token" = [])),
    responses((status = 201, description = "The event recorded", body = OutreachEvent),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn create(
    State(app): State<AppState>,
    Extension(ctx): Extension<ApiContext>,
    ApiJson(body): ApiJson<EventIn>,
) -> ApiResult<Response> {
    let held = match body.status {
        None | Some(EventStatus::Planned) => false,
        Some(EventStatus::Held) => true,
        Some(_) => return Err(ApiError::field("status", "choose")),
    };
    let input = EventInput {
        title: body.title,
        kind: Some(body.kind),
        topics: body.topics,
        audience: body.audience,
        start_date: Some(body.start_date),
        end_date: body.end_date,
        city: body.city,
        region: Some(body.region),
        languages: body.languages,
        notes: body.notes,
        ..EventInput::default()
    };
    let id = outreach::plan_event(&app.core, &ctx.actor(), NewEvent { input, held }).await?;
    Ok((StatusCode::CREATED, Json(read(&app, &ctx, id).await?)).into_response())
}

/// A person's mark at an event (a second identical mark changes nothing).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct MarkIn {
    /// One of the tenant's people.
    #[schema(value_type = String, format = Uuid)]
    person_id: BeneficiaryId,
    #[schema(schema_with = schemas::attendance_status)]
    status: AttendanceStatus,
    #[serde(default)]
    #[schema(schema_with = schemas::interests)]
    interests: Vec<AttendeeInterest>,
}

/// What a mark did, and the event after it.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct MarkOut {
    /// `recorded`, `changed`, or `unchanged` for a repeat (nothing written).
    #[schema(example = "recorded")]
    outcome: &'static str,
    event: OutreachEvent,
}

/// POST /api/v1/events/{id}/attendance
#[utoipa::path(post, path = "/api/v1/events/{id}/attendance", tag = "events", request_body = MarkIn,
    security(("token" = [])), params(("id" = String, Path, description = "The event's id")),
    responses((status = 200, description = "The mark and the event", body = MarkOut),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn mark(
    State(app): State<AppState>,
    Extension(ctx): Extension<ApiContext>,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<MarkIn>,
) -> ApiResult<Json<MarkOut>> {
    let event: EventId = parse_id(&id)?;
    let mark = Mark { event, person: body.person_id, status: body.status, interests: body.interests };
    let outcome = match outreach::record_attendance(&app.core, &ctx.actor(), mark).await? {
        MarkOutcome::Recorded(_) => "recorded",
        MarkOutcome::Changed(_) => "changed",
        MarkOutcome::Unchanged(_) => "unchanged",
    };
    Ok(Json(MarkOut { outcome, event: read(&app, &ctx, event).await? }))
}

/// A head-count of people who gave no name.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct TallyIn {
    #[serde(default)]
    label: String,
    cells: Vec<CellIo>,
}

/// POST /api/v1/events/{id}/tallies
#[utoipa::path(post, path = "/api/v1/events/{id}/tallies", tag = "events", request_body = TallyIn,
    security(("token" = [])), params(("id" = String, Path, description = "The event's id")),
    responses((status = 201, description = "The head-count recorded, and the event", body = OutreachEvent),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn tally(
    State(app): State<AppState>,
    Extension(ctx): Extension<ApiContext>,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<TallyIn>,
) -> ApiResult<Response> {
    let event: EventId = parse_id(&id)?;
    let cells = body
        .cells
        .into_iter()
        .map(|c| TallyCell { sex: c.sex, age_band: c.age_band, nationality: c.nationality, count: c.count })
        .collect();
    outreach::record_tally(&app.core, &ctx.actor(), NewTally { event, label: body.label, cells }).await?;
    Ok((StatusCode::CREATED, Json(read(&app, &ctx, event).await?)).into_response())
}
