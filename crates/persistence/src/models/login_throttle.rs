//! `login_throttle`: failed sign-ins counted per key (an account's e-mail
//! hash or a client address) in a time window, with a temporary lock.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use crate::schema::login_throttle;
use crate::{DbConnection, PersistenceError};

/// The throttling rule for one kind of key.
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    /// Failures allowed within the window before the lock.
    pub max_failures: i32,
    /// The window in which failures are counted.
    pub window: Duration,
    /// How long the key stays locked once the limit is reached.
    pub lock_for: Duration,
}

/// Until when the key is locked, if it is.
pub fn locked_until(
    conn: &mut DbConnection,
    key: &str,
    now: NaiveDateTime,
) -> Result<Option<NaiveDateTime>, PersistenceError> {
    let until: Option<Option<NaiveDateTime>> =
        login_throttle::table.find(key).select(login_throttle::locked_until).first(conn).optional()?;
    Ok(until.flatten().filter(|t| *t > now))
}

/// Counts one failure; returns the lock end if this failure reached the limit.
pub fn record_failure(
    conn: &mut DbConnection,
    key: &str,
    limit: Limit,
    now: NaiveDateTime,
) -> Result<Option<NaiveDateTime>, PersistenceError> {
    let row: Option<(i32, NaiveDateTime)> = login_throttle::table
        .find(key)
        .select((login_throttle::failures, login_throttle::window_started_at))
        .first(conn)
        .optional()?;
    let (failures, started) = match row {
        Some((failures, started)) if started + limit.window > now => (failures + 1, started),
        _ => (1, now),
    };
    let lock = (failures >= limit.max_failures).then(|| now + limit.lock_for);
    let (failures, started) = if lock.is_some() { (0, now) } else { (failures, started) };
    if row.is_some() {
        diesel::update(login_throttle::table.find(key))
            .set((
                login_throttle::failures.eq(failures),
                login_throttle::window_started_at.eq(started),
                login_throttle::locked_until.eq(lock),
            ))
            .execute(conn)?;
    } else {
        diesel::insert_into(login_throttle::table)
            .values((
                login_throttle::key.eq(key),
                login_throttle::failures.eq(failures),
                login_throttle::window_started_at.eq(started),
                login_throttle::locked_until.eq(lock),
            ))
            .execute(conn)?;
    }
    Ok(lock)
}

/// Forgets a key's failures (after a successful sign-in or a password reset).
pub fn clear(conn: &mut DbConnection, key: &str) -> Result<(), PersistenceError> {
    diesel::delete(login_throttle::table.find(key)).execute(conn)?;
    Ok(())
}
