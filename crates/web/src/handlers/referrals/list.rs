//! GET /referrals: the received inbox (overdue first), the sent list, the
//! drafts waiting for review, and the dashboard (counts by status, median
//! response times per service and per receiving tenant over the last 90
//! days) on a tab of its own, so that the daily lists run their page query
//! only.

use std::collections::HashMap;

use axum::Extension;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use relais_app::referrals::{self, ListTab, TabRows};
use relais_domain::Language;
use relais_persistence::models::referrals::{Dashboard, Listing, MedianRow, StatusCount};
use serde::Serialize;

use crate::access::TenantContext;
use crate::error::WebResult;
use crate::state::AppState;
use crate::templates::render_page;
use crate::views::{key, time_text};
use crate::visitor::Visitor;

/// The tabs, by their code in `?tab=`.
const TABS: [(&str, ListTab); 4] = [
    ("received", ListTab::Received),
    ("sent", ListTab::Sent),
    ("drafts", ListTab::Drafts),
    ("dashboard", ListTab::Dashboard),
];

#[derive(Debug, Serialize)]
struct Row {
    id: String,
    reference: String,
    status: &'static str,
    status_key: String,
    service_name: String,
    counterpart: String,
    overdue: bool,
    due_at: Option<String>,
    updated_at: String,
}

impl Row {
    fn new(l: &Listing, lang: Language) -> Self {
        let r = &l.referral;
        Self {
            id: r.id.to_string(),
            reference: r.reference.clone(),
            status: r.status.as_str(),
            status_key: key(r.status.as_str()),
            service_name: l.service.name(lang).to_owned(),
            counterpart: l.counterpart.clone(),
            overdue: l.overdue,
            due_at: r.due_at.map(time_text),
            updated_at: time_text(r.updated_at),
        }
    }
}

#[derive(Debug, Serialize)]
struct CountRow {
    status_key: String,
    count: i64,
}

#[derive(Debug, Serialize)]
struct CountBlock {
    title: &'static str,
    rows: Vec<CountRow>,
}

#[derive(Debug, Serialize)]
struct MedianLine {
    name: String,
    answered: usize,
    median: String,
}

#[derive(Debug, Serialize)]
struct MedianBlock {
    title: &'static str,
    rows: Vec<MedianLine>,
}

/// `referrals/list.html`: a tab's rows, or the dashboard's blocks.
#[derive(Debug, Serialize)]
struct ListPage {
    tab: &'static str,
    tabs: Vec<&'static str>,
    rows: Vec<Row>,
    count_blocks: Vec<CountBlock>,
    median_blocks: Vec<MedianBlock>,
    median_days: i64,
}

fn count_block(title: &'static str, counts: &[StatusCount]) -> CountBlock {
    let rows = counts.iter().map(|s| CountRow { status_key: key(&s.status), count: s.count }).collect();
    CountBlock { title, rows }
}

fn median_block(title: &'static str, rows: &[MedianRow], name: impl Fn(&str) -> String) -> MedianBlock {
    let rows = rows
        .iter()
        .map(|r| MedianLine { name: name(&r.id), answered: r.answered, median: format!("{:.1}", r.median_hours) })
        .collect();
    MedianBlock { title, rows }
}

fn dashboard_blocks(dashboard: &Dashboard, lang: Language) -> (Vec<CountBlock>, Vec<MedianBlock>) {
    let service_name = |id: &str| dashboard.services.get(id).map(|s| s.name(lang).to_owned()).unwrap_or_default();
    let receiver_name = |id: &str| dashboard.receiver_names.get(id).cloned().unwrap_or_default();
    (
        vec![
            count_block("ref-dashboard-sent", &dashboard.sent),
            count_block("ref-dashboard-received", &dashboard.received),
        ],
        vec![
            median_block("ref-median-by-service", &dashboard.by_service, service_name),
            median_block("ref-median-by-receiver", &dashboard.by_receiver, receiver_name),
        ],
    )
}

/// GET /referrals?tab=received|sent|drafts|dashboard
pub(crate) async fn list(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
    Query(query): Query<HashMap<String, String>>,
) -> WebResult<Response> {
    let asked = query.get("tab").map(String::as_str);
    let (code, tab) = TABS.iter().copied().find(|(code, _)| Some(*code) == asked).unwrap_or(TABS[0]);
    let mut page = ListPage {
        tab: code,
        tabs: TABS.iter().map(|(c, _)| *c).collect(),
        rows: Vec::new(),
        count_blocks: Vec::new(),
        median_blocks: Vec::new(),
        median_days: referrals::MEDIAN_WINDOW_DAYS,
    };
    match referrals::list(&app.core, &ctx.actor(&visitor), tab).await? {
        TabRows::Rows(rows) => page.rows = rows.iter().map(|l| Row::new(l, visitor.lang)).collect(),
        TabRows::Dashboard(dashboard) => {
            (page.count_blocks, page.median_blocks) = dashboard_blocks(&dashboard, visitor.lang);
        }
    }
    Ok(render_page(&app, &visitor, "referrals/list.html", &page)?.into_response())
}
