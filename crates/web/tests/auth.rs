//! Sign-in, sign-out, sessions, throttling, CSRF and password reset, through
//! the real router on both backends.

mod common;

use axum::http::StatusCode;
use common::{PASSWORD, TestApp};
use relais_domain::TenantRole;
use relais_test_support::backend_tests_async;

backend_tests_async! {
    async fn signing_in_rotates_the_session_and_signing_out_ends_it(db: TestDb) {
        let app = TestApp::new(db).await;
        let tenant = app.tenant("Association A");
        let (_, email) = app.member(&tenant, "awa@example.org", TenantRole::Caseworker);
        let mut client = app.client();
        assert_eq!(client.get("/home").await.location(), Some("/login"));

        // A session cookie planted before sign-in is never kept (no fixation).
        client.cookies.insert("relais_session".into(), "A".repeat(43));
        let response = client.login(&email, PASSWORD).await;
        assert_eq!(response.status, StatusCode::SEE_OTHER);
        let session = client.cookies.get("relais_session").cloned().expect("a session cookie");
        assert_ne!(session, "A".repeat(43));
        let set_cookie = response.headers.get_all("set-cookie").iter().map(|v| v.to_str().unwrap_or("").to_owned()).collect::<Vec<_>>();
        assert!(set_cookie.iter().any(|c| c.starts_with("relais_session=") && c.contains("HttpOnly") && c.contains("SameSite=Lax")));

        let home = client.get("/home").await;
        assert_eq!(home.status, StatusCode::OK);
        assert!(home.body.contains("Association A"));

        let out = client.post("/logout", &[]).await;
        assert_eq!(out.location(), Some("/login"));
        // The old cookie no longer opens anything, even if replayed.
        client.cookies.insert("relais_session".into(), session);
        assert_eq!(client.get("/home").await.location(), Some("/login"));
    }

    async fn a_wrong_password_and_an_unknown_address_get_the_same_answer(db: TestDb) {
        let app = TestApp::new(db).await;
        let tenant = app.tenant("A");
        let (_, email) = app.member(&tenant, "awa@example.org", TenantRole::Caseworker);
        let mut client = app.client();
        let wrong = client.login(&email, "not the password at all").await;
        let unknown = client.login("nobody@example.org", "not the password at all").await;
        assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
        assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
        let message = |body: &str| body.split("role=\"alert\">").nth(1).and_then(|r| r.split('<').next()).map(str::to_owned);
        assert_eq!(message(&wrong.body), message(&unknown.body));
        assert!(message(&wrong.body).is_some());
    }

    async fn repeated_failures_lock_the_account_whether_or_not_it_exists(db: TestDb) {
        let app = TestApp::new(db).await;
        let tenant = app.tenant("A");
        let (_, email) = app.member(&tenant, "awa@example.org", TenantRole::Caseworker);
        for address in [email.as_str(), "ghost@example.org"] {
            let mut client = app.client();
            for _ in 0..4 {
                assert_eq!(client.login(address, "wrong password!!").await.status, StatusCode::UNAUTHORIZED);
            }
            assert_eq!(client.login(address, "wrong password!!").await.status, StatusCode::TOO_MANY_REQUESTS);
        }
        // Locked: even the right password is refused until the lock ends.
        let mut client = app.client();
        assert_eq!(client.login(&email, PASSWORD).await.status, StatusCode::TOO_MANY_REQUESTS);
        app.clock.advance(chrono::Duration::minutes(16));
        assert_eq!(client.login(&email, PASSWORD).await.status, StatusCode::SEE_OTHER);
    }

    async fn an_idle_session_ends(db: TestDb) {
        let app = TestApp::new(db).await;
        let tenant = app.tenant("A");
        let (_, email) = app.member(&tenant, "awa@example.org", TenantRole::Caseworker);
        let mut client = app.client();
        client.login(&email, PASSWORD).await;
        app.clock.advance(chrono::Duration::minutes(20));
        assert_eq!(client.get("/home").await.status, StatusCode::OK);
        app.clock.advance(chrono::Duration::minutes(31));
        assert_eq!(client.get("/home").await.location(), Some("/login"));
    }

    async fn a_post_without_a_valid_csrf_token_is_refused_and_changes_nothing(db: TestDb) {
        let app = TestApp::new(db).await;
        let (_, email) = app.network_user("admin@example.org", relais_domain::NetworkRole::NetworkAdmin);
        let mut client = app.client();
        client.login(&email, PASSWORD).await;
        let fields = [("name", "Sneaky"), ("kind", "association"), ("region", "oriental"), ("default_language", "fr"), ("contact_email", "a@example.org")];
        let none = client.post_raw("/network/tenants", &fields).await;
        assert_eq!(none.status, StatusCode::FORBIDDEN);
        let mut forged = vec![("_csrf", "x".repeat(43))];
        forged.extend(fields.iter().map(|(k, v)| (*k, v.to_string())));
        let forged: Vec<(&str, &str)> = forged.iter().map(|(k, v)| (*k, v.as_str())).collect();
        assert_eq!(client.post_raw("/network/tenants", &forged).await.status, StatusCode::FORBIDDEN);
        assert!(!client.get("/network/tenants").await.body.contains("Sneaky"));
        assert_eq!(client.post("/network/tenants", &fields).await.status, StatusCode::SEE_OTHER);
        assert!(client.get("/network/tenants").await.body.contains("Sneaky"));
    }

    async fn a_password_reset_link_works_once_and_ends_every_session(db: TestDb) {
        let app = TestApp::new(db).await;
        let tenant = app.tenant("A");
        let (_, email) = app.member(&tenant, "awa@example.org", TenantRole::Caseworker);
        let mut other_browser = app.client();
        other_browser.login(&email, PASSWORD).await;

        let mut client = app.client();
        let unknown = client.post("/password/forgot", &[("email", "nobody@example.org")]).await;
        let known = client.post("/password/forgot", &[("email", &email)]).await;
        assert_eq!(unknown.status, known.status);
        assert_eq!(unknown.body, known.body, "the page does not tell whether the address is registered");
        assert_eq!(app.outbox().len(), 1, "only the registered address gets an e-mail");
        let link = app.link_in_mail_to(&email);
        assert!(link.starts_with("/password/reset/"));

        let bad = client.post(&link, &[("password", "short"), ("confirm", "short")]).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.body.contains("12"));
        let new_password = "un autre mot de passe bien long";
        let done = client.post(&link, &[("password", new_password), ("confirm", new_password)]).await;
        assert_eq!(done.location(), Some("/login"));
        assert_eq!(client.post(&link, &[("password", new_password), ("confirm", new_password)]).await.status, StatusCode::GONE);
        assert_eq!(other_browser.get("/home").await.location(), Some("/login"), "every session ended");
        assert_eq!(client.login(&email, PASSWORD).await.status, StatusCode::UNAUTHORIZED);
        assert_eq!(client.login(&email, new_password).await.status, StatusCode::SEE_OTHER);
    }

    async fn an_expired_reset_link_explains_itself(db: TestDb) {
        let app = TestApp::new(db).await;
        let tenant = app.tenant("A");
        let (_, email) = app.member(&tenant, "awa@example.org", TenantRole::Caseworker);
        let mut client = app.client();
        client.post("/password/forgot", &[("email", &email)]).await;
        let link = app.link_in_mail_to(&email);
        app.clock.advance(chrono::Duration::minutes(61));
        let page = client.get(&link).await;
        assert_eq!(page.status, StatusCode::GONE);
        assert!(page.body.contains("/password/forgot"));
    }

    async fn a_user_chooses_a_daily_digest_for_referral_emails(db: TestDb) {
        let app = TestApp::new(db).await;
        let tenant = app.tenant("A");
        let (id, email) = app.member(&tenant, "awa@example.org", TenantRole::Caseworker);
        let mut client = app.client();
        client.login(&email, PASSWORD).await;
        assert!(client.get("/account").await.body.contains("value=\"immediate\" checked"));
        assert_eq!(client.post("/account/notifications", &[("referral_emails", "weekly")]).await.status, StatusCode::BAD_REQUEST);
        let saved = client.post("/account/notifications", &[("referral_emails", "daily_digest")]).await;
        assert_eq!(saved.location(), Some("/account"));
        let mut conn = app.db.conn();
        assert_eq!(relais_persistence::models::users::find(&mut conn, &id).expect("user").referral_emails, "daily_digest");
    }
}
