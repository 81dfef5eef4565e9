//! Case files on both backends: tenant isolation, confidential notes,
//! optimistic versions, references, the status machine, tasks and "my work",
//! the case list's keyset pages, and the timeline.

use chrono::{Datelike, Duration, NaiveDate};
use diesel::prelude::*;
use relais_domain::case_file::{CaseStatus, CloseReason, NoteVisibility, Pathway, TransitionError};
use relais_domain::{EmailAddress, Language, MembershipStatus, Region, TenantKind, TenantRole};
use relais_persistence::models::cases::{self, CaseChanges, CaseError, CaseFilter, NewCase};
use relais_persistence::models::{case_events, case_notes, memberships, tasks, tenants, users};
use relais_persistence::schema::beneficiaries;
use relais_persistence::{DbConnection, PersistenceError, TenantScope};
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
    )
    .expect("tenant");
    TenantScope::for_system(t.tenant_id().expect("id"))
}

fn member(conn: &mut DbConnection, scope: &TenantScope, email: &str, role: TenantRole) -> String {
    let email = EmailAddress::parse(email).expect("valid");
    let user = users::create(
        conn,
        &users::NewUser { email: &email, display_name: email.as_str(), password_hash: None, preferred_language: None },
    )
    .expect("user");
    memberships::create(conn, scope, &user.id, role, MembershipStatus::Active).expect("membership");
    user.id
}

