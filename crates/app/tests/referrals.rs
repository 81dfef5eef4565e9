//! Referral commands on both backends: every transition, whatever its entry
//! point — a member (pages and API), an organisation's link, the deadline
//! job, a consent withdrawal — writes exactly one audit row with its typed
//! action, in the right tenant's log, with the same notices; refusals
//! change nothing.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use relais_app::referrals::{self, LinkAnswer, NewDraft, Outcome, Step};
use relais_app::{Actor, App, AppError, AppSettings, Member, Permissions};
use relais_domain::case_file::Pathway;
use relais_domain::referral::{DeclineReason, ReferralOutcome, ReferralStatus};
use relais_domain::{
    ActorKind, AuditAction, BeneficiaryId, CaseId, Conflict, ConsentId, ReferralId, ServiceId, TenantRole, UserId,
};
use relais_persistence::models::referrals::{AcceptLink, MINIMAL_PACKET};
use relais_persistence::models::{audit, outbox};
use relais_persistence::schema::{consents, external_organisations, services};
use relais_persistence::{DbConnection, TenantScope};

use relais_test_support::{TestDb, backend_tests_async, fixtures};

struct World {
    app: App,
    sender: TenantScope,
    receiver: TenantScope,
    sender_worker: Actor,
    volunteer: Actor,
    receiver_worker: Actor,
    third_worker: Actor,
    case: CaseId,
    person: BeneficiaryId,
    consent: ConsentId,
    service: ServiceId,
    external_service: ServiceId,
}

fn actor(user: &str, scope: TenantScope, role: TenantRole) -> Actor {
    use relais_domain::Permission as P;
    let allowed: &[P] = match role {
        TenantRole::Volunteer => &[P::BeneficiaryCreate, P::BeneficiaryRead, P::ConsentManage, P::ReferralDraft],
        _ => &[P::CaseRead, P::CaseUpdate, P::ConsentManage, P::ReferralDraft, P::ReferralSend, P::ReferralReceive],
    };
    let permissions = Permissions::from_fn(|p| allowed.contains(&p));
    let user_id: UserId = user.parse().expect("a user id");
    Actor::member(Member { user_id, scope, role, permissions }, "req-test")
}

fn service(conn: &mut DbConnection, owner: Option<&TenantScope>, organisation: Option<&str>) -> ServiceId {
    let (id, now) = (ServiceId::new(), relais_persistence::now());
    diesel::insert_into(services::table)
        .values((
            services::id.eq(id.to_string()),
            services::owner_tenant_id.eq(owner.map(|s| s.tenant_id().to_string())),
            services::owner_organisation_id.eq(organisation),
            services::name_fr.eq("Pré-incubation"),
            services::description_fr.eq("Accompagnement"),
            services::category.eq("incubation"),
            services::focal_point_email.eq("focal@hub.example"),
            services::response_days.eq(5),
            services::intake_open.eq(true),
            services::created_at.eq(now),
            services::updated_at.eq(now),
        ))
        .execute(conn)
        .expect("the service is written");
    id
}

