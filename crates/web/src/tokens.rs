//! Random tokens and their digests: the application layer's (`relais_app::tokens`).

pub(crate) use relais_app::tokens::{digest, looks_like_token, random_token, same_secret};
