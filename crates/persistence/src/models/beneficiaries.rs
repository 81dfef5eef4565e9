//! `beneficiaries`: the people a tenant accompanies. Tenant-owned: every
//! function takes a [`TenantScope`]. Names are also stored folded in
//! `name_key` (see [`relais_domain::names`]) for search and duplicate
//! detection; every update checks and increments `version` (optimistic
//! locking); erasure anonymises the row in place (see [`erase`]).
//!
//! Lists use keyset pagination (the cursor is the id of the last row shown)
//! and never count the whole table.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use relais_domain::beneficiary::{EducationLevel, Sex, birth_year_band};
use relais_domain::phone::PhoneNumber;
use relais_domain::{Conflict, EmailAddress, Region, names};
use uuid::Uuid;

use crate::schema::{beneficiaries, case_notes, cases, consents, identity_documents, tasks};
use crate::{DbConnection, PersistenceError, TenantScope, now};

type Backend = <DbConnection as diesel::Connection>::Backend;

/// What an erased record shows in place of each name.
pub const ERASED_PLACEHOLDER: &str = "[erased]";

/// How many rows a list page holds.
pub const PAGE_SIZE: i64 = 50;

/// A person as stored.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = beneficiaries)]
pub struct Beneficiary {
    /// Owning tenant.
    pub tenant_id: String,
    /// Id (UUIDv7 text).
    pub id: String,
    /// Given names, as written.
    pub given_names: String,
    /// Family names, as written.
    pub family_names: String,
    /// The name in Arabic script, if given.
    pub arabic_name: Option<String>,
    /// Folded, sorted name tokens (search and duplicates).
    pub name_key: String,
    /// Sex code (see [`Sex`]).
    pub sex: String,
    /// Full birth date, when known.
    pub birth_date: Option<NaiveDate>,
    /// Birth year (set whenever a date or a year is known).
    pub birth_year: Option<i32>,
    /// ISO 3166-1 alpha-2 codes, comma separated.
    pub nationalities: String,
    /// Languages spoken, comma separated, as written.
    pub languages: String,
    /// Phone (E.164).
    pub phone: Option<String>,
    /// WhatsApp number (E.164).
    pub whatsapp: Option<String>,
    /// E-mail address.
    pub email: Option<String>,
    /// City.
    pub city: Option<String>,
    /// Region code (see [`Region`]).
    pub region: Option<String>,
    /// Household size in Morocco.
    pub household_size_morocco: Option<i32>,
    /// Household size in the country of origin.
    pub household_size_origin: Option<i32>,
    /// Education level code (see [`EducationLevel`]).
    pub education_level: Option<String>,
    /// Previous occupation.
    pub previous_occupation: Option<String>,
    /// Skills.
    pub skills: Option<String>,
    /// Year of regularisation.
    pub regularisation_year: Option<i32>,
    /// Who registered the person.
    pub created_by: Option<String>,
    /// Registration time (UTC).
    pub created_at: NaiveDateTime,
    /// Last change (UTC).
    pub updated_at: NaiveDateTime,
    /// Optimistic-locking version.
    pub version: i32,
    /// When the person's data was erased, if it was.
    pub erased_at: Option<NaiveDateTime>,
}

impl Beneficiary {
    /// The nationalities as a list of codes.
    pub fn nationality_codes(&self) -> Vec<&str> {
        self.nationalities.split(',').filter(|c| !c.is_empty()).collect()
    }
}

