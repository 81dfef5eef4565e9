//! Referrals between tenants: sending from a case (consent gate, packet),
//! the receiving tenant's inbox, answers, comments, outcomes, dashboards.

use crate::routes::RouteTable;

/// This area's templates: (name, source).
pub(crate) const TEMPLATES: &[(&str, &str)] = &[];

/// This area's routes.
pub(crate) fn routes() -> RouteTable {
    Vec::new()
}
