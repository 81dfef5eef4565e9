//! `consents` (being written).
