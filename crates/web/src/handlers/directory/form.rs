//! The service form, shared by a tenant's own services and those of
//! external organisations: read as text pairs (languages and regions are
//! repeated checkboxes), turned into the command's typed input, refilled on
//! error.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use relais_app::directory::ServiceInput;
use relais_domain::directory::ServiceCategory;
use relais_domain::{Language, Region};
use relais_persistence::models::directory::Service;
use serde::Serialize;

use crate::error::WebResult;
use crate::forms::FieldErrors;
use crate::state::AppState;
use crate::templates::render_page;
use crate::visitor::Visitor;

/// The form as typed (what is shown again when something is wrong).
#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct ServiceForm {
    pub(crate) name_fr: String,
    pub(crate) name_ar: String,
    pub(crate) name_en: String,
    pub(crate) description_fr: String,
    pub(crate) description_ar: String,
    pub(crate) description_en: String,
    pub(crate) category: String,
    pub(crate) eligibility: String,
    pub(crate) languages: Vec<String>,
    pub(crate) regions: Vec<String>,
    pub(crate) cities: String,
    pub(crate) address: String,
    pub(crate) opening_hours: String,
    pub(crate) focal_point_email: String,
    pub(crate) response_days: String,
    pub(crate) intake_open: bool,
    pub(crate) last_verified_on: String,
}

impl ServiceForm {
    /// A new service: intake open, answer within 5 days.
    pub(crate) fn blank() -> Self {
        Self { response_days: "5".into(), intake_open: true, ..Self::default() }
    }

    /// The form from submitted pairs.
    pub(crate) fn from_pairs(pairs: &[(String, String)]) -> Self {
        let one = |key: &str| pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone()).unwrap_or_default();
        let many = |key: &str| pairs.iter().filter(|(k, _)| k == key).map(|(_, v)| v.clone()).collect();
        Self {
            name_fr: one("name_fr"),
            name_ar: one("name_ar"),
            name_en: one("name_en"),
            description_fr: one("description_fr"),
            description_ar: one("description_ar"),
            description_en: one("description_en"),
            category: one("category"),
            eligibility: one("eligibility"),
            languages: many("languages"),
            regions: many("regions"),
            cities: one("cities"),
            address: one("address"),
            opening_hours: one("opening_hours"),
            focal_point_email: one("focal_point_email"),
            response_days: one("response_days"),
            intake_open: one("intake_open") == "on",
            last_verified_on: one("last_verified_on"),
        }
    }

    /// The form showing a stored service.
    pub(crate) fn from_service(s: &Service) -> Self {
        Self {
            name_fr: s.name_fr.clone(),
            name_ar: s.name_ar.clone().unwrap_or_default(),
            name_en: s.name_en.clone().unwrap_or_default(),
            description_fr: s.description_fr.clone(),
            description_ar: s.description_ar.clone().unwrap_or_default(),
            description_en: s.description_en.clone().unwrap_or_default(),
            category: s.category.as_str().to_owned(),
            eligibility: s.eligibility.clone().unwrap_or_default(),
            languages: s.languages.iter().map(|l| l.as_str().to_owned()).collect(),
            regions: s.regions.iter().map(|r| r.as_str().to_owned()).collect(),
            cities: s.cities.clone().unwrap_or_default(),
            address: s.address.clone().unwrap_or_default(),
            opening_hours: s.opening_hours.clone().unwrap_or_default(),
            focal_point_email: s.focal_point_email.clone(),
            response_days: s.response_days.to_string(),
            intake_open: s.intake_open,
            last_verified_on: s.last_verified_on.map(|d| d.to_string()).unwrap_or_default(),
        }
    }

    /// The command's input, the texts turned into typed values; what does
    /// not read (a code that is not one of the list, a date that is not a
    /// date) is recorded in `errors`. The command's own rules are checked by
    /// [`ServiceInput::check`].
    pub(crate) fn input(&self, errors: &mut FieldErrors) -> ServiceInput {
        let languages: Vec<Language> = self.languages.iter().filter_map(|l| l.parse().ok()).collect();
        if languages.len() != self.languages.len() {
            errors.add("languages", "error-choose");
        }
        let regions: Vec<Region> = self.regions.iter().filter_map(|r| r.parse().ok()).collect();
        if regions.len() != self.regions.len() {
            errors.add("regions", "error-choose");
        }
        let last_verified_on = match self.last_verified_on.trim() {
            "" => None,
            text => chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .map_err(|_| errors.add("last_verified_on", "dir-error-verified-date"))
                .ok(),
        };
        ServiceInput {
            name_fr: self.name_fr.clone(),
            name_ar: self.name_ar.clone(),
            name_en: self.name_en.clone(),
            description_fr: self.description_fr.clone(),
            description_ar: self.description_ar.clone(),
            description_en: self.description_en.clone(),
            category: self.category.parse::<ServiceCategory>().ok(),
            eligibility: self.eligibility.clone(),
            languages,
            regions,
            cities: self.cities.clone(),
            address: self.address.clone(),
            opening_hours: self.opening_hours.clone(),
            focal_point_email: self.focal_point_email.clone(),
            response_days: self.response_days.trim().parse::<i32>().ok(),
            intake_open: self.intake_open,
            last_verified_on,
        }
    }
}

/// Reads the form into the command's input and checks it as the command
/// will (`today` being the application clock's date): the input, or the
/// problems by field.
pub(crate) fn read(form: &ServiceForm, today: chrono::NaiveDate) -> Result<ServiceInput, FieldErrors> {
    let mut errors = FieldErrors::new();
    let input = form.input(&mut errors);
    for (field, message) in input.check(today).iter() {
        errors.add(field, message);
    }
    if errors.is_empty() { Ok(input) } else { Err(errors) }
}

/// The service form page (`directory/service_form.html`).
#[derive(Debug, Serialize)]
struct ServiceFormPage<'a> {
    categories: &'static [ServiceCategory],
    regions: &'static [Region],
    form: &'a ServiceForm,
    errors: &'a FieldErrors,
    action: &'a str,
    owner_name: &'a str,
}

/// Renders the service form (a tenant's own services and the external
/// organisations' alike).
pub(crate) fn render_form(
    app: &AppState,
    visitor: &Visitor,
    form: &ServiceForm,
    errors: &FieldErrors,
    action: &str,
    owner_name: &str,
    status: StatusCode,
) -> WebResult<Response> {
    let page =
        ServiceFormPage { categories: ServiceCategory::ALL, regions: Region::ALL, form, errors, action, owner_name };
    Ok((status, render_page(app, visitor, "directory/service_form.html", &page)?).into_response())
}
