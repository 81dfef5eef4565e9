//! `audit_events`: the append-only trail of sign-ins, changes and reads of
//! personal data. Rows are never updated or deleted (the database refuses).
//! Details hold ids and field names, never personal values.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use uuid::Uuid;

use crate::schema::audit_events;
use crate::{DbConnection, PersistenceError, TenantScope, now};

/// An event to record.
#[derive(Debug, Clone)]
pub struct NewAuditEvent<'a> {
    /// The tenant concerned, or `None` for a network-level event.
    pub tenant: Option<&'a TenantScope>,
    /// Who acted (`None` for the system or an anonymous attempt).
    pub actor_user_id: Option<&'a str>,
    /// What happened, as a dotted code (`tenant.created`, `auth.sign_in_failed`).
    pub action: &'a str,
    /// The kind of record concerned (`tenant`, `user`, `beneficiary` …).
    pub target_type: &'a str,
    /// The record's id, if any.
    pub target_id: Option<&'a str>,
    /// Extra facts as JSON (ids, changed field names; no personal values).
    pub details: serde_json::Value,
    /// The request that caused it, for correlation with traces.
    pub request_id: Option<&'a str>,
}

/// An event as stored.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = audit_events)]
pub struct AuditEvent {
    /// Id (UUIDv7 text, so ids sort by time).
    pub id: String,
    /// Tenant concerned, if any.
    pub tenant_id: Option<String>,
    /// Actor, if any.
    pub actor_user_id: Option<String>,
    /// Action code.
    pub action: String,
    /// Target kind.
    pub target_type: String,
    /// Target id.
    pub target_id: Option<String>,
    /// JSON details.
    pub details: String,
    /// Request id.
    pub request_id: Option<String>,
    /// When (UTC).
    pub occurred_at: NaiveDateTime,
}

/// Appends one event.
pub fn record(conn: &mut DbConnection, event: &NewAuditEvent<'_>) -> Result<(), PersistenceError> {
    diesel::insert_into(audit_events::table)
        .values((
            audit_events::id.eq(Uuid::now_v7().to_string()),
            audit_events::tenant_id.eq(event.tenant.map(TenantScope::key)),
            audit_events::actor_user_id.eq(event.actor_user_id),
            audit_events::action.eq(event.action),
            audit_events::target_type.eq(event.target_type),
            audit_events::target_id.eq(event.target_id),
            audit_events::details.eq(event.details.to_string()),
            audit_events::request_id.eq(event.request_id),
            audit_events::occurred_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// The most recent events of a tenant, newest first.
pub fn list_for_tenant(
    conn: &mut DbConnection,
    scope: &TenantScope,
    limit: i64,
) -> Result<Vec<AuditEvent>, PersistenceError> {
    Ok(audit_events::table
        .filter(audit_events::tenant_id.eq(scope.key()))
        .order(audit_events::occurred_at.desc())
        .limit(limit)
        .select(AuditEvent::as_select())
        .load(conn)?)
}

/// The most recent network-level events (no tenant), newest first.
pub fn list_network(conn: &mut DbConnection, limit: i64) -> Result<Vec<AuditEvent>, PersistenceError> {
    Ok(audit_events::table
        .filter(audit_events::tenant_id.is_null())
        .order(audit_events::occurred_at.desc())
        .limit(limit)
        .select(AuditEvent::as_select())
        .load(conn)?)
}

/// The most recent events about one record of the scope's tenant (who viewed
/// or changed it), newest first.
pub fn list_for_target(
    conn: &mut DbConnection,
    scope: &TenantScope,
    target_type: &str,
    target_id: &str,
    limit: i64,
) -> Result<Vec<AuditEvent>, PersistenceError> {
    Ok(audit_events::table
        .filter(audit_events::tenant_id.eq(scope.key()))
        .filter(audit_events::target_type.eq(target_type))
        .filter(audit_events::target_id.eq(target_id))
        .order(audit_events::occurred_at.desc())
        .limit(limit)
        .select(AuditEvent::as_select())
        .load(conn)?)
}
