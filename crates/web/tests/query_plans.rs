//! Every statement the hot pages run uses an index, on both backends.
//!
//! The real router serves the hot pages (sign-in, my work, the case list
//! with its filters and a second page, a person, a case, a note and an edit
//! of a case, the people list with a search and a second page, the referral
//! inbox and the sent list, a referral from both sides, the referral
//! dashboard of both sides) while
//! diesel's instrumentation records every statement; each distinct
//! statement is then planned by the database itself (`common/plans.rs` says
//! how each backend's plan is read). The test fails, listing statement and
//! plan, when:
//!
//! - a plan reads a whole table, or walks a whole index, that is not on the
//!   short allow-list below (both backends);
//! - a plan reads a whole slice of one tenant's rows when the page needs
//!   fewer: a list sorted after reading instead of read in index order up
//!   to its LIMIT, a lookup by tenant (and status or pathway) alone (SQLite,
//!   whose rule-based plans are stable; PostgreSQL's cost-based choices on
//!   near-empty tables are not);
//! - the second page of the case or people list does not start at its cursor in the index;
//! - one page runs the same statement three times or more (a query per row).
//!
//! Run with `--nocapture` to see every statement with its plan.

mod common;
#[path = "common/plans.rs"]
mod plans;

use axum::http::StatusCode;
use chrono::Duration;
use common::{PASSWORD, TestApp};
use plans::HotPath;
use relais_domain::beneficiary::{ConsentChannel, ConsentPurpose, Sex};
use relais_domain::directory::ServiceCategory;
use relais_domain::{EmailAddress, Language, Region, TenantRole};
use relais_persistence::TenantScope;
use relais_persistence::models::beneficiaries::{self, BeneficiaryFields};
use relais_persistence::models::cases::{self, CaseFilter};
use relais_persistence::models::consents;
use relais_persistence::models::directory::{self, Owner, ServiceFields};
use relais_test_support::TestDb;

/// Tables a hot statement may read whole, and why. Every other table fails
/// the test when read whole: the tenant-owned tables (those with a
/// `tenant_id`), and the network-level tables that grow with use (users,
/// sessions, referrals and their comments and events, the directory).
const ALLOWED_TABLES: &[(&str, &str)] = &[
    ("tenants", "a few dozen partner organisations of one network"),
    ("authz_version", "a single row"),
    ("casbin_rule", "the role policies, read whole by the enforcer only when the authz version moved"),
    ("__diesel_schema_migrations", "one row per migration, read by the readiness check"),
];

/// Tables whose rows of one tenant a hot statement may read whole, and why.
const ALLOWED_TENANT_TABLES: &[(&str, &str)] =
    &[("memberships", "a tenant's members (tens): the assignable workers and the members are listed whole")];

/// Statements that read more than an index lookup by design (an SQL
/// fragment without quotes), and why. Each must still be run by a hot page.
const ALLOWED_STATEMENTS: &[(&str, &str)] = &[
    (
        "beneficiaries.name_key LIKE",
        "name search: each token must start a word of name_key (LIKE 'tok%' OR LIKE '% tok%'), which no B-tree \
         serves; the tenant's name index is walked in order and the walk stops at the page's 51st match",
    ),
    (
        "SELECT referrals.status, COUNT(*) FROM referrals",
        "the dashboard tab (not the inbox tabs) counts the tenant's referrals by status over all time, from the \
         covering (…_tenant_id, status, …) index alone; its medians are an index range on (…_tenant_id, \
         answered_at) over the last 90 days and need no entry here",
    ),
];

const ALLOW: plans::AllowList<'static> =
    plans::AllowList { tables: ALLOWED_TABLES, tenant_tables: ALLOWED_TENANT_TABLES, statements: ALLOWED_STATEMENTS };

