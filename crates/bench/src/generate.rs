//! `relais-bench generate`: fills an empty database, on either backend,
//! with a synthetic network the real application serves — tenants and
//! their members in every role, people with documents and consents, case
//! files with assignments, notes, tasks and timelines, the audit trail, the
//! service directory and referrals between tenants.
//!
//! The same seed and scale give byte-identical data: every value comes from
//! random streams derived from the seed, ids are UUIDv7 built from the row's
//! own (generated) time, and "now" is a fixed reference date
//! (2026-11-01), never the wall clock. Rows go in multi-row `INSERT`
//! statements, one transaction per batch. See decision 0019.

mod audit;
mod cases;
mod data;
mod directory;
mod network;
mod outreach;
mod people;
mod referrals;
mod rows;
mod tenant;
mod util;

use std::path::PathBuf;
use std::time::Instant;

use argon2::password_hash::{PasswordHasher, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use rand::Rng;
use relais_domain::{TenantKind, TenantRole};
use relais_persistence::schema::tenants;
use relais_persistence::{Backend, DatabaseUrl, Db, DbConnection, PoolSettings, migrations};
use serde::Serialize;

use self::people::Partner;
use self::tenant::{TenantOutput, split};
use self::util::{count, stream};

/// What to generate, and where.
#[derive(Debug, Clone, PartialEq, Eq, clap::Args)]
pub struct Args {
    /// The database: a SQLite path or `sqlite:` URL, or a `postgres://` URL.
    /// Migrations are applied first; the database must hold no tenant yet.
    #[arg(long)]
    pub database: String,
    /// Big tenants (the first is an association, the second the incubator).
    #[arg(long, default_value_t = 10)]
    pub tenants: usize,
    /// People (each with a case, some with two) in each big tenant.
    #[arg(long, default_value_t = 100_000)]
    pub people_per_tenant: usize,
    /// People in the extra small tenant (0: no small tenant).
    #[arg(long, default_value_t = 10_000)]
    pub small_tenant: usize,
    /// Users, spread over the tenants in proportion to their people.
    #[arg(long, default_value_t = 10_000)]
    pub users: usize,
    /// Referrals between tenants.
    #[arg(long, default_value_t = 50_000)]
    pub referrals: usize,
    /// Case timeline events.
    #[arg(long, default_value_t = 1_000_000)]
    pub events: usize,
    /// Audit trail events.
    #[arg(long, default_value_t = 1_000_000)]
    pub audit: usize,
    /// Outreach attendances in each big tenant (the small tenant gets its
    /// share by people), with their events, tallies and participants; the
    /// tenant's first event has up to 500 attendees. 0: no outreach data.
    #[arg(long, default_value_t = 0)]
    pub attendances_per_tenant: usize,
    /// Seed of every random choice.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Writes the printed sign-ins as JSON to this file.
    #[arg(long)]
    pub logins: Option<PathBuf>,
}

impl Args {
    /// The defaults, for a database URL.
    pub fn new(database: impl Into<String>) -> Self {
        Self {
            database: database.into(),
            tenants: 10,
            people_per_tenant: 100_000,
            small_tenant: 10_000,
            users: 10_000,
            referrals: 50_000,
            events: 1_000_000,
            audit: 1_000_000,
            attendances_per_tenant: 0,
            seed: 42,
            logins: None,
        }
    }
}

/// Attendees of each tenant's biggest outreach event, at most (fewer when
/// the tenant has fewer people or attendances).
pub const BIG_EVENT: usize = outreach::BIG_EVENT;

/// One sign-in for the load benchmark, with ids to request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Login {
    /// Tenant name.
    pub tenant: String,
    /// Tenant id.
    pub tenant_id: String,
    /// People registered in the tenant.
    pub size: usize,
    /// Role code (`tenant_admin`, `caseworker`, `volunteer`, `viewer`).
    pub role: String,
    /// Sign-in e-mail.
    pub email: String,
    /// Password (the same for every generated user).
    pub password: String,
    /// A case of the tenant (assigned to its printed caseworker when possible).
    pub case_id: Option<String>,
    /// That case's person.
    pub person_id: Option<String>,
    /// Referrals the tenant received (drafts excluded): its inbox.
    pub received_referrals: usize,
    /// One referral the tenant received, if any.
    pub referral_id: Option<String>,
    /// The tenant's biggest outreach event (up to 500 attendees), if any.
    pub event_id: Option<String>,
}

