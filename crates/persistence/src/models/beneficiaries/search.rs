//! Finding people: the list (filters, name search, keyset pages) and the
//! duplicate check. Erased records are never listed nor candidates.
//!
//! Lists use keyset pagination (the cursor is the id of the last row shown)
//! and never count the whole table.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use relais_domain::{BeneficiaryId, Region, names};

use super::Beneficiary;
use crate::schema::{beneficiaries, identity_documents};
use crate::{DbConnection, PersistenceError, TenantScope};

type Backend = <DbConnection as diesel::Connection>::Backend;

/// How many rows a list page holds.
pub const PAGE_SIZE: i64 = 50;

/// The order of a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    /// By folded name (then id).
    #[default]
    Name,
    /// Newest registrations first.
    Newest,
}

/// What a list shows.
#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    /// Order.
    pub sort: Sort,
    /// Only people of this region.
    pub region: Option<Region>,
    /// Only people with this nationality (ISO code).
    pub nationality: Option<String>,
    /// Only people with an identity document expiring between `today` and `today + days`.
    pub expiring_within_days: Option<i64>,
    /// Today (for the expiry filter).
    pub today: Option<NaiveDate>,
    /// Folded search tokens (see [`names::query_tokens`]); each must prefix a token of the name key.
    pub name_tokens: Vec<String>,
    /// A document number key (see [`relais_domain::beneficiary::document_number_key`]).
    pub document_number: Option<String>,
    /// The id of the last row of the previous page.
    pub after: Option<BeneficiaryId>,
}

/// One page of a list.
#[derive(Debug, Clone)]
pub struct Page {
    /// The rows (at most [`PAGE_SIZE`]).
    pub rows: Vec<Beneficiary>,
    /// The cursor of the next page, when there is one.
    pub next: Option<BeneficiaryId>,
}

/// A page of the scope's (not erased) people, filtered and sorted. Each
/// search token must be a prefix of a token of `name_key` (`LIKE 'tok%'`
/// or `LIKE '% tok%'`; tokens are `a-z0-9` only, so nothing needs escaping).
pub fn list(conn: &mut DbConnection, scope: &TenantScope, query: &ListQuery) -> Result<Page, PersistenceError> {
    let mut q = beneficiaries::table
        .filter(beneficiaries::tenant_id.eq(scope.key()))
        .filter(beneficiaries::erased_at.is_null())
        .select(Beneficiary::as_select())
        .into_boxed::<Backend>();
    if let Some(region) = query.region {
        q = q.filter(beneficiaries::region.eq(region.as_str()));
    }
    if let Some(code) = &query.nationality {
        // Codes are two letters joined by commas: a two-letter substring is a whole code.
        q = q.filter(beneficiaries::nationalities.like(format!("%{code}%")));
    }
    for token in query.name_tokens.iter().filter(|t| t.bytes().all(|b| b.is_ascii_alphanumeric())) {
        q = q.filter(
            beneficiaries::name_key.like(format!("{token}%")).or(beneficiaries::name_key.like(format!("% {token}%"))),
        );
    }
    if let (Some(days), Some(today)) = (query.expiring_within_days, query.today) {
        let until = today + chrono::Duration::days(days);
        q = q.filter(diesel::dsl::exists(
            identity_documents::table
                .filter(identity_documents::tenant_id.eq(scope.key()))
                .filter(identity_documents::beneficiary_id.eq(beneficiaries::id))
                .filter(identity_documents::expires_on.between(today, until)),
        ));
    }
    if let Some(number) = &query.document_number {
        q = q.filter(diesel::dsl::exists(
            identity_documents::table
                .filter(identity_documents::tenant_id.eq(scope.key()))
                .filter(identity_documents::beneficiary_id.eq(beneficiaries::id))
                .filter(identity_documents::number_key.eq(number.clone())),
        ));
    }
    let after = match query.after {
        Some(id) => beneficiaries::table
            .filter(beneficiaries::tenant_id.eq(scope.key()))
            .filter(beneficiaries::id.eq(id.to_string()))
            .select((beneficiaries::name_key, beneficiaries::created_at))
            .first::<(String, NaiveDateTime)>(conn)
            .optional()?
            .map(|(key, created)| (id.to_string(), key, created)),
        None => None,
    };
    q = match query.sort {
        Sort::Name => {
            // The redundant `>=`/`<=` give the index a range to start from,
            // so a page does not read the ones before it.
            if let Some((id, key, _)) = after {
                q = q.filter(beneficiaries::name_key.ge(key.clone())).filter(
                    beneficiaries::name_key
                        .gt(key.clone())
                        .or(beneficiaries::name_key.eq(key).and(beneficiaries::id.gt(id))),
                );
            }
            q.order((beneficiaries::name_key.asc(), beneficiaries::id.asc()))
        }
        Sort::Newest => {
            if let Some((id, _, created)) = after {
                q = q.filter(beneficiaries::created_at.le(created)).filter(
                    beneficiaries::created_at
                        .lt(created)
                        .or(beneficiaries::created_at.eq(created).and(beneficiaries::id.lt(id))),
                );
            }
            q.order((beneficiaries::created_at.desc(), beneficiaries::id.desc()))
        }
    };
    let mut rows: Vec<Beneficiary> = q.limit(PAGE_SIZE + 1).load(conn)?;
    let next = if rows.len() as i64 > PAGE_SIZE {
        rows.truncate(PAGE_SIZE as usize);
        rows.last().map(|r| r.id)
    } else {
        None
    };
    Ok(Page { rows, next })
}

