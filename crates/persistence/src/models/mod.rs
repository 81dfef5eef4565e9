//! Rows and the query functions next to them, one module per table.

pub mod audit;
pub mod memberships;
pub mod role_assignments;
pub mod tenants;
pub mod users;
