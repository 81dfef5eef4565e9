//! The application layer's one error type. The web layer maps it to pages
//! in one place (`relais-web`'s `error.rs`); the JSON API maps it to
//! `{code, message, fields}` with [`AppError::code`].

use std::collections::BTreeMap;

use relais_domain::Conflict;
use relais_persistence::PersistenceError;

/// Problems found in the input of a command: field name → message key
/// (a translation key such as `error-required`, stable like a code).
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldErrors(BTreeMap<&'static str, &'static str>);

impl FieldErrors {
    /// No problems yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a problem with a field (the first one recorded is kept).
    pub fn add(&mut self, field: &'static str, message_key: &'static str) {
        self.0.entry(field).or_insert(message_key);
    }

    /// Whether the input is acceptable.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The message key recorded for a field, if any.
    pub fn get(&self, field: &str) -> Option<&'static str> {
        self.0.get(field).copied()
    }

    /// Every (field, message key), in field order.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &'static str)> + '_ {
        self.0.iter().map(|(f, m)| (*f, *m))
    }

    /// `Ok(())` when empty, the validation error otherwise.
    pub fn into_result(self) -> AppResult<()> {
        if self.is_empty() { Ok(()) } else { Err(AppError::Validation(self)) }
    }

    /// Trims a text field and checks its length in characters: an empty
    /// required value is `error-required`, a longer one `error-too-long`.
    /// Returns the trimmed text.
    pub fn text(&mut self, field: &'static str, value: &str, max_chars: usize, required: bool) -> String {
        let value = value.trim().to_owned();
        if required && value.is_empty() {
            self.add(field, "error-required");
        } else if value.chars().count() > max_chars {
            self.add(field, "error-too-long");
        }
        value
    }

    /// An error for one field.
    pub fn one(field: &'static str, message_key: &'static str) -> AppError {
        let mut errors = FieldErrors::new();
        errors.add(field, message_key);
        AppError::Validation(errors)
    }
}

/// Why a command did not happen. Nothing was written when a command fails.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AppError {
    /// The input is not acceptable; each field says why.
    #[error("invalid input: {0:?}")]
    Validation(FieldErrors),
    /// No such record (or not visible to this actor).
    #[error("not found")]
    NotFound,
    /// The actor may not do this.
    #[error("forbidden")]
    Forbidden,
    /// The current state of the records refuses the change.
    #[error("conflict: {0}")]
    Conflict(Conflict),
    /// The database is unavailable or busy, or a concurrent change won: try again.
    #[error("unavailable: {0}")]
    Unavailable(String),
    /// A bug or an unexpected failure; the detail is logged, never shown.
    #[error("internal error: {0}")]
    Internal(String),
}

/// The result of a command.
pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    /// A stable code for the JSON API and logs.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Validation(_) => "validation_failed",
            AppError::NotFound => "not_found",
            AppError::Forbidden => "forbidden",
            AppError::Conflict(conflict) => conflict.code(),
            AppError::Unavailable(_) => "unavailable",
            AppError::Internal(_) => "internal",
        }
    }
}

impl From<PersistenceError> for AppError {
    fn from(err: PersistenceError) -> Self {
        match err {
            PersistenceError::NotFound => AppError::NotFound,
            PersistenceError::Conflict(conflict) => AppError::Conflict(conflict),
            PersistenceError::Unavailable(why) => AppError::Unavailable(why),
            other => AppError::Internal(other.to_string()),
        }
    }
}

impl From<Conflict> for AppError {
    fn from(conflict: Conflict) -> Self {
        AppError::Conflict(conflict)
    }
}

impl From<relais_email::EmailError> for AppError {
    fn from(err: relais_email::EmailError) -> Self {
        match err {
            relais_email::EmailError::Persistence(inner) => AppError::from(inner),
            other => AppError::Internal(format!("e-mail: {other}")),
        }
    }
}
