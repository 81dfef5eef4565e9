//! The case list query (`cases::list`: 50 rows, newest change first, with
//! the person's names) at 10,000 and at 100,000 cases per tenant, on SQLite
//! and on PostgreSQL (when `RELAIS_TEST_DATABASE_URL` names one), on data
//! from the synthetic generator: the first page, a page deep in the list
//! (keyset cursor), and the first page filtered by status and by pathway.
//!
//!   eval "$(scripts/test-postgres.sh)"
//!   cargo bench -p relais-bench --bench case_list_query
//!
//! Under `cargo test --benches` (CI's smoke mode) criterion runs each
//! benchmark once, on 100 and 300 cases per tenant.
#![expect(missing_docs, reason = "criterion_group! generates an undocumented public function")]

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use relais_bench::generate::{self, Args};
use relais_domain::TenantId;
use relais_domain::case_file::{CaseStatus, Pathway};
use relais_persistence::models::cases::{self, CaseFilter, Cursor};
use relais_persistence::{Backend, TenantScope};
use relais_test_support::TestDb;

fn measuring() -> bool {
    std::env::args().any(|a| a == "--bench")
}

/// A database with two tenants of `cases` people (about 8% have a second case).
fn database(backend: Backend, people: usize) -> Option<(TestDb, TenantScope)> {
    let db = match backend {
        Backend::Sqlite => TestDb::sqlite(),
        Backend::Postgres => TestDb::postgres()?,
    };
    let args = Args {
        tenants: 2,
        people_per_tenant: people,
        small_tenant: 0,
        users: 200,
        referrals: 100,
        events: people,
        audit: people,
        ..Args::new("")
    };
    let report = generate::generate(&mut db.conn(), &args).expect("the data is generated");
    let tenant: TenantId = report.logins.first().expect("a sign-in").tenant_id.parse().expect("a tenant id");
    Some((db, TenantScope::for_system(tenant)))
}

fn bench(c: &mut Criterion) {
    let sizes: &[usize] = if measuring() { &[10_000, 100_000] } else { &[100, 300] };
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let mut group = c.benchmark_group(format!("case_list_query_{backend}"));
        for &people in sizes {
            let Some((db, scope)) = database(backend, people) else {
                eprintln!("note: no PostgreSQL test database (RELAIS_TEST_DATABASE_URL); PostgreSQL skipped");
                break;
            };
            let mut conn = db.conn();
            let all = CaseFilter::default();
            // A cursor about a fifth of the way down the list.
            let mut after: Option<Cursor> = None;
            for _ in 0..(people / 50 / 5).max(1) {
                after = cases::list(&mut conn, &scope, &all, after.as_ref(), 50).expect("page").next;
            }
            let open = CaseFilter { status: Some(CaseStatus::Open), ..CaseFilter::default() };
            let training = CaseFilter { pathway: Some(Pathway::Training), ..CaseFilter::default() };
            let first = cases::list(&mut conn, &scope, &all, None, 50).expect("first page");
            assert_eq!(first.rows.len(), 50, "a full first page");
            group.bench_with_input(BenchmarkId::new("first_page", people), &people, |b, _| {
                b.iter(|| black_box(cases::list(&mut conn, &scope, &all, None, 50)))
            });
            group.bench_with_input(BenchmarkId::new("deep_page", people), &people, |b, _| {
                b.iter(|| black_box(cases::list(&mut conn, &scope, &all, after.as_ref(), 50)))
            });
            group.bench_with_input(BenchmarkId::new("status_open", people), &people, |b, _| {
                b.iter(|| black_box(cases::list(&mut conn, &scope, &open, None, 50)))
            });
            group.bench_with_input(BenchmarkId::new("pathway_training", people), &people, |b, _| {
                b.iter(|| black_box(cases::list(&mut conn, &scope, &training, None, 50)))
            });
        }
        group.finish();
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(50);
    targets = bench
}
criterion_main!(benches);
