//! The events list (upcoming or past, filtered, 50 a page with a "more"
//! link) and, above it, the tenant's figures for the selected period.
//! Viewers (`event:figures` only) see the figures and no list.

use axum::Extension;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, NaiveDate};
use relais_app::outreach;
use relais_domain::beneficiary::Sex;
use relais_domain::outreach::{AgeBand, EventKind, EventTopic};
use relais_domain::{Permission, Region};
use relais_persistence::models::events::figures::Figures;
use relais_persistence::models::events::listing::{EventCursor, EventFilter, EventListing, When};
use serde::{Deserialize, Serialize};

use super::{date_text, parse_date};
use crate::access::TenantContext;
use crate::error::{WebError, WebResult};
use crate::forms::FieldErrors;
use crate::state::AppState;
use crate::templates::render_page;
use crate::visitor::Visitor;

/// Events a page.
const PAGE_SIZE: i64 = 50;

/// The list's query string, as typed (a value that does not read is no filter).
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(default)]
pub(crate) struct ListQuery {
    #[serde(skip_serializing_if = "String::is_empty")]
    when: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    kind: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    topic: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    region: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    from: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    to: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    after: String,
}

/// A count by code (`figures.by_kind` …), for the figures table.
#[derive(Debug, Serialize)]
struct CodeCount {
    code: &'static str,
    count: i64,
}

/// The figures as the page shows them.
#[derive(Debug, Serialize)]
struct ShownFigures {
    events_held: i64,
    by_kind: Vec<CodeCount>,
    people_informed: i64,
    people_present: i64,
    headcount: i64,
    by_sex: Vec<CodeCount>,
    by_age_band: Vec<CodeCount>,
    officials_trained: i64,
    officials_engaged: i64,
}

impl From<Figures> for ShownFigures {
    fn from(f: Figures) -> Self {
        Self {
            events_held: f.events_held,
            by_kind: f.events_held_by_kind.iter().map(|(k, n)| CodeCount { code: k.as_str(), count: *n }).collect(),
            people_informed: f.people_informed,
            people_present: f.people_present,
            headcount: f.headcount,
            by_sex: f.headcount_by_sex.iter().map(|(s, n)| CodeCount { code: s.as_str(), count: *n }).collect(),
            by_age_band: f
                .headcount_by_age_band
                .iter()
                .map(|(b, n)| CodeCount { code: b.as_str(), count: *n })
                .collect(),
            officials_trained: f.officials_trained,
            officials_engaged: f.officials_engaged,
        }
    }
}

/// The filters as the form shows them.
#[derive(Debug, Serialize)]
struct ShownFilter {
    when: &'static str,
    kind: Option<EventKind>,
    topic: Option<EventTopic>,
    region: Option<Region>,
    from: String,
    to: String,
    /// Whether this is a page after the first.
    paged: bool,
}

/// A tab of the list (all, upcoming, past), keeping the other filters.
#[derive(Debug, Serialize)]
struct Tab {
    /// `all`, `upcoming` or `past` (its label's key is `event-when-<when>`).
    when: &'static str,
    url: String,
    current: bool,
}

/// The events list page (`events/list.html`).
#[derive(Debug, Serialize)]
struct ListPage {
    /// The list (`None` for those who may see figures only).
    events: Option<Vec<EventListing>>,
    show_list: bool,
    next_url: Option<String>,
    /// The figures' period, both ends included.
    period_from: String,
    period_to: String,
    figures: Option<ShownFigures>,
    filter: ShownFilter,
    tabs: Vec<Tab>,
    can_record: bool,
    kinds: &'static [EventKind],
    topics: &'static [EventTopic],
    regions: &'static [Region],
    sexes: &'static [Sex],
    age_bands: &'static [AgeBand],
    errors: FieldErrors,
}

/// GET /events
pub(crate) async fn list(
    State(app): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Extension(ctx): Extension<TenantContext>,
    Query(query): Query<ListQuery>,
) -> WebResult<Response> {
    let actor = ctx.actor(&visitor);
    let today = app.now().date();
    let mut errors = FieldErrors::new();
    let from = parse_date(&mut errors, "from", &query.from);
    let to = parse_date(&mut errors, "to", &query.to);
    let when = match query.when.as_str() {
        "upcoming" => When::Upcoming,
        "past" => When::Past,
        _ => When::All,
    };
    let filter = EventFilter {
        when,
        kind: query.kind.parse().ok(),
        topic: query.topic.parse().ok(),
        region: query.region.parse().ok(),
        status: None,
        from,
        to,
    };
    // The figures' period: the one chosen, else the current year.
    let period_from = from.unwrap_or_else(|| NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today));
    let period_to = to.unwrap_or_else(|| NaiveDate::from_ymd_opt(today.year(), 12, 31).unwrap_or(today));
    let figures = if errors.is_empty() {
        match outreach::outreach_figures(&app.core, &actor, period_from, period_to).await.map_err(WebError::from) {
            Ok(figures) => Some(ShownFigures::from(figures)),
            Err(WebError::Invalid(found)) => {
                super::merge(&mut errors, found);
                None
            }
            Err(other) => return Err(other),
        }
    } else {
        None
    };
    let (mut events, mut next_url) = (None, None);
    if ctx.member.may(Permission::EventRead) {
        let after = EventCursor::parse(&query.after);
        let listed = outreach::list_events(&app.core, &actor, filter.clone(), after, PAGE_SIZE).await?;
        if let Some(cursor) = &listed.page.next {
            let next = ListQuery { after: cursor.to_token(), ..query.clone() };
            let encoded = serde_urlencoded::to_string(&next).map_err(|e| WebError::Internal(e.to_string()))?;
            next_url = Some(format!("/events?{encoded}"));
        }
        events = Some(listed.page.rows);
    }
    let mut tabs = Vec::new();
    for (code, current) in
        [("all", when == When::All), ("upcoming", when == When::Upcoming), ("past", when == When::Past)]
    {
        let asked = ListQuery {
            when: if code == "all" { String::new() } else { code.to_owned() },
            after: String::new(),
            ..query.clone()
        };
        let encoded = serde_urlencoded::to_string(&asked).map_err(|e| WebError::Internal(e.to_string()))?;
        let url = if encoded.is_empty() { "/events".to_owned() } else { format!("/events?{encoded}") };
        tabs.push(Tab { when: code, url, current });
    }
    let page = ListPage {
        tabs,
        show_list: events.is_some(),
        events,
        next_url,
        period_from: date_text(period_from),
        period_to: date_text(period_to),
        figures,
        filter: ShownFilter {
            when: match when {
                When::Upcoming => "upcoming",
                When::Past => "past",
                When::All => "",
            },
            kind: filter.kind,
            topic: filter.topic,
            region: filter.region,
            from: query.from.trim().to_owned(),
            to: query.to.trim().to_owned(),
            paged: !query.after.is_empty(),
        },
        can_record: ctx.member.may(Permission::EventRecord),
        kinds: EventKind::ALL,
        topics: EventTopic::ALL,
        regions: Region::ALL,
        sexes: Sex::ALL,
        age_bands: AgeBand::ALL,
        errors,
    };
    let status = if page.errors.is_empty() { axum::http::StatusCode::OK } else { super::INVALID };
    Ok((status, render_page(&app, &visitor, "events/list.html", &page)?).into_response())
}
