//! The outbox worker on both backends: an SMTP outage loses nothing and
//! sends nothing twice; permanent failures and too many attempts end dead;
//! the background task stops on shutdown.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDateTime;
use relais_domain::{EmailAddress, Language, TenantRole};
use relais_email::{
    Email, EmailError, EmailSettings, FailureKind, ManualClock, OutboxWorker, RecordingTransport, WorkerReport,
};
use relais_persistence::Db;
use relais_persistence::models::outbox::{self, OutboxEmail, OutboxStatus};
use relais_test_support::{TestDb, backend_tests_async};

fn settings() -> EmailSettings {
    EmailSettings {
        max_attempts: 4,
        backoff_base: Duration::from_secs(60),
        backoff_max: Duration::from_secs(600),
        poll_interval: Duration::from_millis(20),
        lease: Duration::from_secs(300),
        batch_size: 10,
        send_timeout: Duration::from_secs(5),
        ..EmailSettings::default()
    }
}

struct Harness {
    db: Db,
    transport: Arc<RecordingTransport>,
    clock: Arc<ManualClock>,
    worker: OutboxWorker,
}

fn harness(test_db: &TestDb, settings: EmailSettings) -> Harness {
    let transport = Arc::new(RecordingTransport::new());
    // A little ahead of the real clock, so that e-mails queued now are due.
    let clock = Arc::new(ManualClock::new(relais_persistence::now() + chrono::Duration::seconds(1)));
    let worker = OutboxWorker::new(test_db.db.clone(), settings, transport.clone()).with_clock(clock.clone());
    Harness { db: test_db.db.clone(), transport, clock, worker }
}

async fn queue(db: &Db, n: usize, prefix: &str) -> Vec<String> {
    let prefix = prefix.to_owned();
    db.write(move |conn| {
        (0..n)
            .map(|i| {
                let recipient = EmailAddress::parse(&format!("focal.point{i}@example.org")).expect("valid");
                let email = Email::PasswordReset {
                    link: format!("https://relais.example.org/password/reset?token=t{i}"),
                    expires_in_minutes: 30,
                };
                relais_email::enqueue(conn, None, &recipient, Language::Fr, &email, &format!("{prefix}:{i}"))
            })
            .collect::<Result<Vec<_>, EmailError>>()
    })
    .await
    .expect("queued")
}

async fn row(db: &Db, id: &str) -> OutboxEmail {
    let id = id.to_owned();
    db.run(move |conn| outbox::find(conn, &id)).await.expect("row")
}

fn times_sent(transport: &RecordingTransport) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for email in transport.sent() {
        *counts.entry(email.id).or_default() += 1;
    }
    counts
}

fn after(clock: &ManualClock) -> NaiveDateTime {
    use relais_email::Clock as _;
    clock.now()
}

