//! `beneficiaries`: the people a tenant accompanies. Tenant-owned: every
//! function takes a [`TenantScope`]. Names are also stored folded in
//! `name_key` (see [`relais_domain::names`]) for search and duplicate
//! detection; every update checks and increments `version` (optimistic
//! locking); erasure anonymises the row in place (see [`erase`]).
//!
//! - this module: the row, registration, reading one person, changing a
//!   record, and the person's cases;
//! - [`search`]: the keyset-paginated list and the duplicate check;
//! - [`changes`]: what changed between two versions (for the audit trail);
//! - [`erasure`]: erasure on request.
//!
//! Writes take the time of the change (`at`, the application clock) from
//! the caller.

mod changes;
mod erasure;
mod search;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use relais_domain::beneficiary::{EducationLevel, Sex};
use relais_domain::case_file::{CaseStatus, Pathway};
use relais_domain::phone::PhoneNumber;
use relais_domain::{BeneficiaryId, CaseId, Conflict, EmailAddress, Region, TenantId, UserId, names};

pub use changes::{change_details, changed_fields};
pub use erasure::{ERASED_PLACEHOLDER, Erasure, erase, open_case_count};
pub use search::duplicates_many;
pub use search::{
    DuplicateCandidate, DuplicateProbe, DuplicateReason, ListQuery, PAGE_SIZE, Page, Sort, duplicates, list,
};

use crate::schema::{beneficiaries, cases};
use crate::stored::{Stored, StoredOpt, text_columns};
use crate::{DbConnection, PersistenceError, TenantScope};

text_columns!(
    beneficiaries.tenant_id,
    beneficiaries.id,
    beneficiaries.sex,
    beneficiaries.region,
    beneficiaries.education_level,
    beneficiaries.created_by,
);

/// Columns of `cases` read here: named by markers of this module, so that
/// the cases module stays the one to declare the columns themselves.
mod case_columns {
    use crate::stored::TextColumn;

    /// `cases.id`.
    #[derive(Debug, Clone, Copy)]
    pub struct Id;
    /// `cases.pathway`.
    #[derive(Debug, Clone, Copy)]
    pub struct Pathway;
    /// `cases.status`.
    #[derive(Debug, Clone, Copy)]
    pub struct Status;

    impl TextColumn for Id {
        const NAME: &'static str = "cases.id";
    }
    impl TextColumn for Pathway {
        const NAME: &'static str = "cases.pathway";
    }
    impl TextColumn for Status {
        const NAME: &'static str = "cases.status";
    }
}

/// A person as stored.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = beneficiaries)]
pub struct Beneficiary {
    /// Owning tenant.
    #[diesel(deserialize_as = Stored<TenantId, beneficiaries::tenant_id>)]
    pub tenant_id: TenantId,
    /// Id.
    #[diesel(deserialize_as = Stored<BeneficiaryId, beneficiaries::id>)]
    pub id: BeneficiaryId,
    /// Given names, as written.
    pub given_names: String,
    /// Family names, as written.
    pub family_names: String,
    /// The name in Arabic script, if given.
    pub arabic_name: Option<String>,
    /// Folded, sorted name tokens (search and duplicates).
    pub name_key: String,
    /// Sex.
    #[diesel(deserialize_as = Stored<Sex, beneficiaries::sex>)]
    pub sex: Sex,
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
    /// Region.
    #[diesel(deserialize_as = StoredOpt<Region, beneficiaries::region>)]
    pub region: Option<Region>,
    /// Household size in Morocco.
    pub household_size_morocco: Option<i32>,
    /// Household size in the country of origin.
    pub household_size_origin: Option<i32>,
    /// Education level.
    #[diesel(deserialize_as = StoredOpt<EducationLevel, beneficiaries::education_level>)]
    pub education_level: Option<EducationLevel>,
    /// Previous occupation.
    pub previous_occupation: Option<String>,
    /// Skills.
    pub skills: Option<String>,
    /// Year of regularisation.
    pub regularisation_year: Option<i32>,
    /// Who registered the person.
    #[diesel(deserialize_as = StoredOpt<UserId, beneficiaries::created_by>)]
    pub created_by: Option<UserId>,
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

