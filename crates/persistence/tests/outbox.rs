//! The e-mail outbox on both backends: idempotent enqueue, claiming with
//! leases, the sent / retry / dead transitions, and concurrent claimers.

use std::collections::HashSet;
use std::sync::{Arc, Barrier};

use chrono::{Duration, NaiveDateTime};
use relais_domain::{EmailAddress, Language, Region, TenantKind};
use relais_persistence::models::outbox::{self, NewEmail, OutboxStatus};
use relais_persistence::models::tenants;
use relais_persistence::{DbConnection, PersistenceError, TenantScope, now, write_tx};
use relais_test_support::backend_tests;

fn email<'a>(key: &'a str, tenant: Option<&'a TenantScope>) -> NewEmail<'a> {
    NewEmail {
        tenant,
        idempotency_key: key,
        recipient: "focal.point@example.org",
        language: Language::Fr,
        template: "test",
        subject: "Sujet",
        body_text: "Texte avec https://relais.example.org/lien",
        body_html: "<p>HTML</p>",
    }
}

fn queue(conn: &mut DbConnection, key: &str) -> String {
    outbox::enqueue(conn, &email(key, None)).expect("queued")
}

fn lease() -> Duration {
    Duration::minutes(5)
}

fn claimed_ids(conn: &mut DbConnection, at: NaiveDateTime) -> Vec<String> {
    outbox::claim_due(conn, at, 100, lease()).expect("claim").into_iter().map(|e| e.id).collect()
}

