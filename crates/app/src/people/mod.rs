//! People (beneficiaries): registration with the duplicate check, the
//! record and its changes, the audited views of it, identity documents,
//! consents, the rights of access (export) and erasure, and the list.
//!
//! Permissions follow the role policy: `beneficiary:create` registers
//! (volunteers too), `beneficiary:read` lists and views, `beneficiary:update`
//! changes a record and sees the full profile, `document:read` /
//! `document:manage` see / change identity documents, `consent:manage`
//! records and withdraws consents (volunteers too), `beneficiary:export`
//! and `beneficiary:erase` the rights. Every view of a person's data,
//! every export and every change is audited with ids, codes and field
//! names, never personal values.

mod consents;
mod documents;
mod lists;
mod record;
mod registration;
mod rights;

pub use consents::{Partner, consent_partners, record_consent, withdraw_consent};
pub use documents::{add_document, remove_document};
pub use lists::{ensure_exists, list_people};
pub use record::{PersonView, update_person, view_person, view_person_for_edit};
pub(crate) use registration::register_in;
pub use registration::{Registered, Registration, register_person};
pub use rights::{ExportFormat, PersonExport, erase_person, export_person};
