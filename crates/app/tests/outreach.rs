//! The outreach commands on both backends, below HTTP: one typed audit row
//! per change (ids and codes, never names), permissions, validation,
//! tenant isolation (by the commands and by the database), idempotent
//! marks, events that have not started or were cancelled, co-organisers
//! seeing only their own attendees, and figures computed from the records
//! with both sides of each period boundary.

use std::sync::Arc;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use relais_app::outreach::{
    self, DoorOutcome, DoorRegistration, EventEdit, EventInput, InstitutionInput, Mark, MarkOutcome, NewEvent,
    NewTally, ParticipantEdit, ParticipantInput, ParticipantMarkInput, StatusChange,
};
use relais_app::people::Registration;
use relais_app::{Actor, App, AppError, AppSettings, Member, Permissions};
use relais_domain::beneficiary::{ConsentChannel, ConsentPurpose, Sex};
use relais_domain::outreach::{
    AgeBand, AttendanceStatus, AttendeeInterest, EventKind, EventRefusal, EventStatus, EventTopic, TallyCell,
    TrainingAudience,
};
use relais_domain::{
    AuditAction, AuditTarget, BeneficiaryId, Conflict, EventId, Language, MembershipStatus, ParticipantId, Region,
    TenantRole, UserId,
};
use relais_persistence::models::audit::{self, AuditEvent};
use relais_persistence::models::beneficiaries::BeneficiaryFields;
use relais_persistence::models::consents::NewConsent;
use relais_persistence::models::events::listing::{EventFilter, When};
use relais_persistence::models::memberships;
use relais_persistence::models::participants::ParticipantMark;
use relais_persistence::schema::{beneficiaries, event_attendances};
use relais_persistence::{DbConnection, TenantScope};
use relais_test_support::{TestDb, backend_tests_async, fixtures};

/// The application clock of these tests.
fn at() -> NaiveDateTime {
    day(2026, 12, 10).and_hms_opt(10, 0, 0).expect("a time")
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a date")
}

fn today() -> NaiveDate {
    at().date()
}

fn permissions(role: TenantRole) -> Permissions {
    Permissions::of_role(role.as_str())
}

struct World {
    db: TestDb,
    app: App,
    a: TenantScope,
    b: TenantScope,
    c: TenantScope,
    admin: Actor,
    volunteer: Actor,
    viewer: Actor,
    b_volunteer: Actor,
    c_admin: Actor,
    awa: BeneficiaryId,
    moussa: BeneficiaryId,
    b_person: BeneficiaryId,
}

fn member(conn: &mut DbConnection, scope: &TenantScope, email: &str, role: TenantRole) -> Actor {
    let id = fixtures::user(conn, email, None);
    memberships::create(conn, scope, &id, role, MembershipStatus::Active, relais_persistence::now())
        .expect("membership");
    let user_id: UserId = id.parse().expect("a user id");
    Actor::member(Member { user_id, scope: *scope, role, permissions: permissions(role) }, "req-outreach")
}

fn person(conn: &mut DbConnection, scope: &TenantScope, given: &str, family: &str) -> BeneficiaryId {
    let id = BeneficiaryId::new();
    diesel::insert_into(beneficiaries::table)
        .values((
            beneficiaries::tenant_id.eq(scope.tenant_id().to_string()),
            beneficiaries::id.eq(id.to_string()),
            beneficiaries::given_names.eq(given),
            beneficiaries::family_names.eq(family),
            beneficiaries::name_key.eq(format!("{} {}", given.to_lowercase(), family.to_lowercase())),
            beneficiaries::sex.eq("female"),
            beneficiaries::created_at.eq(at()),
            beneficiaries::updated_at.eq(at()),
        ))
        .execute(conn)
        .expect("person");
    id
}

fn world(db: TestDb) -> World {
    let mut app = App::new(db.db.clone(), AppSettings { public_url: "https://relais.test".into() });
    app.set_clock(Arc::new(at));
    let mut conn = db.conn();
    let a = fixtures::tenant(&mut conn, "Association Espoir");
    let b = fixtures::tenant(&mut conn, "Association Horizons");
    let c = fixtures::tenant(&mut conn, "Agence C");
    let admin = member(&mut conn, &a, "admin@espoir.org", TenantRole::TenantAdmin);
    let volunteer = member(&mut conn, &a, "v@espoir.org", TenantRole::Volunteer);
    let viewer = member(&mut conn, &a, "m@espoir.org", TenantRole::Viewer);
    let b_volunteer = member(&mut conn, &b, "v@horizons.org", TenantRole::Volunteer);
    let c_admin = member(&mut conn, &c, "admin@c.org", TenantRole::TenantAdmin);
    let awa = person(&mut conn, &a, "Awa", "Diop");
    let moussa = person(&mut conn, &a, "Moussa", "Traoré");
    let b_person = person(&mut conn, &b, "Grace", "Mbala");
    drop(conn);
    World { db, app, a, b, c, admin, volunteer, viewer, b_volunteer, c_admin, awa, moussa, b_person }
}

fn input(kind: EventKind, start: NaiveDate) -> EventInput {
    EventInput {
        title: "Séance auto-entrepreneur".into(),
        kind: Some(kind),
        topics: vec![EventTopic::SelfEmployment],
        audience: (kind == EventKind::Training).then_some(TrainingAudience::Officials),
        start_date: Some(start),
        region: Some(Region::RabatSaleKenitra),
        city: "Salé".into(),
        languages: vec!["français".into(), "wolof".into()],
        ..EventInput::default()
    }
}

