//! The service form, shared by a tenant's own services and those of
//! external organisations: read as text pairs (languages and regions are
//! repeated checkboxes), checked, refilled on error.

use relais_domain::directory::ServiceCategory;
use relais_domain::{EmailAddress, Language, Region};
use relais_persistence::models::directory::{Service, ServiceFields};
use serde::Serialize;

use crate::forms::{self, FieldErrors};

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
        let split = |list: &str| list.split(',').filter(|c| !c.is_empty()).map(str::to_owned).collect();
        Self {
            name_fr: s.name_fr.clone(),
            name_ar: s.name_ar.clone().unwrap_or_default(),
            name_en: s.name_en.clone().unwrap_or_default(),
            description_fr: s.description_fr.clone(),
            description_ar: s.description_ar.clone().unwrap_or_default(),
            description_en: s.description_en.clone().unwrap_or_default(),
            category: s.category.clone(),
            eligibility: s.eligibility.clone().unwrap_or_default(),
            languages: split(&s.languages),
            regions: split(&s.regions),
            cities: s.cities.clone().unwrap_or_default(),
            address: s.address.clone().unwrap_or_default(),
            opening_hours: s.opening_hours.clone().unwrap_or_default(),
            focal_point_email: s.focal_point_email.clone(),
            response_days: s.response_days.to_string(),
            intake_open: s.intake_open,
            last_verified_on: s.last_verified_on.map(|d| d.to_string()).unwrap_or_default(),
        }
    }

    /// The checked fields, or the problems next to their fields.
    pub(crate) fn check(&self, errors: &mut FieldErrors) -> Option<ServiceFields> {
        let optional = |errors: &mut FieldErrors, field: &'static str, value: &str, max: usize| {
            Some(forms::text(errors, field, value, max, false)).filter(|v| !v.is_empty())
        };
        let name_fr = forms::text(errors, "name_fr", &self.name_fr, 160, true);
        let name_ar = optional(errors, "name_ar", &self.name_ar, 160);
        let name_en = optional(errors, "name_en", &self.name_en, 160);
        let description_fr = forms::text(errors, "description_fr", &self.description_fr, 4000, false);
        let description_ar = optional(errors, "description_ar", &self.description_ar, 4000);
        let description_en = optional(errors, "description_en", &self.description_en, 4000);
        let category =
            self.category.parse::<ServiceCategory>().map_err(|_| errors.add("category", "error-choose")).ok();
        let eligibility = optional(errors, "eligibility", &self.eligibility, 2000);
        let languages: Vec<Language> = self.languages.iter().filter_map(|l| l.parse().ok()).collect();
        if languages.is_empty() {
            errors.add("languages", "dir-error-languages");
        }
        let regions: Vec<Region> = self.regions.iter().filter_map(|r| r.parse().ok()).collect();
        if regions.is_empty() {
            errors.add("regions", "dir-error-regions");
        }
        let cities = optional(errors, "cities", &self.cities, 400);
        let address = optional(errors, "address", &self.address, 400);
        let opening_hours = optional(errors, "opening_hours", &self.opening_hours, 400);
        let focal_point_email = EmailAddress::parse(&self.focal_point_email)
            .map_err(|_| errors.add("focal_point_email", "error-email"))
            .ok();
        let response_days = match self.response_days.trim().parse::<i32>() {
            Ok(days) if (1..=90).contains(&days) => days,
            _ => {
                errors.add("response_days", "dir-error-response-days");
                0
            }
        };
        let last_verified_on = match self.last_verified_on.trim() {
            "" => None,
            text => match chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d") {
                Ok(date) if date <= chrono::Utc::now().date_naive() => Some(date),
                _ => {
                    errors.add("last_verified_on", "dir-error-verified-date");
                    None
                }
            },
        };
        if !errors.is_empty() {
            return None;
        }
        Some(ServiceFields {
            name_fr,
            name_ar,
            name_en,
            description_fr,
            description_ar,
            description_en,
            category,
            eligibility,
            languages,
            regions,
            cities,
            address,
            opening_hours,
            focal_point_email,
            response_days,
            intake_open: self.intake_open,
            last_verified_on,
        })
    }
}

/// What every service form page needs besides the form.
pub(crate) fn choices(context: &mut tera::Context) {
    context.insert("categories", &ServiceCategory::ALL.iter().map(|c| c.as_str()).collect::<Vec<_>>());
    context.insert("regions", &Region::ALL.iter().map(|r| r.as_str()).collect::<Vec<_>>());
}