/// What a generation did.
#[derive(Debug, Clone)]
pub struct Report {
    /// Sign-ins: every role of the first big tenant and of the small tenant,
    /// then the caseworker and administrator of the tenant with the fullest inbox.
    pub logins: Vec<Login>,
    /// Rows written per table, with the seconds spent inserting them.
    pub tables: Vec<(String, usize, f64)>,
    /// Total seconds.
    pub seconds: f64,
}

/// The synthetic users' password: drawn from the seed, 20 characters
/// without look-alikes, checked against the password policy.
pub fn password_for(seed: u64) -> String {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = stream(seed, "password", 0);
    loop {
        let candidate: String = (0..20).map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())])).collect();
        if relais_domain::password::check_new_password(&candidate).is_ok() {
            return candidate;
        }
    }
}

/// The argon2id hash of the password, with the parameters of
/// `relais_authorization::password` (m = 19 MiB, t = 2, p = 1) and a salt
/// drawn from the seed, so that the users table is reproducible too.
fn password_hash(seed: u64, password: &str) -> anyhow::Result<String> {
    let salt: [u8; 16] = stream(seed, "salt", 0).random();
    let salt = SaltString::encode_b64(&salt).map_err(|e| anyhow::anyhow!("salt: {e}"))?;
    let params = Params::new(19 * 1024, 2, 1, None).map_err(|e| anyhow::anyhow!("argon2 parameters: {e}"))?;
    let hash = Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password(password.as_bytes(), &salt)
        .map_err(|e| anyhow::anyhow!("argon2: {e}"))?;
    Ok(hash.to_string())
}

/// Connects, migrates, generates, prints the summary and the sign-ins, and
/// writes them to `--logins` if asked.
pub fn run(args: &Args) -> anyhow::Result<Report> {
    let url = DatabaseUrl::parse(&args.database)?;
    println!("relais-bench generate into {} (seed {})", url.describe(), args.seed);
    let db = Db::connect(&url, PoolSettings { max_connections: 1, ..PoolSettings::default() })?;
    let mut conn = db.get()?;
    let applied = migrations::run_pending(&mut conn)?;
    if !applied.is_empty() {
        println!("  applied {} migrations", applied.len());
    }
    let report = generate(&mut conn, args)?;
    println!("{:<24} {:>12} {:>9} {:>11}", "table", "rows", "insert s", "rows/s");
    for (table, rows, secs) in &report.tables {
        let rate = (*rows as f64 / secs.max(1e-9)) as usize;
        println!("{table:<24} {:>12} {secs:>9.1} {:>11}", count(*rows), count(rate));
    }
    let total: usize = report.tables.iter().map(|t| t.1).sum();
    println!("{:<24} {:>12} {:>9.1} s in total", "all tables", count(total), report.seconds);
    println!("sign-ins (every generated user has the same password):");
    for l in &report.logins {
        println!("  {:<12} {:<48} {} ({} people)", l.role, l.email, l.tenant, count(l.size));
    }
    if let Some(first) = report.logins.first() {
        println!("  password: {}", first.password);
    }
    if let Some(path) = &args.logins {
        std::fs::write(path, serde_json::to_string_pretty(&report.logins)?)?;
        println!("sign-ins written to {}", path.display());
    }
    Ok(report)
}

