//! Outreach reads (issue 12) on a tenant with 100,000 registered
//! attendances (20,000 people, about 2,200 events over three years, tally
//! sheets and officials), on SQLite and on PostgreSQL (when
//! `RELAIS_TEST_DATABASE_URL` names one), on data from the synthetic
//! generator (`--attendances-per-tenant`):
//!
//! - `event_page`: every read of an event's page (`event_page`: the event,
//!   its organisers and facilitators with their names, the tenant's
//!   attendees with their names, tally sheets and participants) for the
//!   tenant's biggest event, 500 attendees;
//! - `figures`: the tenant's figures (`models::events::figures`) over the
//!   whole three years (every attendance) and over the last twelve months.
//!
//!   eval "$(scripts/test-postgres.sh)"
//!   cargo bench -p relais-bench --bench outreach_queries
//!
//! When measuring, each read is also timed alone (200 or 100 times) after
//! criterion's run and its p50 / p95 / p99 printed (criterion reports means
//! and medians of samples, not percentiles of single calls).
//!
//! Under `cargo test --benches` (CI's smoke mode) criterion runs each
//! benchmark once, on 200 people and 1,000 attendances.
#![expect(missing_docs, reason = "criterion_group! generates an undocumented public function")]

use std::hint::black_box;
use std::time::{Duration, Instant};

use chrono::{Days, NaiveDate};
use criterion::{Criterion, criterion_group, criterion_main};
use relais_bench::generate::{self, Args};
use relais_domain::{EventId, TenantId};
use relais_persistence::models::events::figures::{self, Period};
use relais_persistence::models::events::{self as rows, attendance, tallies};
use relais_persistence::models::participants;
use relais_persistence::{Backend, DbConnection, PersistenceError, TenantScope};
use relais_test_support::TestDb;

fn measuring() -> bool {
    std::env::args().any(|a| a == "--bench")
}

/// The generator's "now" (2026-11-01).
fn reference_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 1).unwrap_or_default()
}

/// One tenant of `people` people with `attendances` attendances; its scope
/// and its biggest event.
fn database(backend: Backend, people: usize, attendances: usize) -> Option<(TestDb, TenantScope, EventId)> {
    let db = match backend {
        Backend::Sqlite => TestDb::sqlite(),
        Backend::Postgres => TestDb::postgres()?,
    };
    let args = Args {
        tenants: 1,
        people_per_tenant: people,
        small_tenant: 0,
        users: 50,
        referrals: 0,
        events: people,
        audit: 1_000,
        attendances_per_tenant: attendances,
        ..Args::new("")
    };
    let started = Instant::now();
    let report = generate::generate(&mut db.conn(), &args).expect("the data is generated");
    eprintln!("  {backend}: generated in {:.1} s", started.elapsed().as_secs_f64());
    let login = report.logins.first().expect("a sign-in");
    let tenant: TenantId = login.tenant_id.parse().expect("a tenant id");
    let event: EventId = login.event_id.as_deref().expect("a biggest event").parse().expect("an event id");
    Some((db, TenantScope::for_system(tenant), event))
}

/// Every read of the event page (what `relais_app::outreach::event_page` runs).
fn event_page(conn: &mut DbConnection, scope: &TenantScope, id: EventId) -> Result<usize, PersistenceError> {
    let event = rows::find(conn, scope, id)?;
    let links = rows::links(conn, scope, id)?;
    let names = rows::link_names(conn, &event, &links)?;
    let attendees = attendance::attendees(conn, scope, id)?;
    let sheets = tallies::tallies(conn, scope, id)?;
    let officials = participants::attendees(conn, scope, id)?;
    Ok(attendees.len() + sheets.len() + officials.len() + names.users.len())
}

/// Times `f` alone `n` times and prints the median, p95 and p99.
fn percentiles(label: &str, n: usize, mut f: impl FnMut()) {
    let mut times: Vec<Duration> = (0..n)
        .map(|_| {
            let started = Instant::now();
            f();
            started.elapsed()
        })
        .collect();
    times.sort_unstable();
    let at = |q: f64| times[((n as f64 * q).ceil() as usize).clamp(1, n) - 1].as_secs_f64() * 1e3;
    eprintln!("{label}: p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms ({n} calls)", at(0.5), at(0.95), at(0.99));
}

fn bench(c: &mut Criterion) {
    let (people, attendances) = if measuring() { (20_000, 100_000) } else { (200, 1_000) };
    let today = reference_day();
    let all_time = Period { from: today - Days::new(3 * 365 + 1), to: today };
    let last_year = Period { from: today - Days::new(365), to: today };
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let Some((db, scope, event)) = database(backend, people, attendances) else {
            eprintln!("note: no PostgreSQL test database (RELAIS_TEST_DATABASE_URL); PostgreSQL skipped");
            continue;
        };
        let mut conn = db.conn();
        let expected = generate::BIG_EVENT.min(people).min(attendances);
        assert_eq!(attendance::attendees(&mut conn, &scope, event).expect("attendees").len(), expected);
        let figures_all = figures::figures(&mut conn, &scope, all_time).expect("figures");
        let counted: i64 = figures_all.people_present;
        assert!(figures_all.events_held > 0 && counted > 0, "{figures_all:?}");

        let mut group = c.benchmark_group(format!("outreach_{backend}"));
        group.bench_function(format!("event_page_{expected}_attendees"), |b| {
            b.iter(|| black_box(event_page(&mut conn, &scope, event).expect("page")))
        });
        group.bench_function(format!("figures_all_{attendances}_attendances"), |b| {
            b.iter(|| black_box(figures::figures(&mut conn, &scope, all_time).expect("figures")))
        });
        group.bench_function(format!("figures_12_months_{attendances}_attendances"), |b| {
            b.iter(|| black_box(figures::figures(&mut conn, &scope, last_year).expect("figures")))
        });
        group.finish();
        if measuring() {
            percentiles(&format!("outreach_{backend}/event_page"), 200, || {
                black_box(event_page(&mut conn, &scope, event).expect("page"));
            });
            percentiles(&format!("outreach_{backend}/figures_all"), 100, || {
                black_box(figures::figures(&mut conn, &scope, all_time).expect("figures"));
            });
            percentiles(&format!("outreach_{backend}/figures_12_months"), 100, || {
                black_box(figures::figures(&mut conn, &scope, last_year).expect("figures"));
            });
        }
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30);
    targets = bench
}
criterion_main!(benches);
