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

/// How many values one `IN (…)` list holds at most (SQLite's and
/// PostgreSQL's bound-parameter limits are far above).
const IN_CHUNK: usize = 500;

/// The duplicate check of many people at once (a sign-in sheet): the same
/// rules and ranking as [`duplicates`] — the same name key, or a largely
/// overlapping name and the same birth year — in a few queries instead of
/// two per person: the people of the scope with one of the name keys or one
/// of the birth years are read once (their ids, keys and years), compared
/// in memory, and only the candidates' records are loaded. Identity
/// documents are not compared (a sheet has none); a probe with document
/// keys is checked with [`duplicates`]. One list of candidates per probe,
/// in the probes' order.
pub fn duplicates_many(
    conn: &mut DbConnection,
    scope: &TenantScope,
    probes: &[DuplicateProbe],
) -> Result<Vec<Vec<DuplicateCandidate>>, PersistenceError> {
    use std::collections::{BTreeMap, BTreeSet, HashMap};

    let mut keys: BTreeSet<&str> = BTreeSet::new();
    let mut years: BTreeSet<i32> = BTreeSet::new();
    for probe in probes.iter().filter(|p| !p.name_key.is_empty()) {
        keys.insert(&probe.name_key);
        years.extend(probe.birth_year);
    }
    // (id, name key, birth year) of every person who may be a candidate.
    let mut people: BTreeMap<String, (String, Option<i32>)> = BTreeMap::new();
    let base = || {
        beneficiaries::table
            .filter(beneficiaries::tenant_id.eq(scope.key()))
            .filter(beneficiaries::erased_at.is_null())
            .select((beneficiaries::id, beneficiaries::name_key, beneficiaries::birth_year))
    };
    let keys: Vec<String> = keys.into_iter().map(str::to_owned).collect();
    for chunk in keys.chunks(IN_CHUNK) {
        let rows: Vec<(String, String, Option<i32>)> =
            base().filter(beneficiaries::name_key.eq_any(chunk.to_vec())).load(conn)?;
        people.extend(rows.into_iter().map(|(id, key, year)| (id, (key, year))));
    }
    let years: Vec<i32> = years.into_iter().collect();
    for chunk in years.chunks(IN_CHUNK) {
        let rows: Vec<(String, String, Option<i32>)> =
            base().filter(beneficiaries::birth_year.eq_any(chunk.to_vec())).load(conn)?;
        people.extend(rows.into_iter().map(|(id, key, year)| (id, (key, year))));
    }
    let mut by_key: HashMap<&str, Vec<&str>> = HashMap::new();
    let mut by_year: HashMap<i32, Vec<(&str, &str)>> = HashMap::new();
    for (id, (key, year)) in &people {
        by_key.entry(key.as_str()).or_default().push(id.as_str());
        if let Some(year) = year {
            by_year.entry(*year).or_default().push((id.as_str(), key.as_str()));
        }
    }
    // Per probe: (id, reasons, score), ranked as `duplicates` ranks them.
    let mut found: Vec<Vec<(String, Vec<DuplicateReason>, f32)>> = Vec::with_capacity(probes.len());
    for probe in probes {
        let mut list: Vec<(String, Vec<DuplicateReason>, f32)> = Vec::new();
        if !probe.name_key.is_empty() {
            for id in by_key.get(probe.name_key.as_str()).into_iter().flatten() {
                let year = people.get(*id).and_then(|(_, y)| *y);
                let bonus = if year.is_some() && year == probe.birth_year { 0.25 } else { 0.0 };
                list.push(((*id).to_owned(), vec![DuplicateReason::SameName], 1.0 + bonus));
            }
            if let Some(year) = probe.birth_year {
                for (id, key) in by_year.get(&year).into_iter().flatten() {
                    if *key == probe.name_key {
                        continue;
                    }
                    let score = names::similarity(&probe.name_key, key);
                    if score >= SIMILAR {
                        list.push(((*id).to_owned(), vec![DuplicateReason::SimilarNameSameBirthYear], score));
                    }
                }
            }
        }
        if let Some(exclude) = probe.exclude_id {
            let exclude = exclude.to_string();
            list.retain(|(id, _, _)| *id != exclude);
        }
        list.sort_by(|a, b| b.2.total_cmp(&a.2));
        list.truncate(MAX_CANDIDATES);
        found.push(list);
    }
    let wanted: BTreeSet<String> = found.iter().flatten().map(|(id, _, _)| id.clone()).collect();
    let wanted: Vec<String> = wanted.into_iter().collect();
    let mut records: HashMap<String, Beneficiary> = HashMap::new();
    for chunk in wanted.chunks(IN_CHUNK) {
        let rows: Vec<Beneficiary> = beneficiaries::table
            .filter(beneficiaries::tenant_id.eq(scope.key()))
            .filter(beneficiaries::id.eq_any(chunk.to_vec()))
            .select(Beneficiary::as_select())
            .load(conn)?;
        records.extend(rows.into_iter().map(|b| (b.id.to_string(), b)));
    }
    let mut out = Vec::with_capacity(probes.len());
    for (probe, list) in probes.iter().zip(found) {
        if !probe.document_keys.is_empty() {
            out.push(duplicates(conn, scope, probe)?);
            continue;
        }
        out.push(
            list.into_iter()
                .filter_map(|(id, reasons, score)| {
                    records.get(&id).map(|b| DuplicateCandidate { beneficiary: b.clone(), reasons, score })
                })
                .collect(),
        );
    }
    Ok(out)
}
