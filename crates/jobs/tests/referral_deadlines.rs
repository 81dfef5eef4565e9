//! Referral deadlines on both backends: reminder at the response time,
//! escalation at twice it, expiry at three times, each once, e-mails to the
//! right side with no personal data.

use std::time::Duration;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use relais_domain::{EmailAddress, TenantRole};
use relais_jobs::{JobSettings, Jobs, JobsReport};
use relais_persistence::models::{outbox, users};
use relais_persistence::schema::{referrals, services};
use relais_persistence::{DbConnection, TenantScope};
use relais_test_support::{backend_tests_async, fixtures};

fn settings() -> JobSettings {
    JobSettings {
        public_url: "https://relais.test".into(),
        expiry_window_days: 60,
        digest_hour_utc: 23,
        session_idle: Duration::from_secs(1800),
        tick: Duration::from_secs(60),
        referral_expiry_factor: 3,
    }
}

fn id() -> String {
    relais_domain::UserId::new().to_string()
}

fn member(conn: &mut DbConnection, scope: &TenantScope, email: &str, role: TenantRole) -> String {
    fixtures::member(conn, scope, email, role)
}

/// A referral sent at `sent_at` with a 5-day response time.
fn sent_referral(conn: &mut DbConnection, sent_at: NaiveDateTime) -> (String, TenantScope) {
    let sender = fixtures::tenant(conn, "Association");
    let receiver = fixtures::tenant(conn, "Incubateur");
    let worker = member(conn, &sender, "worker@association.org", TenantRole::Caseworker);
    member(conn, &receiver, "coach@hub.org", TenantRole::Caseworker);
    member(conn, &receiver, "admin@hub.org", TenantRole::TenantAdmin);
    let now = relais_persistence::now();
    let (service, referral) = (id(), id());
    let sender_key = sender.tenant_id().to_string();
    let (person, case) = fixtures::person_with_case(conn, &sender, &worker, "open");
    diesel::insert_into(services::table)
        .values((
            services::id.eq(&service),
            services::owner_tenant_id.eq(receiver.tenant_id().to_string()),
            services::name_fr.eq("Pré-incubation"),
            services::category.eq("incubation"),
            services::focal_point_email.eq("focal@hub.org"),
            services::response_days.eq(5),
            services::created_at.eq(now),
            services::updated_at.eq(now),
        ))
        .execute(conn)
        .expect("service");
    diesel::insert_into(referrals::table)
        .values((
            referrals::id.eq(&referral),
            referrals::reference.eq("R-TEST01"),
            referrals::sender_tenant_id.eq(&sender_key),
            referrals::sender_case_id.eq(&case),
            referrals::sender_beneficiary_id.eq(&person),
            referrals::service_id.eq(&service),
            referrals::receiver_tenant_id.eq(receiver.tenant_id().to_string()),
            referrals::status.eq("sent"),
            referrals::packet.eq(r#"{"given_names":"Awa"}"#),
            referrals::created_by.eq(&worker),
            referrals::sent_by.eq(&worker),
            referrals::sent_at.eq(sent_at),
            referrals::due_at.eq(sent_at + chrono::Duration::days(5)),
            referrals::created_at.eq(now),
            referrals::updated_at.eq(now),
        ))
        .execute(conn)
        .expect("referral");
    (referral, sender)
}

fn mails(db: &relais_test_support::TestDb) -> Vec<(String, String)> {
    let mut conn = db.conn();
    let mut all: Vec<(String, String)> = outbox::list_recent(&mut conn, 100)
        .expect("outbox")
        .into_iter()
        .map(|m| (m.recipient, format!("{}:{}", m.template, m.subject)))
        .collect();
    all.sort();
    all
}

backend_tests_async! {
    async fn a_late_referral_is_reminded_escalated_then_expired_once_each(db: TestDb) {
        let sent_at = relais_persistence::now() - chrono::Duration::days(30);
        let (referral, _) = {
            let mut conn = db.conn();
            sent_referral(&mut conn, sent_at)
        };
        let jobs = Jobs::new(db.db.clone(), settings());
        let hours = |h: i64| sent_at + chrono::Duration::hours(h);
        let mut report = JobsReport::default();

        jobs.referral_deadlines(hours(24 * 4), &mut report).await.expect("run");
        assert_eq!(mails(&db).len(), 0, "nothing before the answer is due");

        jobs.referral_deadlines(hours(24 * 5 + 1), &mut report).await.expect("run");
        jobs.referral_deadlines(hours(24 * 5 + 2), &mut report).await.expect("run again");
        let after_reminder = mails(&db);
        let recipients: Vec<&str> = after_reminder.iter().map(|(r, _)| r.as_str()).collect();
        assert_eq!(recipients, ["admin@hub.org", "coach@hub.org", "focal@hub.org"], "the receiving side, once");
        assert_eq!(report.referral_reminders, 1);

        jobs.referral_deadlines(hours(24 * 10 + 1), &mut report).await.expect("run");
        assert_eq!(report.referral_escalations, 1);
        let escalations: Vec<_> = mails(&db).into_iter().filter(|(_, s)| s.contains("R-TEST01") && !after_reminder.iter().any(|(_, t)| t == s)).collect();
        assert!(escalations.iter().all(|(r, _)| r == "admin@hub.org"), "{escalations:?}");

        jobs.referral_deadlines(hours(24 * 15 + 1), &mut report).await.expect("run");
        jobs.referral_deadlines(hours(24 * 16), &mut report).await.expect("run again");
        assert_eq!(report.referrals_expired, 1);
        let mut conn = db.conn();
        let status: String = referrals::table.find(&referral).select(referrals::status).first(&mut conn).expect("row");
        assert_eq!(status, "expired");
        let all = mails(&db);
        assert!(all.iter().any(|(r, s)| r == "worker@association.org" && s.contains("R-TEST01")), "the sender is told: {all:?}");
        for m in outbox::list_recent(&mut conn, 100).expect("outbox") {
            assert!(!m.body_text.contains("Awa") && !m.body_text.contains("Diop"), "no name in {}", m.template);
        }
    }

    async fn a_referral_answered_in_time_is_left_alone(db: TestDb) {
        let sent_at = relais_persistence::now() - chrono::Duration::days(30);
        let referral = {
            let mut conn = db.conn();
            let (referral, _) = sent_referral(&mut conn, sent_at);
            diesel::update(referrals::table.find(&referral)).set(referrals::status.eq("accepted")).execute(&mut conn).expect("accepted");
            referral
        };
        let jobs = Jobs::new(db.db.clone(), settings());
        let mut report = JobsReport::default();
        jobs.referral_deadlines(sent_at + chrono::Duration::days(20), &mut report).await.expect("run");
        assert_eq!(report, JobsReport::default());
        let mut conn = db.conn();
        let status: String = referrals::table.find(&referral).select(referrals::status).first(&mut conn).expect("row");
        assert_eq!(status, "accepted");
    }

    async fn digest_users_get_one_referral_digest_a_day_instead_of_each_notice(db: TestDb) {
        let sent_at = relais_persistence::now() - chrono::Duration::days(30);
        {
            let mut conn = db.conn();
            sent_referral(&mut conn, sent_at);
            let coach = users::find_by_email(&mut conn, &EmailAddress::parse("coach@hub.org").expect("e")).expect("q").expect("user");
            users::set_referral_emails(&mut conn, &coach.id, true, relais_persistence::now()).expect("preference");
        }
        let jobs = Jobs::new(db.db.clone(), settings());
        let mut report = JobsReport::default();
        let late = relais_persistence::now();
        jobs.referral_deadlines(late, &mut report).await.expect("run");
        assert!(!mails(&db).iter().any(|(r, s)| r == "coach@hub.org" && s.starts_with("referral_notice")), "no single notice for a digest user");
        assert_eq!(jobs.referral_digests(late).await.expect("digest"), 1);
        jobs.referral_digests(late).await.expect("digest again");
        let digests: Vec<_> = mails(&db).into_iter().filter(|(_, s)| s.starts_with("referral_digest")).collect();
        assert_eq!(digests.len(), 1, "{digests:?}");
        assert_eq!(digests[0].0, "coach@hub.org");
    }
}
