//! Connections: which backend a URL names, and how a connection to it is
//! opened and prepared.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection, SqliteConnection};

use crate::error::PersistenceError;

/// One connection to either backend. Query code is written once against
/// this type; diesel dispatches to the backend inside.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    /// A PostgreSQL connection (production backend).
    Postgres(PgConnection),
    /// A SQLite connection (embedded default).
    Sqlite(SqliteConnection),
}

impl DbConnection {
    /// Which backend this connection talks to.
    pub fn backend(&self) -> Backend {
        match self {
            DbConnection::Postgres(_) => Backend::Postgres,
            DbConnection::Sqlite(_) => Backend::Sqlite,
        }
    }
}

/// The two supported database backends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Backend {
    /// SQLite, bundled into the binary.
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        })
    }
}

/// A database URL whose backend is known. Accepted forms:
/// `sqlite:relative/path.db`, `sqlite:///absolute/path.db`, a plain file path
/// (`data/relais.db`), `postgres://…` and `postgresql://…`. Any other
/// `scheme://` is refused with a message.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl {
    backend: Backend,
    /// What is handed to the driver: a file path for SQLite, the URL for PostgreSQL.
    target: String,
}

impl DatabaseUrl {
    /// Parses a configured URL.
    pub fn parse(url: &str) -> Result<Self, PersistenceError> {
        let url = url.trim();
        if url.is_empty() {
            return Err(PersistenceError::Config(
                "the database URL is empty; expected sqlite:<path> or postgres://user@host/db".into(),
            ));
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Self { backend: Backend::Postgres, target: url.to_owned() });
        }
        if let Some(rest) = url.strip_prefix("sqlite:") {
            let path = rest.strip_prefix("//").unwrap_or(rest);
            if path.is_empty() {
                return Err(PersistenceError::Config("sqlite: URL without a file path".into()));
            }
            return Ok(Self { backend: Backend::Sqlite, target: path.to_owned() });
        }
        if let Some((scheme, _)) = url.split_once("://") {
            return Err(PersistenceError::Config(format!(
                "unsupported database URL scheme \"{scheme}\"; expected sqlite:<path> or postgres://…"
            )));
        }
        Ok(Self { backend: Backend::Sqlite, target: url.to_owned() })
    }

    /// The backend this URL names.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// For SQLite, the database file.
    pub fn sqlite_path(&self) -> Option<&Path> {
        (self.backend == Backend::Sqlite).then(|| Path::new(&self.target))
    }

    /// The URL with any password replaced by `***`, safe to print and log.
    pub fn masked(&self) -> String {
        match self.backend {
            Backend::Sqlite => format!("sqlite:{}", self.target),
            Backend::Postgres => mask_password(&self.target),
        }
    }

    /// For PostgreSQL, the host and database named by the URL (for messages).
    pub fn describe(&self) -> String {
        match self.backend {
            Backend::Sqlite => format!("SQLite file {}", self.target),
            Backend::Postgres => {
                let after_scheme = self.target.split_once("://").map_or("", |(_, r)| r);
                let after_user = after_scheme.rsplit_once('@').map_or(after_scheme, |(_, r)| r);
                let (host, db) = after_user.split_once('/').unwrap_or((after_user, ""));
                let db = db.split('?').next().unwrap_or("");
                format!("PostgreSQL database \"{db}\" on {host}")
            }
        }
    }

    /// The full connection string, password included: hand it only to a
    /// driver or a child process, never to a log.
    pub fn connection_string(&self) -> String {
        match self.backend {
            Backend::Sqlite => format!("sqlite:{}", self.target),
            Backend::Postgres => self.target.clone(),
        }
    }

    pub(crate) fn target(&self) -> &str {
        &self.target
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

fn mask_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let Some((userinfo, host)) = rest.rsplit_once('@') else {
        return url.to_owned();
    };
    match userinfo.split_once(':') {
        Some((user, _password)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_owned(),
    }
}

/// Settings applied to every SQLite connection.
#[derive(Debug, Clone, Copy)]
pub struct SqliteSettings {
    /// How long a connection waits for a lock held by another writer.
    pub busy_timeout: Duration,
}

impl Default for SqliteSettings {
    fn default() -> Self {
        Self { busy_timeout: Duration::from_secs(5) }
    }
}

/// Opens connections for the pool, choosing the backend from the URL and
/// preparing every SQLite connection (WAL, foreign keys, busy timeout).
#[derive(Debug)]
pub struct ConnectionManager {
    pub(crate) url: DatabaseUrl,
    pub(crate) sqlite: SqliteSettings,
}

impl ConnectionManager {
    pub(crate) fn open(&self) -> Result<DbConnection, PersistenceError> {
        match self.url.backend {
            Backend::Postgres => PgConnection::establish(self.url.target()).map(DbConnection::Postgres).map_err(|e| {
                PersistenceError::Unavailable(format!(
                    "cannot connect to {}: {}",
                    self.url.describe(),
                    first_line(&e.to_string())
                ))
            }),
            Backend::Sqlite => {
                let path = PathBuf::from(self.url.target());
                if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                    std::fs::create_dir_all(parent).map_err(|e| {
                        PersistenceError::Unavailable(format!(
                            "cannot create the folder {} for the SQLite file: {e}",
                            parent.display()
                        ))
                    })?;
                }
                let mut conn = SqliteConnection::establish(self.url.target())
                    .map_err(|e| PersistenceError::Unavailable(format!("cannot open {}: {e}", self.url.describe())))?;
                conn.batch_execute(&format!(
                    "PRAGMA busy_timeout = {};
                     PRAGMA journal_mode = WAL;
                     PRAGMA synchronous = NORMAL;
                     PRAGMA foreign_keys = ON;",
                    self.sqlite.busy_timeout.as_millis()
                ))?;
                Ok(DbConnection::Sqlite(conn))
            }
        }
    }
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or(text).trim()
}

