//! The packet: which of a person's fields may be shared, and the copy made
//! of them when a referral is drafted.

use serde_json::{Map, Value};

use crate::models::beneficiaries::Beneficiary;

/// A field of a person that a sender may put in a packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PacketField {
    /// Given names.
    GivenNames,
    /// Family names.
    FamilyNames,
    /// Name in Arabic script.
    ArabicName,
    /// Sex.
    Sex,
    /// Year of birth (never the full date).
    BirthYear,
    /// Nationalities (codes).
    Nationalities,
    /// Languages spoken.
    Languages,
    /// Phone number.
    Phone,
    /// WhatsApp number.
    Whatsapp,
    /// E-mail address.
    Email,
    /// City.
    City,
    /// Region (code).
    Region,
    /// Education level (code).
    EducationLevel,
    /// Previous occupation.
    PreviousOccupation,
    /// Skills.
    Skills,
}

/// The fields preselected on a new referral: enough to contact the person.
pub const MINIMAL_PACKET: [PacketField; 4] =
    [PacketField::GivenNames, PacketField::Languages, PacketField::Phone, PacketField::Region];

impl PacketField {
    /// Every field, in the order forms show them.
    pub const ALL: [PacketField; 15] = [
        PacketField::GivenNames,
        PacketField::FamilyNames,
        PacketField::ArabicName,
        PacketField::Sex,
        PacketField::BirthYear,
        PacketField::Nationalities,
        PacketField::Languages,
        PacketField::Phone,
        PacketField::Whatsapp,
        PacketField::Email,
        PacketField::City,
        PacketField::Region,
        PacketField::EducationLevel,
        PacketField::PreviousOccupation,
        PacketField::Skills,
    ];

    /// The code (form field and packet key).
    pub fn as_str(&self) -> &'static str {
        match self {
            PacketField::GivenNames => "given_names",
            PacketField::FamilyNames => "family_names",
            PacketField::ArabicName => "arabic_name",
            PacketField::Sex => "sex",
            PacketField::BirthYear => "birth_year",
            PacketField::Nationalities => "nationalities",
            PacketField::Languages => "languages",
            PacketField::Phone => "phone",
            PacketField::Whatsapp => "whatsapp",
            PacketField::Email => "email",
            PacketField::City => "city",
            PacketField::Region => "region",
            PacketField::EducationLevel => "education_level",
            PacketField::PreviousOccupation => "previous_occupation",
            PacketField::Skills => "skills",
        }
    }

    /// The field with this code.
    pub fn parse(code: &str) -> Option<PacketField> {
        PacketField::ALL.into_iter().find(|f| f.as_str() == code)
    }

    fn value(&self, b: &Beneficiary) -> Option<String> {
        let text = |s: &Option<String>| s.clone().filter(|v| !v.trim().is_empty());
        match self {
            PacketField::GivenNames => Some(b.given_names.clone()),
            PacketField::FamilyNames => Some(b.family_names.clone()),
            PacketField::ArabicName => text(&b.arabic_name),
            PacketField::Sex => Some(b.sex.as_str().to_owned()),
            PacketField::BirthYear => b.birth_year.map(|y| y.to_string()),
            PacketField::Nationalities => Some(b.nationalities.clone()),
            PacketField::Languages => Some(b.languages.clone()),
            PacketField::Phone => text(&b.phone),
            PacketField::Whatsapp => text(&b.whatsapp),
            PacketField::Email => text(&b.email),
            PacketField::City => text(&b.city),
            PacketField::Region => b.region.map(|r| r.as_str().to_owned()),
            PacketField::EducationLevel => b.education_level.map(|e| e.as_str().to_owned()),
            PacketField::PreviousOccupation => text(&b.previous_occupation),
            PacketField::Skills => text(&b.skills),
        }
        .filter(|v| !v.trim().is_empty())
    }
}

/// A copy of the chosen fields of a person (empty values left out), as the
/// JSON object stored in `referrals.packet`.
pub fn build_packet(person: &Beneficiary, fields: &[PacketField]) -> Map<String, Value> {
    let mut packet = Map::new();
    for field in PacketField::ALL.iter().filter(|f| fields.contains(f)) {
        if let Some(value) = field.value(person) {
            packet.insert(field.as_str().to_owned(), Value::String(value));
        }
    }
    packet
}
