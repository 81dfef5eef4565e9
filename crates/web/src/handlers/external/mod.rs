//! Organisations without an account answer referrals through a link sent to
//! their focal point: a random token (only its SHA-256 is stored), valid
//! for 30 days while the referral is open. The page shows only the packet;
//! each use is one step of the state machine (accept or decline, then start,
//! then the outcome), so a step cannot be repeated; a closed referral or an
//! expired link explains itself and changes nothing. The pages call the
//! application layer's link commands (`relais_app::referrals::{open_link,
//! answer_link}`), which audit every use in the sending tenant's log like
//! the same step taken on a page.

use axum::Extension;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use relais_app::referrals::{self, ExternalReferral, LinkAnswer};
use relais_domain::referral::{DeclineReason, NotCompletedReason, ReferralOutcome, ReferralStatus};
use serde::{Deserialize, Serialize};

use crate::access::Access::Public;
use crate::error::{WebError, WebResult};
use crate::forms::FormData;
use crate::routes::{RouteTable, route};
use crate::state::AppState;
use crate::templates::render_page;
use crate::views::{CodeOption, PacketRow, key, packet_rows};
use crate::visitor::Visitor;

/// This area's templates: (name, source).
pub(crate) const TEMPLATES: &[(&str, &str)] =
    &[("external/referral.html", include_str!("../../../templates/external/referral.html"))];

/// This area's routes.
pub(crate) fn routes() -> RouteTable {
    vec![
        route!(get, "/external/referrals/{token}", Public, show),
        route!(post, "/external/referrals/{token}", Public, act),
    ]
}

/// `external/referral.html`: the referral (packet only) and the steps the
/// state machine allows next; `valid: false` for a link that does not open.
#[derive(Debug, Default, Serialize)]
struct LinkPage {
    valid: bool,
    reference: Option<String>,
    service_name: Option<String>,
    status: Option<&'static str>,
    status_key: Option<String>,
    message: Option<String>,
    packet: Option<Vec<PacketRow>>,
    can_answer: bool,
    can_start: bool,
    can_finish: bool,
    can_give_up: bool,
    decline_reasons: Vec<CodeOption>,
    outcomes: Vec<CodeOption>,
    not_completed_reasons: Vec<CodeOption>,
}

fn render(
    app: &AppState,
    visitor: &Visitor,
    found: Option<&ExternalReferral>,
    status: StatusCode,
) -> WebResult<Response> {
    let page = match found {
        None => LinkPage::default(),
        Some(ExternalReferral { referral: r, service_name }) => {
            let current = r.status;
            LinkPage {
                valid: true,
                reference: Some(r.reference.clone()),
                service_name: Some(service_name.clone()),
                status: Some(current.as_str()),
                status_key: Some(format!("ref-status-{}", key(current.as_str()))),
                message: r.message.clone(),
                packet: r.receiver_packet().as_ref().map(packet_rows),
                can_answer: current == ReferralStatus::Sent,
                can_start: current == ReferralStatus::Accepted,
                can_finish: current == ReferralStatus::InProgress,
                can_give_up: matches!(current, ReferralStatus::Accepted | ReferralStatus::InProgress),
                decline_reasons: CodeOption::all(DeclineReason::ALL.iter().map(|c| c.as_str())),
                outcomes: CodeOption::all(ReferralOutcome::ALL.iter().map(|c| c.as_str())),
                not_completed_reasons: CodeOption::all(NotCompletedReason::ALL.iter().map(|c| c.as_str())),
            }
        }
    };
    Ok((status, render_page(app, visitor, "external/referral.html", &page)?).into_response())
}

/// GET /external/referrals/{token}
pub(crate) async fn show(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(token): Path<String>,
) -> WebResult<Response> {
    match referrals::open_link(&app.core, &visitor.request_id, &token).await? {
        Some(found) => render(&app, &visitor, Some(&found), StatusCode::OK),
        None => render(&app, &visitor, None, StatusCode::GONE),
    }
}

/// The answer form.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct AnswerForm {
    #[serde(default)]
    action: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    text: String,
}

fn answer_of(form: &AnswerForm) -> Option<LinkAnswer> {
    Some(match form.action.as_str() {
        "accept" => LinkAnswer::Accept,
        "decline" => LinkAnswer::Decline(form.reason.parse().ok()?),
        "start" => LinkAnswer::Start,
        "complete" => LinkAnswer::Complete(form.outcome.parse().ok()?),
        "not_complete" => LinkAnswer::NotComplete(form.reason.parse().ok()?),
        _ => return None,
    })
}

/// POST /external/referrals/{token}
pub(crate) async fn act(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(token): Path<String>,
    FormData(form): FormData<AnswerForm>,
) -> WebResult<Response> {
    let Some(answer) = answer_of(&form) else {
        if !referrals::link_opens(&app.core, &token).await? {
            return render(&app, &visitor, None, StatusCode::GONE);
        }
        return Err(WebError::BadRequest("choose an answer and its reason".into()));
    };
    // A longer text is cut to the limit rather than refused: the organisation has no account to come back with.
    let text = Some(form.text.trim().chars().take(referrals::TEXT_MAX).collect::<String>());
    match referrals::answer_link(&app.core, &visitor.request_id, &token, answer, text).await? {
        Some(_) => Ok(Redirect::to(&format!("/external/referrals/{token}")).into_response()),
        None => render(&app, &visitor, None, StatusCode::GONE),
    }
}
