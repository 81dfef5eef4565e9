//! `tasks` (being written).
