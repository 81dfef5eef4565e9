//! `case_notes` (being written).
