//! A referral's page, side-aware. The receiver sees only the packet (none
//! once revoked or withdrawn), the message, the status, the comments and its
//! own linked case; the sender sees the status, timeline, comments and
//! outcome. Every view is audited.

use axum::Extension;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use relais_domain::Permission;
use relais_domain::case_file::Pathway;
use relais_domain::names;
use relais_domain::referral::{DeclineReason, NotCompletedReason, ReferralOutcome, ReferralStatus, Side};
use relais_persistence::models::beneficiaries::{self, DuplicateProbe};
use relais_persistence::models::referrals::{self, Referral};
use relais_persistence::models::{directory, memberships, tenants};
use relais_persistence::{DbConnection, TenantScope};
use serde_json::{Map, Value, json};

use super::actions::ActionForm;
use super::{load_side, parse_id, time_text};
use crate::access::TenantContext;
use crate::error::{WebError, WebResult};
use crate::forms::FieldErrors;
use crate::handlers::audit;
use crate::state::AppState;
use crate::templates::page_context;
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

struct Loaded {
    referral: Referral,
    side: Side,
    service_name: String,
    counterpart: String,
    comments: Vec<Value>,
    events: Vec<Value>,
    candidates: Vec<Value>,
}

/// The packet as rows for the templates (codes shown through their translations).
pub(crate) fn packet_rows(packet: &Map<String, Value>) -> Vec<Value> {
    referrals::PacketField::ALL
        .iter()
        .filter_map(|f| {
            let value = packet.get(f.as_str())?;
            // Codes are shown through their translations.
            let value_key = match f {
                referrals::PacketField::Region => value.as_str().map(|c| format!("region-{c}")),
                referrals::PacketField::Sex => value.as_str().map(|c| format!("ben-sex-{c}")),
                _ => None,
            };
            Some(json!({ "field": f.as_str().replace('_', "-"), "value": value, "value_key": value_key }))
        })
        .collect()
}

fn load(
    conn: &mut DbConnection,
    scope: &TenantScope,
    user: &str,
    id: &str,
    lang: relais_domain::Language,
    request_id: &str,
) -> Result<Loaded, WebError> {
    let (referral, side) = load_side(conn, scope, id)?;
    let service = directory::find_service(conn, &referral.service_id)?;
    let counterpart = match side {
        Side::Sender => match (&referral.receiver_tenant_id, &referral.receiver_organisation_id) {
            (Some(t), _) => tenants::find(conn, t)?.name,
            (None, Some(o)) => directory::find_organisation(conn, o)?.name,
            (None, None) => String::new(),
        },
        _ => tenants::find(conn, &referral.sender_tenant_id)?.name,
    };
    // Names of this tenant's own members only; the other side's authors stay anonymous.
    let names: std::collections::HashMap<String, String> =
        memberships::list_members(conn, scope)?.into_iter().map(|m| (m.user_id, m.display_name)).collect();
    let own = if side == Side::Sender { "sender" } else { "receiver" };
    let comments = referrals::comments(conn, id)?
        .into_iter()
        .map(|c| {
            let author = (c.side == own).then(|| c.author_id.as_ref().and_then(|a| names.get(a).cloned())).flatten();
            json!({ "side": c.side, "own": c.side == own, "author": author, "body": c.body, "at": time_text(c.created_at) })
        })
        .collect();
    let events = if side == Side::Sender {
        referrals::events(conn, id)?
            .into_iter()
            .filter(|e| e.kind != "comment")
            .map(|e| {
                let actor = e.actor_id.as_ref().and_then(|a| names.get(a).cloned());
                json!({ "kind": e.kind.replace('_', "-"), "to": e.to_status, "side": e.side, "actor": actor, "at": time_text(e.occurred_at) })
            })
            .collect()
    } else {
        Vec::new()
    };
    let candidates = match (side, referral.status()?, referral.receiver_packet()) {
        (Side::Receiver, ReferralStatus::Sent, Some(packet)) => {
            let text = |k: &str| packet.get(k).and_then(Value::as_str).unwrap_or("").to_owned();
            let probe = DuplicateProbe {
                name_key: names::name_key(&text("given_names"), &text("family_names")),
                birth_year: text("birth_year").parse().ok(),
                document_keys: Vec::new(),
                exclude_id: None,
            };
            beneficiaries::duplicates(conn, scope, &probe)?
                .into_iter()
                .map(|c| {
                    let b = c.beneficiary;
                    json!({ "id": b.id, "given_names": b.given_names, "family_names": b.family_names, "birth_year": b.birth_year })
                })
                .collect()
        }
        _ => Vec::new(),
    };
    let details =
        json!({ "side": if side == Side::Sender { "sender" } else { "receiver" }, "status": referral.status });
    audit(conn, Some(scope), Some(user), "referral.viewed", ("referral", Some(id)), details, request_id)?;
    Ok(Loaded {
        service_name: service.name(lang).to_owned(),
        referral,
        side,
        counterpart,
        comments,
        events,
        candidates,
    })
}

