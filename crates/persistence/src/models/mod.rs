//! Rows and the query functions next to them, one module per table.

pub mod account_tokens;
pub mod api_tokens;
pub mod audit;
pub mod beneficiaries;
pub mod case_events;
pub mod case_notes;
pub mod cases;
pub mod consents;
pub mod digests;
pub mod directory;
pub mod events;
pub mod identity_documents;
pub mod login_throttle;
pub mod memberships;
pub mod outbox;
pub mod participants;
pub mod referral_deadlines;
pub mod referral_links;
pub mod referrals;
pub mod role_assignments;
pub mod sessions;
pub mod tasks;
pub mod tenants;
pub mod users;
