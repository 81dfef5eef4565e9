//! JSON in and out. A body that is not JSON is 400 `malformed_json`; JSON
//! of the wrong shape (a wrong type, a missing field, an unknown field —
//! refused, never ignored) is 422 `validation_failed`; another content type
//! is 415. Lists are pages: `?after=<cursor>&limit=<1..=200>`.

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use utoipa::IntoParams;

use super::error::ApiError;

/// A JSON body read into `T` (whose struct refuses unknown fields).
pub(crate) struct ApiJson<T>(pub(crate) T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(request, state).await {
            Ok(axum::Json(value)) => Ok(ApiJson(value)),
            Err(JsonRejection::JsonDataError(e)) => Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation_failed",
                format!("the body does not fit the operation: {}", e.body_text()),
            )),
            Err(JsonRejection::MissingJsonContentType(_)) => Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "send the body as application/json",
            )),
            Err(JsonRejection::BytesRejection(_)) => {
                Err(ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", "the body is too large"))
            }
            Err(other) => Err(ApiError::malformed(format!("the body is not JSON: {}", other.body_text()))),
        }
    }
}

/// Query parameters read into `T` (whose struct refuses unknown parameters);
/// a bad query is 400 `bad_query` in the API's error shape.
pub(crate) struct ApiQuery<T>(pub(crate) T);

impl<S, T> axum::extract::FromRequestParts<S> for ApiQuery<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Query(value)| ApiQuery(value))
            .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "bad_query", e.body_text()))
    }
}

/// Most rows a page may ask for.
pub(crate) const LIMIT_MAX: i64 = 200;
/// Rows per page unless asked.
pub(crate) const LIMIT_DEFAULT: i64 = 50;

/// Paging of a list: the cursor a previous page gave, and how many rows.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct PageParams {
    /// The `next` cursor of the previous page.
    pub(crate) after: Option<String>,
    /// Rows per page, 1 to 200 (default 50).
    pub(crate) limit: Option<i64>,
}

impl PageParams {
    /// The limit asked for, checked.
    pub(crate) fn limit(&self) -> Result<i64, ApiError> {
        match self.limit {
            None => Ok(LIMIT_DEFAULT),
            Some(n) if (1..=LIMIT_MAX).contains(&n) => Ok(n),
            Some(_) => Err(ApiError::field("limit", "out_of_range")),
        }
    }
}

/// A keyset cursor: the (latest change, id) of the last row of a page, as
/// opaque URL-safe text.
pub(crate) fn cursor(at: chrono::NaiveDateTime, id: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{}|{id}", at.and_utc().timestamp_micros()))
}

/// Reads a cursor back; anything else is a 422 on `after`.
pub(crate) fn read_cursor<T: std::str::FromStr>(text: &str) -> Result<(chrono::NaiveDateTime, T), ApiError> {
    use base64::Engine as _;
    let bad = || ApiError::field("after", "invalid_cursor");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(text).map_err(|_| bad())?;
    let text = String::from_utf8(bytes).map_err(|_| bad())?;
    let (micros, id) = text.split_once('|').ok_or_else(bad)?;
    let at = micros.parse::<i64>().ok().and_then(chrono::DateTime::from_timestamp_micros).ok_or_else(bad)?.naive_utc();
    Ok((at, id.parse().map_err(|_| bad())?))
}

/// A path id of the API: one that does not parse names no record (404).
pub(crate) fn parse_id<T: std::str::FromStr>(text: &str) -> Result<T, ApiError> {
    text.parse().map_err(|_| ApiError::from(relais_app::AppError::NotFound))
}
