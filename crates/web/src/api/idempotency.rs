//! `Idempotency-Key` on writes: the first answer to a key is kept 24 hours;
//! the same key with the same request (method, path, body) gets that answer
//! again (`Idempotent-Replayed: true`) without running the write twice; the
//! same key with another request is 422 `idempotency_key_reused`; a key
//! whose first write is still running is 409 `idempotency_key_in_use`. A
//! server error is not kept, so the write may be tried again.

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use relais_app::AppError;
use relais_app::api_tokens;
use relais_domain::{Conflict, Duplicate};
use sha2::{Digest, Sha256};

use super::auth::ApiContext;
use super::error::ApiError;
use crate::state::AppState;

/// The header a client sends.
pub(crate) const HEADER: &str = "idempotency-key";
/// Longest answer body kept, in bytes (larger answers are not replayable).
const KEPT_BODY_MAX: usize = 1 << 20;

fn key_of(request: &Request) -> Result<Option<String>, ApiError> {
    let Some(value) = request.headers().get(HEADER) else { return Ok(None) };
    match value.to_str() {
        Ok(key) if (1..=255).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_graphic()) => {
            Ok(Some(key.to_owned()))
        }
        _ => Err(ApiError::field("Idempotency-Key", "invalid")),
    }
}

fn in_use() -> ApiError {
    ApiError::new(StatusCode::CONFLICT, "idempotency_key_in_use", "a write with this Idempotency-Key is still running")
}

/// The middleware (inside the token guard: it needs the caller).
pub(crate) async fn idempotent(State(app): State<AppState>, request: Request, next: Next) -> Response {
    match run(app, request, next).await {
        Ok(response) | Err(response) => response,
    }
}

async fn run(app: AppState, request: Request, next: Next) -> Result<Response, Response> {
    if request.method() != Method::POST {
        return Ok(next.run(request).await);
    }
    let key = key_of(&request).map_err(IntoResponse::into_response)?;
    let (Some(key), Some(ctx)) = (key, request.extensions().get::<ApiContext>().cloned()) else {
        return Ok(next.run(request).await);
    };
    let (parts, body) = request.into_parts();
    let bytes = to_bytes(body, app.settings.max_body_bytes).await.map_err(|_| {
        ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", "the body is too large").into_response()
    })?;
    let mut hasher = Sha256::new();
    hasher.update(parts.method.as_str().as_bytes());
    hasher.update(b" ");
    hasher.update(parts.uri.path().as_bytes());
    hasher.update(b"\n");
    hasher.update(&bytes);
    let hash = hex::encode(hasher.finalize());
    let fail = |e: AppError| ApiError::from(e).into_response();
    if let Some(kept) = api_tokens::kept_answer(&app.core, ctx.token_id, key.clone()).await.map_err(fail)? {
        if kept.request_hash != hash {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "idempotency_key_reused",
                "this Idempotency-Key was used with another request",
            )
            .into_response());
        }
        if kept.status == 0 {
            return Err(in_use().into_response());
        }
        let status =
            u16::try_from(kept.status).ok().and_then(|s| StatusCode::from_u16(s).ok()).unwrap_or(StatusCode::OK);
        let mut response = (status, kept.body).into_response();
        response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
        response.headers_mut().insert("idempotent-replayed", HeaderValue::from_static("true"));
        return Ok(response);
    }
    match api_tokens::reserve_key(&app.core, ctx.token_id, key.clone(), hash).await {
        Ok(()) => {}
        Err(AppError::Conflict(Conflict::Duplicate(Duplicate::IdempotencyKey))) => return Err(in_use().into_response()),
        Err(other) => return Err(fail(other)),
    }
    let response = next.run(Request::from_parts(parts, Body::from(bytes))).await;
    let status = response.status();
    if status.is_server_error() {
        api_tokens::release_key(&app.core, ctx.token_id, key).await.map_err(fail)?;
        return Ok(response);
    }
    let (parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, KEPT_BODY_MAX).await else {
        api_tokens::release_key(&app.core, ctx.token_id, key).await.map_err(fail)?;
        return Err(ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "the answer could not be kept")
            .into_response());
    };
    let text = String::from_utf8_lossy(&bytes).into_owned();
    api_tokens::finish_key(&app.core, ctx.token_id, key, status.as_u16(), text).await.map_err(fail)?;
    Ok(Response::from_parts(parts, Body::from(bytes)))
}
