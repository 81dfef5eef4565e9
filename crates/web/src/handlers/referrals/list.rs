//! GET /referrals: the received inbox (overdue first), the sent list, the
//! drafts waiting for review, and the dashboard (counts by status, median
//! response times per service and per receiving tenant over the last 90
//! days) on a tab of its own, so that the daily lists run their page query
//! only.

use std::collections::HashMap;

use axum::Extension;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use relais_domain::Language;
use relais_persistence::models::referrals::{self, Dashboard, Listing};
use serde_json::{Value, json};

use super::time_text;
use crate::access::TenantContext;
use crate::error::WebResult;
use crate::state::AppState;
use crate::templates::page_context;
use crate::visitor::Visitor;

/// Rows per list.
const LIST_MAX: i64 = 100;

/// How far back the dashboard's median response times look, in days.
const MEDIAN_WINDOW_DAYS: i64 = 90;

/// The tabs.
const TABS: [&str; 4] = ["received", "sent", "drafts", "dashboard"];

fn row(l: &Listing, lang: Language) -> Value {
    let r = &l.referral;
    json!({
        "id": r.id, "reference": r.reference, "status": r.status, "status_key": r.status.replace('_', "-"),
        "service_name": l.service.name(lang), "counterpart": l.counterpart, "overdue": l.overdue,
        "due_at": r.due_at.map(time_text), "updated_at": time_text(r.updated_at),
    })
}

/// What one tab shows: a list, or the dashboard.
enum Loaded {
    Rows(Vec<Listing>),
    Dashboard(Box<Dashboard>),
}

/// The dashboard's blocks as the template reads them.
fn dashboard_context(context: &mut tera::Context, dashboard: &Dashboard, lang: Language) {
    let counts = |c: &[referrals::StatusCount]| {
        c.iter().map(|s| json!({ "status_key": s.status.replace('_', "-"), "count": s.count })).collect::<Vec<_>>()
    };
    let medians = |m: &[referrals::MedianRow], name: &dyn Fn(&str) -> String| {
        m.iter()
            .map(|r| json!({ "name": name(&r.id), "answered": r.answered, "median": format!("{:.1}", r.median_hours) }))
            .collect::<Vec<_>>()
    };
    let service_name = |id: &str| dashboard.services.get(id).map(|s| s.name(lang).to_owned()).unwrap_or_default();
    let receiver_name = |id: &str| dashboard.receiver_names.get(id).cloned().unwrap_or_default();
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
            json!({ "title": "ref-median-by-service", "rows": medians(&dashboard.by_service, &service_name) }),
            json!({ "title": "ref-median-by-receiver", "rows": medians(&dashboard.by_receiver, &receiver_name) }),
        ],
    );
    context.insert("median_days", &MEDIAN_WINDOW_DAYS);
}

/// GET /referrals?tab=received|sent|drafts|dashboard
pub(crate) async fn list(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
    Query(query): Query<HashMap<String, String>>,
) -> WebResult<Response> {
    let tab = query.get("tab").map(String::as_str).filter(|t| TABS.contains(t)).unwrap_or("received").to_owned();
    let (scope, now, t) = (ctx.scope, app.now(), tab.clone());
    let loaded = app
        .db
        .run(move |conn| {
            Ok::<_, relais_persistence::PersistenceError>(match t.as_str() {
                "dashboard" => {
                    let since = now - chrono::Duration::days(MEDIAN_WINDOW_DAYS);
                    Loaded::Dashboard(Box::new(referrals::dashboard(conn, &scope, since)?))
                }
                "sent" => Loaded::Rows(referrals::sent_by(conn, &scope, now, LIST_MAX)?),
                "drafts" => Loaded::Rows(referrals::drafts_to_review(conn, &scope, now, LIST_MAX)?),
                _ => Loaded::Rows(referrals::received_by(conn, &scope, now, LIST_MAX)?),
            })
        })
        .await?;
    let mut context = page_context(&app, &visitor);
    context.insert("tab", &tab);
    context.insert("tabs", &TABS);
    match loaded {
        Loaded::Rows(rows) => {
            context.insert("rows", &rows.iter().map(|l| row(l, visitor.lang)).collect::<Vec<_>>());
        }
        Loaded::Dashboard(dashboard) => dashboard_context(&mut context, &dashboard, visitor.lang),
    }
    Ok(app.templates.render("referrals/list.html", &context)?.into_response())
}