/// The fields a person's record is made of, checked (the web form builds this).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BeneficiaryFields {
    /// Given names, as written.
    pub given_names: String,
    /// Family names, as written.
    pub family_names: String,
    /// Name in Arabic script.
    pub arabic_name: Option<String>,
    /// Sex.
    pub sex: Sex,
    /// Full birth date.
    pub birth_date: Option<NaiveDate>,
    /// Birth year (also when only the year is known).
    pub birth_year: Option<i32>,
    /// ISO 3166-1 alpha-2 codes.
    pub nationalities: Vec<String>,
    /// Languages spoken.
    pub languages: Vec<String>,
    /// Phone.
    pub phone: Option<PhoneNumber>,
    /// WhatsApp number.
    pub whatsapp: Option<PhoneNumber>,
    /// E-mail.
    pub email: Option<EmailAddress>,
    /// City.
    pub city: Option<String>,
    /// Region.
    pub region: Option<Region>,
    /// Household size in Morocco (0–50).
    pub household_size_morocco: Option<i32>,
    /// Household size in the country of origin (0–50).
    pub household_size_origin: Option<i32>,
    /// Education level.
    pub education_level: Option<EducationLevel>,
    /// Previous occupation.
    pub previous_occupation: Option<String>,
    /// Skills.
    pub skills: Option<String>,
    /// Year of regularisation.
    pub regularisation_year: Option<i32>,
}

#[derive(AsChangeset, Insertable)]
#[diesel(table_name = beneficiaries, treat_none_as_null = true)]
struct FieldsRow {
    given_names: String,
    family_names: String,
    arabic_name: Option<String>,
    name_key: String,
    sex: &'static str,
    birth_date: Option<NaiveDate>,
    birth_year: Option<i32>,
    nationalities: String,
    languages: String,
    phone: Option<String>,
    whatsapp: Option<String>,
    email: Option<String>,
    city: Option<String>,
    region: Option<&'static str>,
    household_size_morocco: Option<i32>,
    household_size_origin: Option<i32>,
    education_level: Option<&'static str>,
    previous_occupation: Option<String>,
    skills: Option<String>,
    regularisation_year: Option<i32>,
}

impl FieldsRow {
    fn from(f: &BeneficiaryFields) -> Self {
        Self {
            given_names: f.given_names.clone(),
            family_names: f.family_names.clone(),
            arabic_name: f.arabic_name.clone(),
            name_key: names::name_key(&f.given_names, &f.family_names),
            sex: f.sex.as_str(),
            birth_date: f.birth_date,
            birth_year: f.birth_year,
            nationalities: f.nationalities.join(","),
            languages: f.languages.join(", "),
            phone: f.phone.as_ref().map(|p| p.to_string()),
            whatsapp: f.whatsapp.as_ref().map(|p| p.to_string()),
            email: f.email.as_ref().map(|e| e.to_string()),
            city: f.city.clone(),
            region: f.region.map(|r| r.as_str()),
            household_size_morocco: f.household_size_morocco,
            household_size_origin: f.household_size_origin,
            education_level: f.education_level.map(|e| e.as_str()),
            previous_occupation: f.previous_occupation.clone(),
            skills: f.skills.clone(),
            regularisation_year: f.regularisation_year,
        }
    }
}

/// Registers a person in the scope's tenant.
pub fn create(
    conn: &mut DbConnection,
    scope: &TenantScope,
    fields: &BeneficiaryFields,
    created_by: Option<&str>,
) -> Result<Beneficiary, PersistenceError> {
    let at = now();
    let id = Uuid::now_v7().to_string();
    diesel::insert_into(beneficiaries::table)
        .values((
            beneficiaries::tenant_id.eq(scope.key()),
            beneficiaries::id.eq(&id),
            FieldsRow::from(fields),
            beneficiaries::created_by.eq(created_by),
            beneficiaries::created_at.eq(at),
            beneficiaries::updated_at.eq(at),
            beneficiaries::version.eq(1),
        ))
        .execute(conn)?;
    find(conn, scope, &id)
}

/// One person of the scope's tenant (erased records included).
pub fn find(conn: &mut DbConnection, scope: &TenantScope, id: &str) -> Result<Beneficiary, PersistenceError> {
    Ok(beneficiaries::table
        .filter(beneficiaries::tenant_id.eq(scope.key()))
        .filter(beneficiaries::id.eq(id))
        .select(Beneficiary::as_select())
        .first(conn)?)
}

