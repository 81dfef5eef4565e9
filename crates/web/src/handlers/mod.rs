//! Request handlers, one module per group of pages. Each reads like the use
//! case: extract, (access was checked by the route's guard), call one
//! `relais-app` command (or a plain read), render or redirect.

pub(crate) mod account;
pub(crate) mod api_tokens;
pub(crate) mod audit;
pub(crate) mod auth;
pub(crate) mod beneficiaries;
pub(crate) mod cases;
pub(crate) mod dev_mail;
pub(crate) mod directory;
pub(crate) mod events;
pub(crate) mod external;
pub(crate) mod home;
pub(crate) mod invitations;
pub(crate) mod members;
pub(crate) mod network;
pub(crate) mod password;
pub(crate) mod referrals;

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::header::SET_COOKIE;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};

use crate::cookies;
use crate::state::{App, AppState};

/// The client's address: the TCP peer, or — behind a trusted reverse proxy
/// (`server.trust_forwarded_for`) — the last `X-Forwarded-For` entry, which
/// the proxy itself appended. `unknown` in in-process tests.
pub(crate) struct ClientAddr(pub(crate) String);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, app: &AppState) -> Result<Self, Self::Rejection> {
        let forwarded = app
            .settings
            .trust_forwarded_for
            .then(|| parts.headers.get("x-forwarded-for").and_then(|v| v.to_str().ok()))
            .flatten()
            .and_then(|v| v.rsplit(',').next())
            .map(|v| v.trim().to_owned())
            .filter(|v| v.parse::<std::net::IpAddr>().is_ok());
        let peer = || {
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map_or_else(|| "unknown".to_owned(), |ConnectInfo(addr)| addr.ip().to_string())
        };
        Ok(ClientAddr(forwarded.unwrap_or_else(peer)))
    }
}

/// A redirect (303) that shows a message on the next page.
pub(crate) fn redirect_with_flash(app: &App, to: &str, flash_key: &'static str) -> Response {
    let mut response = Redirect::to(to).into_response();
    if let Ok(value) = cookies::set(cookies::FLASH, flash_key, Some(60), app.settings.is_https()).parse() {
        response.headers_mut().append(SET_COOKIE, value);
    }
    response
}

/// How long a session lasts after sign-in (`session_absolute`).
pub(crate) fn session_length(app: &App) -> relais_app::accounts::SessionLength {
    let absolute = chrono::Duration::from_std(app.settings.session_absolute).unwrap_or(chrono::Duration::hours(12));
    relais_app::accounts::SessionLength(absolute)
}

/// Adds the session cookie to a response.
pub(crate) fn with_session_cookie(app: &App, mut response: Response, token: &str) -> Response {
    let max_age = app.settings.session_absolute.as_secs();
    if let Ok(value) = cookies::set(cookies::SESSION, token, Some(max_age), app.settings.is_https()).parse() {
        response.headers_mut().append(SET_COOKIE, value);
    }
    response
}
