//! GET /referrals: the received inbox (overdue first), the sent list, the
//! drafts waiting for review, and the dashboard (counts by status, median
//! response times per service and per receiving tenant).

use std::collections::HashMap;

use axum::Extension;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use relais_domain::Language;
use relais_persistence::models::referrals::{self, Dashboard, Listing};
use relais_persistence::models::{directory, tenants};
use relais_persistence::{DbConnection, PersistenceError, TenantScope};
use serde_json::{Value, json};

use super::time_text;
use crate::access::TenantContext;
use crate::error::WebResult;
use crate::state::AppState;
use crate::templates::page_context;
use crate::visitor::Visitor;

/// Rows per list.
const LIST_MAX: i64 = 100;

/// The tabs.
const TABS: [&str; 3] = ["received", "sent", "drafts"];

fn row(l: &Listing, lang: Language) -> Value {
    let r = &l.referral;
    json!({
        "id": r.id, "reference": r.reference, "status": r.status, "status_key": r.status.replace('_', "-"),
        "service_name": l.service.name(lang), "counterpart": l.counterpart, "overdue": l.overdue,
        "due_at": r.due_at.map(time_text), "updated_at": time_text(r.updated_at),
    })
}

struct Loaded {
    rows: Vec<Listing>,
    dashboard: Dashboard,
    names: HashMap<String, String>,
}

fn load(
    conn: &mut DbConnection,
    scope: &TenantScope,
    tab: &str,
    now: chrono::NaiveDateTime,
    lang: Language,
) -> Result<Loaded, PersistenceError> {
    let rows = match tab {
        "sent" => referrals::sent_by(conn, scope, now, LIST_MAX)?,
        "drafts" => referrals::drafts_to_review(conn, scope, now, LIST_MAX)?,
        _ => referrals::received_by(conn, scope, now, LIST_MAX)?,
    };
    let dashboard = referrals::dashboard(conn, scope)?;
    let mut names = HashMap::new();
    for m in &dashboard.by_service {
        if let Ok(s) = directory::find_service(conn, &m.id) {
            names.insert(m.id.clone(), s.name(lang).to_owned());
        }
    }
    for m in &dashboard.by_receiver {
        if let Ok(t) = tenants::find(conn, &m.id) {
            names.insert(m.id.clone(), t.name);
        }
    }
    Ok(Loaded { rows, dashboard, names })
}

/// GET /referrals?tab=received|sent|drafts
pub(crate) async fn list(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
    Query(query): Query<HashMap<String, String>>,
) -> WebResult<Response> {
    let tab = query.get("tab").map(String::as_str).filter(|t| TABS.contains(t)).unwrap_or("received").to_owned();
    let (scope, now, lang, t) = (ctx.scope, app.now(), visitor.lang, tab.clone());
    let Loaded { rows, dashboard, names } = app.db.run(move |conn| load(conn, &scope, &t, now, lang)).await?;
    let mut context = page_context(&app, &visitor);
    context.insert("tab", &tab);
    context.insert("tabs", &TABS);
    context.insert("rows", &rows.iter().map(|l| row(l, visitor.lang)).collect::<Vec<_>>());
    let counts = |c: &[referrals::StatusCount]| {
        c.iter().map(|s| json!({ "status_key": s.status.replace('_', "-"), "count": s.count })).collect::<Vec<_>>()
    };
    let medians = |m: &[referrals::MedianRow]| {
        m.iter()
            .map(|r| {
                json!({ "name": names.get(&r.id).cloned().unwrap_or_default(), "answered": r.answered,
                "median": format!("{:.1}", r.median_hours) })
            })
            .collect::<Vec<_>>()
    };
    context.insert(
        "count_blocks",
        &[
            json!({ "title": "ref-dashboard-sent", "rows": counts(&dashboard.sent) }),
            json!({ "title": "ref-dashboard-received", "rows": counts(&dashboard.received) }),
        ],
    );
    context.insert(
        "median_blocks",
        &[
            json!({ "title": "ref-median-by-service", "rows": medians(&dashboard.by_service) }),
            json!({ "title": "ref-median-by-receiver", "rows": medians(&dashboard.by_receiver) }),
        ],
    );
    Ok(app.templates.render("referrals/list.html", &context)?.into_response())
}
