//! Referrals between tenants: sending from a case (consent gate, packet),
//! the receiving tenant's inbox, answers, comments, outcomes, dashboards.
//!
//! # Access (one permission per route)
//!
//! - `referral:draft` — the new-referral form and its submission (volunteers
//!   draft; sending at once additionally needs `referral:send`, checked in
//!   the handler; an override needs `referral:override_consent`);
//! - `referral:receive` — reading: the referral lists and dashboard, a
//!   referral's page (either side), and comments — reading a referral means
//!   reading a packet, which is receiving data;
//! - `referral:send` — the sender's actions: sending a reviewed draft,
//!   withdrawing;
//! - `referral:receive` — the receiver's answers: accept, decline, start,
//!   complete, not complete.
//!
//! Which side a user acts for is decided by the persistence views
//! (`for_sender` / `for_receiver`): a third tenant gets 404. Every view and
//! transition is audited (ids and codes only), and every transition writes
//! its notice e-mails through `relais_email::notify` in the same transaction.

mod actions;
mod case_section;
mod list;
mod new;
pub(crate) mod show;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use relais_domain::Permission;
use relais_domain::referral::{IllegalTransition, ReferralAction, Side};
use relais_email::ReferralNotice;
use relais_email::notify::{self, Notice};
use relais_persistence::models::referrals::{self, Referral, ReferralError};
use relais_persistence::{DbConnection, PersistenceError, TenantScope};

pub(crate) use case_section::case_referrals;

use crate::access::Access::Tenant;
use crate::error::WebError;
use crate::routes::{RouteTable, route};
use crate::state::App;
use crate::templates::page_context;
use crate::visitor::Visitor;

/// This area's templates: (name, source).
pub(crate) const TEMPLATES: &[(&str, &str)] = &[
    ("referrals/new.html", include_str!("../../../templates/referrals/new.html")),
    ("referrals/list.html", include_str!("../../../templates/referrals/list.html")),
    ("referrals/show.html", include_str!("../../../templates/referrals/show.html")),
    ("referrals/conflict.html", include_str!("../../../templates/referrals/conflict.html")),
    ("referrals/case_section.html", include_str!("../../../templates/referrals/case_section.html")),
];

/// This area's routes.
pub(crate) fn routes() -> RouteTable {
    use Permission::{ReferralDraft, ReferralReceive, ReferralSend};
    vec![
        route!(get, "/cases/{id}/referrals/new", Tenant(ReferralDraft), new::form),
        route!(post, "/cases/{id}/referrals", Tenant(ReferralDraft), new::create),
        route!(get, "/referrals", Tenant(ReferralReceive), list::list),
        route!(get, "/referrals/{id}", Tenant(ReferralReceive), show::show),
        route!(post, "/referrals/{id}/send", Tenant(ReferralSend), actions::send),
        route!(post, "/referrals/{id}/withdraw", Tenant(ReferralSend), actions::withdraw),
        route!(post, "/referrals/{id}/accept", Tenant(ReferralReceive), actions::accept),
        route!(post, "/referrals/{id}/decline", Tenant(ReferralReceive), actions::decline),
        route!(post, "/referrals/{id}/start", Tenant(ReferralReceive), actions::start),
        route!(post, "/referrals/{id}/complete", Tenant(ReferralReceive), actions::complete),
        route!(post, "/referrals/{id}/not-complete", Tenant(ReferralReceive), actions::not_complete),
        route!(post, "/referrals/{id}/comments", Tenant(ReferralReceive), actions::comment),
    ]
}

/// An id from a URL in its canonical form; anything else does not exist.
fn parse_id(text: &str) -> Result<String, WebError> {
    text.parse::<uuid::Uuid>().map(|id| id.hyphenated().to_string()).map_err(|_| WebError::NotFound)
}

/// A time as shown: `YYYY-MM-DD HH:MM` (UTC).
fn time_text(at: chrono::NaiveDateTime) -> String {
    at.format("%Y-%m-%d %H:%M").to_string()
}