fn world(db: &TestDb) -> World {
    let conn = &mut db.conn();
    let sender = fixtures::tenant(conn, "Association");
    let receiver = fixtures::tenant(conn, "Incubateur");
    let third = fixtures::tenant(conn, "Tiers");
    let worker = fixtures::member(conn, &sender, "worker@association.example", TenantRole::Caseworker);
    let volunteer = fixtures::member(conn, &sender, "volunteer@association.example", TenantRole::Volunteer);
    let coach = fixtures::member(conn, &receiver, "coach@hub.example", TenantRole::Caseworker);
    fixtures::member(conn, &receiver, "admin@hub.example", TenantRole::TenantAdmin);
    let stranger = fixtures::member(conn, &third, "someone@third.example", TenantRole::Caseworker);
    let (person, case) = fixtures::person_with_case(conn, &sender, &worker, "open");
    let now = relais_persistence::now();
    let consent = ConsentId::new();
    diesel::insert_into(consents::table)
        .values((
            consents::tenant_id.eq(sender.tenant_id().to_string()),
            consents::id.eq(consent.to_string()),
            consents::beneficiary_id.eq(&person),
            consents::purpose.eq("referral"),
            consents::partner_tenant_id.eq(receiver.tenant_id().to_string()),
            consents::channel.eq("written"),
            consents::language.eq("fr"),
            consents::given_on.eq(now.date() - Duration::days(10)),
            consents::created_at.eq(now),
        ))
        .execute(conn)
        .expect("the consent is written");
    let organisation = relais_domain::OrganisationId::new().to_string();
    diesel::insert_into(external_organisations::table)
        .values((
            external_organisations::id.eq(&organisation),
            external_organisations::name.eq("Agence externe"),
            external_organisations::kind.eq("public_service"),
            external_organisations::region.eq("rabat_sale_kenitra"),
            external_organisations::contact_email.eq("contact@agence.example"),
            external_organisations::active.eq(true),
            external_organisations::created_at.eq(now),
            external_organisations::updated_at.eq(now),
        ))
        .execute(conn)
        .expect("the organisation is written");
    let service_id = service(conn, Some(&receiver), None);
    let external_service = service(conn, None, Some(&organisation));
    World {
        app: App::new(db.db.clone(), AppSettings { public_url: "https://relais.test".into() }),
        sender_worker: actor(&worker, sender, TenantRole::Caseworker),
        volunteer: actor(&volunteer, sender, TenantRole::Volunteer),
        receiver_worker: actor(&coach, receiver, TenantRole::Caseworker),
        third_worker: actor(&stranger, third, TenantRole::Caseworker),
        sender,
        receiver,
        case: case.parse().expect("case id"),
        person: person.parse().expect("person id"),
        consent,
        service: service_id,
        external_service,
    }
}

fn new_draft(w: &World, service: ServiceId, send_now: bool) -> NewDraft {
    NewDraft {
        case_id: w.case,
        service_id: service,
        fields: MINIMAL_PACKET.to_vec(),
        message: Some("Projet de couture".into()),
        override_reason: None,
        send_now,
    }
}

/// The audit rows written about one referral, in any tenant's log, oldest first.
fn audited(db: &TestDb, id: ReferralId) -> Vec<audit::AuditEvent> {
    use relais_persistence::schema::audit_events;
    audit_events::table
        .filter(audit_events::target_id.eq(id.to_string()))
        .order(audit_events::id.asc())
        .select(audit::AuditEvent::as_select())
        .load(&mut db.conn())
        .expect("the trail")
}

fn count(events: &[audit::AuditEvent], action: AuditAction) -> usize {
    events.iter().filter(|e| e.action == action).count()
}

/// The notices written for a referral: the notice codes of their idempotency keys.
fn notices(db: &TestDb, id: ReferralId) -> Vec<String> {
    let mut conn = db.conn();
    let prefix = format!("referral:{id}:");
    let mut codes: Vec<String> = outbox::list_recent(&mut conn, 500)
        .expect("outbox")
        .into_iter()
        .filter_map(|m| {
            m.idempotency_key.strip_prefix(&prefix).map(|rest| rest.split(':').next().unwrap_or("").to_owned())
        })
        .collect();
    codes.sort();
    codes.dedup();
    codes
}

fn link_token(db: &TestDb, id: ReferralId) -> String {
    let mut conn = db.conn();
    let prefix = format!("referral:{id}:received:");
    let mail = outbox::list_recent(&mut conn, 500)
        .expect("outbox")
        .into_iter()
        .find(|m| m.idempotency_key.starts_with(&prefix))
        .expect("the organisation's notice");
    let start = mail.body_text.find("/external/referrals/").expect("a link") + "/external/referrals/".len();
    mail.body_text[start..start + 43].to_owned()
}

fn at(w: &World, hours: i64) -> NaiveDateTime {
    w.app.now() + Duration::hours(hours)
}

