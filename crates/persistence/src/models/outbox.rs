//! `email_outbox`: e-mails waiting to be sent, sent, or given up on.
//!
//! An e-mail is written here by [`enqueue`] in the same transaction as the
//! change that caused it, so that the change and its e-mail are committed
//! together or not at all. A worker then [`claim_due`]s rows, sends them and
//! records the outcome with [`mark_sent`], [`mark_retry`] or [`mark_dead`].
//!
//! The outbox is a network-level table: `tenant_id` says which tenant an
//! e-mail was sent for (nullable: password resets belong to no tenant), but
//! the worker reads every row.
//!
//! Claiming is the one dialect difference: on PostgreSQL the due rows are
//! selected `FOR UPDATE SKIP LOCKED`, so several workers on one database never
//! claim the same row; on SQLite the `IMMEDIATE` write transaction serialises
//! claimers. Either way a claimed row carries a lease (`locked_until`) and is
//! not claimed again before the lease ends; a worker that dies mid-batch only
//! delays its rows until then.

use std::fmt;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use relais_domain::Language;
use uuid::Uuid;

use crate::schema::email_outbox;
use crate::{DbConnection, PersistenceError, TenantScope, now, write_tx};

/// Where an e-mail stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OutboxStatus {
    /// Waiting for its first or next attempt.
    Pending,
    /// Accepted by the mail server (or written by the file transport).
    Sent,
    /// Given up on: a permanent failure, or too many attempts. Kept, with the
    /// reason, for an operator to look at.
    Dead,
}

impl OutboxStatus {
    /// The code stored in `email_outbox.status`.
    pub fn as_str(&self) -> &'static str {
        match self {
            OutboxStatus::Pending => "pending",
            OutboxStatus::Sent => "sent",
            OutboxStatus::Dead => "dead",
        }
    }

    /// Reads a stored code; `None` for anything else.
    pub fn parse(code: &str) -> Option<Self> {
        match code {
            "pending" => Some(OutboxStatus::Pending),
            "sent" => Some(OutboxStatus::Sent),
            "dead" => Some(OutboxStatus::Dead),
            _ => None,
        }
    }
}

impl fmt::Display for OutboxStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An e-mail to put in the outbox, already rendered.
#[derive(Clone)]
pub struct NewEmail<'a> {
    /// The tenant the e-mail is sent for, if any.
    pub tenant: Option<&'a TenantScope>,
    /// Identifies the cause of the e-mail (e.g. `invitation:<id>`); a second
    /// e-mail with the same key is not queued.
    pub idempotency_key: &'a str,
    /// The recipient's address (already validated).
    pub recipient: &'a str,
    /// The language the e-mail is written in.
    pub language: Language,
    /// The template it was rendered from (for logs and the operator's list).
    pub template: &'a str,
    /// Subject line.
    pub subject: &'a str,
    /// Plain-text body.
    pub body_text: &'a str,
    /// HTML body.
    pub body_html: &'a str,
}

impl fmt::Debug for NewEmail<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // No recipient and no bodies in logs.
        f.debug_struct("NewEmail")
            .field("tenant", &self.tenant.map(TenantScope::tenant_id))
            .field("idempotency_key", &self.idempotency_key)
            .field("language", &self.language)
            .field("template", &self.template)
            .finish_non_exhaustive()
    }
}

/// An outbox row.
#[derive(Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = email_outbox)]
pub struct OutboxEmail {
    /// Id (UUIDv7 text).
    pub id: String,
    /// Tenant the e-mail was sent for, if any.
    pub tenant_id: Option<String>,
    /// Identifies the cause; unique.
    pub idempotency_key: String,
    /// The `Message-ID` header, fixed at enqueue and the same on every attempt.
    pub message_id: String,
    /// Recipient address.
    pub recipient: String,
    /// Language code (see [`Language`]).
    pub language: String,
    /// Template name.
    pub template: String,
    /// Subject line.
    pub subject: String,
    /// Plain-text body.
    pub body_text: String,
    /// HTML body.
    pub body_html: String,
    /// Status code (see [`OutboxStatus`]).
    pub status: String,
    /// Delivery attempts made so far.
    pub attempts: i32,
    /// Not to be attempted before this time (UTC).
    pub next_attempt_at: NaiveDateTime,
    /// Claimed by a worker until this time (UTC), if claimed.
    pub locked_until: Option<NaiveDateTime>,
    /// Why the last attempt failed, if it did.
    pub last_error: Option<String>,
    /// When it was queued (UTC).
    pub created_at: NaiveDateTime,
    /// When it was sent (UTC), if it was.
    pub sent_at: Option<NaiveDateTime>,
}

