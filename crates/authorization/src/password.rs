//! Password hashing with argon2id (OWASP: m = 19 MiB, t = 2, p = 1).
//! Hashes are PHC strings, so parameters can be raised later and old hashes
//! still verify.
//!
//! Each hash needs 19 MiB of working memory. Rather than allocating it per
//! sign-in (which leaves every thread's allocator holding its own 19 MiB,
//! hundreds of megabytes under load), a few working areas — one per core —
//! are allocated once and lent out; a hash waits for a free one. Memory for
//! passwords is thus bounded (2 cores: 38 MiB), and so is the CPU sign-ins
//! can take from everything else.

use std::sync::{Condvar, Mutex, OnceLock};

use argon2::password_hash::{Output, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use thiserror::Error;

/// Hashing failed (never because of the password's content).
#[derive(Debug, Error)]
#[error("password hashing failed: {0}")]
pub struct HashError(String);

fn params() -> Params {
    Params::new(Params::DEFAULT_M_COST, Params::DEFAULT_T_COST, Params::DEFAULT_P_COST, None).unwrap_or_default()
}

/// Working areas of `params().block_count()` blocks, lent one at a time.
struct Workspaces {
    free: Mutex<Vec<Vec<Block>>>,
    returned: Condvar,
}

fn workspaces() -> &'static Workspaces {
    static POOL: OnceLock<Workspaces> = OnceLock::new();
    POOL.get_or_init(|| {
        let count = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
        let blocks = params().block_count();
        Workspaces {
            free: Mutex::new((0..count).map(|_| vec![Block::default(); blocks]).collect()),
            returned: Condvar::new(),
        }
    })
}

/// Runs `work` with a working area of `blocks` blocks: a pooled one for the
/// current parameters, a fresh one for a hash made with other parameters.
fn with_memory<T>(blocks: usize, work: impl FnOnce(&mut [Block]) -> T) -> T {
    if blocks != params().block_count() {
        return work(&mut vec![Block::default(); blocks]);
    }
    let pool = workspaces();
    let mut memory = {
        let mut free = pool.free.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        loop {
            if let Some(memory) = free.pop() {
                break memory;
            }
            free = pool.returned.wait(free).unwrap_or_else(|poisoned| poisoned.into_inner());
        }
    };
    let result = work(&mut memory);
    pool.free.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).push(memory);
    pool.returned.notify_one();
    result
}

/// The raw argon2 output for a password, salt and parameters.
fn compute(
    algorithm: Algorithm,
    version: Version,
    params: Params,
    password: &[u8],
    salt: &[u8],
) -> Result<Vec<u8>, HashError> {
    let mut out = vec![0u8; params.output_len().unwrap_or(Params::DEFAULT_OUTPUT_LEN)];
    let blocks = params.block_count();
    let argon = Argon2::new(algorithm, version, params);
    with_memory(blocks, |memory| argon.hash_password_into_with_memory(password, salt, &mut out, memory))
        .map_err(|e| HashError(e.to_string()))?;
    Ok(out)
}

/// Hashes a password with a fresh random salt.
pub fn hash(password: &str) -> Result<String, HashError> {
    let salt_bytes: [u8; 16] = rand::random();
    let salt = SaltString::encode_b64(&salt_bytes).map_err(|e| HashError(e.to_string()))?;
    let params = params();
    let out = compute(Algorithm::Argon2id, Version::V0x13, params.clone(), password.as_bytes(), &salt_bytes)?;
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: (&params).try_into().map_err(|e: argon2::password_hash::Error| HashError(e.to_string()))?,
        salt: Some(salt.as_salt()),
        hash: Some(Output::new(&out).map_err(|e| HashError(e.to_string()))?),
    };
    Ok(phc.to_string())
}

/// Whether `password` matches the stored hash. A malformed hash never matches.
pub fn verify(password: &str, stored: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(stored) else { return false };
    let (Ok(algorithm), Ok(params), Some(salt), Some(expected)) =
        (Algorithm::try_from(parsed.algorithm), Params::try_from(&parsed), parsed.salt, parsed.hash)
    else {
        return false;
    };
    let version = parsed.version.map(Version::try_from).unwrap_or(Ok(Version::V0x13));
    let Ok(version) = version else { return false };
    let mut salt_buf = [0u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_buf) else { return false };
    let Ok(params) = Params::new(params.m_cost(), params.t_cost(), params.p_cost(), Some(expected.len())) else {
        return false;
    };
    compute(algorithm, version, params, password.as_bytes(), salt)
        .ok()
        .and_then(|out| Output::new(&out).ok())
        // Output's equality is constant-time.
        .is_some_and(|out| out == expected)
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
    use argon2::password_hash::{PasswordHasher, PasswordVerifier};

    fn reference() -> Argon2<'static> {
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params())
    }

    #[test]
    fn a_hash_verifies_its_password_only() {
        let stored = hash("cèdre bleu sur la colline").expect("hashed");
        assert!(stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{stored}");
        assert!(verify("cèdre bleu sur la colline", &stored));
        assert!(!verify("cedre bleu sur la colline", &stored));
        assert!(!verify("anything", "not a hash"));
        assert_ne!(stored, hash("cèdre bleu sur la colline").expect("hashed"), "salted");
    }

    #[test]
    fn hashes_agree_with_the_argon2_crates_own_hasher_both_ways() {
        let salt = SaltString::encode_b64(b"sixteen byte slt").expect("salt");
        let theirs = reference().hash_password(b"mot de passe commun", &salt).expect("hash").to_string();
        assert!(verify("mot de passe commun", &theirs), "a hash made by the crate verifies here");
        assert!(!verify("autre mot de passe", &theirs));
        let ours = hash("mot de passe commun").expect("hash");
        let parsed = PasswordHash::new(&ours).expect("a PHC string");
        assert!(reference().verify_password(b"mot de passe commun", &parsed).is_ok(), "ours verifies there");
    }

    #[test]
    fn other_parameters_still_verify() {
        let weaker = Argon2::new(Algorithm::Argon2id, Version::V0x13, Params::new(4096, 1, 1, None).expect("params"));
        let salt = SaltString::encode_b64(b"another salt 16b").expect("salt");
        let stored = weaker.hash_password(b"ancien mot de passe", &salt).expect("hash").to_string();
        assert!(verify("ancien mot de passe", &stored));
        assert!(!verify("nouveau mot de passe", &stored));
    }

    #[test]
    fn concurrent_hashes_share_the_working_areas() {
        let threads: Vec<_> = (0..6)
            .map(|i| std::thread::spawn(move || verify(&format!("p{i}"), &hash(&format!("p{i}")).expect("hash"))))
            .collect();
        assert!(threads.into_iter().all(|t| t.join().expect("thread")));
    }
}
