//! The case list: filters (status, pathway, caseworker, mine), newest change
//! first, 50 per page with a link to the next page (keyset pagination).

use axum::Extension;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use relais_app::cases::{self, CaseList, CaseListQuery};
use relais_domain::case_file::{CaseStatus, Pathway};
use relais_domain::{CaseId, UserId};
use relais_persistence::models::cases::{CaseListing, Cursor, Worker};
use serde::{Deserialize, Serialize};

use super::{date_text, time_text};
use crate::access::TenantContext;
use crate::error::{WebError, WebResult};
use crate::state::AppState;
use crate::templates::render_page;
use crate::visitor::Visitor;

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
    /// What the list is asked for (a value that does not read is no filter).
    fn read(&self) -> CaseListQuery {
        CaseListQuery {
            status: self.status.parse().ok(),
            pathway: self.pathway.parse().ok(),
            assignee: self.assignee.trim().parse().ok(),
            who: self.who.clone(),
            mine: self.mine == "1",
            after: Cursor::parse(&self.after),
        }
    }
}

/// A row of the case list (`cases/list_table.html`, which the bare
/// baseline of `relais-bench` renders from the same rows), and of the
/// cases of "my work".
#[derive(Debug, Clone, Serialize)]
pub struct CaseRow {
    /// Case id.
    pub id: CaseId,
    /// Reference.
    pub reference: String,
    /// Pathway (its code).
    pub pathway: Pathway,
    /// Status (its code).
    pub status: CaseStatus,
    /// Intake date, `YYYY-MM-DD`.
    pub intake_date: String,
    /// Last change, `YYYY-MM-DD HH:MM` (UTC).
    pub updated_at: String,
    /// The person's given names.
    pub given_names: String,
    /// The person's family names.
    pub family_names: String,
}

impl From<&CaseListing> for CaseRow {
    fn from(r: &CaseListing) -> Self {
        Self {
            id: r.id,
            reference: r.reference.clone(),
            pathway: r.pathway,
            status: r.status,
            intake_date: date_text(r.intake_date),
            updated_at: time_text(r.updated_at),
            given_names: r.given_names.clone(),
            family_names: r.family_names.clone(),
        }
    }
}

/// A caseworker offered by the filter.
#[derive(Debug, Serialize)]
struct WorkerOption {
    user_id: UserId,
    name: String,
}

impl From<&Worker> for WorkerOption {
    fn from(w: &Worker) -> Self {
        Self { user_id: w.user_id, name: w.display_name.clone() }
    }
}

/// The filters as the form shows them.
#[derive(Debug, Serialize)]
struct ShownFilter {
    status: Option<CaseStatus>,
    pathway: Option<Pathway>,
    /// The caseworker filtered on (not with "mine").
    assignee: Option<UserId>,
    /// The caseworker's name, as chosen or typed (not with "mine").
    who: Option<String>,
    mine: bool,
    /// Whether this is a page after the first.
    paged: bool,
}

/// The case list page (`cases/list.html`).
#[derive(Debug, Serialize)]
struct ListPage {
    cases: Vec<CaseRow>,
    next_url: Option<String>,
    filter: ShownFilter,
    statuses: &'static [CaseStatus],
    pathways: &'static [Pathway],
    /// Every caseworker, when few enough for a menu.
    workers: Option<Vec<WorkerOption>>,
    /// Caseworkers whose names match the typed name, when several do.
    who_matches: Vec<WorkerOption>,
    /// A name was typed and matches nobody.
    who_none: bool,
    /// The member may open cases (a case is opened from a person's page).
    can_open: bool,
}

/// GET /cases
pub(crate) async fn list(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
    Query(query): Query<ListQuery>,
) -> WebResult<Response> {
    let asked = query.read();
    let mine = asked.mine;
    let CaseList { page, filter, workers } = cases::case_list(&app.core, &ctx.actor(&visitor), asked).await?;
    let next_url = match &page.next {
        Some(cursor) => {
            let next = ListQuery { after: cursor.to_token(), ..query.clone() };
            let encoded = serde_urlencoded::to_string(&next).map_err(|e| WebError::Internal(e.to_string()))?;
            Some(format!("/cases?{encoded}"))
        }
        None => None,
    };
    let shown = ListPage {
        cases: page.rows.iter().map(CaseRow::from).collect(),
        next_url,
        filter: ShownFilter {
            status: filter.status,
            pathway: filter.pathway,
            assignee: if mine { None } else { filter.assignee },
            who: if mine {
                None
            } else {
                Some(workers.chosen.as_ref().map_or_else(|| query.who.clone(), |w| w.display_name.clone()))
            },
            mine,
            paged: !query.after.is_empty(),
        },
        statuses: CaseStatus::ALL,
        pathways: Pathway::ALL,
        workers: workers.menu.as_ref().map(|m| m.iter().map(WorkerOption::from).collect()),
        who_matches: workers.matches.iter().map(WorkerOption::from).collect(),
        who_none: workers.no_match,
        can_open: ctx.member.may(relais_domain::Permission::CaseCreate),
    };
    Ok(render_page(&app, &visitor, "cases/list.html", &shown)?.into_response())
}
