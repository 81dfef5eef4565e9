//! The network: tenants (associations, the incubator, public services, the
//! coordinating NGO, and the small tenant), their members in every role with
//! their Casbin grouping rules, and the service directory.

use chrono::Duration;
use diesel::prelude::*;
use rand::Rng;
use rand::rngs::StdRng;
use relais_domain::{Language, MembershipStatus, Region, TenantKind, TenantRole};
use relais_persistence::schema::authz_version;

use super::Args;
use super::data::{STAFF_FAMILY, STAFF_GIVEN};
use super::directory;
use super::rows::{CasbinRow, MembershipRow, TenantRow, UserRow, Writer};
use super::util::{ascii_words, between, history_start, one, reference_time, stream, uuid_at, weighted};

/// A service a referral may be sent to.
#[derive(Debug, Clone)]
pub(crate) struct ServiceRef {
    pub(crate) id: String,
    pub(crate) response_days: i32,
}

/// A tenant's active members by role, and the sign-in of the first of each role.
#[derive(Debug, Default)]
pub(crate) struct Staff {
    /// Active caseworkers and administrators: who cases and tasks go to.
    pub(crate) workers: Vec<String>,
    /// Active volunteers.
    pub(crate) volunteers: Vec<String>,
    /// Every active member.
    pub(crate) members: Vec<String>,
    /// (role, user id, e-mail) of the first member of each role.
    pub(crate) logins: Vec<(TenantRole, String, String)>,
}

impl Staff {
    /// Who registers people: a volunteer or a caseworker.
    pub(crate) fn registrar(&self, rng: &mut StdRng) -> &String {
        if !self.volunteers.is_empty() && rng.random_bool(0.4) {
            one(rng, &self.volunteers)
        } else {
            one(rng, &self.workers)
        }
    }

    /// The first caseworker (the one whose sign-in is printed).
    pub(crate) fn login_caseworker(&self) -> Option<&str> {
        self.logins.iter().find(|(r, _, _)| *r == TenantRole::Caseworker).map(|(_, id, _)| id.as_str())
    }
}

/// One tenant of the generated network.
#[derive(Debug)]
pub(crate) struct TenantPlan {
    pub(crate) index: usize,
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) slug: String,
    pub(crate) kind: TenantKind,
    pub(crate) region: Region,
    pub(crate) lang: Language,
    /// People registered in it.
    pub(crate) people: usize,
    /// Whether it is the small tenant.
    pub(crate) small: bool,
    pub(crate) staff: Staff,
    pub(crate) services: Vec<ServiceRef>,
}

impl TenantPlan {
    /// Whether it receives referrals (an incubator or a public service).
    pub(crate) fn receives(&self) -> bool {
        matches!(self.kind, TenantKind::Incubator | TenantKind::PublicService)
    }
}

const ASSOCIATIONS: &[(&str, &str, Region, Language)] = &[
    ("Association Entraide Sahel", "Rabat", Region::RabatSaleKenitra, Language::Fr),
    ("Association Horizons", "Tanger", Region::TangerTetouanAlHoceima, Language::Ar),
    ("Association Main dans la main", "Casablanca", Region::CasablancaSettat, Language::Fr),
    ("Association Teranga", "Fès", Region::FesMeknes, Language::Fr),
    ("Association Solidarité Sans Frontières", "Oujda", Region::Oriental, Language::Fr),
    ("Association Nouvelle Rive", "Agadir", Region::SoussMassa, Language::Fr),
    ("Association Pont des Cultures", "Kénitra", Region::RabatSaleKenitra, Language::En),
    ("Association Baobab", "Marrakech", Region::MarrakechSafi, Language::Fr),
];
const PUBLIC_SERVICES: &[(&str, Region)] = &[
    ("Agence publique de l'emploi – antenne de Salé", Region::RabatSaleKenitra),
    ("Office de développement coopératif – délégation de Fès", Region::FesMeknes),
    ("Agence de promotion des petites entreprises – Casablanca", Region::CasablancaSettat),
];

fn kind_of(index: usize) -> TenantKind {
    match index {
        0 => TenantKind::Association,
        1 => TenantKind::Incubator,
        5 => TenantKind::Coordination,
        i if i % 5 == 3 => TenantKind::PublicService,
        _ => TenantKind::Association,
    }
}

