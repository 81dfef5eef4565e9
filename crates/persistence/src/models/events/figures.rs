//! The tenant's outreach figures for a period, computed from the records
//! (never typed): events held, distinct people informed, head-counts and
//! distinct officials trained. Only **held** events count (planned and
//! cancelled ones count nothing), each by its **start date**, within the
//! period's first and last day **inclusive**. Each tenant counts its own
//! records: at a co-organised event, its own attendees, tallies and
//! participants.

use chrono::NaiveDate;
use diesel::dsl::{count, sum};
use diesel::prelude::*;
use relais_domain::beneficiary::Sex;
use relais_domain::outreach::{AgeBand, AttendanceStatus, EventKind, EventStatus};

use crate::schema::{
    event_attendances, event_organisers, event_tallies, event_tally_counts, events, participant_attendances,
};
use crate::stored::parse_column;
use crate::{DbConnection, PersistenceError, TenantScope};

/// A period of days, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    /// First day.
    pub from: NaiveDate,
    /// Last day.
    pub to: NaiveDate,
}

/// The tenant's figures for a period.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Figures {
    /// Held events the tenant organised (its own and co-organised ones).
    pub events_held: i64,
    /// Of which, per kind (every kind, in list order).
    pub events_held_by_kind: Vec<(EventKind, i64)>,
    /// Distinct people of the tenant present at held information sessions.
    pub people_informed: i64,
    /// Distinct people of the tenant present at any held event.
    pub people_present: i64,
    /// People counted by the tenant's tallies at held events.
    pub headcount: i64,
    /// Of which, per sex (every sex, in list order).
    pub headcount_by_sex: Vec<(Sex, i64)>,
    /// Of which, per age band (every band, in list order).
    pub headcount_by_age_band: Vec<(AgeBand, i64)>,
    /// Distinct participants of the tenant present at held trainings.
    pub officials_trained: i64,
    /// Distinct participants of the tenant present at held trainings or network meetings.
    pub officials_engaged: i64,
}

fn per<T: Copy + PartialEq + std::str::FromStr>(
    all: &[T],
    column: &'static str,
    rows: Vec<(String, i64)>,
) -> Result<Vec<(T, i64)>, PersistenceError>
where
    T::Err: std::fmt::Display,
{
    let mut parsed = Vec::with_capacity(rows.len());
    for (code, n) in rows {
        parsed.push((parse_column::<T>(column, &code)?, n));
    }
    Ok(all.iter().map(|v| (*v, parsed.iter().filter(|(p, _)| p == v).map(|(_, n)| *n).sum())).collect())
}

/// Above this many events, the distinct count joins the events instead of
/// naming them (bind-parameter limits).
const EVENTS_IN_LIST_MAX: usize = 2_000;

/// Distinct people of the tenant present at `event_ids` (the held events of
/// the period of those `kinds`): one pass over the covering index
/// `event_attendances_figures_idx` (tenant, status, person, event), in
/// person order, with the events named — no event row read per attendance.
fn distinct_present(
    conn: &mut DbConnection,
    scope: &TenantScope,
    period: Period,
    event_ids: &[&str],
    kinds: &'static [EventKind],
) -> Result<i64, PersistenceError> {
    let present = AttendanceStatus::Present.as_str();
    if event_ids.is_empty() {
        return Ok(0);
    }
    if event_ids.len() <= EVENTS_IN_LIST_MAX {
        return Ok(event_attendances::table
            .filter(event_attendances::tenant_id.eq(scope.key()))
            .filter(event_attendances::status.eq(present))
            .filter(event_attendances::event_id.eq_any(event_ids))
            .select(count(event_attendances::beneficiary_id).aggregate_distinct())
            .get_result(conn)?);
    }
    Ok(event_attendances::table
        .inner_join(events::table.on(
            events::tenant_id.eq(event_attendances::event_tenant_id).and(events::id.eq(event_attendances::event_id)),
        ))
        .filter(event_attendances::tenant_id.eq(scope.key()))
        .filter(event_attendances::status.eq(present))
        .filter(events::status.eq(EventStatus::Held.as_str()))
        .filter(events::start_date.ge(period.from))
        .filter(events::start_date.le(period.to))
        .filter(events::kind.eq_any(kinds.iter().map(EventKind::as_str).collect::<Vec<_>>()))
        .select(count(event_attendances::beneficiary_id).aggregate_distinct())
        .get_result(conn)?)
}

