//! Reading the live schema of either backend: tables, columns, indexes and
//! foreign keys in one shape. Used by the schema-convention and migration
//! tests, and by `relais migrate --status`.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use diesel::RunQueryDsl;
use diesel::sql_types::{Bool, Integer, Text};

use crate::{Backend, DbConnection, PersistenceError};

/// One column of a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// Column name.
    pub name: String,
    /// Declared type, lower-cased as the backend reports it.
    pub data_type: String,
    /// Whether NULL is allowed.
    pub nullable: bool,
}

/// One index (including the primary key and unique constraints).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Index {
    /// Index name.
    pub name: String,
    /// Whether it enforces uniqueness.
    pub unique: bool,
    /// Indexed columns, in order.
    pub columns: Vec<String>,
}

/// One foreign key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForeignKey {
    /// Referencing columns, in order.
    pub columns: Vec<String>,
    /// Referenced table.
    pub referenced_table: String,
    /// Referenced columns, in order.
    pub referenced_columns: Vec<String>,
}

/// What the database says about one table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// Table name.
    pub name: String,
    /// Columns, in declaration order.
    pub columns: Vec<Column>,
    /// Indexes, sorted by name.
    pub indexes: Vec<Index>,
    /// Foreign keys, sorted.
    pub foreign_keys: Vec<ForeignKey>,
}

impl Table {
    /// The column of that name, if any.
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }
}

#[derive(diesel::QueryableByName)]
struct NameRow {
    #[diesel(sql_type = Text)]
    name: String,
}

/// Every user table of the current schema (diesel's bookkeeping excluded), sorted by name.
pub fn tables(conn: &mut DbConnection) -> Result<Vec<Table>, PersistenceError> {
    let sql = match conn.backend() {
        Backend::Sqlite => {
            "SELECT name FROM sqlite_master WHERE type = 'table' \
             AND name NOT LIKE 'sqlite_%' AND name <> '__diesel_schema_migrations' ORDER BY name"
        }
        Backend::Postgres => {
            "SELECT table_name::text AS name FROM information_schema.tables \
             WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' \
             AND table_name <> '__diesel_schema_migrations' ORDER BY table_name"
        }
    };
    let names: Vec<String> = diesel::sql_query(sql).load::<NameRow>(conn)?.into_iter().map(|r| r.name).collect();
    names
        .into_iter()
        .map(|name| match conn.backend() {
            Backend::Sqlite => sqlite_table(conn, name),
            Backend::Postgres => postgres_table(conn, name),
        })
        .collect()
}

/// A stable text rendering of the whole schema, for before/after comparisons.
pub fn dump(conn: &mut DbConnection) -> Result<String, PersistenceError> {
    let mut out = String::new();
    for table in tables(conn)? {
        let _ = writeln!(out, "table {}", table.name);
        for c in &table.columns {
            let _ =
                writeln!(out, "  column {} {} {}", c.name, c.data_type, if c.nullable { "null" } else { "not null" });
        }
        for i in &table.indexes {
            let _ =
                writeln!(out, "  index {} {}({})", i.name, if i.unique { "unique " } else { "" }, i.columns.join(", "));
        }
        for f in &table.foreign_keys {
            let _ = writeln!(
                out,
                "  fk ({}) -> {}({})",
                f.columns.join(", "),
                f.referenced_table,
                f.referenced_columns.join(", ")
            );
        }
    }
    Ok(out)
}

fn sqlite_table(conn: &mut DbConnection, name: String) -> Result<Table, PersistenceError> {
    #[derive(diesel::QueryableByName)]
    struct ColumnRow {
        #[diesel(sql_type = Text)]
        name: String,
        #[diesel(sql_type = Text)]
        #[diesel(column_name = type_)]
        type_: String,
        #[diesel(sql_type = Bool)]
        not_null: bool,
        #[diesel(sql_type = Integer)]
        pk: i32,
    }
    #[derive(diesel::QueryableByName)]
    struct IndexRow {
        #[diesel(sql_type = Text)]
        name: String,
        #[diesel(sql_type = Bool)]
        unique: bool,
    }
    #[derive(diesel::QueryableByName)]
    struct FkRow {
        #[diesel(sql_type = Integer)]
        id: i32,
        #[diesel(sql_type = Text)]
        table: String,
        #[diesel(sql_type = Text)]
        from: String,
        #[diesel(sql_type = Text)]
        to: String,
    }
    let column_rows = diesel::sql_query(format!(
        "SELECT name, type AS type_, \"notnull\" AS not_null, pk FROM pragma_table_info({})",
        sql_string(&name)
    ))
    .load::<ColumnRow>(conn)?;
    // SQLite lets a non-integer primary key column hold NULL unless declared NOT NULL; we always declare it.
    let columns = column_rows
        .iter()
        .map(|c| Column { name: c.name.clone(), data_type: c.type_.to_lowercase(), nullable: !c.not_null && c.pk == 0 })
        .collect();
    let mut indexes = Vec::new();
    let pk: Vec<(i32, String)> = {
        let mut pk: Vec<_> = column_rows.iter().filter(|c| c.pk > 0).map(|c| (c.pk, c.name.clone())).collect();
        pk.sort();
        pk
    };
    if !pk.is_empty() {
        indexes.push(Index {
            name: format!("{name}_pkey"),
            unique: true,
            columns: pk.into_iter().map(|(_, c)| c).collect(),
        });
    }
    let index_rows = diesel::sql_query(format!(
        "SELECT name, \"unique\" AS \"unique\" FROM pragma_index_list({}) WHERE origin <> 'pk'",
        sql_string(&name)
    ))
    .load::<IndexRow>(conn)?;
    for row in index_rows {
        let cols =
            diesel::sql_query(format!("SELECT name FROM pragma_index_info({}) ORDER BY seqno", sql_string(&row.name)))
                .load::<NameRow>(conn)?;
        indexes.push(Index { name: row.name, unique: row.unique, columns: cols.into_iter().map(|c| c.name).collect() });
    }
    indexes.sort_by(|a, b| a.name.cmp(&b.name));
    let fk_rows = diesel::sql_query(format!(
        "SELECT id, \"table\" AS \"table\", \"from\" AS \"from\", \"to\" AS \"to\" FROM pragma_foreign_key_list({}) ORDER BY id, seq",
        sql_string(&name)
    ))
    .load::<FkRow>(conn)?;
    let mut grouped: BTreeMap<i32, ForeignKey> = BTreeMap::new();
    for row in fk_rows {
        let fk = grouped.entry(row.id).or_insert_with(|| ForeignKey {
            columns: Vec::new(),
            referenced_table: row.table.clone(),
            referenced_columns: Vec::new(),
        });
        fk.columns.push(row.from);
        fk.referenced_columns.push(row.to);
    }
    let mut foreign_keys: Vec<_> = grouped.into_values().collect();
    foreign_keys.sort_by(|a, b| (&a.columns, &a.referenced_table).cmp(&(&b.columns, &b.referenced_table)));
    Ok(Table { name, columns, indexes, foreign_keys })
}

