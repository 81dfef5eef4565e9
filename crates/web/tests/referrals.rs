//! Referrals through the real router on both backends: the issue's main
//! journey (association → incubator, accepted, "enterprise created", the
//! sender told at each step), what the receiver can and cannot reach,
//! revocation on consent withdrawal, the consent gate and its override,
//! a volunteer's draft reviewed by a caseworker, a closed intake, illegal
//! and repeated transitions, route access, the receiver's page in French
//! and Arabic, and the dashboard on its own tab (counts over all time,
//! medians over the last 90 days).

mod common;

use axum::http::StatusCode;
use chrono::Duration;
use common::{Client, PASSWORD, TestApp, stable};
use relais_domain::beneficiary::{ConsentChannel, ConsentPurpose, Sex};
use relais_domain::case_file::Pathway;
use relais_domain::directory::ServiceCategory;
use relais_domain::phone::PhoneNumber;
use relais_domain::{EmailAddress, Language, Region, TenantRole};
use relais_persistence::TenantScope;
use relais_persistence::models::beneficiaries::{self, BeneficiaryFields};
use relais_persistence::models::cases::{self, NewCase};
use relais_persistence::models::directory::{self, Owner, ServiceFields};
use relais_persistence::models::{audit, consents, referrals};
use relais_test_support::backend_tests_async;

const GIVEN: &str = "Aminata";
const FAMILY: &str = "Diallo";
const PHONE: &str = "0612345678";

struct World {
    association: TenantScope,
    incubator: TenantScope,
    a_email: String,
    b_email: String,
    admin_email: String,
    volunteer_email: String,
    viewer_email: String,
    person: String,
    case_id: String,
    service: String,
    closed_service: String,
    consent: Option<String>,
}

fn service(app: &TestApp, owner: &TenantScope, name: &str, intake_open: bool) -> String {
    let mut conn = app.db.conn();
    let fields = ServiceFields {
        name_fr: name.into(),
        name_ar: Some("ما قبل الاحتضان".into()),
        name_en: None,
        description_fr: "Accompagnement des porteurs de projet".into(),
        description_ar: None,
        description_en: None,
        category: Some(ServiceCategory::EntrepreneurshipTraining),
        eligibility: None,
        languages: vec![Language::Fr],
        regions: vec![Region::RabatSaleKenitra],
        cities: None,
        address: None,
        opening_hours: None,
        focal_point_email: Some(EmailAddress::parse("focal@incubator.example").expect("valid")),
        response_days: 5,
        intake_open,
        last_verified_on: None,
    };
    directory::create_service(&mut conn, Owner::Tenant(owner), &fields, relais_persistence::now())
        .expect("service")
        .id
        .to_string()
}

