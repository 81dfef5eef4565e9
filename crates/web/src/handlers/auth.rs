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
use chrono::Duration;
use relais_authorization::password;
use relais_domain::EmailAddress;
use relais_persistence::PersistenceError;
use relais_persistence::models::login_throttle::{self, Limit};
use relais_persistence::models::{memberships, sessions, users};
use serde::Deserialize;

use super::{ClientAddr, audit, redirect_with_flash, start_session, with_session_cookie};
use crate::cookies;
use crate::error::{WebError, WebResult};
use crate::forms::FormData;
use crate::state::AppState;
use crate::templates::page_context;
use crate::tokens;
use crate::visitor::Visitor;

/// Failures allowed per account before a lock.
pub(crate) const ACCOUNT_LIMIT: Limit =
    Limit { max_failures: 5, window: Duration::minutes(15), lock_for: Duration::minutes(15) };
/// Failures allowed per client address before a lock.
pub(crate) const ADDRESS_LIMIT: Limit =
    Limit { max_failures: 20, window: Duration::minutes(15), lock_for: Duration::minutes(15) };

/// The throttle key of an e-mail address (its digest: no address is stored).
pub(crate) fn account_key(email: &str) -> String {
    format!("account:{}", tokens::digest(&email.trim().to_lowercase()))
}

/// The sign-in form.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

fn render_login(
    app: &AppState,
    visitor: &Visitor,
    email: &str,
    error: Option<&str>,
    status: StatusCode,
) -> WebResult<Response> {
    let mut context = page_context(app, visitor);
    context.insert("email", email);
    context.insert("error", &error);
    Ok((status, app.templates.render("login.html", &context)?).into_response())
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

enum Outcome {
    SignedIn { token: String },
    Refused,
    Locked,
}

/// POST /login
pub(crate) async fn login(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    ClientAddr(address): ClientAddr,
    FormData(form): FormData<LoginForm>,
) -> WebResult<Response> {
    let email_text = form.email.trim().to_owned();
    let email = EmailAddress::parse(&email_text).ok();
    let account = account_key(&email_text);
    let address_key = format!("ip:{address}");
    let now = app.now();

    // Who is it, and are they locked? (No password work yet.)
    let lookup_email = email.clone();
    let (user, locked) = {
        let (account, address_key) = (account.clone(), address_key.clone());
        app.db
            .run(move |conn| {
                let user = match &lookup_email {
                    Some(e) => users::find_by_email(conn, e)?,
                    None => None,
                };
                let locked = login_throttle::locked_until(conn, &account, now)?.is_some()
                    || login_throttle::locked_until(conn, &address_key, now)?.is_some();
                Ok::<_, PersistenceError>((user, locked))
            })
            .await?
    };

    // Always one argon2 verification, against a decoy when there is no usable account.
    let stored = user.as_ref().filter(|u| u.active).and_then(|u| u.password_hash.clone());
    let candidate = form.password.clone();
    let verified = tokio::task::spawn_blocking(move || {
        password::verify(&candidate, stored.as_deref().unwrap_or_else(|| password::decoy_hash())) && stored.is_some()
    })
    .await
    .map_err(|e| WebError::Internal(e.to_string()))?;

    let app2 = app.clone();
    let request_id = visitor.request_id.clone();
    let old_session = visitor.signed_in.as_ref().map(|s| s.session_id.clone());
    let outcome = app
        .db
        .write(move |conn| {
            if locked {
                login_throttle::record_failure(conn, &address_key, ADDRESS_LIMIT, now)?;
                audit(
                    conn,
                    None,
                    user.as_ref().map(|u| u.id.as_str()),
                    "auth.sign_in_locked",
                    ("user", None),
                    serde_json::json!({}),
                    &request_id,
                )?;
                return Ok::<_, PersistenceError>(Outcome::Locked);
            }
            let Some(user) = user.filter(|_| verified) else {
                let account_lock = login_throttle::record_failure(conn, &account, ACCOUNT_LIMIT, now)?;
                let address_lock = login_throttle::record_failure(conn, &address_key, ADDRESS_LIMIT, now)?;
                audit(conn, None, None, "auth.sign_in_failed", ("user", None), serde_json::json!({}), &request_id)?;
                return Ok(if account_lock.is_some() || address_lock.is_some() {
                    Outcome::Locked
                } else {
                    Outcome::Refused
                });
            };
            login_throttle::clear(conn, &account)?;
            if let Some(old) = old_session {
                sessions::delete(conn, &old)?;
            }
            let first_tenant = memberships::tenants_of_user(conn, &user.id)?.into_iter().next().map(|t| t.tenant_id);
            let token = start_session(conn, &app2, &user.id, first_tenant)?;
            audit(
                conn,
                None,
                Some(&user.id),
                "auth.signed_in",
                ("user", Some(&user.id)),
                serde_json::json!({}),
                &request_id,
            )?;
            Ok(Outcome::SignedIn { token })
        })
        .await?;

    match outcome {
        Outcome::SignedIn { token } => Ok(with_session_cookie(&app, Redirect::to("/home").into_response(), &token)),
        Outcome::Refused => {
            render_login(&app, &visitor, &email_text, Some("login-error-invalid"), StatusCode::UNAUTHORIZED)
        }
        Outcome::Locked => {
            render_login(&app, &visitor, &email_text, Some("login-error-locked"), StatusCode::TOO_MANY_REQUESTS)
        }
    }
}

/// POST /logout
pub(crate) async fn logout(State(app): State<AppState>, Extension(visitor): Extension<Visitor>) -> WebResult<Response> {
    let signed_in = visitor.require()?.clone();
    let request_id = visitor.request_id.clone();
    app.db
        .write(move |conn| {
            sessions::delete(conn, &signed_in.session_id)?;
            audit(
                conn,
                None,
                Some(&signed_in.user_id),
                "auth.signed_out",
                ("user", Some(&signed_in.user_id)),
                serde_json::json!({}),
                &request_id,
            )
        })
        .await
        .map_err(WebError::from)?;
    let mut response = redirect_with_flash(&app, "/login", "flash-signed-out");
    if let Ok(value) = cookies::clear(cookies::SESSION, app.settings.is_https()).parse() {
        response.headers_mut().append(axum::http::header::SET_COOKIE, value);
    }
    Ok(response)
}
