//! Who is asking: the session (if any), the language, the CSRF token. The
//! `visitor` middleware works this out once per request and leaves a
//! [`Visitor`] in the request's extensions.

use axum::extract::{Request, State};
use axum::http::HeaderValue;
use axum::http::header::{ACCEPT_LANGUAGE, SET_COOKIE};
use axum::middleware::Next;
use axum::response::Response;
use chrono::NaiveDateTime;
use relais_app::{Acting, Actor};
use relais_domain::{Language, NetworkRole};
use relais_persistence::models::memberships::UserTenant;
use relais_persistence::models::{role_assignments, sessions, tenants, users};
use relais_persistence::{DbConnection, PersistenceError};

use crate::cookies;
use crate::error::WebError;
use crate::state::AppState;
use crate::tokens;

/// A signed-in user's session, as loaded for this request.
#[derive(Debug, Clone)]
pub struct SignedIn {
    /// Digest of the session token (the session's id).
    pub session_id: String,
    /// The user.
    pub user_id: String,
    /// Name shown in the header.
    pub display_name: String,
    /// Preferred language, if chosen.
    pub preferred_language: Option<Language>,
    /// The tenant the session works in, if any (id, name, default language).
    pub active_tenant: Option<(String, String, Language)>,
    /// Every tenant the user may switch to.
    pub tenants: Vec<UserTenant>,
    /// Network roles held.
    pub network_roles: Vec<NetworkRole>,
    /// The session's CSRF token.
    pub csrf_token: String,
}

/// Who is asking, for this request.
#[derive(Debug, Clone)]
pub struct Visitor {
    /// The session, when signed in.
    pub signed_in: Option<SignedIn>,
    /// The language pages are rendered in.
    pub lang: Language,
    /// The token forms must carry.
    pub csrf_token: String,
    /// The request id (also in the `x-request-id` header).
    pub request_id: String,
    /// A one-time message key to show, if any.
    pub flash: Option<String>,
}

impl Visitor {
    /// The signed-in session, or a redirect to the sign-in page.
    pub fn require(&self) -> Result<&SignedIn, WebError> {
        self.signed_in.as_ref().ok_or(WebError::Forbidden)
    }

    /// The actor of a command about the visitor's own account: the
    /// signed-in user, or an anonymous visitor (sign-in, reset and
    /// invitation links). Tenant work uses `TenantContext::actor`.
    pub fn actor(&self) -> Actor {
        let acting = match self.signed_in.as_ref().and_then(|s| s.user_id.parse().ok()) {
            Some(user) => Acting::User(user),
            None => Acting::Anonymous,
        };
        Actor::new(acting, self.request_id.clone())
    }
}

/// How often `last_seen_at` is written (a write on every request would be waste).
const TOUCH_EVERY_SECS: i64 = 60;

struct Loaded {
    signed_in: Option<SignedIn>,
    version: i64,
}

fn load(
    conn: &mut DbConnection,
    session_id: Option<String>,
    now: NaiveDateTime,
    idle: chrono::Duration,
) -> Result<Loaded, PersistenceError> {
    let version = role_assignments::version(conn)?;
    let Some(session_id) = session_id else { return Ok(Loaded { signed_in: None, version }) };
    let Some(session) = sessions::find(conn, &session_id)? else { return Ok(Loaded { signed_in: None, version }) };
    if session.expires_at <= now || session.last_seen_at + idle <= now {
        sessions::delete(conn, &session.id)?;
        return Ok(Loaded { signed_in: None, version });
    }
    let user = users::find(conn, &session.user_id)?;
    if !user.active {
        sessions::delete(conn, &session.id)?;
        return Ok(Loaded { signed_in: None, version });
    }
    if (now - session.last_seen_at).num_seconds() >= TOUCH_EVERY_SECS {
        sessions::touch(conn, &session.id, now)?;
    }
    let tenants_of_user = relais_persistence::models::memberships::tenants_of_user(conn, &user.id)?;
    let active_tenant = match &session.active_tenant_id {
        Some(id) if tenants_of_user.iter().any(|t| &t.tenant_id == id) => {
            let tenant = tenants::find(conn, id)?;
            Some((tenant.id, tenant.name, tenant.default_language))
        }
        _ => None,
    };
    let network_roles = role_assignments::network_roles(conn, &user.id)?;
    Ok(Loaded {
        signed_in: Some(SignedIn {
            session_id: session.id,
            user_id: user.id,
            display_name: user.display_name,
            preferred_language: user.preferred_language.and_then(|l| l.parse().ok()),
            active_tenant,
            tenants: tenants_of_user,
            network_roles,
            csrf_token: session.csrf_token,
        }),
        version,
    })
}

