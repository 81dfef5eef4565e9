//! Forgotten passwords: asking for a reset link, and choosing a new password
//! through it. The request answers the same whether or not the address is
//! registered; a link is single-use and expires after one hour.

use axum::Extension;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use relais_app::AppError;
use relais_app::accounts::{self, ResetOutcome};
use serde::{Deserialize, Serialize};

use super::redirect_with_flash;
use crate::error::WebResult;
use crate::forms::{FieldErrors, FormData};
use crate::state::AppState;
use crate::templates::render_page;
use crate::visitor::Visitor;

#[derive(Debug, Default, Deserialize)]
pub(crate) struct ForgotForm {
    #[serde(default)]
    email: String,
}

/// The "forgotten password" page: the form, or the news that a link was sent.
#[derive(Serialize)]
struct ForgotPage<'a> {
    sent: bool,
    errors: &'a FieldErrors,
    email: &'a str,
}

fn render_forgot(app: &AppState, visitor: &Visitor, page: &ForgotPage<'_>, status: StatusCode) -> WebResult<Response> {
    Ok((status, render_page(app, visitor, "password_forgot.html", page)?).into_response())
}

/// GET /password/forgot
pub(crate) async fn forgot_form(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
) -> WebResult<Response> {
    let page = ForgotPage { sent: false, errors: &FieldErrors::new(), email: "" };
    render_forgot(&app, &visitor, &page, StatusCode::OK)
}

/// POST /password/forgot
pub(crate) async fn forgot(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    FormData(form): FormData<ForgotForm>,
) -> WebResult<Response> {
    match accounts::request_password_reset(&app.core, &visitor.actor(), &form.email, visitor.lang).await {
        Ok(()) => {
            let page = ForgotPage { sent: true, errors: &FieldErrors::new(), email: "" };
            render_forgot(&app, &visitor, &page, StatusCode::OK)
        }
        Err(AppError::Validation(errors)) => {
            let page = ForgotPage { sent: false, errors: &errors, email: form.email.trim() };
            render_forgot(&app, &visitor, &page, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(other) => Err(other.into()),
    }
}

/// The page of a link that cannot be used.
#[derive(Serialize)]
struct TokenInvalidPage<'a> {
    kind: &'a str,
}

/// Why a link cannot be used (`kind`: `invitation` or `reset`).
pub(crate) fn token_invalid(app: &AppState, visitor: &Visitor, kind: &str) -> WebResult<Response> {
    Ok((StatusCode::GONE, render_page(app, visitor, "token_invalid.html", &TokenInvalidPage { kind })?).into_response())
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct ResetForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
}

/// The new-password page of a reset link.
#[derive(Serialize)]
struct ResetPage<'a> {
    errors: &'a FieldErrors,
}

fn render_reset(app: &AppState, visitor: &Visitor, errors: &FieldErrors, status: StatusCode) -> WebResult<Response> {
    Ok((status, render_page(app, visitor, "password_reset.html", &ResetPage { errors })?).into_response())
}

/// GET /password/reset/{token}
pub(crate) async fn reset_form(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(token): Path<String>,
) -> WebResult<Response> {
    if !accounts::reset_link_usable(&app.core, &token).await? {
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
    match accounts::reset_password(&app.core, &visitor.actor(), &token, form.password, &form.confirm).await {
        Ok(ResetOutcome::Done) => Ok(redirect_with_flash(&app, "/login", "flash-password-changed")),
        Ok(ResetOutcome::LinkUnusable) => token_invalid(&app, &visitor, "reset"),
        Err(AppError::Validation(errors)) => render_reset(&app, &visitor, &errors, StatusCode::UNPROCESSABLE_ENTITY),
        Err(other) => Err(other.into()),
    }
}
