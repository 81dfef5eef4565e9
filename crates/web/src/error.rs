//! The web layer's one error type, and its mapping to statuses. The page
//! itself is rendered — in the visitor's language, with the request id — by
//! the `error_pages` middleware, which also logs server errors once.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use relais_app::AppError;
use relais_domain::Conflict;
use relais_persistence::PersistenceError;

/// What went wrong while answering a request.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    /// No such page or record (or not visible to this user).
    #[error("not found")]
    NotFound,
    /// Signed in, but the role does not allow it.
    #[error("forbidden")]
    Forbidden,
    /// A state-changing request without a valid CSRF token.
    #[error("missing or invalid CSRF token")]
    CsrfRejected,
    /// A request the server cannot read (malformed form, wrong content type).
    #[error("bad request: {0}")]
    BadRequest(String),
    /// The change conflicts with the current state.
    #[error("conflict: {0}")]
    Conflict(Conflict),
    /// The input is not acceptable and no form was there to show why (a
    /// handler with a form re-renders it with the field errors instead).
    #[error("invalid input: {0:?}")]
    Invalid(relais_app::FieldErrors),
    /// The database is unavailable or busy.
    #[error("service unavailable: {0}")]
    Unavailable(String),
    /// A bug or an unexpected failure; the detail is logged, never shown.
    #[error("internal error: {0}")]
    Internal(String),
}

/// Attached to error responses so the `error_pages` middleware can render
/// and log them.
#[derive(Debug, Clone)]
pub(crate) struct ErrorDetail(pub(crate) String);

impl WebError {
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        match self {
            WebError::NotFound => StatusCode::NOT_FOUND,
            WebError::Forbidden | WebError::CsrfRejected => StatusCode::FORBIDDEN,
            WebError::BadRequest(_) => StatusCode::BAD_REQUEST,
            WebError::Conflict(_) => StatusCode::CONFLICT,
            WebError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            WebError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            WebError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let mut response = self.status().into_response();
        response.extensions_mut().insert(ErrorDetail(self.to_string()));
        response
    }
}

impl From<PersistenceError> for WebError {
    fn from(err: PersistenceError) -> Self {
        WebError::from(AppError::from(err))
    }
}

/// The one mapping of application errors to pages: not found → 404,
/// forbidden → 403, a conflict → 409, invalid input → 422, unavailable
/// (busy, down, a concurrent change won: "try again") → 503, anything else → 500.
impl From<AppError> for WebError {
    fn from(err: AppError) -> Self {
        match err {
            AppError::Validation(errors) => WebError::Invalid(errors),
            AppError::NotFound => WebError::NotFound,
            AppError::Forbidden => WebError::Forbidden,
            AppError::Conflict(conflict) => WebError::Conflict(conflict),
            AppError::Unavailable(why) => WebError::Unavailable(why),
            other => WebError::Internal(other.to_string()),
        }
    }
}

impl From<Conflict> for WebError {
    fn from(conflict: Conflict) -> Self {
        WebError::Conflict(conflict)
    }
}

impl From<tera::Error> for WebError {
    fn from(err: tera::Error) -> Self {
        WebError::Internal(format!("template: {err}"))
    }
}

impl From<relais_email::EmailError> for WebError {
    fn from(err: relais_email::EmailError) -> Self {
        WebError::from(AppError::from(err))
    }
}

/// The result of a handler.
pub type WebResult<T> = Result<T, WebError>;
