//! `/api/v1/referrals`: the referrals of the token's tenant as its side sees
//! them (the receiver gets the packet only), their steps as POST actions,
//! comments, and drafting from a case. Same commands as the pages: same
//! permissions, validation, audit and notices.

use axum::Extension;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::header::{ETAG, IF_MATCH};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use relais_app::referrals::{self, NewDraft, Outcome, ReferralPage, Step};
use relais_domain::case_file::Pathway;
use relais_domain::referral::{DeclineReason, NotCompletedReason, ReferralOutcome, ReferralStatus, Side};
use relais_domain::{BeneficiaryId, CaseId, ReferralId, ServiceId};
use relais_persistence::models::referrals::{AcceptLink, Listing, PacketField};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::auth::ApiContext;
use super::error::{ApiError, ApiResult, ErrorBody};
use super::json::{ApiJson, ApiQuery, PageParams, cursor, parse_id, read_cursor};
use super::schemas;
use crate::state::AppState;

fn utc(at: chrono::NaiveDateTime) -> DateTime<Utc> {
    at.and_utc()
}

/// A referral in a list.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ReferralRow {
    #[schema(value_type = String, format = Uuid)]
    id: ReferralId,
    #[schema(example = "R-7K2M9Q")]
    reference: String,
    #[schema(schema_with = schemas::referral_status)]
    status: ReferralStatus,
    #[schema(value_type = String, format = Uuid)]
    service_id: ServiceId,
    /// The service's name in French.
    service_name: String,
    /// The other side's name.
    counterpart: String,
    /// Sent and not answered by its deadline.
    overdue: bool,
    due_at: Option<DateTime<Utc>>,
    updated_at: DateTime<Utc>,
    /// The version `If-Match` names (as `"v<version>"`).
    version: i32,
}

impl ReferralRow {
    fn new(l: &Listing) -> Self {
        let r = &l.referral;
        Self {
            id: r.id,
            reference: r.reference.clone(),
            status: r.status,
            service_id: r.service_id,
            service_name: l.service.name_fr.clone(),
            counterpart: l.counterpart.clone(),
            overdue: l.overdue,
            due_at: r.due_at.map(utc),
            updated_at: utc(r.updated_at),
            version: r.version,
        }
    }
}

/// A page of referrals.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ReferralPageOut {
    items: Vec<ReferralRow>,
    /// The cursor of the next page (`?after=`), absent on the last one.
    #[serde(skip_serializing_if = "Option::is_none")]
    next: Option<String>,
}

/// Which referrals to list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct ListQuery {
    /// `received` (the inbox) or `sent` (drafts included).
    side: Option<String>,
    /// The `next` cursor of the previous page.
    after: Option<String>,
    /// Rows per page, 1 to 200 (default 50).
    limit: Option<i64>,
}