impl r2d2::ManageConnection for ConnectionManager {
    type Connection = DbConnection;
    type Error = PersistenceError;

    fn connect(&self) -> Result<DbConnection, PersistenceError> {
        self.open()
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), PersistenceError> {
        conn.batch_execute("SELECT 1").map_err(PersistenceError::from)
    }

    fn has_broken(&self, _conn: &mut DbConnection) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_backend_comes_from_the_scheme() {
        let cases = [
            ("sqlite:data/relais.db", Backend::Sqlite, "data/relais.db"),
            ("sqlite:///var/lib/relais.db", Backend::Sqlite, "/var/lib/relais.db"),
            ("relais.db", Backend::Sqlite, "relais.db"),
            ("postgres://u:p@db/relais", Backend::Postgres, "postgres://u:p@db/relais"),
            ("postgresql://db/relais", Backend::Postgres, "postgresql://db/relais"),
        ];
        for (url, backend, target) in cases {
            let parsed = DatabaseUrl::parse(url).expect(url);
            assert_eq!(parsed.backend(), backend, "{url}");
            assert_eq!(parsed.target(), target, "{url}");
        }
    }

    #[test]
    fn other_schemes_are_refused_by_name() {
        let err = DatabaseUrl::parse("mysql://db/relais").expect_err("mysql is not supported");
        assert!(err.to_string().contains("\"mysql\""), "{err}");
        assert!(DatabaseUrl::parse("  ").is_err());
        assert!(DatabaseUrl::parse("sqlite:").is_err());
    }

    #[test]
    fn passwords_never_appear_in_printed_urls() {
        let url =
            DatabaseUrl::parse("postgres://relais:s3cret@db.internal:5432/relais?sslmode=require").expect("valid");
        assert_eq!(url.masked(), "postgres://relais:***@db.internal:5432/relais?sslmode=require");
        assert!(!format!("{url:?}").contains("s3cret"));
        assert_eq!(url.describe(), "PostgreSQL database \"relais\" on db.internal:5432");
    }
}
