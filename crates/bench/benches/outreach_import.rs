//! The sign-in sheet import (issue 12, decision 0028: "a 5,000-row sheet
//! imports in ≤ 2 s"): `relais_app::outreach::commit_import` of a 5,000-row
//! CSV (every row a new person, present, with an interest — the most
//! writing an import does: a person, its audit row, a mark and its audit
//! row per row), on SQLite and on PostgreSQL (when
//! `RELAIS_TEST_DATABASE_URL` names one). Each iteration imports into a
//! fresh tenant's event (so no row finds a duplicate and needs a decision);
//! the time measured is the command alone: the duplicate check of every
//! row, the checks and every write in its one transaction. Reading the
//! file is measured apart (`parse`).
//!
//!   eval "$(scripts/test-postgres.sh)"
//!   cargo bench -p relais-bench --bench outreach_import -- --warm-up-time 1 --measurement-time 5
//!
//! Under `cargo test --benches` (CI's smoke mode) criterion runs each
//! benchmark once, on a 50-row sheet.
#![expect(missing_docs, reason = "criterion_group! generates an undocumented public function")]

use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use criterion::{Criterion, SamplingMode, criterion_group, criterion_main};
use relais_app::outreach::{self, ColumnMapping, Decisions, EventInput, NewEvent};
use relais_app::{Actor, App, AppSettings, Member, Permissions};
use relais_domain::outreach::{EventKind, EventTopic};
use relais_domain::{EventId, Region, TenantRole, UserId};
use relais_persistence::Backend;
use relais_test_support::{TestDb, fixtures};

fn measuring() -> bool {
    std::env::args().any(|a| a == "--bench")
}

/// A sign-in sheet of `rows` attendees, as a volunteer types it.
fn sheet_text(rows: usize) -> String {
    let mut text = String::from("Prénom;Nom;Sexe;Année de naissance;Téléphone;Présent;Intérêts\n");
    for i in 0..rows {
        let year = 1960 + i % 45;
        text.push_str(&format!("Prenom{i};Famille{};F;{year};06{:08};oui;emploi\n", i * 7, i));
    }
    text
}

fn volunteer(db: &TestDb, scope: &relais_persistence::TenantScope, n: usize) -> Actor {
    let rules = relais_authorization::policy::parse(relais_authorization::policy::POLICY).expect("the policy");
    let role = TenantRole::Volunteer;
    let permissions = Permissions::from_fn(|p| rules.iter().any(|r| r.role == role.as_str() && r.permission == p));
    let id = fixtures::member(&mut db.conn(), scope, &format!("benevole{n}@import.test"), role);
    let user_id: UserId = id.parse().expect("a user id");
    Actor::member(Member { user_id, scope: *scope, role, permissions }, "bench-import")
}

/// A fresh tenant, its volunteer, and a session held five days ago.
async fn fresh_event(app: &App, db: &TestDb, n: usize) -> (Actor, EventId) {
    let scope = fixtures::tenant(&mut db.conn(), &format!("Association {n}"));
    let actor = volunteer(db, &scope, n);
    let input = EventInput {
        title: "Séance auto-entrepreneur".into(),
        kind: Some(EventKind::InformationSession),
        topics: vec![EventTopic::SelfEmployment],
        start_date: Some(app.now().date() - chrono::Days::new(5)),
        region: Some(Region::RabatSaleKenitra),
        city: "Salé".into(),
        ..EventInput::default()
    };
    let event = outreach::plan_event(app, &actor, NewEvent { input, held: true }).await.expect("the event");
    (actor, event)
}

fn bench(c: &mut Criterion) {
    let rows = if measuring() { 5_000 } else { 50 };
    let text = sheet_text(rows);
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().expect("runtime");
    let mut group = c.benchmark_group("outreach_import");
    group.sampling_mode(SamplingMode::Flat).sample_size(10).measurement_time(Duration::from_secs(5));
    group.bench_function("parse", |b| b.iter(|| black_box(outreach::parse_sheet(text.as_bytes(), "emargement.csv"))));
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let db = match backend {
            Backend::Sqlite => TestDb::sqlite(),
            Backend::Postgres => match TestDb::postgres() {
                Some(db) => db,
                None => {
                    eprintln!("  postgres: RELAIS_TEST_DATABASE_URL is not set, skipped");
                    continue;
                }
            },
        };
        let app = App::new(db.db.clone(), AppSettings { public_url: "https://relais.test".into() });
        let tenants = AtomicUsize::new(0);
        let mut times: Vec<Duration> = Vec::new();
        group.bench_function(format!("commit_{rows}_rows/{backend}"), |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let n = tenants.fetch_add(1, Ordering::Relaxed);
                    let sheet = outreach::parse_sheet(text.as_bytes(), "emargement.csv").expect("a sheet");
                    let mapping = ColumnMapping::guess(&sheet.headers);
                    let elapsed = runtime.block_on(async {
                        let (actor, event) = fresh_event(&app, &db, n).await;
                        let started = Instant::now();
                        let outcome = outreach::commit_import(&app, &actor, event, sheet, mapping, Decisions::new())
                            .await
                            .expect("the import");
                        let elapsed = started.elapsed();
                        assert_eq!((outcome.registered, outcome.present), (rows, rows));
                        elapsed
                    });
                    times.push(elapsed);
                    total += elapsed;
                }
                total
            });
        });
        if measuring() && !times.is_empty() {
            times.sort();
            let ms = |d: Duration| d.as_secs_f64() * 1000.0;
            eprintln!(
                "  {backend}: {} imports of {rows} rows: min {:.0} ms, median {:.0} ms, max {:.0} ms",
                times.len(),
                ms(times[0]),
                ms(times[times.len() / 2]),
                ms(times[times.len() - 1]),
            );
        }
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
