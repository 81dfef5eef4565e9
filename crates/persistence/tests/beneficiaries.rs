//! People, identity documents and consents on both backends: tenant scope
//! (including search and the duplicate check), version conflicts, stable
//! keyset pagination, duplicate detection, erasure checked in the database,
//! and the keys that refuse a document pointing into another tenant.

use chrono::NaiveDate;
use diesel::prelude::*;
use relais_domain::beneficiary::{ConsentChannel, ConsentPurpose, DocumentType, Sex};
use relais_domain::phone::PhoneNumber;
use relais_domain::{EmailAddress, Language, Region, TenantKind, names};
use relais_persistence::models::beneficiaries::{
    self, BeneficiaryFields, DuplicateProbe, DuplicateReason, ListQuery, Sort,
};
use relais_persistence::models::{consents, identity_documents, tenants};
use relais_persistence::schema;
use relais_persistence::{DbConnection, PersistenceError, TenantScope, now};
use relais_test_support::backend_tests;

fn tenant(conn: &mut DbConnection, name: &str) -> TenantScope {
    let t = tenants::create(
        conn,
        &tenants::NewTenant {
            name: name.to_owned(),
            kind: TenantKind::Association,
            region: Region::RabatSaleKenitra,
            default_language: Language::Fr,
            contact_email: EmailAddress::parse("contact@example.org").expect("valid"),
        },
        relais_persistence::now(),
    )
    .expect("tenant");
    TenantScope::for_system(t.tenant_id().expect("id"))
}

fn person(given: &str, family: &str, year: Option<i32>) -> BeneficiaryFields {
    BeneficiaryFields {
        given_names: given.to_owned(),
        family_names: family.to_owned(),
        arabic_name: Some("فاطمة".to_owned()),
        sex: Sex::Female,
        birth_date: year.and_then(|y| NaiveDate::from_ymd_opt(y, 3, 14)),
        birth_year: year,
        nationalities: vec!["SN".into(), "CI".into()],
        languages: vec!["wolof".into(), "français".into()],
        phone: PhoneNumber::parse("06 12 34 56 78").ok(),
        whatsapp: PhoneNumber::parse("+221 77 123 45 67").ok(),
        email: EmailAddress::parse("fatou@example.org").ok(),
        city: Some("Salé".into()),
        region: Some(Region::RabatSaleKenitra),
        household_size_morocco: Some(3),
        household_size_origin: Some(5),
        education_level: None,
        previous_occupation: Some("couturière".into()),
        skills: Some("couture, vente".into()),
        regularisation_year: Some(2017),
    }
}

fn card(number: &str) -> identity_documents::NewDocument {
    identity_documents::NewDocument {
        doc_type: DocumentType::ResidenceCard,
        number: number.to_owned(),
        issued_on: NaiveDate::from_ymd_opt(2024, 1, 10),
        expires_on: NaiveDate::from_ymd_opt(2026, 12, 20),
    }
}

fn consent() -> consents::NewConsent {
    consents::NewConsent {
        purpose: ConsentPurpose::CaseManagement,
        partner_tenant_id: None,
        service_ref: None,
        channel: ConsentChannel::OralWitnessed,
        language: Language::Fr,
        given_on: NaiveDate::from_ymd_opt(2026, 1, 5).expect("date"),
        expires_on: None,
        witness: Some("Awa Ndiaye".into()),
    }
}

/// Name, contact and birth columns of a row, read straight from the table.
type NamesAndContact = (
    String,
    String,
    Option<String>,
    String,
    Option<NaiveDate>,
    Option<i32>,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// Household, education, occupation, skills, regularisation and erasure columns.
type Situation = (
    Option<i32>,
    Option<i32>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<i32>,
    Option<chrono::NaiveDateTime>,
);

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("date")
}

