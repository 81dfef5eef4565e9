//! The person form, the identity-document form and the consent form: what
//! was typed (all text), and the checks that turn it into persistence
//! values, each problem recorded next to its field.

use chrono::NaiveDate;
use relais_domain::beneficiary::{
    self as rules, Birth, ConsentChannel, ConsentPurpose, DocumentType, EducationLevel, FieldError, Sex,
};
use relais_domain::phone::PhoneNumber;
use relais_domain::{EmailAddress, Language, Region, TenantId};
use relais_persistence::models::beneficiaries::{Beneficiary, BeneficiaryFields};
use relais_persistence::models::{consents, identity_documents};
use serde::{Deserialize, Serialize};

use crate::forms::{self, FieldErrors};

/// The translation key of a field rule's failure.
fn message(err: FieldError) -> &'static str {
    match err {
        FieldError::NotADate => "ben-error-date",
        FieldError::InFuture => "ben-error-future",
        FieldError::TooOld => "ben-error-too-old",
        FieldError::ExpiryBeforeIssue => "ben-error-expiry-before-issue",
        FieldError::UnknownCountry => "ben-error-country",
        FieldError::OutOfRange | FieldError::NotANumber => "ben-error-number",
    }
}

/// An optional trimmed text (empty → `None`), length-checked.
fn optional(errors: &mut FieldErrors, field: &'static str, value: &str, max: usize) -> Option<String> {
    Some(forms::text(errors, field, value, max, false)).filter(|v| !v.is_empty())
}

/// An optional date, not after `today` when `past_only`.
fn optional_date(
    errors: &mut FieldErrors,
    field: &'static str,
    value: &str,
    today: NaiveDate,
    past_only: bool,
) -> Option<NaiveDate> {
    if value.trim().is_empty() {
        return None;
    }
    match rules::parse_date(value) {
        Ok(d) if past_only && d > today => {
            errors.add(field, "ben-error-future");
            None
        }
        Ok(d) => Some(d),
        Err(e) => {
            errors.add(field, message(e));
            None
        }
    }
}

fn optional_code<T: std::str::FromStr>(errors: &mut FieldErrors, field: &'static str, value: &str) -> Option<T> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    value.parse::<T>().map_err(|_| errors.add(field, "error-choose")).ok()
}

fn optional_number(
    errors: &mut FieldErrors,
    field: &'static str,
    value: &str,
    parse: impl Fn(&str) -> Result<i32, FieldError>,
) -> Option<i32> {
    if value.trim().is_empty() {
        return None;
    }
    parse(value).map_err(|e| errors.add(field, message(e))).ok()
}

fn optional_phone(errors: &mut FieldErrors, field: &'static str, value: &str) -> Option<PhoneNumber> {
    if value.trim().is_empty() {
        return None;
    }
    PhoneNumber::parse(value).map_err(|_| errors.add(field, "ben-error-phone")).ok()
}

/// The person's fields, as typed.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(default)]
pub(crate) struct PersonForm {
    pub(crate) given_names: String,
    pub(crate) family_names: String,
    pub(crate) arabic_name: String,
    pub(crate) sex: String,
    pub(crate) birth: String,
    pub(crate) nationalities: String,
    pub(crate) languages: String,
    pub(crate) phone: String,
    pub(crate) whatsapp: String,
    pub(crate) email: String,
    pub(crate) city: String,
    pub(crate) region: String,
    pub(crate) household_size_morocco: String,
    pub(crate) household_size_origin: String,
    pub(crate) education_level: String,
    pub(crate) previous_occupation: String,
    pub(crate) skills: String,
    pub(crate) regularisation_year: String,
    /// The version the form was loaded at (edit only).
    pub(crate) version: String,
}