/// Generates the data on an open, migrated connection to an empty database.
pub fn generate(conn: &mut DbConnection, args: &Args) -> anyhow::Result<Report> {
    let started = Instant::now();
    let existing: i64 = tenants::table.count().get_result(conn)?;
    anyhow::ensure!(existing == 0, "the database already holds {existing} tenants: generate into an empty database");
    let backend = conn.backend();
    match backend {
        // Durability is pointless for a load that is redone from the seed.
        Backend::Sqlite => {
            conn.batch_execute("PRAGMA synchronous = OFF; PRAGMA cache_size = -262144; PRAGMA temp_store = MEMORY;")?
        }
        Backend::Postgres => conn.batch_execute("SET synchronous_commit = off")?,
    }
    let password = password_for(args.seed);
    let hash = password_hash(args.seed, &password)?;
    let mut w = rows::Writer::new(conn);
    let plans = network::build(&mut w, args, &hash)?;
    println!(
        "  network: {} tenants, {} users, {} services",
        plans.len(),
        count(w.stats.rows("users")),
        w.stats.rows("services")
    );
    let people: Vec<usize> = plans.iter().map(|p| p.people).collect();
    let events = split(args.events, &people);
    let network_audit = if plans.iter().any(|p| p.people > 0) { args.audit / 10 } else { args.audit };
    let audits = split(args.audit - network_audit, &people);
    let receivers: Vec<usize> = plans.iter().filter(|p| p.receives()).map(|p| p.index).collect();
    let mut outputs: Vec<TenantOutput> = Vec::new();
    let mut big_events: Vec<Option<String>> = Vec::new();
    for t in &plans {
        let partners: Vec<Partner> = plans
            .iter()
            .filter(|p| p.index != t.index && (receivers.is_empty() || p.receives()))
            .map(|p| Partner {
                index: p.index,
                id: p.id.clone(),
                weight: if p.kind == TenantKind::Incubator { 3 } else { 1 },
            })
            .collect();
        let out = tenant::build(&mut w, args.seed, t, &partners, events[t.index])?;
        audit::tenant(&mut w, args.seed, t, &out.people, audits[t.index])?;
        let attendances = if t.small {
            args.attendances_per_tenant * t.people / args.people_per_tenant.max(1)
        } else {
            args.attendances_per_tenant
        };
        big_events.push(outreach::tenant(&mut w, args.seed, t, &out.people, attendances)?);
        outputs.push(out);
    }
    audit::network(&mut w, args.seed, &plans, network_audit)?;
    let inbox = referrals::build(&mut w, args.seed, &plans, &outputs, args.referrals)?;
    println!("  audit trail and {} referrals written", count(w.stats.rows("referrals")));
    match backend {
        Backend::Sqlite => w.conn().batch_execute(
            "PRAGMA synchronous = NORMAL; PRAGMA cache_size = -2000; PRAGMA temp_store = DEFAULT;
             PRAGMA wal_checkpoint(TRUNCATE);",
        )?,
        // Autovacuum would analyse the new tables within minutes; doing it now
        // makes the first benchmark run see the same plans as the later ones.
        Backend::Postgres => w.conn().batch_execute("ANALYZE")?,
    }
    let mut logins = Vec::new();
    let mut add = |t: &network::TenantPlan, roles: &[TenantRole]| {
        for (role, _, email) in t.staff.logins.iter().filter(|(r, _, _)| roles.contains(r)) {
            let sample = outputs[t.index].sample;
            logins.push(Login {
                tenant: t.name.clone(),
                tenant_id: t.id.clone(),
                size: t.people,
                role: role.as_str().to_owned(),
                email: email.clone(),
                password: password.clone(),
                case_id: sample.map(|(c, _)| c.hyphenated().to_string()),
                person_id: sample.map(|(_, p)| p.hyphenated().to_string()),
                received_referrals: inbox.received[t.index],
                referral_id: inbox.sample[t.index].clone(),
                event_id: big_events[t.index].clone(),
            });
        }
    };
    let big = plans.iter().find(|p| !p.small);
    if let Some(first) = big {
        add(first, TenantRole::ALL);
    }
    if let Some(small) = plans.iter().find(|p| p.small) {
        add(small, TenantRole::ALL);
    }
    let fullest =
        (0..plans.len()).filter(|i| inbox.received[*i] > 0).max_by_key(|i| (inbox.received[*i], usize::MAX - i));
    if let Some(i) = fullest {
        add(&plans[i], &[TenantRole::Caseworker, TenantRole::TenantAdmin]);
    }
    let tables = w.stats.tables().iter().map(|(t, n, d)| ((*t).to_owned(), *n, d.as_secs_f64())).collect();
    Ok(Report { logins, tables, seconds: started.elapsed().as_secs_f64() })
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        args: Args,
    }

    #[test]
    fn the_command_line_defaults_are_the_documented_scale() {
        let parsed = Cli::try_parse_from(["generate", "--database", "x.db"]).expect("parsed").args;
        assert_eq!(parsed, Args::new("x.db"));
    }

    #[test]
    fn the_password_follows_the_policy_and_the_seed() {
        let password = password_for(42);
        assert!(relais_domain::password::check_new_password(&password).is_ok());
        assert_eq!(password, password_for(42));
        assert_ne!(password, password_for(43));
    }
}
