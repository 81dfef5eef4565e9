//! Typed conflicts on both backends: a unique constraint lost in a race is
//! the duplicate it guards (never "any conflict"), and a serialisation
//! failure is "try again" (unavailable), never a duplicate.

use std::sync::{Arc, Barrier};

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use relais_domain::{Conflict, Duplicate};
use relais_persistence::schema::tenants;
use relais_persistence::{Backend, DbConnection, PersistenceError, write_tx};
use relais_test_support::backend_tests;

fn insert_tenant(conn: &mut DbConnection, name: &str) -> Result<(), PersistenceError> {
    let now = relais_persistence::now();
    diesel::insert_into(tenants::table)
        .values((
            tenants::id.eq(relais_domain::TenantId::new().to_string()),
            tenants::name.eq(name),
            tenants::kind.eq("association"),
            tenants::region.eq("rabat_sale_kenitra"),
            tenants::default_language.eq("fr"),
            tenants::contact_email.eq("contact@example.org"),
            tenants::active.eq(true),
            tenants::created_at.eq(now),
            tenants::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

backend_tests! {
    fn two_writers_racing_for_one_name_get_the_typed_duplicate(db: &TestDb) {
        let start = Arc::new(Barrier::new(2));
        let results: Vec<Result<(), PersistenceError>> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..2)
                .map(|_| {
                    let (start, mut conn) = (start.clone(), db.conn());
                    s.spawn(move || {
                        start.wait();
                        write_tx(&mut conn, |conn| insert_tenant(conn, "Hub Innov'Action"))
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().expect("the writer thread")).collect()
        });
        let won = results.iter().filter(|r| r.is_ok()).count();
        assert_eq!(won, 1, "{results:?}");
        let lost = results.into_iter().find_map(Result::err).expect("one writer lost");
        assert!(matches!(lost, PersistenceError::Conflict(Conflict::Duplicate(Duplicate::TenantName))), "{lost:?}");
    }

    fn a_serialisation_failure_is_try_again_not_a_duplicate(db: &TestDb) {
        if db.backend() != Backend::Postgres {
            // SQLite serialises writers with its lock: a second writer waits (or is busy), it never fails to serialise.
            return;
        }
        let (mut first, mut second) = (db.conn(), db.conn());
        // Write skew: each transaction reads the table, then writes a row the other's read would have seen.
        for conn in [&mut first, &mut second] {
            conn.batch_execute("BEGIN ISOLATION LEVEL SERIALIZABLE; SELECT COUNT(*) FROM tenants;").expect("begin");
        }
        insert_tenant(&mut first, "Premier").expect("first insert");
        insert_tenant(&mut second, "Second").expect("second insert");
        first.batch_execute("COMMIT").expect("the first commits");
        let lost = second.batch_execute("COMMIT").map_err(PersistenceError::from).expect_err("the second cannot");
        assert!(matches!(lost, PersistenceError::Unavailable(_)), "{lost:?}");
        assert!(lost.is_unavailable());
    }
}