backend_tests_async! {
    async fn an_smtp_outage_loses_nothing_and_sends_nothing_twice(db: TestDb) {
        let h = harness(&db, settings());
        let ids = queue(&h.db, 6, "outage").await;
        h.transport.fail_until_recovered(FailureKind::Transient);

        let report = h.worker.run_once().await.expect("pass");
        assert_eq!(report, WorkerReport { claimed: 6, retried: 6, ..WorkerReport::default() });
        let failed_at = after(&h.clock);
        for id in &ids {
            let row = row(&h.db, id).await;
            assert_eq!(row.status(), Some(OutboxStatus::Pending), "{id}");
            assert_eq!(row.attempts, 1);
            assert!(row.next_attempt_at > failed_at, "a later attempt is planned");
            assert!(row.next_attempt_at <= failed_at + chrono::Duration::seconds(60), "within the first backoff");
            assert!(row.locked_until.is_none(), "the lease is released");
            assert!(row.last_error.as_deref().is_some_and(|e| e.contains("421")), "{:?}", row.last_error);
        }

        // Not due yet: nothing is attempted again.
        assert_eq!(h.worker.run_once().await.expect("pass"), WorkerReport::default());

        // Still down at the next attempt: the backoff grows.
        h.clock.advance(Duration::from_secs(61));
        assert_eq!(h.worker.run_once().await.expect("pass").retried, 6);
        let second = after(&h.clock);
        for id in &ids {
            let row = row(&h.db, id).await;
            assert_eq!(row.attempts, 2);
            assert!(row.next_attempt_at >= second + chrono::Duration::seconds(60), "the second wait is 60 to 120 s");
        }

        // The server is back, and the clock moves past the backoff.
        h.transport.recover();
        h.clock.advance(Duration::from_secs(121));
        let report = h.worker.run_once().await.expect("pass");
        assert_eq!(report, WorkerReport { claimed: 6, sent: 6, ..WorkerReport::default() });
        for _ in 0..3 {
            h.clock.advance(Duration::from_secs(3600));
            assert_eq!(h.worker.run_once().await.expect("pass"), WorkerReport::default());
        }

        let counts = times_sent(&h.transport);
        assert_eq!(counts.len(), 6, "none lost");
        assert!(counts.values().all(|n| *n == 1), "none sent twice: {counts:?}");
        assert_eq!(h.transport.attempts(), 18);
        for id in &ids {
            let row = row(&h.db, id).await;
            assert_eq!(row.status(), Some(OutboxStatus::Sent));
            assert_eq!(row.attempts, 3);
            assert_eq!(row.sent_at, Some(after(&h.clock) - chrono::Duration::seconds(3 * 3600)));
        }
        // Every attempt of an e-mail carried the same Message-ID, fixed at enqueue.
        for sent in h.transport.sent() {
            assert_eq!(sent.message_id, format!("<{}@relais>", sent.id));
        }
    }

    async fn a_permanent_failure_is_dead_at_once_with_its_reason(db: TestDb) {
        let h = harness(&db, settings());
        let ids = queue(&h.db, 2, "permanent").await;
        h.transport.fail_next(1, FailureKind::Permanent);

        let report = h.worker.run_once().await.expect("pass");
        assert_eq!(report, WorkerReport { claimed: 2, sent: 1, dead: 1, ..WorkerReport::default() });
        let dead = row(&h.db, &ids[0]).await;
        assert_eq!(dead.status(), Some(OutboxStatus::Dead));
        assert_eq!(dead.attempts, 1);
        assert!(dead.last_error.as_deref().is_some_and(|e| e.contains("550")), "{:?}", dead.last_error);
        assert_eq!(row(&h.db, &ids[1]).await.status(), Some(OutboxStatus::Sent));

        // A dead e-mail is never attempted again.
        h.clock.advance(Duration::from_secs(86_400));
        assert_eq!(h.worker.run_once().await.expect("pass"), WorkerReport::default());
        assert_eq!(h.transport.attempts(), 2);
    }

    async fn too_many_attempts_end_dead(db: TestDb) {
        let h = harness(&db, EmailSettings { max_attempts: 3, ..settings() });
        let ids = queue(&h.db, 1, "doomed").await;
        h.transport.fail_until_recovered(FailureKind::Transient);

        let mut reports = Vec::new();
        for _ in 0..5 {
            reports.push(h.worker.run_once().await.expect("pass"));
            h.clock.advance(Duration::from_secs(601));
        }
        let retried: usize = reports.iter().map(|r| r.retried).sum();
        let dead: usize = reports.iter().map(|r| r.dead).sum();
        assert_eq!((retried, dead), (2, 1), "{reports:?}");
        assert_eq!(h.transport.attempts(), 3);
        let row = row(&h.db, &ids[0]).await;
        assert_eq!(row.status(), Some(OutboxStatus::Dead));
        assert_eq!(row.attempts, 3);
        assert!(row.last_error.as_deref().is_some_and(|e| e.contains("421")));
    }

    async fn the_background_worker_sends_and_stops_on_shutdown(db: TestDb) {
        let transport = Arc::new(RecordingTransport::new());
        let worker = OutboxWorker::new(db.db.clone(), EmailSettings { batch_size: 2, ..settings() }, transport.clone());
        let (stop, shutdown) = tokio::sync::watch::channel(false);
        let handle = worker.spawn(shutdown);

        // Queued while the worker runs: picked up at a later poll, in batches of 2.
        let ids = queue(&db.db, 5, "background").await;
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        while transport.sent().len() < ids.len() {
            assert!(tokio::time::Instant::now() < deadline, "the worker sent {} of 5", transport.sent().len());
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        stop.send(true).expect("the worker listens");
        tokio::time::timeout(Duration::from_secs(10), handle).await.expect("stops promptly").expect("no panic");
        assert!(times_sent(&transport).values().all(|n| *n == 1));
        for id in &ids {
            assert_eq!(row(&db.db, id).await.status(), Some(OutboxStatus::Sent));
        }
    }

    async fn enqueue_renders_in_the_recipients_language_once_per_key(db: TestDb) {
        let recipient = EmailAddress::parse("Aminata.Diallo@Example.org").expect("valid");
        let email = Email::Invitation {
            tenant_name: "Hub Innovation Nord".into(),
            role: TenantRole::TenantAdmin,
            link: "https://relais.example.org/invitations/accept?token=abc".into(),
            expires_in_hours: 72,
        };
        let (first, again) = db
            .db
            .write(move |conn| {
                // The same cause queued twice in one transaction: one e-mail.
                let first = relais_email::enqueue(conn, None, &recipient, Language::Ar, &email, "invitation:42")?;
                let again = relais_email::enqueue(conn, None, &recipient, Language::Ar, &email, "invitation:42")?;
                Ok::<_, EmailError>((first, again))
            })
            .await
            .expect("queued");
        assert_eq!(first, again);
        let row = row(&db.db, &first).await;
        assert_eq!((row.language.as_str(), row.template.as_str()), ("ar", "invitation"));
        assert_eq!(row.recipient, "aminata.diallo@example.org");
        assert!(row.body_html.contains(r#"dir="rtl""#));
        // The recipient's address (and so their name) is not in the e-mail.
        for part in [&row.subject, &row.body_text, &row.body_html] {
            assert!(!part.to_lowercase().contains("aminata") && !part.to_lowercase().contains("diallo"));
        }
        assert_eq!(db.db.run(|conn| outbox::list_recent(conn, 10)).await.expect("list").len(), 1);
    }
}
