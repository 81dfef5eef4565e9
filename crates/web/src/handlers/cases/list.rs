//! The case list: filters (status, pathway, caseworker, mine), newest change
//! first, 50 per page with a link to the next page (keyset pagination).

use axum::Extension;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use relais_domain::case_file::{CaseStatus, Pathway};
use relais_persistence::models::cases::{self, CaseFilter, Cursor};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{date_text, parse_id, time_text};
use crate::access::TenantContext;
use crate::error::WebResult;
use crate::state::AppState;
use crate::templates::page_context;
use crate::visitor::Visitor;

/// Cases per page.
const PAGE: i64 = 50;
/// Up to this many caseworkers, the filter is a menu of their names; above,
/// a name field (a menu of hundreds of names would weigh on every page load
/// and be unusable on a phone).
const MENU_LIMIT: i64 = 40;
/// Most caseworkers offered when a typed name matches several.
const MATCHES_SHOWN: usize = 20;

/// The list's query string, as typed (unknown values are ignored).
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
pub(crate) struct ListQuery {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    status: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pathway: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    assignee: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    who: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    mine: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    after: String,
}

impl ListQuery {
    fn filter(&self, me: &str) -> CaseFilter {
        let assignee = if self.mine == "1" { Some(me.to_owned()) } else { parse_id(&self.assignee).ok() };
        CaseFilter { status: self.status.parse().ok(), pathway: self.pathway.parse().ok(), assignee, not_closed: false }
    }
}

/// The caseworker filter as the page offers it.
#[derive(Debug, Default)]
struct WorkerFilter {
    /// Every caseworker, when they are few enough for a menu.
    menu: Option<Vec<cases::Worker>>,
    /// The caseworker the list is filtered on, when chosen by id or by a name matching one person.
    chosen: Option<cases::Worker>,
    /// Caseworkers whose names match the typed name, when several do.
    matches: Vec<cases::Worker>,
    /// A name was typed and nobody's name matches it.
    no_match: bool,
}

/// Works out the caseworker filter: a menu for small teams; for large ones,
/// the typed name is matched (accents, case and word order ignored) against
/// the tenant's caseworkers, and only then are they read.
fn worker_filter(
    conn: &mut relais_persistence::DbConnection,
    scope: &relais_persistence::TenantScope,
    query: &ListQuery,
) -> Result<WorkerFilter, relais_persistence::PersistenceError> {
    let id = parse_id(&query.assignee).ok();
    if !cases::has_more_workers_than(conn, scope, MENU_LIMIT)? {
        let workers = cases::workers(conn, scope)?;
        let chosen = id.and_then(|id| workers.iter().find(|w| w.user_id == id).cloned());
        return Ok(WorkerFilter { menu: Some(workers), chosen, ..WorkerFilter::default() });
    }
    let typed = relais_domain::names::fold_words(&query.who);
    if id.is_none() && typed.is_empty() {
        return Ok(WorkerFilter::default());
    }
    let workers = cases::workers(conn, scope)?;
    if let Some(id) = id {
        let chosen = workers.into_iter().find(|w| w.user_id == id);
        return Ok(WorkerFilter { chosen, ..WorkerFilter::default() });
    }
    let mut matches: Vec<cases::Worker> = workers
        .into_iter()
        .filter(|w| {
            let name = relais_domain::names::fold_words(&w.display_name);
            typed.iter().all(|t| name.iter().any(|n| n.starts_with(t.as_str())))
        })
        .collect();
    Ok(match matches.len() {
        0 => WorkerFilter { no_match: true, ..WorkerFilter::default() },
        1 => WorkerFilter { chosen: matches.pop(), ..WorkerFilter::default() },
        _ => {
            matches.truncate(MATCHES_SHOWN);
            WorkerFilter { matches, ..WorkerFilter::default() }
        }
    })
}

/// GET /cases
pub(crate) async fn list(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
    Query(query): Query<ListQuery>,
) -> WebResult<Response> {
    let scope = ctx.scope;
    let me = ctx.user_id.clone();
    let q = query.clone();
    let after = Cursor::parse(&query.after);
    let (page, workers, filter) = app
        .db
        .run(move |conn| {
            let workers = worker_filter(conn, &scope, &q)?;
            let mut filter = q.filter(&me);
            if q.mine != "1" {
                // Only a caseworker of this tenant filters the list; a typed name
                // matching nobody (or several) lists nothing until one is chosen.
                if let Some(chosen) = &workers.chosen {
                    filter.assignee = Some(chosen.user_id.clone());
                }
                if filter.assignee.is_none() && (workers.no_match || !workers.matches.is_empty()) {
                    return Ok::<_, crate::error::WebError>((None, workers, filter));
                }
            }
            let page = cases::list(conn, &scope, &filter, after.as_ref(), PAGE)?;
            Ok((Some(page), workers, filter))
        })
        .await?;
    let page = page.unwrap_or(cases::CasePage { rows: Vec::new(), next: None });
    let next_url = page.next.as_ref().map(|cursor| {
        let next = ListQuery { after: cursor.to_token(), ..query.clone() };
        format!("/cases?{}", serde_urlencoded::to_string(&next).unwrap_or_default())
    });
    let rows: Vec<_> = page
        .rows
        .iter()
        .map(|r| {
            json!({
                "id": r.id, "reference": r.reference, "pathway": r.pathway, "status": r.status,
                "intake_date": date_text(r.intake_date), "updated_at": time_text(r.updated_at),
                "given_names": r.given_names, "family_names": r.family_names,
            })
        })
        .collect();
    let mut context = page_context(&app, &visitor);
    context.insert("cases", &rows);
    context.insert("next_url", &next_url);
    let worker_json = |w: &cases::Worker| json!({ "user_id": w.user_id, "name": w.display_name });
    let mine = query.mine == "1";
    context.insert(
        "filter",
        &json!({
            "status": filter.status.map(|s| s.as_str()), "pathway": filter.pathway.map(|p| p.as_str()),
            "assignee": if mine { None } else { filter.assignee.clone() },
            "who": if mine { None } else { workers.chosen.as_ref().map(|w| w.display_name.clone()).or(Some(query.who.clone())) },
            "mine": mine, "paged": !query.after.is_empty(),
        }),
    );
    context.insert("statuses", &CaseStatus::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>());
    context.insert("pathways", &Pathway::ALL.iter().map(|p| p.as_str()).collect::<Vec<_>>());
    context.insert("workers", &workers.menu.as_ref().map(|m| m.iter().map(worker_json).collect::<Vec<_>>()));
    context.insert("who_matches", &workers.matches.iter().map(worker_json).collect::<Vec<_>>());
    context.insert("who_none", &workers.no_match);
    Ok(app.templates.render("cases/list.html", &context)?.into_response())
}
