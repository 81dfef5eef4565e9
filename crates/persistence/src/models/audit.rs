//! `audit_events`: the append-only trail of sign-ins, changes and reads of
//! personal data. Rows are never updated or deleted (the database refuses).
//! Details hold ids and field names, never personal values. The only writer
//! is the application layer (`relais-app`'s `Tx::audit`).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use relais_domain::{ActorKind, AuditAction, AuditEventId, AuditTarget, TenantId, UserId};

use crate::schema::audit_events;
use crate::stored::{Stored, StoredOpt, text_columns};
use crate::{DbConnection, PersistenceError, TenantScope};

text_columns!(
    audit_events.id,
    audit_events.tenant_id,
    audit_events.actor_user_id,
    audit_events.action,
    audit_events.target_type,
    audit_events.actor_kind
);

/// An event to record.
#[derive(Debug, Clone)]
pub struct NewAuditEvent<'a> {
    /// The tenant concerned, or `None` for a network-level event.
    pub tenant: Option<&'a TenantScope>,
    /// Who acted (`None` for the system, an organisation's link or an anonymous attempt).
    pub actor_user_id: Option<UserId>,
    /// What kind of actor.
    pub actor_kind: ActorKind,
    /// What happened.
    pub action: AuditAction,
    /// The record's id, if any (its kind is the action's target).
    pub target_id: Option<String>,
    /// Extra facts as JSON (ids, changed field names; no personal values).
    pub details: serde_json::Value,
    /// The request that caused it, for correlation with traces.
    pub request_id: Option<&'a str>,
    /// When (the application clock).
    pub at: NaiveDateTime,
}

/// An event as stored.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = audit_events)]
pub struct AuditEvent {
    /// Id (UUIDv7 text, so ids sort by time).
    #[diesel(deserialize_as = Stored<AuditEventId, audit_events::id>)]
    pub id: AuditEventId,
    /// Tenant concerned, if any.
    #[diesel(deserialize_as = StoredOpt<TenantId, audit_events::tenant_id>)]
    pub tenant_id: Option<TenantId>,
    /// Actor, if any.
    #[diesel(deserialize_as = StoredOpt<UserId, audit_events::actor_user_id>)]
    pub actor_user_id: Option<UserId>,
    /// What happened.
    #[diesel(deserialize_as = Stored<AuditAction, audit_events::action>)]
    pub action: AuditAction,
    /// Target kind.
    #[diesel(deserialize_as = Stored<AuditTarget, audit_events::target_type>)]
    pub target_type: AuditTarget,
    /// Target id.
    pub target_id: Option<String>,
    /// JSON details.
    pub details: String,
    /// Request id.
    pub request_id: Option<String>,
    /// When (UTC).
    pub occurred_at: NaiveDateTime,
    /// What kind of actor (`None` on rows written before it was recorded).
    #[diesel(deserialize_as = StoredOpt<ActorKind, audit_events::actor_kind>)]
    pub actor_kind: Option<ActorKind>,
}

/// Appends one event.
pub fn record(conn: &mut DbConnection, event: &NewAuditEvent<'_>) -> Result<(), PersistenceError> {
    diesel::insert_into(audit_events::table)
        .values((
            audit_events::id.eq(AuditEventId::new().to_string()),
            audit_events::tenant_id.eq(event.tenant.map(TenantScope::key)),
            audit_events::actor_user_id.eq(event.actor_user_id.map(|u| u.to_string())),
            audit_events::actor_kind.eq(event.actor_kind.as_str()),
            audit_events::action.eq(event.action.as_str()),
            audit_events::target_type.eq(event.action.target().as_str()),
            audit_events::target_id.eq(event.target_id.as_deref()),
            audit_events::details.eq(event.details.to_string()),
            audit_events::request_id.eq(event.request_id),
            audit_events::occurred_at.eq(event.at),
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
    target: AuditTarget,
    target_id: &str,
    limit: i64,
) -> Result<Vec<AuditEvent>, PersistenceError> {
    Ok(audit_events::table
        .filter(audit_events::tenant_id.eq(scope.key()))
        .filter(audit_events::target_type.eq(target.as_str()))
        .filter(audit_events::target_id.eq(target_id))
        .order(audit_events::occurred_at.desc())
        .limit(limit)
        .select(AuditEvent::as_select())
        .load(conn)?)
}
