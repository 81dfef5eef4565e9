//! The transitions (each side's buttons) and comments. Every change is
//! audited and its notice e-mails are written in the same transaction; an
//! illegal transition is a 409 page and changes nothing; a repeated one
//! (double submit) redirects harmlessly.

use axum::Extension;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use relais_domain::case_file::Pathway;
use relais_domain::referral::{DeclineReason, NotCompletedReason, ReferralAction, ReferralOutcome, Side, Transition};
use relais_email::ReferralNotice;
use relais_email::notify::{self, Notice};
use relais_persistence::models::referrals::{self, AcceptLink, ReferralError};
use serde::Deserialize;
use serde_json::json;

use super::show::{PageState, render};
use super::{Outcome, audit_action, conflict_page, load_side, notify_change, parse_id};
use crate::access::TenantContext;
use crate::error::{WebError, WebResult};
use crate::forms::{self, FieldErrors, FormData};
use crate::handlers::{audit, redirect_with_flash};
use crate::state::AppState;
use crate::visitor::Visitor;

/// Longest decline text or comment, in characters.
const TEXT_MAX: usize = 2000;

/// Every form of the referral page, as typed (field names are unique on the page).
#[derive(Debug, Default, Clone, Deserialize, serde::Serialize)]
pub(super) struct ActionForm {
    #[serde(default)]
    pub(super) link: String,
    #[serde(default)]
    pub(super) pathway: String,
    #[serde(default)]
    pub(super) decline_reason: String,
    #[serde(default)]
    pub(super) decline_text: String,
    #[serde(default)]
    pub(super) outcome: String,
    #[serde(default)]
    pub(super) not_completed_reason: String,
    #[serde(default)]
    pub(super) body: String,
}

/// Runs one transition for a side: loads the referral through that side's
/// view (404 otherwise), applies it, and on a change audits and notifies.
#[expect(clippy::too_many_arguments, reason = "one transition's whole request")]
async fn run(
    app: &AppState,
    visitor: &Visitor,
    ctx: &TenantContext,
    id: &str,
    side: Side,
    action: ReferralAction,
    text: Option<String>,
    link: Option<(AcceptLink, Pathway)>,
) -> WebResult<Response> {
    let (scope, actor, request_id, key, app2) =
        (ctx.scope, ctx.user_id.clone(), visitor.request_id.clone(), id.to_owned(), app.clone());
    let at = app.now();
    let outcome = app
        .db
        .write(move |conn| {
            match side {
                Side::Sender => referrals::for_sender(conn, &scope, &key)?,
                _ => referrals::for_receiver(conn, &scope, &key)?,
            };
            let result = match (&action, link) {
                (ReferralAction::Send, _) => referrals::send(conn, &scope, &key, &actor, at),
                (ReferralAction::Accept, Some((link, pathway))) => {
                    referrals::accept(conn, &scope, &key, &link, pathway, &actor, at)
                }
                _ => referrals::apply_with_text(conn, &key, action, side, Some(&actor), at, text.as_deref()),
            };
            match result {
                Ok(Transition::Unchanged) => Ok(Outcome::Unchanged),
                Ok(Transition::Changed(to)) => {
                    let mut details = json!({ "action": action.code(), "to": to.as_str() });
                    match action {
                        ReferralAction::Decline(r) => details["reason"] = json!(r.as_str()),
                        ReferralAction::NotComplete(r) => details["reason"] = json!(r.as_str()),
                        ReferralAction::Complete(o) => details["outcome"] = json!(o.as_str()),
                        _ => {}
                    }
                    let target = ("referral", Some(key.as_str()));
                    audit(conn, Some(&scope), Some(&actor), audit_action(action), target, details, &request_id)?;
                    notify_change(conn, &app2, &key, action, side)?;
                    Ok(Outcome::Changed)
                }
                Err(ReferralError::Illegal(illegal)) => Ok(Outcome::Illegal(illegal)),
                Err(other) => Err(WebError::from(other)),
            }
        })
        .await;
    match outcome {
        Ok(Outcome::Changed) => Ok(redirect_with_flash(app, &format!("/referrals/{id}"), "ref-flash-updated")),
        Ok(Outcome::Unchanged) => Ok(redirect_with_flash(app, &format!("/referrals/{id}"), "ref-flash-unchanged")),
        Ok(Outcome::Illegal(illegal)) => conflict_page(app, visitor, id, illegal),
        Err(WebError::Conflict(relais_domain::Conflict::IntakeClosed)) => {
            let state = PageState { message: Some("ref-error-intake-closed"), ..PageState::default() };
            render(app, visitor, ctx, id, state, StatusCode::CONFLICT).await
        }
        Err(other) => Err(other),
    }
}

/// Re-renders the page with field problems (422).
async fn invalid(
    app: &AppState,
    visitor: &Visitor,
    ctx: &TenantContext,
    id: &str,
    form: ActionForm,
    errors: FieldErrors,
) -> WebResult<Response> {
    let state = PageState { form: Some(form), errors, message: None };
    render(app, visitor, ctx, id, state, StatusCode::UNPROCESSABLE_ENTITY).await
}

/// POST /referrals/{id}/send — a caseworker sends a (reviewed) draft.
pub(crate) async fn send(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
    Path(id): Path<String>,
) -> WebResult<Response> {
    let id = parse_id(&id)?;
    run(&app, &visitor, &ctx, &id, Side::Sender, ReferralAction::Send, None, None).await
}