/// Names, kinds and sizes of the tenants (big ones first, the small one last).
fn plan(args: &Args, seed: u64) -> Vec<TenantPlan> {
    let mut rng = stream(seed, "tenants", 0);
    let mut plans = Vec::new();
    let (mut associations, mut publics) = (0usize, 0usize);
    let count = args.tenants + usize::from(args.small_tenant > 0);
    for index in 0..count {
        let small = index == args.tenants;
        let kind = if small { TenantKind::Association } else { kind_of(index) };
        let round = |n: usize, len: usize| if n / len == 0 { String::new() } else { format!(" {}", n / len + 1) };
        let (name, region, lang) = match kind {
            _ if small => ("Association Petits Pas – Témara".to_owned(), Region::RabatSaleKenitra, Language::Fr),
            TenantKind::Incubator => {
                ("Hub Innov'Action (incubateur) – Rabat".to_owned(), Region::RabatSaleKenitra, Language::Fr)
            }
            TenantKind::Coordination => {
                ("Réseau Passerelles (ONG coordinatrice)".to_owned(), Region::RabatSaleKenitra, Language::Fr)
            }
            TenantKind::PublicService => {
                let (name, region) = PUBLIC_SERVICES[publics % PUBLIC_SERVICES.len()];
                let name = format!("{name}{}", round(publics, PUBLIC_SERVICES.len()));
                publics += 1;
                (name, region, Language::Fr)
            }
            _ => {
                let (name, city, region, lang) = ASSOCIATIONS[associations % ASSOCIATIONS.len()];
                let name = format!("{name} – {city}{}", round(associations, ASSOCIATIONS.len()));
                associations += 1;
                (name, region, lang)
            }
        };
        let slug: String = ascii_words(&name, "").chars().take(14).collect();
        let created = history_start() - Duration::days(rng.random_range(30..400));
        plans.push(TenantPlan {
            index,
            id: uuid_at(&mut rng, created),
            name,
            slug: format!("t{index:02}-{slug}"),
            kind,
            region,
            lang,
            people: if small { args.small_tenant } else { args.people_per_tenant },
            small,
            staff: Staff::default(),
            services: Vec::new(),
        });
    }
    plans
}

/// Users per tenant: proportional to its people, at least one per role.
fn users_per_tenant(plans: &[TenantPlan], users: usize) -> anyhow::Result<Vec<usize>> {
    let minimum = TenantRole::ALL.len();
    anyhow::ensure!(
        users >= minimum * plans.len(),
        "--users {users} is too few: every tenant needs at least one member per role ({} users)",
        minimum * plans.len()
    );
    let people: usize = plans.iter().map(|p| p.people.max(1)).sum();
    let mut counts: Vec<usize> = plans.iter().map(|p| (users * p.people.max(1) / people).max(minimum)).collect();
    // Adjust to the exact total, from the largest tenants.
    while counts.iter().sum::<usize>() != users {
        let total: usize = counts.iter().sum();
        let largest = (0..counts.len()).max_by_key(|&i| (counts[i], usize::MAX - i)).unwrap_or(0);
        let smallest = (0..counts.len()).min_by_key(|&i| (counts[i], i)).unwrap_or(0);
        if total > users {
            counts[largest] -= 1;
        } else {
            counts[smallest] += 1;
        }
    }
    Ok(counts)
}

