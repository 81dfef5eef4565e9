//! Tenants, invitations and members; role changes and disablement taking
//! effect on the next request; no way into another tenant's data.

mod common;

use axum::http::StatusCode;
use common::{PASSWORD, TestApp};
use relais_domain::{NetworkRole, TenantRole};
use relais_test_support::backend_tests_async;

backend_tests_async! {
    async fn a_network_admin_onboards_a_tenant_whose_admin_invites_a_caseworker(db: TestDb) {
        let app = TestApp::new(db).await;
        let (_, admin_email) = app.network_user("admin@example.org", NetworkRole::NetworkAdmin);
        let mut admin = app.client();
        admin.login(&admin_email, PASSWORD).await;
        let created = admin
            .post("/network/tenants", &[("name", "Hub Innovation"), ("kind", "incubator"), ("region", "rabat_sale_kenitra"), ("default_language", "fr"), ("contact_email", "hub@example.org")])
            .await;
        let tenant_path = created.location().expect("redirect to the tenant").to_owned();
        let invited = admin.post(&format!("{tenant_path}/invitations"), &[("email", "Fatou@Example.org"), ("display_name", "Fatou")]).await;
        assert_eq!(invited.status, StatusCode::SEE_OTHER);

        // The invitation e-mail carries a link, not the tenant's data or the person's name.
        let mail = app.outbox().into_iter().find(|m| m.recipient == "fatou@example.org").expect("invitation e-mail");
        assert!(!mail.body_text.contains("Fatou"), "no personal name in the e-mail body");
        let link = app.link_in_mail_to("fatou@example.org");

        let mut fatou = app.client();
        let page = fatou.get(&link).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("Hub Innovation"));
        let weak = fatou.post(&link, &[("display_name", "Fatou Diallo"), ("password", "password1234"), ("confirm", "password1234")]).await;
        assert_eq!(weak.status, StatusCode::UNPROCESSABLE_ENTITY);
        let accepted = fatou.post(&link, &[("display_name", "Fatou Diallo"), ("password", "mon mot de passe secret"), ("confirm", "mon mot de passe secret")]).await;
        assert_eq!(accepted.location(), Some("/home"));
        assert_eq!(fatou.get(&link).await.status, StatusCode::GONE, "single use");
        let members = fatou.get("/members").await;
        assert_eq!(members.status, StatusCode::OK);
        assert!(members.body.contains("Fatou Diallo"));

        // She invites a caseworker, who accepts and works in the tenant, but cannot manage members.
        assert_eq!(
            fatou.post("/members/invitations", &[("email", "omar@example.org"), ("display_name", "Omar"), ("role", "caseworker")]).await.status,
            StatusCode::SEE_OTHER
        );
        let again = fatou.post("/members/invitations", &[("email", "fatou@example.org"), ("display_name", "Fatou"), ("role", "viewer")]).await;
        assert_eq!(again.status, StatusCode::CONFLICT, "an active member cannot be invited again");
        let link = app.link_in_mail_to("omar@example.org");
        let mut omar = app.client();
        omar.post(&link, &[("display_name", "Omar"), ("password", "le mot de passe d'Omar"), ("confirm", "le mot de passe d'Omar")]).await;
        assert_eq!(omar.get("/home").await.status, StatusCode::OK);
        assert_eq!(omar.get("/members").await.status, StatusCode::FORBIDDEN);

        // The tenant's audit log shows the invitations and acceptances.
        let audit = fatou.get("/audit").await;
        assert!(audit.body.contains("member.invited") && audit.body.contains("member.invitation_accepted"));
        let network_audit = admin.get("/network/audit").await;
        assert_eq!(network_audit.status, StatusCode::OK);
    }

    async fn role_changes_and_disablement_apply_on_the_next_request(db: TestDb) {
        let app = TestApp::new(db).await;
        let tenant = app.tenant("A");
        let (_, admin_email) = app.member(&tenant, "admin@a.org", TenantRole::TenantAdmin);
        let (worker_id, worker_email) = app.member(&tenant, "worker@a.org", TenantRole::Caseworker);
        let mut admin = app.client();
        admin.login(&admin_email, PASSWORD).await;
        let mut worker = app.client();
        worker.login(&worker_email, PASSWORD).await;
        assert_eq!(worker.get("/members").await.status, StatusCode::FORBIDDEN);

        let membership_id = {
            let mut conn = app.db.conn();
            relais_persistence::models::memberships::find_for_user(&mut conn, &tenant, &worker_id).expect("q").expect("m").id
        };
        let promoted = admin.post(&format!("/members/{membership_id}"), &[("role", "tenant_admin"), ("status", "active")]).await;
        assert_eq!(promoted.status, StatusCode::SEE_OTHER);
        assert_eq!(worker.get("/members").await.status, StatusCode::OK, "promotion applies at once");

        let disabled = admin.post(&format!("/members/{membership_id}"), &[("role", "tenant_admin"), ("status", "disabled")]).await;
        assert_eq!(disabled.status, StatusCode::SEE_OTHER);
        assert_eq!(worker.get("/members").await.location(), Some("/login"), "the session ended");
        let again = worker.login(&worker_email, PASSWORD).await;
        assert_eq!(again.status, StatusCode::SEE_OTHER);
        assert_eq!(worker.get("/members").await.status, StatusCode::SEE_OTHER, "no tenant to work in: sent home");
        assert!(!worker.get("/home").await.body.contains("/members"));

        // Nobody changes their own membership.
        let own = {
            let mut conn = app.db.conn();
            let (admin_id, _) = (relais_persistence::models::users::find_by_email(&mut conn, &relais_domain::EmailAddress::parse(&admin_email).expect("e")).expect("q").expect("u").id, ());
            relais_persistence::models::memberships::find_for_user(&mut conn, &tenant, &admin_id).expect("q").expect("m").id
        };
        assert_eq!(admin.post(&format!("/members/{own}"), &[("role", "viewer"), ("status", "active")]).await.status, StatusCode::CONFLICT);
    }

    async fn a_deactivated_tenant_closes_its_sessions(db: TestDb) {
        let app = TestApp::new(db).await;
        let tenant = app.tenant("Closing");
        let (_, worker_email) = app.member(&tenant, "worker@a.org", TenantRole::TenantAdmin);
        let (_, admin_email) = app.network_user("admin@example.org", NetworkRole::NetworkAdmin);
        let mut worker = app.client();
        worker.login(&worker_email, PASSWORD).await;
        assert_eq!(worker.get("/members").await.status, StatusCode::OK);
        let mut admin = app.client();
        admin.login(&admin_email, PASSWORD).await;
        let path = format!("/network/tenants/{}/active", tenant.tenant_id());
        assert_eq!(admin.post(&path, &[("active", "false")]).await.status, StatusCode::SEE_OTHER);
        assert_eq!(worker.get("/members").await.location(), Some("/login"));
        worker.login(&worker_email, PASSWORD).await;
        assert_ne!(worker.get("/members").await.status, StatusCode::OK);
    }

    async fn a_member_of_tenant_a_never_reaches_tenant_b(db: TestDb) {
        let app = TestApp::new(db).await;
        let a = app.tenant("Tenant Alpha");
        let b = app.tenant("Tenant Bravo");
        let (_, a_admin) = app.member(&a, "admin@alpha.org", TenantRole::TenantAdmin);
        let (b_member_id, _) = app.member(&b, "secret-member@bravo.org", TenantRole::Caseworker);
        let b_membership = {
            let mut conn = app.db.conn();
            relais_persistence::models::memberships::find_for_user(&mut conn, &b, &b_member_id).expect("q").expect("m").id
        };
        let mut client = app.client();
        client.login(&a_admin, PASSWORD).await;
        let b_id = b.tenant_id().to_string();
        let gets = [
            format!("/network/tenants/{b_id}"),
            format!("/network/tenants/{b_id}/edit"),
            "/network/tenants".to_owned(),
            "/network/audit".to_owned(),
        ];
        for path in &gets {
            let response = client.get(path).await;
            assert!(matches!(response.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND), "{path}: {}", response.status);
            assert!(!response.body.contains("Bravo") && !response.body.contains("secret-member"), "{path} leaked");
        }
        let posts: Vec<(String, Vec<(&str, &str)>)> = vec![
            ("/tenant".to_owned(), vec![("tenant_id", b_id.as_str())]),
            (format!("/members/{b_membership}"), vec![("role", "viewer"), ("status", "disabled")]),
            (format!("/network/tenants/{b_id}"), vec![("name", "x"), ("kind", "other"), ("region", "oriental"), ("default_language", "fr"), ("contact_email", "x@x.org")]),
            (format!("/network/tenants/{b_id}/active"), vec![("active", "false")]),
            (format!("/network/tenants/{b_id}/invitations"), vec![("email", "x@x.org"), ("display_name", "X")]),
        ];
        for (path, fields) in &posts {
            let response = client.post(path, fields).await;
            assert!(matches!(response.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND), "{path}: {}", response.status);
            assert!(!response.body.contains("Bravo") && !response.body.contains("secret-member"), "{path} leaked");
        }
        // Tenant A's pages never list B's people.
        let members = client.get("/members").await;
        assert!(!members.body.contains("secret-member"));
        // And B is untouched.
        let mut conn = app.db.conn();
        let m = relais_persistence::models::memberships::find(&mut conn, &b, &b_membership).expect("still there");
        assert_eq!(m.status, "active");
        assert_eq!(m.role, "caseworker");
    }

    async fn an_invitation_to_an_existing_account_never_signs_in_without_the_password(db: TestDb) {
        let app = TestApp::new(db).await;
        let a = app.tenant("Alpha");
        let b = app.tenant("Bravo");
        let (_, admin_b) = app.member(&b, "admin@bravo.org", TenantRole::TenantAdmin);
        let (_, existing) = app.member(&a, "worker@alpha.org", TenantRole::Caseworker);
        let mut admin = app.client();
        admin.login(&admin_b, PASSWORD).await;
        // Invited twice: only the newest link works, with the newest role.
        admin.post("/members/invitations", &[("email", &existing), ("display_name", "W"), ("role", "viewer")]).await;
        let first = app.link_in_mail_to(&existing);
        admin.post("/members/invitations", &[("email", &existing), ("display_name", "W"), ("role", "caseworker")]).await;
        let second = app.outbox().into_iter().filter(|m| m.recipient == existing).map(|m| m.body_text).find(|t| !t.contains(&first)).expect("second invitation");
        let second = second.split_whitespace().find(|w| w.starts_with("http://relais.test/")).expect("link").trim_start_matches("http://relais.test").to_owned();
        let mut stranger = app.client();
        assert_eq!(stranger.get(&first).await.status, StatusCode::GONE, "the older link was voided");
        let accepted = stranger.post(&second, &[]).await;
        assert_eq!(accepted.location(), Some("/login"), "no session from the link");
        assert!(!stranger.cookies.contains_key("relais_session"));
        assert_eq!(stranger.get("/home").await.location(), Some("/login"));
        // The owner signs in with their password and now has both organisations.
        let mut owner = app.client();
        owner.login(&existing, PASSWORD).await;
        let home = owner.get("/home").await.body;
        assert!(home.contains("Alpha") && home.contains("Bravo"));
    }

    async fn tenant_management_is_in_the_network_log_and_spoofed_request_ids_are_replaced(db: TestDb) {
        let app = TestApp::new(db).await;
        let (_, admin_email) = app.network_user("admin@example.org", NetworkRole::NetworkAdmin);
        let mut admin = app.client();
        admin.login(&admin_email, PASSWORD).await;
        admin
            .post("/network/tenants", &[("name", "Nouvelle"), ("kind", "other"), ("region", "oriental"), ("default_language", "ar"), ("contact_email", "n@example.org")])
            .await;
        let log = admin.get("/network/audit").await.body;
        assert!(log.contains("tenant.created"), "network log lists tenant events");
        let mut client = app.client();
        let request = axum::http::Request::builder().uri("/healthz").header("x-request-id", "forged-id").body(axum::body::Body::empty()).expect("request");
        let response = tower::ServiceExt::oneshot(app.router.clone(), request).await.expect("response");
        let id = response.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("");
        assert_ne!(id, "forged-id");
        assert_eq!(id.len(), 36);
        let _ = client.get("/healthz").await;
    }
}
