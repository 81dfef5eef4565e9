//! Sign-in sheet import on both backends, below HTTP: CSV (`;`, byte-order
//! mark) and XLSX, header guessing, a preview that writes nothing and shows
//! duplicates of the tenant only, decisions, all or nothing with row and
//! column named in French, audit rows (counts, never names), refusals, and
//! the time of a 5,000-row sheet.

use std::sync::Arc;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use relais_app::outreach::{
    self, ColumnMapping, Decisions, ImportField, ImportOutcome, NewEvent, RowDecision, Sheet, StatusChange,
};
use relais_app::{Actor, App, AppError, AppSettings, Member, Permissions};
use relais_domain::outreach::{EventKind, EventRefusal, EventStatus, EventTopic};
use relais_domain::{AuditAction, BeneficiaryId, Conflict, EventId, Language, Region, TenantRole, UserId, names};
use relais_i18n::Catalog;
use relais_persistence::models::audit::{self, AuditEvent};
use relais_persistence::schema::{beneficiaries, event_attendances};
use relais_persistence::{DbConnection, TenantScope};
use relais_test_support::{TestDb, backend_tests_async, fixtures};

fn at() -> NaiveDateTime {
    day(2026, 12, 10).and_hms_opt(10, 0, 0).expect("a time")
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a date")
}

fn permissions(role: TenantRole) -> Permissions {
    Permissions::of_role(role.as_str())
}

struct World {
    db: TestDb,
    app: App,
    a: TenantScope,
    b: TenantScope,
    volunteer: Actor,
    viewer: Actor,
    awa: BeneficiaryId,
    b_grace: BeneficiaryId,
}

fn member(conn: &mut DbConnection, scope: &TenantScope, email: &str, role: TenantRole) -> Actor {
    let id = fixtures::member(conn, scope, email, role);
    let user_id: UserId = id.parse().expect("a user id");
    Actor::member(Member { user_id, scope: *scope, role, permissions: permissions(role) }, "req-import")
}

