//! Query plans of the statements pages run: a diesel instrumentation that
//! records the SQL each connection of a test database runs while a page is
//! being served, and the readers of both backends' plans.
//!
//! - SQLite: `EXPLAIN QUERY PLAN <sql>` (unbound parameters are NULL; the
//!   plan does not depend on them). `SCAN t` is a full scan, and so is
//!   `SCAN t USING [COVERING] INDEX i`: every index in this schema starts
//!   with `tenant_id` (or a parent key), so an ORDER BY … LIMIT of a
//!   tenant-scoped list is served by a `SEARCH` on the index's prefix; a
//!   `SCAN … USING INDEX` walks every tenant's entries. An `AUTOMATIC` index
//!   and a `BLOOM FILTER` are built by scanning the table, so they count too.
//! - PostgreSQL 15 (no `EXPLAIN (GENERIC_PLAN)`): with `plan_cache_mode =
//!   force_generic_plan` and `enable_seqscan = off`, `PREPARE` the statement
//!   and `EXPLAIN EXECUTE` it with NULLs. `Seq Scan on t` remains only where
//!   no index can serve the query; an `Index Scan`/`Index Only Scan` without
//!   an `Index Cond` walks a whole index and counts as a scan too.
//!
//! SQLite's plans (rule-based without `ANALYZE` statistics, so stable) are
//! also read for whole-tenant reads: a `SEARCH` constrained by the tenant
//! column (`tenant_id`, `sender_tenant_id`, `receiver_tenant_id`) alone, or
//! narrowed only by code columns (`status`, `pathway`, …), reads a whole
//! slice of the tenant's rows. That is fine only when it is the statement's
//! first loop and reads rows in the order of its `ORDER BY … LIMIT` (no
//! temporary B-tree for the ORDER BY), so that it stops at the limit. A
//! constraint on a parent id (`case_id=?`, `user_id=?`) or a range bounds the read.
//!
//! Include it with `#[path = "common/plans.rs"] mod plans;` (it needs diesel,
//! which the other test binaries do not).
#![allow(dead_code, reason = "each test binary uses a different part of the helpers")]

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::future::Future;
use std::sync::{Mutex, Once};

use diesel::RunQueryDsl;
use diesel::connection::{Instrumentation, InstrumentationEvent, SimpleConnection, set_default_instrumentation};
use diesel::sql_types::{Integer, Text};
use relais_persistence::{Backend, Db, DbConnection, PersistenceError};

/// Statements being recorded, by connection target (SQLite file or PostgreSQL URL).
static RECORDING: Mutex<BTreeMap<String, Vec<String>>> = Mutex::new(BTreeMap::new());

/// Remembers which database its connection opened, and records that
/// connection's statements while a recording for that database is on.
#[derive(Default)]
struct Recorder {
    target: Option<String>,
}

impl Instrumentation for Recorder {
    fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
        match event {
            InstrumentationEvent::StartEstablishConnection { url, .. } => self.target = Some(url.to_owned()),
            InstrumentationEvent::StartQuery { query, .. } => {
                let Some(target) = &self.target else { return };
                let mut recording = RECORDING.lock().unwrap_or_else(|e| e.into_inner());
                if let Some(statements) = recording.get_mut(target) {
                    // `Display` is "<sql> -- binds: [...]" for built queries, the SQL alone for batches.
                    let text = query.to_string();
                    let sql = text.split_once(" -- binds: ").map_or(text.as_str(), |(sql, _)| sql);
                    statements.push(sql.trim().to_owned());
                }
            }
            _ => {}
        }
    }
}

/// Installs the recorder as diesel's default instrumentation. Only
/// connections opened afterwards are instrumented: call it before the test
/// database (and its pool) is created.
pub fn install() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        set_default_instrumentation(|| Some(Box::new(Recorder::default()))).expect("the instrumentation installs");
    });
}

/// What diesel is given to open a connection of this pool.
fn target(db: &Db) -> String {
    match db.backend() {
        Backend::Sqlite => db.url().sqlite_path().map(|p| p.display().to_string()).unwrap_or_default(),
        Backend::Postgres => db.url().connection_string(),
    }
}

