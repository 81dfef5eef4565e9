//! Password hashing with argon2id (OWASP: m = 19 MiB, t = 2, p = 1).
//! Hashes are PHC strings, so parameters can be raised later and old hashes
//! still verify.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use thiserror::Error;

/// Hashing failed (never because of the password's content).
#[derive(Debug, Error)]
#[error("password hashing failed: {0}")]
pub struct HashError(String);

fn hasher() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes a password with a fresh random salt.
pub fn hash(password: &str) -> Result<String, HashError> {
    let salt_bytes: [u8; 16] = rand::random();
    let salt = SaltString::encode_b64(&salt_bytes).map_err(|e| HashError(e.to_string()))?;
    hasher().hash_password(password.as_bytes(), &salt).map(|h| h.to_string()).map_err(|e| HashError(e.to_string()))
}

/// Whether `password` matches the stored hash. A malformed hash never matches.
pub fn verify(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|parsed| hasher().verify_password(password.as_bytes(), &parsed).is_ok())
        .unwrap_or(false)
}

/// A hash computed once per process for verifying against when no account
/// exists, so that an unknown e-mail costs as much time as a wrong password.
pub fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash("decoy password that matches nothing").unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_only() {
        let stored = hash("cèdre bleu sur la colline").expect("hashed");
        assert!(stored.starts_with("$argon2id$"));
        assert!(verify("cèdre bleu sur la colline", &stored));
        assert!(!verify("cedre bleu sur la colline", &stored));
        assert!(!verify("anything", "not a hash"));
        assert_ne!(stored, hash("cèdre bleu sur la colline").expect("hashed"), "salted");
    }
}
