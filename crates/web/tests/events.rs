//! Outreach pages through the real router on both backends: a volunteer
//! plans a session that took place, marks three people present (one found
//! by the search, one registered at the door, one matched after the
//! duplicate check), adds a head-count; bad input answers 422 in French; a
//! viewer sees the figures and nothing with a name; another tenant does not
//! find the event; page snapshots.

mod common;

use axum::http::StatusCode;
use common::{PASSWORD, TestApp, stable};
use relais_domain::TenantRole;
use relais_domain::beneficiary::Sex;
use relais_persistence::TenantScope;
use relais_persistence::models::beneficiaries::{self, BeneficiaryFields};
use relais_test_support::backend_tests_async;

/// A person of a tenant (registered through the beneficiaries module).
fn person(app: &TestApp, scope: &TenantScope, given: &str, family: &str, sex: Sex) -> String {
    let mut conn = app.db.conn();
    let fields = BeneficiaryFields {
        given_names: given.into(),
        family_names: family.into(),
        arabic_name: None,
        sex,
        birth_date: None,
        birth_year: None,
        nationalities: vec!["SN".into()],
        languages: Vec::new(),
        phone: None,
        whatsapp: None,
        email: None,
        city: Some("Rabat".into()),
        region: None,
        household_size_morocco: None,
        household_size_origin: None,
        education_level: None,
        previous_occupation: None,
        skills: None,
        regularisation_year: None,
    };
    beneficiaries::create(&mut conn, scope, &fields, None, relais_persistence::now()).expect("person").id.to_string()
}

async fn signed_in(app: &TestApp, email: &str, lang: &'static str) -> common::Client {
    let mut client = app.client();
    client.lang = Some(lang);
    assert_eq!(client.login(email, PASSWORD).await.status, StatusCode::SEE_OTHER);
    client
}

/// The event id of a redirect to `/events/{id}#…`.
fn event_id(location: Option<&str>) -> String {
    let location = location.expect("a redirect");
    location.trim_start_matches("/events/").split('#').next().expect("id").to_owned()
}