/// Statements that read or write rows (transactions, pragmas and settings are left out).
fn is_planned(sql: &str) -> bool {
    let first = sql.split_whitespace().next().unwrap_or("").to_ascii_uppercase();
    matches!(first.as_str(), "SELECT" | "INSERT" | "UPDATE" | "DELETE" | "WITH") && sql.trim() != "SELECT 1"
}

/// The statements of a series of pages, by page.
pub struct HotPath {
    target: String,
    /// (page label, statements in the order they ran).
    pub pages: Vec<(String, Vec<String>)>,
}

impl HotPath {
    /// Records pages served on this database (see [`install`]).
    pub fn new(db: &Db) -> Self {
        Self { target: target(db), pages: Vec::new() }
    }

    /// Serves one page, recording the statements it runs under `label`.
    pub async fn page<T>(&mut self, label: &str, serve: impl Future<Output = T>) -> T {
        RECORDING.lock().unwrap_or_else(|e| e.into_inner()).insert(self.target.clone(), Vec::new());
        let out = serve.await;
        let statements = RECORDING.lock().unwrap_or_else(|e| e.into_inner()).remove(&self.target).unwrap_or_default();
        assert!(!statements.is_empty(), "{label} ran no statement: is the recorder installed before the pool?");
        self.pages.push((label.to_owned(), statements));
        out
    }

    /// Statements one page ran at least `times` times (a query per row): (page, statement, count).
    pub fn repeated(&self, times: usize) -> Vec<(String, String, usize)> {
        let mut out = Vec::new();
        for (page, statements) in &self.pages {
            let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
            for sql in statements.iter().filter(|s| is_planned(s)) {
                *counts.entry(sql).or_default() += 1;
            }
            out.extend(counts.into_iter().filter(|(_, n)| *n >= times).map(|(s, n)| (page.clone(), s.to_owned(), n)));
        }
        out
    }

    /// Each distinct planned statement once, with the pages that ran it, in first-run order.
    pub fn statements(&self) -> Vec<(String, Vec<String>)> {
        let mut out: Vec<(String, Vec<String>)> = Vec::new();
        for (page, statements) in &self.pages {
            for sql in statements.iter().filter(|s| is_planned(s)) {
                match out.iter_mut().find(|(s, _)| s == sql) {
                    Some((_, pages)) if !pages.contains(page) => pages.push(page.clone()),
                    Some(_) => {}
                    None => out.push((sql.clone(), vec![page.clone()])),
                }
            }
        }
        out
    }
}

#[derive(diesel::QueryableByName)]
struct SqlitePlanRow {
    #[diesel(sql_type = Integer)]
    id: i32,
    #[diesel(sql_type = Integer)]
    parent: i32,
    #[diesel(sql_type = Text)]
    detail: String,
}

#[derive(diesel::QueryableByName)]
struct PostgresPlanRow {
    #[diesel(sql_type = Text, column_name = "QUERY PLAN")]
    line: String,
}

/// The plan of a statement, one line per node (SQLite lines indented by depth).
pub fn plan(conn: &mut DbConnection, sql: &str) -> Result<Vec<String>, PersistenceError> {
    match conn.backend() {
        Backend::Sqlite => {
            let rows: Vec<SqlitePlanRow> = diesel::sql_query(format!("EXPLAIN QUERY PLAN {sql}")).load(conn)?;
            let mut depth: BTreeMap<i32, usize> = BTreeMap::new();
            Ok(rows
                .into_iter()
                .map(|r| {
                    let d = depth.get(&r.parent).map_or(0, |d| d + 1);
                    depth.insert(r.id, d);
                    format!("{}{}", "  ".repeat(d), r.detail)
                })
                .collect())
        }
        Backend::Postgres => {
            let parameters = (1..).take_while(|n| sql.contains(&format!("${n}"))).count();
            conn.batch_execute("SET plan_cache_mode = force_generic_plan; SET enable_seqscan = off")?;
            conn.batch_execute(&format!("PREPARE relais_plan AS {sql}"))?;
            let nulls = vec!["NULL"; parameters].join(", ");
            let explain = if parameters == 0 {
                "EXPLAIN EXECUTE relais_plan".to_owned()
            } else {
                format!("EXPLAIN EXECUTE relais_plan({nulls})")
            };
            let rows: Result<Vec<PostgresPlanRow>, _> = diesel::sql_query(explain).load(conn);
            conn.batch_execute("DEALLOCATE relais_plan; RESET plan_cache_mode; RESET enable_seqscan")?;
            Ok(rows?.into_iter().map(|r| r.line).collect())
        }
    }
}