/// Changes a person's record if it is still at `expected_version`; a stale
/// version (someone saved in between) or an erased record is a
/// [`PersistenceError::Conflict`] and nothing is written. Returns the
/// record as it was and as it is now.
pub fn update(
    conn: &mut DbConnection,
    scope: &TenantScope,
    id: &str,
    expected_version: i32,
    fields: &BeneficiaryFields,
) -> Result<(Beneficiary, Beneficiary), PersistenceError> {
    let before = find(conn, scope, id)?;
    if before.erased_at.is_some() {
        return Err(PersistenceError::Conflict(Conflict::Erased));
    }
    let changed = diesel::update(
        beneficiaries::table
            .filter(beneficiaries::tenant_id.eq(scope.key()))
            .filter(beneficiaries::id.eq(id))
            .filter(beneficiaries::version.eq(expected_version))
            .filter(beneficiaries::erased_at.is_null()),
    )
    .set((
        FieldsRow::from(fields),
        beneficiaries::version.eq(beneficiaries::version + 1),
        beneficiaries::updated_at.eq(now()),
    ))
    .execute(conn)?;
    if changed == 0 {
        return Err(PersistenceError::Conflict(Conflict::StaleVersion));
    }
    let after = find(conn, scope, id)?;
    Ok((before, after))
}

/// The names of the fields that differ between two versions of a record
/// (for the audit trail: names only, never values).
pub fn changed_fields(before: &Beneficiary, after: &Beneficiary) -> Vec<&'static str> {
    [
        ("given_names", before.given_names != after.given_names),
        ("family_names", before.family_names != after.family_names),
        ("arabic_name", before.arabic_name != after.arabic_name),
        ("sex", before.sex != after.sex),
        ("birth_date", before.birth_date != after.birth_date || before.birth_year != after.birth_year),
        ("nationalities", before.nationalities != after.nationalities),
        ("languages", before.languages != after.languages),
        ("phone", before.phone != after.phone),
        ("whatsapp", before.whatsapp != after.whatsapp),
        ("email", before.email != after.email),
        ("city", before.city != after.city),
        ("region", before.region != after.region),
        ("household_size_morocco", before.household_size_morocco != after.household_size_morocco),
        ("household_size_origin", before.household_size_origin != after.household_size_origin),
        ("education_level", before.education_level != after.education_level),
        ("previous_occupation", before.previous_occupation != after.previous_occupation),
        ("skills", before.skills != after.skills),
        ("regularisation_year", before.regularisation_year != after.regularisation_year),
    ]
    .into_iter()
    .filter_map(|(name, differs)| differs.then_some(name))
    .collect()
}

/// The changes between two versions for the audit trail: each changed
/// field with `from` and `to`. Values that identify or locate the person
/// (names, birth date, contact fields, city, occupation, skills) are masked
/// as `"***"`; coded, non-identifying values (sex, nationalities, languages,
/// region, household sizes, education level, regularisation year) are shown.
pub fn change_details(before: &Beneficiary, after: &Beneficiary) -> serde_json::Value {
    const MASKED: &[&str] = &[
        "given_names",
        "family_names",
        "arabic_name",
        "birth_date",
        "phone",
        "whatsapp",
        "email",
        "city",
        "previous_occupation",
        "skills",
    ];
    let value = |record: &Beneficiary, field: &str| -> serde_json::Value {
        match field {
            "sex" => record.sex.clone().into(),
            "nationalities" => record.nationalities.clone().into(),
            "languages" => record.languages.clone().into(),
            "region" => record.region.clone().into(),
            "household_size_morocco" => record.household_size_morocco.into(),
            "household_size_origin" => record.household_size_origin.into(),
            "education_level" => record.education_level.clone().into(),
            "regularisation_year" => record.regularisation_year.into(),
            _ => serde_json::Value::Null,
        }
    };
    let mut changes = serde_json::Map::new();
    for field in changed_fields(before, after) {
        let (from, to) = if MASKED.contains(&field) {
            (serde_json::json!("***"), serde_json::json!("***"))
        } else {
            (value(before, field), value(after, field))
        };
        changes.insert(field.to_owned(), serde_json::json!({ "from": from, "to": to }));
    }
    serde_json::Value::Object(changes)
}

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
    pub after: Option<String>,
}

