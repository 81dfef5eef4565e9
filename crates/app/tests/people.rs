//! The people commands on both backends, below HTTP: for each command its
//! audit row (typed action, actor, target, time from the application clock,
//! no personal value in the details), its permission refusal, its
//! validation or typed conflict, and that nothing is written when it fails.

use std::sync::Arc;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use relais_app::people::{self, ExportFormat, Registered, Registration};
use relais_app::{Actor, App, AppError, AppSettings, Member, Permissions};
use relais_domain::beneficiary::{ConsentChannel, ConsentPurpose, DocumentType, Sex};
use relais_domain::phone::PhoneNumber;
use relais_domain::{
    ActorKind, AuditAction, BeneficiaryId, Conflict, ConsentId, DocumentId, EmailAddress, Language, Region, TenantId,
    TenantRole, UserId,
};
use relais_persistence::TenantScope;
use relais_persistence::models::audit::{self, AuditEvent};
use relais_persistence::models::beneficiaries::{self, BeneficiaryFields, ListQuery};
use relais_persistence::models::consents;
use relais_persistence::models::consents::NewConsent;
use relais_persistence::models::identity_documents::{self, NewDocument};
use relais_test_support::{TestDb, backend_tests_async, fixtures};

const CARD: &str = "AB 123 456";
const PHONE: &str = "+212612345678";

/// The time the application clock shows in these tests.
fn clock_time() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 3, 2).and_then(|d| d.and_hms_opt(9, 30, 0)).expect("a time")
}

struct World {
    db: TestDb,
    app: App,
    tenant: TenantScope,
    partner: TenantId,
    admin: Actor,
    worker: Actor,
    volunteer: Actor,
    viewer: Actor,
    /// A caseworker of another tenant.
    stranger: Actor,
}

fn permissions(role: TenantRole) -> Permissions {
    Permissions::of_role(role.as_str())
}

fn actor(conn: &mut relais_persistence::DbConnection, scope: &TenantScope, email: &str, role: TenantRole) -> Actor {
    let user_id: UserId = fixtures::member(conn, scope, email, role).parse().expect("a user id");
    Actor::member(Member { user_id, scope: *scope, role, permissions: permissions(role) }, "req-1")
}

fn world(db: TestDb) -> World {
    let mut app = App::new(db.db.clone(), AppSettings { public_url: "https://relais.test".into() });
    app.set_clock(Arc::new(clock_time));
    let mut conn = db.conn();
    let tenant = fixtures::tenant(&mut conn, "Association Espoir");
    let partner = fixtures::tenant(&mut conn, "Incubateur Ribat");
    let admin = actor(&mut conn, &tenant, "admin@espoir.org", TenantRole::TenantAdmin);
    let worker = actor(&mut conn, &tenant, "worker@espoir.org", TenantRole::Caseworker);
    let volunteer = actor(&mut conn, &tenant, "volunteer@espoir.org", TenantRole::Volunteer);
    let viewer = actor(&mut conn, &tenant, "viewer@espoir.org", TenantRole::Viewer);
    let stranger = actor(&mut conn, &partner, "worker@ribat.org", TenantRole::Caseworker);
    drop(conn);
    World { app, tenant, partner: partner.tenant_id(), admin, worker, volunteer, viewer, stranger, db }
}

fn fields(given: &str, family: &str) -> BeneficiaryFields {
    BeneficiaryFields {
        given_names: given.into(),
        family_names: family.into(),
        arabic_name: None,
        sex: Sex::Female,
        birth_date: NaiveDate::from_ymd_opt(1990, 3, 14),
        birth_year: Some(1990),
        nationalities: vec!["SN".into()],
        languages: vec!["wolof".into()],
        phone: PhoneNumber::parse(PHONE).ok(),
        whatsapp: None,
        email: EmailAddress::parse("fatou@example.org").ok(),
        city: Some("Salé".into()),
        region: Some(Region::RabatSaleKenitra),
        household_size_morocco: Some(3),
        household_size_origin: None,
        education_level: None,
        previous_occupation: None,
        skills: None,
        regularisation_year: None,
    }
}

