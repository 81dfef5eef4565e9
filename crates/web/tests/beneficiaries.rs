//! People through the real router on both backends: registration with
//! consent and a residence card, the duplicate check and "create anyway",
//! what each role sees (volunteers never see identity documents, viewers no
//! personal data), tenant isolation, the record's audit, field messages,
//! the version check, export and erasure (checked in the database), and
//! snapshots of the new-person form and the person's page.

mod common;

use axum::http::StatusCode;
use common::{PASSWORD, TestApp, stable};
use relais_domain::TenantRole;
use relais_persistence::TenantScope;
use relais_persistence::models::{audit, beneficiaries, identity_documents};
use relais_test_support::backend_tests_async;

const CARD: &str = "AB 123 456";

fn person_fields<'a>(given: &'a str, family: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("given_names", given),
        ("family_names", family),
        ("arabic_name", "فاطمة كامارا"),
        ("sex", "female"),
        ("birth", "1990-03-14"),
        ("nationalities", "sn, CI"),
        ("languages", "wolof, français"),
        ("phone", "06 12 34 56 78"),
        ("whatsapp", "+221 77 123 45 67"),
        ("email", "fatou@example.org"),
        ("city", "Salé"),
        ("region", "rabat_sale_kenitra"),
        ("household_size_morocco", "3"),
        ("household_size_origin", "5"),
        ("education_level", "secondary"),
        ("previous_occupation", "couturière"),
        ("skills", "couture, vente"),
        ("regularisation_year", "2017"),
    ]
}

fn with_consent_and_card(mut fields: Vec<(&'static str, &'static str)>) -> Vec<(&'static str, &'static str)> {
    fields.extend([
        ("consent_purpose", "case_management"),
        ("consent_channel", "written"),
        ("consent_language", "fr"),
        ("consent_given_on", "2025-01-05"),
        ("doc_type", "residence_card"),
        ("doc_number", CARD),
        ("doc_issued_on", "2024-01-10"),
        ("doc_expires_on", "2027-01-10"),
    ]);
    fields
}

/// The id in a `/beneficiaries/{id}?done=…` redirect.
fn id_from(location: Option<&str>) -> String {
    let location = location.expect("a redirect to the person's page");
    location.trim_start_matches("/beneficiaries/").split('?').next().unwrap_or_default().to_owned()
}

struct World {
    app: TestApp,
    tenant: TenantScope,
    admin: common::Client,
    worker: common::Client,
    volunteer: common::Client,
    viewer: common::Client,
}

async fn world(db: relais_test_support::TestDb) -> World {
    let app = TestApp::new(db).await;
    let tenant = app.tenant("Association Espoir");
    let mut clients = Vec::new();
    for (email, role) in [
        ("admin@espoir.org", TenantRole::TenantAdmin),
        ("worker@espoir.org", TenantRole::Caseworker),
        ("volunteer@espoir.org", TenantRole::Volunteer),
        ("viewer@espoir.org", TenantRole::Viewer),
    ] {
        let (_, email) = app.member(&tenant, email, role);
        let mut client = app.client();
        client.lang = Some("fr");
        assert_eq!(client.login(&email, PASSWORD).await.status, StatusCode::SEE_OTHER);
        clients.push(client);
    }
    let viewer = clients.pop().expect("viewer");
    let volunteer = clients.pop().expect("volunteer");
    let worker = clients.pop().expect("worker");
    let admin = clients.pop().expect("admin");
    World { app, tenant, admin, worker, volunteer, viewer }
}

/// The caseworker registers Fatoumata Camara with consent and a residence card.
async fn register_fatoumata(w: &mut World) -> String {
    let created = w.worker.post("/beneficiaries", &with_consent_and_card(person_fields("Fatoumata", "Camara"))).await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    id_from(created.location())
}

fn actions(w: &World) -> Vec<String> {
    let mut conn = w.app.db.conn();
    audit::list_for_tenant(&mut conn, &w.tenant, 500)
        .expect("audit")
        .into_iter()
        .map(|e| e.action.as_str().to_owned())
        .collect()
}

