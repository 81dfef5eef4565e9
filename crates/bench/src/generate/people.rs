//! One person: the record (names by origin, ~40 % women, ages, regions near
//! the tenant's), identity documents (some expiring soon, some expired) and
//! consents (case management for nearly everyone; referral consents to a
//! partner tenant for part of the senders' people, a few withdrawn).

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime};
use rand::Rng;
use rand::rngs::StdRng;
use relais_domain::beneficiary::{
    ConsentChannel, ConsentPurpose, DocumentType, EducationLevel, Sex, document_number_key,
};
use relais_domain::names;
use serde_json::json;

use super::data::{ARABIC_NAMES, OCCUPATIONS, ORIGINS, Origin, REGIONS, SKILLS, WITNESSES};
use super::network::{Staff, TenantPlan};
use super::rows::{ConsentRow, DocumentRow, PersonRow};
use super::util::{ascii_words, between, later, one, reference_time, uuid7, weighted};

/// A tenant the people of another may consent to be referred to.
#[derive(Debug, Clone)]
pub(crate) struct Partner {
    /// Index of the partner tenant.
    pub(crate) index: usize,
    /// Its id.
    pub(crate) id: String,
    /// How often people consent to it, relatively.
    pub(crate) weight: u32,
}

/// A referral consent, kept for the referral phase.
#[derive(Debug, Clone)]
pub(crate) struct ReferralConsent {
    pub(crate) id: uuid::Uuid,
    /// Index of the partner tenant.
    pub(crate) partner: usize,
    pub(crate) given_on: NaiveDate,
    pub(crate) expires_on: Option<NaiveDate>,
    pub(crate) withdrawn_on: Option<NaiveDate>,
}

/// What the rest of the generation needs of a person.
#[derive(Debug)]
pub(crate) struct Person {
    pub(crate) id: uuid::Uuid,
    pub(crate) created: NaiveDateTime,
    /// The packet a referral of this person carries (the minimal fields).
    pub(crate) packet: Option<String>,
    pub(crate) referral_consent: Option<ReferralConsent>,
}

fn pick_origin(rng: &mut StdRng) -> &'static Origin {
    let total: u32 = ORIGINS.iter().map(|o| o.weight).sum();
    let mut n = rng.random_range(0..total);
    for o in ORIGINS {
        if n < o.weight {
            return o;
        }
        n -= o.weight;
    }
    &ORIGINS[0]
}

fn birth(rng: &mut StdRng) -> (Option<NaiveDate>, Option<i32>) {
    let (from, to) = weighted(rng, &[((18, 25), 20), ((25, 35), 40), ((35, 45), 28), ((45, 61), 12)]);
    let year = reference_time().year() - rng.random_range(from..to);
    match rng.random_range(0..100) {
        0..70 => {
            let date = NaiveDate::from_yo_opt(year, rng.random_range(1..=365)).filter(|d| *d < reference_time().date());
            (date, Some(year))
        }
        70..95 => (None, Some(year)),
        _ => (None, None),
    }
}

fn phone(rng: &mut StdRng) -> String {
    format!("+212{}{:08}", if rng.random_bool(0.7) { 6 } else { 7 }, rng.random_range(0..100_000_000))
}

