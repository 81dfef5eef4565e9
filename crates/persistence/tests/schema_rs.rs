//! `schema.rs`, written by hand for both backends, says what the migrations
//! build: the same tables, the same columns, the same nullability and the
//! same kind of type, on SQLite and on PostgreSQL.

use std::collections::BTreeMap;

use relais_persistence::introspection;
use relais_test_support::backend_tests;

/// A column as `schema.rs` declares it: (name, nullable, type family).
type Declared = (String, bool, &'static str);

/// The coarse family of a type, from diesel's name or a backend's.
fn family(type_name: &str) -> &'static str {
    let t = type_name.to_ascii_lowercase();
    if t.contains("timestamp") {
        "timestamp"
    } else if t == "date" {
        "date"
    } else if t.contains("bool") {
        "bool"
    } else if t.contains("int") {
        "integer"
    } else if t.contains("text") || t.contains("char") {
        "text"
    } else if t.contains("double") || t.contains("float") || t.contains("real") || t.contains("numeric") {
        "number"
    } else {
        "other"
    }
}

/// The tables of `schema.rs`: every `diesel::table!` block, its columns in order.
fn declared() -> BTreeMap<String, Vec<Declared>> {
    let text = include_str!("../src/schema.rs");
    let mut tables = BTreeMap::new();
    for block in text.split("diesel::table! {").skip(1) {
        let mut lines = block.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with("//"));
        let header = lines.next().expect("a table header");
        let name = header.split(['(', ' ']).next().expect("a table name").to_owned();
        let mut columns = Vec::new();
        for line in lines {
            if line.starts_with('}') {
                break;
            }
            if line.starts_with('#') {
                continue;
            }
            let (column, ty) = line.trim_end_matches(',').split_once("->").expect("column -> Type");
            let ty = ty.trim();
            let (nullable, inner) = match ty.strip_prefix("Nullable<").and_then(|t| t.strip_suffix('>')) {
                Some(inner) => (true, inner),
                None => (false, ty),
            };
            columns.push((column.trim().to_owned(), nullable, family(inner)));
        }
        tables.insert(name, columns);
    }
    tables
}

backend_tests! {
    fn schema_rs_matches_the_live_schema(db: &TestDb) {
        let declared = declared();
        assert!(declared.len() > 20 && declared.values().all(|c| !c.is_empty()), "schema.rs was read");
        let live = introspection::tables(&mut db.conn()).expect("the live schema");
        let live_names: Vec<&str> = live.iter().map(|t| t.name.as_str()).collect();
        let declared_names: Vec<&str> = declared.keys().map(String::as_str).collect();
        assert_eq!(live_names, declared_names, "the tables of schema.rs and of the migrations");
        let mut problems = Vec::new();
        for table in &live {
            let columns = &declared[&table.name];
            let mut live_columns: Vec<Declared> =
                table.columns.iter().map(|c| (c.name.clone(), c.nullable, family(&c.data_type))).collect();
            let mut declared_columns = columns.clone();
            live_columns.sort();
            declared_columns.sort();
            if live_columns != declared_columns {
                problems.push(format!("{}: live {live_columns:?}\n  schema.rs {declared_columns:?}", table.name));
            }
        }
        assert!(problems.is_empty(), "schema.rs differs from the migrations:\n{}", problems.join("\n"));
    }
}
