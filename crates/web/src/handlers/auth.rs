//! Sign-in and sign-out.
//!
//! Throttling: 5 failures for one e-mail address within 15 minutes lock it
//! for 15 minutes; 20 failures from one client address within 15 minutes
//! lock that address for 15 minutes. The same message and the same work
//! (an argon2 verification) answer an unknown address, a wrong password and
//! a lock, so the answer does not tell whether an address is registered.

use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use relais_app::accounts::{self, SignIn, SignInOutcome};
use serde::{Deserialize, Serialize};

use super::{ClientAddr, redirect_with_flash, session_length, with_session_cookie};
use crate::cookies;
use crate::error::WebResult;
use crate::forms::FormData;
use crate::state::AppState;
use crate::templates::render_page;
use crate::visitor::Visitor;

/// The sign-in form.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

/// The sign-in page: the address as typed and why the last try failed.
#[derive(Serialize)]
struct LoginPage<'a> {
    email: &'a str,
    error: Option<&'a str>,
}

fn render_login(
    app: &AppState,
    visitor: &Visitor,
    email: &str,
    error: Option<&str>,
    status: StatusCode,
) -> WebResult<Response> {
    Ok((status, render_page(app, visitor, "login.html", &LoginPage { email, error })?).into_response())
}

/// GET /login
pub(crate) async fn login_form(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
) -> WebResult<Response> {
    if visitor.signed_in.is_some() {
        return Ok(Redirect::to("/home").into_response());
    }
    render_login(&app, &visitor, "", None, StatusCode::OK)
}

/// POST /login
pub(crate) async fn login(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    ClientAddr(address): ClientAddr,
    FormData(form): FormData<LoginForm>,
) -> WebResult<Response> {
    let email_text = form.email.trim().to_owned();
    let attempt = SignIn {
        email: form.email,
        password: form.password,
        client_address: address,
        replaces_session: visitor.signed_in.as_ref().map(|s| s.session_id.clone()),
    };
    match accounts::sign_in(&app.core, &visitor.actor(), attempt, session_length(&app)).await? {
        SignInOutcome::SignedIn(token) => {
            Ok(with_session_cookie(&app, Redirect::to("/home").into_response(), &token.0))
        }
        SignInOutcome::Refused => {
            render_login(&app, &visitor, &email_text, Some("login-error-invalid"), StatusCode::UNAUTHORIZED)
        }
        SignInOutcome::Locked => {
            render_login(&app, &visitor, &email_text, Some("login-error-locked"), StatusCode::TOO_MANY_REQUESTS)
        }
    }
}

/// POST /logout
pub(crate) async fn logout(State(app): State<AppState>, Extension(visitor): Extension<Visitor>) -> WebResult<Response> {
    let session = visitor.require()?.session_id.clone();
    accounts::sign_out(&app.core, &visitor.actor(), session).await?;
    let mut response = redirect_with_flash(&app, "/login", "flash-signed-out");
    if let Ok(value) = cookies::clear(cookies::SESSION, app.settings.is_https()).parse() {
        response.headers_mut().append(axum::http::header::SET_COOKIE, value);
    }
    Ok(response)
}
