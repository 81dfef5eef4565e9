//! People (beneficiaries): registration with a duplicate check, list and
//! search, the person's page, identity documents, consents, export and
//! erasure.
//!
//! What each role sees is decided here, field group by field group: the
//! route's permission lets a user in; `document:read` adds the identity
//! documents section (absent from the HTML otherwise), `beneficiary:update`
//! the full profile (a volunteer, who only registers people, sees names and
//! contact fields), `case:read` the person's cases and `audit:read` who
//! viewed or changed the record. Every view of a person's data, every
//! export and every change is written to the audit trail with field names
//! and ids, never values.

mod consents;
mod create;
mod documents;
mod edit;
mod form;
mod list;
mod rights;
mod show;

use chrono::NaiveDate;
use relais_domain::beneficiary::{ConsentChannel, ConsentPurpose, DocumentType, EducationLevel, Sex};
use relais_domain::{Language, Permission, Region};
use relais_persistence::models::beneficiaries::Beneficiary;
use relais_persistence::models::tenants;
use relais_persistence::{DbConnection, PersistenceError};
use uuid::Uuid;

use crate::access::{Access, TenantContext};
use crate::error::{WebError, WebResult};
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

/// A record id from a URL: a UUID, or 404.
fn parse_id(id: &str) -> WebResult<String> {
    Uuid::parse_str(id).map(|u| u.hyphenated().to_string()).map_err(|_| WebError::NotFound)
}

/// Whether the user holds a permission in the request's tenant.
fn can(app: &App, ctx: &TenantContext, permission: Permission) -> bool {
    app.authz.is_allowed(&ctx.user_id, &ctx.scope.tenant_id().to_string(), permission)
}

/// Today's date (UTC) by the application's clock.
fn today(app: &App) -> NaiveDate {
    app.now().date()
}

/// The closed lists the forms offer.
fn choices(context: &mut tera::Context) {
    fn codes<T: Copy>(all: &[T], f: impl Fn(&T) -> &'static str) -> Vec<&'static str> {
        all.iter().map(f).collect()
    }
    context.insert("sexes", &codes(Sex::ALL, Sex::as_str));
    context.insert("regions", &codes(Region::ALL, Region::as_str));
    context.insert("education_levels", &codes(EducationLevel::ALL, EducationLevel::as_str));
    context.insert("doc_types", &codes(DocumentType::ALL, DocumentType::as_str));
    context.insert("purposes", &codes(ConsentPurpose::ALL, ConsentPurpose::as_str));
    context.insert("channels", &codes(ConsentChannel::ALL, ConsentChannel::as_str));
    context.insert("consent_languages", &codes(Language::ALL, Language::as_str));
}

/// The partner tenants a referral consent may name: every other active tenant (id, name).
fn partners(conn: &mut DbConnection, ctx: &TenantContext) -> Result<Vec<(String, String)>, PersistenceError> {
    let own = ctx.scope.tenant_id().to_string();
    Ok(tenants::list(conn)?.into_iter().filter(|t| t.active && t.id != own).map(|t| (t.id, t.name)).collect())
}

/// A person for a template. `full` adds the profile beyond names and
/// contact fields.
fn person_json(b: &Beneficiary, full: bool) -> serde_json::Value {
    let mut value = serde_json::json!({
        "id": b.id,
        "given_names": b.given_names,
        "family_names": b.family_names,
        "arabic_name": b.arabic_name,
        "phone": b.phone,
        "whatsapp": b.whatsapp,
        "email": b.email,
        "city": b.city,
        "region": b.region,
        "languages": b.languages,
        "version": b.version,
        "erased": b.erased_at.is_some(),
        "created_at": b.created_at.format("%Y-%m-%d").to_string(),
    });
    if full && let Some(map) = value.as_object_mut() {
        let birth = match (b.birth_date, b.birth_year) {
            (Some(d), _) => Some(d.format("%Y-%m-%d").to_string()),
            (None, Some(y)) => Some(y.to_string()),
            (None, None) => None,
        };
        map.insert("sex".into(), b.sex.clone().into());
        map.insert("birth".into(), birth.into());
        map.insert("birth_year".into(), b.birth_year.into());
        map.insert("nationalities".into(), b.nationality_codes().join(", ").into());
        map.insert("household_size_morocco".into(), b.household_size_morocco.into());
        map.insert("household_size_origin".into(), b.household_size_origin.into());
        map.insert("education_level".into(), b.education_level.clone().into());
        map.insert("previous_occupation".into(), b.previous_occupation.clone().into());
        map.insert("skills".into(), b.skills.clone().into());
        map.insert("regularisation_year".into(), b.regularisation_year.into());
    }
    value
}

/// A person's page, optionally with a one-time message (`?done=…`).
fn person_path(id: &str, done: Option<&str>) -> String {
    match done {
        Some(done) => format!("/beneficiaries/{id}?done={done}"),
        None => format!("/beneficiaries/{id}"),
    }
}
