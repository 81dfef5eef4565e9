//! Typed ids from the URL path. A segment that is not a valid id names no
//! record: the rejection is the normal 404 page (`WebError::NotFound`), the
//! same answer as for an id of another tenant.

use std::str::FromStr;

use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;

use crate::error::WebError;

/// One typed id: `/cases/{id}` → `Id<CaseId>`.
#[derive(Debug, Clone, Copy)]
pub struct Id<T>(pub T);

impl<T, S> FromRequestParts<S> for Id<T>
where
    T: FromStr + Send,
    S: Send + Sync,
{
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Path(text) = Path::<String>::from_request_parts(parts, state).await.map_err(|_| WebError::NotFound)?;
        text.parse().map(Id).map_err(|_| WebError::NotFound)
    }
}

/// Two typed ids: `/cases/{id}/tasks/{task_id}` → `Ids<CaseId, TaskId>`.
#[derive(Debug, Clone, Copy)]
pub struct Ids<A, B>(pub A, pub B);

impl<A, B, S> FromRequestParts<S> for Ids<A, B>
where
    A: FromStr + Send,
    B: FromStr + Send,
    S: Send + Sync,
{
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Path((a, b)) =
            Path::<(String, String)>::from_request_parts(parts, state).await.map_err(|_| WebError::NotFound)?;
        match (a.parse(), b.parse()) {
            (Ok(a), Ok(b)) => Ok(Ids(a, b)),
            _ => Err(WebError::NotFound),
        }
    }
}
