//! Organisations without an account answer referrals through a link sent to
//! their focal point: a random token (only its SHA-256 is stored), valid for
//! [`LINK_VALID_DAYS`] days while the referral is open. Each use is one step
//! of the state machine through the organisation's view, audited in the
//! sending tenant's log like the same step taken on a page.

use relais_domain::referral::{DeclineReason, NotCompletedReason, ReferralAction, ReferralOutcome};
use relais_domain::{AuditAction, ServiceId};
use relais_persistence::models::referrals::{Referral, SideView};
use relais_persistence::models::{directory, referral_links};
use serde_json::json;

use super::{LINK_VALID_DAYS, Outcome, TransitionInput, text_field, transition};
use crate::actor::{Acting, Actor};
use crate::error::AppResult;
use crate::{App, FieldErrors, Tx, tokens};

/// Issues a new link for a referral sent to an organisation without an
/// account (replacing any older one), through the sender's view; returns the
/// full address for the e-mail.
pub(crate) fn issue_link(tx: &mut Tx<'_>, view: &SideView) -> AppResult<String> {
    let token = tokens::random_token();
    let expires = tx.at() + chrono::Duration::days(LINK_VALID_DAYS);
    referral_links::issue(tx.conn(), view, &tokens::digest(&token), expires)?;
    Ok(format!("{}/external/referrals/{token}", tx.settings().public_url))
}

/// What the organisation's page shows: the referral (packet only) and the service's name.
#[derive(Debug, Clone)]
pub struct ExternalReferral {
    /// The referral as the organisation sees it (use `receiver_packet`).
    pub referral: Referral,
    /// The service, in French (the organisation has no language preference).
    pub service_name: String,
}

/// What an organisation answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkAnswer {
    /// Accept.
    Accept,
    /// Decline, with a reason.
    Decline(DeclineReason),
    /// The service started.
    Start,
    /// Done, with an outcome.
    Complete(ReferralOutcome),
    /// Ended without the service.
    NotComplete(NotCompletedReason),
}

impl LinkAnswer {
    fn action(self) -> ReferralAction {
        match self {
            LinkAnswer::Accept => ReferralAction::Accept,
            LinkAnswer::Decline(r) => ReferralAction::Decline(r),
            LinkAnswer::Start => ReferralAction::Start,
            LinkAnswer::Complete(o) => ReferralAction::Complete(o),
            LinkAnswer::NotComplete(r) => ReferralAction::NotComplete(r),
        }
    }
}

/// The organisation's view through a token, if the token is well formed,
/// known and not expired.
fn open_view(tx: &mut Tx<'_>, token: &str) -> AppResult<Option<SideView>> {
    if !tokens::looks_like_token(token) {
        return Ok(None);
    }
    let at = tx.at();
    Ok(referral_links::open(tx.conn(), &tokens::digest(token), at)?)
}

/// Whether a link opens now (nothing is written): lets a page tell a dead
/// link (410) from a bad answer (400) before reading the answer.
pub async fn link_opens(app: &App, token: &str) -> AppResult<bool> {
    if !tokens::looks_like_token(token) {
        return Ok(false);
    }
    let (hash, at) = (tokens::digest(token), app.now());
    app.read(move |conn| Ok(referral_links::open(conn, &hash, at)?.is_some())).await
}

/// The actor of a link's use: the organisation, for this referral.
fn link_actor(view: &SideView, request_id: &str) -> Actor {
    Actor::new(Acting::ExternalLink(view.id()), request_id)
}

/// Opens a link (audited `referral.external_viewed` in the sender's log);
/// `None` for an unknown, malformed or expired link (nothing is written).
pub async fn open_link(app: &App, request_id: &str, token: &str) -> AppResult<Option<ExternalReferral>> {
    let token = token.to_owned();
    let request_id = request_id.to_owned();
    // The view is found first (as nobody), then the use is written as the organisation.
    let anonymous = Actor::new(Acting::Anonymous, request_id.clone());
    let Some(view) = app.write(&anonymous, move |tx| open_view(tx, &token)).await? else {
        return Ok(None);
    };
    let actor = link_actor(&view, &request_id);
    app.write(&actor, move |tx| {
        let log = relais_persistence::TenantScope::for_system(view.referral().sender_tenant_id);
        tx.audit(Some(&log), AuditAction::ReferralExternalViewed, view.id(), json!({}))?;
        let service_name = service_name(tx, view.referral().service_id)?;
        Ok(Some(ExternalReferral { referral: view.referral().clone(), service_name }))
    })
    .await
}

fn service_name(tx: &mut Tx<'_>, id: ServiceId) -> AppResult<String> {
    Ok(directory::find_service(tx.conn(), id)?.name_fr)
}

/// Answers through a link: one step of the state machine through the
/// organisation's view (audited with the step's action, `via: external_link`,
/// in the sender's log; the sender is told). `None` for a link that no
/// longer opens; an illegal step is [`relais_domain::Conflict::IllegalTransition`]
/// and changes nothing; a repeat is [`Outcome::Unchanged`].
pub async fn answer_link(
    app: &App,
    request_id: &str,
    token: &str,
    answer: LinkAnswer,
    text: Option<String>,
) -> AppResult<Option<Outcome>> {
    // The explanation is optional here: the organisation has no account to come back and fill it in.
    let mut errors = FieldErrors::new();
    let text = text_field(&mut errors, "text", text, false);
    errors.into_result()?;
    let (token, request_id) = (token.to_owned(), request_id.to_owned());
    let anonymous = Actor::new(Acting::Anonymous, request_id.clone());
    let probe = token.clone();
    let Some(view) = app.write(&anonymous, move |tx| open_view(tx, &probe)).await? else {
        return Ok(None);
    };
    let actor = link_actor(&view, &request_id);
    app.write(&actor, move |tx| {
        // Opened again inside the writing transaction: the link may have expired in between.
        let Some(view) = open_view(tx, &token)? else { return Ok(None) };
        let input = TransitionInput { text, accept: None };
        transition(tx, &view, answer.action(), None, input).map(Some)
    })
    .await
}
