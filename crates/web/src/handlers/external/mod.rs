//! Organisations without an account answer referrals through a link sent to
//! their focal point: a random token (only its SHA-256 is stored), valid
//! for 30 days while the referral is open. The page shows only the packet;
//! each use is one step of the state machine (accept or decline, then start,
//! then the outcome), so a step cannot be repeated; a closed referral or an
//! expired link explains itself and changes nothing. Every use is audited in
//! the sending tenant's log.

use axum::Extension;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use relais_domain::TenantId;
use relais_domain::referral::{
    DeclineReason, NotCompletedReason, ReferralAction, ReferralOutcome, ReferralStatus, Side, Transition,
};
use relais_persistence::models::directory;
use relais_persistence::models::referral_links;
use relais_persistence::models::referrals::{self, Referral};
use relais_persistence::{DbConnection, TenantScope};
use serde::Deserialize;

use crate::access::Access::Public;
use crate::error::{WebError, WebResult};
use crate::forms::FormData;
use crate::handlers::audit;
use crate::handlers::referrals::{audit_action, notify_change, show::packet_rows};
use crate::routes::{RouteTable, route};
use crate::state::{App, AppState};
use crate::templates::page_context;
use crate::tokens;
use crate::visitor::Visitor;

/// How long a link stays valid.
const LINK_VALID_DAYS: i64 = 30;

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

/// Issues a new link for a referral to an organisation without an account;
/// returns the full address to put in the e-mail.
pub(crate) fn issue_link(conn: &mut DbConnection, app: &App, referral_id: &str) -> Result<String, WebError> {
    let token = tokens::random_token();
    let expires = app.now() + chrono::Duration::days(LINK_VALID_DAYS);
    referral_links::issue(conn, referral_id, &tokens::digest(&token), expires)?;
    Ok(format!("{}/external/referrals/{token}", app.settings.public_url))
}

async fn open(app: &AppState, token: &str) -> WebResult<Option<(Referral, String)>> {
    if !tokens::looks_like_token(token) {
        return Ok(None);
    }
    let (hash, now) = (tokens::digest(token), app.now());
    app.db
        .run(move |conn| {
            let Some(referral) = referral_links::open(conn, &hash, now)? else { return Ok::<_, WebError>(None) };
            if referral.receiver_organisation_id.is_none() {
                return Ok(None);
            }
            let service = directory::find_service(conn, &referral.service_id)?.name_fr;
            Ok(Some((referral, service)))
        })
        .await
}

fn sender_scope(referral: &Referral) -> WebResult<TenantScope> {
    let tenant: TenantId = referral.sender_tenant_id.parse().map_err(|_| WebError::NotFound)?;
    Ok(TenantScope::for_system(tenant))
}

fn render(
    app: &AppState,
    visitor: &Visitor,
    referral: Option<&(Referral, String)>,
    status: StatusCode,
) -> WebResult<Response> {
    let mut context = page_context(app, visitor);
    match referral {
        Some((r, service)) => {
            let current = r.status()?;
            context.insert("valid", &true);
            context.insert("reference", &r.reference);
            context.insert("service_name", service);
            context.insert("status", current.as_str());
            context.insert("status_key", &format!("ref-status-{}", current.as_str().replace('_', "-")));
            context.insert("message", &r.message);
            context.insert("packet", &r.receiver_packet().as_ref().map(packet_rows));
            context.insert("can_answer", &(current == ReferralStatus::Sent));
            context.insert("can_start", &(current == ReferralStatus::Accepted));
            context.insert("can_finish", &(current == ReferralStatus::InProgress));
            context.insert("can_give_up", &matches!(current, ReferralStatus::Accepted | ReferralStatus::InProgress));
            let codes = |list: &[&'static str]| {
                list.iter().map(|c| serde_json::json!({ "code": c, "key": c.replace('_', "-") })).collect::<Vec<_>>()
            };
            context
                .insert("decline_reasons", &codes(&DeclineReason::ALL.iter().map(|r| r.as_str()).collect::<Vec<_>>()));
            context.insert("outcomes", &codes(&ReferralOutcome::ALL.iter().map(|r| r.as_str()).collect::<Vec<_>>()));
            context.insert(
                "not_completed_reasons",
                &codes(&NotCompletedReason::ALL.iter().map(|r| r.as_str()).collect::<Vec<_>>()),
            );
        }
        None => context.insert("valid", &false),
    }
    Ok((status, app.templates.render("external/referral.html", &context)?).into_response())
}

/// GET /external/referrals/{token}
pub(crate) async fn show(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(token): Path<String>,
) -> WebResult<Response> {
    let Some(found) = open(&app, &token).await? else {
        return render(&app, &visitor, None, StatusCode::GONE);
    };
    let (scope, id, request_id) = (sender_scope(&found.0)?, found.0.id.clone(), visitor.request_id.clone());
    app.db
        .write(move |conn| {
            audit(
                conn,
                Some(&scope),
                None,
                "referral.external_viewed",
                ("referral", Some(&id)),
                serde_json::json!({ "via": "external_link" }),
                &request_id,
            )
        })
        .await?;
    render(&app, &visitor, Some(&found), StatusCode::OK)
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

fn action_of(form: &AnswerForm) -> Option<ReferralAction> {
    Some(match form.action.as_str() {
        "accept" => ReferralAction::Accept,
        "decline" => ReferralAction::Decline(form.reason.parse().ok()?),
        "start" => ReferralAction::Start,
        "complete" => ReferralAction::Complete(form.outcome.parse().ok()?),
        "not_complete" => ReferralAction::NotComplete(form.reason.parse().ok()?),
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
    let Some(found) = open(&app, &token).await? else {
        return render(&app, &visitor, None, StatusCode::GONE);
    };
    let action = action_of(&form).ok_or_else(|| WebError::BadRequest("choose an answer and its reason".into()))?;
    let text = Some(form.text.trim().chars().take(2000).collect::<String>()).filter(|t| !t.is_empty());
    let (scope, id, request_id, now, app2) =
        (sender_scope(&found.0)?, found.0.id.clone(), visitor.request_id.clone(), app.now(), app.clone());
    let changed = app
        .db
        .write(move |conn| {
            let transition = referrals::apply_with_text(conn, &id, action, Side::Receiver, None, now, text.as_deref())?;
            if transition == Transition::Unchanged {
                return Ok::<_, WebError>(false);
            }
            audit(
                conn,
                Some(&scope),
                None,
                audit_action(action),
                ("referral", Some(&id)),
                serde_json::json!({ "via": "external_link" }),
                &request_id,
            )?;
            notify_change(conn, &app2, &id, action, Side::Receiver)?;
            Ok(true)
        })
        .await?;
    let _ = changed;
    Ok(Redirect::to(&format!("/external/referrals/{token}")).into_response())
}