backend_tests! {
    fn enqueue_is_idempotent_and_fixes_the_message_id(db: &TestDb) {
        let mut conn = db.conn();
        let tenant = tenants::create(
            &mut conn,
            &tenants::NewTenant {
                name: "Association Test".into(),
                kind: TenantKind::Association,
                region: Region::RabatSaleKenitra,
                default_language: Language::Fr,
                contact_email: EmailAddress::parse("contact@example.org").expect("valid"),
            },
            relais_persistence::now(),
        )
        .expect("tenant");
        let scope = TenantScope::for_system(tenant.tenant_id().expect("id"));

        let first = outbox::enqueue(&mut conn, &email("invitation:1", Some(&scope))).expect("queued");
        let again = outbox::enqueue(&mut conn, &email("invitation:1", Some(&scope))).expect("not queued twice");
        assert_eq!(first, again);
        assert_eq!(outbox::list_recent(&mut conn, 10).expect("list").len(), 1);

        // Inside a caller's transaction too (PostgreSQL would abort the
        // transaction on a caught unique violation; the look-up avoids it).
        let (inside, second) = write_tx(&mut conn, |conn| -> Result<_, PersistenceError> {
            let inside = outbox::enqueue(conn, &email("invitation:1", Some(&scope)))?;
            let second = outbox::enqueue(conn, &email("invitation:2", None))?;
            Ok((inside, second))
        })
        .expect("transaction commits");
        assert_eq!(inside, first);
        assert_ne!(second, first);

        let row = outbox::find(&mut conn, &first).expect("found");
        assert_eq!(row.message_id, format!("<{first}@relais>"));
        assert_eq!(row.message_id, outbox::message_id_for(&first));
        assert_eq!(row.tenant_id, Some(scope.tenant_id().to_string()));
        assert_eq!(row.status(), Some(OutboxStatus::Pending));
        assert_eq!(row.attempts, 0);
        assert_eq!(row.language, "fr");
        assert!(row.locked_until.is_none() && row.last_error.is_none() && row.sent_at.is_none());
        assert_eq!(outbox::find(&mut conn, &second).expect("found").tenant_id, None);

        let recent = outbox::list_recent(&mut conn, 10).expect("list");
        assert_eq!(recent.iter().map(|e| e.id.as_str()).collect::<Vec<_>>(), [second.as_str(), first.as_str()]);
        assert!(matches!(outbox::find(&mut conn, "no-such-id"), Err(PersistenceError::NotFound)));
    }

    fn an_email_is_queued_only_if_its_transaction_commits(db: &TestDb) {
        let mut conn = db.conn();
        let result = write_tx(&mut conn, |conn| -> Result<(), PersistenceError> {
            outbox::enqueue(conn, &email("rolled-back", None))?;
            Err(PersistenceError::Conflict(relais_domain::Conflict::StaleVersion))
        });
        assert!(result.is_err());
        assert!(outbox::list_recent(&mut conn, 10).expect("list").is_empty());
    }

    fn debug_output_shows_neither_recipient_nor_bodies(db: &TestDb) {
        let mut conn = db.conn();
        let id = queue(&mut conn, "debug");
        let row = outbox::find(&mut conn, &id).expect("found");
        let printed = format!("{row:?} {:?}", email("debug", None));
        assert!(printed.contains(&id), "{printed}");
        for secret in ["focal.point", "relais.example.org/lien", "<p>HTML</p>"] {
            assert!(!printed.contains(secret), "{secret} in {printed}");
        }
    }

    fn claims_respect_due_times_and_leases(db: &TestDb) {
        let mut conn = db.conn();
        let t0 = now() + Duration::minutes(1);
        let id = queue(&mut conn, "lease");

        let claimed = outbox::claim_due(&mut conn, t0, 10, lease()).expect("claim");
        assert_eq!(claimed.len(), 1);
        assert_eq!(claimed[0].id, id);
        assert_eq!(claimed[0].locked_until, Some(t0 + lease()));

        // Leased: not claimed again, even by the same worker, until the lease ends.
        assert!(claimed_ids(&mut conn, t0).is_empty());
        assert!(claimed_ids(&mut conn, t0 + Duration::minutes(4)).is_empty());
        // A worker that died mid-send: its rows come back when the lease ends.
        assert_eq!(claimed_ids(&mut conn, t0 + lease()), std::slice::from_ref(&id));

        // Not due yet: not claimed.
        outbox::mark_retry(&mut conn, &id, 1, t0 + Duration::minutes(30), "421 try later").expect("retry");
        assert!(claimed_ids(&mut conn, t0 + Duration::minutes(29)).is_empty());
        assert_eq!(claimed_ids(&mut conn, t0 + Duration::minutes(30)), std::slice::from_ref(&id));
        outbox::mark_sent(&mut conn, &id, t0 + Duration::minutes(30)).expect("sent");

        // `limit` is honoured, oldest due first.
        let more: Vec<String> = (0..5).map(|i| queue(&mut conn, &format!("more-{i}"))).collect();
        let later = t0 + Duration::hours(1);
        let batch = outbox::claim_due(&mut conn, later, 2, lease()).expect("claim");
        assert_eq!(batch.iter().map(|e| e.id.clone()).collect::<Vec<_>>(), more[..2]);
        assert_eq!(claimed_ids(&mut conn, later), more[2..]);
    }

    fn sent_retry_and_dead_transitions(db: &TestDb) {
        let mut conn = db.conn();
        let t0 = now() + Duration::minutes(1);
        let sent = queue(&mut conn, "will-be-sent");
        let retried = queue(&mut conn, "will-be-retried");
        let dead = queue(&mut conn, "will-die");
        assert_eq!(claimed_ids(&mut conn, t0).len(), 3);

        outbox::mark_sent(&mut conn, &sent, t0).expect("sent");
        let row = outbox::find(&mut conn, &sent).expect("row");
        assert_eq!(row.status(), Some(OutboxStatus::Sent));
        assert_eq!((row.attempts, row.sent_at, row.locked_until), (1, Some(t0), None));

        let next = t0 + Duration::minutes(2);
        outbox::mark_retry(&mut conn, &retried, 1, next, "connection refused").expect("retry");
        let row = outbox::find(&mut conn, &retried).expect("row");
        assert_eq!(row.status(), Some(OutboxStatus::Pending));
        assert_eq!((row.attempts, row.next_attempt_at, row.locked_until), (1, next, None));
        assert_eq!(row.last_error.as_deref(), Some("connection refused"));

        outbox::mark_dead(&mut conn, &dead, 1, "550 mailbox unavailable").expect("dead");
        let row = outbox::find(&mut conn, &dead).expect("row");
        assert_eq!(row.status(), Some(OutboxStatus::Dead));
        assert_eq!((row.attempts, row.locked_until, row.sent_at), (1, None, None));
        assert_eq!(row.last_error.as_deref(), Some("550 mailbox unavailable"));

        // Sent and dead rows are never claimed again; only the retried one is.
        assert_eq!(claimed_ids(&mut conn, t0 + Duration::days(1)), std::slice::from_ref(&retried));
        // A row that is no longer pending cannot be marked again.
        assert!(matches!(outbox::mark_sent(&mut conn, &sent, t0), Err(PersistenceError::NotFound)));
        assert!(matches!(outbox::mark_retry(&mut conn, &dead, 2, next, "x"), Err(PersistenceError::NotFound)));
        assert!(matches!(outbox::mark_dead(&mut conn, "no-such-id", 1, "x"), Err(PersistenceError::NotFound)));
    }

    fn concurrent_claimers_never_get_the_same_row(db: &TestDb) {
        const EMAILS: usize = 60;
        let mut conn = db.conn();
        let queued: HashSet<String> = (0..EMAILS).map(|i| queue(&mut conn, &format!("race-{i}"))).collect();
        drop(conn);
        let at = now() + Duration::minutes(1);

        let barrier = Arc::new(Barrier::new(2));
        let workers: Vec<_> = (0..2)
            .map(|_| {
                let db = db.db.clone();
                let barrier = Arc::clone(&barrier);
                std::thread::spawn(move || {
                    let mut conn = db.get().expect("a pooled connection per worker");
                    barrier.wait();
                    let mut mine = Vec::new();
                    loop {
                        let batch = outbox::claim_due(&mut conn, at, 3, Duration::minutes(5)).expect("claim");
                        if batch.is_empty() {
                            return mine;
                        }
                        mine.extend(batch.into_iter().map(|e| e.id));
                    }
                })
            })
            .collect();
        let claims: Vec<Vec<String>> = workers.into_iter().map(|w| w.join().expect("worker finished")).collect();

        let mut seen = HashSet::new();
        for id in claims.iter().flatten() {
            assert!(seen.insert(id.clone()), "{id} was claimed twice");
        }
        assert_eq!(seen, queued, "every e-mail is claimed exactly once");
    }
}