backend_tests_async! {
    async fn a_caseworker_registers_a_person_and_a_second_registration_is_caught(db: TestDb) {
        let mut w = world(db).await;
        let id = register_fatoumata(&mut w).await;
        let page = w.worker.get(&format!("/beneficiaries/{id}?done=created")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("Fatoumata") && page.body.contains(CARD) && page.body.contains("id=\"documents\""));
        assert!(page.body.contains("+212612345678") && page.body.contains("+221771234567"), "phones stored in E.164");
        {
            let mut conn = w.app.db.conn();
            let stored = beneficiaries::find(&mut conn, &w.tenant, pid(&id)).expect("stored");
            assert_eq!(stored.nationalities, "SN,CI");
            assert_eq!(stored.name_key, relais_domain::names::name_key("Camara", "Fatoumata"));
            let docs = identity_documents::list_for(&mut conn, &w.tenant, pid(&id)).expect("docs");
            assert_eq!(docs.len(), 1);
            assert_eq!(docs[0].number_key, "AB123456");
        }
        let logged = actions(&w);
        for action in ["beneficiary.created", "document.added", "consent.recorded", "beneficiary.viewed"] {
            assert!(logged.iter().any(|a| a == action), "{action} in {logged:?}");
        }

        // "CAMARA Fatoumata" and "Fatoumata Kamara" are caught before anything is written.
        for (given, family) in [("CAMARA", "Fatoumata"), ("Fatoumata", "Kamara")] {
            let again = w.worker.post("/beneficiaries", &person_fields(given, family)).await;
            assert_eq!(again.status, StatusCode::CONFLICT);
            assert!(again.body.contains(&format!("href=\"/beneficiaries/{id}\"")), "a link to open the existing record");
            assert!(again.body.contains("name=\"confirm_duplicate\" value=\"1\""));
            assert!(again.body.contains(&format!("value=\"{given}\"")), "the form is refilled");
        }
        let mut conn = w.app.db.conn();
        assert_eq!(beneficiaries::list(&mut conn, &w.tenant, &Default::default()).expect("list").rows.len(), 1);
        drop(conn);

        // Creating anyway works and is recorded.
        let mut fields = person_fields("CAMARA", "Fatoumata");
        fields.push(("confirm_duplicate", "1"));
        let anyway = w.worker.post("/beneficiaries", &fields).await;
        assert_eq!(anyway.status, StatusCode::SEE_OTHER);
        let second = id_from(anyway.location());
        let mut conn = w.app.db.conn();
        let events = audit::list_for_target(&mut conn, &w.tenant, relais_domain::AuditTarget::Beneficiary, &second, 10).expect("audit");
        let created = events.iter().find(|e| e.action == "beneficiary.created_despite_duplicates").expect("audited");
        assert!(created.details.contains(&id), "the candidates shown are named by id");
        assert!(!created.details.contains("Fatoumata"), "no personal value in the audit");
    }

    async fn volunteers_see_people_but_never_identity_documents_and_viewers_nothing(db: TestDb) {
        let mut w = world(db).await;
        let id = register_fatoumata(&mut w).await;
        let doc_id = {
            let mut conn = w.app.db.conn();
            identity_documents::list_for(&mut conn, &w.tenant, pid(&id)).expect("docs")[0].id.to_string()
        };
        let list = w.volunteer.get("/beneficiaries").await;
        assert_eq!(list.status, StatusCode::OK);
        assert!(list.body.contains("Fatoumata") && list.body.contains("+212612345678"));
        let searched = w.volunteer.get("/beneficiaries?q=kamara&number=AB123456&expiring=60").await;
        assert!(searched.body.contains("Fatoumata") && !searched.body.contains("name=\"number\""));
        let page = w.volunteer.get(&format!("/beneficiaries/{id}")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("Fatoumata") && page.body.contains("+221771234567"));
        for hidden in [CARD, "AB123456", "id=\"documents\"", "/documents", "/export", "1990-03-14", "couturière"] {
            assert!(!page.body.contains(hidden), "volunteer page shows {hidden}");
            assert!(!list.body.contains(hidden), "volunteer list shows {hidden}");
        }
        for path in [format!("/beneficiaries/{id}/export"), format!("/beneficiaries/{id}/export/print"), format!("/beneficiaries/{id}/edit")] {
            assert_eq!(w.volunteer.get(&path).await.status, StatusCode::FORBIDDEN, "{path}");
        }
        let documents = w.volunteer.get(&format!("/beneficiaries/{id}/documents")).await;
        assert_ne!(documents.status, StatusCode::OK);
        assert!(!documents.body.contains(CARD));
        let add = w.volunteer.post(&format!("/beneficiaries/{id}/documents"), &[("doc_type", "passport"), ("doc_number", "P1")]).await;
        assert_eq!(add.status, StatusCode::FORBIDDEN);
        let remove = w.volunteer.post(&format!("/beneficiaries/{id}/documents/{doc_id}/delete"), &[]).await;
        assert_eq!(remove.status, StatusCode::FORBIDDEN);
        assert_eq!(w.volunteer.post(&format!("/beneficiaries/{id}/erase"), &[("confirm", "yes")]).await.status, StatusCode::FORBIDDEN);

        // A volunteer registers people (with consent, never with a document).
        let mut fields = with_consent_and_card(person_fields("Moussa", "Traoré"));
        fields.retain(|(k, _)| *k != "birth");
        let registered = w.volunteer.post("/beneficiaries", &fields).await;
        assert_eq!(registered.status, StatusCode::SEE_OTHER);
        let moussa = id_from(registered.location());
        let mut conn = w.app.db.conn();
        assert!(identity_documents::list_for(&mut conn, &w.tenant, pid(&moussa)).expect("docs").is_empty());
        drop(conn);

        // A viewer gets no personal data at all.
        let gets = ["/beneficiaries".to_owned(), "/beneficiaries/new".to_owned(), format!("/beneficiaries/{id}"), format!("/beneficiaries/{id}/edit"), format!("/beneficiaries/{id}/export"), format!("/beneficiaries/{id}/export/print")];
        for path in &gets {
            let response = w.viewer.get(path).await;
            assert_eq!(response.status, StatusCode::FORBIDDEN, "{path}");
            assert!(!response.body.contains("Fatoumata"));
        }
        let posts = ["/beneficiaries".to_owned(), format!("/beneficiaries/{id}/edit"), format!("/beneficiaries/{id}/documents"), format!("/beneficiaries/{id}/documents/{doc_id}/delete"), format!("/beneficiaries/{id}/consents"), format!("/beneficiaries/{id}/consents/{doc_id}/withdraw"), format!("/beneficiaries/{id}/erase")];
        for path in &posts {
            assert_eq!(w.viewer.post(path, &[]).await.status, StatusCode::FORBIDDEN, "{path}");
        }
    }

    async fn another_tenant_never_reaches_a_person(db: TestDb) {
        let mut w = world(db).await;
        let id = register_fatoumata(&mut w).await;
        let (doc_id, consent_id) = {
            let mut conn = w.app.db.conn();
            let doc = identity_documents::list_for(&mut conn, &w.tenant, pid(&id)).expect("docs")[0].id.to_string();
            let consent = relais_persistence::models::consents::list_for(&mut conn, &w.tenant, pid(&id)).expect("consents")[0].id.to_string();
            (doc, consent)
        };
        let other = w.app.tenant("Hub Bravo");
        let (_, email) = w.app.member(&other, "admin@bravo.org", TenantRole::TenantAdmin);
        let mut bravo = w.app.client();
        bravo.login(&email, PASSWORD).await;
        for path in [format!("/beneficiaries/{id}"), format!("/beneficiaries/{id}/edit"), format!("/beneficiaries/{id}/export"), format!("/beneficiaries/{id}/export/print"), "/beneficiaries/not-an-id".to_owned()] {
            let response = bravo.get(&path).await;
            assert_eq!(response.status, StatusCode::NOT_FOUND, "{path}");
            assert!(!response.body.contains("Fatoumata") && !response.body.contains(CARD), "{path} leaked");
        }
        let mut edit = person_fields("X", "Y");
        edit.push(("version", "1"));
        let posts: Vec<(String, Vec<(&str, &str)>)> = vec![
            (format!("/beneficiaries/{id}/edit"), edit),
            (format!("/beneficiaries/{id}/documents"), vec![("doc_type", "passport"), ("doc_number", "P1")]),
            (format!("/beneficiaries/{id}/documents/{doc_id}/delete"), vec![]),
            (format!("/beneficiaries/{id}/consents"), vec![("consent_purpose", "photos"), ("consent_channel", "written"), ("consent_language", "fr"), ("consent_given_on", "2025-01-01")]),
            (format!("/beneficiaries/{id}/consents/{consent_id}/withdraw"), vec![]),
            (format!("/beneficiaries/{id}/erase"), vec![("confirm", "yes")]),
        ];
        for (path, fields) in &posts {
            let response = bravo.post(path, fields).await;
            assert!(matches!(response.status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN), "{path}: {}", response.status);
            assert!(!response.body.contains("Fatoumata"), "{path} leaked");
        }
        for path in ["/beneficiaries", "/beneficiaries?q=fatoumata", "/beneficiaries?number=AB123456"] {
            assert!(!bravo.get(path).await.body.contains("Fatoumata"), "{path} leaked");
        }
        // Bravo's own duplicate check does not see Alpha's people.
        let own = bravo.post("/beneficiaries", &person_fields("Fatoumata", "Camara")).await;
        assert_eq!(own.status, StatusCode::SEE_OTHER);
        let mut conn = w.app.db.conn();
        let still = beneficiaries::find(&mut conn, &w.tenant, pid(&id)).expect("untouched");
        assert_eq!((still.given_names.as_str(), still.version), ("Fatoumata", 1));
        assert_eq!(identity_documents::list_for(&mut conn, &w.tenant, pid(&id)).expect("docs").len(), 1);
    }

    async fn the_tenant_admin_sees_who_viewed_the_record(db: TestDb) {
        let mut w = world(db).await;
        let id = register_fatoumata(&mut w).await;
        w.volunteer.get(&format!("/beneficiaries/{id}")).await;
        let worker_page = w.worker.get(&format!("/beneficiaries/{id}")).await;
        assert!(!worker_page.body.contains("id=\"record-audit\""), "only tenant admins see the record's audit");
        let admin_page = w.admin.get(&format!("/beneficiaries/{id}")).await;
        assert!(admin_page.body.contains("id=\"record-audit\""));
        assert!(admin_page.body.contains("beneficiary.viewed") && admin_page.body.contains("beneficiary.created"));
        assert!(admin_page.body.contains("Member volunteer") && admin_page.body.contains("Member caseworker"), "viewers are named");
    }

    async fn bad_input_is_reported_next_to_each_field(db: TestDb) {
        let mut w = world(db).await;
        let mut fields = with_consent_and_card(person_fields("Awa", "Diop"));
        for (key, value) in fields.iter_mut() {
            match *key {
                "birth" => *value = "2999-01-01",
                "region" => *value = "atlantis",
                "phone" => *value = "06 12 AB",
                "doc_expires_on" => *value = "2023-01-01",
                "nationalities" => *value = "SN, XX",
                "household_size_morocco" => *value = "51",
                "regularisation_year" => *value = "2010",
                _ => {}
            }
        }
        let refused = w.worker.post("/beneficiaries", &fields).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        for (field, message) in [
            ("birth", "Cette date est dans le futur."),
            ("region", "Choisissez une valeur dans la liste."),
            ("phone", "Numéro de téléphone invalide"),
            ("doc_expires_on", "expiration est antérieure à la date de délivrance."),
            ("nationalities", "Utilisez des codes pays à deux lettres"),
            ("household_size_morocco", "hors des limites"),
            ("regularisation_year", "hors des limites"),
        ] {
            assert!(refused.body.contains(&format!("id=\"e-{field}\"")), "{field} has a message");
            assert!(refused.body.contains(message), "{field}: {message}");
            assert!(refused.body.contains(&format!("aria-describedby=\"e-{field}\"")) || refused.body.contains(&format!(" e-{field}\"")), "{field} described by its message");
        }
        assert!(refused.body.contains("value=\"Awa\""), "the form is refilled");
        let mut conn = w.app.db.conn();
        assert!(beneficiaries::list(&mut conn, &w.tenant, &Default::default()).expect("list").rows.is_empty());
        drop(conn);

        let id = register_fatoumata(&mut w).await;
        let doc = w.worker.post(&format!("/beneficiaries/{id}/documents"), &[("doc_type", "passport"), ("doc_number", "P-77"), ("doc_issued_on", "2025-02-01"), ("doc_expires_on", "2025-01-01")]).await;
        assert_eq!(doc.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(doc.body.contains("id=\"e-doc_expires_on\"") && doc.body.contains("value=\"P-77\""));
        let consent = w.worker.post(&format!("/beneficiaries/{id}/consents"), &[("consent_purpose", "referral"), ("consent_channel", "oral_witnessed"), ("consent_language", "fr"), ("consent_given_on", "2025-01-01")]).await;
        assert_eq!(consent.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(consent.body.contains("id=\"e-consent_witness\"") && consent.body.contains("id=\"e-consent_partner\""));
        assert_eq!(w.worker.get("/beneficiaries/12345").await.status, StatusCode::NOT_FOUND);
        assert_eq!(w.worker.get(&format!("/beneficiaries/{}", uuid_like())).await.status, StatusCode::NOT_FOUND);
    }

    async fn a_stale_edit_is_refused_and_nothing_is_overwritten(db: TestDb) {
        let mut w = world(db).await;
        let id = register_fatoumata(&mut w).await;
        let form = w.worker.get(&format!("/beneficiaries/{id}/edit")).await;
        assert!(form.body.contains("name=\"version\" value=\"1\""));
        let mut first = person_fields("Fatoumata", "Camara");
        first.retain(|(k, _)| *k != "city");
        first.extend([("city", "Rabat"), ("version", "1")]);
        assert_eq!(w.admin.post(&format!("/beneficiaries/{id}/edit"), &first).await.status, StatusCode::SEE_OTHER);
        let mut second = person_fields("Fatoumata", "Camara");
        second.retain(|(k, _)| *k != "city");
        second.extend([("city", "Tanger"), ("version", "1")]);
        let stale = w.worker.post(&format!("/beneficiaries/{id}/edit"), &second).await;
        assert_eq!(stale.status, StatusCode::CONFLICT);
        assert!(stale.body.contains("autre a modifié cette fiche entre-temps"), "a page-level message");
        assert!(stale.body.contains("value=\"Tanger\""), "the user's input is kept to copy from");
        let mut conn = w.app.db.conn();
        let stored = beneficiaries::find(&mut conn, &w.tenant, pid(&id)).expect("stored");
        assert_eq!((stored.city.as_deref(), stored.version), (Some("Rabat"), 2));
        let updated = audit::list_for_target(&mut conn, &w.tenant, relais_domain::AuditTarget::Beneficiary, &id, 20).expect("audit");
        let event = updated.iter().find(|e| e.action == "beneficiary.updated").expect("audited");
        assert!(event.details.contains("\"city\"") && !event.details.contains("Rabat"));
    }

    async fn export_and_erasure_on_request(db: TestDb) {
        let mut w = world(db).await;
        let id = register_fatoumata(&mut w).await;
        assert_eq!(w.worker.get(&format!("/beneficiaries/{id}/export")).await.status, StatusCode::FORBIDDEN);
        let export = w.admin.get(&format!("/beneficiaries/{id}/export")).await;
        assert_eq!(export.status, StatusCode::OK);
        let disposition = export.headers.get("content-disposition").and_then(|v| v.to_str().ok()).unwrap_or("");
        assert!(disposition.starts_with("attachment;"), "{disposition}");
        let json: serde_json::Value = serde_json::from_str(&export.body).expect("JSON");
        assert_eq!(json["person"]["given_names"], "Fatoumata");
        assert_eq!(json["identity_documents"][0]["number"], CARD);
        assert_eq!(json["consents"][0]["purpose"], "case_management");
        let print = w.admin.get(&format!("/beneficiaries/{id}/export/print")).await;
        assert!(print.status == StatusCode::OK && print.body.contains("Fatoumata") && print.body.contains(CARD));
        assert_eq!(actions(&w).iter().filter(|a| *a == "beneficiary.exported").count(), 2);

        // An open case holds the erasure back.
        let (worker_id, case_id) = {
            let mut conn = w.app.db.conn();
            let worker = relais_persistence::models::users::find_by_email(&mut conn, &relais_domain::EmailAddress::parse("worker@espoir.org").expect("e")).expect("q").expect("u").id;
            let worker: relais_domain::UserId = worker.parse().expect("a user id");
            let case = relais_persistence::models::cases::create(&mut conn, &w.tenant, &relais_persistence::models::cases::NewCase {
                beneficiary_id: id.parse().expect("a person id"),
                pathway: relais_domain::case_file::Pathway::AutoEntrepreneur,
                intake_date: chrono::NaiveDate::from_ymd_opt(2026, 1, 5).expect("date"),
                referral_source: None,
                goals: None,
                created_by: worker,
            }, w.app.clock.now()).expect("case");
            (worker, case.id)
        };
        let page = w.worker.get(&format!("/beneficiaries/{id}")).await;
        assert!(page.body.contains(&format!("href=\"/cases/{case_id}\"")), "the person's cases are listed");
        let unconfirmed = w.admin.post(&format!("/beneficiaries/{id}/erase"), &[]).await;
        assert_eq!(unconfirmed.status, StatusCode::UNPROCESSABLE_ENTITY);
        let refused = w.admin.post(&format!("/beneficiaries/{id}/erase"), &[("confirm", "yes")]).await;
        assert_eq!(refused.status, StatusCode::CONFLICT);
        assert!(refused.body.contains("clôturez-les avant"), "the reason is given");
        {
            let mut conn = w.app.db.conn();
            let before = relais_persistence::models::cases::find(&mut conn, &w.tenant, case_id).expect("case");
            let close = relais_domain::case_file::transition(before.status, relais_domain::case_file::CaseStatus::Closed, Some(relais_domain::case_file::CloseReason::GoalReached)).expect("allowed");
            relais_persistence::models::cases::change_status(&mut conn, &w.tenant, &before, close, worker_id, w.app.clock.now()).expect("closed");
        }
        let erased = w.admin.post(&format!("/beneficiaries/{id}/erase"), &[("confirm", "yes")]).await;
        assert_eq!(erased.status, StatusCode::SEE_OTHER);

        // Nothing personal is left in the database.
        let mut conn = w.app.db.conn();
        let row = beneficiaries::find(&mut conn, &w.tenant, pid(&id)).expect("the row stays");
        assert_eq!((row.given_names.as_str(), row.family_names.as_str(), row.name_key.as_str()), (beneficiaries::ERASED_PLACEHOLDER, beneficiaries::ERASED_PLACEHOLDER, ""));
        assert_eq!((row.arabic_name, row.birth_date, row.phone, row.whatsapp, row.email, row.city), (None, None, None, None, None, None));
        assert_eq!((row.previous_occupation, row.skills, row.languages.as_str()), (None, None, ""));
        assert_eq!((row.birth_year, row.sex.as_str(), row.nationalities.as_str()), (Some(1990), "female", "SN,CI"), "statistics kept");
        assert!(row.erased_at.is_some());
        let docs = identity_documents::list_for(&mut conn, &w.tenant, pid(&id)).expect("docs");
        assert!(docs.iter().all(|d| d.number == beneficiaries::ERASED_PLACEHOLDER && d.number_key.is_empty() && d.expires_on.is_none()));
        drop(conn);
        assert!(actions(&w).iter().any(|a| a == "beneficiary.erased"));
        let after = w.admin.get(&format!("/beneficiaries/{id}")).await;
        assert!(!after.body.contains("Fatoumata") && !after.body.contains(CARD) && !after.body.contains("+212612345678"));
        assert!(!w.admin.get("/beneficiaries").await.body.contains(&id));
    }

    async fn consents_are_recorded_and_withdrawn(db: TestDb) {
        let mut w = world(db).await;
        let id = register_fatoumata(&mut w).await;
        let recorded = w.volunteer.post(&format!("/beneficiaries/{id}/consents"), &[("consent_purpose", "photos"), ("consent_channel", "oral_witnessed"), ("consent_language", "ar"), ("consent_given_on", "2025-02-01"), ("consent_witness", "Awa Ndiaye")]).await;
        assert_eq!(recorded.status, StatusCode::SEE_OTHER);
        let consent_id = {
            let mut conn = w.app.db.conn();
            relais_persistence::models::consents::list_for(&mut conn, &w.tenant, pid(&id)).expect("consents").into_iter().find(|c| c.purpose == "photos").expect("photos").id.to_string()
        };
        let withdrawn = w.worker.post(&format!("/beneficiaries/{id}/consents/{consent_id}/withdraw"), &[]).await;
        assert_eq!(withdrawn.status, StatusCode::SEE_OTHER);
        assert_eq!(w.worker.post(&format!("/beneficiaries/{id}/consents/{consent_id}/withdraw"), &[]).await.status, StatusCode::CONFLICT);
        let logged = actions(&w);
        assert!(logged.iter().any(|a| a == "consent.withdrawn"));
        let page = w.worker.get(&format!("/beneficiaries/{id}")).await;
        assert!(page.body.contains("Retiré le"));
    }

    async fn snapshots_of_the_new_person_form_and_the_person_page(db: TestDb) {
        let mut w = world(db).await;
        let id = register_fatoumata(&mut w).await;
        let today = w.app.clock.now().date().format("%Y-%m-%d").to_string();
        let real_today = relais_persistence::now().date().format("%Y-%m-%d").to_string();
        let redact = |html: &str| stable(html).replace(&today, "[today]").replace(&real_today, "[today]");
        for lang in ["fr", "ar"] {
            w.worker.post("/language", &[("lang", lang)]).await;
            let form = w.worker.get("/beneficiaries/new").await;
            assert_eq!(form.status, StatusCode::OK);
            insta::assert_snapshot!(format!("new_person_{lang}"), redact(&form.body));
            let page = w.worker.get(&format!("/beneficiaries/{id}")).await;
            assert_eq!(page.status, StatusCode::OK);
            insta::assert_snapshot!(format!("person_page_{lang}"), redact(&page.body));
        }
    }
}

/// A person id from a page's URL.
fn pid(id: &str) -> relais_domain::BeneficiaryId {
    id.parse().expect("a person id")
}

fn uuid_like() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// Every key this area builds from a prefix and a closed list exists in every language.
#[test]
fn every_built_translation_key_exists_in_every_language() {
    use relais_domain::beneficiary::{ConsentChannel, ConsentPurpose, DocumentType, EducationLevel, Sex};
    let catalog = relais_i18n::Catalog::embedded();
    let mut keys: Vec<String> = Vec::new();
    keys.extend(Sex::ALL.iter().map(|v| format!("ben-sex-{v}")));
    keys.extend(DocumentType::ALL.iter().map(|v| format!("ben-doc-type-{v}")));
    keys.extend(ConsentPurpose::ALL.iter().map(|v| format!("ben-purpose-{v}")));
    keys.extend(ConsentChannel::ALL.iter().map(|v| format!("ben-channel-{v}")));
    keys.extend(EducationLevel::ALL.iter().map(|v| format!("ben-education-{v}")));
    keys.extend(relais_domain::case_file::Pathway::ALL.iter().map(|v| format!("ben-pathway-{v}")));
    keys.extend(relais_domain::case_file::CaseStatus::ALL.iter().map(|v| format!("ben-case-status-{v}")));
    keys.extend(
        ["same_name", "similar_name_same_birth_year", "same_document"].iter().map(|v| format!("ben-reason-{v}")),
    );
    keys.extend(
        ["created", "updated", "document_added", "document_removed", "consent_recorded", "consent_withdrawn", "erased"]
            .iter()
            .map(|v| format!("ben-done-{v}")),
    );
    let missing: Vec<_> = keys.iter().filter(|k| !catalog.has_everywhere(k)).collect();
    assert!(missing.is_empty(), "missing: {missing:?}");
}
