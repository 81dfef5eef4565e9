//! The user's own account: language and password.

use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::http::header::SET_COOKIE;
use axum::response::{IntoResponse, Response};
use relais_domain::Language;
use relais_persistence::models::account_tokens::{self, Purpose};
use relais_persistence::models::{sessions, users};
use serde::Deserialize;

use super::{audit, redirect_with_flash, start_session, with_session_cookie};
use crate::cookies;
use crate::error::{WebError, WebResult};
use crate::forms::{FieldErrors, FormData, local_path};
use crate::state::AppState;
use crate::templates::page_context;
use crate::visitor::Visitor;

async fn render(app: &AppState, visitor: &Visitor, errors: &FieldErrors, status: StatusCode) -> WebResult<Response> {
    let user_id = visitor.require()?.user_id.clone();
    let user = app.db.run(move |conn| users::find(conn, &user_id)).await?;
    let mut context = page_context(app, visitor);
    context.insert("errors", errors);
    context.insert("daily_digest", &(user.referral_emails == "daily_digest"));
    Ok((status, app.templates.render("account.html", &context)?).into_response())
}

/// GET /account
pub(crate) async fn show(State(app): State<AppState>, Extension(visitor): Extension<Visitor>) -> WebResult<Response> {
    render(&app, &visitor, &FieldErrors::new(), StatusCode::OK).await
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct NotificationsForm {
    #[serde(default)]
    referral_emails: String,
}

/// POST /account/notifications — referral e-mails one by one, or one daily digest.
pub(crate) async fn set_notifications(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    FormData(form): FormData<NotificationsForm>,
) -> WebResult<Response> {
    let signed_in = visitor.require()?.clone();
    let daily = match form.referral_emails.as_str() {
        "daily_digest" => true,
        "immediate" => false,
        _ => return Err(WebError::BadRequest("referral_emails must be immediate or daily_digest".into())),
    };
    let request_id = visitor.request_id.clone();
    app.db
        .write(move |conn| {
            users::set_referral_emails(conn, &signed_in.user_id, daily)?;
            audit(
                conn,
                None,
                Some(&signed_in.user_id),
                "user.notifications_changed",
                ("user", Some(&signed_in.user_id)),
                serde_json::json!({ "daily_digest": daily }),
                &request_id,
            )?;
            Ok::<_, WebError>(())
        })
        .await?;
    Ok(redirect_with_flash(&app, "/account", "flash-notifications-changed"))
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct LanguageForm {
    #[serde(default)]
    lang: String,
    #[serde(default)]
    next: Option<String>,
}

/// POST /language — for a signed-in user, their preference; for anyone, a cookie.
pub(crate) async fn set_language(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    FormData(form): FormData<LanguageForm>,
) -> WebResult<Response> {
    let lang: Language = form.lang.parse().map_err(|_| WebError::BadRequest("unknown language".into()))?;
    if let Some(signed_in) = visitor.signed_in.clone() {
        app.db.write(move |conn| users::set_preferred_language(conn, &signed_in.user_id, Some(lang))).await?;
    }
    let mut response = redirect_with_flash(&app, &local_path(form.next.as_deref()), "flash-language-changed");
    if let Ok(value) =
        cookies::set(cookies::LANG, lang.as_str(), Some(365 * 24 * 3600), app.settings.is_https()).parse()
    {
        response.headers_mut().append(SET_COOKIE, value);
    }
    Ok(response)
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct PasswordForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
}

/// POST /account/password — every session of the user ends; this browser gets a new one.
pub(crate) async fn change_password(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    FormData(form): FormData<PasswordForm>,
) -> WebResult<Response> {
    let signed_in = visitor.require()?.clone();
    let mut errors = FieldErrors::new();
    super::password::check_new_password(&mut errors, &form.password, &form.confirm);
    let user_id = signed_in.user_id.clone();
    let stored = app.db.run(move |conn| users::find(conn, &user_id)).await?.password_hash;
    let (current, new) = (form.current, form.password);
    let (current_ok, hash) = tokio::task::spawn_blocking(move || {
        let ok = stored.as_deref().is_some_and(|h| relais_authorization::password::verify(&current, h));
        let hash = if ok { relais_authorization::password::hash(&new).ok() } else { None };
        (ok, hash)
    })
    .await
    .map_err(|e| WebError::Internal(e.to_string()))?;
    if !current_ok {
        errors.add("current", "error-password-current");
    }
    if !errors.is_empty() {
        return render(&app, &visitor, &errors, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let hash = hash.ok_or_else(|| WebError::Internal("password hashing failed".into()))?;
    let now = app.now();
    let request_id = visitor.request_id.clone();
    let app2 = app.clone();
    let token = app
        .db
        .write(move |conn| {
            users::set_password_hash(conn, &signed_in.user_id, &hash)?;
            account_tokens::void_for_user(conn, &signed_in.user_id, Purpose::PasswordReset, now)?;
            sessions::delete_for_user(conn, &signed_in.user_id)?;
            audit(
                conn,
                None,
                Some(&signed_in.user_id),
                "auth.password_changed",
                ("user", Some(&signed_in.user_id)),
                serde_json::json!({}),
                &request_id,
            )?;
            let tenant = signed_in.active_tenant.map(|t| t.0);
            Ok::<_, WebError>(start_session(conn, &app2, &signed_in.user_id, tenant)?)
        })
        .await?;
    Ok(with_session_cookie(&app, redirect_with_flash(&app, "/account", "flash-password-changed"), &token))
}
