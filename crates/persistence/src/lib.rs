#![doc = include_str!("../README.md")]

mod connection;
mod db;
mod error;
pub mod introspection;
pub mod migrations;
pub mod models;
pub mod schema;
mod scope;
pub mod stored;
mod time;

pub use connection::{Backend, ConnectionManager, DatabaseUrl, DbConnection, SqliteSettings};
pub use db::{Db, PoolSettings, PooledConnection, write_tx};
pub use error::{PersistenceError, duplicate_of};
pub use scope::TenantScope;
pub use time::now;