/// The first word of `text` as an identifier (quotes and backticks removed).
fn table_word(text: &str) -> String {
    text.split_whitespace().next().unwrap_or("").trim_matches(|c| c == '"' || c == '`').to_owned()
}

/// The plan lines that read a whole table (or a whole index), with the table.
pub fn full_scans(backend: Backend, plan: &[String], tables: &[String]) -> Vec<(String, String)> {
    let known = |t: &str| tables.iter().any(|name| name == t);
    let mut found = Vec::new();
    match backend {
        Backend::Sqlite => {
            for line in plan {
                let detail = line.trim();
                let table = if let Some(rest) = detail.strip_prefix("SCAN ") {
                    table_word(rest)
                } else if let Some(rest) = detail.strip_prefix("SEARCH ").filter(|r| r.contains(" AUTOMATIC ")) {
                    table_word(rest)
                } else if let Some(rest) = detail.strip_prefix("BLOOM FILTER ON ") {
                    table_word(rest)
                } else {
                    continue;
                };
                if known(&table) {
                    found.push((table, detail.to_owned()));
                }
            }
        }
        Backend::Postgres => {
            for (i, line) in plan.iter().enumerate() {
                let node = line.trim_start().trim_start_matches("->").trim();
                let table = if let Some(rest) = node.split_once("Seq Scan on ").map(|(_, r)| r) {
                    table_word(rest)
                } else if node.starts_with("Index Scan") || node.starts_with("Index Only Scan") {
                    // A node's details follow it up to the next node.
                    let details = plan[i + 1..].iter().take_while(|l| !l.contains("->"));
                    if details.clone().any(|l| l.trim_start().starts_with("Index Cond:")) {
                        continue;
                    }
                    node.split_once(" on ").map(|(_, r)| table_word(r)).unwrap_or_default()
                } else {
                    continue;
                };
                if known(&table) {
                    found.push((table, node.to_owned()));
                }
            }
        }
    }
    found
}

/// Whether SQLite sorts the rows of this plan in a temporary B-tree for its ORDER BY.
pub fn sorts(plan: &[String]) -> bool {
    plan.iter().any(|l| l.contains("USE TEMP B-TREE FOR ORDER BY"))
}

/// Columns of a few codes each: narrowing a tenant by one still reads a large slice of it.
const CODE_COLUMNS: [&str; 8] = ["status", "pathway", "role", "visibility", "doc_type", "purpose", "kind", "side"];

/// Whether a SQLite `SEARCH` constraint (`tenant_id=? AND status=?`) reads a
/// whole slice of a tenant: a tenant column, then only code columns.
fn tenant_slice(constraint: &str) -> bool {
    let mut terms = constraint.split(" AND ");
    let tenant = terms.next().and_then(|t| t.strip_suffix("=?"));
    matches!(tenant, Some("tenant_id" | "sender_tenant_id" | "receiver_tenant_id"))
        && terms.all(|t| t.strip_suffix("=?").is_some_and(|c| CODE_COLUMNS.contains(&c)))
}

/// SQLite: the plan lines that read a whole slice of a tenant's rows (see
/// the module documentation), with the table.
pub fn tenant_wide_reads(sql: &str, plan: &[String]) -> Vec<(String, String)> {
    let in_order = !sorts(plan) && sql.contains(" LIMIT ");
    let first_loop = plan.iter().position(|l| l.starts_with("SEARCH ") || l.starts_with("SCAN "));
    plan.iter()
        .enumerate()
        .filter(|(_, line)| {
            let line = line.trim();
            let constraint = line.rsplit_once(" (").and_then(|(_, c)| c.strip_suffix(')'));
            line.starts_with("SEARCH ") && constraint.is_some_and(tenant_slice)
        })
        .filter(|(i, _)| !(in_order && Some(*i) == first_loop))
        .map(|(_, line)| (table_word(line.trim().trim_start_matches("SEARCH ")), line.trim().to_owned()))
        .collect()
}