fn world(app: &TestApp, with_consent: bool) -> World {
    let association = app.tenant("Association Amal");
    let incubator = app.tenant("Incubateur Ribat");
    let (a_id, a_email) = app.member(&association, "a@association.example", TenantRole::Caseworker);
    let (_, b_email) = app.member(&incubator, "b@incubator.example", TenantRole::Caseworker);
    let (_, admin_email) = app.member(&association, "admin@association.example", TenantRole::TenantAdmin);
    let (_, volunteer_email) = app.member(&association, "v@association.example", TenantRole::Volunteer);
    let (_, viewer_email) = app.member(&association, "w@association.example", TenantRole::Viewer);
    let service_id = service(app, &incubator, "Pré-incubation", true);
    let closed_service = service(app, &incubator, "Incubation", false);
    let mut conn = app.db.conn();
    let fields = BeneficiaryFields {
        given_names: GIVEN.into(),
        family_names: FAMILY.into(),
        arabic_name: None,
        sex: Sex::Female,
        birth_date: None,
        birth_year: Some(1991),
        nationalities: vec!["SN".into()],
        languages: vec!["fr".into()],
        phone: Some(PhoneNumber::parse(PHONE).expect("phone")),
        whatsapp: None,
        email: None,
        city: Some("Rabat".into()),
        region: Some(Region::RabatSaleKenitra),
        household_size_morocco: None,
        household_size_origin: None,
        education_level: None,
        previous_occupation: None,
        skills: None,
        regularisation_year: None,
    };
    let person_id =
        beneficiaries::create(&mut conn, &association, &fields, None, relais_persistence::now()).expect("person").id;
    let person = person_id.to_string();
    let worker: relais_domain::UserId = a_id.parse().expect("a user id");
    let at = relais_persistence::now();
    let case = cases::create(
        &mut conn,
        &association,
        &NewCase {
            beneficiary_id: person_id,
            pathway: Pathway::AutoEntrepreneur,
            intake_date: at.date(),
            referral_source: None,
            goals: None,
            created_by: worker,
        },
        at,
    )
    .expect("case");
    cases::assign(&mut conn, &association, case.id, worker, worker, at).expect("assign");
    let consent = with_consent.then(|| {
        consents::record(
            &mut conn,
            &association,
            person_id,
            &consents::NewConsent {
                purpose: ConsentPurpose::Referral,
                partner_tenant_id: Some(incubator.tenant_id()),
                service_ref: None,
                channel: ConsentChannel::Written,
                language: Language::Fr,
                given_on: relais_persistence::now().date() - Duration::days(3),
                expires_on: None,
                witness: None,
            },
            Some(worker),
            relais_persistence::now(),
        )
        .expect("consent")
        .id
        .to_string()
    });
    World {
        association,
        incubator,
        a_email,
        b_email,
        admin_email,
        volunteer_email,
        viewer_email,
        person,
        case_id: case.id.to_string(),
        service: service_id,
        closed_service,
        consent,
    }
}

async fn signed_in(app: &TestApp, email: &str, lang: &'static str) -> Client {
    let mut client = app.client();
    client.lang = Some(lang);
    assert_eq!(client.login(email, PASSWORD).await.status, StatusCode::SEE_OTHER);
    client
}

/// Posts the new-referral form with the minimal packet; returns the response.
async fn refer(
    client: &mut Client,
    w: &World,
    service: &str,
    intent: &str,
    extra: &[(&str, &str)],
) -> common::Response {
    let mut fields = vec![
        ("service", service),
        ("field-given_names", "on"),
        ("field-languages", "on"),
        ("field-phone", "on"),
        ("field-region", "on"),
        ("message", "Projet de couture, besoin d'accompagnement"),
        ("intent", intent),
    ];
    fields.extend_from_slice(extra);
    client.post(&format!("/cases/{}/referrals", w.case_id), &fields).await
}

fn referral_id(response: &common::Response) -> String {
    let location = response.location().expect("a redirect");
    location.trim_start_matches("/referrals/").split('#').next().expect("id").to_owned()
}

/// The referral as stored, read through the sender's view.
fn stored(app: &TestApp, w: &World, id: &str) -> referrals::Referral {
    let id = id.parse().expect("a referral id");
    referrals::for_sender(&mut app.db.conn(), &w.association, id).expect("the sender's view").referral().clone()
}

fn mails_to(app: &TestApp, recipient: &str) -> Vec<relais_persistence::models::outbox::OutboxEmail> {
    app.outbox().into_iter().filter(|m| m.recipient == recipient).collect()
}

fn no_personal_data(app: &TestApp) {
    for mail in app.outbox().into_iter().filter(|m| m.template == "referral_notice") {
        for text in [&mail.subject, &mail.body_text, &mail.body_html] {
            assert!(!text.contains(GIVEN) && !text.contains(FAMILY), "a name in {}", mail.idempotency_key);
            assert!(!text.contains("612345678"), "a phone in {}", mail.idempotency_key);
        }
    }
}

