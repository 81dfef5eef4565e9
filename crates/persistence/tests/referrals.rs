//! Referrals on both backends: every transition through `apply` (illegal
//! ones change nothing, repeated ones are harmless), per-side visibility,
//! the consent gate, revocation on consent withdrawal, the packet as a copy,
//! lists and the dashboard.

use chrono::Duration;
use relais_domain::beneficiary::{ConsentChannel, ConsentPurpose, Sex};
use relais_domain::case_file::Pathway;
use relais_domain::directory::ServiceCategory;
use relais_domain::phone::PhoneNumber;
use relais_domain::referral::{
    DeclineReason, NotCompletedReason, ReferralAction, ReferralOutcome, ReferralStatus, Side, Transition,
};
use relais_domain::{ConsentId, ReferralId, UserId};
use relais_domain::{EmailAddress, Language, MembershipStatus, Region, TenantKind, TenantRole};
use relais_persistence::models::beneficiaries::{self, BeneficiaryFields};
use relais_persistence::models::cases::{self, NewCase};
use relais_persistence::models::directory::{self, Owner, ServiceFields};
use relais_persistence::models::referrals::{
    self, AcceptLink, BlockReason, ConsentGate, NewReferral, PacketField, ReferralError, SideView,
};
use relais_persistence::models::{consents, memberships, tenants, users};
use relais_persistence::{DbConnection, PersistenceError, TenantScope, now};
use relais_test_support::backend_tests;

/// A typed id from its text.
fn id<T: std::str::FromStr>(text: &str) -> T {
    text.parse().ok().expect("a well-formed id")
}

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

fn member(conn: &mut DbConnection, scope: &TenantScope, email: &str, role: TenantRole) -> String {
    let email = EmailAddress::parse(email).expect("valid");
    let user = users::create(
        conn,
        &users::NewUser { email: &email, display_name: email.as_str(), password_hash: None, preferred_language: None },
        relais_persistence::now(),
    )
    .expect("user");
    memberships::create(conn, scope, &user.id, role, MembershipStatus::Active, relais_persistence::now())
        .expect("membership");
    user.id
}

