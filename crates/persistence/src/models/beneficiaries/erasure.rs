//! Erasure on request (law 09-08, GDPR): a person's personal data is
//! removed in place, irreversibly, so that counts stay true.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use relais_domain::beneficiary::birth_year_band;
use relais_domain::case_file::CaseStatus;
use relais_domain::{BeneficiaryId, Conflict};

use super::find_active;
use crate::schema::{beneficiaries, case_notes, cases, consents, identity_documents, tasks};
use crate::{DbConnection, PersistenceError, TenantScope};

/// What an erased record shows in place of each name.
pub const ERASED_PLACEHOLDER: &str = "[erased]";

/// How many of a person's cases are still open or on hold.
pub fn open_case_count(
    conn: &mut DbConnection,
    scope: &TenantScope,
    beneficiary_id: BeneficiaryId,
) -> Result<i64, PersistenceError> {
    Ok(cases::table
        .filter(cases::tenant_id.eq(scope.key()))
        .filter(cases::beneficiary_id.eq(beneficiary_id.to_string()))
        .filter(cases::status.eq_any([CaseStatus::Open.as_str(), CaseStatus::OnHold.as_str()]))
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

/// Erases a person's personal data at `at`, irreversibly, keeping the row
/// so that counts stay true. Kept: the id, tenant, sex, the five-year band
/// of the birth year, nationalities, region, and who registered the person
/// and when. Replaced: the names (by [`ERASED_PLACEHOLDER`]), the name key
/// (emptied) and every document number; emptied: every other personal
/// field, the documents' dates and the consents' witness names; in the
/// person's cases, goals and referral source are emptied and every note
/// text and task title replaced.
///
/// Refused with [`Conflict::Erased`] when already erased, and with
/// [`Conflict::OpenCases`] while the person has an open or on-hold case.
pub fn erase(
    conn: &mut DbConnection,
    scope: &TenantScope,
    id: BeneficiaryId,
    at: NaiveDateTime,
) -> Result<Erasure, PersistenceError> {
    let person = find_active(conn, scope, id)?;
    if open_case_count(conn, scope, id)? > 0 {
        return Err(PersistenceError::Conflict(Conflict::OpenCases));
    }
    let key = id.to_string();
    let band = person.birth_year.map(birth_year_band);
    diesel::update(
        beneficiaries::table.filter(beneficiaries::tenant_id.eq(scope.key())).filter(beneficiaries::id.eq(&key)),
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
            .filter(identity_documents::beneficiary_id.eq(&key)),
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
        consents::table.filter(consents::tenant_id.eq(scope.key())).filter(consents::beneficiary_id.eq(&key)),
    )
    .set(consents::witness.eq(None::<String>))
    .execute(conn)?;
    // What was written about the person in their (closed) cases goes too;
    // the cases themselves stay, for the counts.
    let cases_of_person = || {
        cases::table
            .filter(cases::tenant_id.eq(scope.key()))
            .filter(cases::beneficiary_id.eq(key.clone()))
            .select(cases::id)
    };
    diesel::update(cases::table.filter(cases::tenant_id.eq(scope.key())).filter(cases::beneficiary_id.eq(&key)))
        .set((cases::goals.eq(None::<String>), cases::referral_source.eq(None::<String>), cases::updated_at.eq(at)))
        .execute(conn)?;
    diesel::update(
        case_notes::table
            .filter(case_notes::tenant_id.eq(scope.key()))
            .filter(case_notes::case_id.eq_any(cases_of_person())),
    )
    .set(case_notes::body.eq(ERASED_PLACEHOLDER))
    .execute(conn)?;
    diesel::update(
        tasks::table.filter(tasks::tenant_id.eq(scope.key())).filter(tasks::case_id.eq_any(cases_of_person())),
    )
    .set(tasks::title.eq(ERASED_PLACEHOLDER))
    .execute(conn)?;
    Ok(Erasure { documents, consents })
}