fn card() -> NewDocument {
    NewDocument {
        doc_type: DocumentType::ResidenceCard,
        number: CARD.into(),
        issued_on: NaiveDate::from_ymd_opt(2024, 1, 10),
        expires_on: NaiveDate::from_ymd_opt(2027, 1, 10),
    }
}

fn consent(partner: Option<TenantId>) -> NewConsent {
    NewConsent {
        purpose: if partner.is_some() { ConsentPurpose::Referral } else { ConsentPurpose::CaseManagement },
        partner_tenant_id: partner,
        service_ref: None,
        channel: ConsentChannel::OralWitnessed,
        language: Language::Fr,
        given_on: NaiveDate::from_ymd_opt(2026, 3, 1).expect("a date"),
        expires_on: None,
        witness: Some("Awa Ndiaye".into()),
    }
}

fn registration(given: &str, family: &str) -> Registration {
    Registration { person: fields(given, family), document: None, consent: None, create_anyway: false }
}

/// The tenant's audit rows, oldest first.
fn audit_rows(w: &World) -> Vec<AuditEvent> {
    let mut rows = audit::list_for_tenant(&mut w.db.conn(), &w.tenant, 500).expect("audit");
    rows.reverse();
    rows
}

fn people_count(w: &World) -> usize {
    use relais_persistence::schema::beneficiaries;
    let n: i64 = beneficiaries::table.count().get_result(&mut w.db.conn()).expect("count");
    n as usize
}

/// Checks one audit row: action, actor, target, the application clock, and
/// that none of `personal` appears in its details.
fn assert_row(row: &AuditEvent, action: AuditAction, by: &Actor, target: BeneficiaryId, personal: &[&str]) {
    assert_eq!(row.action, action);
    assert_eq!(row.actor_user_id, by.user_id());
    assert_eq!(row.actor_kind, Some(ActorKind::User));
    assert_eq!(row.target_id.as_deref(), Some(target.to_string().as_str()));
    assert_eq!(row.occurred_at, clock_time(), "stamped with the application clock");
    assert_eq!(row.request_id.as_deref(), Some("req-1"));
    for value in personal {
        assert!(!row.details.contains(value), "{action}: {value} in {}", row.details);
    }
}

const PERSONAL: &[&str] = &["Fatoumata", "Camara", "612345678", "fatou@", "Salé", "AB 123", "AB123", "Awa Ndiaye"];

async fn registered(w: &World, by: &Actor, r: Registration) -> BeneficiaryId {
    match people::register_person(&w.app, by, r).await.expect("registered") {
        Registered::Created(id) => id,
        Registered::PossibleDuplicates(c) => panic!("unexpected candidates: {}", c.len()),
    }
}

/// Fatoumata Camara, registered by the caseworker with a card and a consent.
async fn fatoumata(w: &World) -> BeneficiaryId {
    let r =
        Registration { document: Some(card()), consent: Some(consent(None)), ..registration("Fatoumata", "Camara") };
    registered(w, &w.worker, r).await
}

fn open_case(w: &World, person: BeneficiaryId, status: &str) -> String {
    use relais_persistence::schema::cases;
    let id = relais_domain::CaseId::new().to_string();
    diesel::insert_into(cases::table)
        .values((
            cases::tenant_id.eq(w.tenant.tenant_id().to_string()),
            cases::id.eq(&id),
            cases::beneficiary_id.eq(person.to_string()),
            cases::reference.eq(format!("C-{id}")),
            cases::pathway.eq("auto_entrepreneur"),
            cases::status.eq(status),
            cases::intake_date.eq(clock_time().date()),
            cases::created_at.eq(clock_time()),
            cases::updated_at.eq(clock_time()),
        ))
        .execute(&mut w.db.conn())
        .expect("a case");
    id
}

fn is_forbidden<T>(r: Result<T, AppError>) -> bool {
    matches!(r, Err(AppError::Forbidden))
}