/// Loads, audits and renders the page.
pub(super) async fn render(
    app: &AppState,
    visitor: &Visitor,
    ctx: &TenantContext,
    id: &str,
    state: PageState,
    status: StatusCode,
) -> WebResult<Response> {
    let (scope, user, key, request_id, lang) =
        (ctx.scope, ctx.user_id.clone(), id.to_owned(), visitor.request_id.clone(), visitor.lang);
    let loaded = app.db.write(move |conn| load(conn, &scope, &user, &key, lang, &request_id)).await?;
    let Loaded { referral: r, side, service_name, counterpart, comments, events, candidates } = loaded;
    let tenant_key = ctx.scope.tenant_id().to_string();
    let may = |p| app.authz.is_allowed(&ctx.user_id, &tenant_key, p);
    let current = r.status()?;
    let is_sender = side == Side::Sender;
    let mut context = page_context(app, visitor);
    let mut view = json!({
        "id": r.id, "reference": r.reference, "status": r.status, "status_key": r.status.replace('_', "-"),
        "service_name": service_name, "counterpart": counterpart, "message": r.message,
        "sent_at": r.sent_at.map(time_text), "due_at": r.due_at.map(time_text),
        "overdue": r.is_overdue(app.now()),
        "decline_reason": r.decline_reason.as_ref().map(|c| c.replace('_', "-")),
        "outcome": r.outcome.as_ref().map(|c| c.replace('_', "-")),
        "not_completed_reason": r.not_completed_reason.as_ref().map(|c| c.replace('_', "-")),
    });
    let packet =
        if is_sender { serde_json::from_str::<Map<String, Value>>(&r.packet).ok() } else { r.receiver_packet() };
    context.insert("packet", &packet.as_ref().map(packet_rows));
    if is_sender {
        view["case_id"] = json!(r.sender_case_id);
        view["decline_text"] = json!(r.decline_text);
        view["consent_id"] = json!(r.consent_id);
        view["override_reason"] = json!(r.consent_override_reason);
    } else {
        view["decline_text"] = json!(r.decline_text);
        view["own_case_id"] = json!(r.receiver_case_id);
    }
    context.insert("referral", &view);
    context.insert("side", if is_sender { "sender" } else { "receiver" });
    context.insert("comments", &comments);
    context.insert("events", &events);
    context.insert("candidates", &candidates);
    let can_send = is_sender && may(Permission::ReferralSend);
    let can_answer = !is_sender && may(Permission::ReferralReceive);
    context.insert("can_send", &(can_send && current == ReferralStatus::Draft));
    context.insert("can_withdraw", &(can_send && matches!(current, ReferralStatus::Draft | ReferralStatus::Sent)));
    context.insert("can_answer", &(can_answer && current == ReferralStatus::Sent));
    context.insert("can_start", &(can_answer && current == ReferralStatus::Accepted));
    context.insert("can_finish", &(can_answer && current == ReferralStatus::InProgress));
    let options = |codes: Vec<&str>| {
        codes.into_iter().map(|c| json!({ "code": c, "key": c.replace('_', "-") })).collect::<Vec<_>>()
    };
    context.insert("decline_reasons", &options(DeclineReason::ALL.iter().map(|c| c.as_str()).collect()));
    context.insert("outcomes", &options(ReferralOutcome::ALL.iter().map(|c| c.as_str()).collect()));
    context.insert("not_completed_reasons", &options(NotCompletedReason::ALL.iter().map(|c| c.as_str()).collect()));
    context.insert("pathways", &Pathway::ALL.iter().map(|c| c.as_str()).collect::<Vec<_>>());
    let form = state
        .form
        .unwrap_or_else(|| ActionForm { pathway: Pathway::AutoEntrepreneur.as_str().into(), ..ActionForm::default() });
    context.insert("form", &form);
    context.insert("errors", &state.errors);
    context.insert("message", &state.message);
    Ok((status, app.templates.render("referrals/show.html", &context)?).into_response())
}

/// GET /referrals/{id}
pub(crate) async fn show(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
    Path(id): Path<String>,
) -> WebResult<Response> {
    let id = parse_id(&id)?;
    render(&app, &visitor, &ctx, &id, PageState::default(), StatusCode::OK).await
}