async fn plan(w: &World, kind: EventKind, start: NaiveDate, held: bool) -> EventId {
    outreach::plan_event(&w.app, &w.volunteer, NewEvent { input: input(kind, start), held })
        .await
        .expect("the event is recorded")
}

fn trail(w: &World, scope: &TenantScope) -> Vec<AuditEvent> {
    let mut rows = audit::list_for_tenant(&mut w.db.conn(), scope, 1000).expect("trail");
    rows.reverse();
    rows
}

fn rows_of(w: &World, scope: &TenantScope, action: AuditAction) -> Vec<AuditEvent> {
    trail(w, scope).into_iter().filter(|e| e.action == action).collect()
}

/// The one audit row of `action`: by whom, about what, on the application
/// clock, without the names and titles of the test.
fn one(w: &World, scope: &TenantScope, action: AuditAction, by: &Actor, target: &str) -> serde_json::Value {
    let found = rows_of(w, scope, action);
    assert_eq!(found.len(), 1, "one {action} row");
    let row = &found[0];
    assert_eq!(row.actor_user_id, by.user_id(), "{action} actor");
    assert_eq!(row.target_id.as_deref(), Some(target), "{action} target");
    assert_eq!(row.target_type, action.target());
    assert_eq!((row.occurred_at, row.request_id.as_deref()), (at(), Some("req-outreach")));
    for personal in ["Awa", "Diop", "Moussa", "Grace", "Séance", "Salé", "Fatou", "Karim", "Ministère"] {
        assert!(!row.details.contains(personal), "{action} details hold {personal}: {}", row.details);
    }
    serde_json::from_str(&row.details).expect("JSON details")
}

fn field(err: AppError, field: &str) -> &'static str {
    match err {
        AppError::Validation(errors) => errors.get(field).unwrap_or_else(|| panic!("no error on {field}: {errors:?}")),
        other => panic!("expected a field error on {field}, got {other:?}"),
    }
}

fn mark(event: EventId, person: BeneficiaryId, status: AttendanceStatus) -> Mark {
    Mark { event, person, status, interests: vec![AttendeeInterest::AutoEntrepreneur] }
}

fn attendance_rows(w: &World) -> i64 {
    event_attendances::table.count().get_result(&mut w.db.conn()).expect("count")
}

fn cell(sex: Sex, age_band: AgeBand, count: i64) -> TallyCell {
    TallyCell { sex, age_band, nationality: None, count }
}

fn official(name: &str) -> ParticipantInput {
    ParticipantInput {
        full_name: name.into(),
        institution: InstitutionInput { name: "Ministère de l'emploi".into(), ..InstitutionInput::default() },
        job_title: "Conseiller".into(),
        sex: Some(Sex::Male),
        email: "karim@example.org".into(),
        phone: String::new(),
    }
}