/// Generates one person registered at `registered` in the tenant, with
/// documents and consents; `partners` are the tenants its people may
/// consent to be referred to.
pub(crate) fn person(
    rng: &mut StdRng,
    t: &TenantPlan,
    partners: &[Partner],
    registered: NaiveDateTime,
    out: (&mut Vec<PersonRow>, &mut Vec<DocumentRow>, &mut Vec<ConsentRow>),
) -> Person {
    let (people, documents, consents) = out;
    let staff: &Staff = &t.staff;
    let origin = pick_origin(rng);
    let sex = weighted(rng, &[(Sex::Female, 40), (Sex::Male, 58), (Sex::Other, 1), (Sex::Unknown, 1)]);
    let woman = sex == Sex::Female || (sex != Sex::Male && rng.random_bool(0.5));
    let list = if woman { origin.women } else { origin.men };
    let mut given = (*one(rng, list)).to_owned();
    if rng.random_bool(0.25) {
        let second = *one(rng, list);
        if second != given {
            given = format!("{given} {second}");
        }
    }
    let family = (*one(rng, origin.families)).to_owned();
    let mut nationalities = origin.country.to_owned();
    if rng.random_bool(0.03) {
        let other = pick_origin(rng).country;
        if other != origin.country {
            nationalities = format!("{nationalities},{other}");
        }
    }
    let mut languages = vec!["français"];
    for _ in 0..rng.random_range(1..3) {
        let l = *one(rng, origin.languages);
        if !languages.contains(&l) {
            languages.push(l);
        }
    }
    let (region, cities) = if rng.random_bool(0.7) {
        REGIONS.iter().find(|(r, _, _)| *r == t.region).map_or((t.region, &[][..]), |(r, _, c)| (*r, *c))
    } else {
        let i = weighted(rng, &REGIONS.iter().enumerate().map(|(i, r)| (i, r.1)).collect::<Vec<_>>());
        (REGIONS[i].0, REGIONS[i].2)
    };
    let (birth_date, birth_year) = birth(rng);
    let phone_number = rng.random_bool(0.92).then(|| phone(rng));
    let whatsapp = match rng.random_range(0..100) {
        0..45 => phone_number.clone(),
        45..55 => Some(phone(rng)),
        _ => None,
    };
    let email = rng.random_bool(0.2).then(|| {
        let domain = *one(rng, &["example.org", "example.net", "example.com"]);
        format!("{}.{}{}@{domain}", ascii_words(&given, "."), ascii_words(&family, "-"), rng.random_range(1..99))
    });
    let id = uuid7(rng, registered);
    let key = id.hyphenated().to_string();
    let registrar = staff.registrar(rng).to_owned();
    let edited = rng.random_bool(0.4);
    let updated = if edited { between(rng, registered, reference_time()) } else { registered };
    // The preselected packet (`referrals::MINIMAL_PACKET`), empty values left out as `build_packet` does.
    let mut packet = json!({ "given_names": given, "languages": languages.join(", "), "region": region.as_str() });
    if let (Some(phone), Some(map)) = (&phone_number, packet.as_object_mut()) {
        map.insert("phone".to_owned(), json!(phone));
    }
    people.push(PersonRow {
        tenant_id: t.id.clone(),
        id: key.clone(),
        name_key: names::name_key(&given, &family),
        given_names: given,
        family_names: family,
        arabic_name: (origin.arabic && rng.random_bool(0.6)).then(|| *one(rng, ARABIC_NAMES)),
        sex: sex.as_str(),
        birth_date,
        birth_year,
        nationalities,
        languages: languages.join(", "),
        phone: phone_number,
        whatsapp,
        email,
        city: (!cities.is_empty()).then(|| *one(rng, cities)),
        region: Some(region.as_str()),
        household_size_morocco: rng.random_bool(0.9).then(|| rng.random_range(1..7)),
        household_size_origin: rng.random_bool(0.8).then(|| rng.random_range(0..11)),
        education_level: Some(
            weighted(
                rng,
                &[
                    (EducationLevel::None, 8),
                    (EducationLevel::Primary, 22),
                    (EducationLevel::Secondary, 35),
                    (EducationLevel::Vocational, 15),
                    (EducationLevel::Higher, 15),
                    (EducationLevel::Unknown, 5),
                ],
            )
            .as_str(),
        ),
        previous_occupation: rng.random_bool(0.8).then(|| *one(rng, OCCUPATIONS)),
        skills: rng.random_bool(0.4).then(|| *one(rng, SKILLS)),
        regularisation_year: Some(weighted(
            rng,
            &[(2014, 40), (2017, 35), (2018, 10), (2019, 5), (2021, 5), (2023, 5)],
        )),
        created_by: Some(registrar.clone()),
        created_at: registered,
        updated_at: updated,
        version: if edited { rng.random_range(2..5) } else { 1 },
        erased_at: None,
    });
    add_documents(rng, t, &key, origin.country, registered, documents);
    let referral_consent = add_consents(rng, t, partners, &key, &registrar, registered, consents);
    Person { id, created: registered, packet: referral_consent.is_some().then(|| packet.to_string()), referral_consent }
}

