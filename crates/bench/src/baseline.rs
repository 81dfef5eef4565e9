//! Placeholder replaced by the baseline.
