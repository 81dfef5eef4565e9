//! Migrations: same names on both backends, up/down/up leaves the same
//! schema, and a failing migration changes nothing.

use relais_persistence::{introspection, migrations};
use relais_test_support::{TestDb, backend_tests};

#[test]
fn both_backends_have_the_same_migration_names() {
    let (sqlite, postgres) = migrations::embedded_names().expect("embedded migrations are readable");
    assert!(!sqlite.is_empty());
    assert_eq!(sqlite, postgres);
}

fn up_down_up(db: &TestDb) {
    let mut conn = db.conn();
    assert_eq!(introspection::tables(&mut conn).expect("tables").len(), 0);
    let applied = migrations::run_pending(&mut conn).expect("first up");
    assert!(!applied.is_empty());
    let first = introspection::dump(&mut conn).expect("dump");
    assert!(first.contains("table tenants"), "{first}");
    assert!(migrations::status(&mut conn).expect("status").is_current());

    migrations::revert_all(&mut conn).expect("down");
    assert_eq!(introspection::dump(&mut conn).expect("dump"), "", "down leaves tables behind");
    assert!(!migrations::status(&mut conn).expect("status").is_current());

    migrations::run_pending(&mut conn).expect("second up");
    assert_eq!(introspection::dump(&mut conn).expect("dump"), first);
}

mod up_down_up_leaves_the_same_schema {
    #[test]
    fn sqlite() {
        super::up_down_up(&super::TestDb::sqlite_empty());
    }

    #[test]
    fn postgres() {
        if let Some(db) = super::TestDb::postgres_empty() {
            super::up_down_up(&db);
        }
    }
}

backend_tests! {
    fn a_failing_migration_leaves_the_schema_as_it_was(db: &TestDb) {
        let dir = tempfile::tempdir().expect("temp dir");
        let migration = dir.path().join("2099-01-01-000000_broken");
        std::fs::create_dir_all(&migration).expect("mkdir");
        std::fs::write(
            migration.join("up.sql"),
            "CREATE TABLE half_done (id TEXT PRIMARY KEY NOT NULL);\nINSERT INTO no_such_table VALUES (1);\n",
        )
        .expect("write up.sql");
        std::fs::write(migration.join("down.sql"), "DROP TABLE half_done;\n").expect("write down.sql");

        let mut conn = db.conn();
        let before = introspection::dump(&mut conn).expect("dump");
        let err = migrations::run_pending_from_dir(&mut conn, dir.path()).expect_err("the migration fails");
        assert!(err.to_string().contains("2099"), "the message names the migration: {err}");
        assert_eq!(introspection::dump(&mut conn).expect("dump"), before);
    }
}
