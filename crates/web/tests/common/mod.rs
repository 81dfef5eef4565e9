//! In-process test harness: the real router on a real database (SQLite or
//! PostgreSQL), a client that keeps cookies and finds CSRF tokens like a
//! browser, and fixtures for tenants and members.
#![allow(dead_code, reason = "each test binary uses a different part of the harness")]

pub mod api;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::NaiveDateTime;
use relais_domain::{EmailAddress, Language, MembershipStatus, NetworkRole, Region, TenantKind, TenantRole};
use relais_persistence::models::{memberships, outbox, role_assignments, tenants, users};
use relais_persistence::{Db, TenantScope};
use relais_test_support::TestDb;
use relais_web::{App, AppState, WebSettings};
use tower::ServiceExt;

/// The password every fixture account has.
pub const PASSWORD: &str = "une phrase de passe de test";

fn password_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| relais_authorization::password::hash(PASSWORD).expect("hash"))
}

/// A clock the test moves.
#[derive(Clone)]
pub struct TestClock(Arc<Mutex<NaiveDateTime>>);

impl TestClock {
    pub fn advance(&self, by: chrono::Duration) {
        let mut now = self.0.lock().expect("clock");
        *now += by;
    }
    pub fn now(&self) -> NaiveDateTime {
        *self.0.lock().expect("clock")
    }
}

pub struct TestApp {
    pub state: AppState,
    pub router: Router,
    pub clock: TestClock,
    pub db: TestDb,
}

pub fn settings() -> WebSettings {
    WebSettings {
        public_url: "http://relais.test".into(),
        max_body_bytes: 64 * 1024,
        session_idle: Duration::from_secs(30 * 60),
        session_absolute: Duration::from_secs(12 * 3600),
        demo_mailbox: false,
        trust_forwarded_for: false,
        api_rate_limit: relais_web::RateLimit { per_minute: 6000, burst: 1000 },
    }
}

impl TestApp {
    pub async fn new(db: TestDb) -> Self {
        Self::with_settings(db, settings()).await
    }

    pub async fn with_settings(db: TestDb, settings: WebSettings) -> Self {
        let mut app = App::new(db.db.clone(), settings).await.expect("app");
        let clock = TestClock(Arc::new(Mutex::new(relais_persistence::now())));
        let c = clock.clone();
        app.set_clock(Arc::new(move || c.now()));
        let state = Arc::new(app);
        let router = relais_web::router(state.clone());
        Self { state, router, clock, db }
    }

    pub fn client(&self) -> Client {
        Client { router: self.router.clone(), cookies: HashMap::new(), lang: None }
    }

    pub fn pool(&self) -> Db {
        self.db.db.clone()
    }

    pub fn tenant(&self, name: &str) -> TenantScope {
        let mut conn = self.db.conn();
        let t = tenants::create(
            &mut conn,
            &tenants::NewTenant {
                name: name.into(),
                kind: TenantKind::Association,
                region: Region::RabatSaleKenitra,
                default_language: Language::Fr,
                contact_email: EmailAddress::parse("contact@example.org").expect("valid"),
            },
            relais_persistence::now(),
        )
        .expect("tenant");
        TenantScope::for_system(t.tenant_id().expect("id"))
    }

    /// A user with the fixture password; returns (user id, e-mail).
    pub fn user(&self, email: &str, name: &str) -> (String, String) {
        let mut conn = self.db.conn();
        let address = EmailAddress::parse(email).expect("valid");
        let user = users::create(
            &mut conn,
            &users::NewUser {
                email: &address,
                display_name: name,
                password_hash: Some(password_hash()),
                preferred_language: None,
            },
            relais_persistence::now(),
        )
        .expect("user");
        (user.id, address.to_string())
    }

    pub fn member(&self, scope: &TenantScope, email: &str, role: TenantRole) -> (String, String) {
        let (id, email) = self.user(email, &format!("Member {role}"));
        let mut conn = self.db.conn();
        memberships::create(&mut conn, scope, &id, role, MembershipStatus::Active, relais_persistence::now())
            .expect("membership");
        (id, email)
    }

    pub fn network_user(&self, email: &str, role: NetworkRole) -> (String, String) {
        let (id, email) = self.user(email, "Network person");
        let mut conn = self.db.conn();
        role_assignments::grant_network_role(&mut conn, &id, role).expect("grant");
        (id, email)
    }

    pub fn outbox(&self) -> Vec<outbox::OutboxEmail> {
        let mut conn = self.db.conn();
        outbox::list_recent(&mut conn, 100).expect("outbox")
    }

    /// The first link to this site in the newest e-mail to `recipient`.
    pub fn link_in_mail_to(&self, recipient: &str) -> String {
        let mail = self.outbox().into_iter().find(|m| m.recipient == recipient).expect("an e-mail to the recipient");
        let link = mail
            .body_text
            .split_whitespace()
            .find(|w| w.starts_with("http://relais.test/"))
            .expect("a link in the e-mail");
        link.trim_start_matches("http://relais.test").to_owned()
    }
}

