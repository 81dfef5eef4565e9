//! The events list: the events a tenant organises (its own and those it
//! co-organises), filtered by kind, topic, region and period, upcoming or
//! past, in keyset pages on (start_date, id).

use std::collections::HashMap;

use chrono::NaiveDate;
use diesel::dsl::{count_star, sum};
use diesel::prelude::*;
use relais_domain::outreach::{AttendanceStatus, EventKind, EventStatus, EventTopic, Topics};
use relais_domain::{EventId, Region, TenantId};

use crate::schema::{event_attendances, event_organisers, event_tallies, event_tally_counts, events};
use crate::stored::Stored;
use crate::{DbConnection, PersistenceError, TenantScope};

type Backend = <DbConnection as diesel::Connection>::Backend;

/// Which events, relative to today.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum When {
    /// Starting today or later, soonest first.
    Upcoming,
    /// Started before today, latest first.
    Past,
    /// All, latest first.
    #[default]
    All,
}

/// Filters of the events list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventFilter {
    /// Upcoming, past or all.
    pub when: When,
    /// Only this kind.
    pub kind: Option<EventKind>,
    /// Only events with this topic.
    pub topic: Option<EventTopic>,
    /// Only this region.
    pub region: Option<Region>,
    /// Only this status.
    pub status: Option<EventStatus>,
    /// Starting on or after this day.
    pub from: Option<NaiveDate>,
    /// Starting on or before this day.
    pub to: Option<NaiveDate>,
}

/// Where a page of the events list starts: after this (start_date, id) in
/// the list's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventCursor {
    /// `start_date` of the last row of the previous page.
    pub start_date: NaiveDate,
    /// Id of the last row of the previous page.
    pub id: EventId,
}

impl EventCursor {
    /// The cursor as a URL-safe token.
    pub fn to_token(&self) -> String {
        format!("{}_{}", self.start_date.format("%Y%m%d"), self.id)
    }

    /// Reads a token made by [`EventCursor::to_token`]; `None` if malformed.
    pub fn parse(token: &str) -> Option<Self> {
        let (date, id) = token.split_once('_')?;
        Some(Self { start_date: NaiveDate::parse_from_str(date, "%Y%m%d").ok()?, id: id.parse().ok()? })
    }
}

/// An event as listed, with the tenant's own counts.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct EventListing {
    /// The event's tenant.
    pub tenant_id: TenantId,
    /// Id.
    pub id: EventId,
    /// Title.
    pub title: String,
    /// Kind.
    pub kind: EventKind,
    /// Topics.
    pub topics: Topics,
    /// First day.
    pub start_date: NaiveDate,
    /// Last day of a multi-day event.
    pub end_date: Option<NaiveDate>,
    /// City.
    pub city: Option<String>,
    /// Region.
    pub region: Region,
    /// Status.
    pub status: EventStatus,
    /// Whether the reading tenant co-organises it (another tenant's event).
    pub co_organised: bool,
    /// The reading tenant's attendees marked present.
    pub present: i64,
    /// The reading tenant's head-counts.
    pub counted: i64,
}

#[derive(Queryable)]
struct Row {
    #[diesel(deserialize_as = Stored<TenantId, events::tenant_id>)]
    tenant_id: TenantId,
    #[diesel(deserialize_as = Stored<EventId, events::id>)]
    id: EventId,
    title: String,
    #[diesel(deserialize_as = Stored<EventKind, events::kind>)]
    kind: EventKind,
    #[diesel(deserialize_as = Stored<Topics, events::topics>)]
    topics: Topics,
    start_date: NaiveDate,
    end_date: Option<NaiveDate>,
    city: Option<String>,
    #[diesel(deserialize_as = Stored<Region, events::region>)]
    region: Region,
    #[diesel(deserialize_as = Stored<EventStatus, events::status>)]
    status: EventStatus,
}

/// One page of the events list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventPage {
    /// The rows, in the list's order.
    pub rows: Vec<EventListing>,
    /// Where the next page starts, if there is one.
    pub next: Option<EventCursor>,
}

