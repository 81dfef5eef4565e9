//! Phone and WhatsApp numbers, stored in E.164 (`+212612345678`).
//!
//! People give numbers in many shapes: `+212 6 12 34 56 78`,
//! `00212 612-345-678`, `06 12 34 56 78` (a Moroccan national number),
//! `+221 77 123 45 67` (a Senegalese WhatsApp number kept from home).
//! [`PhoneNumber::parse`] accepts them all and refuses anything else with a
//! reason.

use std::fmt;

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Why a text is not an acceptable phone number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum PhoneError {
    /// Nothing was typed.
    #[error("the phone number is empty")]
    Empty,
    /// Letters or symbols other than spaces, dots, dashes, slashes and brackets.
    #[error("the phone number contains characters other than digits")]
    InvalidCharacters,
    /// Neither international (`+…`, `00…`) nor a Moroccan national number (`0…`, ten digits).
    #[error("the phone number is neither international (+country…) nor a Moroccan number (0…)")]
    UnknownFormat,
    /// Too few or too many digits for its country, or for E.164 (at most 15).
    #[error("the phone number has the wrong number of digits")]
    WrongLength,
}

/// Morocco's country calling code.
const MOROCCO: &str = "212";

/// A phone number in E.164 form.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PhoneNumber(String);

impl PhoneNumber {
    /// Checks and normalises a number typed by a person. A number without a
    /// country prefix is read as Moroccan.
    pub fn parse(input: &str) -> Result<Self, PhoneError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(PhoneError::Empty);
        }
        let (plus, rest) = match trimmed.strip_prefix('+') {
            Some(rest) => (true, rest),
            None => (false, trimmed),
        };
        let mut digits = String::with_capacity(rest.len());
        for c in rest.chars() {
            match c {
                '0'..='9' => digits.push(c),
                ' ' | '.' | '-' | '/' | '(' | ')' | '\u{a0}' => {}
                _ => return Err(PhoneError::InvalidCharacters),
            }
        }
        let international = if plus {
            digits
        } else if let Some(rest) = digits.strip_prefix("00") {
            rest.to_owned()
        } else if let Some(national) = digits.strip_prefix('0') {
            if national.len() != 9 {
                return Err(PhoneError::WrongLength);
            }
            format!("{MOROCCO}{national}")
        } else if digits.starts_with(MOROCCO) && digits.len() == 12 {
            digits
        } else {
            return Err(PhoneError::UnknownFormat);
        };
        if international.starts_with('0') || international.is_empty() {
            return Err(PhoneError::UnknownFormat);
        }
        if let Some(national) = international.strip_prefix(MOROCCO) {
            // A Moroccan number: nine digits after the country code, starting 5–8
            // (a trunk 0 written after +212 is tolerated).
            let national = national.strip_prefix('0').filter(|n| n.len() == 9).unwrap_or(national);
            if national.len() != 9 {
                return Err(PhoneError::WrongLength);
            }
            if !matches!(national.as_bytes()[0], b'5'..=b'8') {
                return Err(PhoneError::UnknownFormat);
            }
            return Ok(Self(format!("+{MOROCCO}{national}")));
        }
        if !(8..=15).contains(&international.len()) {
            return Err(PhoneError::WrongLength);
        }
        Ok(Self(format!("+{international}")))
    }

    /// The number in E.164 form.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for PhoneNumber {
    type Error = PhoneError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<PhoneNumber> for String {
    fn from(value: PhoneNumber) -> Self {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e164(input: &str) -> String {
        PhoneNumber::parse(input).map(|p| p.to_string()).unwrap_or_else(|e| format!("error: {e}"))
    }

    #[test]
    fn moroccan_numbers_in_every_usual_shape() {
        for input in [
            "+212 6 12 34 56 78",
            "00212612345678",
            "06 12 34 56 78",
            "06.12.34.56.78",
            "212612345678",
            "+212 (0)6 12 34 56 78",
        ] {
            assert_eq!(e164(input), "+212612345678", "{input}");
        }
        assert_eq!(e164("0522-12-34-56"), "+212522123456");
    }

    #[test]
    fn foreign_numbers_are_kept_with_their_country_code() {
        assert_eq!(e164("+221 77 123 45 67"), "+221771234567");
        assert_eq!(e164("00225 07 07 12 34 56"), "+2250707123456");
        assert_eq!(e164("+33 6 12 34 56 78"), "+33612345678");
    }

    #[test]
    fn malformed_numbers_are_refused_with_a_reason() {
        assert_eq!(PhoneNumber::parse(""), Err(PhoneError::Empty));
        assert_eq!(PhoneNumber::parse("06 12 AB 56 78"), Err(PhoneError::InvalidCharacters));
        assert_eq!(PhoneNumber::parse("06 12 34"), Err(PhoneError::WrongLength));
        assert_eq!(PhoneNumber::parse("612345678"), Err(PhoneError::UnknownFormat));
        assert_eq!(PhoneNumber::parse("+212 1 12 34 56 78"), Err(PhoneError::UnknownFormat));
        assert_eq!(PhoneNumber::parse("+221 1234"), Err(PhoneError::WrongLength));
        assert_eq!(PhoneNumber::parse("+1234567890123456"), Err(PhoneError::WrongLength));
        assert_eq!(PhoneNumber::parse("++212612345678"), Err(PhoneError::InvalidCharacters));
    }
}