/// The language from an `Accept-Language` header: the first of ours it names.
fn from_accept_language(header: &str) -> Option<Language> {
    let mut choices: Vec<(f32, Language)> = header
        .split(',')
        .filter_map(|part| {
            let mut pieces = part.trim().split(';');
            let tag = pieces.next()?.trim().to_ascii_lowercase();
            let q = pieces.find_map(|p| p.trim().strip_prefix("q=").and_then(|q| q.parse::<f32>().ok())).unwrap_or(1.0);
            let primary = tag.split('-').next()?;
            primary.parse::<Language>().ok().map(|lang| (q, lang))
        })
        .collect();
    choices.sort_by(|a, b| b.0.partial_cmp(&a.0).unwrap_or(std::cmp::Ordering::Equal));
    choices.first().map(|(_, lang)| *lang)
}

/// Works out the [`Visitor`] and keeps the visitor's cookies in order.
pub async fn visitor(State(app): State<AppState>, mut request: Request, next: Next) -> Response {
    let headers = request.headers();
    let session_id =
        cookies::get(headers, cookies::SESSION).filter(|t| tokens::looks_like_token(t)).map(|t| tokens::digest(&t));
    let had_session_cookie = session_id.is_some();
    let lang_cookie = cookies::get(headers, cookies::LANG).and_then(|l| l.parse::<Language>().ok());
    let accept = headers.get(ACCEPT_LANGUAGE).and_then(|h| h.to_str().ok()).and_then(from_accept_language);
    let anon_csrf = cookies::get(headers, cookies::CSRF).filter(|t| tokens::looks_like_token(t));
    let flash = cookies::get(headers, cookies::FLASH).filter(|k| crate::templates::is_flash_key(k));
    let request_id = headers.get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();

    let now = app.now();
    let idle = chrono::Duration::from_std(app.settings.session_idle).unwrap_or(chrono::Duration::minutes(30));
    let loaded = match app.db.run(move |conn| load(conn, session_id, now, idle)).await {
        Ok(loaded) => loaded,
        Err(err) => {
            tracing::error!(error = %err, "could not load the session");
            return axum::response::IntoResponse::into_response(WebError::from(err));
        }
    };
    app.authz.refresh(loaded.version).await;

    let signed_in = loaded.signed_in;
    if let Some(s) = &signed_in {
        let span = tracing::Span::current();
        span.record("user_id", s.user_id.as_str());
        if let Some((tenant_id, _, _)) = &s.active_tenant {
            span.record("tenant_id", tenant_id.as_str());
        }
    }
    let lang = signed_in
        .as_ref()
        .and_then(|s| s.preferred_language)
        .or(lang_cookie)
        .or(accept)
        .or_else(|| signed_in.as_ref().and_then(|s| s.active_tenant.as_ref().map(|(_, _, l)| *l)))
        .unwrap_or_default();
    let (csrf_token, new_anon_csrf) = match (&signed_in, anon_csrf) {
        (Some(s), _) => (s.csrf_token.clone(), false),
        (None, Some(token)) => (token, false),
        (None, None) => (tokens::random_token(), true),
    };
    let stale_session_cookie = had_session_cookie && signed_in.is_none();
    let had_flash = flash.is_some();
    request.extensions_mut().insert(Visitor { signed_in, lang, csrf_token: csrf_token.clone(), request_id, flash });

    let mut response = next.run(request).await;
    let secure = app.settings.is_https();
    let is_redirect = response.status().is_redirection();
    let mut add_cookie = |value: String| {
        if let Ok(v) = HeaderValue::from_str(&value) {
            response.headers_mut().append(SET_COOKIE, v);
        }
    };
    if new_anon_csrf {
        add_cookie(cookies::set(cookies::CSRF, &csrf_token, None, secure));
    }
    if stale_session_cookie {
        add_cookie(cookies::clear(cookies::SESSION, secure));
    }
    if had_flash && !is_redirect {
        add_cookie(cookies::clear(cookies::FLASH, secure));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_our_best_language() {
        assert_eq!(from_accept_language("ar-MA,ar;q=0.9,fr;q=0.8"), Some(Language::Ar));
        assert_eq!(from_accept_language("de-DE,en;q=0.5,fr;q=0.7"), Some(Language::Fr));
        assert_eq!(from_accept_language("en-GB"), Some(Language::En));
        assert_eq!(from_accept_language("de, es"), None);
    }
}