backend_tests_async! {
    async fn every_member_step_writes_one_typed_audit_row_and_its_notices(db: TestDb) {
        let w = world(&db);
        let drafted = referrals::draft(&w.app, &w.sender_worker, new_draft(&w, w.service, true)).await.expect("drafted and sent");
        assert!(drafted.sent);
        let id = drafted.id;
        let trail = audited(&db, id);
        assert_eq!((count(&trail, AuditAction::ReferralDrafted), count(&trail, AuditAction::ReferralSent)), (1, 1));
        assert_eq!(notices(&db, id), ["received"]);

        let accept = Step::Accept { link: AcceptLink::New, pathway: Pathway::AutoEntrepreneur };
        assert_eq!(referrals::act(&w.app, &w.receiver_worker, id, accept.clone(), None).await.expect("accept"), Outcome::Changed(ReferralStatus::Accepted));
        assert_eq!(referrals::act(&w.app, &w.receiver_worker, id, accept, None).await.expect("again"), Outcome::Unchanged);
        referrals::act(&w.app, &w.receiver_worker, id, Step::Start, None).await.expect("start");
        let done = Step::Complete(ReferralOutcome::EnterpriseCreated);
        referrals::act(&w.app, &w.receiver_worker, id, done.clone(), None).await.expect("complete");
        let trail = audited(&db, id);
        for action in [AuditAction::ReferralAccepted, AuditAction::ReferralStarted, AuditAction::ReferralCompleted] {
            assert_eq!(count(&trail, action), 1, "{action}: {trail:?}");
        }
        let accepted = trail.iter().find(|e| e.action == AuditAction::ReferralAccepted).expect("accepted");
        assert_eq!(accepted.tenant_id, Some(w.receiver.tenant_id()), "the receiver's step is in the receiver's log");
        assert_eq!((accepted.actor_kind, accepted.request_id.as_deref()), (Some(ActorKind::User), Some("req-test")));
        let completed = trail.iter().find(|e| e.action == AuditAction::ReferralCompleted).expect("completed");
        let details: serde_json::Value = serde_json::from_str(&completed.details).expect("json");
        assert_eq!(details, serde_json::json!({ "action": "complete", "from": "in_progress", "to": "completed", "outcome": "enterprise_created" }));
        assert_eq!(notices(&db, id), ["accepted", "completed", "received", "started"]);

        // A step the state machine refuses changes nothing and writes nothing.
        let before = audited(&db, id).len();
        let refused = referrals::act(&w.app, &w.receiver_worker, id, Step::Start, None).await;
        assert!(matches!(refused, Err(AppError::Conflict(Conflict::IllegalTransition(_)))), "{refused:?}");
        assert_eq!(audited(&db, id).len(), before);

        // A comment reaches the other side; its text is never audited.
        referrals::comment(&w.app, &w.receiver_worker, id, "Bravo".into()).await.expect("comment");
        let trail = audited(&db, id);
        assert_eq!(count(&trail, AuditAction::ReferralCommented), 1);
        assert!(trail.iter().all(|e| !e.details.contains("Bravo") && !e.details.contains("Awa")));
        assert!(notices(&db, id).iter().any(|n| n.starts_with("comment-")));
    }

    async fn decline_and_withdraw_are_audited_once_each(db: TestDb) {
        let w = world(&db);
        let a = referrals::draft(&w.app, &w.sender_worker, new_draft(&w, w.service, true)).await.expect("a").id;
        let no_text = Step::Decline { reason: DeclineReason::Other, text: None };
        let refused = referrals::act(&w.app, &w.receiver_worker, a, no_text, None).await;
        assert!(matches!(&refused, Err(AppError::Validation(e)) if e.get("decline_text") == Some("error-required")), "{refused:?}");
        let decline = Step::Decline { reason: DeclineReason::NoCapacity, text: Some("Complet".into()) };
        referrals::act(&w.app, &w.receiver_worker, a, decline, None).await.expect("decline");
        let trail = audited(&db, a);
        assert_eq!(count(&trail, AuditAction::ReferralDeclined), 1);
        assert!(!trail.iter().any(|e| e.details.contains("Complet")), "the explanation stays out of the audit");
        assert_eq!(notices(&db, a), ["declined", "received"]);

        let b = referrals::draft(&w.app, &w.sender_worker, new_draft(&w, w.service, true)).await.expect("b").id;
        referrals::act(&w.app, &w.sender_worker, b, Step::Withdraw, None).await.expect("withdraw");
        let trail = audited(&db, b);
        assert_eq!(count(&trail, AuditAction::ReferralWithdrawn), 1);
        assert_eq!(trail.iter().find(|e| e.action == AuditAction::ReferralWithdrawn).and_then(|e| e.tenant_id), Some(w.sender.tenant_id()));
        assert_eq!(notices(&db, b), ["received", "withdrawn"]);
    }

    async fn sides_and_roles_are_checked_by_the_commands(db: TestDb) {
        let w = world(&db);
        // A volunteer drafts but does not send.
        let sent_now = referrals::draft(&w.app, &w.volunteer, new_draft(&w, w.service, true)).await;
        assert!(matches!(sent_now, Err(AppError::Forbidden)), "{sent_now:?}");
        let draft = referrals::draft(&w.app, &w.volunteer, new_draft(&w, w.service, false)).await.expect("a draft");
        assert!(!draft.sent);
        assert!(matches!(referrals::act(&w.app, &w.volunteer, draft.id, Step::Send, None).await, Err(AppError::Forbidden)));
        // The receiver does not see a draft; a third tenant sees nothing.
        assert!(matches!(referrals::act(&w.app, &w.receiver_worker, draft.id, Step::Start, None).await, Err(AppError::NotFound)));
        referrals::act(&w.app, &w.sender_worker, draft.id, Step::Send, None).await.expect("sent after review");
        assert!(matches!(referrals::page(&w.app, &w.third_worker, draft.id).await, Err(AppError::NotFound)));
        assert!(matches!(referrals::act(&w.app, &w.third_worker, draft.id, Step::Withdraw, None).await, Err(AppError::NotFound)));
        // The sender cannot answer its own referral.
        assert!(matches!(referrals::act(&w.app, &w.sender_worker, draft.id, Step::Start, None).await, Err(AppError::NotFound)));
        // An empty packet is a field error, and nothing is written.
        let empty = NewDraft { fields: Vec::new(), ..new_draft(&w, w.service, false) };
        let refused = referrals::draft(&w.app, &w.sender_worker, empty).await;
        assert!(matches!(&refused, Err(AppError::Validation(e)) if e.get("fields") == Some("ref-error-no-field")), "{refused:?}");
        // Reading it is audited with the reader's side.
        let page = referrals::page(&w.app, &w.receiver_worker, draft.id).await.expect("page");
        assert!(page.referral.receiver_packet().is_some());
        assert_eq!(count(&audited(&db, draft.id), AuditAction::ReferralViewed), 1);
    }

    async fn an_organisation_answers_through_its_link_like_a_member(db: TestDb) {
        let w = world(&db);
        let override_reason = NewDraft { override_reason: Some("Pas de partenaire dans Relais".into()), ..new_draft(&w, w.external_service, true) };
        let mut admin = w.sender_worker.clone();
        if let relais_app::Acting::Member(m) = &mut admin.acting {
            m.permissions = Permissions::all();
        }
        let id = referrals::draft(&w.app, &admin, override_reason).await.expect("sent to the organisation").id;
        assert_eq!(count(&audited(&db, id), AuditAction::ReferralConsentOverridden), 1);
        let token = link_token(&db, id);
        let seen = referrals::open_link(&w.app, "req-link", &token).await.expect("open").expect("a valid link");
        assert_eq!(seen.referral.id, id);
        assert!(referrals::open_link(&w.app, "req-link", "not-a-token").await.expect("open").is_none());

        assert_eq!(referrals::answer_link(&w.app, "req-link", &token, LinkAnswer::Accept, None).await.expect("accept"), Some(Outcome::Changed(ReferralStatus::Accepted)));
        assert_eq!(referrals::answer_link(&w.app, "req-link", &token, LinkAnswer::Accept, None).await.expect("again"), Some(Outcome::Unchanged));
        referrals::answer_link(&w.app, "req-link", &token, LinkAnswer::Start, None).await.expect("start");
        let done = LinkAnswer::Complete(ReferralOutcome::PlacedInJob);
        referrals::answer_link(&w.app, "req-link", &token, done, None).await.expect("complete");
        let refused = referrals::answer_link(&w.app, "req-link", &token, LinkAnswer::Start, None).await;
        assert!(matches!(refused, Err(AppError::Conflict(Conflict::IllegalTransition(_)))), "{refused:?}");

        let trail = audited(&db, id);
        assert_eq!(count(&trail, AuditAction::ReferralExternalViewed), 1);
        for action in [AuditAction::ReferralAccepted, AuditAction::ReferralStarted, AuditAction::ReferralCompleted] {
            assert_eq!(count(&trail, action), 1, "{action}");
        }
        let accepted = trail.iter().find(|e| e.action == AuditAction::ReferralAccepted).expect("accepted");
        assert_eq!((accepted.actor_kind, accepted.actor_user_id, accepted.tenant_id), (Some(ActorKind::ExternalLink), None, Some(w.sender.tenant_id())));
        let details: serde_json::Value = serde_json::from_str(&accepted.details).expect("json");
        assert_eq!(details, serde_json::json!({ "action": "accept", "from": "sent", "to": "accepted", "via": "external_link" }));
        assert_eq!(notices(&db, id), ["accepted", "completed", "received", "started"]);
    }

    async fn the_deadline_job_reminds_escalates_and_expires_once_each_and_audits_them(db: TestDb) {
        let w = world(&db);
        let id = referrals::draft(&w.app, &w.sender_worker, new_draft(&w, w.service, true)).await.expect("sent").id;
        let (early, due, escalate, expire) = (at(&w, 24 * 4), at(&w, 24 * 5 + 1), at(&w, 24 * 10 + 1), at(&w, 24 * 15 + 1));
        assert_eq!(referrals::run_deadlines(&w.app, early, 3).await.expect("early"), Default::default());
        let reminded = referrals::run_deadlines(&w.app, due, 3).await.expect("due");
        referrals::run_deadlines(&w.app, due, 3).await.expect("due, again");
        assert_eq!(reminded.reminded, 1);
        referrals::run_deadlines(&w.app, escalate, 3).await.expect("escalate");
        let expired = referrals::run_deadlines(&w.app, expire, 3).await.expect("expire");
        assert_eq!(expired.expired, 1);
        assert_eq!(referrals::run_deadlines(&w.app, expire + Duration::days(1), 3).await.expect("after"), Default::default());
        let trail = audited(&db, id);
        for action in [AuditAction::ReferralReminded, AuditAction::ReferralEscalated, AuditAction::ReferralExpired] {
            assert_eq!(count(&trail, action), 1, "{action}: {trail:?}");
        }
        let expiry = trail.iter().find(|e| e.action == AuditAction::ReferralExpired).expect("expired");
        assert_eq!((expiry.actor_kind, expiry.tenant_id, expiry.occurred_at), (Some(ActorKind::System), Some(w.sender.tenant_id()), expire));
        assert!(expiry.details.contains("referral_deadlines"), "the job is named: {}", expiry.details);
        assert_eq!(notices(&db, id), ["escalation", "expired", "received", "reminder"]);
    }

    async fn withdrawing_the_consent_revokes_audits_and_tells_the_receiver(db: TestDb) {
        let w = world(&db);
        let id = referrals::draft(&w.app, &w.sender_worker, new_draft(&w, w.service, true)).await.expect("sent").id;
        relais_app::people::withdraw_consent(&w.app, &w.sender_worker, w.person, w.consent).await.expect("withdrawn");
        let trail = audited(&db, id);
        assert_eq!(count(&trail, AuditAction::ReferralRevoked), 1);
        let revoked = trail.iter().find(|e| e.action == AuditAction::ReferralRevoked).expect("revoked");
        assert_eq!(revoked.tenant_id, Some(w.sender.tenant_id()));
        assert_eq!(notices(&db, id), ["received", "revoked"]);
        let page = referrals::page(&w.app, &w.receiver_worker, id).await.expect("still listed");
        assert_eq!(page.referral.status, ReferralStatus::Revoked);
        assert!(page.referral.receiver_packet().is_none(), "the packet went with the consent");
        let again = relais_app::people::withdraw_consent(&w.app, &w.sender_worker, w.person, w.consent).await;
        assert!(matches!(again, Err(AppError::Conflict(Conflict::AlreadyWithdrawn))), "{again:?}");
    }
}
