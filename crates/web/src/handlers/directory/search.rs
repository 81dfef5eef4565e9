//! Searching the directory and reading one service (every signed-in user).

use axum::Extension;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use relais_app::directory;
use relais_domain::directory::ServiceCategory;
use relais_domain::{Language, Region, ServiceId};
use relais_persistence::models::directory::{DirectoryEntry, DirectoryQuery};
use serde::{Deserialize, Serialize};

use crate::error::WebResult;
use crate::paths::Id;
use crate::state::AppState;
use crate::templates::render_page;
use crate::visitor::Visitor;

/// The search form (query string), as typed.
#[derive(Debug, Default, Deserialize, Serialize)]
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

impl SearchParams {
    /// The search (a code that does not read filters nothing).
    fn query(&self) -> DirectoryQuery {
        DirectoryQuery {
            text: Some(self.q.trim().to_owned()).filter(|q| !q.is_empty()),
            category: self.category.parse::<ServiceCategory>().ok(),
            region: self.region.parse::<Region>().ok(),
            language: self.language.parse::<Language>().ok(),
            intake_open_only: self.open == "on",
        }
    }
}

/// A service as the directory shows it, in the visitor's language.
#[derive(Debug, Serialize)]
struct EntryView {
    id: ServiceId,
    name: String,
    description: String,
    owner: String,
    owner_is_tenant: bool,
    category: ServiceCategory,
    intake_open: bool,
    response_days: i32,
    regions: Vec<Region>,
    languages: Vec<Language>,
    eligibility: Option<String>,
    cities: Option<String>,
    address: Option<String>,
    opening_hours: Option<String>,
    focal_point_email: String,
    last_verified_on: Option<String>,
}

impl EntryView {
    fn of(entry: DirectoryEntry, lang: Language) -> Self {
        let s = entry.service;
        Self {
            id: s.id,
            name: s.name(lang).to_owned(),
            description: s.description(lang).to_owned(),
            owner: entry.owner_name,
            owner_is_tenant: entry.owner_is_tenant,
            category: s.category,
            intake_open: s.intake_open,
            response_days: s.response_days,
            last_verified_on: s.last_verified_on.map(|d| d.to_string()),
            regions: s.regions,
            languages: s.languages,
            eligibility: s.eligibility,
            cities: s.cities,
            address: s.address,
            opening_hours: s.opening_hours,
            focal_point_email: s.focal_point_email,
        }
    }
}

/// The search page (`directory/search.html`).
#[derive(Debug, Serialize)]
struct SearchPage<'a> {
    categories: &'static [ServiceCategory],
    regions: &'static [Region],
    params: &'a SearchParams,
    entries: Vec<EntryView>,
}

/// One service (`directory/service.html`).
#[derive(Debug, Serialize)]
struct ServicePage {
    entry: EntryView,
}

/// GET /directory
pub(crate) async fn search(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Query(params): Query<SearchParams>,
) -> WebResult<Response> {
    let entries = directory::search(&app.core, params.query()).await?;
    let page = SearchPage {
        categories: ServiceCategory::ALL,
        regions: Region::ALL,
        params: &params,
        entries: entries.into_iter().map(|e| EntryView::of(e, visitor.lang)).collect(),
    };
    Ok(render_page(&app, &visitor, "directory/search.html", &page)?.into_response())
}

/// GET /directory/services/{id}
pub(crate) async fn show(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Id(id): Id<ServiceId>,
) -> WebResult<Response> {
    let entry = directory::directory_entry(&app.core, id).await?;
    let page = ServicePage { entry: EntryView::of(entry, visitor.lang) };
    Ok(render_page(&app, &visitor, "directory/service.html", &page)?.into_response())
}