backend_tests_async! {
    async fn an_organisation_without_an_account_answers_through_its_link(db: TestDb) {
        let app = TestApp::new(db).await;
        let w = world(&app, false);
        let (org_service, a_id) = {
            let mut conn = app.db.conn();
            let org = directory::create_organisation(
                &mut conn,
                &directory::OrganisationFields {
                    name: "Agence de l'emploi – Kénitra".into(),
                    kind: relais_domain::TenantKind::PublicService,
                    region: Region::RabatSaleKenitra,
                    contact_email: EmailAddress::parse("kenitra@emploi.example").expect("e"),
                    website: None,
                },
                relais_persistence::now(),
            )
            .expect("organisation");
            let fields = ServiceFields {
                name_fr: "Placement en emploi".into(),
                category: Some(ServiceCategory::JobPlacement),
                languages: vec![Language::Fr],
                regions: vec![Region::RabatSaleKenitra],
                focal_point_email: Some(EmailAddress::parse("placement@emploi.example").expect("e")),
                response_days: 5,
                intake_open: true,
                ..ServiceFields::default()
            };
            let service = directory::create_service(&mut conn, Owner::Organisation(org.id), &fields, relais_persistence::now()).expect("service").id.to_string();
            let a = relais_persistence::models::users::find_by_email(&mut conn, &EmailAddress::parse(&w.a_email).expect("e")).expect("q").expect("u").id;
            consents::record(
                &mut conn,
                &w.association,
                w.person.parse().expect("a person id"),
                &consents::NewConsent {
                    purpose: ConsentPurpose::Referral,
                    partner_tenant_id: None,
                    service_ref: Some(service.clone()),
                    channel: ConsentChannel::Written,
                    language: Language::Fr,
                    given_on: relais_persistence::now().date() - Duration::days(1),
                    expires_on: None,
                    witness: None,
                },
                Some(a.parse().expect("a user id")),
                relais_persistence::now(),
            )
            .expect("consent");
            (service, a)
        };
        let _ = a_id;
        let mut a = signed_in(&app, &w.a_email, "fr").await;
        let sent = refer(&mut a, &w, &org_service, "send", &[]).await;
        assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
        let id = referral_id(&sent);
        let mail = app.outbox().into_iter().find(|m| m.recipient == "placement@emploi.example").expect("the focal point is told");
        assert!(!mail.body_text.contains(GIVEN), "no name in the e-mail");
        let link = app.link_in_mail_to("placement@emploi.example");
        assert!(link.starts_with("/external/referrals/"), "{link}");

        // Without an account, the focal point sees the packet only and answers.
        let mut focal = app.client();
        let page = focal.get(&link).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains(GIVEN) && !page.body.contains(FAMILY), "the packet, and only the packet");
        assert_eq!(focal.post(&link, &[("action", "accept")]).await.status, StatusCode::SEE_OTHER);
        assert_eq!(focal.post(&link, &[("action", "accept")]).await.status, StatusCode::SEE_OTHER, "a repeat is harmless");
        focal.post(&link, &[("action", "start")]).await;
        focal.post(&link, &[("action", "complete"), ("outcome", "placed_in_job")]).await;
        let closed = focal.get(&link).await;
        assert!(closed.body.contains("close"), "a closed referral explains itself");
        assert_eq!(focal.post(&link, &[("action", "decline"), ("reason", "other")]).await.status, StatusCode::CONFLICT);

        // The sender sees the outcome and got the e-mails; the use is audited.
        let mut conn = app.db.conn();
        let r = stored(&app, &w, &id);
        assert_eq!(r.status, "completed");
        assert_eq!(r.outcome.map(|o| o.as_str()), Some("placed_in_job"));
        let to_sender = app.outbox().into_iter().filter(|m| m.recipient == w.a_email).count();
        assert!(to_sender >= 2, "accepted and completed notices to the sender");
        let log = audit::list_for_target(&mut conn, &w.association, relais_domain::AuditTarget::Referral, &id, 50).expect("audit");
        assert!(log.iter().any(|e| e.action == "referral.external_viewed"));
        // A made-up or expired link changes nothing.
        assert_eq!(focal.get(&format!("/external/referrals/{}", "x".repeat(43))).await.status, StatusCode::GONE);
        drop(conn);
        app.clock.advance(Duration::days(31));
        assert_eq!(focal.get(&link).await.status, StatusCode::GONE);
    }

    async fn the_issue_journey(db: TestDb) {
        let app = TestApp::new(db).await;
        let w = world(&app, true);
        let mut a = signed_in(&app, &w.a_email, "fr").await;
        let form = a.get(&format!("/cases/{}/referrals/new?service={}", w.case_id, w.service)).await;
        assert_eq!(form.status, StatusCode::OK, "{}", form.body);
        assert!(form.body.contains("Consentement valide"), "{}", form.body);
        assert!(form.body.contains("name=\"field-given_names\" value=\"on\" checked"));
        let sent = refer(&mut a, &w, &w.service, "send", &[]).await;
        assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
        let id = referral_id(&sent);
        // The receiver is told: focal point and the incubator's caseworker.
        assert_eq!(mails_to(&app, "focal@incubator.example").len(), 1);
        let to_b = mails_to(&app, &w.b_email);
        assert_eq!(to_b.len(), 1);
        assert!(to_b[0].idempotency_key.contains(":received:"));
        assert_eq!(app.link_in_mail_to(&w.b_email), format!("/referrals/{id}"));
        no_personal_data(&app);

        let mut b = signed_in(&app, &w.b_email, "fr").await;
        let inbox = b.get("/referrals").await;
        assert_eq!(inbox.status, StatusCode::OK);
        let reference = stored(&app, &w, &id).reference;
        assert!(inbox.body.contains(&reference));
        // The inbox links to the dashboard and no longer shows (or computes) it.
        assert!(inbox.body.contains("href=\"/referrals?tab=dashboard\""), "{}", inbox.body);
        assert!(!inbox.body.contains("id=\"h-dashboard\"") && !inbox.body.contains("Délai de réponse médian"), "{}", inbox.body);
        let page = b.get(&format!("/referrals/{id}")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains(GIVEN) && page.body.contains("612345678"));
        assert!(!page.body.contains(FAMILY), "a field that was not chosen");
        assert!(!page.body.contains(&w.case_id) && !page.body.contains(&w.person), "sender ids leak");
        // Nothing else of the sender is reachable.
        for path in [format!("/beneficiaries/{}", w.person), format!("/cases/{}", w.case_id)] {
            let status = b.get(&path).await.status;
            assert!(matches!(status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN), "{path}: {status}");
        }
        let accepted = b.post(&format!("/referrals/{id}/accept"), &[("link", "new"), ("pathway", "auto_entrepreneur")]).await;
        assert_eq!(accepted.status, StatusCode::SEE_OTHER, "{}", accepted.body);
        let again = b.post(&format!("/referrals/{id}/accept"), &[("link", "new"), ("pathway", "auto_entrepreneur")]).await;
        assert_eq!(again.status, StatusCode::SEE_OTHER, "double accept is harmless");
        let view = referrals::for_receiver(&mut app.db.conn(), &w.incubator, id.parse().expect("id")).expect("r");
        let own_case = view.referral().receiver_case_id.expect("a case in the incubator");
        let own_person = view.referral().receiver_beneficiary_id.expect("a person in the incubator");
        assert_eq!(beneficiaries::find(&mut app.db.conn(), &w.incubator, own_person).expect("p").family_names, "");
        assert_eq!(b.get(&format!("/cases/{own_case}")).await.status, StatusCode::OK);
        assert_eq!(mails_to(&app, &w.a_email).iter().filter(|m| m.idempotency_key.contains(":accepted:")).count(), 1);
        assert_eq!(b.post(&format!("/referrals/{id}/start"), &[]).await.status, StatusCode::SEE_OTHER);
        let done = b.post(&format!("/referrals/{id}/complete"), &[("outcome", "enterprise_created")]).await;
        assert_eq!(done.status, StatusCode::SEE_OTHER);
        // An illegal transition: 409 with a message, nothing changed.
        let illegal = b.post(&format!("/referrals/{id}/start"), &[]).await;
        assert_eq!(illegal.status, StatusCode::CONFLICT);
        assert!(illegal.body.contains("Action impossible"));
        assert_eq!(stored(&app, &w, &id).status, "completed");
        // A comment from the receiver reaches the sender.
        assert_eq!(b.post(&format!("/referrals/{id}/comments"), &[("body", "Bravo à elle")]).await.status, StatusCode::SEE_OTHER);
        let keys: Vec<String> = mails_to(&app, &w.a_email).into_iter().map(|m| m.idempotency_key).collect();
        for notice in [":accepted:", ":started:", ":completed:", ":comment-"] {
            assert!(keys.iter().any(|k| k.contains(notice)), "{notice} missing in {keys:?}");
        }
        no_personal_data(&app);
        // The sender sees the outcome on the case.
        let case = a.get(&format!("/cases/{}", w.case_id)).await;
        assert!(case.body.contains("Entreprise créée") && case.body.contains("Bravo à elle"), "{}", case.body);
        let trail: Vec<String> = audit::list_for_tenant(&mut app.db.conn(), &w.incubator, 50)
            .expect("audit")
            .into_iter()
            .map(|e| e.action.as_str().to_owned())
            .collect();
        for action in ["referral.viewed", "referral.accepted", "referral.started", "referral.completed"] {
            assert!(trail.iter().any(|a| a == action), "{action} not audited");
        }
    }

    async fn withdrawing_consent_revokes_and_hides_the_packet(db: TestDb) {
        let app = TestApp::new(db).await;
        let w = world(&app, true);
        let mut a = signed_in(&app, &w.a_email, "fr").await;
        let id = referral_id(&refer(&mut a, &w, &w.service, "send", &[]).await);
        let mut b = signed_in(&app, &w.b_email, "fr").await;
        assert!(b.get(&format!("/referrals/{id}")).await.body.contains(GIVEN));
        let consent = w.consent.clone().expect("consent");
        let withdrawn = a.post(&format!("/beneficiaries/{}/consents/{consent}/withdraw", w.person), &[]).await;
        assert_eq!(withdrawn.status, StatusCode::SEE_OTHER, "{}", withdrawn.body);
        let page = b.get(&format!("/referrals/{id}")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(!page.body.contains(GIVEN) && !page.body.contains("612345678"));
        assert!(page.body.contains("Révoquée"));
        assert_eq!(b.post(&format!("/referrals/{id}/accept"), &[("link", "new"), ("pathway", "employment")]).await.status, StatusCode::CONFLICT);
        // The receiving side is told, with the reference only.
        let revoked: Vec<_> = app.outbox().into_iter().filter(|m| m.template == "referral_notice" && m.subject.contains("évoqu")).collect();
        assert!(revoked.iter().any(|m| m.recipient == w.b_email), "the receiver gets the revocation e-mail");
        assert!(revoked.iter().all(|m| !m.body_text.contains(GIVEN)));
    }

    async fn the_consent_gate_and_its_override(db: TestDb) {
        let app = TestApp::new(db).await;
        let w = world(&app, false);
        let mut a = signed_in(&app, &w.a_email, "fr").await;
        let form = a.get(&format!("/cases/{}/referrals/new?service={}", w.case_id, w.service)).await;
        assert!(form.body.contains("aucun consentement à l"), "{}", form.body);
        let blocked = refer(&mut a, &w, &w.service, "send", &[]).await;
        assert_eq!(blocked.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(blocked.body.contains("Aucun consentement valide"));
        let forbidden = refer(&mut a, &w, &w.service, "send", &[("override_reason", "Urgence")]).await;
        assert_eq!(forbidden.status, StatusCode::FORBIDDEN);
        let mut admin = signed_in(&app, &w.admin_email, "fr").await;
        let missing = refer(&mut admin, &w, &w.service, "send", &[]).await;
        assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(missing.body.contains("une justification est obligatoire"));
        let overridden =
            refer(&mut admin, &w, &w.service, "send", &[("override_reason", "Mise à l'abri urgente")]).await;
        assert_eq!(overridden.status, StatusCode::SEE_OTHER, "{}", overridden.body);
        let id = referral_id(&overridden);
        let r = stored(&app, &w, &id);
        assert_eq!((r.status.as_str(), r.consent_id), ("sent", None));
        let trail = audit::list_for_tenant(&mut app.db.conn(), &w.association, 50).expect("audit");
        let event = trail.iter().find(|e| e.action == "referral.consent_overridden").expect("override audited");
        assert!(!event.details.contains("abri"), "the justification stays out of the audit details");
    }

    async fn a_volunteer_drafts_and_a_caseworker_sends(db: TestDb) {
        let app = TestApp::new(db).await;
        let w = world(&app, true);
        let mut v = signed_in(&app, &w.volunteer_email, "fr").await;
        assert_eq!(refer(&mut v, &w, &w.service, "send", &[]).await.status, StatusCode::FORBIDDEN);
        let drafted = refer(&mut v, &w, &w.service, "draft", &[]).await;
        assert_eq!(drafted.status, StatusCode::SEE_OTHER, "{}", drafted.body);
        assert_eq!(drafted.location(), Some(format!("/beneficiaries/{}", w.person).as_str()));
        assert!(mails_to(&app, "focal@incubator.example").is_empty(), "a draft tells nobody");
        let mut a = signed_in(&app, &w.a_email, "fr").await;
        let drafts = a.get("/referrals?tab=drafts").await;
        let reference_start = drafts.body.find("R-").expect("a draft listed");
        assert!(drafts.body[reference_start..].contains("Brouillon"));
        let id = {
            let mut conn = app.db.conn();
            referrals::drafts_to_review(&mut conn, &w.association, relais_persistence::now(), 10).expect("drafts")[0]
                .referral
                .id
        };
        // The receiver does not see a draft.
        let mut b = signed_in(&app, &w.b_email, "fr").await;
        assert_eq!(b.get(&format!("/referrals/{id}")).await.status, StatusCode::NOT_FOUND);
        assert_eq!(a.post(&format!("/referrals/{id}/send"), &[]).await.status, StatusCode::SEE_OTHER);
        assert_eq!(a.post(&format!("/referrals/{id}/send"), &[]).await.status, StatusCode::SEE_OTHER, "repeat is harmless");
        assert_eq!(mails_to(&app, "focal@incubator.example").len(), 1, "told once");
        assert_eq!(b.get(&format!("/referrals/{id}")).await.status, StatusCode::OK);
        // The receiver cannot act as the sender.
        assert_eq!(b.post(&format!("/referrals/{id}/withdraw"), &[]).await.status, StatusCode::NOT_FOUND);
    }

    async fn closed_intake_and_form_errors(db: TestDb) {
        let app = TestApp::new(db).await;
        let w = world(&app, true);
        let mut a = signed_in(&app, &w.a_email, "fr").await;
        let closed = refer(&mut a, &w, &w.closed_service, "send", &[]).await;
        assert_eq!(closed.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(closed.body.contains("pas de nouvelles orientations"));
        let empty = a
            .post(&format!("/cases/{}/referrals", w.case_id), &[("service", w.service.as_str()), ("intent", "draft")])
            .await;
        assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(empty.body.contains("aria-describedby=\"e-fields\""));
        let id = referral_id(&refer(&mut a, &w, &w.service, "send", &[]).await);
        let mut b = signed_in(&app, &w.b_email, "ar").await;
        let bad = b.post(&format!("/referrals/{id}/decline"), &[("decline_reason", "whatever")]).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.body.contains("id=\"e-decline_reason\""));
        let declined = b.post(&format!("/referrals/{id}/decline"), &[("decline_reason", "no_capacity"), ("decline_text", "Complet")]).await;
        assert_eq!(declined.status, StatusCode::SEE_OTHER);
        assert!(mails_to(&app, &w.a_email).iter().any(|m| m.idempotency_key.contains(":declined:")));
    }

    async fn notices_honour_preferences_and_languages(db: TestDb) {
        let app = TestApp::new(db).await;
        let w = world(&app, true);
        let (digest_id, digest_email) = app.member(&w.incubator, "digest@incubator.example", TenantRole::TenantAdmin);
        let (arabic_id, arabic_email) = app.member(&w.incubator, "ar@incubator.example", TenantRole::Caseworker);
        let (_, volunteer_email) = app.member(&w.incubator, "v@incubator.example", TenantRole::Volunteer);
        {
            let mut conn = app.db.conn();
            relais_persistence::models::users::set_referral_emails(&mut conn, &digest_id, true, relais_persistence::now()).expect("digest");
            relais_persistence::models::users::set_preferred_language(&mut conn, &arabic_id, Some(Language::Ar), relais_persistence::now())
                .expect("language");
        }
        let mut a = signed_in(&app, &w.a_email, "fr").await;
        refer(&mut a, &w, &w.service, "send", &[]).await;
        assert!(mails_to(&app, &digest_email).is_empty(), "digest readers are left to the daily job");
        assert!(mails_to(&app, &volunteer_email).is_empty(), "volunteers are not told");
        let arabic = mails_to(&app, &arabic_email);
        assert_eq!((arabic.len(), arabic[0].language.as_str()), (1, "ar"));
        assert_eq!(mails_to(&app, &w.b_email)[0].language, "fr", "the tenant's default");
        assert!(arabic[0].body_text.contains("ما قبل الاحتضان"), "the service name in the recipient's language");
        no_personal_data(&app);
    }

    async fn route_access_for_volunteers_viewers_and_others(db: TestDb) {
        let app = TestApp::new(db).await;
        let w = world(&app, true);
        let mut a = signed_in(&app, &w.a_email, "fr").await;
        let id = referral_id(&refer(&mut a, &w, &w.service, "send", &[]).await);
        let mut v = signed_in(&app, &w.volunteer_email, "fr").await;
        assert_eq!(v.get(&format!("/cases/{}/referrals/new", w.case_id)).await.status, StatusCode::OK);
        for path in ["/referrals".to_owned(), "/referrals?tab=dashboard".to_owned(), format!("/referrals/{id}")] {
            assert_eq!(v.get(&path).await.status, StatusCode::FORBIDDEN, "{path}");
        }
        assert_eq!(v.post(&format!("/referrals/{id}/withdraw"), &[]).await.status, StatusCode::FORBIDDEN);
        let mut viewer = signed_in(&app, &w.viewer_email, "fr").await;
        assert_eq!(viewer.get(&format!("/cases/{}/referrals/new", w.case_id)).await.status, StatusCode::FORBIDDEN);
        assert_eq!(viewer.get("/referrals").await.status, StatusCode::FORBIDDEN);
        assert_eq!(viewer.get("/referrals?tab=dashboard").await.status, StatusCode::FORBIDDEN);
        assert_eq!(refer(&mut viewer, &w, &w.service, "draft", &[]).await.status, StatusCode::FORBIDDEN);
        // A third tenant's caseworker: 404.
        let third = app.tenant("Tiers");
        let (_, c_email) = app.member(&third, "c@third.example", TenantRole::Caseworker);
        let mut c = signed_in(&app, &c_email, "fr").await;
        assert_eq!(c.get(&format!("/referrals/{id}")).await.status, StatusCode::NOT_FOUND);
        assert_eq!(c.post(&format!("/referrals/{id}/comments"), &[("body", "x")]).await.status, StatusCode::NOT_FOUND);
    }

    async fn the_dashboard_on_its_own_tab(db: TestDb) {
        let app = TestApp::new(db).await;
        let w = world(&app, true);
        let accept = [("link", "new"), ("pathway", "auto_entrepreneur")];
        let decline = [("decline_reason", "no_capacity")];
        // An answer older than 90 days: counted by status, left out of the medians.
        {
            let mut a = signed_in(&app, &w.a_email, "fr").await;
            let old = referral_id(&refer(&mut a, &w, &w.service, "send", &[]).await);
            app.clock.advance(Duration::hours(50));
            let mut b = signed_in(&app, &w.b_email, "fr").await;
            assert_eq!(b.post(&format!("/referrals/{old}/accept"), &accept).await.status, StatusCode::SEE_OTHER);
        }
        app.clock.advance(Duration::days(91));
        // Sent together, answered after 2, 4 and 9 hours (median 4.0), one left unanswered.
        let mut a = signed_in(&app, &w.a_email, "fr").await;
        let mut sent = Vec::new();
        for _ in 0..4 {
            let response = refer(&mut a, &w, &w.service, "send", &[]).await;
            assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
            sent.push(referral_id(&response));
        }
        let answers = [(&sent[0], 2, "accept", &accept[..]), (&sent[1], 2, "decline", &decline[..]), (&sent[2], 5, "accept", &accept[..])];
        for (id, after, action, fields) in answers {
            app.clock.advance(Duration::hours(after));
            // Signed in again: a session left idle for hours has expired.
            let mut b = signed_in(&app, &w.b_email, "fr").await;
            assert_eq!(b.post(&format!("/referrals/{id}/{action}"), fields).await.status, StatusCode::SEE_OTHER, "{action}");
        }

        // The sender: its sent referrals by status (all time), medians over the last 90 days.
        let mut a = signed_in(&app, &w.a_email, "fr").await;
        let page = a.get("/referrals?tab=dashboard").await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        assert!(page.body.contains("href=\"/referrals?tab=dashboard\" aria-current=\"page\""));
        let text = dashboard_text(&page.body);
        for expected in [
            "Envoyées, par statut Acceptée : 3 Refusée : 1 Envoyée : 1 Reçues, par statut Rien pour l'instant.",
            "sur les 90 derniers jours",
            "Délai de réponse médian par service Nom Médiane (heures) Réponses Pré-incubation 4.0 3",
            "Délai de réponse médian par organisation d'accueil Nom Médiane (heures) Réponses Incubateur Ribat 4.0 3",
        ] {
            assert!(text.contains(expected), "{expected:?} not in {text:?}");
        }
        assert!(!page.body.contains("id=\"h-rows\""), "the dashboard tab lists no referral");
        insta::assert_snapshot!("dashboard_sender_fr", page_text(&stable(&page.body)));
        // The receiver: what it received, the same service's median; it sent nothing.
        let mut b = signed_in(&app, &w.b_email, "en").await;
        let page = b.get("/referrals?tab=dashboard").await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        let text = dashboard_text(&page.body);
        for expected in [
            "Sent, by status Nothing yet. Received, by status Accepted : 3 Declined : 1 Sent : 1",
            "over the last 90 days",
            "Median response time per service Name Median (hours) Answers Pré-incubation 4.0 3",
            "Median response time per receiving organisation Nothing yet.",
        ] {
            assert!(text.contains(expected), "{expected:?} not in {text:?}");
        }
        // The received tab no longer shows the dashboard.
        let inbox = b.get("/referrals?tab=received").await;
        assert_eq!(inbox.status, StatusCode::OK);
        assert!(!inbox.body.contains("id=\"h-dashboard\"") && !inbox.body.contains("Median response time"), "{}", inbox.body);
    }

    async fn receiver_page_snapshots(db: TestDb) {
        let app = TestApp::new(db).await;
        let w = world(&app, true);
        let mut a = signed_in(&app, &w.a_email, "fr").await;
        let id = referral_id(&refer(&mut a, &w, &w.service, "send", &[]).await);
        let reference = stored(&app, &w, &id).reference;
        for lang in ["fr", "ar"] {
            let mut b = signed_in(&app, &w.b_email, lang).await;
            let page = b.get(&format!("/referrals/{id}")).await;
            assert_eq!(page.status, StatusCode::OK);
            let text = page_text(&stable(&page.body)).replace(&reference, "R-[ref]");
            insta::assert_snapshot!(format!("receiver_page_{lang}"), text);
        }
    }
}

/// Times written now (`YYYY-MM-DD HH:MM`) replaced.
fn page_text(html: &str) -> String {
    let bytes = html.as_bytes();
    let shape = b"dddd-dd-dd dd:dd";
    let mut out = String::with_capacity(html.len());
    let mut i = 0;
    while i < bytes.len() {
        let fits = i + shape.len() <= bytes.len()
            && shape
                .iter()
                .zip(&bytes[i..i + shape.len()])
                .all(|(s, b)| if *s == b'd' { b.is_ascii_digit() } else { s == b });
        if fits {
            out.push_str("[time]");
            i += shape.len();
        } else {
            let c = html[i..].chars().next().unwrap_or(' ');
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
}

/// The dashboard section's text: tags removed, entities decoded, spaces collapsed.
fn dashboard_text(html: &str) -> String {
    let start = html.find("id=\"h-dashboard\"").expect("a dashboard");
    let section = &html[start..];
    let section = &section[..section.find("</section>").unwrap_or(section.len())];
    let mut text = String::new();
    let mut in_tag = true;
    for c in section.chars() {
        match c {
            '<' => {
                in_tag = true;
                text.push(' ');
            }
            '>' => in_tag = false,
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    let text = text.replace("&#39;", "'").replace("&#x27;", "'").replace("&amp;", "&");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