/// A person of the tenant.
fn person(app: &TestApp, scope: &TenantScope, given: &str, family: &str) -> String {
    let fields = BeneficiaryFields {
        given_names: given.into(),
        family_names: family.into(),
        arabic_name: None,
        sex: Sex::Female,
        birth_date: None,
        birth_year: Some(1991),
        nationalities: vec!["SN".into()],
        languages: vec!["fr".into()],
        phone: None,
        whatsapp: None,
        email: None,
        city: Some("Rabat".into()),
        region: Some(Region::RabatSaleKenitra),
        household_size_morocco: None,
        household_size_origin: None,
        education_level: None,
        previous_occupation: None,
        skills: None,
        regularisation_year: None,
    };
    beneficiaries::create(&mut app.db.conn(), scope, &fields, None, relais_persistence::now())
        .expect("person")
        .id
        .to_string()
}

/// A service of the receiving tenant.
fn service(app: &TestApp, owner: &TenantScope) -> String {
    let fields = ServiceFields {
        name_fr: "Pré-incubation".into(),
        name_ar: None,
        name_en: None,
        description_fr: "Accompagnement des porteurs de projet".into(),
        description_ar: None,
        description_en: None,
        category: Some(ServiceCategory::EntrepreneurshipTraining),
        eligibility: None,
        languages: vec![Language::Fr],
        regions: vec![Region::RabatSaleKenitra],
        cities: None,
        address: None,
        opening_hours: None,
        focal_point_email: Some(EmailAddress::parse("focal@incubator.example").expect("valid")),
        response_days: 5,
        intake_open: true,
        last_verified_on: None,
    };
    directory::create_service(&mut app.db.conn(), Owner::Tenant(owner), &fields, relais_persistence::now())
        .expect("service")
        .id
        .to_string()
}

fn referral_consent(app: &TestApp, scope: &TenantScope, person: &str, partner: &TenantScope) {
    let consent = consents::NewConsent {
        purpose: ConsentPurpose::Referral,
        partner_tenant_id: Some(partner.tenant_id()),
        service_ref: None,
        channel: ConsentChannel::Written,
        language: Language::Fr,
        given_on: relais_persistence::now().date() - Duration::days(3),
        expires_on: None,
        witness: None,
    };
    let person = person.parse().expect("a person id");
    consents::record(&mut app.db.conn(), scope, person, &consent, None, relais_persistence::now()).expect("consent");
}

async fn signed_in(app: &TestApp, email: &str) -> common::Client {
    let mut client = app.client();
    client.lang = Some("fr");
    assert_eq!(client.login(email, PASSWORD).await.status, StatusCode::SEE_OTHER);
    client
}

/// Fails unless the page answered as expected (so its statements are the page's real work).
fn answered(label: &str, response: &common::Response, expected: StatusCode) {
    assert_eq!(response.status, expected, "{label}: {}", response.body);
}

