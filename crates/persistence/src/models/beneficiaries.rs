//! `beneficiaries` (being written).
