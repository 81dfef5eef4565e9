//! The synthetic data generator on both backends, at a tiny scale: row
//! counts follow the arguments, the application's own queries read the
//! data, the same seed gives the same data (another seed other data), and
//! nothing points across tenants.

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sql_types::BigInt;
use relais_bench::generate::{self, Args, Report};
use relais_domain::{EmailAddress, TenantId, TenantRole};
use relais_persistence::models::cases::{self, CaseFilter};
use relais_persistence::models::{
    audit, beneficiaries, case_events, case_notes, consents, identity_documents, memberships, referrals,
    role_assignments, tasks, users,
};
use relais_persistence::schema::{
    audit_events, beneficiaries as people, casbin_rule, case_events as events, cases as cases_table,
    consents as consent_rows, memberships as members, referral_events, referrals as referral_rows, tenants,
    users as user_rows,
};
use relais_persistence::{Backend, DbConnection, TenantScope};
use relais_test_support::{TestDb, backend_tests};

fn tiny(seed: u64) -> Args {
    Args {
        tenants: 2,
        people_per_tenant: 50,
        small_tenant: 20,
        users: 30,
        referrals: 40,
        events: 400,
        audit: 300,
        seed,
        ..Args::new("")
    }
}

fn generated(db: &TestDb, seed: u64) -> Report {
    generate::generate(&mut db.conn(), &tiny(seed)).expect("the data is generated")
}

fn fresh(backend: Backend) -> TestDb {
    match backend {
        Backend::Sqlite => TestDb::sqlite(),
        Backend::Postgres => TestDb::postgres().expect("the PostgreSQL test database is configured"),
    }
}

macro_rules! count {
    ($conn:expr, $table:expr) => {
        $table.count().get_result::<i64>($conn).expect("a count")
    };
}