    /// Whether the person's data was erased.
    pub fn is_erased(&self) -> bool {
        self.erased_at.is_some()
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

/// Registers a person in the scope's tenant at `at`.
pub fn create(
    conn: &mut DbConnection,
    scope: &TenantScope,
    fields: &BeneficiaryFields,
    created_by: Option<UserId>,
    at: NaiveDateTime,
) -> Result<Beneficiary, PersistenceError> {
    let id = BeneficiaryId::new();
    diesel::insert_into(beneficiaries::table)
        .values((
            beneficiaries::tenant_id.eq(scope.key()),
            beneficiaries::id.eq(id.to_string()),
            FieldsRow::from(fields),
            beneficiaries::created_by.eq(created_by.map(|u| u.to_string())),
            beneficiaries::created_at.eq(at),
            beneficiaries::updated_at.eq(at),
            beneficiaries::version.eq(1),
        ))
        .execute(conn)?;
    find(conn, scope, id)
}

/// One person of the scope's tenant (erased records included).
pub fn find(conn: &mut DbConnection, scope: &TenantScope, id: BeneficiaryId) -> Result<Beneficiary, PersistenceError> {
    Ok(beneficiaries::table
        .filter(beneficiaries::tenant_id.eq(scope.key()))
        .filter(beneficiaries::id.eq(id.to_string()))
        .select(Beneficiary::as_select())
        .first(conn)?)
}

/// One person of the scope's tenant whose data was not erased: `NotFound`
/// for an unknown id, [`Conflict::Erased`] for an erased record.
pub fn find_active(
    conn: &mut DbConnection,
    scope: &TenantScope,
    id: BeneficiaryId,
) -> Result<Beneficiary, PersistenceError> {
    let person = find(conn, scope, id)?;
    if person.is_erased() {
        return Err(PersistenceError::Conflict(Conflict::Erased));
    }
    Ok(person)
}

/// Changes a person's record at `at` if it is still at `expected_version`;
/// a stale version (someone saved in between) or an erased record is a
/// [`PersistenceError::Conflict`] and nothing is written. Returns the
/// record as it was and as it is now.
pub fn update(
    conn: &mut DbConnection,
    scope: &TenantScope,
    id: BeneficiaryId,
    expected_version: i32,
    fields: &BeneficiaryFields,
    at: NaiveDateTime,
) -> Result<(Beneficiary, Beneficiary), PersistenceError> {
    let before = find_active(conn, scope, id)?;
    let changed = diesel::update(
        beneficiaries::table
            .filter(beneficiaries::tenant_id.eq(scope.key()))
            .filter(beneficiaries::id.eq(id.to_string()))
            .filter(beneficiaries::version.eq(expected_version))
            .filter(beneficiaries::erased_at.is_null()),
    )
    .set((
        FieldsRow::from(fields),
        beneficiaries::version.eq(beneficiaries::version + 1),
        beneficiaries::updated_at.eq(at),
    ))
    .execute(conn)?;
    if changed == 0 {
        return Err(PersistenceError::Conflict(Conflict::StaleVersion));
    }
    let after = find(conn, scope, id)?;
    Ok((before, after))
}

/// A case of a person, as listed on the person's page (read-only view of `cases`).
#[derive(Debug, Clone, PartialEq, Eq, Queryable, serde::Serialize)]
pub struct CaseSummary {
    /// Case id.
    #[diesel(deserialize_as = Stored<CaseId, case_columns::Id>)]
    pub id: CaseId,
    /// Human reference.
    pub reference: String,
    /// Pathway.
    #[diesel(deserialize_as = Stored<Pathway, case_columns::Pathway>)]
    pub pathway: Pathway,
    /// Status.
    #[diesel(deserialize_as = Stored<CaseStatus, case_columns::Status>)]
    pub status: CaseStatus,
    /// Intake date.
    pub intake_date: NaiveDate,
}

/// The cases of a person, newest intake first.
pub fn cases_of(
    conn: &mut DbConnection,
    scope: &TenantScope,
    beneficiary_id: BeneficiaryId,
) -> Result<Vec<CaseSummary>, PersistenceError> {
    Ok(cases::table
        .filter(cases::tenant_id.eq(scope.key()))
        .filter(cases::beneficiary_id.eq(beneficiary_id.to_string()))
        .order((cases::intake_date.desc(), cases::id.desc()))
        .select((cases::id, cases::reference, cases::pathway, cases::status, cases::intake_date))
        .load(conn)?)
}
