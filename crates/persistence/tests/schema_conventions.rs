//! The live schema of both backends keeps DESIGN §4's conventions. A table
//! is tenant-owned unless it is listed in `NETWORK_TABLES`, so a new table
//! is checked by default.

use relais_persistence::introspection::{self, Table};
use relais_test_support::backend_tests;

/// Tables that are not owned by one tenant, and why.
const NETWORK_TABLES: &[&str] = &[
    "tenants",                // the tenants themselves
    "users",                  // one account may belong to several tenants
    "casbin_rule",            // role assignments of every domain, read by the enforcer
    "email_outbox",           // drained by one worker for every tenant; idempotency keys are global
    "sessions",               // a user's browser session; the active tenant changes within it
    "account_tokens",         // invitation and reset links belong to the account (resets have no tenant)
    "login_throttle",         // keyed by e-mail hash or client address, before anyone is known
    "authz_version",          // one counter for the whole network
    "external_organisations", // partners without an account, listed in the network's directory
    "services",               // the directory is read by the whole network; each row's owner changes it
    "referrals",              // the one record two tenants share: sender and receiver columns, queried per side
    "referral_comments",      // belong to a referral, seen by both of its sides
    "referral_events",        // belong to a referral, seen by both of its sides
    "api_tokens",             // looked up by token digest before the tenant is known, like a session
    "api_idempotency",        // keyed by token, like the token itself
];

/// Tables with a nullable `tenant_id`: network-level rows have none.
const OPTIONAL_TENANT_TABLES: &[&str] = &["audit_events"];

fn is_tenant_owned(table: &Table) -> bool {
    !NETWORK_TABLES.contains(&table.name.as_str())
}

fn check(table: &Table, tables: &[Table]) -> Vec<String> {
    let mut problems = Vec::new();
    let name = &table.name;
    if let Some(id) = table.column("id")
        && !id.data_type.contains("text")
    {
        problems.push(format!("{name}.id is {} (ids are UUIDv7 text)", id.data_type));
    }
    if !is_tenant_owned(table) {
        return problems;
    }
    match table.column("tenant_id") {
        None => {
            problems.push(format!("{name} is tenant-owned but has no tenant_id"));
            return problems;
        }
        Some(c) if c.nullable && !OPTIONAL_TENANT_TABLES.contains(&name.as_str()) => {
            problems.push(format!("{name}.tenant_id may be NULL"));
        }
        Some(_) => {}
    }
    if !table.indexes.iter().any(|i| i.columns.first().map(String::as_str) == Some("tenant_id")) {
        problems.push(format!("{name} has no index starting with tenant_id"));
    }
    for index in table.indexes.iter().filter(|i| i.unique) {
        let is_pk_on_id = index.columns == ["id"];
        if !is_pk_on_id && !index.columns.iter().any(|c| c == "tenant_id") {
            problems.push(format!("{name}: unique index {} is not per tenant", index.name));
        }
    }
    for fk in &table.foreign_keys {
        let target_owned = tables.iter().find(|t| t.name == fk.referenced_table).is_some_and(is_tenant_owned);
        if target_owned && !fk.columns.iter().any(|c| c == "tenant_id") {
            problems.push(format!(
                "{name}: foreign key ({}) to tenant-owned {} does not include tenant_id",
                fk.columns.join(", "),
                fk.referenced_table
            ));
        }
    }
    problems
}

fn every_foreign_key_is_indexed(table: &Table) -> Vec<String> {
    table
        .foreign_keys
        .iter()
        .filter(|fk| {
            !table
                .indexes
                .iter()
                .any(|i| i.columns.len() >= fk.columns.len() && i.columns[..fk.columns.len()] == fk.columns[..])
        })
        .map(|fk| format!("{}: foreign key ({}) has no index", table.name, fk.columns.join(", ")))
        .collect()
}

backend_tests! {
    fn tenant_owned_tables_keep_the_conventions(db: &TestDb) {
        let mut conn = db.conn();
        let tables = introspection::tables(&mut conn).expect("schema");
        assert!(tables.len() >= 6, "the schema is there");
        let problems: Vec<String> = tables
            .iter()
            .flat_map(|t| {
                let mut p = check(t, &tables);
                p.extend(every_foreign_key_is_indexed(t));
                p
            })
            .collect();
        assert!(problems.is_empty(), "schema conventions broken:\n{}", problems.join("\n"));
    }

    fn the_checker_catches_a_table_that_breaks_the_conventions(db: &TestDb) {
        use diesel::connection::SimpleConnection;
        let mut conn = db.conn();
        conn.batch_execute(
            "CREATE TABLE bad_notes (id TEXT PRIMARY KEY NOT NULL, tenant_id TEXT NOT NULL, \
             membership_id TEXT NOT NULL, number TEXT NOT NULL);
             CREATE UNIQUE INDEX bad_notes_number_key ON bad_notes (number);
             CREATE TABLE no_tenant (id TEXT PRIMARY KEY NOT NULL);",
        )
        .expect("test tables");
        let tables = introspection::tables(&mut conn).expect("schema");
        let bad = tables.iter().find(|t| t.name == "bad_notes").expect("bad_notes");
        let problems = check(bad, &tables).join("\n");
        assert!(problems.contains("no index starting with tenant_id"), "{problems}");
        assert!(problems.contains("not per tenant"), "{problems}");
        let none = tables.iter().find(|t| t.name == "no_tenant").expect("no_tenant");
        assert!(check(none, &tables).join("\n").contains("has no tenant_id"));
    }
}
