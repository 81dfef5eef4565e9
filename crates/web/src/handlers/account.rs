//! The user's own account: language, referral e-mails and password.

use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::http::header::SET_COOKIE;
use axum::response::{IntoResponse, Response};
use relais_app::AppError;
use relais_app::accounts::{self, PasswordChange};
use relais_domain::Language;
use relais_persistence::models::users;
use serde::{Deserialize, Serialize};

use super::{redirect_with_flash, session_length, with_session_cookie};
use crate::cookies;
use crate::error::{WebError, WebResult};
use crate::forms::{FieldErrors, FormData, local_path};
use crate::state::AppState;
use crate::templates::render_page;
use crate::visitor::Visitor;

/// The account page: how referral e-mails come, and the password form's errors.
#[derive(Serialize)]
struct AccountPage<'a> {
    daily_digest: bool,
    errors: &'a FieldErrors,
}

async fn render(app: &AppState, visitor: &Visitor, errors: &FieldErrors, status: StatusCode) -> WebResult<Response> {
    let user_id = visitor.require()?.user_id.clone();
    let user = app.db.run(move |conn| users::find(conn, &user_id)).await?;
    let page = AccountPage { daily_digest: user.referral_emails == "daily_digest", errors };
    Ok((status, render_page(app, visitor, "account.html", &page)?).into_response())
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
    visitor.require()?;
    let daily = match form.referral_emails.as_str() {
        "daily_digest" => true,
        "immediate" => false,
        _ => return Err(WebError::BadRequest("referral_emails must be immediate or daily_digest".into())),
    };
    accounts::set_referral_emails(&app.core, &visitor.actor(), daily).await?;
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
    if visitor.signed_in.is_some() {
        accounts::set_language(&app.core, &visitor.actor(), lang).await?;
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
    let signed_in = visitor.require()?;
    let change = PasswordChange {
        current: form.current,
        password: form.password,
        confirm: form.confirm,
        active_tenant: signed_in.active_tenant.as_ref().map(|t| t.0.clone()),
    };
    match accounts::change_password(&app.core, &visitor.actor(), change, session_length(&app)).await {
        Ok(token) => {
            Ok(with_session_cookie(&app, redirect_with_flash(&app, "/account", "flash-password-changed"), &token.0))
        }
        Err(AppError::Validation(errors)) => render(&app, &visitor, &errors, StatusCode::UNPROCESSABLE_ENTITY).await,
        Err(other) => Err(other.into()),
    }
}
