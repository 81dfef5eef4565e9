#![doc = include_str!("../README.md")]

use std::io::Write as _;
use std::sync::Once;

use diesel::connection::SimpleConnection;
use relais_persistence::{Backend, DatabaseUrl, Db, PoolSettings, PooledConnection, migrations};

/// The environment variable naming the PostgreSQL database tests may use.
pub const POSTGRES_URL_VAR: &str = "RELAIS_TEST_DATABASE_URL";

/// A database for one test, removed when it is dropped.
pub struct TestDb {
    /// The pool over the test database.
    pub db: Db,
    _cleanup: Cleanup,
}

enum Cleanup {
    Sqlite(#[expect(dead_code, reason = "held so the folder lives as long as the database")] tempfile::TempDir),
    Postgres { admin_url: DatabaseUrl, schema: String },
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        if let Cleanup::Postgres { admin_url, schema } = self
            && let Ok(db) = Db::connect(admin_url, small_pool())
            && let Ok(mut conn) = db.get()
        {
            let _ = conn.batch_execute(&format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"));
        }
    }
}

fn small_pool() -> PoolSettings {
    PoolSettings { max_connections: 4, ..PoolSettings::default() }
}

impl TestDb {
    /// A migrated SQLite database in a temporary folder.
    pub fn sqlite() -> Self {
        let db = Self::sqlite_empty();
        db.migrate();
        db
    }

    /// An empty (unmigrated) SQLite database in a temporary folder.
    pub fn sqlite_empty() -> Self {
        let dir = tempfile::tempdir().expect("a temporary folder for the test database");
        let url = DatabaseUrl::parse(&format!("sqlite:{}", dir.path().join("test.db").display()))
            .expect("a valid SQLite URL");
        let db = Db::connect(&url, small_pool()).expect("the test SQLite database opens");
        Self { db, _cleanup: Cleanup::Sqlite(dir) }
    }

    /// A migrated schema of its own in the test PostgreSQL database, or
    /// `None` (with a message) when no URL is configured outside CI.
    pub fn postgres() -> Option<Self> {
        let db = Self::postgres_empty()?;
        db.migrate();
        Some(db)
    }

    /// An empty schema of its own in the test PostgreSQL database.
    pub fn postgres_empty() -> Option<Self> {
        let base = postgres_url()?;
        let admin_url = DatabaseUrl::parse(&base).expect("RELAIS_TEST_DATABASE_URL is a postgres:// URL");
        assert_eq!(admin_url.backend(), Backend::Postgres, "{POSTGRES_URL_VAR} must name a PostgreSQL database");
        let schema = format!("test_{}", uuid::Uuid::now_v7().simple());
        {
            let admin = Db::connect(&admin_url, small_pool()).expect("the test PostgreSQL database is reachable");
            let mut conn = admin.get().expect("a connection to the test PostgreSQL database");
            conn.batch_execute(&format!("CREATE SCHEMA \"{schema}\"")).expect("the test schema is created");
        }
        let separator = if base.contains('?') { '&' } else { '?' };
        let url = DatabaseUrl::parse(&format!("{base}{separator}options=-csearch_path%3D{schema}"))
            .expect("a valid URL with a search path");
        let db = Db::connect(&url, small_pool()).expect("the test schema is reachable");
        Some(Self { db, _cleanup: Cleanup::Postgres { admin_url, schema } })
    }

    /// Applies every migration.
    pub fn migrate(&self) {
        let mut conn = self.conn();
        migrations::run_pending(&mut conn).expect("migrations apply");
    }

    /// A pooled connection.
    pub fn conn(&self) -> PooledConnection {
        self.db.get().expect("a connection to the test database")
    }

