//! Pages as people see them: snapshots in each language, right-to-left
//! Arabic, error pages, security headers, and every translation key a
//! template uses defined in French, Arabic and English.

mod common;

use axum::http::StatusCode;
use common::{PASSWORD, TestApp, stable};
use relais_domain::{Language, NetworkRole, TenantRole};
use relais_i18n::Catalog;
use relais_test_support::backend_tests_async;

backend_tests_async! {
    async fn the_sign_in_page_in_each_language(db: TestDb) {
        let app = TestApp::new(db).await;
        for (lang, header) in [("fr", "fr-FR,fr;q=0.9"), ("ar", "ar-MA"), ("en", "en-GB")] {
            let mut client = app.client();
            client.lang = Some(header);
            let page = client.get("/login").await;
            assert_eq!(page.status, StatusCode::OK);
            insta::assert_snapshot!(format!("login_{lang}"), stable(&page.body));
        }
    }

    async fn arabic_pages_are_right_to_left(db: TestDb) {
        let app = TestApp::new(db).await;
        let mut client = app.client();
        client.lang = Some("ar");
        let page = client.get("/login").await;
        assert!(page.body.contains("<html lang=\"ar-MA\" dir=\"rtl\">"));
        // A preference chosen in the switcher wins over the browser's language.
        let switched = client.post("/language", &[("lang", "en"), ("next", "/login")]).await;
        assert_eq!(switched.location(), Some("/login"));
        assert!(client.get("/login").await.body.contains("<html lang=\"en\" dir=\"ltr\">"));
    }

    async fn the_main_signed_in_pages(db: TestDb) {
        let app = TestApp::new(db).await;
        let tenant = app.tenant("Association Espoir");
        let (_, admin) = app.member(&tenant, "admin@espoir.org", TenantRole::TenantAdmin);
        app.member(&tenant, "volunteer@espoir.org", TenantRole::Volunteer);
        let mut client = app.client();
        client.lang = Some("fr");
        client.login(&admin, PASSWORD).await;
        insta::assert_snapshot!("home_tenant_admin_fr", stable(&client.get("/home").await.body));
        insta::assert_snapshot!("members_fr", stable(&client.get("/members").await.body));
        client.post("/language", &[("lang", "ar")]).await;
        insta::assert_snapshot!("members_ar", stable(&client.get("/members").await.body));

        let (_, network) = app.network_user("network@example.org", NetworkRole::NetworkAdmin);
        let mut client = app.client();
        client.lang = Some("en");
        client.login(&network, PASSWORD).await;
        insta::assert_snapshot!("tenants_en", stable(&client.get("/network/tenants").await.body));
    }

    async fn error_pages_speak_the_visitors_language_and_carry_the_request_id(db: TestDb) {
        let app = TestApp::new(db).await;
        let mut client = app.client();
        client.lang = Some("ar");
        let missing = client.get("/no/such/page").await;
        assert_eq!(missing.status, StatusCode::NOT_FOUND);
        assert!(missing.body.contains("dir=\"rtl\""));
        assert!(missing.body.contains(&Catalog::embedded().text(Language::Ar, "error-title-404", &[])));
        let request_id = missing.headers.get("x-request-id").and_then(|v| v.to_str().ok()).expect("request id").to_owned();
        assert!(missing.body.contains(&request_id));

        let huge = "x".repeat(100 * 1024);
        let too_big = client.post_raw("/login", &[("email", huge.as_str())]).await;
        assert_eq!(too_big.status, StatusCode::PAYLOAD_TOO_LARGE);
    }

    async fn every_response_carries_the_security_headers(db: TestDb) {
        let app = TestApp::new(db).await;
        let mut client = app.client();
        for path in ["/login", "/no/such/page", "/healthz"] {
            let response = client.get(path).await;
            let header = |name: &str| response.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
            let csp = header("content-security-policy");
            assert!(csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"), "{path}: {csp}");
            assert_eq!(header("x-content-type-options"), "nosniff");
            assert_eq!(header("referrer-policy"), "same-origin");
            assert_eq!(header("cache-control"), "no-store");
            assert!(header("strict-transport-security").is_empty(), "no HSTS over plain HTTP");
        }
        // Assets have content-hashed names and a long cache.
        let login = client.get("/login").await.body;
        let css = login.split("href=\"/static/").nth(1).and_then(|r| r.split('"').next()).expect("stylesheet");
        let response = client.get(&format!("/static/{css}")).await;
        assert_eq!(response.status, StatusCode::OK);
        assert!(response.headers.get("cache-control").and_then(|v| v.to_str().ok()).unwrap_or("").contains("immutable"));
    }

    async fn over_https_cookies_are_secure_and_hsts_is_sent(db: TestDb) {
        let mut settings = common::settings();
        settings.public_url = "https://relais.example.org".into();
        let app = TestApp::with_settings(db, settings).await;
        let tenant = app.tenant("A");
        let (_, email) = app.member(&tenant, "a@example.org", TenantRole::Viewer);
        let mut client = app.client();
        let response = client.login(&email, PASSWORD).await;
        let cookies: Vec<_> = response.headers.get_all("set-cookie").iter().filter_map(|v| v.to_str().ok()).collect();
        assert!(cookies.iter().any(|c| c.starts_with("relais_session=") && c.contains("; Secure")));
        assert!(client.get("/home").await.headers.get("strict-transport-security").is_some());
    }
}

/// Every `t(key="…")` literal in every template, and every key built from a
/// prefix and a closed list, exists in all three languages.
#[test]
fn every_translation_key_used_exists_in_every_language() {
    let catalog = Catalog::embedded();
    let mut missing = Vec::new();
    for (name, source) in relais_web::Templates::sources() {
        let mut rest = source;
        while let Some(at) = rest.find("t(key=") {
            rest = &rest[at + 6..];
            let quote = rest.chars().next().unwrap_or(' ');
            if quote == '"' || quote == '\'' {
                let key: String = rest[1..].chars().take_while(|c| *c != quote).collect();
                let is_prefix = rest[1 + key.len() + 1..].trim_start().starts_with('~');
                if !is_prefix && !catalog.has_everywhere(&key) {
                    missing.push(format!("{name}: {key}"));
                }
            }
        }
    }
    let closed_lists: Vec<(&str, Vec<&str>)> = vec![
        (
            "role-",
            relais_domain::TenantRole::ALL
                .iter()
                .map(|r| r.as_str())
                .chain(relais_domain::NetworkRole::ALL.iter().map(|r| r.as_str()))
                .collect(),
        ),
        ("role-help-", relais_domain::TenantRole::ALL.iter().map(|r| r.as_str()).collect()),
        ("kind-", relais_domain::TenantKind::ALL.iter().map(|k| k.as_str()).collect()),
        ("region-", relais_domain::Region::ALL.iter().map(|r| r.as_str()).collect()),
        ("language-", Language::ALL.iter().map(|l| l.as_str()).collect()),
        ("member-status-", relais_domain::MembershipStatus::ALL.iter().map(|s| s.as_str()).collect()),
        ("error-title-", vec!["400", "403", "404", "409", "413", "500", "503"]),
        ("error-text-", vec!["400", "403", "404", "409", "413", "500", "503"]),
        (
            "nav-",
            vec![
                "home",
                "my-work",
                "beneficiaries",
                "cases",
                "referrals",
                "directory",
                "services",
                "organisations",
                "members",
                "audit",
                "tenants",
                "network-audit",
                "account",
            ],
        ),
    ];
    for (prefix, values) in closed_lists {
        for value in values {
            let key = format!("{prefix}{value}");
            if !catalog.has_everywhere(&key) {
                missing.push(key);
            }
        }
    }
    for key in [
        "error-required",
        "error-too-long",
        "error-email",
        "error-choose",
        "error-password-short",
        "error-password-long",
        "error-password-common",
        "error-password-mismatch",
        "error-password-current",
        "error-name-taken",
        "error-already-member",
        "login-error-invalid",
        "login-error-locked",
    ] {
        if !catalog.has_everywhere(key) {
            missing.push(key.to_owned());
        }
    }
    assert!(missing.is_empty(), "translation keys missing in some language:\n{}", missing.join("\n"));
}
