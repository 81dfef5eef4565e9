//! Relais performance yardsticks (not product features): the synthetic data
//! generator ([`generate`]) and the bare baseline server ([`baseline`]).
//! See `docs/performance.md`.

pub mod baseline;
pub mod generate;