/// The referral and the side the scope's tenant is on (sender first);
/// `NotFound` for a third tenant.
fn load_side(conn: &mut DbConnection, scope: &TenantScope, id: &str) -> Result<(Referral, Side), PersistenceError> {
    match referrals::for_sender(conn, scope, id) {
        Ok(r) => Ok((r, Side::Sender)),
        Err(PersistenceError::NotFound) => Ok((referrals::for_receiver(conn, scope, id)?, Side::Receiver)),
        Err(other) => Err(other),
    }
}

/// The notice an action's change sends.
pub(crate) fn notice_of(action: ReferralAction) -> ReferralNotice {
    match action {
        ReferralAction::Send => ReferralNotice::Received,
        ReferralAction::Accept => ReferralNotice::Accepted,
        ReferralAction::Decline(_) => ReferralNotice::Declined,
        ReferralAction::Withdraw => ReferralNotice::Withdrawn,
        ReferralAction::Expire => ReferralNotice::Expired,
        ReferralAction::Start => ReferralNotice::Started,
        ReferralAction::Complete(_) => ReferralNotice::Completed,
        ReferralAction::NotComplete(_) => ReferralNotice::NotCompleted,
        ReferralAction::Revoke => ReferralNotice::Revoked,
    }
}

/// The audit action of a change (`referral.accepted` …).
pub(crate) fn audit_action(action: ReferralAction) -> &'static str {
    match action {
        ReferralAction::Send => "referral.sent",
        ReferralAction::Accept => "referral.accepted",
        ReferralAction::Decline(_) => "referral.declined",
        ReferralAction::Withdraw => "referral.withdrawn",
        ReferralAction::Expire => "referral.expired",
        ReferralAction::Start => "referral.started",
        ReferralAction::Complete(_) => "referral.completed",
        ReferralAction::NotComplete(_) => "referral.not_completed",
        ReferralAction::Revoke => "referral.revoked",
    }
}

/// Writes the notice of a changed referral (re-read, so it carries the new state).
pub(crate) fn notify_change(
    conn: &mut DbConnection,
    app: &App,
    id: &str,
    action: ReferralAction,
    side: Side,
) -> Result<(), WebError> {
    let referral = relais_persistence::models::referrals::for_any_side(conn, id)?;
    // An organisation without an account answers through a link of its own.
    let link = if action == ReferralAction::Send && referral.receiver_organisation_id.is_some() {
        Some(crate::handlers::external::issue_link(conn, app, id)?)
    } else {
        None
    };
    let notice = Notice { notice: notice_of(action), author_side: side, occurrence: None, link: link.as_deref() };
    notify::notify(conn, &app.settings.public_url, &referral, notice)?;
    Ok(())
}

/// What a transition request came to.
enum Outcome {
    /// The status changed.
    Changed,
    /// It already was so (a double submit).
    Unchanged,
    /// The state machine refused it; nothing changed.
    Illegal(IllegalTransition),
}

impl From<ReferralError> for WebError {
    fn from(err: ReferralError) -> Self {
        match err {
            ReferralError::Illegal(e) => WebError::Conflict(relais_domain::Conflict::IllegalTransition(e)),
            ReferralError::WrongSide => WebError::Forbidden,
            ReferralError::IntakeClosed => WebError::Conflict(relais_domain::Conflict::IntakeClosed),
            ReferralError::ConsentRequired(_) => WebError::Conflict(relais_domain::Conflict::ConsentRequired),
            ReferralError::EmptyPacket => WebError::BadRequest("empty packet".into()),
            ReferralError::Persistence(p) => WebError::from(p),
        }
    }
}

/// The 409 page of a refused transition, with what was refused.
fn conflict_page(app: &App, visitor: &Visitor, id: &str, illegal: IllegalTransition) -> Result<Response, WebError> {
    let mut context = page_context(app, visitor);
    context.insert("referral_id", id);
    context.insert("from", &illegal.from.as_str().replace('_', "-"));
    context.insert("action", &illegal.action.replace('_', "-"));
    Ok((StatusCode::CONFLICT, app.templates.render("referrals/conflict.html", &context)?).into_response())
}
