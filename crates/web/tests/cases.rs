//! Case files through the real router on both backends: opening a case,
//! confidential notes, tasks and "my work", the status machine, stale
//! edits, roles that may not see cases, another tenant, the audit of views,
//! and page snapshots in French and Arabic.

mod common;

use axum::http::StatusCode;
use common::{PASSWORD, TestApp, stable};
use relais_domain::beneficiary::Sex;
use relais_domain::{MembershipStatus, TenantRole};
use relais_persistence::TenantScope;
use relais_persistence::models::beneficiaries::{self, BeneficiaryFields};
use relais_persistence::models::{audit, cases, memberships};
use relais_test_support::backend_tests_async;
use relais_web::route_specs;

/// A person of a tenant (registered through the beneficiaries module).
fn person(app: &TestApp, scope: &TenantScope, given: &str, family: &str) -> String {
    let mut conn = app.db.conn();
    let fields = BeneficiaryFields {
        given_names: given.into(),
        family_names: family.into(),
        arabic_name: None,
        sex: Sex::Female,
        birth_date: None,
        birth_year: None,
        nationalities: Vec::new(),
        languages: Vec::new(),
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
    beneficiaries::create(&mut conn, scope, &fields, None, relais_persistence::now()).expect("person").id.to_string()
}

async fn signed_in(app: &TestApp, email: &str) -> common::Client {
    let mut client = app.client();
    client.lang = Some("fr");
    assert_eq!(client.login(email, PASSWORD).await.status, StatusCode::SEE_OTHER);
    client
}

/// Opens a case as this client; returns its id.
async fn open_case(client: &mut common::Client, person: &str, assignees: &[&str]) -> String {
    let keys: Vec<String> = assignees.iter().map(|id| format!("assign-{id}")).collect();
    let mut fields = vec![
        ("beneficiary", person),
        ("pathway", "auto_entrepreneur"),
        ("intake_date", "2026-11-02"),
        ("referral_source", "Salon de l'emploi de Rabat"),
        ("goals", "Obtenir la carte d'auto-entrepreneur"),
    ];
    fields.extend(keys.iter().map(|k| (k.as_str(), "on")));
    let created = client.post("/cases", &fields).await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let location = created.location().expect("to the case").to_owned();
    location.trim_start_matches("/cases/").split('#').next().expect("id").to_owned()
}

/// `stable`, plus times written now (`YYYY-MM-DD HH:MM`) and this year's references.
fn page(html: &str) -> String {
    let year = relais_persistence::now().format("%Y").to_string();
    let text = stable(html).replace(&format!("C-{year}-"), "C-[year]-");
    let bytes = text.as_bytes();
    let shape = b"dddd-dd-dd dd:dd";
    let mut out = String::with_capacity(text.len());
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
            let ch = text[i..].chars().next().unwrap_or(' ');
            out.push(ch);
            i += ch.len_utf8();
        }
    }
    out
}

/// A member with a display name of its own (the harness names members after their role).
fn named_member(app: &TestApp, scope: &TenantScope, email: &str, name: &str, role: TenantRole) -> (String, String) {
    let (id, email) = app.user(email, name);
    let mut conn = app.db.conn();
    memberships::create(&mut conn, scope, &id, role, MembershipStatus::Active, relais_persistence::now())
        .expect("membership");
    (id, email)
}

struct World {
    app: TestApp,
    tenant: TenantScope,
    admin: (String, String),
    author: (String, String),
    colleague: (String, String),
    awa: String,
}

async fn world(db: relais_test_support::TestDb) -> World {
    let app = TestApp::new(db).await;
    let tenant = app.tenant("Association Espoir");
    let admin = named_member(&app, &tenant, "admin@espoir.org", "Samira Admin", TenantRole::TenantAdmin);
    let author = named_member(&app, &tenant, "karim@espoir.org", "Karim Benali", TenantRole::Caseworker);
    let colleague = named_member(&app, &tenant, "nadia@espoir.org", "Nadia Ouali", TenantRole::Caseworker);
    let awa = person(&app, &tenant, "Aminata", "Sow");
    World { app, tenant, admin, author, colleague, awa }
}