impl PersonForm {
    /// The form filled from a stored record.
    pub(crate) fn from_record(b: &Beneficiary) -> Self {
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        let number = |v: Option<i32>| v.map(|n| n.to_string()).unwrap_or_default();
        Self {
            given_names: b.given_names.clone(),
            family_names: b.family_names.clone(),
            arabic_name: text(&b.arabic_name),
            sex: b.sex.as_str().to_owned(),
            birth: match (b.birth_date, b.birth_year) {
                (Some(d), _) => d.format("%Y-%m-%d").to_string(),
                (None, Some(y)) => y.to_string(),
                (None, None) => String::new(),
            },
            nationalities: b.nationality_codes().join(", "),
            languages: b.languages.clone(),
            phone: text(&b.phone),
            whatsapp: text(&b.whatsapp),
            email: text(&b.email),
            city: text(&b.city),
            region: b.region.map(|r| r.as_str().to_owned()).unwrap_or_default(),
            household_size_morocco: number(b.household_size_morocco),
            household_size_origin: number(b.household_size_origin),
            education_level: b.education_level.map(|e| e.as_str().to_owned()).unwrap_or_default(),
            previous_occupation: text(&b.previous_occupation),
            skills: text(&b.skills),
            regularisation_year: number(b.regularisation_year),
            version: b.version.to_string(),
        }
    }

    /// Checks every field; `None` when any is refused (see `errors`).
    pub(crate) fn check(&self, errors: &mut FieldErrors, today: NaiveDate) -> Option<BeneficiaryFields> {
        let given_names = forms::text(errors, "given_names", &self.given_names, 120, true);
        let family_names = forms::text(errors, "family_names", &self.family_names, 120, true);
        let arabic_name = optional(errors, "arabic_name", &self.arabic_name, 120);
        let sex = self.sex.parse::<Sex>().map_err(|_| errors.add("sex", "error-choose")).ok();
        let birth = if self.birth.trim().is_empty() {
            None
        } else {
            Birth::parse(&self.birth, today).map_err(|e| errors.add("birth", message(e))).ok()
        };
        let nationalities = rules::parse_nationalities(&self.nationalities)
            .map_err(|e| errors.add("nationalities", message(e)))
            .unwrap_or_default();
        let languages_text = forms::text(errors, "languages", &self.languages, 200, false);
        let languages: Vec<String> =
            languages_text.split(',').map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect();
        let phone = optional_phone(errors, "phone", &self.phone);
        let whatsapp = optional_phone(errors, "whatsapp", &self.whatsapp);
        let email = if self.email.trim().is_empty() {
            None
        } else {
            EmailAddress::parse(&self.email).map_err(|_| errors.add("email", "error-email")).ok()
        };
        let city = optional(errors, "city", &self.city, 120);
        let region = optional_code::<Region>(errors, "region", &self.region);
        let household_size_morocco =
            optional_number(errors, "household_size_morocco", &self.household_size_morocco, rules::parse_household);
        let household_size_origin =
            optional_number(errors, "household_size_origin", &self.household_size_origin, rules::parse_household);
        let education_level = optional_code::<EducationLevel>(errors, "education_level", &self.education_level);
        let previous_occupation = optional(errors, "previous_occupation", &self.previous_occupation, 200);
        let skills = optional(errors, "skills", &self.skills, 1000);
        let regularisation_year = optional_number(errors, "regularisation_year", &self.regularisation_year, |v| {
            rules::parse_regularisation_year(v, today)
        });
        if !errors.is_empty() {
            return None;
        }
        Some(BeneficiaryFields {
            given_names,
            family_names,
            arabic_name,
            sex: sex?,
            birth_date: birth.and_then(|b| b.date()),
            birth_year: birth.map(|b| b.year()),
            nationalities: nationalities.into_iter().map(str::to_owned).collect(),
            languages,
            phone,
            whatsapp,
            email,
            city,
            region,
            household_size_morocco,
            household_size_origin,
            education_level,
            previous_occupation,
            skills,
            regularisation_year,
        })
    }
}

/// An identity document, as typed.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(default)]
pub(crate) struct DocumentForm {
    pub(crate) doc_type: String,
    pub(crate) doc_number: String,
    pub(crate) doc_issued_on: String,
    pub(crate) doc_expires_on: String,
}

impl DocumentForm {
    /// Whether nothing was typed (the document is optional on the new-person form).
    pub(crate) fn is_blank(&self) -> bool {
        self.doc_number.trim().is_empty()
            && self.doc_issued_on.trim().is_empty()
            && self.doc_expires_on.trim().is_empty()
    }