/// GET /api/v1/referrals
#[utoipa::path(get, path = "/api/v1/referrals", tag = "referrals", params(ListQuery),
    security(("token" = [])),
    responses((status = 200, description = "A page of referrals, latest change first", body = ReferralPageOut),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn list(
    State(app): State<AppState>,
    Extension(ctx): Extension<ApiContext>,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> ApiResult<Json<ReferralPageOut>> {
    let side = match query.side.as_deref() {
        None | Some("received") => Side::Receiver,
        Some("sent") => Side::Sender,
        Some(_) => return Err(ApiError::field("side", "choose")),
    };
    let page = PageParams { after: query.after, limit: query.limit };
    let limit = page.limit()?;
    let after = page.after.as_deref().map(read_cursor::<ReferralId>).transpose()?;
    let rows = referrals::page_of(&app.core, &ctx.actor(), side, after, limit + 1).await?;
    let more = rows.len() > usize::try_from(limit).unwrap_or(usize::MAX);
    let items: Vec<ReferralRow> = rows.iter().take(usize::try_from(limit).unwrap_or(0)).map(ReferralRow::new).collect();
    let next = if more { items.last().map(|r| cursor(r.updated_at.naive_utc(), &r.id.to_string())) } else { None };
    Ok(Json(ReferralPageOut { items, next }))
}

/// A comment, as the reader's side sees it (the other side's authors stay anonymous).
#[derive(Debug, Serialize, ToSchema)]
struct CommentOut {
    #[schema(schema_with = schemas::referral_side)]
    side: Side,
    own: bool,
    author: Option<String>,
    body: String,
    at: DateTime<Utc>,
}

/// A line of the sender's timeline.
#[derive(Debug, Serialize, ToSchema)]
struct EventOut {
    #[schema(value_type = String, example = "accept")]
    kind: String,
    #[schema(schema_with = schemas::referral_status_opt)]
    to: Option<ReferralStatus>,
    #[schema(schema_with = schemas::referral_side)]
    side: Side,
    actor: Option<String>,
    at: DateTime<Utc>,
}

/// A referral, as the token's side sees it (twin of the referral page).
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ReferralOut {
    #[schema(value_type = String, format = Uuid)]
    id: ReferralId,
    reference: String,
    #[schema(schema_with = schemas::referral_side)]
    side: Side,
    #[schema(schema_with = schemas::referral_status)]
    status: ReferralStatus,
    #[schema(value_type = String, format = Uuid)]
    service_id: ServiceId,
    service_name: String,
    counterpart: String,
    message: Option<String>,
    /// The shared fields (the receiver's view: none once revoked or withdrawn).
    #[schema(value_type = Option<Object>)]
    packet: Option<serde_json::Map<String, serde_json::Value>>,
    sent_at: Option<DateTime<Utc>>,
    due_at: Option<DateTime<Utc>>,
    answered_at: Option<DateTime<Utc>>,
    closed_at: Option<DateTime<Utc>>,
    overdue: bool,
    #[schema(schema_with = schemas::decline_reason_opt)]
    decline_reason: Option<DeclineReason>,
    decline_text: Option<String>,
    #[schema(schema_with = schemas::referral_outcome_opt)]
    outcome: Option<ReferralOutcome>,
    #[schema(schema_with = schemas::not_completed_reason_opt)]
    not_completed_reason: Option<NotCompletedReason>,
    /// Sender only: its case.
    #[schema(value_type = Option<String>, format = Uuid)]
    case_id: Option<CaseId>,
    /// Receiver only: its own case, once accepted.
    #[schema(value_type = Option<String>, format = Uuid)]
    own_case_id: Option<CaseId>,
    comments: Vec<CommentOut>,
    /// Sender only.
    events: Vec<EventOut>,
    version: i32,
}

impl ReferralOut {
    fn new(page: ReferralPage, now: chrono::NaiveDateTime) -> Self {
        let ReferralPage { referral: r, side, service, counterpart, comments, events, .. } = page;
        let sender = side == Side::Sender;
        Self {
            id: r.id,
            reference: r.reference.clone(),
            side,
            status: r.status,
            service_id: r.service_id,
            service_name: service.name_fr.clone(),
            counterpart,
            message: r.message.clone(),
            packet: if sender { r.packet() } else { r.receiver_packet() },
            sent_at: r.sent_at.map(utc),
            due_at: r.due_at.map(utc),
            answered_at: r.answered_at.map(utc),
            closed_at: r.closed_at.map(utc),
            overdue: r.is_overdue(now),
            decline_reason: r.decline_reason,
            decline_text: r.decline_text.clone(),
            outcome: r.outcome,
            not_completed_reason: r.not_completed_reason,
            case_id: sender.then_some(r.sender_case_id),
            own_case_id: if sender { None } else { r.receiver_case_id },
            comments: comments
                .into_iter()
                .map(|c| CommentOut { side: c.side, own: c.own, author: c.author, body: c.body, at: utc(c.at) })
                .collect(),
            events: events
                .into_iter()
                .map(|e| EventOut {
                    kind: e.kind.as_str().to_owned(),
                    to: e.to,
                    side: e.side,
                    actor: e.actor,
                    at: utc(e.at),
                })
                .collect(),
            version: r.version,
        }
    }
}

fn with_etag(status: StatusCode, out: ReferralOut) -> Response {
    let etag = HeaderValue::from_str(&format!("\"v{}\"", out.version)).ok();
    let mut response = (status, Json(out)).into_response();
    if let Some(etag) = etag {
        response.headers_mut().insert(ETAG, etag);
    }
    response
}

async fn read(app: &AppState, ctx: &ApiContext, id: ReferralId, status: StatusCode) -> ApiResult<Response> {
    let page = referrals::page(&app.core, &ctx.actor(), id).await?;
    Ok(with_etag(status, ReferralOut::new(page, app.now())))
}

/// GET /api/v1/referrals/{id}
#[utoipa::path(get, path = "/api/v1/referrals/{id}", tag = "referrals",
    params(("id" = String, Path, description = "The referral's id")), security(("token" = [])),
    responses((status = 200, description = "The referral, as the token's side sees it (audited)", body = ReferralOut,
            headers(("ETag" = String, description = "The version, for If-Match"))),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn show(
    State(app): State<AppState>,
    Extension(ctx): Extension<ApiContext>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    read(&app, &ctx, parse_id(&id)?, StatusCode::OK).await
}

/// `If-Match: "v<version>"`, if sent.
fn if_match(headers: &HeaderMap) -> ApiResult<Option<i32>> {
    let Some(value) = headers.get(IF_MATCH) else { return Ok(None) };
    value
        .to_str()
        .ok()
        .and_then(|v| v.trim().trim_matches('"').strip_prefix('v'))
        .and_then(|v| v.parse().ok())
        .map(Some)
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::PRECONDITION_FAILED,
                "precondition_failed",
                "If-Match must be an ETag of this API (\"v<version>\")",
            )
        })
}

