//! The service directory through the real router on both backends.

mod common;

use axum::http::StatusCode;
use common::{PASSWORD, TestApp};
use relais_domain::{NetworkRole, TenantRole};
use relais_test_support::backend_tests_async;

fn service_fields<'a>(name_fr: &'a str, name_ar: &'a str, open: bool) -> Vec<(&'a str, &'a str)> {
    let mut fields = vec![
        ("name_fr", name_fr),
        ("name_ar", name_ar),
        ("description_fr", "Accompagnement des porteurs de projet."),
        ("category", "incubation"),
        ("languages", "fr"),
        ("languages", "ar"),
        ("regions", "rabat_sale_kenitra"),
        ("regions", "casablanca_settat"),
        ("cities", "Rabat, Salé"),
        ("focal_point_email", "pre-incubation@hub.example.org"),
        ("response_days", "7"),
    ];
    if open {
        fields.push(("intake_open", "on"));
    }
    fields
}

backend_tests_async! {
    async fn a_tenant_publishes_a_service_that_everyone_finds(db: TestDb) {
        let app = TestApp::new(db).await;
        let hub = app.tenant("Hub Innovation");
        let association = app.tenant("Association Soleil");
        let (_, hub_admin) = app.member(&hub, "admin@hub.org", TenantRole::TenantAdmin);
        let (_, other_admin) = app.member(&association, "admin@soleil.org", TenantRole::TenantAdmin);
        let (_, volunteer) = app.member(&association, "vol@soleil.org", TenantRole::Volunteer);

        let mut admin = app.client();
        admin.login(&hub_admin, PASSWORD).await;
        let bad = admin.post("/services", &[("name_fr", ""), ("response_days", "400"), ("focal_point_email", "nope")]).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        for field in ["e-name_fr", "e-category", "e-languages", "e-regions", "e-focal_point_email", "e-response_days"] {
            assert!(bad.body.contains(field), "message for {field}");
        }
        let saved = admin.post("/services", &service_fields("Pré-incubation", "ما قبل الاحتضان", true)).await;
        assert_eq!(saved.location(), Some("/services"));
        let own = admin.get("/services").await.body;
        let edit_link = own
            .split("href=\"/services/")
            .skip(1)
            .filter_map(|r| r.split('"').next())
            .find(|link| link.ends_with("/edit"))
            .expect("edit link")
            .to_owned();

        let mut reader = app.client();
        reader.lang = Some("ar");
        reader.login(&volunteer, PASSWORD).await;
        let found = reader.get("/directory?q=incubation").await;
        assert_eq!(found.status, StatusCode::OK);
        assert!(found.body.contains("ما قبل الاحتضان"), "the Arabic name in Arabic");
        assert!(reader.get("/directory?q=pre").await.body.contains("Hub Innovation"), "accents do not matter");
        assert!(!reader.get("/directory?region=oriental").await.body.contains("Hub Innovation"));
        assert!(!reader.get("/directory?category=legal_aid").await.body.contains("Hub Innovation"));

        // Another tenant's administrator cannot change it; a volunteer cannot publish.
        let mut other = app.client();
        other.login(&other_admin, PASSWORD).await;
        let id = edit_link.trim_end_matches("/edit");
        assert_eq!(other.get(&format!("/services/{edit_link}")).await.status, StatusCode::NOT_FOUND);
        assert_eq!(other.post(&format!("/services/{id}"), &service_fields("Volé", "", false)).await.status, StatusCode::NOT_FOUND);
        assert_eq!(reader.get("/services/new").await.status, StatusCode::FORBIDDEN);

        // Closing the intake shows in the directory.
        assert_eq!(admin.post(&format!("/services/{id}"), &service_fields("Pré-incubation", "", false)).await.status, StatusCode::SEE_OTHER);
        assert!(!reader.get("/directory?open=on").await.body.contains("Hub Innovation"));
        assert!(reader.get("/directory").await.body.contains("Hub Innovation"));
    }

    async fn the_network_lists_organisations_without_an_account(db: TestDb) {
        let app = TestApp::new(db).await;
        let (_, admin_email) = app.network_user("admin@example.org", NetworkRole::NetworkAdmin);
        let (_, viewer_email) = app.network_user("donor@example.org", NetworkRole::NetworkViewer);
        let mut admin = app.client();
        admin.login(&admin_email, PASSWORD).await;
        let created = admin
            .post("/network/organisations", &[("name", "Agence de l'emploi – Kénitra"), ("kind", "public_service"), ("region", "rabat_sale_kenitra"), ("contact_email", "kenitra@emploi.example.org")])
            .await;
        let org = created.location().expect("redirect").to_owned();
        assert!(org.starts_with("/network/organisations/"));
        let saved = admin.post(&format!("{org}/services"), &service_fields("Placement en emploi", "", true)).await;
        assert_eq!(saved.location(), Some(org.as_str()));
        let listed = admin.get("/directory").await.body;
        assert!(listed.contains("Kénitra") && listed.contains("Placement en emploi"));
        let mut viewer = app.client();
        viewer.login(&viewer_email, PASSWORD).await;
        assert_eq!(viewer.get("/network/organisations").await.status, StatusCode::FORBIDDEN);
        assert_eq!(viewer.get("/directory").await.status, StatusCode::OK);
        let audit = admin.get("/network/audit").await.body;
        assert!(audit.contains("organisation.created") && audit.contains("service.created"));
    }
}
