//! The persistence layer's one error type. The application layer
//! (`relais-app`) turns it into its own error: `NotFound` → not found,
//! `Conflict` → a typed conflict, `Unavailable` → "try again", everything
//! else → internal.

use relais_domain::{Conflict, Duplicate};
use thiserror::Error;

/// What can go wrong when reading or writing the database.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum PersistenceError {
    /// The row asked for does not exist (or is outside the caller's scope).
    #[error("not found")]
    NotFound,
    /// The current state of the records refuses the write: a uniqueness rule
    /// (typed by constraint), an optimistic version check, a state rule.
    #[error("conflict: {0}")]
    Conflict(Conflict),
    /// No connection could be had in time (pool exhausted, database down,
    /// busy SQLite file), or a concurrent transaction won (serialisation
    /// failure): the same request may succeed if tried again.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// The database URL or a setting is unusable.
    #[error("invalid database configuration: {0}")]
    Config(String),
    /// A migration failed; the schema was left as it was before it.
    #[error("migration failed: {0}")]
    Migration(String),
    /// Any other database error (a unique constraint no rule knows, a bad
    /// stored code — whose message names the column —, a bug).
    #[error("database error: {0}")]
    Database(#[source] diesel::result::Error),
    /// The blocking task running the query panicked or was cancelled.
    #[error("database task failed: {0}")]
    Task(String),
}

/// Each unique constraint of the schema: its name (PostgreSQL reports it),
/// the columns SQLite names in its message (`UNIQUE constraint failed:
/// tenants.name`), and what it means.
const UNIQUE_CONSTRAINTS: &[(&str, &str, Duplicate)] = &[
    ("tenants_name_key", "tenants.name", Duplicate::TenantName),
    ("users_email_key", "users.email", Duplicate::UserEmail),
    ("memberships_tenant_user_key", "memberships.tenant_id, memberships.user_id", Duplicate::Membership),
    ("external_organisations_name_key", "external_organisations.name", Duplicate::OrganisationName),
    ("cases_reference_key", "cases.tenant_id, cases.reference", Duplicate::CaseReference),
    ("referrals_reference_key", "referrals.reference", Duplicate::ReferralReference),
    ("referrals_external_token_key", "referrals.external_token_hash", Duplicate::ReferralLink),
    ("email_outbox_idempotency_key", "email_outbox.idempotency_key", Duplicate::OutboxKey),
    ("api_tokens_hash_key", "api_tokens.token_hash", Duplicate::ApiToken),
    ("api_idempotency_pkey", "api_idempotency.token_id, api_idempotency.idempotency_key", Duplicate::IdempotencyKey),
    (
        "casbin_rule_key",
        "casbin_rule.ptype, casbin_rule.v0, casbin_rule.v1, casbin_rule.v2, casbin_rule.v3, casbin_rule.v4, casbin_rule.v5",
        Duplicate::RoleAssignment,
    ),
];

/// What a unique violation means, from the constraint name (PostgreSQL) or
/// the message's column list (SQLite); `None` for a constraint no rule knows.
pub fn duplicate_of(constraint: Option<&str>, message: &str) -> Option<Duplicate> {
    let columns = message.strip_prefix("UNIQUE constraint failed: ");
    UNIQUE_CONSTRAINTS
        .iter()
        .find(|(name, cols, _)| constraint == Some(*name) || columns == Some(*cols))
        .map(|(_, _, duplicate)| *duplicate)
}

impl From<diesel::result::Error> for PersistenceError {
    fn from(err: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match err {
            Error::NotFound => PersistenceError::NotFound,
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, ref info) => {
                match duplicate_of(info.constraint_name(), info.message()) {
                    Some(duplicate) => PersistenceError::Conflict(Conflict::Duplicate(duplicate)),
                    None => PersistenceError::Database(err),
                }
            }
            Error::DatabaseError(DatabaseErrorKind::SerializationFailure, _) => PersistenceError::Unavailable(
                "a concurrent transaction changed the same rows; the change can be tried again".to_owned(),
            ),
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

impl From<Conflict> for PersistenceError {
    fn from(conflict: Conflict) -> Self {
        PersistenceError::Conflict(conflict)
    }
}

impl PersistenceError {
    /// Whether the caller may retry later (the database is there but busy or down).
    pub fn is_unavailable(&self) -> bool {
        matches!(self, PersistenceError::Unavailable(_))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unique_violations_are_typed_by_constraint_on_both_backends() {
        assert_eq!(duplicate_of(Some("tenants_name_key"), "duplicate key value"), Some(Duplicate::TenantName));
        assert_eq!(duplicate_of(None, "UNIQUE constraint failed: tenants.name"), Some(Duplicate::TenantName));
        assert_eq!(
            duplicate_of(None, "UNIQUE constraint failed: cases.tenant_id, cases.reference"),
            Some(Duplicate::CaseReference)
        );
        assert_eq!(duplicate_of(Some("something_else_key"), "duplicate key value"), None);
        assert_eq!(duplicate_of(None, "UNIQUE constraint failed: tenants.id"), None);
    }
}
