//! Time as stored: UTC, without a zone, to the microsecond (both backends
//! keep microseconds, so a value read back equals the value written).

use chrono::{NaiveDateTime, SubsecRound, Utc};

/// The current UTC time, truncated to microseconds.
pub fn now() -> NaiveDateTime {
    Utc::now().naive_utc().trunc_subsecs(6)
}