pub struct Response {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl Response {
    pub fn location(&self) -> Option<&str> {
        self.headers.get(header::LOCATION).and_then(|v| v.to_str().ok())
    }
}

pub struct Client {
    router: Router,
    pub cookies: HashMap<String, String>,
    pub lang: Option<&'static str>,
}

impl Client {
    async fn send(&mut self, request: Request<Body>) -> Response {
        let response = self.router.clone().oneshot(request).await.expect("response");
        let status = response.status();
        let headers = response.headers().clone();
        for value in headers.get_all(header::SET_COOKIE) {
            let text = value.to_str().unwrap_or("");
            let pair = text.split(';').next().unwrap_or("");
            if let Some((name, value)) = pair.split_once('=') {
                if value.is_empty() || text.contains("Max-Age=0") {
                    self.cookies.remove(name);
                } else {
                    self.cookies.insert(name.to_owned(), value.to_owned());
                }
            }
        }
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.expect("body");
        Response { status, headers, body: String::from_utf8_lossy(&bytes).into_owned() }
    }

    fn builder(&self, method: &str, path: &str) -> axum::http::request::Builder {
        let cookie = self.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ");
        let mut b = Request::builder().method(method).uri(path).header(header::COOKIE, cookie);
        if let Some(lang) = self.lang {
            b = b.header(header::ACCEPT_LANGUAGE, lang);
        }
        b
    }

    pub async fn get(&mut self, path: &str) -> Response {
        let request = self.builder("GET", path).body(Body::empty()).expect("request");
        self.send(request).await
    }

    /// The CSRF token a page of this client carries (from a page it may open).
    pub async fn csrf(&mut self) -> String {
        let page = if self.cookies.contains_key("relais_session") { "/account" } else { "/login" };
        let body = self.get(page).await.body;
        match extract_csrf(&body) {
            Some(token) => token,
            None => extract_csrf(&self.get("/login").await.body).unwrap_or_default(),
        }
    }

    /// Posts a form with the client's CSRF token added.
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Response {
        let token = self.csrf().await;
        let mut all: Vec<(&str, &str)> = vec![("_csrf", token.as_str())];
        all.extend_from_slice(fields);
        self.post_raw(path, &all).await
    }

    /// Posts a form exactly as given (no CSRF token added).
    pub async fn post_raw(&mut self, path: &str, fields: &[(&str, &str)]) -> Response {
        let body = serde_urlencoded::to_string(fields).expect("form");
        let request = self
            .builder("POST", path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .expect("request");
        self.send(request).await
    }

    pub async fn login(&mut self, email: &str, password: &str) -> Response {
        self.post("/login", &[("email", email), ("password", password)]).await
    }
}

pub fn extract_csrf(html: &str) -> Option<String> {
    let start = html.find("name=\"_csrf\" value=\"")? + "name=\"_csrf\" value=\"".len();
    Some(html[start..].split('"').next()?.to_owned())
}

/// Replaces what changes from run to run: UUIDs, 43-character tokens and
/// the stylesheet's content hash.
pub fn stable(html: &str) -> String {
    fn is_uuid(s: &[u8]) -> bool {
        s.len() == 36
            && s.iter()
                .enumerate()
                .all(|(i, b)| if [8, 13, 18, 23].contains(&i) { *b == b'-' } else { b.is_ascii_hexdigit() })
    }
    fn is_token_char(b: u8) -> bool {
        b.is_ascii_alphanumeric() || b == b'-' || b == b'_'
    }
    let bytes = html.as_bytes();
    let mut out = String::with_capacity(html.len());
    let mut i = 0;
    while i < bytes.len() {
        if i + 36 <= bytes.len() && is_uuid(&bytes[i..i + 36]) {
            out.push_str("[id]");
            i += 36;
            continue;
        }
        if html[i..].starts_with("value=\"") {
            let start = i + 7;
            let len = bytes[start..].iter().take_while(|b| is_token_char(**b)).count();
            if len == 43 && bytes.get(start + len) == Some(&b'"') {
                out.push_str("value=\"[token]");
                i = start + len;
                continue;
            }
        }
        if html[i..].starts_with("/static/app.") {
            let end = html[i..].find(".css").map_or(bytes.len(), |e| i + e);
            out.push_str("/static/app.[hash]");
            i = end;
            continue;
        }
        let ch = html[i..].chars().next().unwrap_or(' ');
        out.push(ch);
        i += ch.len_utf8();
    }
    out.lines().filter(|l| !l.trim().is_empty()).map(str::trim_end).collect::<Vec<_>>().join("\n")
}