fn person(conn: &mut DbConnection, scope: &TenantScope, given: &str, family: &str, year: i32) -> BeneficiaryId {
    let id = BeneficiaryId::new();
    diesel::insert_into(beneficiaries::table)
        .values((
            beneficiaries::tenant_id.eq(scope.tenant_id().to_string()),
            beneficiaries::id.eq(id.to_string()),
            beneficiaries::given_names.eq(given),
            beneficiaries::family_names.eq(family),
            beneficiaries::name_key.eq(names::name_key(given, family)),
            beneficiaries::sex.eq("female"),
            beneficiaries::birth_year.eq(Some(year)),
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
    let volunteer = member(&mut conn, &a, "v@espoir.org", TenantRole::Volunteer);
    let viewer = member(&mut conn, &a, "m@espoir.org", TenantRole::Viewer);
    let awa = person(&mut conn, &a, "Awa", "Diop", 1990);
    let b_grace = person(&mut conn, &b, "Grace", "Mbala", 1985);
    drop(conn);
    World { db, app, a, b, volunteer, viewer, awa, b_grace }
}

async fn event(w: &World, start: NaiveDate, held: bool) -> EventId {
    let input = outreach::EventInput {
        title: "Séance auto-entrepreneur".into(),
        kind: Some(EventKind::InformationSession),
        topics: vec![EventTopic::SelfEmployment],
        start_date: Some(start),
        region: Some(Region::RabatSaleKenitra),
        city: "Salé".into(),
        ..outreach::EventInput::default()
    };
    outreach::plan_event(&w.app, &w.volunteer, NewEvent { input, held }).await.expect("the event")
}

fn trail(w: &World, scope: &TenantScope) -> Vec<AuditEvent> {
    let mut rows = audit::list_for_tenant(&mut w.db.conn(), scope, 100_000).expect("trail");
    rows.reverse();
    rows
}

fn people(w: &World, scope: &TenantScope) -> i64 {
    beneficiaries::table
        .filter(beneficiaries::tenant_id.eq(scope.tenant_id().to_string()))
        .count()
        .get_result(&mut w.db.conn())
        .expect("count")
}

fn marks(w: &World, event: EventId) -> Vec<(String, String)> {
    event_attendances::table
        .filter(event_attendances::event_id.eq(event.to_string()))
        .select((event_attendances::beneficiary_id, event_attendances::status))
        .load(&mut w.db.conn())
        .expect("marks")
}

fn csv(text: &str) -> Sheet {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(text.as_bytes());
    outreach::parse_sheet(&bytes, "emargement.csv").expect("a sheet")
}

fn errors(err: AppError) -> Vec<(&'static str, &'static str)> {
    match err {
        AppError::Validation(e) => e.iter().collect(),
        other => panic!("expected a validation error, got {other:?}"),
    }
}

const SHEET: &str = "Prénom;Nom;Sexe;Année de naissance;Téléphone;Présent;Intérêts\r\n\
                     Fatou;Ndiaye;F;1994;06 12 34 56 78;oui;auto-entrepreneur, emploi\r\n\
                     Ibrahima;Sow;H;1988;;non;\r\n\
                     Mariam;Keita;Femme;;;;\r\n";

backend_tests_async! {
async fn csv_with_semicolons_and_bom_imports_everyone_with_its_audit(db: TestDb) {
    let w = world(db);
    let ev = event(&w, day(2026, 12, 1), true).await;
    let sheet = csv(SHEET);
    assert_eq!(sheet.headers[0], "Prénom", "the byte-order mark is not part of the first header");
    assert_eq!(sheet.rows.len(), 3);
    let mapping = ColumnMapping::guess(&sheet.headers);
    assert_eq!(mapping.column_of(ImportField::Interests), Some(6));
    let before = trail(&w, &w.a).len();
    let preview =
        outreach::preview_import(&w.app, &w.volunteer, ev, sheet.clone(), mapping.clone()).await.expect("a preview");
    assert!(preview.is_clean(), "{preview:?}");
    assert_eq!(preview.with_candidates, 0);
    assert_eq!(preview.rows[0].line, 2);
    assert_eq!(trail(&w, &w.a).len(), before, "a preview writes nothing");
    assert_eq!(people(&w, &w.a), 1);

    let outcome = outreach::commit_import(&w.app, &w.volunteer, ev, sheet, mapping, Decisions::new())
        .await
        .expect("the import");
    assert_eq!(
        outcome,
        ImportOutcome { rows: 3, registered: 3, existing: 0, present: 2, absent: 1, unchanged: 0 }
    );
    assert_eq!(people(&w, &w.a), 4);
    let marks = marks(&w, ev);
    assert_eq!(marks.iter().filter(|(_, s)| s == "present").count(), 2);
    assert_eq!(marks.iter().filter(|(_, s)| s == "absent").count(), 1);

    let rows: Vec<AuditEvent> = trail(&w, &w.a).into_iter().skip(before).collect();
    let count = |action: AuditAction| rows.iter().filter(|r| r.action == action).count();
    assert_eq!(count(AuditAction::BeneficiaryCreated), 3);
    assert_eq!(count(AuditAction::AttendanceRecorded), 3);
    assert_eq!(count(AuditAction::AttendanceImported), 1);
    assert_eq!(rows.len(), 7);
    let imported = rows.iter().find(|r| r.action == AuditAction::AttendanceImported).expect("the import row");
    assert_eq!(imported.target_id.as_deref(), Some(ev.to_string().as_str()));
    assert_eq!(imported.actor_user_id, w.volunteer.user_id());
    assert_eq!(imported.occurred_at, at());
    let details: serde_json::Value = serde_json::from_str(&imported.details).expect("json");
    assert_eq!(details["rows"], 3);
    assert_eq!(details["registered"], 3);
    assert_eq!(details["absent"], 1);
    for row in &rows {
        for name in ["Fatou", "Ndiaye", "Sow", "Keita"] {
            assert!(!row.details.contains(name), "{} holds a name: {}", row.action, row.details);
        }
    }
    // The phone and the interests were read.
    let (phone, year): (Option<String>, Option<i32>) = beneficiaries::table
        .filter(beneficiaries::tenant_id.eq(w.a.tenant_id().to_string()))
        .filter(beneficiaries::given_names.eq("Fatou"))
        .select((beneficiaries::phone, beneficiaries::birth_year))
        .first(&mut w.db.conn())
        .expect("Fatou");
    assert_eq!((phone.as_deref(), year), (Some("+212612345678"), Some(1994)));
    let interests: String = event_attendances::table
        .filter(event_attendances::event_id.eq(ev.to_string()))
        .filter(event_attendances::status.eq("present"))
        .select(event_attendances::interests)
        .order(event_attendances::interests.desc())
        .first(&mut w.db.conn())
        .expect("interests");
    assert_eq!(interests, "auto_entrepreneur,employment");
}

async fn xlsx_first_worksheet_imports(db: TestDb) {
    let w = world(db);
    let ev = event(&w, day(2026, 12, 1), true).await;
    let bytes = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/sign-in-sheet.xlsx")).expect("fixture");
    let sheet = outreach::parse_sheet(&bytes, "Emargement.XLSX").expect("an xlsx sheet");
    assert_eq!(sheet.headers, ["Prénom", "Nom", "Sexe", "Année de naissance", "Téléphone", "Présent"]);
    assert_eq!(sheet.rows.len(), 2, "the blank line is left out");
    assert_eq!((sheet.rows[0].line, sheet.rows[1].line), (2, 4));
    assert_eq!(sheet.rows[0].cells[3], "1994");
    let mapping = ColumnMapping::guess(&sheet.headers);
    let preview = outreach::preview_import(&w.app, &w.volunteer, ev, sheet.clone(), mapping.clone()).await.expect("preview");
    assert!(preview.is_clean(), "{preview:?}");
    let outcome = outreach::commit_import(&w.app, &w.volunteer, ev, sheet, mapping, Decisions::new()).await.expect("import");
    assert_eq!((outcome.registered, outcome.present, outcome.absent), (2, 1, 1));
    // A file that is not a spreadsheet is a field error on the file.
    let err = outreach::parse_sheet(b"PK\x03\x04garbage", "sheet.xlsx").expect_err("unreadable");
    assert_eq!(errors(err), [("file", "import-error-file-unreadable")]);
}

async fn a_bad_row_writes_nothing_and_names_row_and_column_in_french(db: TestDb) {
    let w = world(db);
    let ev = event(&w, day(2026, 12, 1), true).await;
    let sheet = csv(
        "Prénom;Nom;Sexe;Année de naissance;Présent\n\
         Fatou;Ndiaye;F;1994;oui\n\
         Ibrahima;Sow;H;1890;oui\n\
         ;Keita;peut-être;;peut-être\n",
    );
    let mapping = ColumnMapping::guess(&sheet.headers);
    let preview = outreach::preview_import(&w.app, &w.volunteer, ev, sheet.clone(), mapping.clone()).await.expect("preview");
    assert_eq!(preview.with_errors, 2);
    assert!(preview.rows[0].errors.is_empty());
    let before = (people(&w, &w.a), trail(&w, &w.a).len());
    let err = outreach::commit_import(&w.app, &w.volunteer, ev, sheet, mapping, Decisions::new())
        .await
        .expect_err("a bad row refuses the sheet");
    let found = errors(err);
    assert_eq!(
        found,
        [
            ("3:birth", "ben-error-too-old"),
            ("4:given_names", "error-required"),
            ("4:present", "import-error-yes-no"),
            ("4:sex", "import-error-sex"),
        ]
    );
    assert_eq!((people(&w, &w.a), trail(&w, &w.a).len()), before, "nothing was written");
    assert!(marks(&w, ev).is_empty());

    // The report in French names the line and the column.
    let catalog = Catalog::embedded();
    let (key, message) = found[0];
    let (line, field) = outreach::split_cell_key(key).expect("a cell key");
    let column = catalog.text(Language::Fr, &format!("import-field-{field}"), &[]);
    let text = catalog.text(
        Language::Fr,
        "import-error-at",
        &[
            ("line", line.to_string()),
            ("column", column),
            ("message", catalog.text(Language::Fr, message, &[])),
        ],
    );
    assert!(text.contains("Ligne 3"), "{text}");
    assert!(text.contains("Année de naissance"), "{text}");
    assert!(text.contains("1900"), "{text}");
}

async fn duplicates_are_shown_and_resolved_by_decisions_within_the_tenant(db: TestDb) {
    let w = world(db);
    let ev = event(&w, day(2026, 12, 1), true).await;
    let sheet = csv("Prénom;Nom;Année de naissance\nAwa;Diop;1990\nGrace;Mbala;1985\nAoua;Diop;1990\n");
    let mapping = ColumnMapping::guess(&sheet.headers);
    let preview = outreach::preview_import(&w.app, &w.volunteer, ev, sheet.clone(), mapping.clone()).await.expect("preview");
    assert_eq!(preview.rows[0].candidates.iter().map(|c| c.id).collect::<Vec<_>>(), [w.awa]);
    assert!(preview.rows[1].candidates.is_empty(), "another tenant's person is never a candidate");
    assert!(!preview.rows[1].candidates.iter().any(|c| c.id == w.b_grace));
    assert_eq!(preview.rows[2].candidates.iter().map(|c| c.id).collect::<Vec<_>>(), [w.awa], "a similar name, same year");
    assert_eq!(preview.with_candidates, 2);

    // Without decisions: nothing is written, each row with candidates asks for one.
    let err = outreach::commit_import(&w.app, &w.volunteer, ev, sheet.clone(), mapping.clone(), Decisions::new())
        .await
        .expect_err("decisions are needed");
    assert_eq!(errors(err), [("2:person", "import-error-decide"), ("4:person", "import-error-decide")]);
    // A person who is not a candidate (here: another tenant's) is refused.
    let wrong = Decisions::from([(2, RowDecision::Existing(w.b_grace)), (4, RowDecision::New)]);
    let err = outreach::commit_import(&w.app, &w.volunteer, ev, sheet.clone(), mapping.clone(), wrong)
        .await
        .expect_err("not a candidate");
    assert_eq!(errors(err), [("2:person", "error-choose")]);
    assert_eq!(people(&w, &w.a), 1);

    let before = trail(&w, &w.a).len();
    let decisions = Decisions::from([(2, RowDecision::Existing(w.awa)), (4, RowDecision::New)]);
    let outcome =
        outreach::commit_import(&w.app, &w.volunteer, ev, sheet.clone(), mapping.clone(), decisions.clone()).await.expect("import");
    assert_eq!((outcome.rows, outcome.registered, outcome.existing), (3, 2, 1));
    assert_eq!(people(&w, &w.a), 3);
    assert_eq!(people(&w, &w.b), 1, "the other tenant is untouched");
    assert!(marks(&w, ev).iter().any(|(id, s)| *id == w.awa.to_string() && s == "present"));
    let rows: Vec<AuditEvent> = trail(&w, &w.a).into_iter().skip(before).collect();
    let despite: Vec<&AuditEvent> =
        rows.iter().filter(|r| r.action == AuditAction::BeneficiaryCreatedDespiteDuplicates).collect();
    assert_eq!(despite.len(), 1);
    assert!(despite[0].details.contains(&w.awa.to_string()), "the candidates' ids are kept");
    assert_eq!(rows.iter().filter(|r| r.action == AuditAction::BeneficiaryCreated).count(), 1);

    // The same sheet again: Awa's mark is the same mark, the others now have candidates.
    let preview = outreach::preview_import(&w.app, &w.volunteer, ev, sheet, mapping).await.expect("preview");
    assert!(!preview.rows[1].candidates.is_empty(), "Grace is now a person of the tenant");
}

async fn refusals_and_permissions(db: TestDb) {
    let w = world(db);
    let sheet = csv(SHEET);
    let mapping = ColumnMapping::guess(&sheet.headers);
    let future = event(&w, day(2026, 12, 20), false).await;
    let err = outreach::commit_import(&w.app, &w.volunteer, future, sheet.clone(), mapping.clone(), Decisions::new())
        .await
        .expect_err("future");
    assert!(matches!(err, AppError::Conflict(Conflict::EventRefused(EventRefusal::InFuture))), "{err:?}");
    let err = outreach::preview_import(&w.app, &w.volunteer, future, sheet.clone(), mapping.clone())
        .await
        .expect_err("future");
    assert!(matches!(err, AppError::Conflict(Conflict::EventRefused(EventRefusal::InFuture))), "{err:?}");
    let past = event(&w, day(2026, 12, 1), false).await;
    outreach::change_event_status(
        &w.app,
        &w.volunteer,
        StatusChange { event: past, version: 1, to: EventStatus::Cancelled },
    )
    .await
    .expect("cancelled");
    let err = outreach::commit_import(&w.app, &w.volunteer, past, sheet.clone(), mapping.clone(), Decisions::new())
        .await
        .expect_err("cancelled");
    assert!(matches!(err, AppError::Conflict(Conflict::EventRefused(EventRefusal::Cancelled))), "{err:?}");
    let held = event(&w, day(2026, 12, 1), true).await;
    let err = outreach::commit_import(&w.app, &w.viewer, held, sheet.clone(), mapping.clone(), Decisions::new())
        .await
        .expect_err("a viewer");
    assert!(matches!(err, AppError::Forbidden), "{err:?}");
    // A mapping without names, or with a field twice, is refused on `mapping`.
    let mut twice = mapping.clone();
    twice.columns[1] = Some(ImportField::GivenNames);
    let err = outreach::preview_import(&w.app, &w.volunteer, held, sheet.clone(), twice).await.expect_err("twice");
    assert_eq!(errors(err), [("mapping", "import-error-mapping-twice")]);
    let mut nameless = mapping;
    nameless.columns[0] = None;
    let err = outreach::preview_import(&w.app, &w.volunteer, held, sheet, nameless).await.expect_err("no names");
    assert_eq!(errors(err), [("mapping", "import-error-mapping-names")]);
    assert_eq!(people(&w, &w.a), 1);
}

async fn five_thousand_rows_import_quickly(db: TestDb) {
    let w = world(db);
    let ev = event(&w, day(2026, 12, 1), true).await;
    let mut text = String::from("Prénom;Nom;Sexe;Année de naissance;Téléphone;Présent;Intérêts\n");
    for i in 0..5_000 {
        let year = 1960 + i % 45;
        text.push_str(&format!("Prenom{i};Famille{};F;{year};06{:08};oui;emploi\n", i * 7, i));
    }
    let sheet = outreach::parse_sheet(text.as_bytes(), "big.csv").expect("sheet");
    assert_eq!(sheet.rows.len(), 5_000);
    let mapping = ColumnMapping::guess(&sheet.headers);
    let started = std::time::Instant::now();
    let outcome = outreach::commit_import(&w.app, &w.volunteer, ev, sheet, mapping, Decisions::new()).await.expect("import");
    let elapsed = started.elapsed();
    eprintln!("5,000-row import on {:?}: {elapsed:?}", w.db.backend());
    assert_eq!(outcome.registered, 5_000);
    assert_eq!(marks(&w, ev).len(), 5_000);
    // A debug build of the tests; the release figure is in docs/performance.md.
    assert!(elapsed.as_secs() < 20, "{elapsed:?}");
}
}