/// One statement with its plan and what is wrong with it.
pub struct Verdict {
    /// The SQL as run (placeholders unbound).
    pub sql: String,
    /// The pages that ran it.
    pub pages: Vec<String>,
    /// Its plan.
    pub plan: Vec<String>,
    /// Full scans of tables that are not allowed to be scanned: (table, plan line).
    pub scans: Vec<(String, String)>,
    /// Whole-tenant reads (SQLite) that are not allowed: (table, plan line).
    pub tenant_wide: Vec<(String, String)>,
    /// Scans and whole-tenant reads the allow-lists accept (reported, not failed).
    pub allowed: Vec<(String, String)>,
}

impl Verdict {
    /// Whether the statement reads more than it should.
    pub fn fails(&self) -> bool {
        !self.scans.is_empty() || !self.tenant_wide.is_empty()
    }
}

/// What may read more than an index lookup, and why: (table or SQL fragment, reason).
pub struct AllowList<'a> {
    /// Tables that may be read whole (small global tables).
    pub tables: &'a [(&'a str, &'a str)],
    /// Tables whose rows of one tenant may be read whole.
    pub tenant_tables: &'a [(&'a str, &'a str)],
    /// Statements (an SQL fragment, quotes left out) that may read whole tables or tenants by design.
    pub statements: &'a [(&'a str, &'a str)],
}

/// An SQL text without identifier quotes, so one fragment matches both backends.
pub fn unquoted(sql: &str) -> String {
    sql.replace(['`', '"'], "")
}

/// Plans every statement of `hot` and sorts out what it reads.
pub fn verdicts(conn: &mut DbConnection, hot: &HotPath, allow: &AllowList<'_>) -> Vec<Verdict> {
    let tables: Vec<String> = relais_persistence::introspection::tables(conn)
        .expect("the live schema is read")
        .into_iter()
        .map(|t| t.name)
        .chain(std::iter::once("__diesel_schema_migrations".to_owned()))
        .collect();
    let backend = conn.backend();
    hot.statements()
        .into_iter()
        .map(|(sql, pages)| {
            let plan = plan(conn, &sql).unwrap_or_else(|e| panic!("no plan for\n{sql}\n({pages:?}): {e}"));
            let bare = unquoted(&sql);
            let statement_allowed = allow.statements.iter().any(|(fragment, _)| bare.contains(fragment));
            let listed = |list: &[(&str, &str)], table: &str| list.iter().any(|(t, _)| *t == table);
            let (mut allowed, scans): (Vec<_>, Vec<_>) = full_scans(backend, &plan, &tables)
                .into_iter()
                .partition(|(table, _)| statement_allowed || listed(allow.tables, table));
            let wide = if backend == Backend::Sqlite { tenant_wide_reads(&sql, &plan) } else { Vec::new() };
            let (wide_allowed, tenant_wide): (Vec<_>, Vec<_>) =
                wide.into_iter().partition(|(table, _)| statement_allowed || listed(allow.tenant_tables, table));
            allowed.extend(wide_allowed);
            Verdict { sql, pages, plan, scans, tenant_wide, allowed }
        })
        .collect()
}

/// A readable listing of verdicts: statement, pages, plan, findings.
pub fn render(backend: Backend, verdicts: &[&Verdict]) -> String {
    let mut out = String::new();
    for v in verdicts {
        let _ = writeln!(out, "--- [{backend}] run by: {}", v.pages.join(", "));
        let _ = writeln!(out, "{}", v.sql);
        for line in &v.plan {
            let _ = writeln!(out, "    | {line}");
        }
        for (table, line) in &v.scans {
            let _ = writeln!(out, "    ✗ full scan of {table}: {line}");
        }
        for (table, line) in &v.tenant_wide {
            let _ = writeln!(out, "    ✗ a whole slice of the tenant in {table}: {line}");
        }
        for (table, line) in &v.allowed {
            let _ = writeln!(out, "    ~ allowed wide read of {table}: {line}");
        }
    }
    out
}