/// POST /referrals/{id}/withdraw
pub(crate) async fn withdraw(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
    Path(id): Path<String>,
) -> WebResult<Response> {
    let id = parse_id(&id)?;
    run(&app, &visitor, &ctx, &id, Side::Sender, ReferralAction::Withdraw, None, None).await
}

/// POST /referrals/{id}/accept — `link` is `new` or one of the receiving
/// tenant's people (offered by the duplicate check); `pathway` of the new case.
pub(crate) async fn accept(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
    Path(id): Path<String>,
    FormData(form): FormData<ActionForm>,
) -> WebResult<Response> {
    let id = parse_id(&id)?;
    let mut errors = FieldErrors::new();
    let link = match form.link.trim() {
        "new" => Some(AcceptLink::New),
        "" => {
            errors.add("link", "error-choose");
            None
        }
        other => match parse_id(other) {
            Ok(person) => Some(AcceptLink::Existing(person)),
            Err(_) => {
                errors.add("link", "error-choose");
                None
            }
        },
    };
    let pathway = form.pathway.parse::<Pathway>().map_err(|_| errors.add("pathway", "error-choose")).ok();
    let (Some(link), Some(pathway)) = (link, pathway) else {
        return invalid(&app, &visitor, &ctx, &id, form, errors).await;
    };
    run(&app, &visitor, &ctx, &id, Side::Receiver, ReferralAction::Accept, None, Some((link, pathway))).await
}

/// POST /referrals/{id}/decline — a reason from the list and a text.
pub(crate) async fn decline(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
    Path(id): Path<String>,
    FormData(form): FormData<ActionForm>,
) -> WebResult<Response> {
    let id = parse_id(&id)?;
    let mut errors = FieldErrors::new();
    let reason =
        form.decline_reason.parse::<DeclineReason>().map_err(|_| errors.add("decline_reason", "error-choose")).ok();
    let text =
        forms::text(&mut errors, "decline_text", &form.decline_text, TEXT_MAX, reason == Some(DeclineReason::Other));
    let Some(reason) = reason.filter(|_| errors.is_empty()) else {
        return invalid(&app, &visitor, &ctx, &id, form, errors).await;
    };
    let text = Some(text).filter(|t| !t.is_empty());
    run(&app, &visitor, &ctx, &id, Side::Receiver, ReferralAction::Decline(reason), text, None).await
}

/// POST /referrals/{id}/start
pub(crate) async fn start(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
    Path(id): Path<String>,
) -> WebResult<Response> {
    let id = parse_id(&id)?;
    run(&app, &visitor, &ctx, &id, Side::Receiver, ReferralAction::Start, None, None).await
}

/// POST /referrals/{id}/complete — the outcome from the list.
pub(crate) async fn complete(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
    Path(id): Path<String>,
    FormData(form): FormData<ActionForm>,
) -> WebResult<Response> {
    let id = parse_id(&id)?;
    let mut errors = FieldErrors::new();
    let Some(outcome) = form.outcome.parse::<ReferralOutcome>().map_err(|_| errors.add("outcome", "error-choose")).ok()
    else {
        return invalid(&app, &visitor, &ctx, &id, form, errors).await;
    };
    run(&app, &visitor, &ctx, &id, Side::Receiver, ReferralAction::Complete(outcome), None, None).await
}

/// POST /referrals/{id}/not-complete — the reason from the list.
pub(crate) async fn not_complete(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
    Path(id): Path<String>,
    FormData(form): FormData<ActionForm>,
) -> WebResult<Response> {
    let id = parse_id(&id)?;
    let mut errors = FieldErrors::new();
    let Some(reason) = form
        .not_completed_reason
        .parse::<NotCompletedReason>()
        .map_err(|_| errors.add("not_completed_reason", "error-choose"))
        .ok()
    else {
        return invalid(&app, &visitor, &ctx, &id, form, errors).await;
    };
    run(&app, &visitor, &ctx, &id, Side::Receiver, ReferralAction::NotComplete(reason), None, None).await
}

/// POST /referrals/{id}/comments — either side; the other side is told.
pub(crate) async fn comment(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
    Path(id): Path<String>,
    FormData(form): FormData<ActionForm>,
) -> WebResult<Response> {
    let id = parse_id(&id)?;
    let mut errors = FieldErrors::new();
    let body = forms::text(&mut errors, "body", &form.body, TEXT_MAX, true);
    if !errors.is_empty() {
        return invalid(&app, &visitor, &ctx, &id, form, errors).await;
    }
    let (scope, actor, request_id, key, app2) =
        (ctx.scope, ctx.user_id.clone(), visitor.request_id.clone(), id.clone(), app.clone());
    let at = app.now();
    app.db
        .write(move |conn| {
            let (referral, side) = load_side(conn, &scope, &key)?;
            let comment = referrals::add_comment(conn, &key, side, &actor, &body, at)?;
            let details = json!({ "comment_id": comment.id, "side": comment.side });
            audit(
                conn,
                Some(&scope),
                Some(&actor),
                "referral.commented",
                ("referral", Some(&key)),
                details,
                &request_id,
            )?;
            // A draft has not reached the receiver: nobody to tell.
            if referral.sent_at.is_some() {
                let notice = Notice {
                    notice: ReferralNotice::Comment,
                    author_side: side,
                    occurrence: Some(&comment.id),
                    link: None,
                };
                notify::notify(conn, &app2.settings.public_url, &referral, notice)?;
            }
            Ok::<_, WebError>(())
        })
        .await?;
    Ok(redirect_with_flash(&app, &format!("/referrals/{id}#ref-comments"), "ref-flash-commented"))
}
