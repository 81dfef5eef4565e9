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
//! (`for_sender` / `for_receiver`): a third tenant gets 404. The handlers
//! call the application layer's referral commands (`relais_app::referrals`),
//! which audit every view and transition (ids and codes only) and write the
//! notice e-mails in the same transaction.

mod actions;
mod list;
mod new;
pub(crate) mod show;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use relais_domain::Permission;
use relais_domain::referral::IllegalTransition;
use serde::Serialize;

use crate::access::Access::Tenant;
use crate::error::WebError;
use crate::routes::{RouteTable, route};
use crate::state::App;
use crate::templates::render_page;
use crate::views::key;
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

/// The 409 page of a refused transition.
#[derive(Serialize)]
struct ConflictPage {
    referral_id: String,
    from: String,
    action: String,
}

/// The 409 page of a refused transition, with what was refused.
pub(crate) fn conflict_page(
    app: &App,
    visitor: &Visitor,
    id: relais_domain::ReferralId,
    illegal: IllegalTransition,
) -> Result<Response, WebError> {
    let page =
        ConflictPage { referral_id: id.to_string(), from: key(illegal.from.as_str()), action: key(illegal.action) };
    Ok((StatusCode::CONFLICT, render_page(app, visitor, "referrals/conflict.html", &page)?).into_response())
}