fn service(conn: &mut DbConnection, owner: &TenantScope, intake_open: bool) -> directory::Service {
    let fields = ServiceFields {
        name_fr: "Pré-incubation".into(),
        name_ar: None,
        name_en: None,
        description_fr: "Accompagnement".into(),
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
    directory::create_service(conn, Owner::Tenant(owner), &fields, now()).expect("service")
}

struct World {
    sender: TenantScope,
    receiver: TenantScope,
    third: TenantScope,
    caseworker: String,
    receiver_worker: String,
    person: String,
    case_id: String,
    service: directory::Service,
    consent_id: String,
}

fn world(conn: &mut DbConnection) -> World {
    let sender = tenant(conn, "Association");
    let receiver = tenant(conn, "Incubateur");
    let third = tenant(conn, "Tiers");
    let caseworker = member(conn, &sender, "cw@association.example", TenantRole::Caseworker);
    let receiver_worker = member(conn, &receiver, "cw@incubator.example", TenantRole::Caseworker);
    let fields = BeneficiaryFields {
        given_names: "Aminata".into(),
        family_names: "Diallo".into(),
        arabic_name: None,
        sex: Sex::Female,
        birth_date: None,
        birth_year: Some(1990),
        nationalities: vec!["SN".into()],
        languages: vec!["fr".into(), "wo".into()],
        phone: Some(PhoneNumber::parse("0612345678").expect("phone")),
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
    let person = beneficiaries::create(conn, &sender, &fields, None, now()).expect("person").id.to_string();
    let case = cases::create(
        conn,
        &sender,
        &NewCase {
            beneficiary_id: person.parse().expect("a person id"),
            pathway: Pathway::AutoEntrepreneur,
            intake_date: now().date(),
            referral_source: None,
            goals: None,
            created_by: caseworker.parse().expect("a user id"),
        },
        now(),
    )
    .expect("case");
    let service = service(conn, &receiver, true);
    let consent = consents::record(
        conn,
        &sender,
        id(&person),
        &consents::NewConsent {
            purpose: ConsentPurpose::Referral,
            partner_tenant_id: Some(receiver.tenant_id()),
            service_ref: None,
            channel: ConsentChannel::Written,
            language: Language::Fr,
            given_on: now().date() - Duration::days(10),
            expires_on: None,
            witness: None,
        },
        Some(id(&caseworker)),
        now(),
    )
    .expect("consent");
    World {
        sender,
        receiver,
        third,
        caseworker,
        receiver_worker,
        person,
        case_id: case.id.to_string(),
        service,
        consent_id: consent.id.to_string(),
    }
}

fn draft(conn: &mut DbConnection, w: &World) -> SideView {
    referrals::create_draft(
        conn,
        &w.sender,
        &NewReferral {
            case_id: w.case_id.parse().expect("case id"),
            service_id: w.service.id,
            fields: &[PacketField::GivenNames, PacketField::Phone, PacketField::Languages],
            message: Some("Projet de couture"),
            override_reason: None,
            created_by: uid(&w.caseworker),
            today: now().date(),
            at: now(),
        },
    )
    .expect("draft")
}

fn uid(id: &str) -> UserId {
    id.parse().expect("user id")
}

fn sender_view(conn: &mut DbConnection, w: &World, id: ReferralId) -> SideView {
    referrals::for_sender(conn, &w.sender, id).expect("sender's view")
}

fn receiver_view(conn: &mut DbConnection, w: &World, id: ReferralId) -> SideView {
    referrals::for_receiver(conn, &w.receiver, id).expect("receiver's view")
}

fn status(conn: &mut DbConnection, w: &World, id: ReferralId) -> ReferralStatus {
    sender_view(conn, w, id).referral().status
}

backend_tests! {
    fn the_whole_path_through_apply(db: &TestDb) {
        let conn = &mut db.conn();
        let w = world(conn);
        let r = draft(conn, &w);
        let id = r.id();
        assert!(r.referral().reference.starts_with("R-") && r.referral().reference.len() == 8, "{}", r.referral().reference);
        assert_eq!(r.referral().consent_id.map(|c| c.to_string()).as_deref(), Some(w.consent_id.as_str()));
        let at = now();
        assert_eq!(referrals::send(conn, &r, uid(&w.caseworker), at).expect("send"), Transition::Changed(ReferralStatus::Sent));
        let sent = sender_view(conn, &w, id);
        assert_eq!(sent.referral().due_at, Some(at + Duration::days(5)));
        assert_eq!(sent.referral().sent_by, Some(uid(&w.caseworker)));
        // Repeated send: harmless, no event.
        let events = referrals::events(conn, &sent).expect("events").len();
        assert_eq!(referrals::send(conn, &sent, uid(&w.caseworker), at).expect("again"), Transition::Unchanged);
        assert_eq!(referrals::events(conn, &sent).expect("events").len(), events);
        // Illegal: start before accepting; nothing changes.
        let theirs = receiver_view(conn, &w, id);
        let err = referrals::apply(conn, &theirs, ReferralAction::Start, Some(uid(&w.receiver_worker)), at, None);
        assert!(matches!(err, Err(ReferralError::Illegal(_))), "{err:?}");
        assert_eq!(status(conn, &w, id), ReferralStatus::Sent);
        // Wrong side: the sender cannot accept, the receiver cannot withdraw, nobody but the platform expires.
        let err = referrals::apply(conn, &sent, ReferralAction::Accept, Some(uid(&w.caseworker)), at, None);
        assert!(matches!(err, Err(ReferralError::WrongSide)));
        let err = referrals::apply(conn, &theirs, ReferralAction::Withdraw, None, at, None);
        assert!(matches!(err, Err(ReferralError::WrongSide)));
        let err = referrals::apply(conn, &sent, ReferralAction::Expire, None, at, None);
        assert!(matches!(err, Err(ReferralError::WrongSide)));
        let t = referrals::accept(conn, &w.receiver, &theirs, &AcceptLink::New, Pathway::AutoEntrepreneur, uid(&w.receiver_worker), at)
            .expect("accept");
        assert_eq!(t, Transition::Changed(ReferralStatus::Accepted));
        let accepted = receiver_view(conn, &w, id);
        let new_person = accepted.referral().receiver_beneficiary_id.expect("linked person");
        let new_case = accepted.referral().receiver_case_id.expect("linked case");
        assert_eq!(beneficiaries::find(conn, &w.receiver, new_person).expect("person").given_names, "Aminata");
        assert_eq!(cases::assignees(conn, &w.receiver, new_case).expect("assignees")[0].user_id, uid(&w.receiver_worker));
        assert!(accepted.referral().answered_at.is_some());
        // Double accept: harmless, no second person.
        let again = referrals::accept(conn, &w.receiver, &accepted, &AcceptLink::New, Pathway::AutoEntrepreneur, uid(&w.receiver_worker), at)
            .expect("again");
        assert_eq!(again, Transition::Unchanged);
        assert_eq!(receiver_view(conn, &w, id).referral().receiver_case_id, Some(new_case));
        referrals::apply(conn, &accepted, ReferralAction::Start, Some(uid(&w.receiver_worker)), at, None).expect("start");
        let done = ReferralAction::Complete(ReferralOutcome::EnterpriseCreated);
        referrals::apply(conn, &accepted, done, Some(uid(&w.receiver_worker)), at, None).expect("complete");
        let closed = sender_view(conn, &w, id);
        assert_eq!(closed.referral().outcome, Some(ReferralOutcome::EnterpriseCreated));
        assert!(closed.referral().closed_at.is_some());
        let kinds: Vec<&str> = referrals::events(conn, &closed).expect("events").into_iter().map(|e| e.kind.as_str()).collect();
        assert_eq!(kinds, ["created", "send", "accept", "start", "complete"]);
        // A final status refuses anything else.
        let err = referrals::apply(conn, &closed, ReferralAction::Revoke, None, at, None);
        assert!(matches!(err, Err(ReferralError::Illegal(_))));
    }

    fn decline_withdraw_and_not_complete(db: &TestDb) {
        let conn = &mut db.conn();
        let w = world(conn);
        let at = now();
        let a = draft(conn, &w);
        referrals::send(conn, &a, uid(&w.caseworker), at).expect("send");
        let decline = ReferralAction::Decline(DeclineReason::NoCapacity);
        let theirs = receiver_view(conn, &w, a.id());
        referrals::apply(conn, &theirs, decline, Some(uid(&w.receiver_worker)), at, Some("Complet")).expect("decline");
        let a = sender_view(conn, &w, a.id());
        assert_eq!((a.referral().decline_reason, a.referral().decline_text.as_deref()), (Some(DeclineReason::NoCapacity), Some("Complet")));
        let b = draft(conn, &w);
        referrals::apply(conn, &b, ReferralAction::Withdraw, Some(uid(&w.caseworker)), at, None).expect("withdraw");
        assert_eq!(status(conn, &w, b.id()), ReferralStatus::Withdrawn);
        let c = draft(conn, &w);
        referrals::send(conn, &c, uid(&w.caseworker), at).expect("send");
        let theirs = receiver_view(conn, &w, c.id());
        referrals::apply(conn, &theirs, ReferralAction::Accept, None, at, None).expect("accept");
        referrals::apply(conn, &theirs, ReferralAction::Start, None, at, None).expect("start");
        let nc = ReferralAction::NotComplete(NotCompletedReason::NoShow);
        referrals::apply(conn, &theirs, nc, None, at, None).expect("not complete");
        assert_eq!(sender_view(conn, &w, c.id()).referral().not_completed_reason, Some(NotCompletedReason::NoShow));
        let d = draft(conn, &w);
        referrals::send(conn, &d, uid(&w.caseworker), at).expect("send");
        let platform = referrals::for_platform(conn, d.id()).expect("platform's view");
        referrals::apply(conn, &platform, ReferralAction::Expire, None, at, None).expect("expire");
        assert_eq!(status(conn, &w, d.id()), ReferralStatus::Expired);
    }

    fn each_side_sees_only_its_view(db: &TestDb) {
        let conn = &mut db.conn();
        let w = world(conn);
        let r = draft(conn, &w);
        let id = r.id();
        // A draft has not reached the receiver.
        assert!(matches!(referrals::for_receiver(conn, &w.receiver, id), Err(PersistenceError::NotFound)));
        referrals::send(conn, &r, uid(&w.caseworker), now()).expect("send");
        assert!(referrals::for_receiver(conn, &w.receiver, id).is_ok());
        assert!(matches!(referrals::for_sender(conn, &w.receiver, id), Err(PersistenceError::NotFound)));
        assert!(matches!(referrals::for_receiver(conn, &w.sender, id), Err(PersistenceError::NotFound)));
        assert!(matches!(referrals::for_sender(conn, &w.third, id), Err(PersistenceError::NotFound)));
        assert!(matches!(referrals::for_receiver(conn, &w.third, id), Err(PersistenceError::NotFound)));
        assert!(matches!(referrals::for_either_side(conn, &w.third, id), Err(PersistenceError::NotFound)));
        assert_eq!(referrals::for_either_side(conn, &w.receiver, id).expect("either").side(), Side::Receiver);
        assert_eq!(referrals::received_by(conn, &w.receiver, now(), 50).expect("inbox").len(), 1);
        assert!(referrals::received_by(conn, &w.third, now(), 50).expect("inbox").is_empty());
        assert_eq!(referrals::sent_by(conn, &w.sender, now(), 50).expect("sent").len(), 1);
        // Overdue first.
        let late = now() + Duration::days(6);
        let r2 = draft(conn, &w);
        referrals::send(conn, &r2, uid(&w.caseworker), late).expect("send");
        let inbox = referrals::received_by(conn, &w.receiver, late + Duration::hours(1), 50).expect("inbox");
        assert_eq!(inbox[0].referral.id, id);
        assert!(inbox[0].overdue && !inbox[1].overdue);
        assert_eq!(referrals::drafts_to_review(conn, &w.sender, now(), 50).expect("drafts").len(), 0);
    }

    fn consent_gate_blocks_and_override_is_recorded(db: &TestDb) {
        let conn = &mut db.conn();
        let w = world(conn);
        let other = tenant(conn, "Coopérative");
        let other_service = service(conn, &other, true);
        let gate = referrals::consent_gate(conn, &w.sender, id(&w.person), &other_service, now().date()).expect("gate");
        assert_eq!(gate, ConsentGate::Blocked(BlockReason::OtherPartner));
        let new = NewReferral {
            case_id: w.case_id.parse().expect("case id"),
            service_id: other_service.id,
            fields: &[PacketField::GivenNames],
            message: None,
            override_reason: None,
            created_by: uid(&w.caseworker),
            today: now().date(),
            at: now(),
        };
        assert!(matches!(
            referrals::create_draft(conn, &w.sender, &new),
            Err(ReferralError::ConsentRequired(BlockReason::OtherPartner))
        ));
        let r = referrals::create_draft(conn, &w.sender, &NewReferral { override_reason: Some("Urgence"), ..new.clone() })
            .expect("override");
        assert_eq!((r.referral().consent_id, r.referral().consent_override_reason.as_deref()), (None, Some("Urgence")));
        // Intake closed.
        let closed = service(conn, &w.receiver, false);
        let refused = referrals::create_draft(conn, &w.sender, &NewReferral { service_id: closed.id, ..new });
        assert!(matches!(refused, Err(ReferralError::IntakeClosed)));
    }

    fn revoking_for_a_withdrawn_consent_closes_open_referrals(db: &TestDb) {
        let conn = &mut db.conn();
        let w = world(conn);
        let open = draft(conn, &w);
        referrals::send(conn, &open, uid(&w.caseworker), now()).expect("send");
        let finished = draft(conn, &w);
        referrals::apply(conn, &finished, ReferralAction::Withdraw, None, now(), None).expect("withdraw");
        let event = consents::withdraw(conn, &w.sender, id(&w.person), id(&w.consent_id), id(&w.caseworker), now().date()).expect("withdraw");
        // Withdrawing alone revokes nothing: the application layer's subscriber does, in the same transaction.
        assert_eq!(status(conn, &w, open.id()), ReferralStatus::Sent);
        let revoked = referrals::revoke_for_consent(conn, &w.sender, &event, now()).expect("revoke");
        assert_eq!(revoked, vec![(open.id(), ReferralStatus::Sent)]);
        let revoked = receiver_view(conn, &w, open.id());
        assert_eq!(revoked.referral().status, ReferralStatus::Revoked);
        assert_eq!(revoked.referral().packet, "{}");
        assert!(revoked.referral().receiver_packet().is_none());
        assert_eq!(status(conn, &w, finished.id()), ReferralStatus::Withdrawn);
        let consent: ConsentId = w.consent_id.parse().expect("consent id");
        assert_eq!(referrals::revoked_by_consent(conn, &w.sender, consent).expect("revoked").len(), 1);
        let gate = referrals::consent_gate(conn, &w.sender, id(&w.person), &w.service, now().date()).expect("gate");
        assert_eq!(gate, ConsentGate::Blocked(BlockReason::Withdrawn));
    }

    fn the_packet_is_a_copy_of_the_chosen_fields(db: &TestDb) {
        let conn = &mut db.conn();
        let w = world(conn);
        let r = draft(conn, &w);
        let packet: serde_json::Value = serde_json::from_str(&r.referral().packet).expect("json");
        assert_eq!(packet["given_names"], "Aminata");
        assert!(packet.get("family_names").is_none() && packet.get("city").is_none());
        let before = beneficiaries::find(conn, &w.sender, id(&w.person)).expect("person");
        let mut fields = BeneficiaryFields {
            given_names: "Awa".into(),
            family_names: before.family_names.clone(),
            arabic_name: None,
            sex: Sex::Female,
            birth_date: None,
            birth_year: before.birth_year,
            nationalities: vec![],
            languages: vec![],
            phone: None,
            whatsapp: None,
            email: None,
            city: None,
            region: None,
            household_size_morocco: None,
            household_size_origin: None,
            education_level: None,
            previous_occupation: None,
            skills: None,
            regularisation_year: None,
        };
        fields.city = Some("Salé".into());
        beneficiaries::update(conn, &w.sender, id(&w.person), before.version, &fields, now()).expect("update");
        let after = sender_view(conn, &w, r.id());
        assert_eq!(after.referral().packet, r.referral().packet);
    }

    fn dashboard_counts_and_medians(db: &TestDb) {
        let conn = &mut db.conn();
        let w = world(conn);
        let at = now();
        for hours in [2, 4, 9] {
            let r = draft(conn, &w);
            referrals::send(conn, &r, uid(&w.caseworker), at).expect("send");
            let theirs = receiver_view(conn, &w, r.id());
            referrals::apply(conn, &theirs, ReferralAction::Accept, None, at + Duration::hours(hours), None).expect("accept");
        }
        draft(conn, &w);
        let d = referrals::dashboard(conn, &w.sender, at - Duration::days(90)).expect("dashboard");
        let count = |s: &str| d.sent.iter().find(|c| c.status == s).map_or(0, |c| c.count);
        assert_eq!((count("accepted"), count("draft")), (3, 1));
        assert_eq!(d.by_service.len(), 1);
        assert_eq!(d.by_service[0].median_hours, 4.0);
        assert_eq!(d.by_receiver[0].id, w.receiver.tenant_id().to_string());
        let r = referrals::dashboard(conn, &w.receiver, at - Duration::days(90)).expect("dashboard");
        assert_eq!(r.received.iter().map(|c| c.count).sum::<i64>(), 3);
    }

    fn a_bad_stored_code_fails_the_read_and_names_its_column(db: &TestDb) {
        use diesel::RunQueryDsl;
        let conn = &mut db.conn();
        let w = world(conn);
        let r = draft(conn, &w);
        // Status and sides are also guarded by CHECK constraints; the outcome code is not.
        diesel::sql_query(format!("UPDATE referrals SET outcome = 'enterprise_creatd' WHERE id = '{}'", r.id()))
            .execute(conn)
            .expect("corrupt the outcome");
        let err = referrals::for_sender(conn, &w.sender, r.id()).expect_err("a bad code is not read");
        let message = err.to_string();
        assert!(message.contains("referrals.outcome") && message.contains("enterprise_creatd"), "{message}");
    }
}
