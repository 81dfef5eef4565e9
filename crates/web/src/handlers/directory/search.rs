//! Searching the directory and reading one service (every signed-in user).

use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use relais_domain::directory::ServiceCategory;
use relais_domain::{Language, Region};
use relais_persistence::models::directory::{self, DirectoryEntry, DirectoryQuery};
use serde::Deserialize;

use super::form::choices;
use crate::error::{WebError, WebResult};
use crate::state::AppState;
use crate::templates::page_context;
use crate::visitor::Visitor;

/// The search form (query string).
#[derive(Debug, Default, Deserialize, serde::Serialize)]
pub(crate) struct SearchParams {
    #[serde(default)]
    q: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    region: String,
    #[serde(default)]
    language: String,
    #[serde(default)]
    open: String,
}

fn entry_json(entry: &DirectoryEntry, lang: Language) -> serde_json::Value {
    let s = &entry.service;
    serde_json::json!({
        "id": s.id, "name": s.name(lang), "description": s.description(lang), "owner": entry.owner_name,
        "owner_is_tenant": entry.owner_is_tenant, "category": s.category, "intake_open": s.intake_open,
        "response_days": s.response_days, "regions": s.regions.split(',').filter(|r| !r.is_empty()).collect::<Vec<_>>(),
        "languages": s.languages.split(',').filter(|l| !l.is_empty()).collect::<Vec<_>>(),
        "eligibility": s.eligibility, "cities": s.cities, "address": s.address, "opening_hours": s.opening_hours,
        "focal_point_email": s.focal_point_email,
        "last_verified_on": s.last_verified_on.map(|d| d.to_string()),
    })
}

/// GET /directory
pub(crate) async fn search(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Query(params): Query<SearchParams>,
) -> WebResult<Response> {
    let query = DirectoryQuery {
        text: Some(params.q.trim().to_owned()).filter(|q| !q.is_empty()),
        category: params.category.parse::<ServiceCategory>().ok(),
        region: params.region.parse::<Region>().ok(),
        language: params.language.parse::<Language>().ok(),
        intake_open_only: params.open == "on",
    };
    let entries = app.db.run(move |conn| directory::search(conn, &query)).await?;
    let mut context = page_context(&app, &visitor);
    choices(&mut context);
    context.insert("params", &params);
    context.insert("entries", &entries.iter().map(|e| entry_json(e, visitor.lang)).collect::<Vec<_>>());
    Ok(app.templates.render("directory/search.html", &context)?.into_response())
}

/// GET /directory/services/{id}
pub(crate) async fn show(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(id): Path<String>,
) -> WebResult<Response> {
    let entry = app
        .db
        .run(move |conn| {
            let service = directory::find_service(conn, &id)?;
            let found = directory::search(conn, &DirectoryQuery::default())?;
            Ok::<_, WebError>(found.into_iter().find(|e| e.service.id == service.id))
        })
        .await?
        .ok_or(WebError::NotFound)?;
    let mut context = page_context(&app, &visitor);
    context.insert("entry", &entry_json(&entry, visitor.lang));
    Ok(app.templates.render("directory/service.html", &context)?.into_response())
}