#[derive(QueryableByName)]
struct Number {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

fn sql_count(conn: &mut DbConnection, sql: &str) -> i64 {
    diesel::sql_query(sql).get_result::<Number>(conn).expect(sql).n
}

fn login(report: &Report, size: usize, role: TenantRole) -> &generate::Login {
    report.logins.iter().find(|l| l.size == size && l.role == role.as_str()).expect("a printed sign-in")
}

fn scope_of(conn: &mut DbConnection, login: &generate::Login) -> (TenantScope, String) {
    let email = EmailAddress::parse(&login.email).expect("a valid e-mail");
    let user = users::find_by_email(conn, &email).expect("query").expect("the printed user exists");
    let hash = user.password_hash.clone().expect("a password hash");
    assert!(relais_authorization::password::verify(&login.password, &hash), "the printed password signs in");
    let tenant: TenantId = login.tenant_id.parse().expect("a tenant id");
    let (scope, role) = memberships::scope_for_member(conn, &user.id, tenant).expect("an active membership");
    assert_eq!(role.as_str(), login.role);
    (scope, user.id)
}

backend_tests! {
    fn row_counts_follow_the_arguments(db: &TestDb) {
        let report = generated(db, 42);
        let mut conn = db.conn();
        assert_eq!(count!(&mut conn, tenants::table), 3, "two big tenants and the small one");
        assert_eq!(count!(&mut conn, people::table), 2 * 50 + 20);
        assert_eq!(count!(&mut conn, user_rows::table), 30);
        assert_eq!(count!(&mut conn, members::table), 30);
        assert_eq!(count!(&mut conn, referral_rows::table), 40);
        assert_eq!(count!(&mut conn, events::table), 400);
        assert_eq!(count!(&mut conn, audit_events::table), 300);
        let cases = count!(&mut conn, cases_table::table);
        assert!((120..=132).contains(&cases), "one case per person, some two: {cases}");
        assert!(count!(&mut conn, consent_rows::table) >= 110, "nearly everyone consented to case management");
        assert!(count!(&mut conn, referral_events::table) >= 80, "every referral has its steps");
        let active: i64 = members::table.filter(members::status.eq("active")).count().get_result(&mut conn).expect("n");
        assert_eq!(count!(&mut conn, casbin_rule::table), active, "one grouping rule per active membership");
        let (version, rules) = role_assignments::load_all(&mut conn).expect("role assignments");
        assert_eq!(version, 1, "the role-assignment version moved once");
        assert_eq!(rules.len() as i64, active);
        let statuses: Vec<String> =
            referral_rows::table.select(referral_rows::status).distinct().load(&mut conn).expect("statuses");
        assert!(statuses.len() >= 4, "referrals in several states: {statuses:?}");
        assert_eq!(report.logins.iter().filter(|l| l.size == 50).count(), 4 + 2, "every role, and the inbox");
        assert_eq!(report.logins.iter().filter(|l| l.size == 20).count(), 4);
    }

    fn the_application_reads_the_generated_data(db: &TestDb) {
        let report = generated(db, 42);
        let mut conn = db.conn();
        let worker = login(&report, 50, TenantRole::Caseworker);
        assert_eq!(worker.tenant, report.logins[0].tenant, "the first big tenant's sign-ins come first");
        let (scope, user_id) = scope_of(&mut conn, worker);
        assert_eq!(memberships::tenants_of_user(&mut conn, &user_id).expect("tenants").len(), 1);
        // The case list, page after page.
        let first = cases::list(&mut conn, &scope, &CaseFilter::default(), None, 50).expect("case list");
        assert_eq!(first.rows.len(), 50);
        let next = first.next.expect("a second page");
        let second = cases::list(&mut conn, &scope, &CaseFilter::default(), Some(&next), 50).expect("page 2");
        assert!(!second.rows.is_empty());
        assert!(first.rows[0].updated_at >= first.rows[49].updated_at);
        let user: relais_domain::UserId = user_id.parse().expect("a user id");
        let mine = CaseFilter { assignee: Some(user), ..CaseFilter::default() };
        assert!(!cases::list(&mut conn, &scope, &mine, None, 50).expect("my cases").rows.is_empty());
        // The printed case and person.
        let case_id = worker.case_id.clone().expect("a case id");
        let person_id = worker.person_id.clone().expect("a person id");
        let case_key: relais_domain::CaseId = case_id.parse().expect("a case id");
        let case = cases::find(&mut conn, &scope, case_key).expect("the case");
        assert_eq!(case.beneficiary_id.to_string(), person_id);
        assert!(cases::assignees(&mut conn, &scope, case_key).expect("assignees").iter().any(|a| a.user_id == user));
        case_events::list(&mut conn, &scope, case_key, 200).expect("timeline");
        let reader = case_notes::reader(&mut conn, &scope, user).expect("reader");
        case_notes::list_for_reader(&mut conn, &scope, case_key, &reader).expect("notes");
        tasks::list_for_case(&mut conn, &scope, case_key).expect("tasks");
        let today = NaiveDate::from_ymd_opt(2026, 11, 1).expect("a date");
        tasks::my_open(&mut conn, &scope, user, today).expect("my work");
        // The person's page.
        let person_key: relais_domain::BeneficiaryId = person_id.parse().expect("a person id");
        let person = beneficiaries::find(&mut conn, &scope, person_key).expect("the person");
        assert!(!person.name_key.is_empty());
        identity_documents::list_for(&mut conn, &scope, person_key).expect("documents");
        consents::list_for(&mut conn, &scope, person_key).expect("consents");
        assert!(!beneficiaries::cases_of(&mut conn, &scope, person_key).expect("cases").is_empty());
        audit::list_for_target(&mut conn, &scope, relais_domain::AuditTarget::Beneficiary, &person_id, 50).expect("audit");
        let query = beneficiaries::ListQuery {
            name_tokens: relais_domain::names::query_tokens(&person.family_names),
            ..beneficiaries::ListQuery::default()
        };
        assert!(!beneficiaries::list(&mut conn, &scope, &query).expect("search").rows.is_empty());
        // The receiving tenant's inbox.
        let inbox = report.logins.iter().find(|l| l.received_referrals > 0).expect("an inbox sign-in");
        let (receiver, _) = scope_of(&mut conn, inbox);
        let now = chrono::NaiveDate::from_ymd_opt(2026, 11, 1).and_then(|d| d.and_hms_opt(0, 0, 0)).expect("now");
        let received = referrals::received_by(&mut conn, &receiver, now, 50).expect("inbox");
        assert!(!received.is_empty());
        let referral_id = inbox.referral_id.clone().expect("a referral id").parse().expect("an id");
        let view = referrals::for_receiver(&mut conn, &receiver, referral_id).expect("a received referral");
        assert!(!referrals::events(&mut conn, &view).expect("events").is_empty());
        let dashboard = referrals::dashboard(&mut conn, &receiver, now - chrono::Duration::days(90)).expect("dashboard");
        assert!(!dashboard.received.is_empty(), "the incubator's dashboard counts what it received");
        assert!(!referrals::sent_by(&mut conn, &scope, now, 50).expect("sent").is_empty());
        // Every referral's packet is JSON and every id is a UUID.
        let rows: Vec<(String, String)> =
            referral_rows::table.select((referral_rows::id, referral_rows::packet)).load(&mut conn).expect("referrals");
        for (id, packet) in rows {
            assert!(id.parse::<uuid::Uuid>().is_ok());
            assert!(serde_json::from_str::<serde_json::Value>(&packet).is_ok());
        }
    }

    fn the_same_seed_gives_the_same_data(db: &TestDb) {
        generated(db, 42);
        let again = fresh(db.backend());
        generated(&again, 42);
        let other = fresh(db.backend());
        generated(&other, 43);
        let (a, b, c) = (digest(&mut db.conn()), digest(&mut again.conn()), digest(&mut other.conn()));
        assert!(a == b, "same seed, same rows");
        assert!(a != c, "another seed, other rows");
    }

    fn nothing_points_across_tenants(db: &TestDb) {
        generated(db, 7);
        let mut conn = db.conn();
        let checks = [
            "SELECT COUNT(*) AS n FROM cases c JOIN beneficiaries b ON b.id = c.beneficiary_id \
             WHERE b.tenant_id <> c.tenant_id",
            "SELECT COUNT(*) AS n FROM case_assignments a WHERE NOT EXISTS (SELECT 1 FROM memberships m \
             WHERE m.tenant_id = a.tenant_id AND m.user_id = a.user_id AND m.status = 'active')",
            "SELECT COUNT(*) AS n FROM referrals r WHERE NOT EXISTS (SELECT 1 FROM consents c \
             WHERE c.tenant_id = r.sender_tenant_id AND c.id = r.consent_id \
             AND c.beneficiary_id = r.sender_beneficiary_id AND c.partner_tenant_id = r.receiver_tenant_id)",
            "SELECT COUNT(*) AS n FROM referrals r WHERE r.receiver_case_id IS NOT NULL AND NOT EXISTS \
             (SELECT 1 FROM cases c WHERE c.tenant_id = r.receiver_tenant_id AND c.id = r.receiver_case_id \
             AND c.beneficiary_id = r.receiver_beneficiary_id)",
            "SELECT COUNT(*) AS n FROM referrals r WHERE NOT EXISTS (SELECT 1 FROM services s \
             WHERE s.id = r.service_id AND s.owner_tenant_id = r.receiver_tenant_id)",
            "SELECT COUNT(*) AS n FROM audit_events e WHERE e.target_type = 'case' AND NOT EXISTS \
             (SELECT 1 FROM cases c WHERE c.tenant_id = e.tenant_id AND c.id = e.target_id)",
        ];
        for sql in checks {
            assert_eq!(sql_count(&mut conn, sql), 0, "{sql}");
        }
    }
}

/// The rows of the main tables, in a fixed order.
fn digest(conn: &mut DbConnection) -> String {
    let people: Vec<beneficiaries::Beneficiary> = people::table
        .order((people::tenant_id, people::id))
        .select(beneficiaries::Beneficiary::as_select())
        .load(conn)
        .expect("people");
    let cases: Vec<cases::Case> = cases_table::table
        .order((cases_table::tenant_id, cases_table::id))
        .select(cases::Case::as_select())
        .load(conn)
        .expect("cases");
    let users: Vec<(String, String, Option<String>)> = user_rows::table
        .order(user_rows::id)
        .select((user_rows::id, user_rows::email, user_rows::password_hash))
        .load(conn)
        .expect("users");
    let referrals: Vec<referrals::Referral> = referral_rows::table
        .order(referral_rows::id)
        .select(referrals::Referral::as_select())
        .load(conn)
        .expect("referrals");
    let audit: Vec<audit::AuditEvent> =
        audit_events::table.order(audit_events::id).select(audit::AuditEvent::as_select()).load(conn).expect("audit");
    let timeline: Vec<(String, String, String, String)> = events::table
        .order((events::tenant_id, events::id))
        .select((events::id, events::case_id, events::kind, events::details))
        .load(conn)
        .expect("events");
    format!("{people:?}{cases:?}{users:?}{referrals:?}{audit:?}{timeline:?}")
}
