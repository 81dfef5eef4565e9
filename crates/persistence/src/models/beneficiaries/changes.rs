//! What changed between two versions of a person's record, for the audit
//! trail: field names, and values only for coded, non-identifying fields.

use serde_json::{Value, json};

use super::Beneficiary;

/// The names of the fields that differ between two versions of a record
/// (for the audit trail: names only, never values).
pub fn changed_fields(before: &Beneficiary, after: &Beneficiary) -> Vec<&'static str> {
    [
        ("given_names", before.given_names != after.given_names),
        ("family_names", before.family_names != after.family_names),
        ("arabic_name", before.arabic_name != after.arabic_name),
        ("sex", before.sex != after.sex),
        ("birth_date", before.birth_date != after.birth_date || before.birth_year != after.birth_year),
        ("nationalities", before.nationalities != after.nationalities),
        ("languages", before.languages != after.languages),
        ("phone", before.phone != after.phone),
        ("whatsapp", before.whatsapp != after.whatsapp),
        ("email", before.email != after.email),
        ("city", before.city != after.city),
        ("region", before.region != after.region),
        ("household_size_morocco", before.household_size_morocco != after.household_size_morocco),
        ("household_size_origin", before.household_size_origin != after.household_size_origin),
        ("education_level", before.education_level != after.education_level),
        ("previous_occupation", before.previous_occupation != after.previous_occupation),
        ("skills", before.skills != after.skills),
        ("regularisation_year", before.regularisation_year != after.regularisation_year),
    ]
    .into_iter()
    .filter_map(|(name, differs)| differs.then_some(name))
    .collect()
}

/// Fields whose values identify or locate the person: shown as `"***"`.
const MASKED: &[&str] = &[
    "given_names",
    "family_names",
    "arabic_name",
    "birth_date",
    "phone",
    "whatsapp",
    "email",
    "city",
    "previous_occupation",
    "skills",
];

/// The value of a coded, non-identifying field as the audit shows it.
fn shown(record: &Beneficiary, field: &str) -> Value {
    match field {
        "sex" => record.sex.as_str().into(),
        "nationalities" => record.nationalities.clone().into(),
        "languages" => record.languages.clone().into(),
        "region" => record.region.map(|r| r.as_str()).into(),
        "household_size_morocco" => record.household_size_morocco.into(),
        "household_size_origin" => record.household_size_origin.into(),
        "education_level" => record.education_level.map(|e| e.as_str()).into(),
        "regularisation_year" => record.regularisation_year.into(),
        _ => Value::Null,
    }
}

/// The changes between two versions for the audit trail: each changed
/// field with `from` and `to`. Values that identify or locate the person
/// (names, birth date, contact fields, city, occupation, skills) are masked
/// as `"***"`; coded, non-identifying values (sex, nationalities, languages,
/// region, household sizes, education level, regularisation year) are shown.
pub fn change_details(before: &Beneficiary, after: &Beneficiary) -> Value {
    let mut changes = serde_json::Map::new();
    for field in changed_fields(before, after) {
        let (from, to) = if MASKED.contains(&field) {
            (json!("***"), json!("***"))
        } else {
            (shown(before, field), shown(after, field))
        };
        changes.insert(field.to_owned(), json!({ "from": from, "to": to }));
    }
    Value::Object(changes)
}
