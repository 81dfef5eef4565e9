//! The authorization check at network scale: 1,000 tenants × 10,000 users
//! (each user a member of one or two tenants, in every role), cached and
//! uncached decisions.
//!
//!   cargo bench -p relais-authorization --bench authz
//!
//! Under `cargo test --benches` (CI's smoke mode) criterion runs each
//! benchmark once, on 10 tenants × 100 users, to prove it still builds and runs.

#![expect(missing_docs, reason = "criterion_group! generates an undocumented public function")]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use diesel::Connection;
use relais_authorization::Authorizer;
use relais_domain::{MembershipStatus, Permission, TenantRole};
use relais_persistence::models::memberships;
use relais_persistence::{PersistenceError, TenantScope};
use relais_test_support::{TestDb, fixtures};

/// Whether criterion measures (`cargo bench`) rather than smoke-tests (`cargo test --benches`).
fn measuring() -> bool {
    std::env::args().any(|a| a == "--bench")
}

struct Network {
    _db: TestDb,
    authz: Authorizer,
    /// (user, tenant) pairs that hold a role.
    members: Vec<(String, String)>,
    tenants: Vec<String>,
}

const ROLES: [TenantRole; 4] =
    [TenantRole::Caseworker, TenantRole::Volunteer, TenantRole::Viewer, TenantRole::TenantAdmin];

fn network(tenants: usize, users: usize) -> Network {
    let db = TestDb::sqlite();
    let mut conn = db.conn();
    let (scopes, members) = conn
        .transaction::<_, PersistenceError, _>(|conn| {
            let scopes: Vec<TenantScope> =
                (0..tenants).map(|i| fixtures::tenant(conn, &format!("Organisation {i:04}"))).collect();
            let mut members = Vec::with_capacity(users * 2);
            for u in 0..users {
                let user = fixtures::user(conn, &format!("user{u:05}@bench.relais.invalid"), None);
                // Every user works in one tenant; one in five also in a second one.
                let mut homes = vec![u % tenants];
                if u % 5 == 0 {
                    homes.push((u * 7 + 3) % tenants);
                }
                homes.dedup();
                for home in homes {
                    let role = ROLES[(u + home) % ROLES.len()];
                    memberships::create(
                        conn,
                        &scopes[home],
                        &user,
                        role,
                        MembershipStatus::Active,
                        relais_persistence::now(),
                    )?;
                    members.push((user.clone(), scopes[home].tenant_id().to_string()));
                }
            }
            Ok((scopes, members))
        })
        .expect("the bench network is written");
    drop(conn);
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let authz = runtime.block_on(Authorizer::load(db.db.clone())).expect("the authorizer loads");
    let tenants = scopes.iter().map(|s| s.tenant_id().to_string()).collect();
    Network { _db: db, authz, members, tenants }
}

fn bench(c: &mut Criterion) {
    let (tenants, users) = if measuring() { (1_000, 10_000) } else { (10, 100) };
    let net = network(tenants, users);
    let permissions =
        [Permission::CaseRead, Permission::CaseUpdate, Permission::DocumentRead, Permission::MemberManage];
    // A request asks about its own user in its own tenant (allowed or not),
    // or, now and then, about a tenant the user has no role in.
    let questions: Vec<(String, String, Permission)> = (0..4_096)
        .map(|i| {
            let (user, tenant) = &net.members[(i * 7_919) % net.members.len()];
            let tenant = if i % 8 == 0 { net.tenants[(i * 31) % net.tenants.len()].clone() } else { tenant.clone() };
            (user.clone(), tenant, permissions[i % permissions.len()])
        })
        .collect();
    let allowed = questions.iter().filter(|(u, t, p)| net.authz.decide_uncached(u, t, *p)).count();
    assert!(allowed > 0 && allowed < questions.len(), "the questions mix allows and denies");

    let mut group = c.benchmark_group(format!("authz_{tenants}_tenants_{users}_users"));
    let mut i = 0usize;
    group.bench_function("uncached", |b| {
        b.iter(|| {
            let (user, tenant, permission) = &questions[i % questions.len()];
            i += 1;
            black_box(net.authz.decide_uncached(black_box(user), black_box(tenant), *permission))
        })
    });
    // Warm the cache with every question, then ask them again.
    for (user, tenant, permission) in &questions {
        net.authz.is_allowed(user, tenant, *permission);
    }
    let mut i = 0usize;
    group.bench_function("cached", |b| {
        b.iter(|| {
            let (user, tenant, permission) = &questions[i % questions.len()];
            i += 1;
            black_box(net.authz.is_allowed(black_box(user), black_box(tenant), *permission))
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
