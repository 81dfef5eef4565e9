//! `sessions`: server-side sessions. The cookie carries a random token; the
//! table keeps only its SHA-256, so reading the table does not let anyone
//! sign in. A session ends at its absolute expiry, after an idle period, at
//! sign-out, at a password change, or when its member is disabled.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::schema::sessions;
use crate::{DbConnection, PersistenceError};

/// A session as stored.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = sessions)]
pub struct Session {
    /// SHA-256 (hex) of the cookie token.
    pub id: String,
    /// The signed-in user.
    pub user_id: String,
    /// The tenant the user works in now, if any.
    pub active_tenant_id: Option<String>,
    /// The token every form of this session must carry.
    pub csrf_token: String,
    /// When the user signed in.
    pub created_at: NaiveDateTime,
    /// Last request (updated at most once a minute).
    pub last_seen_at: NaiveDateTime,
    /// Absolute end of the session.
    pub expires_at: NaiveDateTime,
}

/// Stores a new session.
pub fn create(conn: &mut DbConnection, session: &Session) -> Result<(), PersistenceError> {
    diesel::insert_into(sessions::table)
        .values((
            sessions::id.eq(&session.id),
            sessions::user_id.eq(&session.user_id),
            sessions::active_tenant_id.eq(&session.active_tenant_id),
            sessions::csrf_token.eq(&session.csrf_token),
            sessions::created_at.eq(session.created_at),
            sessions::last_seen_at.eq(session.last_seen_at),
            sessions::expires_at.eq(session.expires_at),
        ))
        .execute(conn)?;
    Ok(())
}

/// The session with this id (token hash), if it exists.
pub fn find(conn: &mut DbConnection, id: &str) -> Result<Option<Session>, PersistenceError> {
    Ok(sessions::table.find(id).select(Session::as_select()).first(conn).optional()?)
}

/// Records activity.
pub fn touch(conn: &mut DbConnection, id: &str, at: NaiveDateTime) -> Result<(), PersistenceError> {
    diesel::update(sessions::table.find(id)).set(sessions::last_seen_at.eq(at)).execute(conn)?;
    Ok(())
}

/// Changes the tenant the session works in.
pub fn set_active_tenant(conn: &mut DbConnection, id: &str, tenant_id: Option<&str>) -> Result<(), PersistenceError> {
    diesel::update(sessions::table.find(id)).set(sessions::active_tenant_id.eq(tenant_id)).execute(conn)?;
    Ok(())
}

/// Ends one session.
pub fn delete(conn: &mut DbConnection, id: &str) -> Result<(), PersistenceError> {
    diesel::delete(sessions::table.find(id)).execute(conn)?;
    Ok(())
}

/// Ends every session of a user; returns how many.
pub fn delete_for_user(conn: &mut DbConnection, user_id: &str) -> Result<usize, PersistenceError> {
    Ok(diesel::delete(sessions::table.filter(sessions::user_id.eq(user_id))).execute(conn)?)
}

/// Ends every session of a user working in one tenant; returns how many.
pub fn delete_for_user_in_tenant(
    conn: &mut DbConnection,
    user_id: &str,
    tenant_id: &str,
) -> Result<usize, PersistenceError> {
    Ok(diesel::delete(
        sessions::table.filter(sessions::user_id.eq(user_id)).filter(sessions::active_tenant_id.eq(tenant_id)),
    )
    .execute(conn)?)
}

/// Ends every session working in a tenant (the tenant was deactivated).
pub fn delete_for_tenant(conn: &mut DbConnection, tenant_id: &str) -> Result<usize, PersistenceError> {
    Ok(diesel::delete(sessions::table.filter(sessions::active_tenant_id.eq(tenant_id))).execute(conn)?)
}

/// Removes sessions past their absolute expiry or idle since before `idle_before`.
pub fn delete_expired(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    idle_before: NaiveDateTime,
) -> Result<usize, PersistenceError> {
    Ok(diesel::delete(sessions::table.filter(sessions::expires_at.le(now).or(sessions::last_seen_at.lt(idle_before))))
        .execute(conn)?)
}