/// Creates the tenants, their members, role assignments and services;
/// returns the tenants and the hash of the shared password.
pub(crate) fn build(w: &mut Writer<'_>, args: &Args, password_hash: &str) -> anyhow::Result<Vec<TenantPlan>> {
    let seed = args.seed;
    let mut plans = plan(args, seed);
    let counts = users_per_tenant(&plans, args.users)?;
    let mut tenant_rows = Vec::new();
    for p in &plans {
        let created = uuid_time(&p.id);
        tenant_rows.push(TenantRow {
            id: p.id.clone(),
            name: p.name.clone(),
            kind: p.kind.as_str(),
            region: p.region.as_str(),
            default_language: p.lang.as_str(),
            contact_email: format!("contact@{}.bench.relais.invalid", p.slug),
            active: true,
            created_at: created,
            updated_at: created,
        });
    }
    let (mut users, mut members, mut rules) = (Vec::new(), Vec::new(), Vec::new());
    let mut serial = 0usize;
    for (p, count) in plans.iter_mut().zip(counts) {
        let mut rng = stream(seed, "staff", p.index as u64);
        let joined_from = uuid_time(&p.id);
        for i in 0..count {
            serial += 1;
            let role = match i {
                0 => TenantRole::TenantAdmin,
                1 => TenantRole::Caseworker,
                2 => TenantRole::Volunteer,
                3 => TenantRole::Viewer,
                _ => weighted(
                    &mut rng,
                    &[
                        (TenantRole::TenantAdmin, 3),
                        (TenantRole::Caseworker, 45),
                        (TenantRole::Volunteer, 35),
                        (TenantRole::Viewer, 17),
                    ],
                ),
            };
            let active = i < 4 || rng.random_range(0..100) >= 2;
            let given = *one(&mut rng, STAFF_GIVEN);
            let family = *one(&mut rng, STAFF_FAMILY);
            let email = format!(
                "{}.{}.{serial}@{}.bench.relais.invalid",
                ascii_words(given, "-"),
                ascii_words(family, "-"),
                p.slug
            );
            let joined = between(&mut rng, joined_from, reference_time() - Duration::days(30));
            let user_id = uuid_at(&mut rng, joined);
            let language = weighted(&mut rng, &[(None, 70), (Some("fr"), 15), (Some("ar"), 10), (Some("en"), 5)]);
            users.push(UserRow {
                id: user_id.clone(),
                email: email.clone(),
                display_name: format!("{given} {family}"),
                password_hash: Some(password_hash.to_owned()),
                preferred_language: language,
                active: true,
                created_at: joined,
                updated_at: joined,
                referral_emails: if rng.random_bool(0.1) { "daily_digest" } else { "immediate" },
            });
            let status = if active { MembershipStatus::Active } else { MembershipStatus::Disabled };
            members.push(MembershipRow {
                tenant_id: p.id.clone(),
                id: uuid_at(&mut rng, joined),
                user_id: user_id.clone(),
                role: role.as_str(),
                status: status.as_str(),
                created_at: joined,
                updated_at: joined,
            });
            if !active {
                continue;
            }
            rules.push(CasbinRow {
                id: uuid_at(&mut rng, joined),
                ptype: "g",
                v0: user_id.clone(),
                v1: role.as_str(),
                v2: p.id.clone(),
                v3: "",
                v4: "",
                v5: "",
            });
            if i < 4 {
                p.staff.logins.push((role, user_id.clone(), email));
            }
            match role {
                TenantRole::TenantAdmin | TenantRole::Caseworker => p.staff.workers.push(user_id.clone()),
                TenantRole::Volunteer => p.staff.volunteers.push(user_id.clone()),
                TenantRole::Viewer => {}
            }
            p.staff.members.push(user_id);
        }
    }
    let (mut organisations, mut services) = directory::build(seed, &mut plans);
    w.commit(|load| {
        load.put(&mut tenant_rows)?;
        load.put(&mut users)?;
        load.put(&mut members)?;
        load.put(&mut rules)?;
        load.put(&mut organisations)?;
        load.put(&mut services)?;
        // The role assignments changed: every running server reloads them.
        diesel::update(authz_version::table.find(1))
            .set(authz_version::version.eq(authz_version::version + 1))
            .execute(load.conn())?;
        Ok(())
    })?;
    Ok(plans)
}

/// The creation time encoded in a UUIDv7 made by [`uuid_at`] (millisecond precision).
pub(crate) fn uuid_time(id: &str) -> chrono::NaiveDateTime {
    id.parse::<uuid::Uuid>()
        .ok()
        .and_then(|u| u.get_timestamp())
        .map(|t| t.to_unix())
        .and_then(|(secs, nanos)| chrono::DateTime::from_timestamp(i64::try_from(secs).ok()?, nanos))
        .map(|t| t.naive_utc())
        .unwrap_or_else(history_start)
}
