//! A referral's page, side-aware. The receiver sees only the packet (none
//! once revoked or withdrawn), the message, the status, the comments and its
//! own linked case; the sender sees the status, timeline, comments and
//! outcome. Every view is audited (by the `page` command).

use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use relais_app::referrals::{self, ReferralPage};
use relais_domain::case_file::Pathway;
use relais_domain::referral::{DeclineReason, NotCompletedReason, ReferralOutcome, ReferralStatus, Side};
use relais_domain::{Permission, ReferralId};
use serde::Serialize;

use super::actions::ActionForm;
use crate::access::TenantContext;
use crate::error::WebResult;
use crate::forms::FieldErrors;
use crate::paths::Id;
use crate::state::AppState;
use crate::templates::render_page;
use crate::views::{CodeOption, PacketRow, key, packet_rows, time_text};
use crate::visitor::Visitor;

/// What the page shows besides the referral.
#[derive(Debug, Default)]
pub(super) struct PageState {
    /// Forms as typed.
    pub(super) form: Option<ActionForm>,
    /// Problems next to fields.
    pub(super) errors: FieldErrors,
    /// A message key shown at the top.
    pub(super) message: Option<&'static str>,
}

/// The referral's facts. Fields of the other side's records stay `None`.
#[derive(Debug, Serialize)]
struct Summary {
    id: String,
    reference: String,
    status: &'static str,
    status_key: String,
    service_name: String,
    counterpart: String,
    message: Option<String>,
    sent_at: Option<String>,
    due_at: Option<String>,
    overdue: bool,
    decline_reason: Option<String>,
    decline_text: Option<String>,
    outcome: Option<String>,
    not_completed_reason: Option<String>,
    /// Sender only: its case, the consent relied on, the override's justification.
    case_id: Option<String>,
    consent_id: Option<String>,
    override_reason: Option<String>,
    /// Receiver only: its own case, once accepted.
    own_case_id: Option<String>,
}

#[derive(Debug, Serialize)]
struct CommentRow {
    side: &'static str,
    own: bool,
    author: Option<String>,
    body: String,
    at: String,
}

#[derive(Debug, Serialize)]
struct EventRow {
    kind: String,
    to: Option<&'static str>,
    side: &'static str,
    actor: Option<String>,
    at: String,
}

#[derive(Debug, Serialize)]
struct CandidateRow {
    id: String,
    given_names: String,
    family_names: String,
    birth_year: Option<i32>,
}

/// `referrals/show.html`.
#[derive(Debug, Serialize)]
struct ShowPage<'a> {
    referral: Summary,
    side: &'static str,
    packet: Option<Vec<PacketRow>>,
    comments: Vec<CommentRow>,
    events: Vec<EventRow>,
    candidates: Vec<CandidateRow>,
    can_send: bool,
    can_withdraw: bool,
    can_answer: bool,
    can_start: bool,
    can_finish: bool,
    decline_reasons: Vec<CodeOption>,
    outcomes: Vec<CodeOption>,
    not_completed_reasons: Vec<CodeOption>,
    pathways: Vec<&'static str>,
    form: ActionForm,
    errors: &'a FieldErrors,
    message: Option<&'static str>,
}

fn page_model<'a>(
    app: &AppState,
    visitor: &Visitor,
    ctx: &TenantContext,
    loaded: ReferralPage,
    state: &'a PageState,
) -> ShowPage<'a> {
    let ReferralPage { referral: r, side, service, counterpart, comments, events, candidates } = loaded;
    let is_sender = side == Side::Sender;
    let current = r.status;
    let packet = if is_sender { r.packet() } else { r.receiver_packet() };
    let summary = Summary {
        id: r.id.to_string(),
        reference: r.reference.clone(),
        status: current.as_str(),
        status_key: key(current.as_str()),
        service_name: service.name(visitor.lang).to_owned(),
        counterpart,
        message: r.message.clone(),
        sent_at: r.sent_at.map(time_text),
        due_at: r.due_at.map(time_text),
        overdue: r.is_overdue(app.now()),
        decline_reason: r.decline_reason.map(|c| key(c.as_str())),
        decline_text: r.decline_text.clone(),
        outcome: r.outcome.map(|c| key(c.as_str())),
        not_completed_reason: r.not_completed_reason.map(|c| key(c.as_str())),
        case_id: is_sender.then(|| r.sender_case_id.to_string()),
        consent_id: if is_sender { r.consent_id.map(|c| c.to_string()) } else { None },
        override_reason: if is_sender { r.consent_override_reason.clone() } else { None },
        own_case_id: if is_sender { None } else { r.receiver_case_id.map(|c| c.to_string()) },
    };
    let can_send = is_sender && ctx.member.may(Permission::ReferralSend);
    let can_answer = !is_sender && ctx.member.may(Permission::ReferralReceive);
    let form = state
        .form
        .clone()
        .unwrap_or_else(|| ActionForm { pathway: Pathway::AutoEntrepreneur.as_str().into(), ..ActionForm::default() });
    ShowPage {
        referral: summary,
        side: side.as_str(),
        packet: packet.as_ref().map(packet_rows),
        comments: comments
            .into_iter()
            .map(|c| CommentRow {
                side: c.side.as_str(),
                own: c.own,
                author: c.author,
                body: c.body,
                at: time_text(c.at),
            })
            .collect(),
        events: events
            .into_iter()
            .map(|e| EventRow {
                kind: key(e.kind.as_str()),
                to: e.to.map(|s| s.as_str()),
                side: e.side.as_str(),
                actor: e.actor,
                at: time_text(e.at),
            })
            .collect(),
        candidates: candidates
            .into_iter()
            .map(|c| CandidateRow {
                id: c.person.id.to_string(),
                given_names: c.person.given_names,
                family_names: c.person.family_names,
                birth_year: c.person.birth_year,
            })
            .collect(),
        can_send: can_send && current == ReferralStatus::Draft,
        can_withdraw: can_send && matches!(current, ReferralStatus::Draft | ReferralStatus::Sent),
        can_answer: can_answer && current == ReferralStatus::Sent,
        can_start: can_answer && current == ReferralStatus::Accepted,
        can_finish: can_answer && current == ReferralStatus::InProgress,
        decline_reasons: CodeOption::all(DeclineReason::ALL.iter().map(|c| c.as_str())),
        outcomes: CodeOption::all(ReferralOutcome::ALL.iter().map(|c| c.as_str())),
        not_completed_reasons: CodeOption::all(NotCompletedReason::ALL.iter().map(|c| c.as_str())),
        pathways: Pathway::ALL.iter().map(|c| c.as_str()).collect(),
        form,
        errors: &state.errors,
        message: state.message,
    }
}

/// Loads (audited) and renders the page.
pub(super) async fn render(
    app: &AppState,
    visitor: &Visitor,
    ctx: &TenantContext,
    id: ReferralId,
    state: PageState,
    status: StatusCode,
) -> WebResult<Response> {
    let loaded = referrals::page(&app.core, &ctx.actor(visitor), id).await?;
    let page = page_model(app, visitor, ctx, loaded, &state);
    Ok((status, render_page(app, visitor, "referrals/show.html", &page)?).into_response())
}

/// GET /referrals/{id}
pub(crate) async fn show(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
    Id(id): Id<ReferralId>,
) -> WebResult<Response> {
    render(&app, &visitor, &ctx, id, PageState::default(), StatusCode::OK).await
}