/// What a step came to, with the referral after it.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct StepOut {
    /// `changed`, or `unchanged` for a repeat (nothing happened).
    #[schema(example = "changed")]
    outcome: &'static str,
    referral: ReferralOut,
}

async fn step_on(app: &AppState, ctx: &ApiContext, id: &str, headers: &HeaderMap, step: Step) -> ApiResult<Response> {
    let id: ReferralId = parse_id(id)?;
    let outcome = referrals::act(&app.core, &ctx.actor(), id, step, if_match(headers)?).await?;
    let page = referrals::page(&app.core, &ctx.actor(), id).await?;
    let out = StepOut {
        outcome: if matches!(outcome, Outcome::Changed(_)) { "changed" } else { "unchanged" },
        referral: ReferralOut::new(page, app.now()),
    };
    let etag = HeaderValue::from_str(&format!("\"v{}\"", out.referral.version)).ok();
    let mut response = Json(out).into_response();
    if let Some(etag) = etag {
        response.headers_mut().insert(ETAG, etag);
    }
    Ok(response)
}

/// The body of a step that takes nothing.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NoInput {}

/// Accepting: the receiver's person (`new`, or one of its people's ids) and the pathway of its case.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct AcceptIn {
    /// `new`, or the id of one of the receiving tenant's people.
    #[schema(example = "new")]
    link: String,
    #[schema(schema_with = schemas::pathway)]
    pathway: Pathway,
}

/// Declining: a reason, and a text (required for `other`).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct DeclineIn {
    #[schema(schema_with = schemas::decline_reason)]
    reason: DeclineReason,
    text: Option<String>,
}

/// Completing: the outcome.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct CompleteIn {
    #[schema(schema_with = schemas::referral_outcome)]
    outcome: ReferralOutcome,
}

/// Ending without the service: the reason.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NotCompleteIn {
    #[schema(schema_with = schemas::not_completed_reason)]
    reason: NotCompletedReason,
}

/// One step's handler and its description in the OpenAPI document.
macro_rules! step_handler {
    ($name:ident, $path:literal, $body:ty, $what:literal, |$input:ident| $step:expr) => {
        #[doc = concat!("POST ", $path)]
        #[utoipa::path(post, path = $path, tag = "referrals", request_body = $body,
            params(("id" = String, Path, description = "The referral's id"),
                ("If-Match" = Option<String>, Header, description = "The ETag read before (\"v<version>\")"),
                ("Idempotency-Key" = Option<String>, Header, description = "Retry safely: the same key and body get the first answer")),
            security(("token" = [])),
            responses((status = 200, description = $what, body = StepOut),
                (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
                (status = 409, description = "The referral's status does not allow it", body = ErrorBody),
                (status = 412, description = "Changed since the If-Match version", body = ErrorBody),
                (status = 422, body = ErrorBody)))]
        pub(crate) async fn $name(
            State(app): State<AppState>,
            Extension(ctx): Extension<ApiContext>,
            Path(id): Path<String>,
            headers: HeaderMap,
            ApiJson($input): ApiJson<$body>,
        ) -> ApiResult<Response> {
            let step: Step = $step;
            step_on(&app, &ctx, &id, &headers, step).await
        }
    };
}

