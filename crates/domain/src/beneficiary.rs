//! Beneficiaries (the people the network accompanies): their closed code
//! lists, and the rules their fields obey. No I/O: the persistence and web
//! layers call these checks and report a failure next to its field.

use chrono::{Datelike, NaiveDate};
use thiserror::Error;

use crate::codes::code_enum;

code_enum!(
    /// Sex as declared by the person (for disaggregated indicators).
    Sex, "sex" {
        /// Female.
        Female => "female",
        /// Male.
        Male => "male",
        /// Another answer.
        Other => "other",
        /// Not given.
        Unknown => "unknown",
    }
);

code_enum!(
    /// The kind of an identity document.
    DocumentType, "document type" {
        /// Moroccan residence card (carte de séjour).
        ResidenceCard => "residence_card",
        /// Passport.
        Passport => "passport",
        /// Refugee card.
        RefugeeCard => "refugee_card",
        /// Receipt of an application (récépissé).
        ApplicationReceipt => "application_receipt",
    }
);

code_enum!(
    /// What a consent covers.
    ConsentPurpose, "consent purpose" {
        /// Keeping a case file about the person.
        CaseManagement => "case_management",
        /// Referral to a named partner tenant or service.
        Referral => "referral",
        /// Photos.
        Photos => "photos",
        /// Use in pseudonymised statistics.
        Statistics => "statistics",
    }
);

code_enum!(
    /// How a consent was given.
    ConsentChannel, "consent channel" {
        /// Signed on paper.
        Written => "written",
        /// Spoken, in front of a witness.
        OralWitnessed => "oral_witnessed",
        /// Given in a digital form.
        Digital => "digital",
    }
);

code_enum!(
    /// Highest level of education completed.
    EducationLevel, "education level" {
        /// No schooling.
        None => "none",
        /// Primary school.
        Primary => "primary",
        /// Secondary school.
        Secondary => "secondary",
        /// Vocational training.
        Vocational => "vocational",
        /// Higher education.
        Higher => "higher",
        /// Not known.
        Unknown => "unknown",
    }
);

/// Why a field's value is refused. The web layer turns each variant into a
/// message next to the field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum FieldError {
    /// Not a date (`YYYY-MM-DD`) or a year (`YYYY`).
    #[error("not a date or a year")]
    NotADate,
    /// A date later than today.
    #[error("the date is in the future")]
    InFuture,
    /// A birth date before 1900.
    #[error("the date is before 1900")]
    TooOld,
    /// An expiry date before the issue date.
    #[error("the expiry date is before the issue date")]
    ExpiryBeforeIssue,
    /// Not an ISO 3166-1 alpha-2 country code.
    #[error("not a country code")]
    UnknownCountry,
    /// A number outside its allowed range.
    #[error("out of range")]
    OutOfRange,
    /// Not a whole number.
    #[error("not a number")]
    NotANumber,
}

/// Earliest accepted birth year.
pub const EARLIEST_BIRTH_YEAR: i32 = 1900;
/// First year of Morocco's regularisation campaigns.
pub const FIRST_REGULARISATION_YEAR: i32 = 2014;
/// Largest household size accepted.
pub const MAX_HOUSEHOLD: i32 = 50;

/// A birth date as known: a full date, or only a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Birth {
    /// The full date.
    Date(NaiveDate),
    /// Only the year.
    Year(i32),
}

impl Birth {
    /// Parses `YYYY-MM-DD`, `DD/MM/YYYY` or `YYYY`, refusing a date after
    /// `today` or a year before 1900.
    pub fn parse(input: &str, today: NaiveDate) -> Result<Self, FieldError> {
        let input = input.trim();
        let birth = if input.len() == 4 && input.bytes().all(|b| b.is_ascii_digit()) {
            Birth::Year(input.parse().map_err(|_| FieldError::NotADate)?)
        } else {
            Birth::Date(parse_date(input)?)
        };
        if birth.year() < EARLIEST_BIRTH_YEAR {
            return Err(FieldError::TooOld);
        }
        let future = match birth {
            Birth::Date(d) => d > today,
            Birth::Year(y) => y > today.year(),
        };
        if future {
            return Err(FieldError::InFuture);
        }
        Ok(birth)
    }

