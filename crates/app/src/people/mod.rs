//! People (beneficiaries): registration, their record, identity documents,
//! consents, the rights of access and erasure.

mod consents;

pub use consents::withdraw_consent;
