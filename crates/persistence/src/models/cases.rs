//! `cases` (being written).