    /// The year of birth.
    pub fn year(&self) -> i32 {
        match self {
            Birth::Date(d) => d.year(),
            Birth::Year(y) => *y,
        }
    }

    /// The full date, if known.
    pub fn date(&self) -> Option<NaiveDate> {
        match self {
            Birth::Date(d) => Some(*d),
            Birth::Year(_) => None,
        }
    }
}

/// Parses a date typed as `YYYY-MM-DD` (what `<input type="date">` sends)
/// or `DD/MM/YYYY`.
pub fn parse_date(input: &str) -> Result<NaiveDate, FieldError> {
    let input = input.trim();
    NaiveDate::parse_from_str(input, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(input, "%d/%m/%Y"))
        .map_err(|_| FieldError::NotADate)
}

/// Checks that a document does not expire before it was issued.
pub fn check_document_dates(issued: Option<NaiveDate>, expires: Option<NaiveDate>) -> Result<(), FieldError> {
    match (issued, expires) {
        (Some(i), Some(e)) if e < i => Err(FieldError::ExpiryBeforeIssue),
        _ => Ok(()),
    }
}

/// How document numbers are compared: upper-case, without spaces, dashes,
/// dots or slashes.
pub fn document_number_key(number: &str) -> String {
    number.chars().filter(|c| !matches!(c, ' ' | '-' | '.' | '/' | '\u{a0}')).flat_map(char::to_uppercase).collect()
}

/// Parses a whole number within `min..=max`.
pub fn parse_in_range(input: &str, min: i32, max: i32) -> Result<i32, FieldError> {
    let n: i32 = input.trim().parse().map_err(|_| FieldError::NotANumber)?;
    if (min..=max).contains(&n) { Ok(n) } else { Err(FieldError::OutOfRange) }
}

/// Parses a household size (0 to 50).
pub fn parse_household(input: &str) -> Result<i32, FieldError> {
    parse_in_range(input, 0, MAX_HOUSEHOLD)
}

/// Parses a year of regularisation (2014 to the current year).
pub fn parse_regularisation_year(input: &str, today: NaiveDate) -> Result<i32, FieldError> {
    parse_in_range(input, FIRST_REGULARISATION_YEAR, today.year())
}

/// Parses one or several nationalities given as ISO 3166-1 alpha-2 codes
/// separated by commas or spaces (`SN, CI`); returns them upper-case,
/// without repeats, in the order given.
pub fn parse_nationalities(input: &str) -> Result<Vec<&'static str>, FieldError> {
    let mut codes: Vec<&'static str> = Vec::new();
    for part in input.split([',', ' ', ';', '/']).filter(|p| !p.is_empty()) {
        let code = country_code(part).ok_or(FieldError::UnknownCountry)?;
        if !codes.contains(&code) {
            codes.push(code);
        }
    }
    Ok(codes)
}

/// The ISO 3166-1 alpha-2 code matching `input` (any case), if it is one.
pub fn country_code(input: &str) -> Option<&'static str> {
    let upper = input.trim().to_ascii_uppercase();
    COUNTRY_CODES.iter().copied().find(|c| *c == upper)
}

/// Every ISO 3166-1 alpha-2 country code.
pub const COUNTRY_CODES: &[&str] = &[
    "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ", "BA", "BB", "BD",
    "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS", "BT", "BV", "BW", "BY", "BZ", "CA",
    "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN", "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE",
    "DJ", "DK", "DM", "DO", "DZ", "EC", "EE", "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA",
    "GB", "GD", "GE", "GF", "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK",
    "HM", "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM", "JO", "JP",
    "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC", "LI", "LK", "LR", "LS", "LT",
    "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK", "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS",
    "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA", "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ",
    "OM", "PA", "PE", "PF", "PG", "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS",
    "RU", "RW", "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS", "ST",
    "SV", "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO", "TR", "TT", "TV", "TW",
    "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI", "VN", "VU", "WF", "WS", "YE", "YT", "ZA",
    "ZM", "ZW",
];