backend_tests_async! {
    async fn a_confidential_note_reaches_the_author_and_admins_but_not_other_caseworkers(db: TestDb) {
        let w = world(db).await;
        let mut author = signed_in(&w.app, &w.author.1).await;
        let form = author.get(&format!("/cases/new?beneficiary={}", w.awa)).await;
        assert_eq!(form.status, StatusCode::OK);
        assert!(form.body.contains("Aminata") && form.body.contains(&format!("assign-{}", w.author.0)));
        let id = open_case(&mut author, &w.awa, &[&w.author.0]).await;
        let note = author.post(&format!("/cases/{id}/notes"), &[("body", "Violences conjugales signalées"), ("visibility", "confidential")]).await;
        assert_eq!(note.status, StatusCode::SEE_OTHER);
        author.post(&format!("/cases/{id}/notes"), &[("body", "Premier entretien fait"), ("visibility", "normal")]).await;
        let task = author.post(&format!("/cases/{id}/tasks"), &[("title", "Déposer le dossier AE"), ("due_on", "2026-12-15"), ("assignee_id", &w.author.0)]).await;
        assert_eq!(task.status, StatusCode::SEE_OTHER);

        let mine = author.get(&format!("/cases/{id}")).await;
        assert_eq!(mine.status, StatusCode::OK);
        for text in ["Aminata", "Sow", "Violences conjugales signalées", "Premier entretien fait", "Déposer le dossier AE", "2026-12-15", "Confidentielle"] {
            assert!(mine.body.contains(text), "the author sees {text}");
        }

        // Another caseworker of the tenant sees the case, not the confidential note.
        let mut colleague = signed_in(&w.app, &w.colleague.1).await;
        let list = colleague.get("/cases").await;
        assert_eq!(list.status, StatusCode::OK);
        assert!(list.body.contains(&format!("/cases/{id}")));
        let theirs = colleague.get(&format!("/cases/{id}")).await;
        assert_eq!(theirs.status, StatusCode::OK);
        assert!(theirs.body.contains("Premier entretien fait"));
        assert!(!theirs.body.contains("Violences"), "the confidential text is not in the page");

        // Once assigned, the colleague reads it; the tenant admin always does.
        let mut admin = signed_in(&w.app, &w.admin.1).await;
        assert!(admin.get(&format!("/cases/{id}")).await.body.contains("Violences conjugales signalées"));
        assert_eq!(author.post(&format!("/cases/{id}/assignments"), &[("user_id", &w.colleague.0)]).await.status, StatusCode::SEE_OTHER);
        assert!(colleague.get(&format!("/cases/{id}")).await.body.contains("Violences conjugales signalées"));
        let removed = author.post(&format!("/cases/{id}/assignments/{}/remove", w.colleague.0), &[]).await;
        assert_eq!(removed.status, StatusCode::SEE_OTHER);
        assert!(!colleague.get(&format!("/cases/{id}")).await.body.contains("Violences"));

        // Every view is audited; no note text ever reaches the audit trail.
        let trail = {
            let mut conn = w.app.db.conn();
            audit::list_for_target(&mut conn, &w.tenant, relais_domain::AuditTarget::Case, &id, 100).expect("trail")
        };
        assert!(trail.iter().any(|e| e.action == "case.viewed" && e.actor_user_id.map(|u| u.to_string()).as_deref() == Some(w.colleague.0.as_str())));
        for action in ["case.created", "case.assigned", "case.unassigned", "note.added", "task.added"] {
            assert!(trail.iter().any(|e| e.action == action), "{action} audited");
        }
        assert!(trail.iter().all(|e| !e.details.contains("Violences") && !e.details.contains("Aminata")));
        assert!(trail.iter().any(|e| e.action == "note.added" && e.details.contains("confidential")));
        // The admin sees who viewed the case on the case page.
        let with_trail = admin.get(&format!("/cases/{id}")).await.body;
        assert!(with_trail.contains("case.viewed"));
    }

    async fn volunteers_and_viewers_are_refused_every_case_url(db: TestDb) {
        let w = world(db).await;
        let mut author = signed_in(&w.app, &w.author.1).await;
        let id = open_case(&mut author, &w.awa, &[&w.author.0]).await;
        author.post(&format!("/cases/{id}/tasks"), &[("title", "Appeler"), ("assignee_id", &w.author.0)]).await;
        let task_id = first_task(&w.app, &w.tenant, &id);
        for role in [TenantRole::Volunteer, TenantRole::Viewer] {
            let (_, email) = w.app.member(&w.tenant, &format!("{role}@espoir.org"), role);
            let mut client = signed_in(&w.app, &email).await;
            for (method, path) in case_urls(&id, &task_id, &w.author.0, &w.awa) {
                let status = match method {
                    "get" => client.get(&path).await.status,
                    _ => client.post(&path, &[("title", "x"), ("body", "x"), ("visibility", "normal"), ("status", "on_hold")]).await.status,
                };
                assert_eq!(status, StatusCode::FORBIDDEN, "{role}: {method} {path}");
            }
        }
    }

    async fn another_tenant_never_reaches_a_case(db: TestDb) {
        let w = world(db).await;
        let mut author = signed_in(&w.app, &w.author.1).await;
        let id = open_case(&mut author, &w.awa, &[&w.author.0]).await;
        author.post(&format!("/cases/{id}/notes"), &[("body", "Note de A"), ("visibility", "normal")]).await;
        author.post(&format!("/cases/{id}/tasks"), &[("title", "Tâche de A"), ("assignee_id", &w.author.0)]).await;
        let task_id = first_task(&w.app, &w.tenant, &id);
        let reference = {
            let mut conn = w.app.db.conn();
            cases::find(&mut conn, &w.tenant, key(&id)).expect("case").reference
        };
        let b = w.app.tenant("Agence B");
        let (_, email) = w.app.member(&b, "admin@b.org", TenantRole::TenantAdmin);
        let mut other = signed_in(&w.app, &email).await;
        for (method, path) in case_urls(&id, &task_id, &w.author.0, &w.awa) {
            let response = match method {
                "get" => other.get(&path).await,
                _ => other.post(&path, &[("title", "x"), ("body", "x"), ("visibility", "normal"), ("status", "on_hold"), ("user_id", &w.author.0), ("pathway", "training"), ("version", "1"), ("intake_date", "2026-11-01"), ("beneficiary", &w.awa)]).await,
            };
            if method == "get" && (path == "/cases" || path == "/my-work") {
                assert_eq!(response.status, StatusCode::OK);
            } else {
                assert!(matches!(response.status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN), "{method} {path}: {}", response.status);
            }
            for secret in [reference.as_str(), "Aminata", "Note de A", "Tâche de A"] {
                assert!(!response.body.contains(secret), "{method} {path} shows {secret}");
            }
        }
        // Nothing was written into A's case.
        let mut conn = w.app.db.conn();
        let case = cases::find(&mut conn, &w.tenant, key(&id)).expect("case");
        assert_eq!((case.status.as_str(), case.version), ("open", 1));
    }

    async fn closing_needs_a_reason_and_illegal_moves_are_refused(db: TestDb) {
        let w = world(db).await;
        let mut author = signed_in(&w.app, &w.author.1).await;
        let id = open_case(&mut author, &w.awa, &[]).await;
        let no_reason = author.post(&format!("/cases/{id}/status"), &[("status", "closed"), ("closed_reason", "")]).await;
        assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(no_reason.body.contains("id=\"e-closed_reason\"") && no_reason.body.contains("Choisissez le motif de clôture."));
        let unknown = author.post(&format!("/cases/{id}/status"), &[("status", "archived")]).await;
        assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
        let closed = author.post(&format!("/cases/{id}/status"), &[("status", "closed"), ("closed_reason", "goal_reached")]).await;
        assert_eq!(closed.status, StatusCode::SEE_OTHER);
        let illegal = author.post(&format!("/cases/{id}/status"), &[("status", "on_hold")]).await;
        assert_eq!(illegal.status, StatusCode::CONFLICT);
        assert!(illegal.body.contains("Ce changement de statut n&#39;est pas possible"));
        let page = author.get(&format!("/cases/{id}")).await.body;
        assert!(page.contains("Objectif atteint"));
        assert_eq!(author.post(&format!("/cases/{id}/status"), &[("status", "open")]).await.status, StatusCode::SEE_OTHER);
        let mut conn = w.app.db.conn();
        let case = cases::find(&mut conn, &w.tenant, key(&id)).expect("case");
        assert_eq!((case.status.as_str(), case.closed_reason), ("open", None));
    }

    async fn a_stale_edit_is_refused_and_nothing_is_overwritten(db: TestDb) {
        let w = world(db).await;
        let mut author = signed_in(&w.app, &w.author.1).await;
        let mut colleague = signed_in(&w.app, &w.colleague.1).await;
        let id = open_case(&mut author, &w.awa, &[]).await;
        assert!(author.get(&format!("/cases/{id}")).await.body.contains("name=\"version\" value=\"1\""));
        let first = author.post(&format!("/cases/{id}"), &[("version", "1"), ("pathway", "employment"), ("referral_source", ""), ("goals", "Trouver un emploi")]).await;
        assert_eq!(first.status, StatusCode::SEE_OTHER);
        let second = colleague.post(&format!("/cases/{id}"), &[("version", "1"), ("pathway", "training"), ("referral_source", "x"), ("goals", "Une formation")]).await;
        assert_eq!(second.status, StatusCode::CONFLICT);
        assert!(second.body.contains("Quelqu&#39;un a modifié ce dossier"));
        let invalid = colleague.post(&format!("/cases/{id}"), &[("version", "2"), ("pathway", "bogus"), ("goals", &"x".repeat(5000))]).await;
        assert_eq!(invalid.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(invalid.body.contains("aria-describedby=\"e-pathway\"") && invalid.body.contains("id=\"e-goals\""));
        let mut conn = w.app.db.conn();
        let case = cases::find(&mut conn, &w.tenant, key(&id)).expect("case");
        assert_eq!((case.pathway.as_str(), case.goals.as_deref(), case.version), ("employment", Some("Trouver un emploi"), 2));
        let trail = audit::list_for_target(&mut conn, &w.tenant, relais_domain::AuditTarget::Case, &id, 100).expect("trail");
        let updated = trail.iter().find(|e| e.action == "case.updated").expect("case.updated");
        assert!(updated.details.contains("goals") && !updated.details.contains("Trouver"));
    }

    async fn forms_are_checked_and_refilled(db: TestDb) {
        let w = world(db).await;
        let mut author = signed_in(&w.app, &w.author.1).await;
        let bad = author.post("/cases", &[("beneficiary", &w.awa), ("pathway", ""), ("intake_date", "2999-01-01"), ("referral_source", "Salon de Tanger")]).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.body.contains("id=\"e-pathway\"") && bad.body.contains("Cette date ne peut pas être dans le futur."));
        assert!(bad.body.contains("value=\"Salon de Tanger\""), "refilled");
        let missing = uuid::Uuid::now_v7().to_string();
        assert_eq!(author.post("/cases", &[("beneficiary", &missing), ("pathway", "training"), ("intake_date", "2026-11-01")]).await.status, StatusCode::NOT_FOUND);
        assert_eq!(author.get(&format!("/cases/new?beneficiary={missing}")).await.status, StatusCode::NOT_FOUND);
        assert_eq!(author.get("/cases/not-an-id").await.status, StatusCode::NOT_FOUND);
        assert_eq!(author.get(&format!("/cases/{missing}")).await.status, StatusCode::NOT_FOUND);
        let id = open_case(&mut author, &w.awa, &[]).await;
        let empty_note = author.post(&format!("/cases/{id}/notes"), &[("body", "  "), ("visibility", "normal")]).await;
        assert_eq!(empty_note.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(empty_note.body.contains("id=\"e-body\""));
        let volunteer = w.app.member(&w.tenant, "v@espoir.org", TenantRole::Volunteer);
        let bad_task = author.post(&format!("/cases/{id}/tasks"), &[("title", "Relancer"), ("due_on", "15/12/2026"), ("assignee_id", &volunteer.0)]).await;
        assert_eq!(bad_task.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad_task.body.contains("id=\"e-due_on\"") && bad_task.body.contains("value=\"Relancer\""));
        let not_worker = author.post(&format!("/cases/{id}/tasks"), &[("title", "Relancer"), ("assignee_id", &volunteer.0)]).await;
        assert_eq!(not_worker.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(not_worker.body.contains("id=\"e-assignee_id\""));
        let not_assignable = author.post(&format!("/cases/{id}/assignments"), &[("user_id", &volunteer.0)]).await;
        assert_eq!(not_assignable.status, StatusCode::UNPROCESSABLE_ENTITY);
    }

    async fn my_work_lists_residence_cards_expiring_soon(db: TestDb) {
        let w = world(db).await;
        let mut author = signed_in(&w.app, &w.author.1).await;
        let _case = open_case(&mut author, &w.awa, &[&w.author.0]).await;
        let today = w.app.clock.now().date();
        {
            let mut conn = w.app.db.conn();
            for (number, days) in [("RC-SOON", 20), ("RC-LATER", 200)] {
                relais_persistence::models::identity_documents::add(
                    &mut conn,
                    &w.tenant,
                    w.awa.parse().expect("a person id"),
                    &relais_persistence::models::identity_documents::NewDocument {
                        doc_type: relais_domain::beneficiary::DocumentType::ResidenceCard,
                        number: number.into(),
                        issued_on: None,
                        expires_on: Some(today + chrono::Days::new(days)),
                    },
                    w.app.clock.now(),
                )
                .expect("document");
            }
        }
        let work = author.get("/my-work").await.body;
        let section = work.split("id=\"h-expiring\"").nth(1).expect("the expiring section");
        assert!(section.contains("Aminata"), "the person whose card expires within 60 days");
        assert!(section.contains(&(today + chrono::Days::new(20)).to_string()));
        assert!(!section.contains(&(today + chrono::Days::new(200)).to_string()), "not the card expiring later");
        assert!(!section.contains("RC-SOON"), "no document number on the work page");
    }

    async fn my_work_lists_the_overdue_task_first_and_pages_look_right(db: TestDb) {
        let w = world(db).await;
        let mut author = signed_in(&w.app, &w.author.1).await;
        let id = open_case(&mut author, &w.awa, &[&w.author.0]).await;
        let other = person(&w.app, &w.tenant, "Moussa", "Traoré");
        let second = open_case(&mut author, &other, &[]).await;
        for (case, title, due) in [(&id, "Préparer le plan d'affaires", "2099-03-01"), (&id, "Rappeler la DGI", "2020-01-15"), (&second, "Sans échéance", "")] {
            let added = author.post(&format!("/cases/{case}/tasks"), &[("title", title), ("due_on", due), ("assignee_id", &w.author.0)]).await;
            assert_eq!(added.status, StatusCode::SEE_OTHER);
        }
        author.post(&format!("/cases/{id}/notes"), &[("body", "Très motivée, a déjà un local"), ("visibility", "confidential")]).await;
        author.post(&format!("/cases/{id}/status"), &[("status", "on_hold")]).await;

        let work = author.get("/my-work").await;
        assert_eq!(work.status, StatusCode::OK);
        let overdue = work.body.find("Rappeler la DGI").expect("overdue task");
        let later = work.body.find("Préparer le plan d").expect("later task");
        let undated = work.body.find("Sans échéance").expect("undated task");
        assert!(overdue < later && later < undated, "overdue first, then by due date, undated last");
        assert!(work.body.contains("En retard"));
        assert!(work.body.contains("Aminata"), "my cases");
        assert!(!work.body.contains("Moussa"), "not assigned to that case");

        insta::assert_snapshot!("my_work_fr", page(&work.body));
        insta::assert_snapshot!("case_fr", page(&author.get(&format!("/cases/{id}")).await.body));
        author.post("/language", &[("lang", "ar")]).await;
        insta::assert_snapshot!("my_work_ar", page(&author.get("/my-work").await.body));
        insta::assert_snapshot!("case_ar", page(&author.get(&format!("/cases/{id}")).await.body));
        author.post("/language", &[("lang", "fr")]).await;

        // Marking the overdue task done from "my work" takes it off the list.
        let task_id = {
            let mut conn = w.app.db.conn();
            relais_persistence::models::tasks::list_for_case(&mut conn, &w.tenant, key(&id)).expect("tasks").into_iter().find(|t| t.title == "Rappeler la DGI").expect("task").id
        };
        let done = author.post(&format!("/cases/{id}/tasks/{task_id}/done"), &[("done", "true"), ("next", "/my-work")]).await;
        assert_eq!(done.location(), Some("/my-work"));
        assert!(!author.get("/my-work").await.body.contains("Rappeler la DGI"), "done tasks leave my work");

        // The list filters and pages.
        let held = author.get("/cases?status=on_hold").await.body;
        assert!(held.contains(&format!("/cases/{id}")) && !held.contains(&format!("/cases/{second}")));
        let mine = author.get("/cases?mine=1").await.body;
        assert!(mine.contains(&format!("/cases/{id}")) && !mine.contains(&format!("/cases/{second}")));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_list_has_a_next_page_after_fifty_cases() {
    let w = world(relais_test_support::TestDb::sqlite()).await;
    {
        let mut conn = w.app.db.conn();
        for _ in 0..51 {
            cases::create(
                &mut conn,
                &w.tenant,
                &cases::NewCase {
                    beneficiary_id: w.awa.parse().expect("a person id"),
                    pathway: relais_domain::case_file::Pathway::Training,
                    intake_date: chrono::NaiveDate::from_ymd_opt(2026, 10, 1).expect("date"),
                    referral_source: None,
                    goals: None,
                    created_by: w.author.0.parse().expect("a user id"),
                },
                w.app.clock.now(),
            )
            .expect("case");
        }
    }
    let mut author = signed_in(&w.app, &w.author.1).await;
    let first = author.get("/cases?pathway=training").await.body;
    assert_eq!(first.matches("<a href=\"/cases/").count(), 50);
    let next =
        first.split("href=\"").find(|s| s.starts_with("/cases?")).and_then(|s| s.split('"').next()).expect("next link");
    let next = next.replace("&amp;", "&");
    assert!(next.contains("pathway=training") && next.contains("after="));
    let second = author.get(&next).await.body;
    assert_eq!(second.matches("<a href=\"/cases/").count(), 1);
    assert!(!second.contains("rel=\"next\""));
}

/// Every translation key the case pages build from a closed list exists in
/// French, Arabic and English.
#[test]
fn every_case_code_is_translated() {
    use relais_domain::case_file::{CaseEventKind, CaseStatus, CloseReason, NoteVisibility, Pathway};
    let catalog = relais_i18n::Catalog::embedded();
    let mut keys: Vec<String> = Vec::new();
    keys.extend(Pathway::ALL.iter().map(|c| format!("case-pathway-{c}")));
    keys.extend(CaseStatus::ALL.iter().map(|c| format!("case-status-{c}")));
    keys.extend(CloseReason::ALL.iter().map(|c| format!("case-reason-{c}")));
    keys.extend(NoteVisibility::ALL.iter().map(|c| format!("case-visibility-{c}")));
    keys.extend(CaseEventKind::ALL.iter().map(|c| format!("case-event-{}", c.as_str().replace('_', "-"))));
    keys.extend(["pathway", "referral_source", "goals"].iter().map(|f| format!("case-field-{}", f.replace('_', "-"))));
    keys.extend(
        ["date", "future-date", "stale", "transition", "reason-required", "not-assignable"]
            .iter()
            .map(|e| format!("case-error-{e}")),
    );
    let missing: Vec<_> = keys.into_iter().filter(|k| !catalog.has_everywhere(k)).collect();
    assert!(missing.is_empty(), "missing translations: {missing:?}");
}

fn first_task(app: &TestApp, scope: &TenantScope, case_id: &str) -> String {
    let mut conn = app.db.conn();
    relais_persistence::models::tasks::list_for_case(&mut conn, scope, key(case_id))
        .expect("tasks")
        .remove(0)
        .id
        .to_string()
}

/// A case id as the URLs write it.
fn key(case_id: &str) -> relais_domain::CaseId {
    case_id.parse().expect("a case id")
}

/// Every case and "my work" route, with real ids substituted.
fn case_urls(case_id: &str, task_id: &str, user_id: &str, person: &str) -> Vec<(&'static str, String)> {
    let urls: Vec<_> = route_specs()
        .into_iter()
        // Referral routes under /cases have their own access rules (tests/referrals.rs).
        .filter(|s| (s.path.starts_with("/cases") && !s.path.contains("/referrals")) || s.path == "/my-work")
        .map(|s| {
            let path = s
                .path
                .replace("{id}", case_id)
                .replace("{task_id}", task_id)
                .replace("{user_id}", user_id)
                .replace("/cases/new", &format!("/cases/new?beneficiary={person}"));
            (s.method, path)
        })
        .collect();
    assert_eq!(urls.len(), 12, "every case route is checked");
    urls
}
