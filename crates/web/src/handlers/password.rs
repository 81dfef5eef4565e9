//! Forgotten passwords: asking for a reset link, and choosing a new password
//! through it. The request answers the same whether or not the address is
//! registered; a link is single-use and expires after one hour.

use axum::Extension;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::Duration;
use relais_domain::{EmailAddress, Language};
use relais_persistence::models::account_tokens::{self, Purpose};
use relais_persistence::models::login_throttle::{self, Limit};
use relais_persistence::models::{sessions, users};
use serde::Deserialize;

use super::{audit, redirect_with_flash};
use crate::error::{WebError, WebResult};
use crate::forms::{FieldErrors, FormData};
use crate::state::AppState;
use crate::templates::page_context;
use crate::tokens;
use crate::visitor::Visitor;

/// How long a reset link is valid.
pub(crate) const RESET_VALID_MINUTES: i64 = 60;
/// Reset e-mails sent per address per hour, at most (more are silently not sent).
const RESET_LIMIT: Limit = Limit { max_failures: 3, window: Duration::hours(1), lock_for: Duration::hours(1) };

#[derive(Debug, Default, Deserialize)]
pub(crate) struct ForgotForm {
    #[serde(default)]
    email: String,
}

/// GET /password/forgot
pub(crate) async fn forgot_form(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
) -> WebResult<Response> {
    let mut context = page_context(&app, &visitor);
    context.insert("sent", &false);
    context.insert("errors", &FieldErrors::new());
    context.insert("email", "");
    Ok(app.templates.render("password_forgot.html", &context)?.into_response())
}

/// POST /password/forgot
pub(crate) async fn forgot(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    FormData(form): FormData<ForgotForm>,
) -> WebResult<Response> {
    let Ok(email) = EmailAddress::parse(&form.email) else {
        let mut errors = FieldErrors::new();
        errors.add("email", "error-email");
        let mut context = page_context(&app, &visitor);
        context.insert("sent", &false);
        context.insert("errors", &errors);
        context.insert("email", form.email.trim());
        return Ok(
            (StatusCode::UNPROCESSABLE_ENTITY, app.templates.render("password_forgot.html", &context)?).into_response()
        );
    };
    let now = app.now();
    let link_base = format!("{}/password/reset/", app.settings.public_url);
    let request_id = visitor.request_id.clone();
    let fallback_lang = visitor.lang;
    app.db
        .write(move |conn| {
            let key = format!("reset:{}", tokens::digest(email.as_str()));
            let throttled = login_throttle::locked_until(conn, &key, now)?.is_some();
            let user = users::find_by_email(conn, &email)?.filter(|u| u.active);
            let Some(user) = user.filter(|_| !throttled) else { return Ok::<_, WebError>(()) };
            login_throttle::record_failure(conn, &key, RESET_LIMIT, now)?;
            account_tokens::void_for_user(conn, &user.id, Purpose::PasswordReset, now)?;
            let token = tokens::random_token();
            let hash = tokens::digest(&token);
            account_tokens::create(
                conn,
                &account_tokens::NewAccountToken {
                    hash: &hash,
                    purpose: Purpose::PasswordReset,
                    user_id: &user.id,
                    tenant_id: None,
                    role: None,
                    created_by: None,
                    created_at: now,
                    expires_at: now + Duration::minutes(RESET_VALID_MINUTES),
                },
            )?;
            let lang =
                user.preferred_language.as_deref().and_then(|l| l.parse::<Language>().ok()).unwrap_or(fallback_lang);
            relais_email::enqueue(
                conn,
                None,
                &email,
                lang,
                &relais_email::Email::PasswordReset {
                    link: format!("{link_base}{token}"),
                    expires_in_minutes: RESET_VALID_MINUTES as u32,
                },
                &format!("password-reset:{hash}"),
            )?;
            audit(
                conn,
                None,
                Some(&user.id),
                "auth.password_reset_requested",
                ("user", Some(&user.id)),
                serde_json::json!({}),
                &request_id,
            )?;
            Ok(())
        })
        .await?;
    let mut context = page_context(&app, &visitor);
    context.insert("sent", &true);
    context.insert("errors", &FieldErrors::new());
    context.insert("email", "");
    Ok(app.templates.render("password_forgot.html", &context)?.into_response())
}