/// The first year of the five-year band a year falls in (1992 → 1990): what
/// an erased record keeps of a birth year, enough for age-band statistics.
pub fn birth_year_band(year: i32) -> i32 {
    year - year.rem_euclid(5)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
    }

    #[test]
    fn code_lists_round_trip() {
        for s in Sex::ALL {
            assert_eq!(s.as_str().parse::<Sex>().ok(), Some(*s));
        }
        assert_eq!(DocumentType::ALL.len(), 4);
        assert_eq!(ConsentPurpose::ALL.len(), 4);
        assert_eq!(ConsentChannel::ALL.len(), 3);
        assert_eq!(EducationLevel::ALL.len(), 6);
        assert!("visa".parse::<DocumentType>().is_err());
    }

    #[test]
    fn birth_dates_and_years() {
        let today = day(2026, 11, 29);
        assert_eq!(Birth::parse("1990-05-17", today), Ok(Birth::Date(day(1990, 5, 17))));
        assert_eq!(Birth::parse("17/05/1990", today), Ok(Birth::Date(day(1990, 5, 17))));
        assert_eq!(Birth::parse("1990", today), Ok(Birth::Year(1990)));
        assert_eq!(Birth::parse("2026-11-30", today), Err(FieldError::InFuture));
        assert_eq!(Birth::parse("2027", today), Err(FieldError::InFuture));
        assert_eq!(Birth::parse("1899-12-31", today), Err(FieldError::TooOld));
        assert_eq!(Birth::parse("1899", today), Err(FieldError::TooOld));
        assert_eq!(Birth::parse("next year", today), Err(FieldError::NotADate));
        assert_eq!(Birth::parse("1990-02-30", today), Err(FieldError::NotADate));
        assert_eq!(Birth::Year(1990).year(), 1990);
    }

    #[test]
    fn document_dates_and_numbers() {
        assert_eq!(
            check_document_dates(Some(day(2024, 1, 1)), Some(day(2023, 1, 1))),
            Err(FieldError::ExpiryBeforeIssue)
        );
        assert_eq!(check_document_dates(Some(day(2024, 1, 1)), Some(day(2024, 1, 1))), Ok(()));
        assert_eq!(check_document_dates(None, Some(day(2023, 1, 1))), Ok(()));
        assert_eq!(document_number_key(" ab-123 456.7 "), "AB1234567");
    }

    #[test]
    fn numbers_in_range() {
        let today = day(2026, 11, 29);
        assert_eq!(parse_household("0"), Ok(0));
        assert_eq!(parse_household("51"), Err(FieldError::OutOfRange));
        assert_eq!(parse_household("-1"), Err(FieldError::OutOfRange));
        assert_eq!(parse_household("three"), Err(FieldError::NotANumber));
        assert_eq!(parse_regularisation_year("2014", today), Ok(2014));
        assert_eq!(parse_regularisation_year("2013", today), Err(FieldError::OutOfRange));
        assert_eq!(parse_regularisation_year("2027", today), Err(FieldError::OutOfRange));
    }

    #[test]
    fn nationalities_are_iso_codes() {
        assert_eq!(COUNTRY_CODES.len(), 249);
        let mut sorted = COUNTRY_CODES.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), 249);
        assert_eq!(parse_nationalities("sn, CI ci"), Ok(vec!["SN", "CI"]));
        assert_eq!(parse_nationalities(""), Ok(vec![]));
        assert_eq!(parse_nationalities("SN, XX"), Err(FieldError::UnknownCountry));
        assert_eq!(parse_nationalities("Senegal"), Err(FieldError::UnknownCountry));
    }

    #[test]
    fn birth_year_bands() {
        assert_eq!(birth_year_band(1992), 1990);
        assert_eq!(birth_year_band(1995), 1995);
    }
}