    /// Checks the document.
    pub(crate) fn check(&self, errors: &mut FieldErrors, today: NaiveDate) -> Option<identity_documents::NewDocument> {
        let doc_type = self.doc_type.parse::<DocumentType>().map_err(|_| errors.add("doc_type", "error-choose")).ok();
        let number = forms::text(errors, "doc_number", &self.doc_number, 40, true);
        if !number.is_empty() && rules::document_number_key(&number).chars().any(|c| !c.is_alphanumeric()) {
            errors.add("doc_number", "ben-error-doc-number");
        }
        let issued_on = optional_date(errors, "doc_issued_on", &self.doc_issued_on, today, true);
        let expires_on = optional_date(errors, "doc_expires_on", &self.doc_expires_on, today, false);
        if let Err(e) = rules::check_document_dates(issued_on, expires_on) {
            errors.add("doc_expires_on", message(e));
        }
        if !errors.is_empty() {
            return None;
        }
        Some(identity_documents::NewDocument { doc_type: doc_type?, number, issued_on, expires_on })
    }
}

/// A consent, as typed.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(default)]
pub(crate) struct ConsentForm {
    pub(crate) consent_purpose: String,
    pub(crate) consent_partner: String,
    pub(crate) consent_service: String,
    pub(crate) consent_channel: String,
    pub(crate) consent_language: String,
    pub(crate) consent_given_on: String,
    pub(crate) consent_expires_on: String,
    pub(crate) consent_witness: String,
}

impl ConsentForm {
    /// A blank case-management consent given today, in the page's language.
    pub(crate) fn blank(today: NaiveDate, lang: Language) -> Self {
        Self {
            consent_purpose: ConsentPurpose::CaseManagement.as_str().into(),
            consent_language: lang.as_str().into(),
            consent_given_on: today.format("%Y-%m-%d").to_string(),
            ..Self::default()
        }
    }

    /// Checks the consent; `partners` are the tenant ids a referral consent may name.
    pub(crate) fn check(
        &self,
        errors: &mut FieldErrors,
        today: NaiveDate,
        partners: &[TenantId],
    ) -> Option<consents::NewConsent> {
        let purpose = self
            .consent_purpose
            .parse::<ConsentPurpose>()
            .map_err(|_| errors.add("consent_purpose", "error-choose"))
            .ok();
        let channel = self
            .consent_channel
            .parse::<ConsentChannel>()
            .map_err(|_| errors.add("consent_channel", "error-choose"))
            .ok();
        let language =
            self.consent_language.parse::<Language>().map_err(|_| errors.add("consent_language", "error-choose")).ok();
        let given_on = if self.consent_given_on.trim().is_empty() {
            errors.add("consent_given_on", "error-required");
            None
        } else {
            optional_date(errors, "consent_given_on", &self.consent_given_on, today, true)
        };
        let expires_on = optional_date(errors, "consent_expires_on", &self.consent_expires_on, today, false);
        if let (Some(g), Some(e)) = (given_on, expires_on)
            && e < g
        {
            errors.add("consent_expires_on", "ben-error-expiry-before-issue");
        }
        let witness = optional(errors, "consent_witness", &self.consent_witness, 120);
        if channel == Some(ConsentChannel::OralWitnessed) && witness.is_none() {
            errors.add("consent_witness", "ben-error-witness");
        }
        let partner_text = self.consent_partner.trim();
        let partner = if partner_text.is_empty() {
            None
        } else {
            match partner_text.parse::<TenantId>() {
                Ok(id) if partners.contains(&id) => Some(id),
                _ => {
                    errors.add("consent_partner", "error-choose");
                    None
                }
            }
        };
        let service = optional(errors, "consent_service", &self.consent_service, 200);
        let is_referral = purpose == Some(ConsentPurpose::Referral);
        if is_referral && partner.is_none() && service.is_none() {
            errors.add("consent_partner", "ben-error-partner");
        }
        if !errors.is_empty() {
            return None;
        }
        Some(consents::NewConsent {
            purpose: purpose?,
            partner_tenant_id: partner.filter(|_| is_referral),
            service_ref: service.filter(|_| is_referral),
            channel: channel?,
            language: language?,
            given_on: given_on?,
            expires_on,
            witness,
        })
    }
}
