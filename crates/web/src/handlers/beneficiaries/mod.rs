//! People (beneficiaries): registration with a duplicate check, list and
//! search, the person's page, identity documents, consents, export and
//! erasure.
//!
//! Each handler extracts the form (as text), turns it into typed values,
//! and calls one command of `relais_app::people`, which checks the
//! permission, writes the change and its audit row. What each role sees is
//! decided field group by field group: the route's permission lets a user
//! in; `document:read` adds the identity documents section (absent from the
//! HTML otherwise), `beneficiary:update` the full profile (a volunteer, who
//! only registers people, sees names and contact fields), `case:read` the
//! person's cases and `audit:read` who viewed or changed the record. Every
//! page renders from a typed page model.

mod consents;
mod create;
mod documents;
mod edit;
pub(crate) mod form;
mod list;
mod rights;
mod show;

use chrono::NaiveDate;
use relais_domain::beneficiary::{ConsentChannel, ConsentPurpose, DocumentType, EducationLevel, Sex};
use relais_domain::{BeneficiaryId, Language, Permission, Region};
use relais_persistence::models::beneficiaries::Beneficiary;
use serde::Serialize;

use crate::access::Access;
use crate::routes::RouteTable;
use crate::state::App;

/// This area's templates: (name, source).
pub(crate) const TEMPLATES: &[(&str, &str)] = &[
    ("beneficiaries/input.html", include_str!("../../../templates/beneficiaries/input.html")),
    ("beneficiaries/select.html", include_str!("../../../templates/beneficiaries/select.html")),
    ("beneficiaries/list.html", include_str!("../../../templates/beneficiaries/list.html")),
    ("beneficiaries/form.html", include_str!("../../../templates/beneficiaries/form.html")),
    ("beneficiaries/show.html", include_str!("../../../templates/beneficiaries/show.html")),
    ("beneficiaries/print.html", include_str!("../../../templates/beneficiaries/print.html")),
];

/// This area's routes.
pub(crate) fn routes() -> RouteTable {
    use Access::Tenant;
    use Permission::{
        BeneficiaryCreate, BeneficiaryErase, BeneficiaryExport, BeneficiaryRead, BeneficiaryUpdate, ConsentManage,
        DocumentManage,
    };

    use crate::routes::route as r;
    vec![
        r!(get, "/beneficiaries", Tenant(BeneficiaryRead), list::list),
        r!(get, "/beneficiaries/new", Tenant(BeneficiaryCreate), create::new_form),
        r!(post, "/beneficiaries", Tenant(BeneficiaryCreate), create::create),
        r!(get, "/beneficiaries/{id}", Tenant(BeneficiaryRead), show::show),
        r!(get, "/beneficiaries/{id}/edit", Tenant(BeneficiaryUpdate), edit::edit_form),
        r!(post, "/beneficiaries/{id}/edit", Tenant(BeneficiaryUpdate), edit::update),
        r!(post, "/beneficiaries/{id}/documents", Tenant(DocumentManage), documents::add),
        r!(post, "/beneficiaries/{id}/documents/{doc_id}/delete", Tenant(DocumentManage), documents::remove),
        r!(post, "/beneficiaries/{id}/consents", Tenant(ConsentManage), consents::record),
        r!(post, "/beneficiaries/{id}/consents/{consent_id}/withdraw", Tenant(ConsentManage), consents::withdraw),
        r!(get, "/beneficiaries/{id}/export", Tenant(BeneficiaryExport), rights::export_json),
        r!(get, "/beneficiaries/{id}/export/print", Tenant(BeneficiaryExport), rights::export_print),
        r!(post, "/beneficiaries/{id}/erase", Tenant(BeneficiaryErase), rights::erase),
    ]
}

/// Today's date (UTC) by the application's clock.
fn today(app: &App) -> NaiveDate {
    app.now().date()
}

