//! People (beneficiaries): registration with a duplicate check, list and
//! search, the person's page, identity documents, consents, export and
//! erasure.

use crate::routes::RouteTable;

/// This area's templates: (name, source).
pub(crate) const TEMPLATES: &[(&str, &str)] = &[];

/// This area's routes.
pub(crate) fn routes() -> RouteTable {
    Vec::new()
}
