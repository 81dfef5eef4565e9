//! A follow-up case opened from an interest ticked at an event, below HTTP
//! on both backends: through the case-opening command (its permission and
//! its audit row on the application clock), only for an interest the
//! person was marked with, never for another tenant's event or person.

use std::sync::Arc;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use relais_app::outreach::{self, EventInput, Mark, NewEvent};
use relais_app::{Actor, App, AppError, AppSettings, Member, Permissions};
use relais_domain::case_file::Pathway;
use relais_domain::outreach::{AttendanceStatus, AttendeeInterest, EventKind, EventTopic};
use relais_domain::{AuditAction, BeneficiaryId, MembershipStatus, Region, TenantRole, UserId};
use relais_persistence::models::{audit, cases, memberships};
use relais_persistence::schema::beneficiaries;
use relais_persistence::{DbConnection, TenantScope};
use relais_test_support::{backend_tests_async, fixtures};

fn at() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 12, 10).and_then(|d| d.and_hms_opt(10, 0, 0)).expect("a time")
}

fn member(conn: &mut DbConnection, scope: &TenantScope, email: &str, role: TenantRole) -> Actor {
    let id = fixtures::user(conn, email, None);
    memberships::create(conn, scope, &id, role, MembershipStatus::Active, relais_persistence::now())
        .expect("membership");
    let rules = relais_authorization::policy::parse(relais_authorization::policy::POLICY).expect("the policy");
    let permissions = Permissions::from_fn(|p| rules.iter().any(|r| r.role == role.as_str() && r.permission == p));
    let user_id: UserId = id.parse().expect("a user id");
    Actor::member(Member { user_id, scope: *scope, role, permissions }, "req-follow-up")
}

fn person(conn: &mut DbConnection, scope: &TenantScope, given: &str) -> BeneficiaryId {
    let id = BeneficiaryId::new();
    diesel::insert_into(beneficiaries::table)
        .values((
            beneficiaries::tenant_id.eq(scope.tenant_id().to_string()),
            beneficiaries::id.eq(id.to_string()),
            beneficiaries::given_names.eq(given),
            beneficiaries::family_names.eq("Diop"),
            beneficiaries::name_key.eq(format!("{} diop", given.to_lowercase())),
            beneficiaries::sex.eq("female"),
            beneficiaries::created_at.eq(at()),
            beneficiaries::updated_at.eq(at()),
        ))
        .execute(conn)
        .expect("person");
    id
}

backend_tests_async! {
    async fn an_interest_opens_a_case_on_its_pathway(db: TestDb) {
        let mut app = App::new(db.db.clone(), AppSettings { public_url: "https://relais.test".into() });
        app.set_clock(Arc::new(at));
        let mut conn = db.conn();
        let a = fixtures::tenant(&mut conn, "Agence A");
        let b = fixtures::tenant(&mut conn, "Association B");
        let caseworker = member(&mut conn, &a, "c@a.org", TenantRole::Caseworker);
        let volunteer = member(&mut conn, &a, "v@a.org", TenantRole::Volunteer);
        let b_admin = member(&mut conn, &b, "admin@b.org", TenantRole::TenantAdmin);
        let awa = person(&mut conn, &a, "Awa");
        let binta = person(&mut conn, &a, "Binta");
        drop(conn);
        let input = EventInput {
            title: "Séance AE".into(),
            kind: Some(EventKind::InformationSession),
            topics: vec![EventTopic::SelfEmployment],
            start_date: Some(at().date()),
            region: Some(Region::RabatSaleKenitra),
            ..EventInput::default()
        };
        let event = outreach::plan_event(&app, &caseworker, NewEvent { input, held: true }).await.expect("event");
        let interests = vec![AttendeeInterest::GroupProject, AttendeeInterest::Other];
        let mark = Mark { event, person: awa, status: AttendanceStatus::Present, interests };
        outreach::record_attendance(&app, &caseworker, mark).await.expect("marked");

        // Volunteers do not open cases; an interest without a pathway opens nothing.
        let refused = outreach::open_follow_up_case(&app, &volunteer, event, awa, AttendeeInterest::GroupProject).await;
        assert!(matches!(refused, Err(AppError::Forbidden)), "{refused:?}");
        match outreach::open_follow_up_case(&app, &caseworker, event, awa, AttendeeInterest::Other).await {
            Err(AppError::Validation(errors)) => assert_eq!(errors.get("interest"), Some("event-error-no-pathway")),
            other => panic!("expected a field error, got {other:?}"),
        }
        // Only an interest the person was marked with, only a person marked, only an event of the tenant.
        for (person, interest) in [(awa, AttendeeInterest::Employment), (binta, AttendeeInterest::GroupProject)] {
            let found = outreach::open_follow_up_case(&app, &caseworker, event, person, interest).await;
            assert!(matches!(found, Err(AppError::NotFound)), "{found:?}");
        }
        let other = outreach::open_follow_up_case(&app, &b_admin, event, awa, AttendeeInterest::GroupProject).await;
        assert!(matches!(other, Err(AppError::NotFound)), "{other:?}");

        let case_id = outreach::open_follow_up_case(&app, &caseworker, event, awa, AttendeeInterest::GroupProject)
            .await
            .expect("the case is opened");
        let mut conn = db.conn();
        let case = cases::find(&mut conn, &a, case_id).expect("the case");
        assert_eq!((case.beneficiary_id, case.pathway, case.intake_date), (awa, Pathway::GroupEnterprise, at().date()));
        assert_eq!(case.referral_source.as_deref(), Some("Séance AE"));
        let trail = audit::list_for_tenant(&mut conn, &a, 100).expect("trail");
        let created: Vec<_> = trail.iter().filter(|e| e.action == AuditAction::CaseCreated).collect();
        assert_eq!(created.len(), 1);
        assert_eq!((created[0].actor_user_id, created[0].occurred_at), (caseworker.user_id(), at()));
        assert_eq!(trail.iter().filter(|e| e.action == AuditAction::CaseAssigned).count(), 1, "the caseworker is assigned");
    }
}
