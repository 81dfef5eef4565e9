//! Case files on both backends: tenant isolation, confidential notes,
//! optimistic versions, references, status changes, tasks and "my work",
//! the case list's keyset pages, and the timeline (stamped with the time
//! the caller gives).

use chrono::{Duration, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use relais_domain::case_file::{self, CaseEventKind, CaseStatus, CloseReason, NoteVisibility, Pathway};
use relais_domain::{
    BeneficiaryId, CaseId, EmailAddress, Language, MembershipStatus, Region, TenantKind, TenantRole, UserId,
};
use relais_persistence::models::case_notes::NewNote;
use relais_persistence::models::cases::{self, CaseChanges, CaseError, CaseFilter, NewCase};
use relais_persistence::models::{case_events, case_notes, memberships, tasks, tenants, users};
use relais_persistence::schema::beneficiaries;
use relais_persistence::{DbConnection, PersistenceError, TenantScope};
use relais_test_support::backend_tests;

/// The time every change of these tests is stamped with (not the wall clock).
fn at() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 11, 2).and_then(|d| d.and_hms_opt(9, 30, 0)).expect("a time")
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

fn member(conn: &mut DbConnection, scope: &TenantScope, email: &str, role: TenantRole) -> UserId {
    let email = EmailAddress::parse(email).expect("valid");
    let user = users::create(
        conn,
        &users::NewUser { email: &email, display_name: email.as_str(), password_hash: None, preferred_language: None },
        relais_persistence::now(),
    )
    .expect("user");
    memberships::create(conn, scope, &user.id, role, MembershipStatus::Active, relais_persistence::now())
        .expect("membership");
    user.id.parse().expect("a user id")
}

/// A person, inserted directly (the beneficiaries module is another area's work).
fn person(conn: &mut DbConnection, scope: &TenantScope, given: &str, family: &str) -> BeneficiaryId {
    let id = BeneficiaryId::new();
    let at = relais_persistence::now();
    diesel::insert_into(beneficiaries::table)
        .values((
            beneficiaries::tenant_id.eq(scope.tenant_id().to_string()),
            beneficiaries::id.eq(id.to_string()),
            beneficiaries::given_names.eq(given),
            beneficiaries::family_names.eq(family),
            beneficiaries::name_key.eq(format!("{} {}", given.to_lowercase(), family.to_lowercase())),
            beneficiaries::sex.eq("female"),
            beneficiaries::created_at.eq(at),
            beneficiaries::updated_at.eq(at),
        ))
        .execute(conn)
        .expect("person");
    id
}

fn open_case(conn: &mut DbConnection, scope: &TenantScope, person: BeneficiaryId, by: UserId) -> cases::Case {
    cases::create(
        conn,
        scope,
        &NewCase {
            beneficiary_id: person,
            pathway: Pathway::AutoEntrepreneur,
            intake_date: NaiveDate::from_ymd_opt(2026, 11, 2).expect("date"),
            referral_source: Some("Salon de l'emploi"),
            goals: Some("Obtenir le statut d'auto-entrepreneur"),
            created_by: by,
        },
        at(),
    )
    .expect("case")
}

fn open_case_checked(
    conn: &mut DbConnection,
    scope: &TenantScope,
    person: BeneficiaryId,
    by: UserId,
) -> Result<cases::Case, PersistenceError> {
    cases::create(
        conn,
        scope,
        &NewCase {
            beneficiary_id: person,
            pathway: Pathway::Employment,
            intake_date: NaiveDate::from_ymd_opt(2026, 11, 2).expect("date"),
            referral_source: None,
            goals: None,
            created_by: by,
        },
        at(),
    )
}

/// Applies the state machine to the stored case, then writes the change.
fn change_status(
    conn: &mut DbConnection,
    scope: &TenantScope,
    id: CaseId,
    to: CaseStatus,
    reason: Option<CloseReason>,
    by: UserId,
) -> cases::Case {
    let before = cases::find(conn, scope, id).expect("case");
    let done = case_file::transition(before.status, to, reason).expect("an allowed move");
    cases::change_status(conn, scope, &before, done, by, at()).expect("status")
}

fn note(author_id: UserId, visibility: NoteVisibility, body: &str) -> NewNote<'_> {
    NewNote { author_id, visibility, body }
}

