//! Organisations without an account answer referrals through a signed,
//! single-use, expiring link: accept or decline, later record the outcome,
//! seeing only the packet.

use crate::routes::RouteTable;

/// This area's templates: (name, source).
pub(crate) const TEMPLATES: &[(&str, &str)] = &[];

/// This area's routes.
pub(crate) fn routes() -> RouteTable {
    Vec::new()
}
