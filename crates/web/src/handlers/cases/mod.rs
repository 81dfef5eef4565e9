//! Case files: opening a case, its notes (normal or confidential), tasks and
//! timeline, the case list, and "my work".

use crate::routes::RouteTable;

/// This area's templates: (name, source).
pub(crate) const TEMPLATES: &[(&str, &str)] = &[];

/// This area's routes.
pub(crate) fn routes() -> RouteTable {
    Vec::new()
}