/// The closed lists the forms offer (codes).
#[derive(Debug, Serialize)]
struct Choices {
    sexes: Vec<&'static str>,
    regions: Vec<&'static str>,
    education_levels: Vec<&'static str>,
    doc_types: Vec<&'static str>,
    purposes: Vec<&'static str>,
    channels: Vec<&'static str>,
    consent_languages: Vec<&'static str>,
}

impl Choices {
    fn all() -> Self {
        fn codes<T: Copy>(all: &[T], f: impl Fn(&T) -> &'static str) -> Vec<&'static str> {
            all.iter().map(f).collect()
        }
        Self {
            sexes: codes(Sex::ALL, Sex::as_str),
            regions: codes(Region::ALL, Region::as_str),
            education_levels: codes(EducationLevel::ALL, EducationLevel::as_str),
            doc_types: codes(DocumentType::ALL, DocumentType::as_str),
            purposes: codes(ConsentPurpose::ALL, ConsentPurpose::as_str),
            channels: codes(ConsentChannel::ALL, ConsentChannel::as_str),
            consent_languages: codes(Language::ALL, Language::as_str),
        }
    }
}

/// A person as the pages show them: names and contact fields, and the
/// rest of the profile only when `profile` is given.
#[derive(Debug, Serialize)]
struct PersonCard {
    id: BeneficiaryId,
    given_names: String,
    family_names: String,
    arabic_name: Option<String>,
    phone: Option<String>,
    whatsapp: Option<String>,
    email: Option<String>,
    city: Option<String>,
    region: Option<Region>,
    languages: String,
    version: i32,
    erased: bool,
    /// Registration date (`YYYY-MM-DD`).
    created_at: String,
    #[serde(flatten)]
    profile: Option<Profile>,
}

/// The profile beyond names and contact fields (`beneficiary:update`).
#[derive(Debug, Serialize)]
struct Profile {
    sex: Sex,
    /// The birth date (`YYYY-MM-DD`) or, when only that is known, the year.
    birth: Option<String>,
    birth_year: Option<i32>,
    /// Codes, comma and space separated.
    nationalities: String,
    household_size_morocco: Option<i32>,
    household_size_origin: Option<i32>,
    education_level: Option<EducationLevel>,
    previous_occupation: Option<String>,
    skills: Option<String>,
    regularisation_year: Option<i32>,
}

impl PersonCard {
    /// The card of a record; `full` adds the profile.
    fn of(b: &Beneficiary, full: bool) -> Self {
        let profile = full.then(|| Profile {
            sex: b.sex,
            birth: match (b.birth_date, b.birth_year) {
                (Some(d), _) => Some(d.format("%Y-%m-%d").to_string()),
                (None, Some(y)) => Some(y.to_string()),
                (None, None) => None,
            },
            birth_year: b.birth_year,
            nationalities: b.nationality_codes().join(", "),
            household_size_morocco: b.household_size_morocco,
            household_size_origin: b.household_size_origin,
            education_level: b.education_level,
            previous_occupation: b.previous_occupation.clone(),
            skills: b.skills.clone(),
            regularisation_year: b.regularisation_year,
        });
        Self {
            id: b.id,
            given_names: b.given_names.clone(),
            family_names: b.family_names.clone(),
            arabic_name: b.arabic_name.clone(),
            phone: b.phone.clone(),
            whatsapp: b.whatsapp.clone(),
            email: b.email.clone(),
            city: b.city.clone(),
            region: b.region,
            languages: b.languages.clone(),
            version: b.version,
            erased: b.is_erased(),
            created_at: b.created_at.format("%Y-%m-%d").to_string(),
            profile,
        }
    }
}

/// A person's page, optionally with a one-time message (`?done=…`).
fn person_path(id: BeneficiaryId, done: Option<&str>) -> String {
    match done {
        Some(done) => format!("/beneficiaries/{id}?done={done}"),
        None => format!("/beneficiaries/{id}"),
    }
}

/// Whether the member may: a shorthand for the pages' flags.
fn may(ctx: &crate::access::TenantContext, permission: Permission) -> bool {
    ctx.member.may(permission)
}
