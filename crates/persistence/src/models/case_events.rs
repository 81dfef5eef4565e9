//! `case_events` (being written).