backend_tests! {
    fn another_tenant_never_sees_people_documents_or_consents(db: &TestDb) {
        let mut conn = db.conn();
        let a = tenant(&mut conn, "A");
        let b = tenant(&mut conn, "B");
        let p = beneficiaries::create(&mut conn, &a, &person("Fatoumata", "Camara", Some(1990)), None, now()).expect("created");
        let doc = identity_documents::add(&mut conn, &a, p.id, &card("AB 123 456"), now()).expect("doc");
        let c = consents::record(&mut conn, &a, p.id, &consent(), None, now()).expect("consent");

        assert!(matches!(beneficiaries::find(&mut conn, &b, p.id), Err(PersistenceError::NotFound)));
        assert!(matches!(identity_documents::find(&mut conn, &b, p.id, doc.id), Err(PersistenceError::NotFound)));
        assert!(identity_documents::list_for(&mut conn, &b, p.id).expect("list").is_empty());
        assert!(consents::list_for(&mut conn, &b, p.id).expect("list").is_empty());
        assert!(matches!(consents::withdraw(&mut conn, &b, p.id, c.id, relais_domain::UserId::new(), day(2026, 2, 1)), Err(PersistenceError::NotFound)));
        assert!(matches!(identity_documents::remove(&mut conn, &b, p.id, doc.id), Err(PersistenceError::NotFound)));
        assert!(matches!(identity_documents::add(&mut conn, &b, p.id, &card("X1"), now()), Err(PersistenceError::NotFound)));
        assert!(matches!(consents::record(&mut conn, &b, p.id, &consent(), None, now()), Err(PersistenceError::NotFound)));
        assert!(matches!(beneficiaries::update(&mut conn, &b, p.id, 1, &person("X", "Y", None), now()), Err(PersistenceError::NotFound)));
        assert!(matches!(beneficiaries::erase(&mut conn, &b, p.id, relais_persistence::now()), Err(PersistenceError::NotFound)));

        let everything = ListQuery::default();
        assert!(beneficiaries::list(&mut conn, &b, &everything).expect("list").rows.is_empty());
        let search = ListQuery { name_tokens: names::query_tokens("fatou"), ..ListQuery::default() };
        assert_eq!(beneficiaries::list(&mut conn, &a, &search).expect("list").rows.len(), 1);
        assert!(beneficiaries::list(&mut conn, &b, &search).expect("list").rows.is_empty());
        let by_number = ListQuery { document_number: Some("AB123456".into()), ..ListQuery::default() };
        assert_eq!(beneficiaries::list(&mut conn, &a, &by_number).expect("list").rows.len(), 1);
        assert!(beneficiaries::list(&mut conn, &b, &by_number).expect("list").rows.is_empty());
        let probe = DuplicateProbe {
            name_key: names::name_key("Fatoumata", "Camara"),
            birth_year: Some(1990),
            document_keys: vec!["AB123456".into()],
            exclude_id: None,
        };
        assert_eq!(beneficiaries::duplicates(&mut conn, &a, &probe).expect("dups").len(), 1);
        assert!(beneficiaries::duplicates(&mut conn, &b, &probe).expect("dups").is_empty());
    }

    fn a_stale_version_is_a_conflict_and_writes_nothing(db: &TestDb) {
        let mut conn = db.conn();
        let a = tenant(&mut conn, "A");
        let p = beneficiaries::create(&mut conn, &a, &person("Awa", "Diop", Some(1985)), None, now()).expect("created");
        assert_eq!(p.version, 1);
        let mut first = person("Awa", "Diop", Some(1985));
        first.city = Some("Rabat".into());
        let (before, after) = beneficiaries::update(&mut conn, &a, p.id, 1, &first, now()).expect("first save");
        assert_eq!(after.version, 2);
        assert_eq!(beneficiaries::changed_fields(&before, &after), vec!["city"]);
        let mut second = person("Awa", "Diop", Some(1985));
        second.city = Some("Tanger".into());
        assert!(matches!(beneficiaries::update(&mut conn, &a, p.id, 1, &second, now()), Err(PersistenceError::Conflict(relais_domain::Conflict::StaleVersion))));
        let now = beneficiaries::find(&mut conn, &a, p.id).expect("found");
        assert_eq!(now.city.as_deref(), Some("Rabat"));
        assert_eq!(now.version, 2);
    }

    fn pages_are_stable_and_complete_in_both_orders(db: &TestDb) {
        let mut conn = db.conn();
        let a = tenant(&mut conn, "A");
        let givens = ["Awa", "Binta", "Coumba", "Dieynaba", "Fanta", "Hawa", "Kadiatou", "Mariama", "Ndeye", "Oumou", "Rokia"];
        let mut created = Vec::new();
        for i in 0..120 {
            let p = beneficiaries::create(&mut conn, &a, &person(givens[i % givens.len()], &format!("Famille{i:03}"), None), None, now()).expect("created");
            created.push(p.id);
        }
        for sort in [Sort::Name, Sort::Newest] {
            let mut seen: Vec<relais_domain::BeneficiaryId> = Vec::new();
            let mut query = ListQuery { sort, ..ListQuery::default() };
            let mut pages = 0;
            loop {
                let page = beneficiaries::list(&mut conn, &a, &query).expect("page");
                assert!(page.rows.len() as i64 <= beneficiaries::PAGE_SIZE);
                seen.extend(page.rows.iter().map(|r| r.id));
                pages += 1;
                // A person registered meanwhile does not shift the pages already seen.
                if pages == 1 {
                    beneficiaries::create(&mut conn, &a, &person("Zeinab", "Late", None), None, now()).expect("created");
                }
                match page.next {
                    Some(next) => query.after = Some(next),
                    None => break,
                }
            }
            let mut unique = seen.clone();
            unique.sort();
            unique.dedup();
            assert_eq!(unique.len(), seen.len(), "no row twice ({sort:?})");
            assert!(created.iter().all(|id| seen.contains(id)), "every row once ({sort:?})");
            assert_eq!(pages, 3);
        }
        let region = ListQuery { region: Some(Region::Oriental), ..ListQuery::default() };
        assert!(beneficiaries::list(&mut conn, &a, &region).expect("list").rows.is_empty());
        let nationality = ListQuery { nationality: Some("CI".into()), ..ListQuery::default() };
        assert_eq!(beneficiaries::list(&mut conn, &a, &nationality).expect("list").rows.len(), 50);
    }

    fn duplicates_are_found_across_order_spelling_and_documents(db: &TestDb) {
        let mut conn = db.conn();
        let a = tenant(&mut conn, "A");
        let swapped = beneficiaries::create(&mut conn, &a, &person("CAMARA", "Fatoumata", Some(1990)), None, now()).expect("created");
        let kamara = beneficiaries::create(&mut conn, &a, &person("Fatoumata", "Kamara", None), None, now()).expect("created");
        let binta = beneficiaries::create(&mut conn, &a, &person("Fatoumata Binta", "Camara", Some(1990)), None, now()).expect("created");
        let other = beneficiaries::create(&mut conn, &a, &person("Moussa", "Traoré", Some(1990)), None, now()).expect("created");
        identity_documents::add(&mut conn, &a, other.id, &card("ab-123-456"), now()).expect("doc");

        let probe = DuplicateProbe { name_key: names::name_key("Fatoumata", "Camara"), birth_year: Some(1990), ..DuplicateProbe::default() };
        let found = beneficiaries::duplicates(&mut conn, &a, &probe).expect("dups");
        let ids: Vec<relais_domain::BeneficiaryId> = found.iter().map(|c| c.beneficiary.id).collect();
        assert!(ids.contains(&swapped.id) && ids.contains(&kamara.id) && ids.contains(&binta.id));
        assert!(!ids.contains(&other.id));
        assert_eq!(found[0].beneficiary.id, swapped.id, "same name and birth year ranks first");
        let binta_reasons = &found.iter().find(|c| c.beneficiary.id == binta.id).expect("binta").reasons;
        assert_eq!(binta_reasons, &vec![DuplicateReason::SimilarNameSameBirthYear]);

        let by_document = DuplicateProbe { name_key: names::name_key("Musa", "Someone"), document_keys: vec!["AB123456".into()], ..DuplicateProbe::default() };
        let found = beneficiaries::duplicates(&mut conn, &a, &by_document).expect("dups");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].reasons, vec![DuplicateReason::SameDocument]);
        let excluded = DuplicateProbe { exclude_id: Some(other.id), ..by_document };
        assert!(beneficiaries::duplicates(&mut conn, &a, &excluded).expect("dups").is_empty());
    }

    fn documents_are_filtered_by_expiry_and_keys_refuse_other_tenants(db: &TestDb) {
        let mut conn = db.conn();
        let a = tenant(&mut conn, "A");
        let b = tenant(&mut conn, "B");
        let p = beneficiaries::create(&mut conn, &a, &person("Awa", "Diop", None), None, now()).expect("created");
        let doc = identity_documents::add(&mut conn, &a, p.id, &card("x 1"), now()).expect("doc");
        assert_eq!(doc.number_key, "X1");
        let soon = ListQuery { expiring_within_days: Some(60), today: Some(day(2026, 11, 1)), ..ListQuery::default() };
        assert_eq!(beneficiaries::list(&mut conn, &a, &soon).expect("list").rows.len(), 1);
        let later = ListQuery { expiring_within_days: Some(10), today: Some(day(2026, 11, 1)), ..ListQuery::default() };
        assert!(beneficiaries::list(&mut conn, &a, &later).expect("list").rows.is_empty());

        // The database itself refuses a document of tenant B pointing to A's person.
        let refused = identity_documents::insert_unchecked(&mut conn, &b, p.id, &card("Y2"), now());
        assert!(refused.is_err(), "foreign key (tenant_id, beneficiary_id) must refuse it");
        assert_eq!(identity_documents::remove(&mut conn, &a, p.id, doc.id).expect("removed").id, doc.id);
        assert!(identity_documents::list_for(&mut conn, &a, p.id).expect("list").is_empty());
    }

    fn consents_are_valid_until_withdrawn_and_withdrawal_is_an_event(db: &TestDb) {
        let mut conn = db.conn();
        let a = tenant(&mut conn, "A");
        let partner = tenant(&mut conn, "Partner");
        let p = beneficiaries::create(&mut conn, &a, &person("Awa", "Diop", None), None, now()).expect("created");
        let partner_id = partner.tenant_id();
        let referral = consents::NewConsent {
            purpose: ConsentPurpose::Referral,
            partner_tenant_id: Some(partner_id),
            channel: ConsentChannel::Written,
            expires_on: Some(day(2026, 12, 31)),
            ..consent()
        };
        let email = EmailAddress::parse("worker@example.org").expect("valid");
        let worker = relais_persistence::models::users::create(
            &mut conn,
            &relais_persistence::models::users::NewUser { email: &email, display_name: "W", password_hash: None, preferred_language: None },
            relais_persistence::now(),
        )
        .expect("user");
        let worker_id: relais_domain::UserId = worker.id.parse().expect("a user id");
        let c = consents::record(&mut conn, &a, p.id, &referral, Some(worker_id), now()).expect("recorded");
        let valid = |conn: &mut DbConnection, partner: Option<relais_domain::TenantId>, on: NaiveDate| {
            consents::is_valid_for(conn, &a, p.id, ConsentPurpose::Referral, partner, on).expect("query")
        };
        assert!(valid(&mut conn, Some(partner_id), day(2026, 6, 1)));
        assert!(!valid(&mut conn, Some(relais_domain::TenantId::new()), day(2026, 6, 1)), "only the named partner");
        assert!(!valid(&mut conn, Some(partner_id), day(2025, 6, 1)), "not before it was given");
        assert!(!valid(&mut conn, Some(partner_id), day(2027, 1, 1)), "not after it lapsed");
        let event = consents::withdraw(&mut conn, &a, p.id, c.id, worker_id, day(2026, 7, 1)).expect("withdrawn");
        assert_eq!(event.purpose, ConsentPurpose::Referral);
        assert_eq!(event.partner_tenant_id, Some(partner_id));
        assert_eq!(event.consent_id, c.id);
        assert!(valid(&mut conn, Some(partner_id), day(2026, 6, 30)));
        assert!(!valid(&mut conn, Some(partner_id), day(2026, 7, 1)));
        assert!(matches!(consents::withdraw(&mut conn, &a, p.id, c.id, worker_id, day(2026, 7, 2)), Err(PersistenceError::Conflict(relais_domain::Conflict::AlreadyWithdrawn))));
    }

    fn erasure_leaves_no_personal_field_and_waits_for_open_cases(db: &TestDb) {
        let mut conn = db.conn();
        let a = tenant(&mut conn, "A");
        let p = beneficiaries::create(&mut conn, &a, &person("Fatoumata", "Camara", Some(1992)), None, now()).expect("created");
        identity_documents::add(&mut conn, &a, p.id, &card("AB123456"), now()).expect("doc");
        consents::record(&mut conn, &a, p.id, &consent(), None, now()).expect("consent");
        let tenant_key = a.tenant_id().to_string();
        let (case_1, note_1) = (relais_domain::CaseId::new().to_string(), relais_domain::NoteId::new().to_string());
        diesel::insert_into(schema::cases::table)
            .values((
                schema::cases::tenant_id.eq(&tenant_key),
                schema::cases::id.eq(&case_1),
                schema::cases::beneficiary_id.eq(p.id.to_string()),
                schema::cases::reference.eq("C-2026-00001"),
                schema::cases::pathway.eq("auto_entrepreneur"),
                schema::cases::status.eq("open"),
                schema::cases::intake_date.eq(day(2026, 1, 5)),
                schema::cases::created_at.eq(relais_persistence::now()),
                schema::cases::updated_at.eq(relais_persistence::now()),
            ))
            .execute(&mut conn)
            .expect("case");
        assert_eq!(beneficiaries::cases_of(&mut conn, &a, p.id).expect("cases").len(), 1);
        let refused = beneficiaries::erase(&mut conn, &a, p.id, relais_persistence::now());
        assert!(matches!(refused, Err(PersistenceError::Conflict(relais_domain::Conflict::OpenCases))));
        assert_eq!(beneficiaries::find(&mut conn, &a, p.id).expect("found").given_names, "Fatoumata");

        diesel::insert_into(schema::case_notes::table)
            .values((
                schema::case_notes::tenant_id.eq(&tenant_key),
                schema::case_notes::id.eq(&note_1),
                schema::case_notes::case_id.eq(&case_1),
                schema::case_notes::visibility.eq("confidential"),
                schema::case_notes::body.eq("Fatoumata vit chez sa soeur à Salé"),
                schema::case_notes::created_at.eq(relais_persistence::now()),
            ))
            .execute(&mut conn)
            .expect("note");
        diesel::update(schema::cases::table.filter(schema::cases::id.eq(&case_1)))
            .set((schema::cases::status.eq("closed"), schema::cases::goals.eq("Ouvrir un atelier de couture à Salé")))
            .execute(&mut conn)
            .expect("closed");
        let erasure = beneficiaries::erase(&mut conn, &a, p.id, relais_persistence::now()).expect("erased");
        assert_eq!((erasure.documents, erasure.consents), (1, 1));
        // What was written about her in the case goes too; the case stays, for the counts.
        let note: String = schema::case_notes::table
            .filter(schema::case_notes::id.eq(&note_1))
            .select(schema::case_notes::body)
            .first(&mut conn)
            .expect("note row");
        assert!(!note.contains("Fatoumata") && !note.contains("Salé"), "{note}");
        let goals: Option<String> =
            schema::cases::table.filter(schema::cases::id.eq(&case_1)).select(schema::cases::goals).first(&mut conn).expect("case row");
        assert_eq!(goals, None);

        // Read the rows back from the database, not through the model.
        let row: NamesAndContact =
            schema::beneficiaries::table
                .filter(schema::beneficiaries::id.eq(p.id.to_string()))
                .select((
                    schema::beneficiaries::given_names,
                    schema::beneficiaries::family_names,
                    schema::beneficiaries::arabic_name,
                    schema::beneficiaries::name_key,
                    schema::beneficiaries::birth_date,
                    schema::beneficiaries::birth_year,
                    schema::beneficiaries::languages,
                    schema::beneficiaries::phone,
                    schema::beneficiaries::whatsapp,
                    schema::beneficiaries::email,
                    schema::beneficiaries::city,
                ))
                .first(&mut conn)
                .expect("row");
        assert_eq!(row, (
            beneficiaries::ERASED_PLACEHOLDER.to_owned(), beneficiaries::ERASED_PLACEHOLDER.to_owned(), None, String::new(),
            None, Some(1990), String::new(), None, None, None, None,
        ));
        let rest: Situation =
            schema::beneficiaries::table
                .filter(schema::beneficiaries::id.eq(p.id.to_string()))
                .select((
                    schema::beneficiaries::household_size_morocco,
                    schema::beneficiaries::household_size_origin,
                    schema::beneficiaries::education_level,
                    schema::beneficiaries::previous_occupation,
                    schema::beneficiaries::skills,
                    schema::beneficiaries::regularisation_year,
                    schema::beneficiaries::erased_at,
                ))
                .first(&mut conn)
                .expect("row");
        assert_eq!((rest.0, rest.1, rest.2, rest.3, rest.4, rest.5), (None, None, None, None, None, None));
        assert!(rest.6.is_some(), "erased_at is set");
        let docs: Vec<(String, String, Option<NaiveDate>, Option<NaiveDate>)> = schema::identity_documents::table
            .filter(schema::identity_documents::beneficiary_id.eq(p.id.to_string()))
            .select((schema::identity_documents::number, schema::identity_documents::number_key, schema::identity_documents::issued_on, schema::identity_documents::expires_on))
            .load(&mut conn)
            .expect("docs");
        assert_eq!(docs, vec![(beneficiaries::ERASED_PLACEHOLDER.to_owned(), String::new(), None, None)]);
        let witnesses: Vec<Option<String>> = schema::consents::table
            .filter(schema::consents::beneficiary_id.eq(p.id.to_string()))
            .select(schema::consents::witness)
            .load(&mut conn)
            .expect("consents");
        assert_eq!(witnesses, vec![None]);

        // Gone from lists, search and the duplicate check; erasure is once only.
        assert!(beneficiaries::list(&mut conn, &a, &ListQuery::default()).expect("list").rows.is_empty());
        let probe = DuplicateProbe { name_key: names::name_key("Fatoumata", "Camara"), birth_year: Some(1992), document_keys: vec!["AB123456".into()], exclude_id: None };
        assert!(beneficiaries::duplicates(&mut conn, &a, &probe).expect("dups").is_empty());
        assert!(matches!(beneficiaries::erase(&mut conn, &a, p.id, relais_persistence::now()), Err(PersistenceError::Conflict(relais_domain::Conflict::Erased))));
        assert!(matches!(beneficiaries::update(&mut conn, &a, p.id, 2, &person("A", "B", None), now()), Err(PersistenceError::Conflict(relais_domain::Conflict::Erased))));
    }

    fn audit_details_show_coded_changes_and_mask_identifying_ones(db: &TestDb) {
        let mut conn = db.conn();
        let a = tenant(&mut conn, "A");
        let p = beneficiaries::create(&mut conn, &a, &person("Fatoumata", "Camara", Some(1992)), None, now()).expect("created");
        let mut changed = person("Fatoumata", "Camara", Some(1992));
        changed.phone = PhoneNumber::parse("+212 6 99 88 77 66").ok();
        changed.region = Some(Region::TangerTetouanAlHoceima);
        let (before, after) = beneficiaries::update(&mut conn, &a, p.id, p.version, &changed, now()).expect("updated");
        let details = beneficiaries::change_details(&before, &after);
        assert_eq!(details["region"]["from"], "rabat_sale_kenitra");
        assert_eq!(details["region"]["to"], "tanger_tetouan_al_hoceima");
        assert_eq!(details["phone"]["to"], "***");
        let text = details.to_string();
        assert!(!text.contains("699887766") && !text.contains("612345678"), "{text}");
        assert!(details.get("given_names").is_none(), "unchanged fields are not listed");
    }
}
