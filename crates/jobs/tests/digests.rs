//! The document expiry digest on both backends: who gets it, what it
//! counts, and that a day's digest is queued once.

use std::time::Duration;

use chrono::{NaiveDateTime, NaiveTime};
use diesel::prelude::*;
use relais_domain::{Language, MembershipStatus, TenantRole};
use relais_jobs::{JobSettings, Jobs};
use relais_persistence::models::{memberships, outbox};
use relais_persistence::schema::identity_documents;
use relais_persistence::{DbConnection, TenantScope};
use relais_test_support::{backend_tests_async, fixtures};

fn settings() -> JobSettings {
    JobSettings {
        public_url: "https://relais.test".into(),
        expiry_window_days: 60,
        digest_hour_utc: 6,
        session_idle: Duration::from_secs(1800),
        tick: Duration::from_secs(60),
        referral_expiry_factor: 3,
    }
}

fn tenant(conn: &mut DbConnection, name: &str) -> TenantScope {
    fixtures::tenant(conn, name)
}

fn member(conn: &mut DbConnection, scope: &TenantScope, email: &str) -> String {
    let id = fixtures::user(conn, email, Some(Language::Ar));
    memberships::create(conn, scope, &id, TenantRole::Caseworker, MembershipStatus::Active, relais_persistence::now())
        .expect("membership");
    id
}

/// A person with a residence card expiring `in_days` from `today`, and a case in `status` assigned to `user`.
fn person_with_card(
    conn: &mut DbConnection,
    scope: &TenantScope,
    user: &str,
    today: chrono::NaiveDate,
    in_days: u64,
    status: &str,
) {
    let tenant = scope.tenant_id().to_string();
    let now = relais_persistence::now();
    let (person, _case) = fixtures::person_with_case(conn, scope, user, status);
    diesel::insert_into(identity_documents::table)
        .values((
            identity_documents::tenant_id.eq(&tenant),
            identity_documents::id.eq(uuid_like()),
            identity_documents::beneficiary_id.eq(&person),
            identity_documents::doc_type.eq("residence_card"),
            identity_documents::number.eq("X1"),
            identity_documents::number_key.eq("X1"),
            identity_documents::expires_on.eq(today + chrono::Days::new(in_days)),
            identity_documents::created_at.eq(now),
            identity_documents::updated_at.eq(now),
        ))
        .execute(conn)
        .expect("document");
}

fn uuid_like() -> String {
    relais_domain::UserId::new().to_string()
}

fn at(hour: u32) -> NaiveDateTime {
    relais_persistence::now().date().and_time(NaiveTime::from_hms_opt(hour, 0, 0).expect("time"))
}

backend_tests_async! {
    async fn each_assigned_member_gets_one_digest_a_day_with_a_count_only(db: TestDb) {
        let mut conn = db.conn();
        let a = tenant(&mut conn, "A");
        let b = tenant(&mut conn, "B");
        let today = at(7).date();
        let worker = member(&mut conn, &a, "worker@a.org");
        let idle = member(&mut conn, &a, "idle@a.org");
        let other = member(&mut conn, &b, "other@b.org");
        person_with_card(&mut conn, &a, &worker, today, 10, "open");
        person_with_card(&mut conn, &a, &worker, today, 59, "on_hold");
        person_with_card(&mut conn, &a, &worker, today, 90, "open"); // outside the window
        person_with_card(&mut conn, &a, &worker, today, 5, "closed"); // closed case
        person_with_card(&mut conn, &b, &other, today, 90, "open");
        let _ = idle;
        drop(conn);

        let jobs = Jobs::new(db.db.clone(), settings());
        assert_eq!(jobs.run_due(at(5)).await.expect("run").digests_queued, 0, "before the digest hour");
        assert_eq!(jobs.run_due(at(7)).await.expect("run").digests_queued, 1);
        jobs.run_due(at(9)).await.expect("run again");
        jobs.run_all(at(10)).await.expect("run by hand");

        let mut conn = db.conn();
        let mails = outbox::list_recent(&mut conn, 10).expect("outbox");
        assert_eq!(mails.len(), 1, "one digest, whatever the number of runs");
        let mail = &mails[0];
        assert_eq!(mail.recipient, "worker@a.org");
        assert_eq!(mail.language, "ar");
        assert!(mail.subject.contains('2'), "two cards counted: {}", mail.subject);
        assert!(mail.body_text.contains("https://relais.test/beneficiaries?expiring=60"));
        assert!(!mail.body_text.contains("Awa") && !mail.body_text.contains("X1"), "no name, no number");
    }
}
