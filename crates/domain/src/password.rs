//! Password policy (OWASP ASVS v4 §2.1): at least 12 characters, up to 128,
//! any character allowed (spaces and emoji included), and not one of the
//! commonly used passwords embedded in the binary.

use thiserror::Error;

/// Fewest characters a password may have.
pub const MIN_CHARS: usize = 12;
/// Most characters a password may have (ASVS asks that at least 64 be allowed).
pub const MAX_CHARS: usize = 128;

/// Why a password is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum PasswordPolicyError {
    /// Fewer than [`MIN_CHARS`] characters.
    #[error("the password must have at least {MIN_CHARS} characters")]
    TooShort,
    /// More than [`MAX_CHARS`] characters.
    #[error("the password must have at most {MAX_CHARS} characters")]
    TooLong,
    /// Found in the list of commonly used passwords.
    #[error("this password is too common; choose another")]
    TooCommon,
}

/// Checks a new password against the policy. Never logs or stores it.
pub fn check_new_password(password: &str) -> Result<(), PasswordPolicyError> {
    let chars = password.chars().count();
    if chars < MIN_CHARS {
        return Err(PasswordPolicyError::TooShort);
    }
    if chars > MAX_CHARS {
        return Err(PasswordPolicyError::TooLong);
    }
    let lowered = password.to_lowercase();
    if passwords::analyzer::is_common_password(password)
        || passwords::analyzer::is_common_password(&lowered)
        || is_repetition(&lowered)
    {
        return Err(PasswordPolicyError::TooCommon);
    }
    Ok(())
}

/// A password made of one short pattern repeated ("abcabcabcabc", "aaaaaaaaaaaa").
fn is_repetition(password: &str) -> bool {
    let chars: Vec<char> = password.chars().collect();
    (1..=4).any(|period| chars.len() >= period * 3 && chars.iter().enumerate().all(|(i, c)| *c == chars[i % period]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_limits_are_enforced_in_characters_not_bytes() {
        assert_eq!(check_new_password("short"), Err(PasswordPolicyError::TooShort));
        assert_eq!(check_new_password(&"é".repeat(11)), Err(PasswordPolicyError::TooShort));
        assert_eq!(check_new_password(&"x7".repeat(65)), Err(PasswordPolicyError::TooLong));
        assert!(check_new_password("cèdre bleu sur la colline 42").is_ok());
        assert!(check_new_password(&"ab9 ".repeat(16)).is_err(), "repetition");
    }

    #[test]
    fn common_passwords_are_refused() {
        for common in
            ["password1234", "123456789012", "1q2w3e4r5t6y", "passwordpassword", "aaaaaaaaaaaa", "PASSWORD1234"]
        {
            assert_eq!(check_new_password(common), Err(PasswordPolicyError::TooCommon), "{common}");
        }
    }
}
