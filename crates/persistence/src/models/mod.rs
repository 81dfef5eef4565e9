//! Rows and the query functions next to them, one module per table.

pub mod account_tokens;
pub mod audit;
pub mod login_throttle;
pub mod memberships;
pub mod outbox;
pub mod role_assignments;
pub mod sessions;
pub mod tenants;
pub mod users;