/// The tenant's figures for `period`.
pub fn figures(conn: &mut DbConnection, scope: &TenantScope, period: Period) -> Result<Figures, PersistenceError> {
    let key = scope.key();
    let held = EventStatus::Held.as_str();

    // The held events of the period the tenant organises: few, read once.
    let held_events: Vec<(String, String)> = events::table
        .inner_join(
            event_organisers::table
                .on(event_organisers::tenant_id.eq(events::tenant_id).and(event_organisers::event_id.eq(events::id))),
        )
        .filter(event_organisers::organiser_tenant_id.eq(&key))
        .filter(events::status.eq(held))
        .filter(events::start_date.ge(period.from))
        .filter(events::start_date.le(period.to))
        .select((events::id, events::kind))
        .load(conn)?;
    let mut kinds = Vec::with_capacity(held_events.len());
    for (_, kind) in &held_events {
        kinds.push(parse_column::<EventKind>("events.kind", kind)?);
    }
    let events_held_by_kind: Vec<(EventKind, i64)> =
        EventKind::ALL.iter().map(|k| (*k, kinds.iter().filter(|e| *e == k).count() as i64)).collect();
    let sessions: Vec<&str> = held_events
        .iter()
        .zip(&kinds)
        .filter(|(_, k)| **k == EventKind::InformationSession)
        .map(|((id, _), _)| id.as_str())
        .collect();
    let all: Vec<&str> = held_events.iter().map(|(id, _)| id.as_str()).collect();
    let people_informed = distinct_present(conn, scope, period, &sessions, &[EventKind::InformationSession])?;
    let people_present = distinct_present(conn, scope, period, &all, EventKind::ALL)?;

    let tallied =
        || {
            event_tallies::table
                .inner_join(events::table.on(
                    events::tenant_id.eq(event_tallies::event_tenant_id).and(events::id.eq(event_tallies::event_id)),
                ))
                .inner_join(
                    event_tally_counts::table.on(event_tally_counts::tenant_id
                        .eq(event_tallies::tenant_id)
                        .and(event_tally_counts::tally_id.eq(event_tallies::id))),
                )
                .filter(event_tallies::tenant_id.eq(scope.key()))
                .filter(events::status.eq(EventStatus::Held.as_str()))
                .filter(events::start_date.ge(period.from))
                .filter(events::start_date.le(period.to))
        };
    let by_sex: Vec<(String, Option<i64>)> = tallied()
        .group_by(event_tally_counts::sex)
        .select((event_tally_counts::sex, sum(event_tally_counts::headcount)))
        .load(conn)?;
    let by_band: Vec<(String, Option<i64>)> = tallied()
        .group_by(event_tally_counts::age_band)
        .select((event_tally_counts::age_band, sum(event_tally_counts::headcount)))
        .load(conn)?;
    let totals = |rows: Vec<(String, Option<i64>)>| rows.into_iter().map(|(c, n)| (c, n.unwrap_or(0))).collect();
    let headcount_by_sex = per(Sex::ALL, "event_tally_counts.sex", totals(by_sex))?;
    let headcount_by_age_band = per(AgeBand::ALL, "event_tally_counts.age_band", totals(by_band))?;

    let officials_at = |kinds: &'static [EventKind]| {
        participant_attendances::table
            .inner_join(
                events::table.on(events::tenant_id
                    .eq(participant_attendances::event_tenant_id)
                    .and(events::id.eq(participant_attendances::event_id))),
            )
            .filter(participant_attendances::tenant_id.eq(scope.key()))
            .filter(participant_attendances::status.eq(AttendanceStatus::Present.as_str()))
            .filter(events::status.eq(EventStatus::Held.as_str()))
            .filter(events::start_date.ge(period.from))
            .filter(events::start_date.le(period.to))
            .filter(events::kind.eq_any(kinds.iter().map(EventKind::as_str).collect::<Vec<_>>()))
            .select(count(participant_attendances::participant_id).aggregate_distinct())
    };
    let officials_trained: i64 = officials_at(&[EventKind::Training]).get_result(conn)?;
    let officials_engaged: i64 = officials_at(&[EventKind::Training, EventKind::NetworkMeeting]).get_result(conn)?;

    Ok(Figures {
        events_held: events_held_by_kind.iter().map(|(_, n)| n).sum(),
        events_held_by_kind,
        people_informed,
        people_present,
        headcount: headcount_by_sex.iter().map(|(_, n)| n).sum(),
        headcount_by_sex,
        headcount_by_age_band,
        officials_trained,
        officials_engaged,
    })
}