fn add_documents(
    rng: &mut StdRng,
    t: &TenantPlan,
    person: &str,
    country: &str,
    registered: NaiveDateTime,
    out: &mut Vec<DocumentRow>,
) {
    let today = reference_time().date();
    let mut add = |rng: &mut StdRng, doc_type: DocumentType, number: String, issued: NaiveDate, expires: NaiveDate| {
        let at = later(rng, registered, 1, 20);
        out.push(DocumentRow {
            tenant_id: t.id.clone(),
            id: uuid7(rng, at).hyphenated().to_string(),
            beneficiary_id: person.to_owned(),
            doc_type: doc_type.as_str(),
            number_key: document_number_key(&number),
            number,
            issued_on: Some(issued.min(today)),
            expires_on: Some(expires),
            created_at: at,
            updated_at: at,
        });
    };
    if rng.random_bool(0.7) {
        // Residence cards: most valid, ~8 % expiring within two months, ~5 % expired.
        let expires = match rng.random_range(0..100) {
            0..8 => today + Duration::days(rng.random_range(1..60)),
            8..13 => today - Duration::days(rng.random_range(1..200)),
            _ => today + Duration::days(rng.random_range(60..900)),
        };
        let years = if expires > today + Duration::days(300) { 3 } else { 1 };
        let digits = rng.random_range(10_000_000..100_000_000);
        let number = if rng.random_bool(0.2) { format!("RC-{digits}") } else { format!("RC{digits}") };
        add(rng, DocumentType::ResidenceCard, number, expires - Duration::days(365 * years), expires);
    }
    if rng.random_bool(0.2) {
        let issued = today - Duration::days(rng.random_range(30..1800));
        let number = format!("{country}{:08}", rng.random_range(0..100_000_000));
        add(rng, DocumentType::Passport, number, issued, issued + Duration::days(5 * 365));
    }
    match rng.random_range(0..100) {
        0..3 => {
            let issued = today - Duration::days(rng.random_range(30..1000));
            let number = format!("HCR-{:07}", rng.random_range(0..10_000_000));
            add(rng, DocumentType::RefugeeCard, number, issued, issued + Duration::days(2 * 365));
        }
        3..8 => {
            let issued = registered.date();
            let number = format!("REC {:06}", rng.random_range(0..1_000_000));
            add(rng, DocumentType::ApplicationReceipt, number, issued, issued + Duration::days(90));
        }
        _ => {}
    }
}

fn add_consents(
    rng: &mut StdRng,
    t: &TenantPlan,
    partners: &[Partner],
    person: &str,
    registrar: &str,
    registered: NaiveDateTime,
    out: &mut Vec<ConsentRow>,
) -> Option<ReferralConsent> {
    let today = reference_time().date();
    let mut consent = |rng: &mut StdRng, purpose: ConsentPurpose, given: NaiveDateTime| -> (uuid::Uuid, usize) {
        let channel = weighted(
            rng,
            &[(ConsentChannel::Written, 70), (ConsentChannel::OralWitnessed, 20), (ConsentChannel::Digital, 10)],
        );
        let id = uuid7(rng, given);
        out.push(ConsentRow {
            tenant_id: t.id.clone(),
            id: id.hyphenated().to_string(),
            beneficiary_id: person.to_owned(),
            purpose: purpose.as_str(),
            partner_tenant_id: None,
            service_ref: None,
            channel: channel.as_str(),
            language: weighted(rng, &[("fr", 60), ("ar", 30), ("en", 10)]),
            given_on: given.date(),
            expires_on: None,
            recorded_by: Some(registrar.to_owned()),
            witness: (channel == ConsentChannel::OralWitnessed).then(|| *one(rng, WITNESSES)),
            withdrawn_on: None,
            withdrawn_by: None,
            created_at: given,
        });
        (id, out.len() - 1)
    };
    if rng.random_bool(0.97) {
        let at = later(rng, registered, 2, 30);
        consent(rng, ConsentPurpose::CaseManagement, at);
    }
    if rng.random_bool(0.2) {
        let at = later(rng, registered, 2, 30);
        consent(rng, ConsentPurpose::Statistics, at);
    }
    if rng.random_bool(0.05) {
        let at = later(rng, registered, 2, 30);
        consent(rng, ConsentPurpose::Photos, at);
    }
    if partners.is_empty() || !rng.random_bool(0.35) {
        return None;
    }
    let weights: Vec<(usize, u32)> = partners.iter().enumerate().map(|(k, p)| (k, p.weight)).collect();
    let partner = &partners[weighted(rng, &weights)];
    // Some time after registration; someone whose time has not come yet has not consented yet.
    let at = registered + Duration::minutes(rng.random_range(10..200 * 24 * 60));
    if at >= reference_time() - Duration::hours(1) {
        return None;
    }
    let (id, row) = consent(rng, ConsentPurpose::Referral, at);
    let given_on = at.date();
    let expires_on = rng.random_bool(0.3).then(|| given_on + Duration::days(365));
    let withdrawn_on = rng
        .random_bool(0.03)
        .then(|| given_on + Duration::days(rng.random_range(10..300)))
        .filter(|d| *d < today && expires_on.is_none_or(|e| *d < e));
    let c = &mut out[row];
    c.partner_tenant_id = Some(partner.id.clone());
    c.expires_on = expires_on;
    if withdrawn_on.is_some() {
        c.withdrawn_on = withdrawn_on;
        c.withdrawn_by = Some(one(rng, &t.staff.workers).clone());
    }
    Some(ReferralConsent { id, partner: partner.index, given_on, expires_on, withdrawn_on })
}
