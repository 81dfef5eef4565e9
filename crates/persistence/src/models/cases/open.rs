//! Opening a case: the next reference of the year, unique per tenant.

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use relais_domain::case_file::{self, CaseStatus, Pathway};
use relais_domain::{BeneficiaryId, CaseId, Conflict, Duplicate, UserId};

use super::{Case, beneficiary_exists, find};
use crate::models::case_events::{self, NewEvent};
use crate::schema::cases;
use crate::{DbConnection, PersistenceError, TenantScope, write_tx};

diesel::define_sql_function! {
    /// Length of a text, in characters (same name on both backends).
    fn length(x: diesel::sql_types::Text) -> diesel::sql_types::Integer;
}

/// What is needed to open a case (checked by the caller).
#[derive(Debug, Clone)]
pub struct NewCase<'a> {
    /// The person (must exist in the tenant).
    pub beneficiary_id: BeneficiaryId,
    /// Pathway.
    pub pathway: Pathway,
    /// Intake date.
    pub intake_date: NaiveDate,
    /// Who sent the person.
    pub referral_source: Option<&'a str>,
    /// Goals.
    pub goals: Option<&'a str>,
    /// Who opens it.
    pub created_by: UserId,
}

/// How many times a reference is drawn again after losing a race. Each
/// loss means another case of the same tenant was committed meanwhile (the
/// unique index only refuses a committed or committing row), so running out
/// takes that many cases opened in one tenant during one creation.
const REFERENCE_ATTEMPTS: usize = 32;

fn next_reference(conn: &mut DbConnection, scope: &TenantScope, year: i32) -> Result<String, PersistenceError> {
    let prefix = case_file::reference_prefix(year);
    let last: Option<String> = cases::table
        .filter(cases::tenant_id.eq(scope.key()))
        .filter(cases::reference.like(format!("{prefix}%")))
        .order((length(cases::reference).desc(), cases::reference.desc()))
        .select(cases::reference)
        .first(conn)
        .optional()?;
    let number = last.as_deref().and_then(|r| case_file::reference_number(r, year)).unwrap_or(0);
    Ok(case_file::case_reference(year, number.saturating_add(1)))
}

/// Opens a case with status open and the next reference of `at`'s year
/// (`C-2026-00042`, unique per tenant), created at `at`. Two writers drawing
/// the same number at once (possible on PostgreSQL) meet the unique index:
/// the loser draws again. Appends `opened` to the timeline. `NotFound` when
/// the person is not in the tenant (or was erased).
pub fn create(
    conn: &mut DbConnection,
    scope: &TenantScope,
    new: &NewCase<'_>,
    at: NaiveDateTime,
) -> Result<Case, PersistenceError> {
    if !beneficiary_exists(conn, scope, new.beneficiary_id)? {
        return Err(PersistenceError::NotFound);
    }
    let id = CaseId::new();
    for _ in 0..REFERENCE_ATTEMPTS {
        let reference = next_reference(conn, scope, at.year())?;
        // A savepoint, so a lost race does not abort the caller's transaction on PostgreSQL.
        let inserted = write_tx(conn, |conn| {
            diesel::insert_into(cases::table)
                .values((
                    cases::tenant_id.eq(scope.key()),
                    cases::id.eq(id.to_string()),
                    cases::beneficiary_id.eq(new.beneficiary_id.to_string()),
                    cases::reference.eq(&reference),
                    cases::pathway.eq(new.pathway.as_str()),
                    cases::status.eq(CaseStatus::Open.as_str()),
                    cases::intake_date.eq(new.intake_date),
                    cases::referral_source.eq(new.referral_source),
                    cases::goals.eq(new.goals),
                    cases::created_by.eq(new.created_by.to_string()),
                    cases::created_at.eq(at),
                    cases::updated_at.eq(at),
                    cases::version.eq(1),
                ))
                .execute(conn)
                .map_err(PersistenceError::from)
        });
        match inserted {
            Ok(_) => {
                let event = NewEvent::Opened { pathway: new.pathway };
                case_events::append(conn, scope, id, &event, Some(new.created_by), at)?;
                return find(conn, scope, id);
            }
            Err(PersistenceError::Conflict(Conflict::Duplicate(Duplicate::CaseReference))) => continue,
            Err(other) => return Err(other),
        }
    }
    Err(PersistenceError::Conflict(Conflict::Duplicate(Duplicate::CaseReference)))
}