backend_tests_async! {
    async fn registration_is_audited_with_its_document_and_consent(db: TestDb) {
        let w = world(db);
        let id = fatoumata(&w).await;
        let rows = audit_rows(&w);
        let actions: Vec<AuditAction> = rows.iter().map(|r| r.action).collect();
        assert_eq!(actions, vec![AuditAction::BeneficiaryCreated, AuditAction::DocumentAdded, AuditAction::ConsentRecorded]);
        for row in &rows {
            assert_row(row, row.action, &w.worker, id, PERSONAL);
        }
        let doc: serde_json::Value = serde_json::from_str(&rows[1].details).expect("json");
        assert_eq!(doc["doc_type"], "residence_card");
        let recorded: serde_json::Value = serde_json::from_str(&rows[2].details).expect("json");
        assert_eq!((recorded["purpose"].as_str(), recorded["channel"].as_str()), (Some("case_management"), Some("oral_witnessed")));
        let mut conn = w.db.conn();
        let person = beneficiaries::find(&mut conn, &w.tenant, id).expect("stored");
        assert_eq!((person.created_at, person.created_by), (clock_time(), w.worker.user_id()));
        assert_eq!(identity_documents::list_for(&mut conn, &w.tenant, id).expect("docs")[0].created_at, clock_time());
        assert_eq!(consents::list_for(&mut conn, &w.tenant, id).expect("consents")[0].recorded_by, w.worker.user_id());
    }

    async fn a_possible_duplicate_writes_nothing_until_created_anyway(db: TestDb) {
        let w = world(db);
        let first = fatoumata(&w).await;
        let before = audit_rows(&w).len();
        let again = people::register_person(&w.app, &w.worker, registration("CAMARA", "Fatoumata")).await.expect("checked");
        let Registered::PossibleDuplicates(candidates) = again else { panic!("the duplicate check must catch it") };
        assert_eq!(candidates[0].beneficiary.id, first);
        assert_eq!((people_count(&w), audit_rows(&w).len()), (1, before), "nothing written");

        let anyway = Registration { create_anyway: true, ..registration("CAMARA", "Fatoumata") };
        let second = registered(&w, &w.worker, anyway).await;
        let rows = audit_rows(&w);
        let row = rows.last().expect("a row");
        assert_row(row, AuditAction::BeneficiaryCreatedDespiteDuplicates, &w.worker, second, PERSONAL);
        let details: serde_json::Value = serde_json::from_str(&row.details).expect("json");
        assert_eq!(details["candidates"], serde_json::json!([first.to_string()]));
    }

    async fn registration_permissions_follow_the_policy(db: TestDb) {
        let w = world(db);
        // Volunteers register people, with a consent, never with a document.
        let with_consent = Registration { consent: Some(consent(None)), ..registration("Moussa", "Traoré") };
        registered(&w, &w.volunteer, with_consent).await;
        let with_card = Registration { document: Some(card()), ..registration("Awa", "Diop") };
        assert!(is_forbidden(people::register_person(&w.app, &w.volunteer, with_card).await));
        assert!(is_forbidden(people::register_person(&w.app, &w.viewer, registration("Awa", "Diop")).await));
        assert_eq!(people_count(&w), 1, "nothing written by a refused registration");
        assert_eq!(audit_rows(&w).len(), 2);
    }

    async fn a_consent_naming_an_unknown_partner_refuses_the_whole_registration(db: TestDb) {
        let w = world(db);
        let r = Registration { consent: Some(consent(Some(TenantId::new()))), ..registration("Awa", "Diop") };
        match people::register_person(&w.app, &w.worker, r).await {
            Err(AppError::Validation(errors)) => assert_eq!(errors.get("consent_partner"), Some("error-choose")),
            other => panic!("expected a validation error, got {other:?}"),
        }
        assert_eq!((people_count(&w), audit_rows(&w).len()), (0, 0), "the person is not written either");
        let r = Registration { consent: Some(consent(Some(w.partner))), ..registration("Awa", "Diop") };
        registered(&w, &w.worker, r).await;
    }

    async fn an_update_is_version_checked_and_audits_coded_changes_only(db: TestDb) {
        let w = world(db);
        let id = fatoumata(&w).await;
        let mut changed = fields("Fatoumata", "Camara");
        changed.region = Some(Region::Oriental);
        changed.phone = PhoneNumber::parse("+212699887766").ok();
        let version = people::update_person(&w.app, &w.worker, id, 1, changed.clone()).await.expect("saved");
        assert_eq!(version, 2);
        let row = audit_rows(&w).pop().expect("a row");
        assert_row(&row, AuditAction::BeneficiaryUpdated, &w.worker, id, &["699887766", "612345678"]);
        let details: serde_json::Value = serde_json::from_str(&row.details).expect("json");
        assert_eq!(details["changed"]["region"], serde_json::json!({ "from": "rabat_sale_kenitra", "to": "oriental" }));
        assert_eq!(details["changed"]["phone"]["to"], "***");
        assert_eq!(details["version"], 2);

        let before = audit_rows(&w).len();
        let stale = people::update_person(&w.app, &w.admin, id, 1, fields("Fatoumata", "Kamara")).await;
        assert!(matches!(stale, Err(AppError::Conflict(Conflict::StaleVersion))), "{stale:?}");
        assert!(is_forbidden(people::update_person(&w.app, &w.volunteer, id, 2, fields("A", "B")).await));
        assert!(matches!(people::update_person(&w.app, &w.stranger, id, 2, fields("A", "B")).await, Err(AppError::NotFound)));
        let stored = beneficiaries::find(&mut w.db.conn(), &w.tenant, id).expect("stored");
        assert_eq!((stored.family_names.as_str(), stored.version, stored.updated_at), ("Camara", 2, clock_time()));
        assert_eq!(audit_rows(&w).len(), before, "nothing written by a refused update");
    }

    async fn the_persons_page_shows_each_role_its_sections_and_is_audited(db: TestDb) {
        let w = world(db);
        let id = fatoumata(&w).await;
        let case = open_case(&w, id, "open");
        let worker = people::view_person(&w.app, &w.worker, id).await.expect("viewed");
        assert!(worker.full_profile && worker.events.is_none());
        assert_eq!(worker.documents.as_ref().map(Vec::len), Some(1));
        assert_eq!(worker.cases.as_ref().map(|c| c[0].id.to_string()), Some(case));
        assert_eq!(worker.user_names.get(&w.worker.user_id().expect("a user")).map(String::as_str), Some("Test user"));
        assert_eq!(worker.partners.iter().map(|p| p.id).collect::<Vec<_>>(), vec![w.partner]);
        let row = audit_rows(&w).pop().expect("a row");
        assert_row(&row, AuditAction::BeneficiaryViewed, &w.worker, id, PERSONAL);
        assert_eq!(row.details, r#"{"documents_shown":true}"#);

        let volunteer = people::view_person(&w.app, &w.volunteer, id).await.expect("viewed");
        assert!(!volunteer.full_profile && volunteer.documents.is_none() && volunteer.cases.is_none() && volunteer.events.is_none());
        assert_eq!(audit_rows(&w).pop().expect("a row").details, r#"{"documents_shown":false}"#);
        let admin = people::view_person(&w.app, &w.admin, id).await.expect("viewed");
        assert!(admin.events.is_some_and(|e| e.iter().any(|e| e.action == AuditAction::BeneficiaryCreated)));

        let before = audit_rows(&w).len();
        assert!(is_forbidden(people::view_person(&w.app, &w.viewer, id).await));
        assert!(matches!(people::view_person(&w.app, &w.stranger, id).await, Err(AppError::NotFound)));
        assert!(matches!(people::view_person(&w.app, &w.worker, BeneficiaryId::new()).await, Err(AppError::NotFound)));
        assert_eq!(audit_rows(&w).len(), before, "a refused view is not audited");
    }

    async fn the_edit_form_is_an_audited_view_refused_for_erased_records(db: TestDb) {
        let w = world(db);
        let id = fatoumata(&w).await;
        let record = people::view_person_for_edit(&w.app, &w.worker, id).await.expect("the form");
        assert_eq!(record.version, 1);
        let row = audit_rows(&w).pop().expect("a row");
        assert_row(&row, AuditAction::BeneficiaryViewed, &w.worker, id, PERSONAL);
        assert_eq!(row.details, r#"{"page":"edit"}"#);
        assert!(is_forbidden(people::view_person_for_edit(&w.app, &w.volunteer, id).await));
        people::erase_person(&w.app, &w.admin, id, true).await.expect("erased");
        let before = audit_rows(&w).len();
        assert!(matches!(people::view_person_for_edit(&w.app, &w.worker, id).await, Err(AppError::Conflict(Conflict::Erased))));
        assert_eq!(audit_rows(&w).len(), before);
    }

    async fn documents_are_added_and_removed_by_those_who_manage_them(db: TestDb) {
        let w = world(db);
        let id = registered(&w, &w.worker, registration("Fatoumata", "Camara")).await;
        let doc = people::add_document(&w.app, &w.worker, id, card()).await.expect("added");
        let row = audit_rows(&w).pop().expect("a row");
        assert_row(&row, AuditAction::DocumentAdded, &w.worker, id, PERSONAL);
        assert!(row.details.contains(&doc.to_string()));
        assert!(is_forbidden(people::add_document(&w.app, &w.volunteer, id, card()).await));
        assert!(is_forbidden(people::remove_document(&w.app, &w.volunteer, id, doc).await));
        assert!(matches!(people::remove_document(&w.app, &w.worker, id, DocumentId::new()).await, Err(AppError::NotFound)));
        assert!(matches!(people::remove_document(&w.app, &w.stranger, id, doc).await, Err(AppError::NotFound)));
        people::remove_document(&w.app, &w.worker, id, doc).await.expect("removed");
        let row = audit_rows(&w).pop().expect("a row");
        assert_row(&row, AuditAction::DocumentRemoved, &w.worker, id, PERSONAL);
        assert!(row.details.contains("residence_card"));
        assert_eq!(audit_rows(&w).len(), 3, "created, added, removed: nothing for the refusals");
        people::erase_person(&w.app, &w.admin, id, true).await.expect("erased");
        assert!(matches!(people::add_document(&w.app, &w.worker, id, card()).await, Err(AppError::Conflict(Conflict::Erased))));
        assert!(identity_documents::list_for(&mut w.db.conn(), &w.tenant, id).expect("docs").is_empty());
    }

    async fn consents_are_recorded_by_volunteers_and_withdrawn_once(db: TestDb) {
        let w = world(db);
        let id = registered(&w, &w.worker, registration("Fatoumata", "Camara")).await;
        let c = people::record_consent(&w.app, &w.volunteer, id, consent(Some(w.partner))).await.expect("recorded");
        let row = audit_rows(&w).pop().expect("a row");
        assert_row(&row, AuditAction::ConsentRecorded, &w.volunteer, id, PERSONAL);
        let details: serde_json::Value = serde_json::from_str(&row.details).expect("json");
        assert_eq!(details["consent_id"], c.to_string());
        assert_eq!(details["partner_tenant_id"], w.partner.to_string());
        assert!(is_forbidden(people::record_consent(&w.app, &w.viewer, id, consent(None)).await));
        let unknown = people::record_consent(&w.app, &w.worker, id, consent(Some(TenantId::new()))).await;
        assert!(matches!(unknown, Err(AppError::Validation(_))), "{unknown:?}");
        assert_eq!(audit_rows(&w).len(), 2);

        people::withdraw_consent(&w.app, &w.worker, id, c).await.expect("withdrawn");
        let row = audit_rows(&w).pop().expect("a row");
        assert_row(&row, AuditAction::ConsentWithdrawn, &w.worker, id, PERSONAL);
        let again = people::withdraw_consent(&w.app, &w.worker, id, c).await;
        assert!(matches!(again, Err(AppError::Conflict(Conflict::AlreadyWithdrawn))), "{again:?}");
        assert!(matches!(people::withdraw_consent(&w.app, &w.worker, id, ConsentId::new()).await, Err(AppError::NotFound)));
        assert_eq!(audit_rows(&w).len(), 3);
        let stored = consents::find(&mut w.db.conn(), &w.tenant, id, c).expect("stored");
        assert_eq!((stored.withdrawn_on, stored.withdrawn_by), (Some(clock_time().date()), w.worker.user_id()));
    }

    async fn an_export_is_audited_and_only_for_those_who_may_export(db: TestDb) {
        let w = world(db);
        let id = fatoumata(&w).await;
        open_case(&w, id, "closed");
        let export = people::export_person(&w.app, &w.admin, id, ExportFormat::Json).await.expect("exported");
        assert_eq!((export.exported_at.as_str(), export.tenant_id), ("2026-03-02T09:30:00Z", w.tenant.tenant_id()));
        assert_eq!((export.identity_documents.len(), export.consents.len(), export.cases.len()), (1, 1, 1));
        assert_eq!(export.identity_documents[0].number, CARD);
        let row = audit_rows(&w).pop().expect("a row");
        assert_row(&row, AuditAction::BeneficiaryExported, &w.admin, id, PERSONAL);
        assert_eq!(row.details, r#"{"cases":1,"consents":1,"documents":1,"format":"json"}"#);
        let before = audit_rows(&w).len();
        assert!(is_forbidden(people::export_person(&w.app, &w.worker, id, ExportFormat::Print).await));
        assert!(is_forbidden(people::export_person(&w.app, &w.volunteer, id, ExportFormat::Json).await));
        assert_eq!(audit_rows(&w).len(), before);
    }

    async fn erasure_needs_confirmation_and_closed_cases(db: TestDb) {
        let w = world(db);
        let id = fatoumata(&w).await;
        open_case(&w, id, "on_hold");
        let before = audit_rows(&w).len();
        match people::erase_person(&w.app, &w.admin, id, false).await {
            Err(AppError::Validation(errors)) => assert_eq!(errors.get("confirm"), Some("ben-error-erase-confirm")),
            other => panic!("expected a validation error, got {other:?}"),
        }
        let refused = people::erase_person(&w.app, &w.admin, id, true).await;
        assert!(matches!(refused, Err(AppError::Conflict(Conflict::OpenCases))), "{refused:?}");
        assert!(is_forbidden(people::erase_person(&w.app, &w.worker, id, true).await));
        assert_eq!(audit_rows(&w).len(), before, "nothing written");
        assert_eq!(beneficiaries::find(&mut w.db.conn(), &w.tenant, id).expect("kept").given_names, "Fatoumata");

        {
            use relais_persistence::schema::cases;
            diesel::update(cases::table).set(cases::status.eq("closed")).execute(&mut w.db.conn()).expect("closed");
        }
        let erasure = people::erase_person(&w.app, &w.admin, id, true).await.expect("erased");
        assert_eq!((erasure.documents, erasure.consents), (1, 1));
        let row = audit_rows(&w).pop().expect("a row");
        assert_row(&row, AuditAction::BeneficiaryErased, &w.admin, id, PERSONAL);
        assert_eq!(row.details, r#"{"consents":1,"documents":1}"#);
        let stored = beneficiaries::find(&mut w.db.conn(), &w.tenant, id).expect("the row stays");
        assert_eq!((stored.given_names.as_str(), stored.erased_at), (beneficiaries::ERASED_PLACEHOLDER, Some(clock_time())));
        let again = people::erase_person(&w.app, &w.admin, id, true).await;
        assert!(matches!(again, Err(AppError::Conflict(Conflict::Erased))), "{again:?}");
    }

    async fn the_list_hides_document_filters_from_volunteers(db: TestDb) {
        let w = world(db);
        fatoumata(&w).await;
        registered(&w, &w.worker, registration("Moussa", "Traoré")).await;
        let by_number = ListQuery { document_number: Some("AB123456".into()), ..ListQuery::default() };
        assert_eq!(people::list_people(&w.app, &w.worker, by_number.clone()).await.expect("list").rows.len(), 1);
        let volunteer = people::list_people(&w.app, &w.volunteer, by_number).await.expect("list");
        assert_eq!(volunteer.rows.len(), 2, "the number filter is dropped: it would tell who holds the document");
        assert!(is_forbidden(people::list_people(&w.app, &w.viewer, ListQuery::default()).await));
        assert!(people::list_people(&w.app, &w.stranger, ListQuery::default()).await.expect("list").rows.is_empty());
        assert_eq!(audit_rows(&w).len(), 4, "a list is a plain read: no audit row");
    }
}
