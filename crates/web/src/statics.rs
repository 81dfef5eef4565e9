//! Static files, embedded, served under content-hashed names with a long cache.

use axum::extract::{Path, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::IntoResponse;

use crate::error::WebError;
use crate::state::AppState;

/// Serves `/static/{file}`.
pub(crate) async fn serve(
    State(app): State<AppState>,
    Path(file): Path<String>,
) -> Result<impl IntoResponse, WebError> {
    let asset = app.templates.asset(&file).ok_or(WebError::NotFound)?;
    Ok(([(CONTENT_TYPE, asset.content_type), (CACHE_CONTROL, "public, max-age=31536000, immutable")], asset.bytes))
}
