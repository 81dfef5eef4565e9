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

/// GET /cases
pub(crate) async fn list(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
    Query(query): Query<ListQuery>,
) -> WebResult<Response> {
    let filter = query.filter(&ctx.user_id);
    let after = Cursor::parse(&query.after);
    let scope = ctx.scope;
    let filter_q = filter.clone();
    let (page, workers) = app
        .db
        .run(move |conn| {
            Ok::<_, crate::error::WebError>((
                cases::list(conn, &scope, &filter_q, after.as_ref(), PAGE)?,
                cases::workers(conn, &scope)?,
            ))
        })
        .await?;
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
    context.insert(
        "filter",
        &json!({
            "status": filter.status.map(|s| s.as_str()), "pathway": filter.pathway.map(|p| p.as_str()),
            "assignee": if query.mine == "1" { None } else { filter.assignee.clone() },
            "mine": query.mine == "1", "paged": !query.after.is_empty(),
        }),
    );
    context.insert("statuses", &CaseStatus::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>());
    context.insert("pathways", &Pathway::ALL.iter().map(|p| p.as_str()).collect::<Vec<_>>());
    context.insert(
        "workers",
        &workers.iter().map(|w| json!({ "user_id": w.user_id, "name": w.display_name })).collect::<Vec<_>>(),
    );
    Ok(app.templates.render("cases/list.html", &context)?.into_response())
}