impl OutboxEmail {
    /// The typed status; `None` if the stored code is unknown.
    pub fn status(&self) -> Option<OutboxStatus> {
        OutboxStatus::parse(&self.status)
    }
}

impl fmt::Debug for OutboxEmail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Neither the recipient nor the bodies (which carry links with tokens).
        f.debug_struct("OutboxEmail")
            .field("id", &self.id)
            .field("tenant_id", &self.tenant_id)
            .field("message_id", &self.message_id)
            .field("language", &self.language)
            .field("template", &self.template)
            .field("status", &self.status)
            .field("attempts", &self.attempts)
            .field("next_attempt_at", &self.next_attempt_at)
            .field("locked_until", &self.locked_until)
            .field("last_error", &self.last_error)
            .field("created_at", &self.created_at)
            .field("sent_at", &self.sent_at)
            .finish_non_exhaustive()
    }
}

#[derive(Insertable)]
#[diesel(table_name = email_outbox)]
struct OutboxRow<'a> {
    id: &'a str,
    tenant_id: Option<String>,
    idempotency_key: &'a str,
    message_id: &'a str,
    recipient: &'a str,
    language: &'a str,
    template: &'a str,
    subject: &'a str,
    body_text: &'a str,
    body_html: &'a str,
    status: &'a str,
    attempts: i32,
    next_attempt_at: NaiveDateTime,
    locked_until: Option<NaiveDateTime>,
    last_error: Option<&'a str>,
    created_at: NaiveDateTime,
    sent_at: Option<NaiveDateTime>,
}

/// The `Message-ID` of the outbox row `id`: fixed when the e-mail is queued,
/// so every attempt carries the same one and a receiver can drop a
/// duplicate delivery.
pub fn message_id_for(id: &str) -> String {
    format!("<{id}@relais>")
}

/// Queues an e-mail and returns its outbox id, due at once.
///
/// If an e-mail with the same idempotency key is already queued (whatever
/// its status), nothing is inserted and the existing id is returned. The key
/// is looked up before inserting rather than by catching a unique
/// violation, which would abort a PostgreSQL transaction: so this runs
/// unchanged inside the caller's transaction. Two transactions racing to
/// queue the same key at the same instant still cannot both insert: the
/// second gets [`PersistenceError::Conflict`] from the unique index.
pub fn enqueue(conn: &mut DbConnection, email: &NewEmail<'_>) -> Result<String, PersistenceError> {
    let existing = email_outbox::table
        .filter(email_outbox::idempotency_key.eq(email.idempotency_key))
        .select(email_outbox::id)
        .first::<String>(conn)
        .optional()?;
    if let Some(id) = existing {
        return Ok(id);
    }
    let id = Uuid::now_v7().to_string();
    let message_id = message_id_for(&id);
    let at = now();
    let row = OutboxRow {
        id: &id,
        tenant_id: email.tenant.map(TenantScope::key),
        idempotency_key: email.idempotency_key,
        message_id: &message_id,
        recipient: email.recipient,
        language: email.language.as_str(),
        template: email.template,
        subject: email.subject,
        body_text: email.body_text,
        body_html: email.body_html,
        status: OutboxStatus::Pending.as_str(),
        attempts: 0,
        next_attempt_at: at,
        locked_until: None,
        last_error: None,
        created_at: at,
        sent_at: None,
    };
    diesel::insert_into(email_outbox::table).values(&row).execute(conn)?;
    Ok(id)
}