    /// The backend of this database.
    pub fn backend(&self) -> Backend {
        self.db.backend()
    }
}

/// The test PostgreSQL URL, if set. Outside CI its absence prints one
/// message on the terminal; under CI it is an error.
pub fn postgres_url() -> Option<String> {
    static WARNED: Once = Once::new();
    match std::env::var(POSTGRES_URL_VAR) {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ => {
            assert!(
                std::env::var_os("CI").is_none(),
                "{POSTGRES_URL_VAR} is not set under CI: the PostgreSQL cases must run"
            );
            WARNED.call_once(|| {
                // Written past the test harness's capture so that it is seen.
                let _ = writeln!(
                    std::io::stderr(),
                    "note: {POSTGRES_URL_VAR} is not set; PostgreSQL test cases are skipped"
                );
            });
            None
        }
    }
}

/// Runs a test body on SQLite.
pub fn run_sqlite(body: impl FnOnce(&TestDb)) {
    body(&TestDb::sqlite());
}

/// Runs a test body on PostgreSQL, or skips it (see [`postgres_url`]).
pub fn run_postgres(body: impl FnOnce(&TestDb)) {
    if let Some(db) = TestDb::postgres() {
        body(&db);
    }
}

/// Declares tests that run once on SQLite and once on PostgreSQL:
/// each `fn name(db: &TestDb) { … }` becomes `name::sqlite` and `name::postgres`.
#[macro_export]
macro_rules! backend_tests {
    ($( $(#[$meta:meta])* fn $name:ident($db:ident : &TestDb) $body:block )*) => {
        $(
            $(#[$meta])*
            fn $name($db: &$crate::TestDb) $body

            mod $name {
                #[test]
                fn sqlite() {
                    $crate::run_sqlite(super::$name);
                }

                #[test]
                fn postgres() {
                    $crate::run_postgres(super::$name);
                }
            }
        )*
    };
}

/// Like [`backend_tests!`] for async bodies taking the database by value:
/// each `async fn name(db: TestDb) { … }` runs on a tokio runtime per backend.
#[macro_export]
macro_rules! backend_tests_async {
    ($( $(#[$meta:meta])* async fn $name:ident($db:ident : TestDb) $body:block )*) => {
        $(
            $(#[$meta])*
            async fn $name($db: $crate::TestDb) $body

            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$name($crate::TestDb::sqlite()).await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    if let Some(db) = $crate::TestDb::postgres() {
                        super::$name(db).await;
                    }
                }
            }
        )*
    };
}

/// Small fixtures shared by the persistence-level tests of several crates.
pub mod fixtures {
    use relais_domain::{EmailAddress, Language, MembershipStatus, Region, TenantKind, TenantRole};
    use relais_persistence::models::{memberships, tenants, users};
    use relais_persistence::{DbConnection, TenantScope};

    /// A tenant (an association in Rabat-Salé-Kénitra, French by default) and its scope.
    pub fn tenant(conn: &mut DbConnection, name: &str) -> TenantScope {
        let tenant = tenants::create(
            conn,
            &tenants::NewTenant {
                name: name.into(),
                kind: TenantKind::Association,
                region: Region::RabatSaleKenitra,
                default_language: Language::Fr,
                contact_email: EmailAddress::parse("contact@example.org").expect("a valid address"),
            },
            relais_persistence::now(),
        )
        .expect("the tenant is created");
        TenantScope::for_system(tenant.tenant_id().expect("a well-formed id"))
    }

    /// A user without a password; returns the user id.
    pub fn user(conn: &mut DbConnection, email: &str, language: Option<Language>) -> String {
        let address = EmailAddress::parse(email).expect("a valid address");
        users::create(
            conn,
            &users::NewUser {
                email: &address,
                display_name: "Test user",
                password_hash: None,
                preferred_language: language,
            },
            relais_persistence::now(),
        )
        .expect("the user is created")
        .id
    }

    /// A user with an active membership in the scope's tenant; returns the user id.
    pub fn member(conn: &mut DbConnection, scope: &TenantScope, email: &str, role: TenantRole) -> String {
        let id = user(conn, email, None);
        memberships::create(conn, scope, &id, role, MembershipStatus::Active, relais_persistence::now())
            .expect("the membership is created");
        id
    }

    /// A person ("Awa Diop") with a case in `status` assigned to `assignee`,
    /// written straight into the tables (for tests of jobs and queries that
    /// only need the rows); returns (person id, case id).
    pub fn person_with_case(
        conn: &mut DbConnection,
        scope: &TenantScope,
        assignee: &str,
        status: &str,
    ) -> (String, String) {
        use diesel::prelude::*;
        use relais_persistence::schema::{beneficiaries, case_assignments, cases};
        let tenant = scope.tenant_id().to_string();
        let now = relais_persistence::now();
        let (person, case) = (uuid::Uuid::now_v7().to_string(), uuid::Uuid::now_v7().to_string());
        diesel::insert_into(beneficiaries::table)
            .values((
                beneficiaries::tenant_id.eq(&tenant),
                beneficiaries::id.eq(&person),
                beneficiaries::given_names.eq("Awa"),
                beneficiaries::family_names.eq("Diop"),
                beneficiaries::name_key.eq("awa diop"),
                beneficiaries::sex.eq("female"),
                beneficiaries::created_at.eq(now),
                beneficiaries::updated_at.eq(now),
            ))
            .execute(conn)
            .expect("the person is written");
        diesel::insert_into(cases::table)
            .values((
                cases::tenant_id.eq(&tenant),
                cases::id.eq(&case),
                cases::beneficiary_id.eq(&person),
                cases::reference.eq(format!("C-{case}")),
                cases::pathway.eq("auto_entrepreneur"),
                cases::status.eq(status),
                cases::intake_date.eq(now.date()),
                cases::created_at.eq(now),
                cases::updated_at.eq(now),
            ))
            .execute(conn)
            .expect("the case is written");
        diesel::insert_into(case_assignments::table)
            .values((
                case_assignments::tenant_id.eq(&tenant),
                case_assignments::case_id.eq(&case),
                case_assignments::user_id.eq(assignee),
            ))
            .execute(conn)
            .expect("the assignment is written");
        (person, case)
    }
}