fn sql_string(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

fn postgres_table(conn: &mut DbConnection, name: String) -> Result<Table, PersistenceError> {
    #[derive(diesel::QueryableByName)]
    struct ColumnRow {
        #[diesel(sql_type = Text)]
        name: String,
        #[diesel(sql_type = Text)]
        data_type: String,
        #[diesel(sql_type = Bool)]
        nullable: bool,
    }
    #[derive(diesel::QueryableByName)]
    struct IndexRow {
        #[diesel(sql_type = Text)]
        name: String,
        #[diesel(sql_type = Bool)]
        unique: bool,
        #[diesel(sql_type = Text)]
        columns: String,
    }
    #[derive(diesel::QueryableByName)]
    struct FkRow {
        #[diesel(sql_type = Text)]
        columns: String,
        #[diesel(sql_type = Text)]
        referenced_table: String,
        #[diesel(sql_type = Text)]
        referenced_columns: String,
    }
    let table = sql_string(&name);
    let columns = diesel::sql_query(format!(
        "SELECT column_name::text AS name, data_type::text AS data_type, (is_nullable = 'YES') AS nullable \
         FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = {table} \
         ORDER BY ordinal_position"
    ))
    .load::<ColumnRow>(conn)?
    .into_iter()
    .map(|c| Column { name: c.name, data_type: c.data_type.to_lowercase(), nullable: c.nullable })
    .collect();
    let indexes = diesel::sql_query(format!(
        "SELECT i.relname::text AS name, ix.indisunique AS unique, \
                string_agg(a.attname::text, ',' ORDER BY k.ord) AS columns \
         FROM pg_index ix \
         JOIN pg_class t ON t.oid = ix.indrelid \
         JOIN pg_class i ON i.oid = ix.indexrelid \
         JOIN pg_namespace n ON n.oid = t.relnamespace \
         CROSS JOIN LATERAL unnest(ix.indkey) WITH ORDINALITY AS k(attnum, ord) \
         JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum \
         WHERE n.nspname = current_schema() AND t.relname = {table} \
         GROUP BY i.relname, ix.indisunique ORDER BY i.relname"
    ))
    .load::<IndexRow>(conn)?
    .into_iter()
    .map(|r| Index { name: r.name, unique: r.unique, columns: r.columns.split(',').map(str::to_owned).collect() })
    .collect();
    let mut foreign_keys: Vec<ForeignKey> = diesel::sql_query(format!(
        "SELECT string_agg(a.attname::text, ',' ORDER BY k.ord) AS columns, \
                rt.relname::text AS referenced_table, \
                string_agg(ra.attname::text, ',' ORDER BY k.ord) AS referenced_columns \
         FROM pg_constraint c \
         JOIN pg_class t ON t.oid = c.conrelid \
         JOIN pg_class rt ON rt.oid = c.confrelid \
         JOIN pg_namespace n ON n.oid = t.relnamespace \
         CROSS JOIN LATERAL unnest(c.conkey, c.confkey) WITH ORDINALITY AS k(attnum, refnum, ord) \
         JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum \
         JOIN pg_attribute ra ON ra.attrelid = rt.oid AND ra.attnum = k.refnum \
         WHERE c.contype = 'f' AND n.nspname = current_schema() AND t.relname = {table} \
         GROUP BY c.oid, rt.relname"
    ))
    .load::<FkRow>(conn)?
    .into_iter()
    .map(|r| ForeignKey {
        columns: r.columns.split(',').map(str::to_owned).collect(),
        referenced_table: r.referenced_table,
        referenced_columns: r.referenced_columns.split(',').map(str::to_owned).collect(),
    })
    .collect();
    foreign_keys.sort_by(|a, b| (&a.columns, &a.referenced_table).cmp(&(&b.columns, &b.referenced_table)));
    Ok(Table { name, columns, indexes, foreign_keys })
}
