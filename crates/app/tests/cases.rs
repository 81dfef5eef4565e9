//! The case-file commands on both backends, below HTTP: for each command
//! its audit row (typed action, actor, target, ids and codes only), its
//! permission refusal, its validation or typed conflict, and that nothing
//! is written when it fails; every change stamped with the application
//! clock.

use std::sync::Arc;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use relais_app::cases::{self, CaseEdit, CaseListQuery, NewCase, NewNote, NewTask};
use relais_app::{Actor, App, AppError, AppSettings, Member, Permissions};
use relais_domain::case_file::{CaseEventKind, CaseStatus, CloseReason, NoteVisibility, Pathway};
use relais_domain::{
    ActorKind, AuditAction, AuditTarget, BeneficiaryId, CaseId, Conflict, MembershipStatus, Permission, TenantRole,
    UserId,
};
use relais_persistence::models::audit::{self, AuditEvent};
use relais_persistence::models::{case_events, cases as case_rows, memberships, tasks};
use relais_persistence::schema::{beneficiaries, cases as cases_table};
use relais_persistence::{DbConnection, TenantScope};
use relais_test_support::{TestDb, backend_tests_async, fixtures};

/// The application clock of these tests: every change is stamped with it.
fn at() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 11, 20).and_then(|d| d.and_hms_opt(10, 15, 0)).expect("a time")
}

/// What a role grants, from the role policies the server loads.
fn permissions(role: TenantRole) -> Permissions {
    Permissions::of_role(role.as_str())
}

struct World {
    db: TestDb,
    app: App,
    tenant: TenantScope,
    other: TenantScope,
    admin: Actor,
    author: Actor,
    colleague: Actor,
    volunteer: Actor,
    viewer: Actor,
    outsider: Actor,
    person: BeneficiaryId,
}

fn member(conn: &mut DbConnection, scope: &TenantScope, email: &str, name: &str, role: TenantRole) -> Actor {
    let id = fixtures::user(conn, email, None);
    memberships::create(conn, scope, &id, role, MembershipStatus::Active, relais_persistence::now())
        .expect("membership");
    diesel::update(relais_persistence::schema::users::table.filter(relais_persistence::schema::users::id.eq(&id)))
        .set(relais_persistence::schema::users::display_name.eq(name))
        .execute(conn)
        .expect("name");
    let user_id: UserId = id.parse().expect("a user id");
    Actor::member(Member { user_id, scope: *scope, role, permissions: permissions(role) }, "req-cases")
}