backend_tests! {
    fn another_tenant_never_reaches_a_case_its_notes_or_tasks(db: &TestDb) {
        let mut conn = db.conn();
        let a = tenant(&mut conn, "A");
        let b = tenant(&mut conn, "B");
        let worker_a = member(&mut conn, &a, "w@a.org", TenantRole::Caseworker);
        let admin_b = member(&mut conn, &b, "admin@b.org", TenantRole::TenantAdmin);
        let awa = person(&mut conn, &a, "Awa", "Diop");
        let case = open_case(&mut conn, &a, awa, worker_a);
        case_notes::create(&mut conn, &a, case.id, &note(worker_a, NoteVisibility::Normal, "Premier entretien"), at()).expect("note");
        let task_id = tasks::create(&mut conn, &a, case.id, &tasks::NewTask { title: "Appeler", due_on: None, assignee_id: Some(worker_a) }, worker_a, at()).expect("task");

        assert!(matches!(cases::find(&mut conn, &b, case.id), Err(PersistenceError::NotFound)));
        assert!(cases::list(&mut conn, &b, &CaseFilter::default(), None, 50).expect("list").rows.is_empty());
        let reader_b = case_notes::reader(&mut conn, &b, admin_b).expect("reader");
        assert!(reader_b.is_tenant_admin);
        assert!(case_notes::list_for_reader(&mut conn, &b, case.id, &reader_b).expect("notes").is_empty());
        assert!(tasks::list_for_case(&mut conn, &b, case.id).expect("tasks").is_empty());
        assert!(matches!(tasks::find(&mut conn, &b, case.id, task_id), Err(PersistenceError::NotFound)));
        assert!(matches!(tasks::set_done(&mut conn, &b, case.id, task_id, true, admin_b, at()), Err(PersistenceError::NotFound)));
        assert!(case_events::list(&mut conn, &b, case.id, 100).expect("events").is_empty());
        assert!(matches!(
            case_notes::create(&mut conn, &b, case.id, &note(admin_b, NoteVisibility::Normal, "x"), at()),
            Err(PersistenceError::NotFound)
        ));
        assert!(matches!(cases::assign(&mut conn, &b, case.id, admin_b, admin_b, at()), Err(CaseError::Persistence(PersistenceError::NotFound))));
        assert!(matches!(cases::unassign(&mut conn, &b, case.id, worker_a, admin_b, at()), Err(PersistenceError::NotFound)));
        // A status change written through B's scope touches nothing of A's.
        let done = case_file::transition(case.status, CaseStatus::OnHold, None).expect("allowed");
        assert!(matches!(cases::change_status(&mut conn, &b, &case, done, admin_b, at()), Err(PersistenceError::NotFound)));
        assert_eq!(cases::find(&mut conn, &a, case.id).expect("case").status, CaseStatus::Open);
        // A's person cannot be used by B either, nor assigned an A member.
        assert!(!cases::beneficiary_exists(&mut conn, &b, awa).expect("q"));
        let attempt = cases::create(&mut conn, &b, &NewCase { beneficiary_id: awa, pathway: Pathway::Training, intake_date: case.intake_date, referral_source: None, goals: None, created_by: admin_b }, at());
        assert!(matches!(attempt, Err(PersistenceError::NotFound)));
        let case_b = { let p = person(&mut conn, &b, "Moussa", "Traoré"); open_case(&mut conn, &b, p, admin_b) };
        assert!(matches!(cases::assign(&mut conn, &b, case_b.id, worker_a, admin_b, at()), Err(CaseError::NotAssignable)));
        assert!(!cases::is_worker(&mut conn, &b, worker_a).expect("q"));
        assert!(tasks::my_open(&mut conn, &b, worker_a, case.intake_date).expect("mine").is_empty());
    }

    fn confidential_notes_reach_only_author_assigned_workers_and_admins(db: &TestDb) {
        let mut conn = db.conn();
        let a = tenant(&mut conn, "A");
        let author = member(&mut conn, &a, "author@a.org", TenantRole::Caseworker);
        let assigned = member(&mut conn, &a, "assigned@a.org", TenantRole::Caseworker);
        let other = member(&mut conn, &a, "other@a.org", TenantRole::Caseworker);
        let admin = member(&mut conn, &a, "admin@a.org", TenantRole::TenantAdmin);
        let volunteer = member(&mut conn, &a, "volunteer@a.org", TenantRole::Volunteer);
        let case = { let p = person(&mut conn, &a, "Awa", "Diop"); open_case(&mut conn, &a, p, author) };
        assert!(cases::assign(&mut conn, &a, case.id, assigned, author, at()).expect("assign"));
        assert!(!cases::assign(&mut conn, &a, case.id, assigned, author, at()).expect("again"), "already assigned");
        assert!(matches!(cases::assign(&mut conn, &a, case.id, volunteer, author, at()), Err(CaseError::NotAssignable)));
        assert_eq!(cases::assignees(&mut conn, &a, case.id).expect("assignees").iter().map(|w| w.user_id).collect::<Vec<_>>(), [assigned]);
        case_notes::create(&mut conn, &a, case.id, &note(author, NoteVisibility::Normal, "Note ordinaire"), at()).expect("note");
        case_notes::create(&mut conn, &a, case.id, &note(author, NoteVisibility::Confidential, "Situation familiale difficile"), at() + Duration::seconds(1)).expect("note");

        let bodies = |conn: &mut DbConnection, user: UserId| -> Vec<String> {
            let reader = case_notes::reader(conn, &a, user).expect("reader");
            case_notes::list_for_reader(conn, &a, case.id, &reader).expect("notes").into_iter().map(|n| n.body).collect()
        };
        let both = vec!["Situation familiale difficile".to_owned(), "Note ordinaire".to_owned()];
        assert_eq!(bodies(&mut conn, author), both);
        assert_eq!(bodies(&mut conn, assigned), both);
        assert_eq!(bodies(&mut conn, admin), both);
        assert_eq!(bodies(&mut conn, other), vec!["Note ordinaire".to_owned()]);
        // Unassigned, the caseworker loses the confidential note.
        assert!(cases::unassign(&mut conn, &a, case.id, assigned, admin, at()).expect("unassign"));
        assert!(!cases::unassign(&mut conn, &a, case.id, assigned, admin, at()).expect("unassign again"));
        assert_eq!(bodies(&mut conn, assigned), vec!["Note ordinaire".to_owned()]);
        // The timeline records the visibility, never the text.
        let events = case_events::list(&mut conn, &a, case.id, 100).expect("events");
        assert!(events.iter().all(|e| !format!("{:?}", e.details).contains("Situation")));
        assert!(events.iter().any(|e| e.kind == CaseEventKind::NoteAdded && e.details.visibility == Some(NoteVisibility::Confidential)));
        assert!(events.iter().any(|e| e.kind == CaseEventKind::Unassigned && e.details.user_id == Some(assigned) && e.actor_id == Some(admin)));
    }

    fn a_stale_edit_is_refused_and_writes_nothing(db: &TestDb) {
        let mut conn = db.conn();
        let a = tenant(&mut conn, "A");
        let w = member(&mut conn, &a, "w@a.org", TenantRole::Caseworker);
        let case = { let p = person(&mut conn, &a, "Awa", "Diop"); open_case(&mut conn, &a, p, w) };
        let first = CaseChanges { pathway: Pathway::Employment, referral_source: None, goals: Some("Trouver un emploi".into()) };
        let (before, after) = cases::update(&mut conn, &a, case.id, case.version, &first, w, at()).expect("update");
        assert_eq!(after.version, before.version + 1);
        assert_eq!(cases::changed_fields(&before, &after), vec!["pathway", "referral_source", "goals"]);
        let second = CaseChanges { pathway: Pathway::Training, referral_source: None, goals: Some("Autre chose".into()) };
        assert!(matches!(cases::update(&mut conn, &a, case.id, case.version, &second, w, at()), Err(PersistenceError::Conflict(relais_domain::Conflict::StaleVersion))));
        let now = cases::find(&mut conn, &a, case.id).expect("case");
        assert_eq!((now.pathway, now.goals.as_deref(), now.version), (Pathway::Employment, Some("Trouver un emploi"), after.version));
        assert!(matches!(cases::update(&mut conn, &a, CaseId::new(), 1, &second, w, at()), Err(PersistenceError::NotFound)));
        // A status change based on an older version is refused too.
        let done = case_file::transition(case.status, CaseStatus::OnHold, None).expect("allowed");
        assert!(matches!(cases::change_status(&mut conn, &a, &case, done, w, at()), Err(PersistenceError::Conflict(relais_domain::Conflict::StaleVersion))));
        assert_eq!(cases::find(&mut conn, &a, case.id).expect("case").status, CaseStatus::Open);
    }

    fn references_count_per_tenant_and_are_unique(db: &TestDb) {
        let mut conn = db.conn();
        let a = tenant(&mut conn, "A");
        let b = tenant(&mut conn, "B");
        let wa = member(&mut conn, &a, "w@a.org", TenantRole::Caseworker);
        let wb = member(&mut conn, &b, "w@b.org", TenantRole::Caseworker);
        let year = 2026;
        let pa = person(&mut conn, &a, "Awa", "Diop");
        let pb = person(&mut conn, &b, "Moussa", "Traoré");
        let refs_a: Vec<String> = (0..3).map(|_| open_case(&mut conn, &a, pa, wa).reference).collect();
        assert_eq!(refs_a, (1..=3).map(|n| format!("C-{year}-{n:05}")).collect::<Vec<_>>());
        assert_eq!(open_case(&mut conn, &b, pb, wb).reference, format!("C-{year}-00001"), "numbering is per tenant");
        // The unique index refuses a duplicate reference within a tenant.
        let duplicate = diesel::update(relais_persistence::schema::cases::table.filter(relais_persistence::schema::cases::reference.eq(&refs_a[2])))
            .set(relais_persistence::schema::cases::reference.eq(&refs_a[1]))
            .execute(&mut *conn);
        assert!(duplicate.is_err());
        // A gap left by an odd reference does not make the next one collide.
        diesel::update(relais_persistence::schema::cases::table.filter(relais_persistence::schema::cases::reference.eq(&refs_a[2])))
            .set(relais_persistence::schema::cases::reference.eq(format!("C-{year}-100000")))
            .execute(&mut *conn)
            .expect("renumber");
        assert_eq!(open_case(&mut conn, &a, pa, wa).reference, format!("C-{year}-100001"));
    }

    fn concurrent_writers_never_share_a_reference(db: &TestDb) {
        let (a, w, p) = {
            let mut conn = db.conn();
            let a = tenant(&mut conn, "A");
            let w = member(&mut conn, &a, "w@a.org", TenantRole::Caseworker);
            let p = person(&mut conn, &a, "Awa", "Diop");
            (a, w, p)
        };
        let workers: Vec<_> = (0..3)
            .map(|_| {
                let pool = db.db.clone();
                std::thread::spawn(move || {
                    let mut conn = pool.get().expect("connection");
                    (0..6)
                        .map(|_| {
                            relais_persistence::write_tx(&mut conn, |c| open_case_checked(c, &a, p, w))
                                .expect("case")
                                .reference
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        let mut references: Vec<String> = workers.into_iter().flat_map(|h| h.join().expect("thread")).collect();
        references.sort();
        assert_eq!(references, (1..=18).map(|n| format!("C-2026-{n:05}")).collect::<Vec<_>>());
    }

    fn status_changes_are_written_with_their_timeline(db: &TestDb) {
        let mut conn = db.conn();
        let a = tenant(&mut conn, "A");
        let w = member(&mut conn, &a, "w@a.org", TenantRole::Caseworker);
        let case = { let p = person(&mut conn, &a, "Awa", "Diop"); open_case(&mut conn, &a, p, w) };
        let held = change_status(&mut conn, &a, case.id, CaseStatus::OnHold, None, w);
        assert_eq!((held.status, held.version), (CaseStatus::OnHold, case.version + 1));
        let closed = change_status(&mut conn, &a, case.id, CaseStatus::Closed, Some(CloseReason::MovedAway), w);
        assert_eq!((closed.status, closed.closed_reason), (CaseStatus::Closed, Some(CloseReason::MovedAway)));
        let reopened = change_status(&mut conn, &a, case.id, CaseStatus::Open, None, w);
        assert_eq!((reopened.status, reopened.closed_reason), (CaseStatus::Open, None));
        let events = case_events::list(&mut conn, &a, case.id, 100).expect("events");
        let kinds: Vec<CaseEventKind> = events.iter().map(|e| e.kind).collect();
        assert_eq!(kinds, [CaseEventKind::StatusChanged, CaseEventKind::StatusChanged, CaseEventKind::StatusChanged, CaseEventKind::Opened]);
        let closing = &events[1].details;
        assert_eq!((closing.from, closing.to, closing.reason), (Some(CaseStatus::OnHold), Some(CaseStatus::Closed), Some(CloseReason::MovedAway)));
        assert_eq!(events[3].details.pathway, Some(Pathway::AutoEntrepreneur));
    }

    fn every_change_is_stamped_with_the_time_it_is_given(db: &TestDb) {
        let mut conn = db.conn();
        let a = tenant(&mut conn, "A");
        let w = member(&mut conn, &a, "w@a.org", TenantRole::Caseworker);
        let case = { let p = person(&mut conn, &a, "Awa", "Diop"); open_case(&mut conn, &a, p, w) };
        assert_eq!((case.created_at, case.updated_at), (at(), at()));
        let later = at() + Duration::days(3);
        cases::assign(&mut conn, &a, case.id, w, w, later).expect("assign");
        assert_eq!(cases::find(&mut conn, &a, case.id).expect("case").updated_at, later, "an assignment counts as work on the case");
        let note_at = later + Duration::hours(1);
        case_notes::create(&mut conn, &a, case.id, &note(w, NoteVisibility::Normal, "Entretien"), note_at).expect("note");
        let task_at = note_at + Duration::hours(1);
        let task = tasks::create(&mut conn, &a, case.id, &tasks::NewTask { title: "Appeler", due_on: None, assignee_id: None }, w, task_at).expect("task");
        let done_at = task_at + Duration::hours(1);
        let (done, changed) = tasks::set_done(&mut conn, &a, case.id, task, true, w, done_at).expect("done");
        assert!(changed && done.done_at == Some(done_at));
        assert!(!tasks::set_done(&mut conn, &a, case.id, task, true, w, done_at).expect("again").1, "already done");
        let reader = case_notes::reader(&mut conn, &a, w).expect("reader");
        assert_eq!(case_notes::list_for_reader(&mut conn, &a, case.id, &reader).expect("notes")[0].created_at, note_at);
        let times: Vec<NaiveDateTime> = case_events::list(&mut conn, &a, case.id, 100).expect("events").into_iter().map(|e| e.occurred_at).collect();
        assert_eq!(times, [done_at, task_at, note_at, later, at()]);
        assert_eq!(cases::find(&mut conn, &a, case.id).expect("case").updated_at, done_at);
    }

    fn a_bad_stored_value_fails_the_read_and_names_its_column(db: &TestDb) {
        let mut conn = db.conn();
        let a = tenant(&mut conn, "A");
        let w = member(&mut conn, &a, "w@a.org", TenantRole::Caseworker);
        let case = { let p = person(&mut conn, &a, "Awa", "Diop"); open_case(&mut conn, &a, p, w) };
        // The codes have CHECK constraints; a timeline's details are JSON text.
        use relais_persistence::schema::case_events as events;
        diesel::update(events::table.filter(events::case_id.eq(case.id.to_string())))
            .set(events::details.eq(r#"{"user_id": "nobody"}"#))
            .execute(&mut *conn)
            .expect("corrupt");
        let err = case_events::list(&mut conn, &a, case.id, 100).expect_err("a bad id in the details");
        assert!(err.to_string().contains("case_events.details") && err.to_string().contains("nobody"), "{err}");
    }

    fn my_work_lists_overdue_tasks_first_and_my_cases(db: &TestDb) {
        let mut conn = db.conn();
        let a = tenant(&mut conn, "A");
        let me = member(&mut conn, &a, "me@a.org", TenantRole::Caseworker);
        let other = member(&mut conn, &a, "other@a.org", TenantRole::Caseworker);
        let volunteer = member(&mut conn, &a, "v@a.org", TenantRole::Volunteer);
        let today = NaiveDate::from_ymd_opt(2026, 11, 29).expect("date");
        let case = { let p = person(&mut conn, &a, "Awa", "Diop"); open_case(&mut conn, &a, p, me) };
        let not_mine = { let p = person(&mut conn, &a, "Moussa", "Traoré"); open_case(&mut conn, &a, p, other) };
        cases::assign(&mut conn, &a, case.id, me, me, at()).expect("assign");
        let add = |conn: &mut DbConnection, title: &str, due: Option<NaiveDate>, who: UserId| {
            tasks::create(conn, &a, case.id, &tasks::NewTask { title, due_on: due, assignee_id: Some(who) }, me, at()).expect("task")
        };
        add(&mut conn, "Sans date", None, me);
        add(&mut conn, "Dans une semaine", Some(today + Duration::days(7)), me);
        let overdue = add(&mut conn, "En retard", Some(today - Duration::days(3)), me);
        add(&mut conn, "Pour un autre", Some(today - Duration::days(10)), other);
        let done = add(&mut conn, "Déjà fait", Some(today - Duration::days(20)), me);
        tasks::set_done(&mut conn, &a, case.id, done, true, me, at()).expect("done");
        assert!(matches!(
            tasks::create(&mut conn, &a, case.id, &tasks::NewTask { title: "x", due_on: None, assignee_id: Some(volunteer) }, me, at()),
            Err(CaseError::NotAssignable)
        ));

        let mine = tasks::my_open(&mut conn, &a, me, today).expect("mine");
        let titles: Vec<&str> = mine.iter().map(|t| t.task.title.as_str()).collect();
        assert_eq!(titles, ["En retard", "Dans une semaine", "Sans date"]);
        assert!(mine[0].overdue && !mine[1].overdue && !mine[2].overdue);
        assert_eq!(mine[0].case_reference, case.reference);
        // Undone, a task is open again.
        tasks::set_done(&mut conn, &a, case.id, overdue, true, me, at()).expect("done");
        tasks::set_done(&mut conn, &a, case.id, overdue, false, me, at()).expect("undone");
        assert_eq!(tasks::my_open(&mut conn, &a, me, today).expect("mine").len(), 3);

        let my_cases = cases::list(&mut conn, &a, &CaseFilter { assignee: Some(me), not_closed: true, ..CaseFilter::default() }, None, 50).expect("list");
        assert_eq!(my_cases.rows.iter().map(|r| r.id).collect::<Vec<_>>(), [case.id]);
        assert_eq!(my_cases.rows[0].given_names, "Awa");
        let _ = not_mine;
    }

    fn the_case_list_pages_by_keyset_and_filters(db: &TestDb) {
        let mut conn = db.conn();
        let a = tenant(&mut conn, "A");
        let w = member(&mut conn, &a, "w@a.org", TenantRole::Caseworker);
        let p = person(&mut conn, &a, "Awa", "Diop");
        // Opened a minute apart, so that the newest change comes first.
        let mut ids: Vec<CaseId> = (0..7)
            .map(|i| {
                let new = NewCase { beneficiary_id: p, pathway: Pathway::AutoEntrepreneur, intake_date: at().date(), referral_source: None, goals: None, created_by: w };
                cases::create(&mut conn, &a, &new, at() + Duration::minutes(i)).expect("case").id
            })
            .collect();
        let first = ids.remove(0);
        let before = cases::find(&mut conn, &a, first).expect("case");
        let hold = case_file::transition(before.status, CaseStatus::OnHold, None).expect("allowed");
        cases::change_status(&mut conn, &a, &before, hold, w, at() + Duration::hours(1)).expect("hold");
        // Newest change first: the held case, then the others newest first.
        ids.reverse();
        ids.insert(0, first);
        let mut seen = Vec::new();
        let mut cursor = None;
        loop {
            let page = cases::list(&mut conn, &a, &CaseFilter::default(), cursor.as_ref(), 3).expect("page");
            assert!(page.rows.len() <= 3);
            seen.extend(page.rows.iter().map(|r| r.id));
            match page.next {
                Some(next) => {
                    let token = next.to_token();
                    cursor = Some(cases::Cursor::parse(&token).expect("round trip"));
                }
                None => break,
            }
        }
        assert_eq!(seen, ids);
        let held = cases::list(&mut conn, &a, &CaseFilter { status: Some(CaseStatus::OnHold), ..CaseFilter::default() }, None, 50).expect("held");
        assert_eq!(held.rows.iter().map(|r| r.id).collect::<Vec<_>>(), vec![first]);
        let training = cases::list(&mut conn, &a, &CaseFilter { pathway: Some(Pathway::Training), ..CaseFilter::default() }, None, 50).expect("training");
        assert!(training.rows.is_empty());
        assert!(cases::Cursor::parse("garbage").is_none());
    }
}