step_handler!(send, "/api/v1/referrals/{id}/send", NoInput, "The sender sent a reviewed draft", |_body| Step::Send);
step_handler!(withdraw, "/api/v1/referrals/{id}/withdraw", NoInput, "The sender withdrew it", |_body| Step::Withdraw);
step_handler!(accept, "/api/v1/referrals/{id}/accept", AcceptIn, "The receiver accepted it", |body| {
    let link = match body.link.trim() {
        "new" => AcceptLink::New,
        other => AcceptLink::Existing(other.parse::<BeneficiaryId>().map_err(|_| ApiError::field("link", "choose"))?),
    };
    Step::Accept { link, pathway: body.pathway }
});
step_handler!(decline, "/api/v1/referrals/{id}/decline", DeclineIn, "The receiver declined it", |body| {
    Step::Decline { reason: body.reason, text: body.text }
});
step_handler!(start, "/api/v1/referrals/{id}/start", NoInput, "The receiver started the service", |_body| Step::Start);
step_handler!(complete, "/api/v1/referrals/{id}/complete", CompleteIn, "The receiver recorded the outcome", |body| {
    Step::Complete(body.outcome)
});
step_handler!(
    not_complete,
    "/api/v1/referrals/{id}/not-complete",
    NotCompleteIn,
    "It ended without the service",
    |body| { Step::NotComplete(body.reason) }
);

/// A comment.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct CommentIn {
    body: String,
}

/// The new comment's id.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Created {
    #[schema(value_type = String, format = Uuid)]
    id: String,
}

/// POST /api/v1/referrals/{id}/comments
#[utoipa::path(post, path = "/api/v1/referrals/{id}/comments", tag = "referrals", request_body = CommentIn,
    params(("id" = String, Path, description = "The referral's id"),
        ("Idempotency-Key" = Option<String>, Header, description = "Retry safely")),
    security(("token" = [])),
    responses((status = 201, description = "The comment; the other side is told", body = Created),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub(crate) async fn comment(
    State(app): State<AppState>,
    Extension(ctx): Extension<ApiContext>,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<CommentIn>,
) -> ApiResult<(StatusCode, Json<Created>)> {
    let id = referrals::comment(&app.core, &ctx.actor(), parse_id(&id)?, body.body).await?;
    Ok((StatusCode::CREATED, Json(Created { id: id.to_string() })))
}

/// A new referral from a case.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct DraftIn {
    #[schema(value_type = String, format = Uuid)]
    service_id: ServiceId,
    /// The person's fields to share (at least one), e.g. `given_names`, `phone`.
    #[schema(schema_with = schemas::packet_fields)]
    fields: Vec<String>,
    message: Option<String>,
    /// Without a covering consent: the justification (needs `referral:override_consent`).
    override_reason: Option<String>,
    /// Send at once (needs `referral:send`) instead of leaving a draft for review.
    #[serde(default)]
    send_now: bool,
}

/// POST /api/v1/cases/{case_id}/referrals
#[utoipa::path(post, path = "/api/v1/cases/{case_id}/referrals", tag = "referrals", request_body = DraftIn,
    params(("case_id" = String, Path, description = "The sender's case"),
        ("Idempotency-Key" = Option<String>, Header, description = "Retry safely")),
    security(("token" = [])),
    responses((status = 201, description = "The new referral (a draft, or sent)", body = ReferralOut),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "Intake closed, or no consent covers it", body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub(crate) async fn create(
    State(app): State<AppState>,
    Extension(ctx): Extension<ApiContext>,
    Path(case_id): Path<String>,
    ApiJson(body): ApiJson<DraftIn>,
) -> ApiResult<Response> {
    let mut fields = Vec::with_capacity(body.fields.len());
    for code in &body.fields {
        fields.push(PacketField::parse(code).ok_or_else(|| ApiError::field("fields", "unknown_field"))?);
    }
    let new = NewDraft {
        case_id: parse_id(&case_id)?,
        service_id: body.service_id,
        fields,
        message: body.message,
        override_reason: body.override_reason,
        send_now: body.send_now,
    };
    let drafted = referrals::draft(&app.core, &ctx.actor(), new).await?;
    read(&app, &ctx, drafted.id, StatusCode::CREATED).await
}
