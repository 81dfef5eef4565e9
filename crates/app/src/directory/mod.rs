//! The service directory: external organisations (partners without an
//! account, network-level records kept by the network administration) and
//! the services of tenants and external organisations (each tenant's
//! administrators publish their own), and the reads behind the directory
//! pages.
//!
//! Every change writes its typed audit action (`organisation.created`,
//! `organisation.updated`, `service.created`, `service.updated`), stamped
//! with the command's time, in one transaction: a tenant's service in the
//! tenant's log, an external organisation and its services in the network
//! log. A service of another owner is not found.

mod organisations;
mod reads;
mod services;

pub use organisations::{OrganisationInput, create_organisation, update_organisation};
pub use reads::{
    OrganisationPage, directory_entry, organisation, organisation_service, organisations, own_service, own_services,
    search,
};
pub use services::{ServiceInput, ServiceOwner, create_service, update_service};

use crate::error::FieldErrors;

/// Longest name of an organisation or a service, in characters.
pub const NAME_MAX: usize = 160;
/// Longest description of a service (per language), in characters.
pub const DESCRIPTION_MAX: usize = 4000;
/// Longest eligibility text of a service, in characters.
pub const ELIGIBILITY_MAX: usize = 2000;
/// Longest cities, address or opening hours of a service, in characters.
pub const PLACE_MAX: usize = 400;
/// Longest website address of an organisation, in characters.
pub const WEBSITE_MAX: usize = 300;
/// The expected response times a service may announce, in days.
pub const RESPONSE_DAYS: std::ops::RangeInclusive<i32> = 1..=90;

/// Trims a text field and checks its length in characters (and that it is
/// given, when `required`); a problem is recorded on the field.
fn text(errors: &mut FieldErrors, field: &'static str, value: &str, max_chars: usize, required: bool) -> String {
    errors.text(field, value, max_chars, required)
}

/// An optional text field, trimmed and checked; empty is no value.
fn optional(errors: &mut FieldErrors, field: &'static str, value: &str, max_chars: usize) -> Option<String> {
    Some(text(errors, field, value, max_chars, false)).filter(|v| !v.is_empty())
}
