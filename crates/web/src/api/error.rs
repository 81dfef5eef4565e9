//! The API's error shape: `{"error": {"code": "…", "message": "…", "fields": {…}}}`
//! with a stable `code` (listed in the OpenAPI document) and a status that
//! fits. Never an HTML page, never a detail of a server error.

use std::collections::BTreeMap;

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use relais_app::AppError;
use relais_domain::Conflict;
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::ErrorDetail;

/// An error answer.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub(crate) struct ErrorBody {
    pub(crate) error: ErrorInfo,
}

/// What went wrong.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub(crate) struct ErrorInfo {
    /// A stable code: `unauthenticated`, `forbidden`, `not_found`,
    /// `validation_failed`, `malformed_json`, `bad_query`, `unsupported_media_type`,
    /// `payload_too_large`, `conflict` codes (`stale_version`, `duplicate`,
    /// `illegal_transition`, `intake_closed`, `consent_required`, `erased`,
    /// `open_cases`, `already_withdrawn`, `own_membership`, `inactive_tenant`),
    /// `precondition_failed`, `idempotency_key_reused`,
    /// `idempotency_key_in_use`, `rate_limited`, `unavailable`, `internal`.
    #[schema(example = "validation_failed")]
    pub(crate) code: String,
    /// A sentence for the developer (English).
    pub(crate) message: String,
    /// Field → problem code, for `validation_failed`.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub(crate) fields: BTreeMap<String, String>,
}

/// An API failure, answered as JSON.
#[derive(Debug)]
pub(crate) struct ApiError {
    pub(crate) status: StatusCode,
    pub(crate) code: &'static str,
    pub(crate) message: String,
    pub(crate) fields: BTreeMap<String, String>,
    /// `Retry-After` seconds (429, 503).
    pub(crate) retry_after: Option<u64>,
    /// The detail of a server error: logged once, never answered.
    detail: Option<String>,
}

impl ApiError {
    pub(crate) fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self { status, code, message: message.into(), fields: BTreeMap::new(), retry_after: None, detail: None }
    }

    /// No (valid) token.
    pub(crate) fn unauthenticated() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            "a valid API token is required (Authorization: Bearer …)",
        )
    }

    /// Too many calls with this token.
    pub(crate) fn rate_limited(retry_after: u64) -> Self {
        Self {
            retry_after: Some(retry_after),
            ..Self::new(StatusCode::TOO_MANY_REQUESTS, "rate_limited", "too many requests with this token; retry later")
        }
    }

    /// A body that is not the JSON the operation takes.
    pub(crate) fn malformed(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "malformed_json", message)
    }

    /// One field's problem.
    pub(crate) fn field(field: &str, problem: &str) -> Self {
        let mut fields = BTreeMap::new();
        fields.insert(field.to_owned(), problem.to_owned());
        Self { fields, ..Self::new(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", "a field is not acceptable") }
    }
}

/// A message key of the pages (`error-required`, `ref-error-no-field`) as an
/// API problem code (`required`, `no_field`).
fn problem_code(key: &str) -> String {
    let key = key.rsplit_once("error-").map_or(key, |(_, rest)| rest);
    key.replace('-', "_")
}

impl From<AppError> for ApiError {
    fn from(err: AppError) -> Self {
        let code = err.code();
        match err {
            AppError::Validation(errors) => ApiError {
                fields: errors.iter().map(|(f, k)| (f.to_owned(), problem_code(k))).collect(),
                ..ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, code, "some fields are not acceptable")
            },
            AppError::NotFound => ApiError::new(StatusCode::NOT_FOUND, code, "no such record"),
            AppError::Forbidden => ApiError::new(StatusCode::FORBIDDEN, code, "the token's role does not allow this"),
            AppError::Conflict(Conflict::StaleVersion) => ApiError::new(
                StatusCode::PRECONDITION_FAILED,
                "precondition_failed",
                "the record changed since it was read (If-Match)",
            ),
            AppError::Conflict(conflict) => ApiError::new(StatusCode::CONFLICT, code, conflict.to_string()),
            AppError::Unavailable(why) => ApiError {
                retry_after: Some(5),
                detail: Some(why),
                ..ApiError::new(StatusCode::SERVICE_UNAVAILABLE, code, "the service cannot answer right now; try again")
            },
            other => ApiError {
                detail: Some(other.to_string()),
                ..ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "unexpected error; the request id names it",
                )
            },
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body =
            ErrorBody { error: ErrorInfo { code: self.code.to_owned(), message: self.message, fields: self.fields } };
        let mut response = (self.status, Json(body)).into_response();
        if let Some(seconds) = self.retry_after
            && let Ok(value) = HeaderValue::from_str(&seconds.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        if self.status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        if let Some(detail) = self.detail {
            // Logged once by the API middleware, with the request id.
            response.extensions_mut().insert(ErrorDetail(detail));
        }
        response
    }
}

/// The result of an API handler.
pub(crate) type ApiResult<T> = Result<T, ApiError>;

#[cfg(test)]
mod tests {
    use super::problem_code;

    #[test]
    fn page_message_keys_become_problem_codes() {
        assert_eq!(problem_code("error-required"), "required");
        assert_eq!(problem_code("ref-error-no-field"), "no_field");
        assert_eq!(problem_code("case-error-future-date"), "future_date");
        assert_eq!(problem_code("api-error-lifetime"), "lifetime");
    }
}
