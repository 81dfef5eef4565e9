//! The case list's caseworker filter in a large team: above 40 caseworkers
//! the menu of names gives way to a name field, matched without accents,
//! case or word order; a name matching several people offers them, one
//! matching nobody says so. Both backends, through the real router.

mod common;

use axum::http::StatusCode;
use common::{PASSWORD, TestApp};
use relais_domain::{MembershipStatus, TenantRole};
use relais_persistence::TenantScope;
use relais_persistence::models::{cases, memberships};
use relais_test_support::{backend_tests_async, fixtures};

fn worker(app: &TestApp, scope: &TenantScope, email: &str, name: &str) -> String {
    let (id, _) = app.user(email, name);
    let mut conn = app.db.conn();
    memberships::create(
        &mut conn,
        scope,
        &id,
        TenantRole::Caseworker,
        MembershipStatus::Active,
        relais_persistence::now(),
    )
    .expect("member");
    id
}

backend_tests_async! {
    async fn a_large_team_filters_cases_by_a_typed_name(db: TestDb) {
        let app = TestApp::new(db).await;
        let tenant = app.tenant("Agence de l'emploi");
        let me = worker(&app, &tenant, "lead@agence.ma", "Yasmine Lead");
        for i in 0..40 {
            worker(&app, &tenant, &format!("cw{i}@agence.ma"), &format!("Conseiller {i:02}"));
        }
        let zineb = worker(&app, &tenant, "zineb@agence.ma", "Zineb El Ouazzani");
        worker(&app, &tenant, "karim1@agence.ma", "Karim Alaoui");
        worker(&app, &tenant, "karim2@agence.ma", "Karim Tazi");
        let (zineb_case, other_case) = {
            let mut conn = app.db.conn();
            let (_, zineb_case) = fixtures::person_with_case(&mut conn, &tenant, &zineb, "open");
            let (_, other_case) = fixtures::person_with_case(&mut conn, &tenant, &me, "open");
            assert!(cases::has_more_workers_than(&mut conn, &tenant, 40).expect("count"));
            (zineb_case, other_case)
        };
        let mut client = app.client();
        client.lang = Some("fr");
        assert_eq!(client.login("lead@agence.ma", PASSWORD).await.status, StatusCode::SEE_OTHER);

        let all = client.get("/cases").await;
        assert_eq!(all.status, StatusCode::OK);
        assert!(all.body.contains("id=\"q-who\"") && !all.body.contains("id=\"q-assignee\""), "no menu of 44 names");
        assert!(all.body.contains(&zineb_case) && all.body.contains(&other_case));

        // Accents, case and word order do not matter; one match filters the list.
        let one = client.get("/cases?who=ouazzani+ZINEB").await.body;
        assert!(one.contains(&zineb_case) && !one.contains(&other_case), "only Zineb's case");
        assert!(one.contains("value=\"Zineb El Ouazzani\""), "the field shows whom the list is filtered on");

        // Several matches: they are offered, and no case is listed until one is chosen.
        let several = client.get("/cases?who=karim").await.body;
        assert!(several.contains("Karim Alaoui") && several.contains("Karim Tazi"));
        assert!(several.contains("/cases?assignee="), "each match is a link");
        assert!(!several.contains(&zineb_case) && !several.contains(&other_case));

        // Nobody: a message, no cases.
        let none = client.get("/cases?who=inconnu").await.body;
        assert!(none.contains("Aucun·e chargé·e de suivi ne porte ce nom."));
        assert!(!none.contains(&zineb_case) && !none.contains(&other_case));

        // A chosen caseworker by id (the links above) filters too.
        let by_id = client.get(&format!("/cases?assignee={zineb}")).await.body;
        assert!(by_id.contains(&zineb_case) && !by_id.contains(&other_case));
    }
}
