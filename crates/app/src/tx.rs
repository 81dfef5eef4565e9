//! The transaction a command runs in: the connection, who acts, the time
//! of the change, and the only way to write audit events.

use chrono::{NaiveDate, NaiveDateTime};
use relais_domain::{ActorKind, AuditAction, UserId};
use relais_persistence::models::audit;
use relais_persistence::{DbConnection, TenantScope};

use crate::actor::{Acting, Actor};
use crate::error::AppResult;
use crate::{AppSettings, Subscribers};

/// One command's write transaction. Everything done through it commits
/// together (the change, its audit rows, its e-mails) or not at all.
pub struct Tx<'a> {
    conn: &'a mut DbConnection,
    actor: &'a Actor,
    at: NaiveDateTime,
    settings: &'a AppSettings,
    subscribers: &'a Subscribers,
}

impl<'a> Tx<'a> {
    pub(crate) fn new(
        conn: &'a mut DbConnection,
        actor: &'a Actor,
        at: NaiveDateTime,
        settings: &'a AppSettings,
        subscribers: &'a Subscribers,
    ) -> Self {
        Self { conn, actor, at, settings, subscribers }
    }

    /// The connection, inside the transaction.
    pub fn conn(&mut self) -> &mut DbConnection {
        self.conn
    }

    /// Who acts.
    pub fn actor(&self) -> &Actor {
        self.actor
    }

    /// The time of this change (the application clock, read once per command).
    pub fn at(&self) -> NaiveDateTime {
        self.at
    }

    /// Today's date (UTC) at the time of this change.
    pub fn today(&self) -> NaiveDate {
        self.at.date()
    }

    /// The application's settings (public address for links …).
    pub fn settings(&self) -> &AppSettings {
        self.settings
    }

    pub(crate) fn subscribers(&self) -> &'a Subscribers {
        self.subscribers
    }

    /// Records an audit event about one record (its kind is the action's
    /// target): who acts, when and from which request come from this
    /// transaction. `tenant` is the tenant whose log it belongs to (`None`
    /// for the network log). Details hold ids and codes, never personal values.
    pub fn audit(
        &mut self,
        tenant: Option<&TenantScope>,
        action: AuditAction,
        target_id: impl ToString,
        details: serde_json::Value,
    ) -> AppResult<()> {
        self.record(tenant, action, Some(target_id.to_string()), details)
    }

    /// Records an audit event that is about no single record (a failed sign-in).
    pub fn audit_untargeted(
        &mut self,
        tenant: Option<&TenantScope>,
        action: AuditAction,
        details: serde_json::Value,
    ) -> AppResult<()> {
        self.record(tenant, action, None, details)
    }

    /// Records an audit event whose actor is a user this command has just
    /// identified although the request came in anonymous (a sign-in, a reset
    /// or invitation link): the event names that user as its actor.
    pub fn audit_by_user(
        &mut self,
        user: UserId,
        tenant: Option<&TenantScope>,
        action: AuditAction,
        target_id: Option<String>,
        details: serde_json::Value,
    ) -> AppResult<()> {
        self.write_event(tenant, (Some(user), ActorKind::User), action, target_id, details)
    }

    fn record(
        &mut self,
        tenant: Option<&TenantScope>,
        action: AuditAction,
        target_id: Option<String>,
        mut details: serde_json::Value,
    ) -> AppResult<()> {
        // Who acted, when it is not a user: which job, which link.
        match (&self.actor.acting, details.as_object_mut()) {
            (Acting::System(job), Some(map)) => {
                map.insert("job".into(), job.as_str().into());
            }
            (Acting::ExternalLink(_), Some(map)) => {
                map.insert("via".into(), "external_link".into());
            }
            _ => {}
        }
        let by = (self.actor.user_id(), self.actor.kind());
        self.write_event(tenant, by, action, target_id, details)
    }

    /// The one write of an audit row: this request, this transaction's time.
    fn write_event(
        &mut self,
        tenant: Option<&TenantScope>,
        (actor_user_id, actor_kind): (Option<UserId>, ActorKind),
        action: AuditAction,
        target_id: Option<String>,
        details: serde_json::Value,
    ) -> AppResult<()> {
        let event = audit::NewAuditEvent {
            tenant,
            actor_user_id,
            actor_kind,
            action,
            target_id,
            details,
            request_id: self.actor.request_id.as_deref(),
            at: self.at,
        };
        audit::record(self.conn, &event)?;
        Ok(())
    }
}