fn person(conn: &mut DbConnection, scope: &TenantScope) -> BeneficiaryId {
    let id = BeneficiaryId::new();
    diesel::insert_into(beneficiaries::table)
        .values((
            beneficiaries::tenant_id.eq(scope.tenant_id().to_string()),
            beneficiaries::id.eq(id.to_string()),
            beneficiaries::given_names.eq("Aminata"),
            beneficiaries::family_names.eq("Sow"),
            beneficiaries::name_key.eq("aminata sow"),
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
    let tenant = fixtures::tenant(&mut conn, "Association Espoir");
    let other = fixtures::tenant(&mut conn, "Agence B");
    let admin = member(&mut conn, &tenant, "admin@espoir.org", "Samira Admin", TenantRole::TenantAdmin);
    let author = member(&mut conn, &tenant, "karim@espoir.org", "Karim Benali", TenantRole::Caseworker);
    let colleague = member(&mut conn, &tenant, "nadia@espoir.org", "Nadia Ouali", TenantRole::Caseworker);
    let volunteer = member(&mut conn, &tenant, "v@espoir.org", "Vera Volunteer", TenantRole::Volunteer);
    let viewer = member(&mut conn, &tenant, "m@espoir.org", "Malik Viewer", TenantRole::Viewer);
    let outsider = member(&mut conn, &other, "admin@b.org", "Bachir Admin", TenantRole::TenantAdmin);
    let person = person(&mut conn, &tenant);
    drop(conn);
    World { db, app, tenant, other, admin, author, colleague, volunteer, viewer, outsider, person }
}

fn user(actor: &Actor) -> UserId {
    actor.user_id().expect("a user")
}

fn new_case(w: &World, assignees: Vec<UserId>) -> NewCase {
    NewCase {
        person: w.person,
        pathway: Some(Pathway::AutoEntrepreneur),
        intake_date: Some(at().date()),
        referral_source: " Salon de l'emploi ".into(),
        goals: "Obtenir la carte d'auto-entrepreneur".into(),
        assignees,
    }
}

async fn opened(w: &World) -> CaseId {
    cases::open_case(&w.app, &w.author, new_case(w, vec![user(&w.author)])).await.expect("the case is opened")
}

/// Every audit row of the tenant.
fn trail(w: &World) -> Vec<AuditEvent> {
    audit::list_for_tenant(&mut w.db.conn(), &w.tenant, 1000).expect("trail")
}

/// The audit rows of one action about one case.
fn rows(w: &World, case: CaseId, action: AuditAction) -> Vec<AuditEvent> {
    audit::list_for_target(&mut w.db.conn(), &w.tenant, AuditTarget::Case, &case.to_string(), 1000)
        .expect("trail")
        .into_iter()
        .filter(|e| e.action == action)
        .collect()
}

/// The one audit row of an action, by whom, stamped with the application clock.
fn one(w: &World, case: CaseId, action: AuditAction, by: &Actor) -> serde_json::Value {
    let found = rows(w, case, action);
    assert_eq!(found.len(), 1, "one {action} row");
    let row = &found[0];
    assert_eq!(
        (row.actor_user_id, row.actor_kind, row.target_type),
        (by.user_id(), Some(ActorKind::User), AuditTarget::Case)
    );
    assert_eq!((row.occurred_at, row.request_id.as_deref()), (at(), Some("req-cases")));
    let details: serde_json::Value = serde_json::from_str(&row.details).expect("JSON details");
    for personal in ["Aminata", "Sow", "Salon", "carte", "Violences", "Appeler"] {
        assert!(!row.details.contains(personal), "{action} details hold {personal}: {}", row.details);
    }
    details
}

fn case_count(w: &World) -> i64 {
    cases_table::table
        .filter(cases_table::tenant_id.eq(w.tenant.tenant_id().to_string()))
        .count()
        .get_result(&mut w.db.conn())
        .expect("count")
}

fn stored(w: &World, case: CaseId) -> case_rows::Case {
    case_rows::find(&mut w.db.conn(), &w.tenant, case).expect("the case")
}

fn field(err: AppError, field: &str) -> &'static str {
    match err {
        AppError::Validation(errors) => errors.get(field).unwrap_or_else(|| panic!("no error on {field}: {errors:?}")),
        other => panic!("expected a field error on {field}, got {other:?}"),
    }
}

backend_tests_async! {
    async fn opening_a_case_audits_it_and_its_assignments(db: TestDb) {
        let w = world(db);
        let case = cases::open_case(&w.app, &w.author, new_case(&w, vec![user(&w.author), user(&w.colleague)])).await.expect("opened");
        let details = one(&w, case, AuditAction::CaseCreated, &w.author);
        assert_eq!(details, serde_json::json!({ "beneficiary_id": w.person, "pathway": "auto_entrepreneur" }));
        let assigned: Vec<String> = rows(&w, case, AuditAction::CaseAssigned).iter().map(|e| e.details.clone()).collect();
        assert_eq!(assigned.len(), 2);
        assert!(assigned.iter().any(|d| d.contains(&user(&w.colleague).to_string())));
        let row = stored(&w, case);
        assert_eq!((row.status, row.pathway, row.created_at, row.created_by), (CaseStatus::Open, Pathway::AutoEntrepreneur, at(), Some(user(&w.author))));
        assert_eq!(row.referral_source.as_deref(), Some("Salon de l'emploi"), "trimmed");
        let events = case_events::list(&mut w.db.conn(), &w.tenant, case, 100).expect("timeline");
        assert!(events.iter().all(|e| e.occurred_at == at()), "the timeline is on the application clock");
        assert_eq!(events.iter().filter(|e| e.kind == CaseEventKind::Assigned).count(), 2);
    }

    async fn opening_a_case_is_refused_checked_and_written_whole_or_not_at_all(db: TestDb) {
        let w = world(db);
        for who in [&w.volunteer, &w.viewer] {
            assert!(matches!(cases::open_case(&w.app, who, new_case(&w, vec![])).await, Err(AppError::Forbidden)));
        }
        let future = NewCase { intake_date: Some(at().date() + chrono::Days::new(1)), ..new_case(&w, vec![]) };
        assert_eq!(field(cases::open_case(&w.app, &w.author, future).await.expect_err("future"), "intake_date"), "case-error-future-date");
        let unread = NewCase { pathway: None, intake_date: None, goals: "x".repeat(5000), ..new_case(&w, vec![]) };
        let errors = unread.check(at().date());
        assert_eq!((errors.get("pathway"), errors.get("intake_date"), errors.get("goals")), (Some("error-choose"), Some("error-required"), Some("error-too-long")));
        assert!(matches!(cases::open_case(&w.app, &w.author, unread).await, Err(AppError::Validation(_))));
        // A volunteer may not be assigned: the case itself is not written either.
        let err = cases::open_case(&w.app, &w.author, new_case(&w, vec![user(&w.author), user(&w.volunteer)])).await.expect_err("refused");
        assert_eq!(field(err, "assignees"), "case-error-not-assignable");
        // Another tenant's person names nobody here.
        let theirs = person(&mut w.db.conn(), &w.other);
        assert!(matches!(cases::open_case(&w.app, &w.author, NewCase { person: theirs, ..new_case(&w, vec![]) }).await, Err(AppError::NotFound)));
        assert_eq!(case_count(&w), 0);
        assert!(trail(&w).is_empty(), "nothing audited");
    }

    async fn an_edit_is_audited_by_field_name_and_a_stale_one_changes_nothing(db: TestDb) {
        let w = world(db);
        let case = opened(&w).await;
        let edit = |version, goals: &str| CaseEdit { pathway: Some(Pathway::Employment), referral_source: String::new(), goals: goals.into(), version };
        let changed = cases::update_case(&w.app, &w.author, case, edit(1, "Trouver un emploi")).await.expect("saved");
        assert_eq!(changed, ["pathway", "referral_source", "goals"]);
        assert_eq!(one(&w, case, AuditAction::CaseUpdated, &w.author), serde_json::json!({ "changed": changed }));
        let stale = cases::update_case(&w.app, &w.colleague, case, edit(1, "Une formation")).await;
        assert!(matches!(stale, Err(AppError::Conflict(Conflict::StaleVersion))), "{stale:?}");
        assert!(matches!(cases::update_case(&w.app, &w.viewer, case, edit(2, "x")).await, Err(AppError::Forbidden)));
        let too_long = cases::update_case(&w.app, &w.author, case, edit(2, &"x".repeat(5000))).await.expect_err("too long");
        assert_eq!(field(too_long, "goals"), "error-too-long");
        let row = stored(&w, case);
        assert_eq!((row.goals.as_deref(), row.version, row.updated_at), (Some("Trouver un emploi"), 2, at()));
        assert_eq!(rows(&w, case, AuditAction::CaseUpdated).len(), 1, "only the saved edit is audited");
        assert!(matches!(cases::update_case(&w.app, &w.outsider, case, edit(2, "x")).await, Err(AppError::NotFound)));
    }

    async fn a_status_change_follows_the_machine(db: TestDb) {
        let w = world(db);
        let case = opened(&w).await;
        let no_reason = cases::change_status(&w.app, &w.author, case, CaseStatus::Closed, None).await.expect_err("no reason");
        assert_eq!(field(no_reason, "closed_reason"), "case-error-reason-required");
        assert!(matches!(cases::change_status(&w.app, &w.volunteer, case, CaseStatus::OnHold, None).await, Err(AppError::Forbidden)));
        assert_eq!(stored(&w, case).status, CaseStatus::Open);
        assert!(rows(&w, case, AuditAction::CaseStatusChanged).is_empty());
        let closed = cases::change_status(&w.app, &w.author, case, CaseStatus::Closed, Some(CloseReason::GoalReached)).await.expect("closed");
        assert_eq!((closed.from, closed.to, closed.reason), (CaseStatus::Open, CaseStatus::Closed, Some(CloseReason::GoalReached)));
        let details = one(&w, case, AuditAction::CaseStatusChanged, &w.author);
        assert_eq!(details, serde_json::json!({ "from": "open", "to": "closed", "reason": "goal_reached" }));
        let illegal = cases::change_status(&w.app, &w.author, case, CaseStatus::OnHold, None).await;
        assert!(matches!(illegal, Err(AppError::Conflict(Conflict::CaseTransition { from: CaseStatus::Closed, to: CaseStatus::OnHold }))), "{illegal:?}");
        let row = stored(&w, case);
        assert_eq!((row.status, row.closed_reason, row.version), (CaseStatus::Closed, Some(CloseReason::GoalReached), 2));
        let reopened = cases::change_status(&w.app, &w.author, case, CaseStatus::Open, Some(CloseReason::Other)).await.expect("reopened");
        assert_eq!(reopened.reason, None, "reopening clears the reason");
        assert!(matches!(cases::change_status(&w.app, &w.outsider, case, CaseStatus::OnHold, None).await, Err(AppError::NotFound)));
    }

    async fn caseworkers_are_assigned_and_unassigned(db: TestDb) {
        let w = world(db);
        let case = opened(&w).await;
        assert!(cases::assign_caseworker(&w.app, &w.admin, case, user(&w.colleague)).await.expect("assigned"));
        let assigned = rows(&w, case, AuditAction::CaseAssigned);
        let by_admin: Vec<&AuditEvent> = assigned.iter().filter(|e| e.actor_user_id == Some(user(&w.admin))).collect();
        assert_eq!(by_admin.len(), 1);
        assert_eq!(serde_json::from_str::<serde_json::Value>(&by_admin[0].details).expect("JSON"), serde_json::json!({ "user_id": user(&w.colleague) }));
        assert_eq!(by_admin[0].occurred_at, at());
        assert!(!cases::assign_caseworker(&w.app, &w.author, case, user(&w.colleague)).await.expect("again"), "already assigned");
        assert_eq!(rows(&w, case, AuditAction::CaseAssigned).len(), 2, "the second time is not audited");
        let volunteer = cases::assign_caseworker(&w.app, &w.author, case, user(&w.volunteer)).await.expect_err("volunteer");
        assert_eq!(field(volunteer, "user_id"), "case-error-not-assignable");
        assert!(matches!(cases::assign_caseworker(&w.app, &w.viewer, case, user(&w.colleague)).await, Err(AppError::Forbidden)));
        cases::unassign_caseworker(&w.app, &w.admin, case, user(&w.colleague)).await.expect("unassigned");
        assert_eq!(one(&w, case, AuditAction::CaseUnassigned, &w.admin), serde_json::json!({ "user_id": user(&w.colleague) }));
        assert!(matches!(cases::unassign_caseworker(&w.app, &w.admin, case, user(&w.colleague)).await, Err(AppError::NotFound)));
        assert!(matches!(cases::unassign_caseworker(&w.app, &w.volunteer, case, user(&w.author)).await, Err(AppError::Forbidden)));
        let assignees = case_rows::assignees(&mut w.db.conn(), &w.tenant, case).expect("assignees");
        assert_eq!(assignees.iter().map(|a| a.user_id).collect::<Vec<_>>(), [user(&w.author)]);
    }

    async fn a_note_is_audited_by_its_visibility_never_its_text(db: TestDb) {
        let w = world(db);
        let case = opened(&w).await;
        let note = |body: &str| NewNote { body: body.into(), visibility: Some(NoteVisibility::Confidential) };
        let id = cases::add_note(&w.app, &w.author, case, note("Violences conjugales signalées")).await.expect("added");
        assert_eq!(one(&w, case, AuditAction::NoteAdded, &w.author), serde_json::json!({ "note_id": id, "visibility": "confidential" }));
        let events = case_events::list(&mut w.db.conn(), &w.tenant, case, 100).expect("timeline");
        let added = events.iter().find(|e| e.kind == CaseEventKind::NoteAdded).expect("note_added");
        assert_eq!((added.details.note_id, added.details.visibility, added.occurred_at), (Some(id), Some(NoteVisibility::Confidential), at()));
        assert_eq!(field(cases::add_note(&w.app, &w.author, case, note("   ")).await.expect_err("empty"), "body"), "error-required");
        let unread = NewNote { body: "x".into(), visibility: None };
        assert_eq!(field(cases::add_note(&w.app, &w.author, case, unread).await.expect_err("no visibility"), "visibility"), "error-choose");
        assert!(matches!(cases::add_note(&w.app, &w.volunteer, case, note("x")).await, Err(AppError::Forbidden)));
        assert!(matches!(cases::add_note(&w.app, &w.outsider, case, note("x")).await, Err(AppError::NotFound)));
        assert_eq!(rows(&w, case, AuditAction::NoteAdded).len(), 1);
    }

    async fn tasks_are_added_completed_and_reopened(db: TestDb) {
        let w = world(db);
        let case = opened(&w).await;
        let task = |assignee| NewTask { title: " Appeler la DGI ".into(), due_on: Some(at().date()), assignee };
        let id = cases::add_task(&w.app, &w.author, case, task(Some(user(&w.colleague)))).await.expect("added");
        assert_eq!(one(&w, case, AuditAction::TaskAdded, &w.author), serde_json::json!({ "task_id": id, "assignee_id": user(&w.colleague) }));
        assert_eq!(tasks::find(&mut w.db.conn(), &w.tenant, case, id).expect("task").title, "Appeler la DGI");
        let volunteer = cases::add_task(&w.app, &w.author, case, task(Some(user(&w.volunteer)))).await.expect_err("volunteer");
        assert_eq!(field(volunteer, "assignee_id"), "case-error-not-assignable");
        let untitled = NewTask { title: String::new(), ..task(None) };
        assert_eq!(field(cases::add_task(&w.app, &w.author, case, untitled).await.expect_err("untitled"), "title"), "error-required");
        assert!(matches!(cases::add_task(&w.app, &w.viewer, case, task(None)).await, Err(AppError::Forbidden)));
        assert_eq!(rows(&w, case, AuditAction::TaskAdded).len(), 1);

        assert!(cases::complete_task(&w.app, &w.colleague, case, id).await.expect("done"));
        assert_eq!(one(&w, case, AuditAction::TaskCompleted, &w.colleague), serde_json::json!({ "task_id": id }));
        assert_eq!(tasks::find(&mut w.db.conn(), &w.tenant, case, id).expect("task").done_at, Some(at()));
        assert!(!cases::complete_task(&w.app, &w.colleague, case, id).await.expect("again"), "already done");
        assert_eq!(rows(&w, case, AuditAction::TaskCompleted).len(), 1, "the second time is not audited");
        assert!(matches!(cases::reopen_task(&w.app, &w.volunteer, case, id).await, Err(AppError::Forbidden)));
        assert!(cases::toggle_task(&w.app, &w.author, case, id).await.expect("toggled"));
        assert_eq!(one(&w, case, AuditAction::TaskReopened, &w.author), serde_json::json!({ "task_id": id }));
        assert!(!cases::reopen_task(&w.app, &w.author, case, id).await.expect("again"));
        assert!(matches!(cases::complete_task(&w.app, &w.outsider, case, id).await, Err(AppError::NotFound)));
    }

    async fn viewing_a_case_is_audited_and_shows_what_the_reader_may_see(db: TestDb) {
        let w = world(db);
        let case = opened(&w).await;
        let confidential = NewNote { body: "Violences conjugales signalées".into(), visibility: Some(NoteVisibility::Confidential) };
        cases::add_note(&w.app, &w.author, case, confidential).await.expect("note");
        cases::add_note(&w.app, &w.author, case, NewNote { body: "Premier entretien".into(), visibility: Some(NoteVisibility::Normal) }).await.expect("note");

        let colleague = cases::view_case(&w.app, &w.colleague, case).await.expect("the colleague's view");
        assert_eq!(colleague.notes.iter().map(|n| n.body.as_str()).collect::<Vec<_>>(), ["Premier entretien"]);
        assert!(colleague.trail.is_none(), "a caseworker does not read the audit trail");
        assert_eq!((colleague.person.given_names.as_str(), colleague.case.id), ("Aminata", case));
        assert_eq!(colleague.names.get(&user(&w.author)).map(String::as_str), Some("Karim Benali"), "who the timeline names");
        assert_eq!(one(&w, case, AuditAction::CaseViewed, &w.colleague), serde_json::json!({}));

        let admin = cases::view_case(&w.app, &w.admin, case).await.expect("the admin's view");
        assert_eq!(admin.notes.len(), 2, "an administrator reads the confidential note");
        let trail = admin.trail.expect("an administrator reads the trail");
        assert!(trail.iter().any(|e| e.action == AuditAction::CaseViewed && e.actor_user_id == Some(user(&w.admin))), "this view included");
        assert_eq!(admin.names.get(&user(&w.colleague)).map(String::as_str), Some("Nadia Ouali"), "who the trail names");

        assert!(matches!(cases::view_case(&w.app, &w.volunteer, case).await, Err(AppError::Forbidden)));
        assert!(matches!(cases::view_case(&w.app, &w.outsider, case).await, Err(AppError::NotFound)));
        assert!(audit::list_for_tenant(&mut w.db.conn(), &w.other, 100).expect("B's trail").is_empty(), "no row for a refused view");
        assert_eq!(rows(&w, case, AuditAction::CaseViewed).len(), 2);
    }

    async fn the_list_and_my_work_read_the_tenant_only(db: TestDb) {
        let w = world(db);
        let mine = opened(&w).await;
        let theirs = cases::open_case(&w.app, &w.colleague, new_case(&w, vec![user(&w.colleague)])).await.expect("opened");
        cases::add_task(&w.app, &w.author, mine, NewTask { title: "Appeler".into(), due_on: Some(at().date() - chrono::Days::new(2)), assignee: Some(user(&w.author)) }).await.expect("task");

        let all = cases::case_list(&w.app, &w.admin, CaseListQuery::default()).await.expect("the list");
        assert_eq!(all.page.rows.len(), 2);
        assert_eq!(all.workers.menu.as_ref().map(Vec::len), Some(3), "a small team gets a menu of its caseworkers and admins");
        let only_mine = cases::case_list(&w.app, &w.author, CaseListQuery { mine: true, ..CaseListQuery::default() }).await.expect("mine");
        assert_eq!(only_mine.page.rows.iter().map(|r| r.id).collect::<Vec<_>>(), [mine]);
        let by_colleague = CaseListQuery { assignee: Some(user(&w.colleague)), ..CaseListQuery::default() };
        let listed = cases::case_list(&w.app, &w.author, by_colleague).await.expect("by caseworker");
        assert_eq!((listed.page.rows.iter().map(|r| r.id).collect::<Vec<_>>(), listed.workers.chosen.map(|c| c.user_id)), (vec![theirs], Some(user(&w.colleague))));
        assert!(cases::case_list(&w.app, &w.outsider, CaseListQuery::default()).await.expect("B's list").page.rows.is_empty());
        for who in [&w.volunteer, &w.viewer] {
            assert!(matches!(cases::case_list(&w.app, who, CaseListQuery::default()).await, Err(AppError::Forbidden)));
        }

        let work = cases::my_work(&w.app, &w.author).await.expect("my work");
        assert_eq!((work.today, work.tasks.len(), work.tasks[0].overdue), (at().date(), 1, true));
        assert_eq!(work.cases.rows.iter().map(|r| r.id).collect::<Vec<_>>(), [mine]);
        assert!(cases::my_work(&w.app, &w.outsider).await.expect("B's work").tasks.is_empty());
        assert!(matches!(cases::my_work(&w.app, &w.volunteer).await, Err(AppError::Forbidden)));
        assert!(!permissions(TenantRole::Viewer).has(Permission::CaseRead), "the policy is the server's: aggregates only");
    }

    async fn the_new_case_form_reads_the_person_and_who_may_be_assigned(db: TestDb) {
        let w = world(db);
        let form = cases::new_case_form(&w.app, &w.author, w.person).await.expect("the form");
        assert_eq!(form.person.family_names, "Sow");
        assert_eq!(form.workers.iter().map(|x| x.display_name.as_str()).collect::<Vec<_>>(), ["Karim Benali", "Nadia Ouali", "Samira Admin"]);
        assert!(matches!(cases::new_case_form(&w.app, &w.outsider, w.person).await, Err(AppError::NotFound)));
        assert!(matches!(cases::new_case_form(&w.app, &w.viewer, w.person).await, Err(AppError::Forbidden)));
    }
}