/// A person, inserted directly (the beneficiaries module is another area's work).
fn person(conn: &mut DbConnection, scope: &TenantScope, given: &str, family: &str) -> String {
    let id = uuid::Uuid::now_v7().to_string();
    let at = relais_persistence::now();
    diesel::insert_into(beneficiaries::table)
        .values((
            beneficiaries::tenant_id.eq(scope.tenant_id().to_string()),
            beneficiaries::id.eq(&id),
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

fn open_case(conn: &mut DbConnection, scope: &TenantScope, person: &str, by: &str) -> cases::Case {
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
    )
    .expect("case")
}

fn open_case_checked(
    conn: &mut DbConnection,
    scope: &TenantScope,
    person: &str,
    by: &str,
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
    )
}

backend_tests! {
    fn another_tenant_never_reaches_a_case_its_notes_or_tasks(db: &TestDb) {
        let mut conn = db.conn();
        let a = tenant(&mut conn, "A");
        let b = tenant(&mut conn, "B");
        let worker_a = member(&mut conn, &a, "w@a.org", TenantRole::Caseworker);
        let admin_b = member(&mut conn, &b, "admin@b.org", TenantRole::TenantAdmin);
        let awa = person(&mut conn, &a, "Awa", "Diop");
        let case = open_case(&mut conn, &a, &awa, &worker_a);
        case_notes::create(&mut conn, &a, &case.id, &worker_a, NoteVisibility::Normal, "Premier entretien").expect("note");
        let task_id = tasks::create(&mut conn, &a, &case.id, &tasks::NewTask { title: "Appeler", due_on: None, assignee_id: Some(&worker_a) }, &worker_a).expect("task");

        assert!(matches!(cases::find(&mut conn, &b, &case.id), Err(PersistenceError::NotFound)));
        assert!(cases::list(&mut conn, &b, &CaseFilter::default(), None, 50).expect("list").rows.is_empty());
        let reader_b = case_notes::reader(&mut conn, &b, &admin_b).expect("reader");
        assert!(reader_b.is_tenant_admin);
        assert!(case_notes::list_for_reader(&mut conn, &b, &case.id, &reader_b).expect("notes").is_empty());
        assert!(tasks::list_for_case(&mut conn, &b, &case.id).expect("tasks").is_empty());
        assert!(matches!(tasks::find(&mut conn, &b, &case.id, &task_id), Err(PersistenceError::NotFound)));
        assert!(matches!(tasks::set_done(&mut conn, &b, &case.id, &task_id, true, &admin_b), Err(PersistenceError::NotFound)));
        assert!(case_events::list(&mut conn, &b, &case.id, 100).expect("events").is_empty());
        assert!(matches!(
            case_notes::create(&mut conn, &b, &case.id, &admin_b, NoteVisibility::Normal, "x"),
            Err(PersistenceError::NotFound)
        ));
        assert!(matches!(cases::assign(&mut conn, &b, &case.id, &admin_b, &admin_b), Err(CaseError::Persistence(PersistenceError::NotFound))));
        assert!(matches!(
            cases::change_status(&mut conn, &b, &case.id, CaseStatus::OnHold, None, &admin_b),
            Err(CaseError::Persistence(PersistenceError::NotFound))
        ));
        // A's person cannot be used by B either, nor assigned an A member.
        assert!(!cases::beneficiary_exists(&mut conn, &b, &awa).expect("q"));
        let attempt = cases::create(&mut conn, &b, &NewCase { beneficiary_id: &awa, pathway: Pathway::Training, intake_date: case.intake_date, referral_source: None, goals: None, created_by: &admin_b });
        assert!(matches!(attempt, Err(PersistenceError::NotFound)));
        let case_b = { let p = person(&mut conn, &b, "Moussa", "Traoré"); open_case(&mut conn, &b, &p, &admin_b) };
        assert!(matches!(cases::assign(&mut conn, &b, &case_b.id, &worker_a, &admin_b), Err(CaseError::NotAssignable)));
        assert!(tasks::my_open(&mut conn, &b, &worker_a, case.intake_date).expect("mine").is_empty());
    }

    fn confidential_notes_reach_only_author_assigned_workers_and_admins(db: &TestDb) {
        let mut conn = db.conn();
        let a = tenant(&mut conn, "A");
        let author = member(&mut conn, &a, "author@a.org", TenantRole::Caseworker);
        let assigned = member(&mut conn, &a, "assigned@a.org", TenantRole::Caseworker);
        let other = member(&mut conn, &a, "other@a.org", TenantRole::Caseworker);
        let admin = member(&mut conn, &a, "admin@a.org", TenantRole::TenantAdmin);
        let volunteer = member(&mut conn, &a, "volunteer@a.org", TenantRole::Volunteer);
        let case = { let p = person(&mut conn, &a, "Awa", "Diop"); open_case(&mut conn, &a, &p, &author) };
        assert!(cases::assign(&mut conn, &a, &case.id, &assigned, &author).expect("assign"));
        assert!(!cases::assign(&mut conn, &a, &case.id, &assigned, &author).expect("again"), "already assigned");
        assert!(matches!(cases::assign(&mut conn, &a, &case.id, &volunteer, &author), Err(CaseError::NotAssignable)));
        case_notes::create(&mut conn, &a, &case.id, &author, NoteVisibility::Normal, "Note ordinaire").expect("note");
        case_notes::create(&mut conn, &a, &case.id, &author, NoteVisibility::Confidential, "Situation familiale difficile").expect("note");

        let bodies = |conn: &mut DbConnection, user: &str| -> Vec<String> {
            let reader = case_notes::reader(conn, &a, user).expect("reader");
            case_notes::list_for_reader(conn, &a, &case.id, &reader).expect("notes").into_iter().map(|n| n.body).collect()
        };
        let both = vec!["Situation familiale difficile".to_owned(), "Note ordinaire".to_owned()];
        assert_eq!(bodies(&mut conn, &author), both);
        assert_eq!(bodies(&mut conn, &assigned), both);
        assert_eq!(bodies(&mut conn, &admin), both);
        assert_eq!(bodies(&mut conn, &other), vec!["Note ordinaire".to_owned()]);
        // Unassigned, the caseworker loses the confidential note.
        assert!(cases::unassign(&mut conn, &a, &case.id, &assigned, &admin).expect("unassign"));
        assert!(!cases::unassign(&mut conn, &a, &case.id, &assigned, &admin).expect("unassign again"));
        assert_eq!(bodies(&mut conn, &assigned), vec!["Note ordinaire".to_owned()]);
        // The timeline records the visibility, never the text.
        let events = case_events::list(&mut conn, &a, &case.id, 100).expect("events");
        assert!(events.iter().all(|e| !e.details.contains("Situation")));
        assert!(events.iter().any(|e| e.kind == "note_added" && e.details.contains("confidential")));
    }

    fn a_stale_edit_is_refused_and_writes_nothing(db: &TestDb) {
        let mut conn = db.conn();
        let a = tenant(&mut conn, "A");
        let w = member(&mut conn, &a, "w@a.org", TenantRole::Caseworker);
        let case = { let p = person(&mut conn, &a, "Awa", "Diop"); open_case(&mut conn, &a, &p, &w) };
        let first = CaseChanges { pathway: Pathway::Employment, referral_source: None, goals: Some("Trouver un emploi".into()) };
        let (before, after) = cases::update(&mut conn, &a, &case.id, case.version, &first, &w).expect("update");
        assert_eq!(after.version, before.version + 1);
        assert_eq!(cases::changed_fields(&before, &after), vec!["pathway", "referral_source", "goals"]);
        let second = CaseChanges { pathway: Pathway::Training, referral_source: None, goals: Some("Autre chose".into()) };
        assert!(matches!(cases::update(&mut conn, &a, &case.id, case.version, &second, &w), Err(PersistenceError::Conflict(relais_domain::Conflict::StaleVersion))));
        let now = cases::find(&mut conn, &a, &case.id).expect("case");
        assert_eq!((now.pathway.as_str(), now.goals.as_deref(), now.version), ("employment", Some("Trouver un emploi"), after.version));
        assert!(matches!(cases::update(&mut conn, &a, "no-such-case", 1, &second, &w), Err(PersistenceError::NotFound)));
    }

    fn references_count_per_tenant_and_are_unique(db: &TestDb) {
        let mut conn = db.conn();
        let a = tenant(&mut conn, "A");
        let b = tenant(&mut conn, "B");
        let wa = member(&mut conn, &a, "w@a.org", TenantRole::Caseworker);
        let wb = member(&mut conn, &b, "w@b.org", TenantRole::Caseworker);
        let year = relais_persistence::now().year();
        let pa = person(&mut conn, &a, "Awa", "Diop");
        let pb = person(&mut conn, &b, "Moussa", "Traoré");
        let refs_a: Vec<String> = (0..3).map(|_| open_case(&mut conn, &a, &pa, &wa).reference).collect();
        assert_eq!(refs_a, (1..=3).map(|n| format!("C-{year}-{n:05}")).collect::<Vec<_>>());
        assert_eq!(open_case(&mut conn, &b, &pb, &wb).reference, format!("C-{year}-00001"), "numbering is per tenant");
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
        assert_eq!(open_case(&mut conn, &a, &pa, &wa).reference, format!("C-{year}-100001"));
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
                let (pool, w, p) = (db.db.clone(), w.clone(), p.clone());
                std::thread::spawn(move || {
                    let mut conn = pool.get().expect("connection");
                    (0..6)
                        .map(|_| {
                            relais_persistence::write_tx(&mut conn, |c| open_case_checked(c, &a, &p, &w))
                                .expect("case")
                                .reference
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        let mut references: Vec<String> = workers.into_iter().flat_map(|h| h.join().expect("thread")).collect();
        references.sort();
        let year = relais_persistence::now().year();
        assert_eq!(references, (1..=18).map(|n| format!("C-{year}-{n:05}")).collect::<Vec<_>>());
    }

    fn the_status_machine_is_enforced(db: &TestDb) {
        let mut conn = db.conn();
        let a = tenant(&mut conn, "A");
        let w = member(&mut conn, &a, "w@a.org", TenantRole::Caseworker);
        let case = { let p = person(&mut conn, &a, "Awa", "Diop"); open_case(&mut conn, &a, &p, &w) };
        assert!(matches!(
            cases::change_status(&mut conn, &a, &case.id, CaseStatus::Closed, None, &w),
            Err(CaseError::Transition(TransitionError::ReasonRequired))
        ));
        let (_, held) = cases::change_status(&mut conn, &a, &case.id, CaseStatus::OnHold, None, &w).expect("hold");
        assert_eq!(held.status, "on_hold");
        let (_, closed) = cases::change_status(&mut conn, &a, &case.id, CaseStatus::Closed, Some(CloseReason::MovedAway), &w).expect("close");
        assert_eq!((closed.status.as_str(), closed.closed_reason.as_deref()), ("closed", Some("moved_away")));
        assert!(matches!(
            cases::change_status(&mut conn, &a, &case.id, CaseStatus::OnHold, None, &w),
            Err(CaseError::Transition(TransitionError::NotAllowed { .. }))
        ));
        let unchanged = cases::find(&mut conn, &a, &case.id).expect("case");
        assert_eq!(unchanged.status, "closed");
        let (_, reopened) = cases::change_status(&mut conn, &a, &case.id, CaseStatus::Open, None, &w).expect("reopen");
        assert_eq!((reopened.status.as_str(), reopened.closed_reason), ("open", None));
        let kinds: Vec<String> = case_events::list(&mut conn, &a, &case.id, 100).expect("events").into_iter().map(|e| e.kind).collect();
        assert_eq!(kinds, ["status_changed", "status_changed", "status_changed", "opened"]);
    }

    fn my_work_lists_overdue_tasks_first_and_my_cases(db: &TestDb) {
        let mut conn = db.conn();
        let a = tenant(&mut conn, "A");
        let me = member(&mut conn, &a, "me@a.org", TenantRole::Caseworker);
        let other = member(&mut conn, &a, "other@a.org", TenantRole::Caseworker);
        let volunteer = member(&mut conn, &a, "v@a.org", TenantRole::Volunteer);
        let today = NaiveDate::from_ymd_opt(2026, 11, 29).expect("date");
        let case = { let p = person(&mut conn, &a, "Awa", "Diop"); open_case(&mut conn, &a, &p, &me) };
        let not_mine = { let p = person(&mut conn, &a, "Moussa", "Traoré"); open_case(&mut conn, &a, &p, &other) };
        cases::assign(&mut conn, &a, &case.id, &me, &me).expect("assign");
        let add = |conn: &mut DbConnection, title: &str, due: Option<NaiveDate>, who: &str| {
            tasks::create(conn, &a, &case.id, &tasks::NewTask { title, due_on: due, assignee_id: Some(who) }, &me).expect("task")
        };
        add(&mut conn, "Sans date", None, &me);
        add(&mut conn, "Dans une semaine", Some(today + Duration::days(7)), &me);
        let overdue = add(&mut conn, "En retard", Some(today - Duration::days(3)), &me);
        add(&mut conn, "Pour un autre", Some(today - Duration::days(10)), &other);
        let done = add(&mut conn, "Déjà fait", Some(today - Duration::days(20)), &me);
        tasks::set_done(&mut conn, &a, &case.id, &done, true, &me).expect("done");
        assert!(matches!(
            tasks::create(&mut conn, &a, &case.id, &tasks::NewTask { title: "x", due_on: None, assignee_id: Some(&volunteer) }, &me),
            Err(CaseError::NotAssignable)
        ));

        let mine = tasks::my_open(&mut conn, &a, &me, today).expect("mine");
        let titles: Vec<&str> = mine.iter().map(|t| t.task.title.as_str()).collect();
        assert_eq!(titles, ["En retard", "Dans une semaine", "Sans date"]);
        assert!(mine[0].overdue && !mine[1].overdue && !mine[2].overdue);
        assert_eq!(mine[0].case_reference, case.reference);
        // Undone, a task is open again.
        tasks::set_done(&mut conn, &a, &case.id, &overdue, true, &me).expect("done");
        tasks::set_done(&mut conn, &a, &case.id, &overdue, false, &me).expect("undone");
        assert_eq!(tasks::my_open(&mut conn, &a, &me, today).expect("mine").len(), 3);

        let my_cases = cases::list(&mut conn, &a, &CaseFilter { assignee: Some(me.clone()), not_closed: true, ..CaseFilter::default() }, None, 50).expect("list");
        assert_eq!(my_cases.rows.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), [case.id.as_str()]);
        assert_eq!(my_cases.rows[0].given_names, "Awa");
        let _ = not_mine;
    }

    fn the_case_list_pages_by_keyset_and_filters(db: &TestDb) {
        let mut conn = db.conn();
        let a = tenant(&mut conn, "A");
        let w = member(&mut conn, &a, "w@a.org", TenantRole::Caseworker);
        let p = person(&mut conn, &a, "Awa", "Diop");
        let mut ids: Vec<String> = (0..7).map(|_| open_case(&mut conn, &a, &p, &w).id).collect();
        cases::change_status(&mut conn, &a, &ids[0], CaseStatus::OnHold, None, &w).expect("hold");
        // Newest change first: the held case, then the others newest first.
        let first = ids.remove(0);
        ids.reverse();
        ids.insert(0, first.clone());
        let mut seen = Vec::new();
        let mut cursor = None;
        loop {
            let page = cases::list(&mut conn, &a, &CaseFilter::default(), cursor.as_ref(), 3).expect("page");
            assert!(page.rows.len() <= 3);
            seen.extend(page.rows.iter().map(|r| r.id.clone()));
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
        assert_eq!(held.rows.iter().map(|r| r.id.clone()).collect::<Vec<_>>(), vec![first]);
        let training = cases::list(&mut conn, &a, &CaseFilter { pathway: Some(Pathway::Training), ..CaseFilter::default() }, None, 50).expect("training");
        assert!(training.rows.is_empty());
        assert!(cases::Cursor::parse("garbage").is_none());
    }
}
