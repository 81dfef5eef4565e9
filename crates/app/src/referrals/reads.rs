//! What the referral pages read: a referral through the reader's side
//! (audited: its packet is personal data), the new-referral form with the
//! consent gate's answer, the lists and the dashboard, and the referrals of
//! a case.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use relais_domain::referral::{ReferralEventKind, ReferralStatus, Side};
use relais_domain::{AuditAction, CaseId, Permission, ReferralId, ServiceId, UserId, names};
use relais_persistence::models::beneficiaries::{self, Beneficiary, DuplicateProbe};
use relais_persistence::models::directory::{self, DirectoryEntry, DirectoryQuery, Service};
use relais_persistence::models::referrals::{self, ConsentGate, Dashboard, Listing, Referral};
use relais_persistence::models::{cases, memberships, tenants};
use relais_persistence::{DbConnection, TenantScope};
use serde_json::{Value, json};

use crate::error::{AppError, AppResult};
use crate::{Actor, App};

/// Rows per list.
const LIST_MAX: i64 = 100;

/// How far back the dashboard's median response times look, in days.
pub const MEDIAN_WINDOW_DAYS: i64 = 90;

/// A comment as the reader's side sees it: the other side's authors stay anonymous.
#[derive(Debug, Clone)]
pub struct PageComment {
    /// The side that wrote it.
    pub side: Side,
    /// Whether the reader's side wrote it.
    pub own: bool,
    /// The author's name, for the reader's own side only.
    pub author: Option<String>,
    /// The text.
    pub body: String,
    /// When.
    pub at: NaiveDateTime,
}

/// A line of the sender's timeline.
#[derive(Debug, Clone)]
pub struct PageEvent {
    /// What happened.
    pub kind: ReferralEventKind,
    /// The status it led to.
    pub to: Option<ReferralStatus>,
    /// Which side acted.
    pub side: Side,
    /// Who, if a member of the reader's own tenant.
    pub actor: Option<String>,
    /// When.
    pub at: NaiveDateTime,
}

/// One of the receiver's people the packet may describe (the duplicate check before accepting).
#[derive(Debug, Clone)]
pub struct Candidate {
    /// The receiver's person.
    pub person: Beneficiary,
}

/// A referral's page, as its reader's side may see it.
#[derive(Debug, Clone)]
pub struct ReferralPage {
    /// The referral (show the packet through [`Referral::receiver_packet`] to a receiver).
    pub referral: Referral,
    /// The reader's side.
    pub side: Side,
    /// The service.
    pub service: Service,
    /// The other side's name.
    pub counterpart: String,
    /// The comments, oldest first.
    pub comments: Vec<PageComment>,
    /// The timeline (sender only), oldest first.
    pub events: Vec<PageEvent>,
    /// The receiver's possible matches while it is to be answered.
    pub candidates: Vec<Candidate>,
}

/// Names of the scope's own members, by user id (the other side's stay unknown).
fn member_names(conn: &mut DbConnection, scope: &TenantScope) -> AppResult<HashMap<String, String>> {
    Ok(memberships::list_members(conn, scope)?.into_iter().map(|m| (m.user_id, m.display_name)).collect())
}

fn name_of(names: &HashMap<String, String>, user: Option<UserId>) -> Option<String> {
    user.and_then(|u| names.get(&u.to_string()).cloned())
}

/// Reads a referral of the actor's tenant through its side (`NotFound` for
/// a third tenant), audited `referral.viewed`.
pub async fn page(app: &App, actor: &Actor, id: ReferralId) -> AppResult<ReferralPage> {
    let member = actor.as_member()?;
    member.require(Permission::ReferralReceive)?;
    let scope = member.scope;
    app.write(actor, move |tx| {
        let view = referrals::for_either_side(tx.conn(), &scope, id)?;
        let (referral, side) = (view.referral().clone(), view.side());
        let conn = tx.conn();
        let service = directory::find_service(conn, referral.service_id)?;
        let counterpart = match side {
            Side::Sender => match (referral.receiver_tenant_id, referral.receiver_organisation_id) {
                (Some(t), _) => tenants::find(conn, &t.to_string())?.name,
                (None, Some(o)) => directory::find_organisation(conn, o)?.name,
                (None, None) => String::new(),
            },
            _ => tenants::find(conn, &referral.sender_tenant_id.to_string())?.name,
        };
        let names = member_names(conn, &scope)?;
        let comments = referrals::comments(conn, &view)?
            .into_iter()
            .map(|c| {
                let own = c.side == side;
                let author = if own { name_of(&names, c.author_id) } else { None };
                PageComment { side: c.side, own, author, body: c.body, at: c.created_at }
            })
            .collect();
        let events = if side == Side::Sender {
            referrals::events(conn, &view)?
                .into_iter()
                .filter(|e| e.kind != ReferralEventKind::Comment)
                .map(|e| PageEvent {
                    kind: e.kind,
                    to: e.to_status,
                    side: e.side,
                    actor: name_of(&names, e.actor_id),
                    at: e.occurred_at,
                })
                .collect()
        } else {
            Vec::new()
        };
        let candidates = match (side, referral.status, referral.receiver_packet()) {
            (Side::Receiver, ReferralStatus::Sent, Some(packet)) => candidates(conn, &scope, &packet)?,
            _ => Vec::new(),
        };
        tx.audit(
            Some(&scope),
            AuditAction::ReferralViewed,
            id,
            json!({ "side": side.as_str(), "status": referral.status.as_str() }),
        )?;
        Ok(ReferralPage { referral, side, service, counterpart, comments, events, candidates })
    })
    .await
}