async fn hot_pages(db: TestDb) {
    let app = TestApp::new(db).await;
    let association = app.tenant("Association Amal");
    let incubator = app.tenant("Incubateur Ribat");
    let (a_id, a_email) = app.member(&association, "a@association.example", TenantRole::Caseworker);
    app.member(&association, "admin@association.example", TenantRole::TenantAdmin);
    let (_, b_email) = app.member(&incubator, "b@incubator.example", TenantRole::Caseworker);
    let service = service(&app, &incubator);

    // A few people and cases, a note, a task and a referral received by the incubator.
    let mut a = signed_in(&app, &a_email).await;
    let mut case_ids = Vec::new();
    for (given, family) in [("Aminata", "Diallo"), ("Awa", "Sow"), ("Fatou", "Ndiaye")] {
        let id = person(&app, &association, given, family);
        let assign = format!("assign-{a_id}");
        let fields = [("beneficiary", id.as_str()), ("pathway", "auto_entrepreneur"), ("intake_date", "2026-11-02")];
        let mut fields = fields.to_vec();
        fields.push((assign.as_str(), "on"));
        let created = a.post("/cases", &fields).await;
        answered("open a case", &created, StatusCode::SEE_OTHER);
        let location = created.location().expect("to the case").to_owned();
        case_ids.push((id, location.trim_start_matches("/cases/").split('#').next().expect("id").to_owned()));
    }
    let (person_id, case_id) = case_ids[0].clone();
    referral_consent(&app, &association, &person_id, &incubator);
    let note = [("body", "Premier entretien"), ("visibility", "normal")];
    answered("a note", &a.post(&format!("/cases/{case_id}/notes"), &note).await, StatusCode::SEE_OTHER);
    let task = [("title", "Déposer le dossier"), ("due_on", "2026-12-15"), ("assignee_id", a_id.as_str())];
    answered("a task", &a.post(&format!("/cases/{case_id}/tasks"), &task).await, StatusCode::SEE_OTHER);
    let refer = [
        ("service", service.as_str()),
        ("field-given_names", "on"),
        ("field-languages", "on"),
        ("message", "Projet de couture"),
        ("intent", "send"),
    ];
    // Three referrals from one case, so that a query per referral shows on the case page.
    let mut referral = String::new();
    for _ in 0..3 {
        let sent = a.post(&format!("/cases/{case_id}/referrals"), &refer).await;
        answered("a referral", &sent, StatusCode::SEE_OTHER);
        let location = sent.location().expect("to the referral").trim_start_matches("/referrals/");
        referral = location.split('#').next().expect("id").to_owned();
    }
    let page = cases::list(&mut app.db.conn(), &association, &CaseFilter::default(), None, 1).expect("a page");
    let after = page.next.expect("more than one case").to_token();
    let csrf = a.csrf().await;
    let version = cases::find(&mut app.db.conn(), &association, case_id.parse().expect("a case id"))
        .expect("case")
        .version
        .to_string();

    let mut hot = HotPath::new(&app.pool());
    // Sign-in, in a browser of its own.
    let mut visitor = app.client();
    let form = hot.page("GET /login", visitor.get("/login")).await;
    answered("GET /login", &form, StatusCode::OK);
    let token = common::extract_csrf(&form.body).expect("a token on the form");
    let login = [("_csrf", token.as_str()), ("email", a_email.as_str()), ("password", PASSWORD)];
    answered("POST /login", &hot.page("POST /login", visitor.post_raw("/login", &login)).await, StatusCode::SEE_OTHER);
    // The caseworker's pages.
    let gets = [
        ("GET /my-work", "/my-work".to_owned()),
        ("GET /cases", "/cases".to_owned()),
        ("GET /cases?status=", "/cases?status=open".to_owned()),
        ("GET /cases?pathway=", "/cases?pathway=auto_entrepreneur".to_owned()),
        ("GET /cases?mine=1", "/cases?mine=1".to_owned()),
        ("GET /cases?after=", format!("/cases?after={after}")),
        ("GET /beneficiaries/{id}", format!("/beneficiaries/{person_id}")),
        ("GET /cases/{id}", format!("/cases/{case_id}")),
        ("GET /beneficiaries", "/beneficiaries".to_owned()),
        ("GET /beneficiaries?after=", format!("/beneficiaries?after={person_id}")),
        ("GET /beneficiaries?q=", "/beneficiaries?q=amin".to_owned()),
        ("GET /referrals?tab=sent", "/referrals?tab=sent".to_owned()),
        ("GET /referrals/{id} (sender)", format!("/referrals/{referral}")),
    ];
    for (label, path) in &gets {
        answered(label, &hot.page(label, a.get(path)).await, StatusCode::OK);
    }
    let note = [("_csrf", csrf.as_str()), ("body", "Deuxième entretien"), ("visibility", "normal")];
    let path = format!("/cases/{case_id}/notes");
    answered("POST note", &hot.page("POST /cases/{id}/notes", a.post_raw(&path, &note)).await, StatusCode::SEE_OTHER);
    let edit =
        [("_csrf", csrf.as_str()), ("version", version.as_str()), ("pathway", "employment"), ("goals", "Emploi")];
    let path = format!("/cases/{case_id}");
    answered("POST edit", &hot.page("POST /cases/{id}", a.post_raw(&path, &edit)).await, StatusCode::SEE_OTHER);
    // The receiving tenant's inbox and the referral seen from its side.
    let mut b = signed_in(&app, &b_email).await;
    answered("GET /referrals", &hot.page("GET /referrals (inbox)", b.get("/referrals")).await, StatusCode::OK);
    let path = format!("/referrals/{referral}");
    answered("GET referral", &hot.page("GET /referrals/{id} (receiver)", b.get(&path)).await, StatusCode::OK);
    // The dashboard of both sides, with an answer so that its medians and names are read.
    let accept = [("link", "new"), ("pathway", "auto_entrepreneur")];
    answered("accept", &b.post(&format!("/referrals/{referral}/accept"), &accept).await, StatusCode::SEE_OTHER);
    let dashboard = b.get("/referrals?tab=dashboard");
    answered("dashboard", &hot.page("GET /referrals?tab=dashboard (receiver)", dashboard).await, StatusCode::OK);
    let dashboard = a.get("/referrals?tab=dashboard");
    answered("dashboard", &hot.page("GET /referrals?tab=dashboard (sender)", dashboard).await, StatusCode::OK);

    let mut conn = app.db.conn();
    let backend = app.db.backend();
    let verdicts = plans::verdicts(&mut conn, &hot, &ALLOW);
    println!("{}", plans::render(backend, &verdicts.iter().collect::<Vec<_>>()));
    let failing: Vec<_> = verdicts.iter().filter(|v| v.fails()).collect();
    assert!(
        failing.is_empty(),
        "{} of {} hot statements read more than they need on {backend}:\n{}",
        failing.len(),
        verdicts.len(),
        plans::render(backend, &failing)
    );
    for (fragment, _) in ALLOWED_STATEMENTS {
        assert!(
            verdicts.iter().any(|v| plans::unquoted(&v.sql).contains(fragment)),
            "the allow-listed statement \"{fragment}\" is no longer run by a hot page: remove it from the list"
        );
    }
    // Keyset pagination: a second page starts at its cursor in the index, not at the tenant's first row.
    if backend == relais_persistence::Backend::Sqlite {
        let lists = [
            ("GET /cases?after=", "ORDER BY `cases`.`updated_at` DESC", "updated_at<"),
            ("GET /beneficiaries?after=", "ORDER BY `beneficiaries`.`name_key` ASC", "name_key>"),
        ];
        for (page, order, range) in lists {
            let (_, statements) = hot.pages.iter().find(|(p, _)| p == page).expect("the second page");
            let listed = statements.iter().find(|s| s.contains(order)).expect("the list's statement");
            let plan = plans::plan(&mut conn, listed).expect("a plan");
            assert!(plan.iter().any(|l| l.contains(range)), "{page}: the cursor is not an index range:\n{plan:#?}");
        }
    }
    // The checker itself sees what it is meant to catch on this backend.
    let (unindexed, sorted) = match backend {
        relais_persistence::Backend::Sqlite => {
            ("SELECT id FROM cases WHERE goals = ?", "SELECT id FROM cases WHERE tenant_id = ? ORDER BY goals LIMIT ?")
        }
        relais_persistence::Backend::Postgres => ("SELECT id FROM cases WHERE goals = $1", ""),
    };
    let plan = plans::plan(&mut conn, unindexed).expect("a plan");
    assert!(!plans::full_scans(backend, &plan, &["cases".to_owned()]).is_empty(), "a scan not seen: {plan:#?}");
    if !sorted.is_empty() {
        let plan = plans::plan(&mut conn, sorted).expect("a plan");
        assert!(!plans::tenant_wide_reads(sorted, &plan).is_empty(), "a sorted tenant not seen: {plan:#?}");
    }
    // The inbox tabs run their page query only: the dashboard is computed on its own tab.
    for (page, statements) in
        hot.pages.iter().filter(|(p, _)| p == "GET /referrals (inbox)" || p == "GET /referrals?tab=sent")
    {
        let dashboard = statements
            .iter()
            .find(|s| s.contains("COUNT(*)") || plans::unquoted(s).contains("referrals.answered_at >="));
        assert!(dashboard.is_none(), "{page} computes the dashboard: {dashboard:?}");
    }
    let repeated = hot.repeated(3);
    assert!(repeated.is_empty(), "a query per row on {backend}: {repeated:#?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hot_pages_use_indexes_on_sqlite() {
    plans::install();
    hot_pages(TestDb::sqlite()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hot_pages_use_indexes_on_postgres() {
    plans::install();
    if let Some(db) = TestDb::postgres() {
        hot_pages(db).await;
    }
}