backend_tests_async! {
    async fn planning_editing_and_status_changes_are_validated_and_audited(db: TestDb) {
        let w = world(db);
        // Typed in after the fact: a past date, recorded as held.
        let past = plan(&w, EventKind::InformationSession, day(2026, 12, 3), true).await;
        let details = one(&w, &w.a, AuditAction::EventCreated, &w.volunteer, &past.to_string());
        assert_eq!((details["kind"].as_str(), details["status"].as_str()), (Some("information_session"), Some("held")));
        assert_eq!(details["topics"], serde_json::json!(["self_employment"]));

        // Held needs a date that has come; planned may be in the future.
        let future = NewEvent { input: input(EventKind::InformationSession, day(2026, 12, 11)), held: true };
        assert_eq!(field(outreach::plan_event(&w.app, &w.volunteer, future.clone()).await.expect_err("future held"), "status"), "event-error-held-in-future");
        let on_the_day = NewEvent { input: input(EventKind::FieldCampaign, today()), held: true };
        outreach::plan_event(&w.app, &w.volunteer, on_the_day).await.expect("held on the day itself");
        let upcoming = outreach::plan_event(&w.app, &w.volunteer, NewEvent { held: false, ..future }).await.expect("planned");

        // Validation, before anything is read or written.
        let mut bad = input(EventKind::InformationSession, day(2026, 12, 3));
        bad.title = "  ".into();
        bad.topics.clear();
        bad.end_date = Some(day(2026, 12, 2));
        bad.region = None;
        let err = outreach::plan_event(&w.app, &w.volunteer, NewEvent { input: bad.clone(), held: false }).await.expect_err("invalid");
        let AppError::Validation(errors) = err else { panic!("validation") };
        assert_eq!(errors.get("title"), Some("error-required"));
        assert_eq!(errors.get("topics"), Some("event-error-topics"));
        assert_eq!(errors.get("end_date"), Some("event-error-end-before-start"));
        assert_eq!(errors.get("region"), Some("error-choose"));
        bad = input(EventKind::Training, day(2026, 12, 3));
        bad.title = "é".repeat(201);
        bad.audience = None;
        let err = outreach::plan_event(&w.app, &w.volunteer, NewEvent { input: bad, held: false }).await.expect_err("invalid");
        let AppError::Validation(errors) = err else { panic!("validation") };
        assert_eq!((errors.get("title"), errors.get("audience")), (Some("error-too-long"), Some("error-choose")));
        let mut exact = input(EventKind::Training, day(2026, 12, 3));
        exact.title = "é".repeat(200);
        exact.end_date = Some(day(2026, 12, 3));
        outreach::plan_event(&w.app, &w.volunteer, NewEvent { input: exact, held: false }).await.expect("200 characters, same-day end");
        let mut stranger = input(EventKind::InformationSession, day(2026, 12, 3));
        stranger.facilitators = vec![w.c_admin.user_id().expect("user")];
        stranger.co_tenants = vec![w.a.tenant_id()];
        let err = outreach::plan_event(&w.app, &w.volunteer, NewEvent { input: stranger, held: false }).await.expect_err("links");
        let AppError::Validation(errors) = err else { panic!("validation") };
        assert_eq!((errors.get("facilitators"), errors.get("co_tenants")), (Some("error-choose"), Some("error-choose")));
        assert_eq!(rows_of(&w, &w.a, AuditAction::EventCreated).len(), 4, "refused plans write nothing");

        // Viewers see figures only.
        let viewer = outreach::plan_event(&w.app, &w.viewer, NewEvent { input: input(EventKind::Training, today()), held: false }).await;
        assert!(matches!(viewer, Err(AppError::Forbidden)));
        assert!(matches!(outreach::event_page(&w.app, &w.viewer, past).await, Err(AppError::Forbidden)));
        outreach::outreach_figures(&w.app, &w.viewer, day(2026, 1, 1), day(2026, 12, 31)).await.expect("figures");

        // Edit: audited with the changed fields, only when something changed.
        let page = outreach::event_page(&w.app, &w.admin, past).await.expect("page");
        let mut changed = input(EventKind::InformationSession, day(2026, 12, 3));
        changed.title = "Séance coopératives".into();
        changed.topics = vec![EventTopic::Cooperatives, EventTopic::SelfEmployment];
        changed.facilitators = vec![w.volunteer.user_id().expect("user")];
        let edit = EventEdit { event: past, version: page.event.version, input: changed.clone() };
        assert!(outreach::edit_event(&w.app, &w.admin, edit.clone()).await.expect("edited"));
        let details = one(&w, &w.a, AuditAction::EventUpdated, &w.admin, &past.to_string());
        assert_eq!(details, serde_json::json!({ "changed": ["title", "topics", "facilitators"] }));
        let same = EventEdit { version: page.event.version + 1, ..edit.clone() };
        assert!(!outreach::edit_event(&w.app, &w.admin, same).await.expect("nothing to change"));
        assert!(matches!(outreach::edit_event(&w.app, &w.admin, edit.clone()).await, Err(AppError::Conflict(Conflict::StaleVersion))));
        let mut to_future = changed.clone();
        to_future.start_date = Some(day(2026, 12, 20));
        let moved = EventEdit { event: past, version: page.event.version + 1, input: to_future };
        assert_eq!(field(outreach::edit_event(&w.app, &w.admin, moved).await.expect_err("held in future"), "start_date"), "event-error-held-in-future");
        assert_eq!(rows_of(&w, &w.a, AuditAction::EventUpdated).len(), 1);

        // Status machine, with the stored state and date.
        let change = |event, version, to| StatusChange { event, version, to };
        let err = outreach::change_event_status(&w.app, &w.admin, change(upcoming, 1, EventStatus::Held)).await.expect_err("not yet");
        assert!(matches!(err, AppError::Conflict(Conflict::EventRefused(EventRefusal::InFuture))), "{err:?}");
        assert_eq!(outreach::change_event_status(&w.app, &w.admin, change(upcoming, 1, EventStatus::Cancelled)).await.expect("cancelled"), EventStatus::Cancelled);
        let details = one(&w, &w.a, AuditAction::EventStatusChanged, &w.admin, &upcoming.to_string());
        assert_eq!(details, serde_json::json!({ "from": "planned", "to": "cancelled" }));
        let err = outreach::change_event_status(&w.app, &w.admin, change(upcoming, 2, EventStatus::Held)).await.expect_err("illegal");
        assert!(matches!(err, AppError::Conflict(Conflict::EventTransition { from: EventStatus::Cancelled, to: EventStatus::Held })), "{err:?}");
        let err = outreach::change_event_status(&w.app, &w.admin, change(upcoming, 1, EventStatus::Planned)).await.expect_err("stale");
        assert!(matches!(err, AppError::Conflict(Conflict::StaleVersion)), "{err:?}");
        assert_eq!(rows_of(&w, &w.a, AuditAction::EventStatusChanged).len(), 1);

        // Another tenant neither reads nor changes it.
        assert!(matches!(outreach::event_page(&w.app, &w.c_admin, past).await, Err(AppError::NotFound)));
        assert!(matches!(outreach::change_event_status(&w.app, &w.c_admin, change(past, 2, EventStatus::Planned)).await, Err(AppError::NotFound)));
        assert!(matches!(outreach::edit_event(&w.app, &w.c_admin, edit).await, Err(AppError::NotFound)));
    }

    async fn attendance_is_one_mark_per_person_and_audited_when_it_changes(db: TestDb) {
        let w = world(db);
        let event = plan(&w, EventKind::InformationSession, day(2026, 12, 3), true).await;
        let first = outreach::record_attendance(&w.app, &w.volunteer, mark(event, w.awa, AttendanceStatus::Present)).await.expect("marked");
        let MarkOutcome::Recorded(id) = first else { panic!("recorded: {first:?}") };
        let details = one(&w, &w.a, AuditAction::AttendanceRecorded, &w.volunteer, &event.to_string());
        assert_eq!(details["beneficiary_id"], serde_json::json!(w.awa));
        assert_eq!((details["status"].as_str(), details["interests"].clone()), (Some("present"), serde_json::json!(["auto_entrepreneur"])));

        // The same mark again is the same mark: no row, no audit.
        let again = outreach::record_attendance(&w.app, &w.volunteer, mark(event, w.awa, AttendanceStatus::Present)).await.expect("again");
        assert_eq!(again, MarkOutcome::Unchanged(id));
        assert_eq!(attendance_rows(&w), 1);
        assert_eq!(rows_of(&w, &w.a, AuditAction::AttendanceRecorded).len(), 1);

        // A different mark changes the one row.
        let absent = outreach::record_attendance(&w.app, &w.admin, mark(event, w.awa, AttendanceStatus::Absent)).await.expect("absent");
        assert_eq!(absent, MarkOutcome::Changed(id));
        assert_eq!(attendance_rows(&w), 1);
        let changes = rows_of(&w, &w.a, AuditAction::AttendanceRecorded);
        assert_eq!(changes.len(), 2);
        let details: serde_json::Value = serde_json::from_str(&changes[1].details).expect("JSON");
        assert_eq!((details["status"].as_str(), details["previous_status"].as_str()), (Some("absent"), Some("present")));

        let page = outreach::event_page(&w.app, &w.volunteer, event).await.expect("page");
        assert_eq!(page.attendees.len(), 1);
        assert_eq!((page.attendees[0].family_names.as_str(), page.attendees[0].status), ("Diop", AttendanceStatus::Absent));
        let attended = outreach::events_of_person(&w.app, &w.volunteer, w.awa).await.expect("events of a person");
        assert_eq!(attended.iter().map(|e| (e.event_id, e.status)).collect::<Vec<_>>(), vec![(event, AttendanceStatus::Absent)]);

        outreach::remove_attendance(&w.app, &w.volunteer, event, w.awa).await.expect("removed");
        let details = one(&w, &w.a, AuditAction::AttendanceRemoved, &w.volunteer, &event.to_string());
        assert_eq!(details["attendance_id"], serde_json::json!(id));
        assert_eq!(attendance_rows(&w), 0);
        assert!(matches!(outreach::remove_attendance(&w.app, &w.volunteer, event, w.awa).await, Err(AppError::NotFound)));
        assert!(matches!(
            outreach::record_attendance(&w.app, &w.viewer, mark(event, w.awa, AttendanceStatus::Present)).await,
            Err(AppError::Forbidden)
        ));
    }

    async fn future_and_cancelled_events_take_no_attendance_tally_or_participant(db: TestDb) {
        let w = world(db);
        let future = plan(&w, EventKind::Training, day(2026, 12, 11), false).await;
        let cancelled = plan(&w, EventKind::Training, day(2026, 12, 1), false).await;
        outreach::change_event_status(&w.app, &w.admin, StatusChange { event: cancelled, version: 1, to: EventStatus::Cancelled }).await.expect("cancelled");
        let official = outreach::create_participant(&w.app, &w.volunteer, official("Karim Alaoui")).await.expect("participant");
        for (event, refusal) in [(future, EventRefusal::InFuture), (cancelled, EventRefusal::Cancelled)] {
            let refused = |r: AppResult<()>| matches!(r, Err(AppError::Conflict(Conflict::EventRefused(x))) if x == refusal);
            type AppResult<T> = Result<T, AppError>;
            assert!(refused(outreach::record_attendance(&w.app, &w.volunteer, mark(event, w.awa, AttendanceStatus::Present)).await.map(|_| ())));
            let tally = NewTally { event, label: String::new(), cells: vec![cell(Sex::Female, AgeBand::From25To34, 3)] };
            assert!(refused(outreach::record_tally(&w.app, &w.volunteer, tally).await.map(|_| ())));
            let presence = ParticipantMarkInput { event, participant: official, status: AttendanceStatus::Present };
            assert!(refused(outreach::record_participant_attendance(&w.app, &w.volunteer, presence).await.map(|_| ())));
            let door = DoorRegistration { event, registration: registration("Fatou", "Ndiaye"), interests: vec![] };
            assert!(refused(outreach::register_and_mark_present(&w.app, &w.volunteer, door).await.map(|_| ())));
        }
        assert_eq!(attendance_rows(&w), 0);
        let people: i64 = beneficiaries::table.count().get_result(&mut w.db.conn()).expect("count");
        assert_eq!(people, 3, "no one was registered at the door of a closed event");
        for action in [AuditAction::AttendanceRecorded, AuditAction::TallyRecorded, AuditAction::ParticipantAttendanceRecorded, AuditAction::BeneficiaryCreated] {
            assert!(rows_of(&w, &w.a, action).is_empty(), "{action}");
        }
    }

    async fn another_tenants_person_is_refused_by_the_command_and_the_database(db: TestDb) {
        let w = world(db);
        let event = plan(&w, EventKind::InformationSession, day(2026, 12, 3), true).await;
        let err = outreach::record_attendance(&w.app, &w.volunteer, mark(event, w.b_person, AttendanceStatus::Present)).await.expect_err("refused");
        assert!(matches!(err, AppError::NotFound), "{err:?}");
        // Another tenant cannot mark its people at an event it does not organise.
        let err = outreach::record_attendance(&w.app, &w.b_volunteer, mark(event, w.b_person, AttendanceStatus::Present)).await.expect_err("refused");
        assert!(matches!(err, AppError::NotFound), "{err:?}");
        assert!(outreach::list_events(&w.app, &w.c_admin, EventFilter::default(), None, 50).await.expect("list").page.rows.is_empty());

        // The database refuses the same rows written by hand.
        let raw = |tenant: &TenantScope, person: BeneficiaryId| {
            diesel::insert_into(event_attendances::table)
                .values((
                    event_attendances::tenant_id.eq(tenant.tenant_id().to_string()),
                    event_attendances::id.eq(relais_domain::AttendanceId::new().to_string()),
                    event_attendances::event_tenant_id.eq(w.a.tenant_id().to_string()),
                    event_attendances::event_id.eq(event.to_string()),
                    event_attendances::beneficiary_id.eq(person.to_string()),
                    event_attendances::status.eq("present"),
                    event_attendances::created_at.eq(at()),
                    event_attendances::updated_at.eq(at()),
                ))
                .execute(&mut w.db.conn())
        };
        assert!(raw(&w.a, w.b_person).is_err(), "a person of another tenant");
        assert!(raw(&w.b, w.b_person).is_err(), "an event the tenant does not organise");
        assert!(raw(&w.a, w.awa).is_ok(), "the control row is accepted");
        assert!(raw(&w.a, w.awa).is_err(), "one row per person and event");
        let _ = &w.c;
    }

    async fn a_co_organiser_sees_the_event_and_only_its_own_attendees(db: TestDb) {
        let w = world(db);
        let mut shared = input(EventKind::InformationSession, day(2026, 12, 3));
        shared.co_tenants = vec![w.b.tenant_id()];
        let event = outreach::plan_event(&w.app, &w.volunteer, NewEvent { input: shared.clone(), held: true }).await.expect("planned");
        let details = one(&w, &w.a, AuditAction::EventCreated, &w.volunteer, &event.to_string());
        assert_eq!(details["co_tenants"], serde_json::json!([w.b.tenant_id()]));
        outreach::record_attendance(&w.app, &w.volunteer, mark(event, w.awa, AttendanceStatus::Present)).await.expect("A marks its person");
        outreach::record_attendance(&w.app, &w.b_volunteer, mark(event, w.b_person, AttendanceStatus::Present)).await.expect("B marks its person");
        let tally = NewTally { event, label: "Entrée".into(), cells: vec![cell(Sex::Male, AgeBand::Unknown, 4)] };
        outreach::record_tally(&w.app, &w.b_volunteer, tally).await.expect("B counts");
        one(&w, &w.b, AuditAction::AttendanceRecorded, &w.b_volunteer, &event.to_string());
        assert_eq!(rows_of(&w, &w.a, AuditAction::AttendanceRecorded).len(), 1, "each tenant's log has its own marks");

        let seen_by_b = outreach::event_page(&w.app, &w.b_volunteer, event).await.expect("B sees the event");
        assert!(!seen_by_b.own && seen_by_b.next_statuses.is_empty());
        assert_eq!(seen_by_b.attendees.iter().map(|a| a.beneficiary_id).collect::<Vec<_>>(), vec![w.b_person]);
        assert_eq!(seen_by_b.tallies.len(), 1);
        assert_eq!(seen_by_b.names.tenants.get(&w.a.tenant_id()).map(String::as_str), Some("Association Espoir"));
        let seen_by_a = outreach::event_page(&w.app, &w.admin, event).await.expect("A sees the event");
        assert!(seen_by_a.own);
        assert_eq!(seen_by_a.attendees.iter().map(|a| a.beneficiary_id).collect::<Vec<_>>(), vec![w.awa]);
        assert!(seen_by_a.tallies.is_empty(), "B's tally is B's");

        let listed = outreach::list_events(&w.app, &w.b_volunteer, EventFilter::default(), None, 50).await.expect("list");
        assert_eq!(listed.page.rows.len(), 1);
        let row = &listed.page.rows[0];
        assert_eq!((row.id, row.co_organised, row.present, row.counted), (event, true, 1, 4));

        // Only the event's tenant changes it; B stays while it has records.
        let edit = EventEdit { event, version: 1, input: shared.clone() };
        assert!(matches!(outreach::edit_event(&w.app, &w.b_volunteer, edit).await, Err(AppError::NotFound)));
        let mut without_b = shared;
        without_b.co_tenants.clear();
        let edit = EventEdit { event, version: 1, input: without_b };
        assert_eq!(field(outreach::edit_event(&w.app, &w.admin, edit).await.expect_err("B has records"), "co_tenants"), "event-error-co-organiser-records");
        assert!(outreach::events_of_person(&w.app, &w.b_volunteer, w.awa).await.expect("read").is_empty());
    }

    async fn registering_at_the_door_registers_records_consent_and_marks_present_at_once(db: TestDb) {
        let w = world(db);
        let event = plan(&w, EventKind::InformationSession, day(2026, 12, 3), true).await;
        let mut with_consent = registration("Fatou", "Ndiaye");
        with_consent.consent = Some(NewConsent {
            purpose: ConsentPurpose::CaseManagement,
            partner_tenant_id: None,
            service_ref: None,
            channel: ConsentChannel::Written,
            language: Language::Fr,
            given_on: today(),
            expires_on: None,
            witness: None,
        });
        let door = DoorRegistration { event, registration: with_consent, interests: vec![AttendeeInterest::GroupProject] };
        let DoorOutcome::Marked { person, attendance } = outreach::register_and_mark_present(&w.app, &w.volunteer, door.clone()).await.expect("door")
        else { panic!("marked") };
        let actions: Vec<AuditAction> = trail(&w, &w.a).iter().map(|e| e.action).filter(|a| *a != AuditAction::EventCreated).collect();
        assert_eq!(actions, vec![AuditAction::BeneficiaryCreated, AuditAction::ConsentRecorded, AuditAction::AttendanceRecorded]);
        let details = one(&w, &w.a, AuditAction::AttendanceRecorded, &w.volunteer, &event.to_string());
        assert_eq!((details["beneficiary_id"].clone(), details["attendance_id"].clone()), (serde_json::json!(person), serde_json::json!(attendance)));
        assert_eq!(details["interests"], serde_json::json!(["group_project"]));

        // The duplicate check of the people registration applies: nothing is written.
        let again = outreach::register_and_mark_present(&w.app, &w.volunteer, door.clone()).await.expect("door");
        let DoorOutcome::PossibleDuplicates(candidates) = again else { panic!("duplicates") };
        assert_eq!(candidates[0].beneficiary.id, person);
        assert_eq!(attendance_rows(&w), 1);
        let mut anyway = door;
        anyway.registration.create_anyway = true;
        anyway.registration.consent = None;
        let DoorOutcome::Marked { person: second, .. } = outreach::register_and_mark_present(&w.app, &w.volunteer, anyway).await.expect("anyway")
        else { panic!("marked") };
        assert_ne!(second, person);
        assert_eq!(rows_of(&w, &w.a, AuditAction::BeneficiaryCreatedDespiteDuplicates).len(), 1);
        assert_eq!(attendance_rows(&w), 2);
        let viewer = outreach::register_and_mark_present(&w.app, &w.viewer, DoorRegistration { event, registration: registration("A", "B"), interests: vec![] }).await;
        assert!(matches!(viewer, Err(AppError::Forbidden)));
    }

    async fn tallies_are_checked_and_audited_with_counts_only(db: TestDb) {
        let w = world(db);
        let campaign = plan(&w, EventKind::FieldCampaign, day(2026, 12, 5), true).await;
        let cells = vec![cell(Sex::Female, AgeBand::From18To24, 12), cell(Sex::Male, AgeBand::From45, 0), TallyCell { nationality: Some("sn".into()), ..cell(Sex::Female, AgeBand::From18To24, 5) }];
        let tally = outreach::record_tally(&w.app, &w.volunteer, NewTally { event: campaign, label: "Souk".into(), cells }).await.expect("tally");
        let details = one(&w, &w.a, AuditAction::TallyRecorded, &w.volunteer, &campaign.to_string());
        assert_eq!(details, serde_json::json!({ "tally_id": tally, "cells": 3, "total": 17 }));
        let page = outreach::event_page(&w.app, &w.volunteer, campaign).await.expect("page");
        assert_eq!(page.tallies[0].cells[2].nationality.as_deref(), Some("SN"));
        for (cells, key) in [
            (vec![cell(Sex::Female, AgeBand::Under18, -1)], "event-error-tally-count"),
            (vec![cell(Sex::Female, AgeBand::Under18, 0)], "event-error-tally-empty"),
            (vec![cell(Sex::Female, AgeBand::Under18, 1), cell(Sex::Female, AgeBand::Under18, 2)], "event-error-tally-repeated"),
        ] {
            let err = outreach::record_tally(&w.app, &w.volunteer, NewTally { event: campaign, label: String::new(), cells }).await.expect_err("bad tally");
            assert_eq!(field(err, "cells"), key);
        }
        assert_eq!(rows_of(&w, &w.a, AuditAction::TallyRecorded).len(), 1);
    }

    async fn participants_are_tenant_scoped_audited_and_marked_once(db: TestDb) {
        let w = world(db);
        let training = plan(&w, EventKind::Training, day(2026, 12, 2), true).await;
        let karim = outreach::create_participant(&w.app, &w.volunteer, official("Karim Alaoui")).await.expect("created");
        let details = one(&w, &w.a, AuditAction::ParticipantCreated, &w.volunteer, &karim.to_string());
        assert_eq!(details, serde_json::json!({ "institution": "named", "sex": "male" }));
        let mut two = official("Karim Alaoui");
        two.institution.tenant = Some(w.b.tenant_id());
        assert_eq!(field(outreach::create_participant(&w.app, &w.volunteer, two).await.expect_err("two"), "institution"), "event-error-one-institution");
        let mut bad = official("");
        bad.email = "not an address".into();
        let err = outreach::create_participant(&w.app, &w.volunteer, bad).await.expect_err("bad");
        let AppError::Validation(errors) = err else { panic!("validation") };
        assert_eq!((errors.get("full_name"), errors.get("email")), (Some("error-required"), Some("error-email")));

        let mut moved = official("Karim Alaoui");
        moved.institution = InstitutionInput { tenant: Some(w.b.tenant_id()), ..InstitutionInput::default() };
        let edit = ParticipantEdit { participant: karim, version: 1, input: moved };
        assert!(outreach::update_participant(&w.app, &w.admin, edit.clone()).await.expect("updated"));
        let details = one(&w, &w.a, AuditAction::ParticipantUpdated, &w.admin, &karim.to_string());
        assert_eq!(details, serde_json::json!({ "changed": ["institution"] }));
        assert!(matches!(outreach::update_participant(&w.app, &w.admin, edit).await, Err(AppError::Conflict(Conflict::StaleVersion))));

        let presence = ParticipantMarkInput { event: training, participant: karim, status: AttendanceStatus::Present };
        assert_eq!(outreach::record_participant_attendance(&w.app, &w.volunteer, presence).await.expect("marked"), ParticipantMark::Created);
        assert_eq!(outreach::record_participant_attendance(&w.app, &w.volunteer, presence).await.expect("again"), ParticipantMark::Unchanged);
        let details = one(&w, &w.a, AuditAction::ParticipantAttendanceRecorded, &w.volunteer, &karim.to_string());
        assert_eq!(details["event_id"], serde_json::json!(training));
        let page = outreach::event_page(&w.app, &w.volunteer, training).await.expect("page");
        assert_eq!(page.participants.iter().map(|p| p.participant_id).collect::<Vec<ParticipantId>>(), vec![karim]);
        let (found, events) = outreach::participant_events(&w.app, &w.volunteer, karim).await.expect("participant");
        assert_eq!((found.full_name.as_str(), events.len()), ("Karim Alaoui", 1));
        assert_eq!(outreach::list_participants(&w.app, &w.volunteer, Some("alao".into()), 50).await.expect("list").len(), 1);

        // Another tenant neither sees nor marks them.
        assert!(outreach::list_participants(&w.app, &w.b_volunteer, None, 50).await.expect("list").is_empty());
        assert!(matches!(outreach::participant_events(&w.app, &w.b_volunteer, karim).await, Err(AppError::NotFound)));
        let b_training = outreach::plan_event(&w.app, &w.b_volunteer, NewEvent { input: input(EventKind::Training, day(2026, 12, 2)), held: true }).await.expect("B's training");
        let elsewhere = ParticipantMarkInput { event: b_training, participant: karim, status: AttendanceStatus::Present };
        assert!(matches!(outreach::record_participant_attendance(&w.app, &w.b_volunteer, elsewhere).await, Err(AppError::NotFound)));
    }

    async fn figures_count_held_events_by_start_date_on_both_sides_of_each_boundary(db: TestDb) {
        let w = world(db);
        let (from, to) = (day(2026, 11, 1), day(2026, 11, 30));
        let session = |d| plan(&w, EventKind::InformationSession, d, true);
        let before = session(day(2026, 10, 31)).await;
        let first = session(from).await;
        let last = session(to).await;
        let after = session(day(2026, 12, 1)).await;
        let planned = plan(&w, EventKind::InformationSession, day(2026, 11, 15), false).await;
        let cancelled = plan(&w, EventKind::InformationSession, day(2026, 11, 16), false).await;
        let present = |event, person| outreach::record_attendance(&w.app, &w.volunteer, mark(event, person, AttendanceStatus::Present));
        present(before, w.awa).await.expect("mark");
        present(first, w.awa).await.expect("mark");
        present(last, w.awa).await.expect("mark");
        present(after, w.moussa).await.expect("mark");
        present(planned, w.moussa).await.expect("mark");
        present(cancelled, w.moussa).await.expect("mark");
        outreach::record_attendance(&w.app, &w.volunteer, mark(first, w.moussa, AttendanceStatus::Absent)).await.expect("absent");
        outreach::change_event_status(&w.app, &w.admin, StatusChange { event: cancelled, version: 1, to: EventStatus::Cancelled }).await.expect("cancelled");

        let campaign = |d| plan(&w, EventKind::FieldCampaign, d, true);
        let count = |event, n| outreach::record_tally(&w.app, &w.volunteer, NewTally { event, label: String::new(), cells: vec![cell(Sex::Female, AgeBand::From25To34, n), cell(Sex::Male, AgeBand::Under18, 1)] });
        count(campaign(day(2026, 10, 31)).await, 100).await.expect("tally");
        count(campaign(from).await, 10).await.expect("tally");
        count(campaign(to).await, 20).await.expect("tally");
        count(campaign(day(2026, 12, 1)).await, 1000).await.expect("tally");

        let karim = outreach::create_participant(&w.app, &w.volunteer, official("Karim Alaoui")).await.expect("karim");
        let leila = outreach::create_participant(&w.app, &w.volunteer, official("Leila Bennani")).await.expect("leila");
        let training = |d| plan(&w, EventKind::Training, d, true);
        let meeting = plan(&w, EventKind::NetworkMeeting, day(2026, 11, 20), true).await;
        let attend = |event, participant| outreach::record_participant_attendance(&w.app, &w.volunteer, ParticipantMarkInput { event, participant, status: AttendanceStatus::Present });
        attend(training(to).await, karim).await.expect("mark");
        attend(training(from).await, karim).await.expect("mark");
        attend(training(day(2026, 12, 1)).await, leila).await.expect("mark");
        attend(meeting, leila).await.expect("mark");

        let figures = outreach::outreach_figures(&w.app, &w.viewer, from, to).await.expect("figures");
        assert_eq!(figures.events_held, 7, "two sessions, two campaigns, two trainings, one meeting");
        let by_kind: Vec<(EventKind, i64)> = figures.events_held_by_kind.clone();
        assert_eq!(by_kind, vec![(EventKind::InformationSession, 2), (EventKind::FieldCampaign, 2), (EventKind::Training, 2), (EventKind::NetworkMeeting, 1)]);
        assert_eq!(figures.people_informed, 1, "Awa once; Moussa absent, at a planned, a cancelled and a later session");
        assert_eq!(figures.people_present, 1);
        assert_eq!(figures.headcount, 32);
        assert_eq!(figures.headcount_by_sex, vec![(Sex::Female, 30), (Sex::Male, 2), (Sex::Other, 0), (Sex::Unknown, 0)]);
        assert!(figures.headcount_by_age_band.contains(&(AgeBand::Under18, 2)) && figures.headcount_by_age_band.contains(&(AgeBand::From25To34, 30)));
        assert_eq!((figures.officials_trained, figures.officials_engaged), (1, 2));

        // One day more on each side brings the outside events in.
        let wider = outreach::outreach_figures(&w.app, &w.viewer, day(2026, 10, 31), day(2026, 12, 1)).await.expect("figures");
        assert_eq!((wider.events_held, wider.people_informed, wider.headcount, wider.officials_trained), (12, 2, 1134, 2));
        // The other tenant counts nothing of it; a reversed period is refused.
        assert_eq!(outreach::outreach_figures(&w.app, &w.b_volunteer, from, to).await.expect("figures").events_held, 0);
        assert_eq!(field(outreach::outreach_figures(&w.app, &w.viewer, to, from).await.expect_err("reversed"), "to"), "event-error-period");
    }

    async fn the_events_list_filters_and_pages_upcoming_and_past_events(db: TestDb) {
        let w = world(db);
        let mut ids = Vec::new();
        for d in [1, 3, 5, 8] {
            ids.push(plan(&w, EventKind::InformationSession, day(2026, 12, d), true).await);
        }
        let mut rights = input(EventKind::FieldCampaign, day(2026, 12, 12));
        rights.topics = vec![EventTopic::Rights];
        rights.region = Some(Region::FesMeknes);
        let soon = outreach::plan_event(&w.app, &w.volunteer, NewEvent { input: rights, held: false }).await.expect("planned");
        let today_event = plan(&w, EventKind::InformationSession, today(), false).await;

        let list = |filter: EventFilter, after, limit| outreach::list_events(&w.app, &w.volunteer, filter, after, limit);
        let past = EventFilter { when: When::Past, ..EventFilter::default() };
        let first = list(past.clone(), None, 3).await.expect("page");
        assert_eq!(first.page.rows.iter().map(|r| r.id).collect::<Vec<_>>(), vec![ids[3], ids[2], ids[1]]);
        let next = first.page.next.expect("a next page");
        let token = next.to_token();
        let second = list(past, relais_persistence::models::events::listing::EventCursor::parse(&token), 3).await.expect("page");
        assert_eq!(second.page.rows.iter().map(|r| r.id).collect::<Vec<_>>(), vec![ids[0]]);
        assert!(second.page.next.is_none());
        let upcoming = list(EventFilter { when: When::Upcoming, ..EventFilter::default() }, None, 50).await.expect("page");
        assert_eq!(upcoming.page.rows.iter().map(|r| r.id).collect::<Vec<_>>(), vec![today_event, soon], "today counts as upcoming, soonest first");
        let by_topic = list(EventFilter { topic: Some(EventTopic::Rights), ..EventFilter::default() }, None, 50).await.expect("page");
        assert_eq!(by_topic.page.rows.iter().map(|r| r.id).collect::<Vec<_>>(), vec![soon]);
        let by_region = list(EventFilter { region: Some(Region::FesMeknes), kind: Some(EventKind::FieldCampaign), ..EventFilter::default() }, None, 50).await.expect("page");
        assert_eq!(by_region.page.rows.len(), 1);
        let period = list(EventFilter { from: Some(day(2026, 12, 3)), to: Some(day(2026, 12, 5)), ..EventFilter::default() }, None, 50).await.expect("page");
        assert_eq!(period.page.rows.iter().map(|r| r.id).collect::<Vec<_>>(), vec![ids[2], ids[1]]);
    }

    async fn erasing_a_person_keeps_the_count_of_their_attendance_not_their_identity(db: TestDb) {
        let w = world(db);
        let session = plan(&w, EventKind::InformationSession, day(2026, 11, 10), true).await;
        outreach::record_attendance(&w.app, &w.volunteer, mark(session, w.awa, AttendanceStatus::Present)).await.expect("mark");
        let (from, to) = (day(2026, 11, 1), day(2026, 11, 30));
        let before = outreach::outreach_figures(&w.app, &w.viewer, from, to).await.expect("figures");
        assert_eq!(before.people_informed, 1);

        relais_app::people::erase_person(&w.app, &w.admin, w.awa, true).await.expect("erased");
        let after = outreach::outreach_figures(&w.app, &w.viewer, from, to).await.expect("figures");
        assert_eq!(after.people_informed, 1, "the attendance still counts");
        assert_eq!(attendance_rows(&w), 1);
        let page = outreach::event_page(&w.app, &w.volunteer, session).await.expect("page");
        assert_eq!(page.attendees.len(), 1);
        let shown = format!("{} {}", page.attendees[0].given_names, page.attendees[0].family_names);
        assert!(!shown.contains("Awa") && !shown.contains("Diop"), "the identity is gone: {shown}");
    }
}

