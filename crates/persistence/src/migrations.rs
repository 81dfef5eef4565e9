//! Embedded migrations for both backends. `migrations/sqlite` and
//! `migrations/postgres` hold the same migration names; each migration runs
//! in its own transaction, so one that fails leaves the schema as it was.

use diesel::backend::Backend as DieselBackend;
use diesel::migration::{Migration, MigrationSource};
use diesel::pg::Pg;
use diesel::sqlite::Sqlite;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use crate::{DbConnection, PersistenceError};

const SQLITE: EmbeddedMigrations = embed_migrations!("../../migrations/sqlite");
const POSTGRES: EmbeddedMigrations = embed_migrations!("../../migrations/postgres");

/// Where the schema stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    /// Migrations already applied, oldest first.
    pub applied: Vec<String>,
    /// Migrations embedded in this binary but not applied yet, oldest first.
    pub pending: Vec<String>,
}

impl Status {
    /// Whether the schema is exactly what this binary expects.
    pub fn is_current(&self) -> bool {
        self.pending.is_empty()
    }
}

fn names<DB: DieselBackend>(source: &EmbeddedMigrations) -> Result<Vec<String>, PersistenceError> {
    Ok(MigrationSource::<DB>::migrations(source)
        .map_err(|e| PersistenceError::Migration(e.to_string()))?
        .iter()
        .map(|m| m.name().to_string())
        .collect())
}

/// Every migration name embedded for a backend (both lists are identical; a test checks it).
pub fn embedded_names() -> Result<(Vec<String>, Vec<String>), PersistenceError> {
    Ok((names::<Sqlite>(&SQLITE)?, names::<Pg>(&POSTGRES)?))
}

/// Applies every pending migration, oldest first; returns the names applied.
pub fn run_pending(conn: &mut DbConnection) -> Result<Vec<String>, PersistenceError> {
    let applied = match conn {
        DbConnection::Sqlite(c) => c.run_pending_migrations(SQLITE).map(versions),
        DbConnection::Postgres(c) => c.run_pending_migrations(POSTGRES).map(versions),
    };
    applied.map_err(|e| PersistenceError::Migration(e.to_string()))
}

/// Reverts every applied migration, newest first (tests and `relais migrate --revert-all`).
pub fn revert_all(conn: &mut DbConnection) -> Result<Vec<String>, PersistenceError> {
    let reverted = match conn {
        DbConnection::Sqlite(c) => c.revert_all_migrations(SQLITE).map(versions),
        DbConnection::Postgres(c) => c.revert_all_migrations(POSTGRES).map(versions),
    };
    reverted.map_err(|e| PersistenceError::Migration(e.to_string()))
}

/// Which migrations are applied and which are pending.
pub fn status(conn: &mut DbConnection) -> Result<Status, PersistenceError> {
    let result = match conn {
        DbConnection::Sqlite(c) => status_of(c, SQLITE),
        DbConnection::Postgres(c) => status_of(c, POSTGRES),
    };
    result.map_err(|e| PersistenceError::Migration(e.to_string()))
}

type HarnessResult<T> = diesel::migration::Result<T>;

fn status_of<DB, C>(conn: &mut C, source: EmbeddedMigrations) -> HarnessResult<Status>
where
    DB: DieselBackend,
    C: MigrationHarness<DB>,
    EmbeddedMigrations: MigrationSource<DB>,
{
    let applied: Vec<String> = conn.applied_migrations()?.iter().map(ToString::to_string).collect();
    let pending = conn.pending_migrations(source)?.iter().map(|m| m.name().to_string()).collect();
    Ok(Status { applied, pending })
}

fn versions(list: Vec<diesel::migration::MigrationVersion<'_>>) -> Vec<String> {
    list.iter().map(ToString::to_string).collect()
}

/// Applies the pending migrations of a folder laid out like `migrations/<backend>/`
/// (used to check a migration before it is embedded, and by the tests that
/// prove a failing migration leaves the schema as it was).
pub fn run_pending_from_dir(conn: &mut DbConnection, dir: &std::path::Path) -> Result<Vec<String>, PersistenceError> {
    let source = diesel_migrations::FileBasedMigrations::from_path(dir)
        .map_err(|e| PersistenceError::Migration(e.to_string()))?;
    let applied = match conn {
        DbConnection::Sqlite(c) => c.run_pending_migrations(source).map(versions),
        DbConnection::Postgres(c) => c.run_pending_migrations(source).map(versions),
    };
    applied.map_err(|e| PersistenceError::Migration(e.to_string()))
}
