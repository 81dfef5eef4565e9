//! E-mail addresses: the sign-in name of a user and the address of an
//! e-mail recipient. Stored lower-cased and trimmed so that one person has
//! one account whatever the case they type.

use std::fmt;

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Why a text is not an acceptable e-mail address.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum EmailAddressError {
    /// Nothing was typed.
    #[error("the e-mail address is empty")]
    Empty,
    /// Longer than 254 characters (RFC 5321 path limit).
    #[error("the e-mail address is longer than 254 characters")]
    TooLong,
    /// Not of the form `name@domain.tld`.
    #[error("the e-mail address is not of the form name@example.org")]
    Malformed,
}

/// A normalised e-mail address (trimmed, lower-case).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct EmailAddress(String);

impl EmailAddress {
    /// Checks and normalises an address typed by a person.
    pub fn parse(input: &str) -> Result<Self, EmailAddressError> {
        let value = input.trim().to_lowercase();
        if value.is_empty() {
            return Err(EmailAddressError::Empty);
        }
        if value.chars().count() > 254 {
            return Err(EmailAddressError::TooLong);
        }
        let (local, domain) = value.split_once('@').ok_or(EmailAddressError::Malformed)?;
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && domain.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '.');
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.contains(char::is_whitespace)
            && !local.contains(['<', '>', '(', ')', ',', ';', ':', '"', '@', '\\']);
        if !domain_ok || !local_ok {
            return Err(EmailAddressError::Malformed);
        }
        Ok(Self(value))
    }

    /// The address as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for EmailAddress {
    type Error = EmailAddressError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<EmailAddress> for String {
    fn from(value: EmailAddress) -> Self {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_trimmed_and_lower_cased() {
        let a = EmailAddress::parse("  Amina.Diallo@Example.ORG ").expect("valid");
        assert_eq!(a.as_str(), "amina.diallo@example.org");
    }

    #[test]
    fn malformed_addresses_are_refused_with_a_reason() {
        assert_eq!(EmailAddress::parse(""), Err(EmailAddressError::Empty));
        for bad in
            ["no-at-sign", "a@b", "@example.org", "a b@example.org", "a@exa mple.org", "a@.org", "a@example..org"]
        {
            assert_eq!(EmailAddress::parse(bad), Err(EmailAddressError::Malformed), "{bad}");
        }
        let long = format!("{}@example.org", "a".repeat(250));
        assert_eq!(EmailAddress::parse(&long), Err(EmailAddressError::TooLong));
    }
}