/// One page of a list.
#[derive(Debug, Clone)]
pub struct Page {
    /// The rows (at most [`PAGE_SIZE`]).
    pub rows: Vec<Beneficiary>,
    /// The cursor of the next page, when there is one.
    pub next: Option<String>,
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
    let after = match &query.after {
        Some(id) => beneficiaries::table
            .filter(beneficiaries::tenant_id.eq(scope.key()))
            .filter(beneficiaries::id.eq(id))
            .select((beneficiaries::name_key, beneficiaries::created_at))
            .first::<(String, NaiveDateTime)>(conn)
            .optional()?
            .map(|(key, created)| (id.clone(), key, created)),
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
        rows.last().map(|r| r.id.clone())
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
    pub exclude_id: Option<String>,
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
        if probe.exclude_id.as_deref() == Some(b.id.as_str()) {
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
    found.sort_by(|a, b| b.score.partial_cmp(&a.score).unwrap_or(std::cmp::Ordering::Equal));
    found.truncate(MAX_CANDIDATES);
    Ok(found)
}

/// A case of a person, as listed on the person's page (read-only view of `cases`).
#[derive(Debug, Clone, PartialEq, Eq, Queryable, serde::Serialize)]
pub struct CaseSummary {
    /// Case id.
    pub id: String,
    /// Human reference.
    pub reference: String,
    /// Pathway code.
    pub pathway: String,
    /// Status code.
    pub status: String,
    /// Intake date.
    pub intake_date: NaiveDate,
}

/// The cases of a person, newest intake first.
pub fn cases_of(
    conn: &mut DbConnection,
    scope: &TenantScope,
    beneficiary_id: &str,
) -> Result<Vec<CaseSummary>, PersistenceError> {
    Ok(cases::table
        .filter(cases::tenant_id.eq(scope.key()))
        .filter(cases::beneficiary_id.eq(beneficiary_id))
        .order((cases::intake_date.desc(), cases::id.desc()))
        .select((cases::id, cases::reference, cases::pathway, cases::status, cases::intake_date))
        .load(conn)?)
}

/// How many of a person's cases are still open or on hold.
pub fn open_case_count(
    conn: &mut DbConnection,
    scope: &TenantScope,
    beneficiary_id: &str,
) -> Result<i64, PersistenceError> {
    Ok(cases::table
        .filter(cases::tenant_id.eq(scope.key()))
        .filter(cases::beneficiary_id.eq(beneficiary_id))
        .filter(cases::status.eq_any(["open", "on_hold"]))
        .count()
        .get_result(conn)?)
}

/// What an erasure did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Erasure {
    /// Identity documents anonymised.
    pub documents: usize,
    /// Consents whose witness name was removed.
    pub consents: usize,
}

/// Erases a person's personal data, irreversibly, keeping the row so that
/// counts stay true. Kept: the id, tenant, sex, the five-year band of the
/// birth year, nationalities, region, and who registered the person and
/// when. Replaced: the names (by [`ERASED_PLACEHOLDER`]), the name key
/// (emptied) and every document number; emptied: every other personal
/// field, the documents' dates and the consents' witness names; in the
/// person's cases, goals and referral source are emptied and every note
/// text and task title replaced.
///
/// Refused ([`PersistenceError::Conflict`] `"open cases"`) while the person
/// has an open or on-hold case, and (`"erased"`) when already erased.
pub fn erase(
    conn: &mut DbConnection,
    scope: &TenantScope,
    id: &str,
    at: NaiveDateTime,
) -> Result<Erasure, PersistenceError> {
    let person = find(conn, scope, id)?;
    if person.erased_at.is_some() {
        return Err(PersistenceError::Conflict(Conflict::Erased));
    }
    if open_case_count(conn, scope, id)? > 0 {
        return Err(PersistenceError::Conflict(Conflict::OpenCases));
    }
    let band = person.birth_year.map(birth_year_band);
    diesel::update(
        beneficiaries::table.filter(beneficiaries::tenant_id.eq(scope.key())).filter(beneficiaries::id.eq(id)),
    )
    .set((
        beneficiaries::given_names.eq(ERASED_PLACEHOLDER),
        beneficiaries::family_names.eq(ERASED_PLACEHOLDER),
        beneficiaries::arabic_name.eq(None::<String>),
        beneficiaries::name_key.eq(""),
        beneficiaries::birth_date.eq(None::<NaiveDate>),
        beneficiaries::birth_year.eq(band),
        beneficiaries::languages.eq(""),
        beneficiaries::phone.eq(None::<String>),
        beneficiaries::whatsapp.eq(None::<String>),
        beneficiaries::email.eq(None::<String>),
        beneficiaries::city.eq(None::<String>),
        beneficiaries::household_size_morocco.eq(None::<i32>),
        beneficiaries::household_size_origin.eq(None::<i32>),
        beneficiaries::education_level.eq(None::<String>),
        beneficiaries::previous_occupation.eq(None::<String>),
        beneficiaries::skills.eq(None::<String>),
        beneficiaries::regularisation_year.eq(None::<i32>),
        beneficiaries::version.eq(beneficiaries::version + 1),
        beneficiaries::updated_at.eq(at),
        beneficiaries::erased_at.eq(Some(at)),
    ))
    .execute(conn)?;
    let documents = diesel::update(
        identity_documents::table
            .filter(identity_documents::tenant_id.eq(scope.key()))
            .filter(identity_documents::beneficiary_id.eq(id)),
    )
    .set((
        identity_documents::number.eq(ERASED_PLACEHOLDER),
        identity_documents::number_key.eq(""),
        identity_documents::issued_on.eq(None::<NaiveDate>),
        identity_documents::expires_on.eq(None::<NaiveDate>),
        identity_documents::updated_at.eq(at),
    ))
    .execute(conn)?;
    let consents = diesel::update(
        consents::table.filter(consents::tenant_id.eq(scope.key())).filter(consents::beneficiary_id.eq(id)),
    )
    .set(consents::witness.eq(None::<String>))
    .execute(conn)?;
    // What was written about the person in their (closed) cases goes too;
    // the cases themselves stay, for the counts.
    let cases_of_person =
        cases::table.filter(cases::tenant_id.eq(scope.key())).filter(cases::beneficiary_id.eq(id)).select(cases::id);
    diesel::update(cases::table.filter(cases::tenant_id.eq(scope.key())).filter(cases::beneficiary_id.eq(id)))
        .set((cases::goals.eq(None::<String>), cases::referral_source.eq(None::<String>), cases::updated_at.eq(at)))
        .execute(conn)?;
    diesel::update(
        case_notes::table
            .filter(case_notes::tenant_id.eq(scope.key()))
            .filter(case_notes::case_id.eq_any(cases_of_person)),
    )
    .set(case_notes::body.eq(ERASED_PLACEHOLDER))
    .execute(conn)?;
    let cases_of_person =
        cases::table.filter(cases::tenant_id.eq(scope.key())).filter(cases::beneficiary_id.eq(id)).select(cases::id);
    diesel::update(
        tasks::table.filter(tasks::tenant_id.eq(scope.key())).filter(tasks::case_id.eq_any(cases_of_person)),
    )
    .set(tasks::title.eq(ERASED_PLACEHOLDER))
    .execute(conn)?;
    Ok(Erasure { documents, consents })
}
