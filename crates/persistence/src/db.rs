//! The pool, and the only ways async code reaches the database.

use std::time::Duration;

use diesel::Connection;
use diesel::connection::{AnsiTransactionManager, TransactionManager};

use crate::Backend;
use crate::connection::{ConnectionManager, DatabaseUrl, DbConnection, SqliteSettings};
use crate::error::PersistenceError;

/// Pool sizing and timeouts.
#[derive(Debug, Clone, Copy)]
pub struct PoolSettings {
    /// Most connections held open at once.
    pub max_connections: u32,
    /// How long a request waits for a free connection before a 503.
    pub acquire_timeout: Duration,
    /// SQLite connection settings (ignored on PostgreSQL).
    pub sqlite: SqliteSettings,
}

impl Default for PoolSettings {
    fn default() -> Self {
        Self { max_connections: 8, acquire_timeout: Duration::from_secs(5), sqlite: SqliteSettings::default() }
    }
}

/// A connection borrowed from the pool; it goes back when dropped.
pub type PooledConnection = r2d2::PooledConnection<ConnectionManager>;

/// A handle on the database: a connection pool. Cheap to clone.
#[derive(Clone)]
pub struct Db {
    pool: r2d2::Pool<ConnectionManager>,
    url: DatabaseUrl,
    /// SQLite takes one writer at a time: writers of this process queue here,
    /// in order, rather than polling the file lock with SQLite's busy handler
    /// (whose growing sleeps make the slow tail of writes under load).
    writer: Option<std::sync::Arc<tokio::sync::Mutex<()>>>,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db").field("url", &self.url).finish_non_exhaustive()
    }
}

impl Db {
    /// Opens a pool and checks that one connection can be made, so that a
    /// wrong URL or an unreachable server is reported at start, by name.
    pub fn connect(url: &DatabaseUrl, settings: PoolSettings) -> Result<Self, PersistenceError> {
        let manager = ConnectionManager { url: url.clone(), sqlite: settings.sqlite };
        // Open one connection by hand first: r2d2 would retry until its timeout
        // and then report only "timed out", losing the driver's reason.
        manager.open()?;
        let pool = r2d2::Pool::builder()
            .max_size(settings.max_connections)
            .min_idle(Some(1))
            .connection_timeout(settings.acquire_timeout)
            .error_handler(Box::new(r2d2::NopErrorHandler))
            .build(manager)
            .map_err(PersistenceError::from)?;
        let writer = (url.backend() == Backend::Sqlite).then(|| std::sync::Arc::new(tokio::sync::Mutex::new(())));
        Ok(Self { pool, url: url.clone(), writer })
    }

    /// The database this pool talks to.
    pub fn url(&self) -> &DatabaseUrl {
        &self.url
    }

    /// The backend this pool talks to.
    pub fn backend(&self) -> Backend {
        self.url.backend()
    }

    /// Takes a connection for blocking code (CLI, workers already on a blocking thread).
    pub fn get(&self) -> Result<PooledConnection, PersistenceError> {
        self.pool.get().map_err(PersistenceError::from)
    }

    /// Runs work on a pooled connection, off the tokio workers. The work's
    /// error type only has to accept persistence errors, so callers may use
    /// their own (the web layer's, say) inside.
    pub async fn run<T, E, F>(&self, work: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<PersistenceError> + Send + 'static,
    {
        let pool = self.pool.clone();
        let span = tracing::Span::current();
        tokio::task::spawn_blocking(move || {
            let _entered = span.enter();
            let mut conn = pool.get().map_err(|e| E::from(PersistenceError::from(e)))?;
            work(&mut conn)
        })
        .await
        .map_err(|e| E::from(PersistenceError::Task(e.to_string())))?
    }

    /// Runs work in one write transaction (see [`write_tx`]), off the tokio
    /// workers. On SQLite, this process's writers take turns in order.
    pub async fn write<T, E, F>(&self, work: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<PersistenceError> + Send + 'static,
    {
        let _turn = match &self.writer {
            Some(writer) => Some(writer.lock().await),
            None => None,
        };
        self.run(move |conn| write_tx(conn, work)).await
    }
}

type Transactions = <DbConnection as Connection>::TransactionManager;

/// Runs `work` in a write transaction: all of it is committed, or none.
///
/// On SQLite the outermost transaction begins `IMMEDIATE`, taking the write
/// lock at once (waiting up to `busy_timeout`), so it cannot fail half-way on
/// a lock upgrade. Inside an open transaction it nests as a savepoint.
pub fn write_tx<T, E, F>(conn: &mut DbConnection, work: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    E: From<PersistenceError>,
{
    fn fail<E: From<PersistenceError>>(err: diesel::result::Error) -> E {
        E::from(PersistenceError::from(err))
    }
    let depth = Transactions::transaction_manager_status_mut(conn).transaction_depth().map_err(fail::<E>)?;
    match conn {
        DbConnection::Sqlite(c) if depth.is_none() => {
            AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE").map_err(fail::<E>)?
        }
        _ => Transactions::begin_transaction(conn).map_err(fail::<E>)?,
    }
    match work(conn) {
        Ok(value) => {
            Transactions::commit_transaction(conn).map_err(fail::<E>)?;
            Ok(value)
        }
        Err(err) => {
            Transactions::rollback_transaction(conn).map_err(fail::<E>)?;
            Err(err)
        }
    }
}