/// Claims up to `limit` pending e-mails due at `now` and not leased to
/// another worker, oldest due first, and leases them until `now + lease`.
///
/// Runs in its own write transaction (see [`write_tx`]). On PostgreSQL the
/// rows are selected `FOR UPDATE SKIP LOCKED`: a concurrent claimer skips
/// rows being claimed rather than waiting for them or claiming them too, and
/// once this transaction commits the lease keeps them out of later claims.
/// On SQLite the `IMMEDIATE` transaction lets one claimer at a time in.
pub fn claim_due(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    limit: i64,
    lease: chrono::Duration,
) -> Result<Vec<OutboxEmail>, PersistenceError> {
    let until = now
        .checked_add_signed(lease)
        .ok_or_else(|| PersistenceError::Config(format!("an outbox lease of {lease} is out of range")))?;
    write_tx(conn, |conn| {
        // The same query on both backends; PostgreSQL adds the row locks,
        // which diesel offers only on its own connection type.
        macro_rules! due {
            () => {
                email_outbox::table
                    .filter(email_outbox::status.eq(OutboxStatus::Pending.as_str()))
                    .filter(email_outbox::next_attempt_at.le(now))
                    .filter(email_outbox::locked_until.is_null().or(email_outbox::locked_until.le(now)))
                    .order((email_outbox::next_attempt_at.asc(), email_outbox::id.asc()))
                    .limit(limit)
                    .select(email_outbox::id)
            };
        }
        let ids: Vec<String> = match conn {
            DbConnection::Postgres(pg) => due!().for_update().skip_locked().load(pg)?,
            DbConnection::Sqlite(_) => due!().load(conn)?,
        };
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        diesel::update(email_outbox::table.filter(email_outbox::id.eq_any(&ids)))
            .set(email_outbox::locked_until.eq(Some(until)))
            .execute(conn)?;
        Ok(email_outbox::table
            .filter(email_outbox::id.eq_any(&ids))
            .order((email_outbox::next_attempt_at.asc(), email_outbox::id.asc()))
            .select(OutboxEmail::as_select())
            .load(conn)?)
    })
}

/// Records that a pending e-mail was sent at `at`: one more attempt, lease
/// released. `NotFound` if the row is not pending any more (another worker
/// took it over after this worker's lease ran out, and recorded it first).
pub fn mark_sent(conn: &mut DbConnection, id: &str, at: NaiveDateTime) -> Result<(), PersistenceError> {
    let updated = diesel::update(pending(id))
        .set((
            email_outbox::status.eq(OutboxStatus::Sent.as_str()),
            email_outbox::attempts.eq(email_outbox::attempts + 1),
            email_outbox::sent_at.eq(Some(at)),
            email_outbox::locked_until.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
    found(updated)
}

/// Records a failed attempt to be retried at `next_attempt_at`: the attempt
/// count becomes `attempts`, the reason is kept, the lease is released.
/// `NotFound` if the row is not pending.
pub fn mark_retry(
    conn: &mut DbConnection,
    id: &str,
    attempts: i32,
    next_attempt_at: NaiveDateTime,
    error: &str,
) -> Result<(), PersistenceError> {
    let updated = diesel::update(pending(id))
        .set((
            email_outbox::attempts.eq(attempts),
            email_outbox::next_attempt_at.eq(next_attempt_at),
            email_outbox::last_error.eq(Some(error)),
            email_outbox::locked_until.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
    found(updated)
}

/// Gives up on an e-mail: status `dead`, the attempt count becomes
/// `attempts`, the reason is kept, the lease is released. `NotFound` if the
/// row is not pending.
pub fn mark_dead(conn: &mut DbConnection, id: &str, attempts: i32, error: &str) -> Result<(), PersistenceError> {
    let updated = diesel::update(pending(id))
        .set((
            email_outbox::status.eq(OutboxStatus::Dead.as_str()),
            email_outbox::attempts.eq(attempts),
            email_outbox::last_error.eq(Some(error)),
            email_outbox::locked_until.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
    found(updated)
}

/// The most recently queued e-mails, newest first.
pub fn list_recent(conn: &mut DbConnection, limit: i64) -> Result<Vec<OutboxEmail>, PersistenceError> {
    Ok(email_outbox::table
        .order((email_outbox::created_at.desc(), email_outbox::id.desc()))
        .limit(limit)
        .select(OutboxEmail::as_select())
        .load(conn)?)
}

/// One e-mail by id.
pub fn find(conn: &mut DbConnection, id: &str) -> Result<OutboxEmail, PersistenceError> {
    Ok(email_outbox::table.find(id).select(OutboxEmail::as_select()).first(conn)?)
}

type PendingRow<'a> = diesel::dsl::Filter<
    diesel::dsl::Find<email_outbox::table, &'a str>,
    diesel::dsl::Eq<email_outbox::status, &'static str>,
>;

fn pending(id: &str) -> PendingRow<'_> {
    email_outbox::table.find(id).filter(email_outbox::status.eq(OutboxStatus::Pending.as_str()))
}

fn found(updated: usize) -> Result<(), PersistenceError> {
    if updated == 0 { Err(PersistenceError::NotFound) } else { Ok(()) }
}
