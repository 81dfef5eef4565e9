//! The persistence layer's one error type. The web layer maps it to statuses
//! in one place: `NotFound` → 404, `Conflict` → 409, `Unavailable` → 503,
//! everything else → 500.

use thiserror::Error;

/// What can go wrong when reading or writing the database.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum PersistenceError {
    /// The row asked for does not exist (or is outside the caller's scope).
    #[error("not found")]
    NotFound,
    /// A uniqueness rule or an optimistic version check refused the write.
    #[error("conflict: {0}")]
    Conflict(String),
    /// No connection could be had in time (pool exhausted, database down, busy SQLite file).
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// The database URL or a setting is unusable.
    #[error("invalid database configuration: {0}")]
    Config(String),
    /// A migration failed; the schema was left as it was before it.
    #[error("migration failed: {0}")]
    Migration(String),
    /// Any other database error.
    #[error("database error: {0}")]
    Database(#[source] diesel::result::Error),
    /// The blocking task running the query panicked or was cancelled.
    #[error("database task failed: {0}")]
    Task(String),
}

impl From<diesel::result::Error> for PersistenceError {
    fn from(err: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match err {
            Error::NotFound => PersistenceError::NotFound,
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
                PersistenceError::Conflict(info.constraint_name().unwrap_or("unique").to_owned())
            }
            Error::DatabaseError(DatabaseErrorKind::SerializationFailure, _) => {
                PersistenceError::Conflict("concurrent update".to_owned())
            }
            Error::DatabaseError(DatabaseErrorKind::Unknown, ref info) if is_busy(info.message()) => {
                PersistenceError::Unavailable(
                    "the database is busy (another writer held the lock past busy_timeout)".to_owned(),
                )
            }
            Error::DatabaseError(DatabaseErrorKind::ClosedConnection, _) => {
                PersistenceError::Unavailable("the database connection was closed".to_owned())
            }
            other => PersistenceError::Database(other),
        }
    }
}

fn is_busy(message: &str) -> bool {
    message.contains("database is locked") || message.contains("database is busy")
}

impl From<r2d2::Error> for PersistenceError {
    fn from(err: r2d2::Error) -> Self {
        PersistenceError::Unavailable(err.to_string())
    }
}

impl PersistenceError {
    /// Whether the caller may retry later (the database is there but busy or down).
    pub fn is_unavailable(&self) -> bool {
        matches!(self, PersistenceError::Unavailable(_))
    }
}
