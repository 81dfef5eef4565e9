//! Anonymous head-counts (`event_tallies` and `event_tally_counts`): where
//! names are not taken, a tally sheet counts people by sex × age band,
//! optionally by nationality; an event may have several sheets. A tenant
//! reads and writes only its own sheets.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use relais_domain::beneficiary::Sex;
use relais_domain::outreach::{AgeBand, TallyCell};
use relais_domain::{EventId, TallyId, UserId};

use super::Event;
use crate::schema::{event_tallies, event_tally_counts};
use crate::stored::{Stored, StoredOpt, text_columns};
use crate::{DbConnection, PersistenceError, TenantScope};

text_columns!(
    event_tallies.id,
    event_tallies.event_id,
    event_tallies.recorded_by,
    event_tally_counts.sex,
    event_tally_counts.age_band,
);

/// A tally sheet, with its cells.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Tally {
    /// Id.
    pub id: TallyId,
    /// The event.
    pub event_id: EventId,
    /// Where or when within the event.
    pub label: Option<String>,
    /// Who recorded it.
    pub recorded_by: Option<UserId>,
    /// When (UTC).
    pub created_at: NaiveDateTime,
    /// The cells, in the order given.
    pub cells: Vec<Cell>,
}

impl Tally {
    /// Everyone the sheet counts.
    pub fn total(&self) -> i64 {
        self.cells.iter().map(|c| i64::from(c.headcount)).sum()
    }
}

/// One cell of a stored tally.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, serde::Serialize)]
pub struct Cell {
    /// Sex.
    #[diesel(deserialize_as = Stored<Sex, event_tally_counts::sex>)]
    pub sex: Sex,
    /// Age band.
    #[diesel(deserialize_as = Stored<AgeBand, event_tally_counts::age_band>)]
    pub age_band: AgeBand,
    /// Nationality (ISO 3166-1 alpha-2), when counted by nationality.
    pub nationality: Option<String>,
    /// How many people.
    pub headcount: i32,
}

#[derive(Queryable)]
struct SheetRow {
    #[diesel(deserialize_as = Stored<TallyId, event_tallies::id>)]
    id: TallyId,
    #[diesel(deserialize_as = Stored<EventId, event_tallies::event_id>)]
    event_id: EventId,
    label: Option<String>,
    #[diesel(deserialize_as = StoredOpt<UserId, event_tallies::recorded_by>)]
    recorded_by: Option<UserId>,
    created_at: NaiveDateTime,
}

/// Records a tally sheet of the tenant at an event it organises (read with
/// [`super::find`]; the caller checked the cells and that the event takes
/// tallies). Counts above `i32::MAX` are refused by the caller's checks.
pub fn record(
    conn: &mut DbConnection,
    scope: &TenantScope,
    event: &Event,
    label: Option<&str>,
    cells: &[TallyCell],
    by: Option<UserId>,
    at: NaiveDateTime,
) -> Result<Tally, PersistenceError> {
    let id = TallyId::new();
    diesel::insert_into(event_tallies::table)
        .values((
            event_tallies::tenant_id.eq(scope.key()),
            event_tallies::id.eq(id.to_string()),
            event_tallies::event_tenant_id.eq(event.tenant_id.to_string()),
            event_tallies::event_id.eq(event.id.to_string()),
            event_tallies::label.eq(label),
            event_tallies::recorded_by.eq(by.map(|u| u.to_string())),
            event_tallies::created_at.eq(at),
        ))
        .execute(conn)?;
    for (line, cell) in cells.iter().enumerate() {
        let headcount =
            i32::try_from(cell.count).map_err(|_| PersistenceError::Config("tally count out of range".into()))?;
        diesel::insert_into(event_tally_counts::table)
            .values((
                event_tally_counts::tenant_id.eq(scope.key()),
                event_tally_counts::tally_id.eq(id.to_string()),
                event_tally_counts::line.eq(i32::try_from(line).unwrap_or(i32::MAX)),
                event_tally_counts::sex.eq(cell.sex.as_str()),
                event_tally_counts::age_band.eq(cell.age_band.as_str()),
                event_tally_counts::nationality.eq(cell.nationality.as_deref()),
                event_tally_counts::headcount.eq(headcount),
            ))
            .execute(conn)?;
    }
    tallies(conn, scope, event.id)?.into_iter().find(|t| t.id == id).ok_or(PersistenceError::NotFound)
}

/// The tenant's own tally sheets of an event, oldest first, with their cells.
pub fn tallies(conn: &mut DbConnection, scope: &TenantScope, event: EventId) -> Result<Vec<Tally>, PersistenceError> {
    let sheets: Vec<SheetRow> = event_tallies::table
        .filter(event_tallies::tenant_id.eq(scope.key()))
        .filter(event_tallies::event_id.eq(event.to_string()))
        .order((event_tallies::created_at.asc(), event_tallies::id.asc()))
        .select((
            event_tallies::id,
            event_tallies::event_id,
            event_tallies::label,
            event_tallies::recorded_by,
            event_tallies::created_at,
        ))
        .load(conn)?;
    let ids: Vec<String> = sheets.iter().map(|s| s.id.to_string()).collect();
    let cells: Vec<(String, Cell)> = event_tally_counts::table
        .filter(event_tally_counts::tenant_id.eq(scope.key()))
        .filter(event_tally_counts::tally_id.eq_any(&ids))
        .order((event_tally_counts::tally_id.asc(), event_tally_counts::line.asc()))
        .select((
            event_tally_counts::tally_id,
            (
                event_tally_counts::sex,
                event_tally_counts::age_band,
                event_tally_counts::nationality,
                event_tally_counts::headcount,
            ),
        ))
        .load(conn)?;
    Ok(sheets
        .into_iter()
        .map(|s| {
            let key = s.id.to_string();
            Tally {
                id: s.id,
                event_id: s.event_id,
                label: s.label,
                recorded_by: s.recorded_by,
                created_at: s.created_at,
                cells: cells.iter().filter(|(t, _)| *t == key).map(|(_, c)| c.clone()).collect(),
            }
        })
        .collect())
}