/// The events the tenant organises, `limit` per page, `today` deciding
/// upcoming and past.
pub fn list(
    conn: &mut DbConnection,
    scope: &TenantScope,
    filter: &EventFilter,
    today: NaiveDate,
    after: Option<&EventCursor>,
    limit: i64,
) -> Result<EventPage, PersistenceError> {
    let mut query = events::table
        .inner_join(
            event_organisers::table
                .on(event_organisers::tenant_id.eq(events::tenant_id).and(event_organisers::event_id.eq(events::id))),
        )
        .filter(event_organisers::organiser_tenant_id.eq(scope.key()))
        .select((
            events::tenant_id,
            events::id,
            events::title,
            events::kind,
            events::topics,
            events::start_date,
            events::end_date,
            events::city,
            events::region,
            events::status,
        ))
        .limit(limit + 1)
        .into_boxed::<Backend>();
    let ascending = filter.when == When::Upcoming;
    query = match filter.when {
        When::Upcoming => query.filter(events::start_date.ge(today)),
        When::Past => query.filter(events::start_date.lt(today)),
        When::All => query,
    };
    query = if ascending {
        query.order((events::start_date.asc(), events::id.asc()))
    } else {
        query.order((events::start_date.desc(), events::id.desc()))
    };
    if let Some(kind) = filter.kind {
        query = query.filter(events::kind.eq(kind.as_str()));
    }
    if let Some(topic) = filter.topic {
        // Topic codes are not part of one another (tested in the domain).
        query = query.filter(events::topics.like(format!("%{}%", topic.as_str())));
    }
    if let Some(region) = filter.region {
        query = query.filter(events::region.eq(region.as_str()));
    }
    if let Some(status) = filter.status {
        query = query.filter(events::status.eq(status.as_str()));
    }
    if let Some(from) = filter.from {
        query = query.filter(events::start_date.ge(from));
    }
    if let Some(to) = filter.to {
        query = query.filter(events::start_date.le(to));
    }
    if let Some(cursor) = after {
        let id = cursor.id.to_string();
        query = if ascending {
            query.filter(
                events::start_date
                    .gt(cursor.start_date)
                    .or(events::start_date.eq(cursor.start_date).and(events::id.gt(id))),
            )
        } else {
            query.filter(
                events::start_date
                    .lt(cursor.start_date)
                    .or(events::start_date.eq(cursor.start_date).and(events::id.lt(id))),
            )
        };
    }
    let mut rows: Vec<Row> = query.load(conn)?;
    let next = if rows.len() as i64 > limit {
        rows.truncate(usize::try_from(limit).unwrap_or(0));
        rows.last().map(|r| EventCursor { start_date: r.start_date, id: r.id })
    } else {
        None
    };
    let ids: Vec<String> = rows.iter().map(|r| r.id.to_string()).collect();
    let present: HashMap<String, i64> = event_attendances::table
        .filter(event_attendances::tenant_id.eq(scope.key()))
        .filter(event_attendances::event_id.eq_any(&ids))
        .filter(event_attendances::status.eq(AttendanceStatus::Present.as_str()))
        .group_by(event_attendances::event_id)
        .select((event_attendances::event_id, count_star()))
        .load::<(String, i64)>(conn)?
        .into_iter()
        .collect();
    let counted: HashMap<String, i64> = event_tallies::table
        .inner_join(
            event_tally_counts::table.on(event_tally_counts::tenant_id
                .eq(event_tallies::tenant_id)
                .and(event_tally_counts::tally_id.eq(event_tallies::id))),
        )
        .filter(event_tallies::tenant_id.eq(scope.key()))
        .filter(event_tallies::event_id.eq_any(&ids))
        .group_by(event_tallies::event_id)
        .select((event_tallies::event_id, sum(event_tally_counts::headcount)))
        .load::<(String, Option<i64>)>(conn)?
        .into_iter()
        .map(|(id, total)| (id, total.unwrap_or(0)))
        .collect();
    let rows = rows
        .into_iter()
        .map(|r| {
            let key = r.id.to_string();
            EventListing {
                co_organised: r.tenant_id != scope.tenant_id(),
                present: present.get(&key).copied().unwrap_or(0),
                counted: counted.get(&key).copied().unwrap_or(0),
                tenant_id: r.tenant_id,
                id: r.id,
                title: r.title,
                kind: r.kind,
                topics: r.topics,
                start_date: r.start_date,
                end_date: r.end_date,
                city: r.city,
                region: r.region,
                status: r.status,
            }
        })
        .collect();
    Ok(EventPage { rows, next })
}