fn candidates(
    conn: &mut DbConnection,
    scope: &TenantScope,
    packet: &serde_json::Map<String, Value>,
) -> AppResult<Vec<Candidate>> {
    let text = |k: &str| packet.get(k).and_then(Value::as_str).unwrap_or("").to_owned();
    let probe = DuplicateProbe {
        name_key: names::name_key(&text("given_names"), &text("family_names")),
        birth_year: text("birth_year").parse().ok(),
        document_keys: Vec::new(),
        exclude_id: None,
    };
    Ok(beneficiaries::duplicates(conn, scope, &probe)?
        .into_iter()
        .map(|c| Candidate { person: c.beneficiary })
        .collect())
}

/// What the consent gate says for the chosen service.
#[derive(Debug, Clone)]
pub struct GateView {
    /// The service chosen.
    pub service: Service,
    /// Covered by a consent, or blocked and why.
    pub gate: ConsentGate,
}

/// The new-referral form's data.
#[derive(Debug, Clone)]
pub struct DraftForm {
    /// The sender's case: id and reference.
    pub case: (CaseId, String),
    /// The person (the packet's fields are read from it).
    pub person: Beneficiary,
    /// Every service of the directory.
    pub services: Vec<DirectoryEntry>,
    /// The gate's answer for the chosen service, if one is chosen.
    pub gate: Option<GateView>,
}

/// Reads what the new-referral form shows for a case of the actor's tenant
/// (`NotFound` for an erased person).
pub async fn draft_form(app: &App, actor: &Actor, case_id: CaseId, service: Option<ServiceId>) -> AppResult<DraftForm> {
    let member = actor.as_member()?;
    member.require(Permission::ReferralDraft)?;
    let (scope, today) = (member.scope, app.now().date());
    app.read(move |conn| {
        let case = cases::find(conn, &scope, case_id)?;
        let person = beneficiaries::find(conn, &scope, case.beneficiary_id)?;
        if person.erased_at.is_some() {
            return Err(AppError::NotFound);
        }
        let services = directory::search(conn, &DirectoryQuery::default())?;
        let gate = match services.iter().find(|e| Some(e.service.id) == service) {
            Some(entry) => {
                let gate = referrals::consent_gate(conn, &scope, person.id, &entry.service, today)?;
                Some(GateView { service: entry.service.clone(), gate })
            }
            None => None,
        };
        Ok(DraftForm { case: (case_id, case.reference), person, services, gate })
    })
    .await
}

/// A tab of the referral lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListTab {
    /// What the tenant received (its inbox), overdue first.
    Received,
    /// What it sent, overdue first.
    Sent,
    /// Its drafts waiting for a caseworker's review.
    Drafts,
    /// Counts and median response times.
    Dashboard,
}

/// What a tab shows.
#[derive(Debug, Clone)]
pub enum TabRows {
    /// A list.
    Rows(Vec<Listing>),
    /// The dashboard (medians over the last [`MEDIAN_WINDOW_DAYS`] days).
    Dashboard(Box<Dashboard>),
}

/// One tab of the actor's tenant's referral lists.
pub async fn list(app: &App, actor: &Actor, tab: ListTab) -> AppResult<TabRows> {
    let member = actor.as_member()?;
    member.require(Permission::ReferralReceive)?;
    let (scope, now) = (member.scope, app.now());
    app.read(move |conn| {
        Ok(match tab {
            ListTab::Dashboard => {
                let since = now - chrono::Duration::days(MEDIAN_WINDOW_DAYS);
                TabRows::Dashboard(Box::new(referrals::dashboard(conn, &scope, since)?))
            }
            ListTab::Sent => TabRows::Rows(referrals::sent_by(conn, &scope, now, LIST_MAX)?),
            ListTab::Drafts => TabRows::Rows(referrals::drafts_to_review(conn, &scope, now, LIST_MAX)?),
            ListTab::Received => TabRows::Rows(referrals::received_by(conn, &scope, now, LIST_MAX)?),
        })
    })
    .await
}

/// A keyset page of the referrals the actor's tenant sent (drafts included)
/// or received, latest change first (the JSON API's lists).
pub async fn page_of(
    app: &App,
    actor: &Actor,
    side: Side,
    after: Option<referrals::PageCursor>,
    limit: i64,
) -> AppResult<Vec<Listing>> {
    let member = actor.as_member()?;
    member.require(Permission::ReferralReceive)?;
    let (scope, now) = (member.scope, app.now());
    app.read(move |conn| Ok(referrals::page(conn, &scope, side, after, limit, now)?)).await
}

/// The dashboard alone (see [`list`]).
pub async fn dashboard(app: &App, actor: &Actor) -> AppResult<Dashboard> {
    match list(app, actor, ListTab::Dashboard).await? {
        TabRows::Dashboard(d) => Ok(*d),
        TabRows::Rows(_) => Err(AppError::Internal("the dashboard tab gave rows".into())),
    }
}

/// A referral sent from a case, as the case page lists it.
pub type CaseReferral = Listing;

/// The referrals sent from a case of the actor's tenant, latest first, with
/// their last comment — for the case page of a member who may read referrals.
pub async fn for_case(app: &App, actor: &Actor, case_id: CaseId) -> AppResult<Vec<CaseReferral>> {
    let member = actor.as_member()?;
    member.require(Permission::CaseRead)?;
    let (scope, now) = (member.scope, app.now());
    app.read(move |conn| Ok(referrals::for_case(conn, &scope, case_id, now)?)).await
}
