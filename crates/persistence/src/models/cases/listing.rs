//! The case list: filters and keyset pages on (updated_at, id).

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use relais_domain::case_file::{CaseStatus, Pathway};
use relais_domain::{BeneficiaryId, CaseId, UserId};

use crate::schema::{beneficiaries, case_assignments, cases};
use crate::stored::Stored;
use crate::{DbConnection, PersistenceError, TenantScope};

type Backend = <DbConnection as diesel::Connection>::Backend;

/// Filters of the case list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaseFilter {
    /// Only this status.
    pub status: Option<CaseStatus>,
    /// Only this pathway.
    pub pathway: Option<Pathway>,
    /// Only cases this user is assigned to.
    pub assignee: Option<UserId>,
    /// Leave closed cases out.
    pub not_closed: bool,
}

/// Where a page of the case list starts: after this (updated_at, id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    /// `updated_at` of the last row of the previous page.
    pub updated_at: NaiveDateTime,
    /// Id of the last row of the previous page.
    pub id: CaseId,
}

const CURSOR_TIME: &str = "%Y%m%dT%H%M%S%.6f";

impl Cursor {
    /// The cursor as a URL-safe token.
    pub fn to_token(&self) -> String {
        format!("{}_{}", self.updated_at.format(CURSOR_TIME), self.id)
    }

    /// Reads a token made by [`Cursor::to_token`]; `None` if malformed.
    pub fn parse(token: &str) -> Option<Self> {
        let (time, id) = token.split_once('_')?;
        let updated_at = NaiveDateTime::parse_from_str(time, CURSOR_TIME).ok()?;
        let id = id.parse::<CaseId>().ok()?;
        Some(Self { updated_at, id })
    }
}

/// A case as listed, with the person's names.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct CaseListing {
    /// Case id.
    #[diesel(deserialize_as = Stored<CaseId, cases::id>)]
    pub id: CaseId,
    /// Reference.
    pub reference: String,
    /// Pathway.
    #[diesel(deserialize_as = Stored<Pathway, cases::pathway>)]
    pub pathway: Pathway,
    /// Status.
    #[diesel(deserialize_as = Stored<CaseStatus, cases::status>)]
    pub status: CaseStatus,
    /// Intake date.
    pub intake_date: NaiveDate,
    /// Last change (UTC).
    pub updated_at: NaiveDateTime,
    /// The person.
    #[diesel(deserialize_as = Stored<BeneficiaryId, cases::beneficiary_id>)]
    pub beneficiary_id: BeneficiaryId,
    /// The person's given names.
    pub given_names: String,
    /// The person's family names.
    pub family_names: String,
}

/// One page of the case list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CasePage {
    /// The rows, most recently changed first.
    pub rows: Vec<CaseListing>,
    /// Where the next page starts, if there is one.
    pub next: Option<Cursor>,
}

/// Cases of the tenant, most recently changed first, `limit` per page, with
/// keyset pagination on (updated_at, id) so any page is as fast as the first.
pub fn list(
    conn: &mut DbConnection,
    scope: &TenantScope,
    filter: &CaseFilter,
    after: Option<&Cursor>,
    limit: i64,
) -> Result<CasePage, PersistenceError> {
    let mut query = cases::table
        .inner_join(
            beneficiaries::table
                .on(beneficiaries::tenant_id.eq(cases::tenant_id).and(beneficiaries::id.eq(cases::beneficiary_id))),
        )
        .filter(cases::tenant_id.eq(scope.key()))
        .select((
            cases::id,
            cases::reference,
            cases::pathway,
            cases::status,
            cases::intake_date,
            cases::updated_at,
            cases::beneficiary_id,
            beneficiaries::given_names,
            beneficiaries::family_names,
        ))
        .order((cases::updated_at.desc(), cases::id.desc()))
        .limit(limit + 1)
        .into_boxed::<Backend>();
    if let Some(status) = filter.status {
        query = query.filter(cases::status.eq(status.as_str()));
    }
    if filter.not_closed {
        query = query.filter(cases::status.ne(CaseStatus::Closed.as_str()));
    }
    if let Some(pathway) = filter.pathway {
        query = query.filter(cases::pathway.eq(pathway.as_str()));
    }
    if let Some(user) = filter.assignee {
        query = query.filter(
            cases::id.eq_any(
                case_assignments::table
                    .filter(case_assignments::tenant_id.eq(scope.key()))
                    .filter(case_assignments::user_id.eq(user.to_string()))
                    .select(case_assignments::case_id),
            ),
        );
    }
    if let Some(cursor) = after {
        // `updated_at <= cursor` adds nothing to the condition but gives the
        // index a range to start from, so a page does not read the ones before it.
        query = query.filter(cases::updated_at.le(cursor.updated_at)).filter(
            cases::updated_at
                .lt(cursor.updated_at)
                .or(cases::updated_at.eq(cursor.updated_at).and(cases::id.lt(cursor.id.to_string()))),
        );
    }
    let mut rows: Vec<CaseListing> = query.load(conn)?;
    let next = if rows.len() as i64 > limit {
        rows.truncate(usize::try_from(limit).unwrap_or(0));
        rows.last().map(|r| Cursor { updated_at: r.updated_at, id: r.id })
    } else {
        None
    };
    Ok(CasePage { rows, next })
}