/// Why a link cannot be used.
pub(crate) fn token_invalid(app: &AppState, visitor: &Visitor, kind: &str) -> WebResult<Response> {
    let mut context = page_context(app, visitor);
    context.insert("kind", kind);
    Ok((StatusCode::GONE, app.templates.render("token_invalid.html", &context)?).into_response())
}

/// A usable token of that purpose, or `None` (unknown, used or expired).
pub(crate) async fn usable_token(
    app: &AppState,
    token: &str,
    purpose: Purpose,
) -> WebResult<Option<account_tokens::AccountToken>> {
    if !tokens::looks_like_token(token) {
        return Ok(None);
    }
    let hash = tokens::digest(token);
    let now = app.now();
    let found = app.db.run(move |conn| account_tokens::find(conn, &hash, purpose)).await.map_err(WebError::from)?;
    Ok(found.filter(|t| t.used_at.is_none() && t.expires_at > now))
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct ResetForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
}

/// Checks a new password and its confirmation.
pub(crate) fn check_new_password(errors: &mut FieldErrors, password: &str, confirm: &str) {
    use relais_domain::password::PasswordPolicyError as P;
    match relais_domain::password::check_new_password(password) {
        Err(P::TooShort) => errors.add("password", "error-password-short"),
        Err(P::TooLong) => errors.add("password", "error-password-long"),
        Err(P::TooCommon) => errors.add("password", "error-password-common"),
        Ok(()) if password != confirm => errors.add("confirm", "error-password-mismatch"),
        Ok(()) => {}
    }
}

fn render_reset(app: &AppState, visitor: &Visitor, errors: &FieldErrors, status: StatusCode) -> WebResult<Response> {
    let mut context = page_context(app, visitor);
    context.insert("errors", errors);
    Ok((status, app.templates.render("password_reset.html", &context)?).into_response())
}

/// GET /password/reset/{token}
pub(crate) async fn reset_form(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(token): Path<String>,
) -> WebResult<Response> {
    if usable_token(&app, &token, Purpose::PasswordReset).await?.is_none() {
        return token_invalid(&app, &visitor, "reset");
    }
    render_reset(&app, &visitor, &FieldErrors::new(), StatusCode::OK)
}

/// POST /password/reset/{token}
pub(crate) async fn reset(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(token): Path<String>,
    FormData(form): FormData<ResetForm>,
) -> WebResult<Response> {
    let Some(found) = usable_token(&app, &token, Purpose::PasswordReset).await? else {
        return token_invalid(&app, &visitor, "reset");
    };
    let mut errors = FieldErrors::new();
    check_new_password(&mut errors, &form.password, &form.confirm);
    if !errors.is_empty() {
        return render_reset(&app, &visitor, &errors, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let password = form.password;
    let hash = tokio::task::spawn_blocking(move || relais_authorization::password::hash(&password))
        .await
        .map_err(|e| WebError::Internal(e.to_string()))?
        .map_err(|e| WebError::Internal(e.to_string()))?;
    let now = app.now();
    let request_id = visitor.request_id.clone();
    let used = app
        .db
        .write(move |conn| {
            if !account_tokens::mark_used(conn, &found.id, now)? {
                return Ok::<_, WebError>(false);
            }
            let user = users::find(conn, &found.user_id)?;
            users::set_password_hash(conn, &user.id, &hash)?;
            account_tokens::void_for_user(conn, &user.id, Purpose::PasswordReset, now)?;
            sessions::delete_for_user(conn, &user.id)?;
            login_throttle::clear(conn, &super::auth::account_key(&user.email))?;
            audit(
                conn,
                None,
                Some(&user.id),
                "auth.password_reset",
                ("user", Some(&user.id)),
                serde_json::json!({}),
                &request_id,
            )?;
            Ok(true)
        })
        .await?;
    if !used {
        return token_invalid(&app, &visitor, "reset");
    }
    Ok(redirect_with_flash(&app, "/login", "flash-password-changed"))
}