/// Why a person is a duplicate candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DuplicateReason {
    /// The same folded name.
    SameName,
    /// A largely overlapping name and the same birth year.
    SimilarNameSameBirthYear,
    /// An identity document with the same number.
    SameDocument,
}

/// A person who may be the one being registered.
#[derive(Debug, Clone)]
pub struct DuplicateCandidate {
    /// The existing record.
    pub beneficiary: Beneficiary,
    /// Why it was found.
    pub reasons: Vec<DuplicateReason>,
    /// Rank (higher first).
    pub score: f32,
}

/// What the duplicate check compares.
#[derive(Debug, Clone, Default)]
pub struct DuplicateProbe {
    /// The name key of the person being registered.
    pub name_key: String,
    /// Their birth year, if known.
    pub birth_year: Option<i32>,
    /// The number keys of their identity documents.
    pub document_keys: Vec<String>,
    /// A record to leave out (the person being edited).
    pub exclude_id: Option<BeneficiaryId>,
}

/// How alike names must be, with the same birth year, to be a candidate.
const SIMILAR: f32 = 0.5;
/// How many people of one birth year are compared at most.
const SAME_YEAR_SCAN: i64 = 5_000;
/// How many candidates are returned at most.
const MAX_CANDIDATES: usize = 10;

/// The scope's people who may be the person described by `probe`: the same
/// name key, or a largely overlapping name and the same birth year, or an
/// identity document with the same number; best first. Erased records are
/// never candidates.
pub fn duplicates(
    conn: &mut DbConnection,
    scope: &TenantScope,
    probe: &DuplicateProbe,
) -> Result<Vec<DuplicateCandidate>, PersistenceError> {
    let mut found: Vec<DuplicateCandidate> = Vec::new();
    let mut add = |b: Beneficiary, reason: DuplicateReason, score: f32| {
        if probe.exclude_id == Some(b.id) {
            return;
        }
        match found.iter_mut().find(|c| c.beneficiary.id == b.id) {
            Some(c) => {
                if !c.reasons.contains(&reason) {
                    c.reasons.push(reason);
                    c.score += score;
                }
            }
            None => found.push(DuplicateCandidate { beneficiary: b, reasons: vec![reason], score }),
        }
    };
    let base = || {
        beneficiaries::table
            .filter(beneficiaries::tenant_id.eq(scope.key()))
            .filter(beneficiaries::erased_at.is_null())
            .select(Beneficiary::as_select())
    };
    if !probe.name_key.is_empty() {
        let same: Vec<Beneficiary> =
            base().filter(beneficiaries::name_key.eq(&probe.name_key)).limit(MAX_CANDIDATES as i64).load(conn)?;
        for b in same {
            let bonus = if b.birth_year.is_some() && b.birth_year == probe.birth_year { 0.25 } else { 0.0 };
            add(b, DuplicateReason::SameName, 1.0 + bonus);
        }
        if let Some(year) = probe.birth_year {
            let same_year: Vec<Beneficiary> =
                base().filter(beneficiaries::birth_year.eq(year)).limit(SAME_YEAR_SCAN).load(conn)?;
            for b in same_year {
                let score = names::similarity(&probe.name_key, &b.name_key);
                if score >= SIMILAR && b.name_key != probe.name_key {
                    add(b, DuplicateReason::SimilarNameSameBirthYear, score);
                }
            }
        }
    }
    if !probe.document_keys.is_empty() {
        let by_document: Vec<Beneficiary> = base()
            .filter(diesel::dsl::exists(
                identity_documents::table
                    .filter(identity_documents::tenant_id.eq(scope.key()))
                    .filter(identity_documents::beneficiary_id.eq(beneficiaries::id))
                    .filter(identity_documents::number_key.eq_any(probe.document_keys.clone())),
            ))
            .limit(MAX_CANDIDATES as i64)
            .load(conn)?;
        for b in by_document {
            add(b, DuplicateReason::SameDocument, 1.5);
        }
    }
    found.sort_by(|a, b| b.score.total_cmp(&a.score));
    found.truncate(MAX_CANDIDATES);
    Ok(found)
}