backend_tests_async! {
    async fn a_volunteer_records_a_session_and_its_attendance_at_the_door(db: TestDb) {
        let app = TestApp::new(db).await;
        let tenant = app.tenant("Association Espoir");
        let other = app.tenant("Association Bravo");
        let (_, volunteer) = app.member(&tenant, "benevole@espoir.org", TenantRole::Volunteer);
        let (_, viewer) = app.member(&tenant, "suivi@espoir.org", TenantRole::Viewer);
        let (_, stranger) = app.member(&other, "benevole@bravo.org", TenantRole::Volunteer);
        let aminata = person(&app, &tenant, "Aminata", "Sow", Sex::Female);
        let fatou = person(&app, &tenant, "Fatou", "Diallo", Sex::Female);
        let day = (app.clock.now().date() - chrono::Duration::days(5)).format("%Y-%m-%d").to_string();

        let mut client = signed_in(&app, &volunteer, "fr").await;
        assert!(client.get("/home").await.body.contains("href=\"/events\""), "Events in the navigation");
        assert_eq!(client.get("/events/new").await.status, StatusCode::OK);

        // Bad input: the form comes back with the field messages, in French.
        let refused = client.post("/events", &[("title", " "), ("kind", "information_session"), ("start_date", "hier"), ("region", "rabat_sale_kenitra"), ("status", "held")]).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.body.contains("Ce champ est obligatoire."), "{}", refused.body);
        assert!(refused.body.contains("Saisissez une date au format AAAA-MM-JJ."));
        assert!(refused.body.contains("Cochez au moins un thème pour une séance d&#x27;information.") || refused.body.contains("Cochez au moins un thème"));

        // A session that took place five days ago, typed in after the fact.
        let created = client.post("/events", &[
            ("title", "Séance AE Takaddoum"), ("kind", "information_session"), ("topic-self_employment", "on"),
            ("start_date", day.as_str()), ("city", "Rabat"), ("region", "rabat_sale_kenitra"), ("languages", "français, wolof"),
            ("notes", "Salle de la maison de quartier"), ("status", "held"),
        ]).await;
        assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
        let id = event_id(created.location());
        let page = format!("/events/{id}");

        // 1. Found by the search at the door, marked present.
        let search = client.get(&format!("{page}?q=amin")).await;
        assert_eq!(search.status, StatusCode::OK);
        assert!(search.body.contains("Aminata") && search.body.contains(&aminata));
        let marked = client.post(&format!("{page}/attendance"), &[("person", aminata.as_str())]).await;
        assert_eq!(marked.status, StatusCode::SEE_OTHER);
        assert_eq!(marked.location(), Some(format!("{page}#door").as_str()));
        // A second mark is the same mark.
        assert_eq!(client.post(&format!("{page}/attendance"), &[("person", aminata.as_str())]).await.status, StatusCode::SEE_OTHER);

        let door_page = client.get(&format!("{page}/door")).await;
        assert_eq!(door_page.location(), Some(format!("{page}#door").as_str()));
        // 2. Registered at the door with the consent tick, marked present in one step.
        let no_consent = client.post(&format!("{page}/door"), &[("given_names", "Moussa"), ("family_names", "Traoré"), ("sex", "male"), ("consent_channel", "written")]).await;
        assert_eq!(no_consent.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(no_consent.body.contains("Cochez le consentement de la personne pour l&#x27;enregistrer.") || no_consent.body.contains("Cochez le consentement"));
        let door = client.post(&format!("{page}/door"), &[
            ("given_names", "Moussa"), ("family_names", "Traoré"), ("sex", "male"), ("phone", "+212 600 000 001"),
            ("consent", "1"), ("consent_channel", "written"), ("interest-auto_entrepreneur", "on"),
        ]).await;
        assert_eq!(door.status, StatusCode::SEE_OTHER, "{}", door.body);

        // Marked absent with an interest, then found again and marked present: the interest stays.
        let absent = [("person", fatou.as_str()), ("status", "absent"), ("interest-employment", "on"), ("from", "attendance")];
        assert_eq!(client.post(&format!("{page}/attendance"), &absent).await.status, StatusCode::SEE_OTHER);
        let found = client.get(&format!("{page}?q=fatou")).await.body;
        assert!(found.contains("name=\"interest-employment\" value=\"on\""), "{found}");

        // 3. A duplicate is shown, then matched ("this is the person").
        let duplicate = client.post(&format!("{page}/door"), &[
            ("given_names", "Fatou"), ("family_names", "Diallo"), ("sex", "female"), ("consent", "1"), ("consent_channel", "written"),
        ]).await;
        assert_eq!(duplicate.status, StatusCode::CONFLICT);
        assert!(duplicate.body.contains("est cette personne"), "{}", duplicate.body);
        assert!(duplicate.body.contains(&fatou) && duplicate.body.contains("Inscrire quand même"));
        assert!(duplicate.body.contains("name=\"interest-employment\" value=\"on\""), "the mark's interest is kept");
        let matched = [("person", fatou.as_str()), ("interest-employment", "on")];
        assert_eq!(client.post(&format!("{page}/attendance"), &matched).await.status, StatusCode::SEE_OTHER);

        // A head-count; a negative number writes nothing.
        let bad_tally = client.post(&format!("{page}/tallies"), &[("label", "Souk"), ("cell-female-18_24", "-3")]).await;
        assert_eq!(bad_tally.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad_tally.body.contains("Chaque nombre doit être un entier entre 0 et 100"));
        let tally = client.post(&format!("{page}/tallies"), &[("label", "Souk du dimanche"), ("cell-female-18_24", "12"), ("cell-male-25_34", "7")]).await;
        assert_eq!(tally.status, StatusCode::SEE_OTHER);

        let shown = client.get(&page).await;
        assert_eq!(shown.status, StatusCode::OK);
        assert!(shown.body.contains("3 personnes présentes"), "{}", shown.body);
        assert!(shown.body.contains("Moussa") && shown.body.contains("Devenir auto-entrepreneur"));
        assert!(shown.body.contains("19 personnes comptées"));
        insta::assert_snapshot!("event_page_fr", stable(&shown.body).replace(&day, "[date]"));
        client.lang = Some("ar");
        let arabic = client.get(&page).await;
        assert!(arabic.body.contains("dir=\"rtl\"") && arabic.body.contains("الاستقبال عند المدخل"));
        insta::assert_snapshot!("event_page_ar", stable(&arabic.body).replace(&day, "[date]"));
        client.lang = Some("fr");

        // The person's page lists the events attended.
        let person_page = client.get(&format!("/beneficiaries/{aminata}")).await;
        assert!(person_page.body.contains("Évènements suivis") && person_page.body.contains("Séance AE Takaddoum"));

        // The list with the figures of a fixed period.
        let list = client.get("/events?from=2000-01-01&to=2099-12-31").await;
        assert_eq!(list.status, StatusCode::OK);
        assert!(list.body.contains("Séance AE Takaddoum"));
        insta::assert_snapshot!("event_list_fr", stable(&list.body).replace(&day, "[date]"));
        assert!(client.get("/events?when=past").await.body.contains("Séance AE Takaddoum"));
        let upcoming = client.get("/events?when=upcoming").await;
        assert!(upcoming.body.contains("aria-current=\"page\" class=\"tab current\">À venir"));
        assert!(!upcoming.body.contains("Séance AE Takaddoum"));

        // Status change: held → planned is allowed, then planned → held again.
        let version = shown.body.split("name=\"version\" value=\"").nth(1).and_then(|v| v.split('"').next()).expect("version").to_owned();
        let back = client.post(&format!("{page}/status"), &[("status", "planned"), ("version", version.as_str())]).await;
        assert_eq!(back.status, StatusCode::SEE_OTHER);
        let stale = client.post(&format!("{page}/status"), &[("status", "held"), ("version", version.as_str())]).await;
        assert_eq!(stale.status, StatusCode::CONFLICT);

        // A viewer sees the figures, no names, and may not record.
        let mut viewer = signed_in(&app, &viewer, "fr").await;
        let figures = viewer.get("/events?from=2000-01-01&to=2099-12-31").await;
        assert_eq!(figures.status, StatusCode::OK);
        assert!(figures.body.contains("Personnes informées"));
        assert!(!figures.body.contains("Séance AE Takaddoum") && !figures.body.contains("Aminata"));
        assert_eq!(viewer.get(&page).await.status, StatusCode::FORBIDDEN);
        assert_eq!(viewer.post(&format!("{page}/attendance"), &[("person", aminata.as_str())]).await.status, StatusCode::FORBIDDEN);

        // Another tenant does not find the event.
        let mut stranger = signed_in(&app, &stranger, "fr").await;
        assert_eq!(stranger.get(&page).await.status, StatusCode::NOT_FOUND);
        assert_eq!(stranger.post(&format!("{page}/attendance"), &[("person", aminata.as_str())]).await.status, StatusCode::NOT_FOUND);
        assert_eq!(stranger.post(&format!("{page}/tallies"), &[("cell-female-18_24", "1")]).await.status, StatusCode::NOT_FOUND);
        let theirs = stranger.get("/events").await;
        assert!(!theirs.body.contains("Séance AE Takaddoum"));
    }

    async fn participants_are_listed_and_marked_at_a_training(db: TestDb) {
        let app = TestApp::new(db).await;
        let tenant = app.tenant("ONG Coordination");
        let (_, caseworker) = app.member(&tenant, "coord@ong.org", TenantRole::Caseworker);
        let mut client = signed_in(&app, &caseworker, "fr").await;
        let bad = client.post("/participants", &[("full_name", ""), ("sex", "female")]).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.body.contains("Ce champ est obligatoire."));
        let created = client.post("/participants", &[("full_name", "Khadija Alaoui"), ("institution_name", "Agence pour l'emploi"), ("job_title", "Conseillère"), ("sex", "female")]).await;
        assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
        let participant = created.location().expect("to the participant").trim_start_matches("/participants/").to_owned();
        assert!(client.get("/participants").await.body.contains("Khadija Alaoui"));
        let day = (app.clock.now().date() - chrono::Duration::days(1)).format("%Y-%m-%d").to_string();
        let training = client.post("/events", &[
            ("title", "Formation des conseillers"), ("kind", "training"), ("audience", "officials"),
            ("start_date", day.as_str()), ("region", "rabat_sale_kenitra"), ("status", "held"),
        ]).await;
        assert_eq!(training.status, StatusCode::SEE_OTHER, "{}", training.body);
        let id = event_id(training.location());
        let marked = client.post(&format!("/events/{id}/participants"), &[("participant", participant.as_str()), ("status", "present")]).await;
        assert_eq!(marked.status, StatusCode::SEE_OTHER);
        assert!(client.get(&format!("/events/{id}")).await.body.contains("Khadija Alaoui"));
        assert!(client.get(&format!("/participants/{participant}")).await.body.contains("Formation des conseillers"));
        let figures = client.get("/events?from=2000-01-01&to=2099-12-31").await.body;
        assert!(figures.contains("Responsables formés"));
    }

    async fn an_interest_ticked_at_a_session_opens_a_follow_up_case(db: TestDb) {
        let app = TestApp::new(db).await;
        let tenant = app.tenant("Agence pour l'emploi");
        let (_, caseworker) = app.member(&tenant, "conseil@agence.org", TenantRole::Caseworker);
        let (_, volunteer) = app.member(&tenant, "benevole@agence.org", TenantRole::Volunteer);
        let awa = person(&app, &tenant, "Awa", "Ndiaye", Sex::Female);
        let day = app.clock.now().date().format("%Y-%m-%d").to_string();
        let mut client = signed_in(&app, &caseworker, "fr").await;
        let created = client
            .post("/events", &[
                ("title", "Séance du jour"), ("kind", "information_session"), ("topic-self_employment", "on"),
                ("start_date", day.as_str()), ("region", "rabat_sale_kenitra"), ("status", "planned"),
            ])
            .await;
        assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
        let page = format!("/events/{}", event_id(created.location()));
        let marked = client
            .post(&format!("{page}/attendance"), &[("person", awa.as_str()), ("interest-auto_entrepreneur", "on"), ("interest-other", "on")])
            .await;
        assert_eq!(marked.status, StatusCode::SEE_OTHER);
        let shown = client.get(&page).await.body;
        assert!(shown.contains("Ouvrir un dossier · Auto-entrepreneur"), "{shown}");
        let follow_up = format!("{page}/attendance/{awa}/follow-up");
        // An interest the person did not tick opens nothing.
        assert_eq!(client.post(&follow_up, &[("interest", "employment")]).await.status, StatusCode::NOT_FOUND);
        let other = client.post(&follow_up, &[("interest", "other")]).await;
        assert_eq!(other.status, StatusCode::UNPROCESSABLE_ENTITY);
        let opened = client.post(&follow_up, &[("interest", "auto_entrepreneur")]).await;
        assert_eq!(opened.status, StatusCode::SEE_OTHER, "{}", opened.body);
        let case = opened.location().expect("to the case").to_owned();
        assert!(case.starts_with("/cases/"));
        let case_page = client.get(&case).await.body;
        assert!(case_page.contains("Auto-entrepreneur") && case_page.contains("Séance du jour") && case_page.contains("Awa"));
        // Volunteers record attendance but do not open cases.
        let mut volunteer = signed_in(&app, &volunteer, "fr").await;
        assert!(!volunteer.get(&page).await.body.contains("Ouvrir un dossier"));
        assert_eq!(volunteer.post(&follow_up, &[("interest", "auto_entrepreneur")]).await.status, StatusCode::FORBIDDEN);
    }

    async fn a_co_organiser_sees_the_event_and_only_its_own_attendees(db: TestDb) {
        let app = TestApp::new(db).await;
        let a = app.tenant("Association Espoir");
        let b = app.tenant("Association Bravo");
        let (_, a_volunteer) = app.member(&a, "benevole@espoir.org", TenantRole::Volunteer);
        let (_, b_volunteer) = app.member(&b, "benevole@bravo.org", TenantRole::Volunteer);
        let awa = person(&app, &a, "Awa", "Ndiaye", Sex::Female);
        let binta = person(&app, &b, "Binta", "Camara", Sex::Female);
        let day = (app.clock.now().date() - chrono::Duration::days(2)).format("%Y-%m-%d").to_string();
        let mut client = signed_in(&app, &a_volunteer, "fr").await;
        let co_tenant = format!("co_tenant-{}", b.tenant_id());
        let created = client
            .post("/events", &[
                ("title", "Campagne au souk"), ("kind", "field_campaign"), ("start_date", day.as_str()),
                ("region", "rabat_sale_kenitra"), ("status", "held"), (co_tenant.as_str(), "on"),
            ])
            .await;
        assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
        let id = event_id(created.location());
        let page = format!("/events/{id}");
        assert_eq!(client.post(&format!("{page}/attendance"), &[("person", awa.as_str())]).await.status, StatusCode::SEE_OTHER);

        // Editing: the form shows the event; a stale form is refused and changes nothing.
        let form = client.get(&format!("{page}/edit")).await;
        assert_eq!(form.status, StatusCode::OK);
        assert!(form.body.contains("Campagne au souk") && form.body.contains("Association Bravo"));
        let edit = [
            ("title", "Campagne au souk de Takaddoum"), ("kind", "field_campaign"), ("start_date", day.as_str()),
            ("region", "rabat_sale_kenitra"), (co_tenant.as_str(), "on"), ("version", "1"),
        ];
        assert_eq!(client.post(&format!("{page}/edit"), &edit).await.status, StatusCode::SEE_OTHER);
        let stale = client.post(&format!("{page}/edit"), &edit).await;
        assert_eq!(stale.status, StatusCode::CONFLICT);
        assert!(stale.body.contains("a modifié cet enregistrement entre-temps"));

        // The co-organiser reads the event, records its own people, never sees the other's.
        let mut other = signed_in(&app, &b_volunteer, "fr").await;
        let seen = other.get(&page).await;
        assert_eq!(seen.status, StatusCode::OK);
        assert!(seen.body.contains("Campagne au souk de Takaddoum") && !seen.body.contains("Awa"));
        assert!(!seen.body.contains(&format!("{page}/edit")) && !seen.body.contains("/status\""));
        assert_eq!(other.get(&format!("{page}/edit")).await.status, StatusCode::NOT_FOUND);
        assert_eq!(other.post(&format!("{page}/attendance"), &[("person", awa.as_str())]).await.status, StatusCode::NOT_FOUND);
        assert_eq!(other.post(&format!("{page}/attendance"), &[("person", binta.as_str())]).await.status, StatusCode::SEE_OTHER);
        let theirs = other.get(&page).await.body;
        assert!(theirs.contains("Binta") && !theirs.contains("Awa"));
        assert!(!client.get(&page).await.body.contains("Binta"));
        assert!(other.get("/events").await.body.contains("Co-organisé"));
    }

    async fn the_list_pages_with_a_more_link(db: TestDb) {
        let app = TestApp::new(db).await;
        let tenant = app.tenant("Association Espoir");
        let (_, volunteer) = app.member(&tenant, "benevole@espoir.org", TenantRole::Volunteer);
        let mut client = signed_in(&app, &volunteer, "fr").await;
        let start = app.clock.now().date() - chrono::Duration::days(60);
        for n in 0..52 {
            let day = (start + chrono::Duration::days(n)).format("%Y-%m-%d").to_string();
            let title = format!("Séance n° {n:02}");
            let created = client
                .post("/events", &[
                    ("title", title.as_str()), ("kind", "information_session"), ("topic-rights", "on"),
                    ("start_date", day.as_str()), ("region", "rabat_sale_kenitra"), ("status", "held"),
                ])
                .await;
            assert_eq!(created.status, StatusCode::SEE_OTHER);
        }
        let first = client.get("/events?when=past").await.body;
        assert!(first.contains("Séance n° 51") && !first.contains("Séance n° 01"));
        let start = first.find("rel=\"next\"").and_then(|i| first[..i].rfind("href=\"")).expect("a more link") + 6;
        let next = first[start..].split('"').next().expect("url").replace("&amp;", "&");
        let second = client.get(&next).await.body;
        assert!(second.contains("Séance n° 00") && second.contains("Séance n° 01") && !second.contains("Séance n° 51"));
        assert!(!second.contains("rel=\"next\""));
    }
}
