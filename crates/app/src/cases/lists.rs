//! The reads behind the case list (filters, the caseworker filter, keyset
//! pages) and "my work" (my open tasks, my open cases, the residence cards
//! of my people expiring soon). Plain reads: nothing here is audited.

use chrono::NaiveDate;
use relais_domain::case_file::{CaseStatus, Pathway};
use relais_domain::{Permission, UserId};
use relais_persistence::models::cases::{self, CaseFilter, CasePage, Cursor, Worker};
use relais_persistence::models::digests::{self, ExpiringCard};
use relais_persistence::models::tasks::{self, MyTask};
use relais_persistence::{DbConnection, PersistenceError, TenantScope};

use crate::error::AppResult;
use crate::{Actor, App};

/// Cases per page of the list.
const PAGE: i64 = 50;
/// Up to this many caseworkers, the filter is a menu of their names; above,
/// a name field (a menu of hundreds of names would weigh on every page load
/// and be unusable on a phone).
const MENU_LIMIT: i64 = 40;
/// Most caseworkers offered when a typed name matches several.
const MATCHES_SHOWN: usize = 20;

/// What the case list is asked for.
#[derive(Debug, Clone, Default)]
pub struct CaseListQuery {
    /// Only this status.
    pub status: Option<CaseStatus>,
    /// Only this pathway.
    pub pathway: Option<Pathway>,
    /// Only the cases of this caseworker (chosen from the menu or the matches).
    pub assignee: Option<UserId>,
    /// A caseworker's name as typed (large teams).
    pub who: String,
    /// Only my cases (overrides the caseworker filter).
    pub mine: bool,
    /// Where the page starts.
    pub after: Option<Cursor>,
}

/// The caseworker filter as the list offers it.
#[derive(Debug, Clone, Default)]
pub struct WorkerFilter {
    /// Every caseworker, when they are few enough for a menu.
    pub menu: Option<Vec<Worker>>,
    /// The caseworker the list is filtered on, when chosen by id or by a name matching one person.
    pub chosen: Option<Worker>,
    /// Caseworkers whose names match the typed name, when several do.
    pub matches: Vec<Worker>,
    /// A name was typed and nobody's name matches it.
    pub no_match: bool,
}

/// One page of the case list.
#[derive(Debug, Clone)]
pub struct CaseList {
    /// The rows (none while a typed name matches nobody, or several), and the next page.
    pub page: CasePage,
    /// The filter applied.
    pub filter: CaseFilter,
    /// The caseworker filter.
    pub workers: WorkerFilter,
}

/// Works out the caseworker filter: a menu for small teams; for large ones,
/// the typed name is matched (accents, case and word order ignored) against
/// the tenant's caseworkers, and only then are they read.
fn worker_filter(
    conn: &mut DbConnection,
    scope: &TenantScope,
    query: &CaseListQuery,
) -> Result<WorkerFilter, PersistenceError> {
    if !cases::has_more_workers_than(conn, scope, MENU_LIMIT)? {
        let workers = cases::workers(conn, scope)?;
        let chosen = query.assignee.and_then(|id| workers.iter().find(|w| w.user_id == id).cloned());
        return Ok(WorkerFilter { menu: Some(workers), chosen, ..WorkerFilter::default() });
    }
    let typed = relais_domain::names::fold_words(&query.who);
    if query.assignee.is_none() && typed.is_empty() {
        return Ok(WorkerFilter::default());
    }
    let workers = cases::workers(conn, scope)?;
    if let Some(id) = query.assignee {
        let chosen = workers.into_iter().find(|w| w.user_id == id);
        return Ok(WorkerFilter { chosen, ..WorkerFilter::default() });
    }
    let mut matches: Vec<Worker> = workers
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

/// A page of the cases of the actor's tenant, most recently changed first,
/// filtered as asked. Only a caseworker of the tenant filters the list by
/// name: a typed name matching nobody (or several) lists nothing until one
/// is chosen.
pub async fn case_list(app: &App, actor: &Actor, query: CaseListQuery) -> AppResult<CaseList> {
    let member = actor.as_member()?;
    member.require(Permission::CaseRead)?;
    let (scope, me) = (member.scope, member.user_id);
    app.read(move |conn| {
        let workers = worker_filter(conn, &scope, &query)?;
        let assignee = if query.mine { Some(me) } else { query.assignee };
        let mut filter = CaseFilter { status: query.status, pathway: query.pathway, assignee, not_closed: false };
        if !query.mine {
            if let Some(chosen) = &workers.chosen {
                filter.assignee = Some(chosen.user_id);
            }
            if filter.assignee.is_none() && (workers.no_match || !workers.matches.is_empty()) {
                return Ok(CaseList { page: CasePage { rows: Vec::new(), next: None }, filter, workers });
            }
        }
        let page = cases::list(conn, &scope, &filter, query.after.as_ref(), PAGE)?;
        Ok(CaseList { page, filter, workers })
    })
    .await
}

/// Most cases shown on "my work".
const MY_CASES_MAX: i64 = 200;
/// Residence cards expiring within this many days are listed on "my work".
pub const EXPIRY_WINDOW_DAYS: u64 = 60;

/// What "my work" shows.
#[derive(Debug, Clone)]
pub struct MyWork {
    /// My open tasks: overdue first, then by due date (undated last).
    pub tasks: Vec<MyTask>,
    /// The open cases I am assigned to (the first [`MY_CASES_MAX`]; `next` says there are more).
    pub cases: CasePage,
    /// The residence cards of my cases' people expiring within
    /// [`EXPIRY_WINDOW_DAYS`] (only for those who may read identity documents).
    pub expiring: Vec<ExpiringCard>,
    /// The day it was read for.
    pub today: NaiveDate,
}

/// The actor's work in their tenant, as of today on the application clock.
pub async fn my_work(app: &App, actor: &Actor) -> AppResult<MyWork> {
    let member = actor.as_member()?;
    member.require(Permission::CaseRead)?;
    let (scope, me, sees_documents) = (member.scope, member.user_id, member.may(Permission::DocumentRead));
    let today = app.now().date();
    let until = today + chrono::Days::new(EXPIRY_WINDOW_DAYS);
    app.read(move |conn| {
        let filter = CaseFilter { assignee: Some(me), not_closed: true, ..CaseFilter::default() };
        let expiring = if sees_documents {
            digests::residence_cards_expiring_for_member(conn, &scope, me, today, until)?
        } else {
            Vec::new()
        };
        Ok(MyWork {
            tasks: tasks::my_open(conn, &scope, me, today)?,
            cases: cases::list(conn, &scope, &filter, None, MY_CASES_MAX)?,
            expiring,
            today,
        })
    })
    .await
}