fn registration(given: &str, family: &str) -> Registration {
    Registration {
        person: BeneficiaryFields {
            given_names: given.into(),
            family_names: family.into(),
            arabic_name: None,
            sex: Sex::Female,
            birth_date: None,
            birth_year: Some(1994),
            nationalities: vec!["SN".into()],
            languages: vec![],
            phone: None,
            whatsapp: None,
            email: None,
            city: None,
            region: Some(Region::RabatSaleKenitra),
            household_size_morocco: None,
            household_size_origin: None,
            education_level: None,
            previous_occupation: None,
            skills: None,
            regularisation_year: None,
        },
        document: None,
        consent: None,
        create_anyway: false,
    }
}

#[test]
fn every_outreach_action_targets_an_event_or_a_participant() {
    for action in [
        AuditAction::EventCreated,
        AuditAction::EventUpdated,
        AuditAction::EventStatusChanged,
        AuditAction::AttendanceRecorded,
        AuditAction::AttendanceRemoved,
        AuditAction::TallyRecorded,
    ] {
        assert_eq!(action.target(), AuditTarget::Event, "{action}");
    }
    for action in
        [AuditAction::ParticipantCreated, AuditAction::ParticipantUpdated, AuditAction::ParticipantAttendanceRecorded]
    {
        assert_eq!(action.target(), AuditTarget::Participant, "{action}");
    }
}
