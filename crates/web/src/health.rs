//! Liveness and readiness probes.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use relais_persistence::migrations;
use serde_json::{Value, json};

use crate::state::AppState;

/// Answers while the process runs.
pub(crate) async fn healthz() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

/// Answers 200 only when the database is reachable and its migrations are current.
pub(crate) async fn readyz(State(app): State<AppState>) -> (StatusCode, Json<Value>) {
    let backend = app.db.backend().to_string();
    match app.db.run(migrations::status).await {
        Ok(status) if status.is_current() => (StatusCode::OK, Json(json!({ "status": "ready", "database": backend }))),
        Ok(status) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({ "status": "migrations_pending", "database": backend, "pending": status.pending })),
        ),
        Err(err) => {
            tracing::warn!(error = %err, "readiness check failed");
            (StatusCode::SERVICE_UNAVAILABLE, Json(json!({ "status": "database_unavailable", "database": backend })))
        }
    }
}
