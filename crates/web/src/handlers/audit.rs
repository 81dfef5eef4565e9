//! Audit logs: a tenant administrator reads the tenant's, a network
//! administrator the network-level events.

use axum::Extension;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use relais_persistence::models::audit::{self, AuditEvent};

use crate::access::TenantContext;
use crate::error::WebResult;
use crate::state::AppState;
use crate::templates::page_context;
use crate::visitor::Visitor;

/// How many events a page shows.
const PAGE: i64 = 200;

fn rows(events: &[AuditEvent]) -> Vec<serde_json::Value> {
    events
        .iter()
        .map(|e| {
            serde_json::json!({
                "at": e.occurred_at.format("%Y-%m-%d %H:%M:%S").to_string(),
                "actor": e.actor_user_id, "action": e.action, "target_type": e.target_type,
                "target_id": e.target_id, "details": e.details, "request_id": e.request_id,
            })
        })
        .collect()
}

/// GET /audit
pub(crate) async fn tenant_log(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
) -> WebResult<Response> {
    let scope = ctx.scope;
    let events = app.db.run(move |conn| audit::list_for_tenant(conn, &scope, PAGE)).await?;
    let mut context = page_context(&app, &visitor);
    context.insert("events", &rows(&events));
    context.insert("scope_name", &ctx.tenant_name);
    Ok(app.templates.render("audit.html", &context)?.into_response())
}

/// GET /network/audit
pub(crate) async fn network_log(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
) -> WebResult<Response> {
    let events = app.db.run(move |conn| audit::list_network(conn, PAGE)).await?;
    let mut context = page_context(&app, &visitor);
    context.insert("events", &rows(&events));
    context.insert("scope_name", &Option::<String>::None);
    Ok(app.templates.render("audit.html", &context)?.into_response())
}
