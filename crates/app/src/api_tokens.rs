//! API tokens: a user creates, names, lists and revokes their own tokens for
//! one tenant; a token carries the user's role in that tenant (never more),
//! expires (default 90 days, at most a year), is shown once and stored as a
//! hash. Tenant administrators see and revoke their members' tokens. And the
//! first answers to writes sent with an `Idempotency-Key`, kept 24 hours.

use chrono::NaiveDateTime;
use relais_domain::{ApiTokenId, AuditAction, Permission};
use relais_persistence::TenantScope;
use relais_persistence::models::api_tokens::{self, ApiToken, NewApiToken, StoredAnswer, TokenHolder};
use serde_json::json;

use crate::error::{AppError, AppResult};
use crate::{Actor, App, FieldErrors, tokens};

/// The prefix of every token (so a leaked one is recognisable in a scan).
pub const TOKEN_PREFIX: &str = "rls_";
/// Days a token lives unless asked otherwise.
pub const DEFAULT_LIFETIME_DAYS: u32 = 90;
/// The longest a token may live, in days.
pub const MAX_LIFETIME_DAYS: u32 = 365;
/// Longest token name, in characters.
pub const NAME_MAX: usize = 100;
/// How long the first answer to an idempotent write is kept.
pub const IDEMPOTENCY_HOURS: i64 = 24;

/// A new token: its record, and the secret, shown once.
#[derive(Debug, Clone)]
pub struct CreatedToken {
    /// The token as listed.
    pub token: ApiToken,
    /// The secret to give the program (`rls_…`); never stored, never shown again.
    pub secret: String,
}

/// Creates a token for the actor in their tenant, living `lifetime_days`
/// (default 90, at most 365). Audited `api_token.created`.
pub async fn create_token(
    app: &App,
    actor: &Actor,
    name: String,
    lifetime_days: Option<u32>,
) -> AppResult<CreatedToken> {
    let member = actor.as_member()?;
    let mut errors = FieldErrors::new();
    let name = name.trim().to_owned();
    if name.is_empty() {
        errors.add("name", "error-required");
    } else if name.chars().count() > NAME_MAX {
        errors.add("name", "error-too-long");
    }
    let days = lifetime_days.unwrap_or(DEFAULT_LIFETIME_DAYS);
    if days == 0 || days > MAX_LIFETIME_DAYS {
        errors.add("lifetime_days", "api-error-lifetime");
    }
    errors.into_result()?;
    let (scope, user) = (member.scope, member.user_id);
    let secret = format!("{TOKEN_PREFIX}{}", tokens::random_token());
    let hash = tokens::digest(&secret);
    let token = app
        .write(actor, move |tx| {
            let at = tx.at();
            let expires_at = at + chrono::Duration::days(i64::from(days));
            let new = NewApiToken { token_hash: &hash, user_id: user, name: &name, at, expires_at };
            let token = api_tokens::create(tx.conn(), &scope, &new)?;
            tx.audit(
                Some(&scope),
                AuditAction::ApiTokenCreated,
                user,
                json!({ "token_id": token.id, "expires_at": token.expires_at }),
            )?;
            Ok(token)
        })
        .await?;
    Ok(CreatedToken { token, secret })
}

/// The tokens of the actor's tenant they may see: their own, or — for a
/// tenant administrator (`member:manage`) asking for them — every member's.
pub async fn list_tokens(app: &App, actor: &Actor, every_member: bool) -> AppResult<Vec<ApiToken>> {
    let member = actor.as_member()?;
    if every_member {
        member.require(Permission::MemberManage)?;
    }
    let (scope, user) = (member.scope, (!every_member).then_some(member.user_id));
    app.read(move |conn| Ok(api_tokens::list(conn, &scope, user, 200)?)).await
}

/// Revokes a token of the actor's tenant: their own, or any member's for a
/// tenant administrator. It answers 401 from the next call on. A second
/// revocation changes nothing. Audited `api_token.revoked`.
pub async fn revoke_token(app: &App, actor: &Actor, id: ApiTokenId) -> AppResult<()> {
    let member = actor.as_member()?.clone();
    app.write(actor, move |tx| {
        let scope = member.scope;
        let token = api_tokens::find(tx.conn(), &scope, id)?;
        if token.user_id != member.user_id {
            member.require(Permission::MemberManage)?;
        }
        let at = tx.at();
        if api_tokens::revoke(tx.conn(), &scope, id, member.user_id, at)? {
            tx.audit(
                Some(&scope),
                AuditAction::ApiTokenRevoked,
                token.user_id,
                json!({ "token_id": id, "by_owner": token.user_id == member.user_id }),
            )?;
        }
        Ok(())
    })
    .await
}

/// Who a presented secret acts for, if the token is live and its member
/// still active; records the use (at most once a minute).
pub async fn authenticate(app: &App, secret: &str) -> AppResult<Option<(TokenHolder, TenantScope)>> {
    let well_formed = secret.strip_prefix(TOKEN_PREFIX).is_some_and(tokens::looks_like_token);
    if !well_formed {
        return Ok(None);
    }
    let (hash, now) = (tokens::digest(secret), app.now());
    let found = app.read(move |conn| Ok(api_tokens::authenticate(conn, &hash, now)?)).await?;
    if let Some((holder, _)) = &found
        && holder.last_used_at.is_none_or(|last| now - last >= chrono::Duration::minutes(1))
    {
        let holder = holder.clone();
        app.db().write(move |conn| api_tokens::touch(conn, &holder, now)).await.map_err(AppError::from)?;
    }
    Ok(found)
}

/// The first answer kept for a write with this key by this token, if any
/// (kept [`IDEMPOTENCY_HOURS`]).
pub async fn kept_answer(app: &App, token: ApiTokenId, key: String) -> AppResult<Option<StoredAnswer>> {
    let since = app.now() - chrono::Duration::hours(IDEMPOTENCY_HOURS);
    app.read(move |conn| Ok(api_tokens::answer(conn, token, &key, since)?)).await
}

/// Reserves a key for a write about to run. Two concurrent writes with one
/// key: the second is [`relais_domain::Conflict::Duplicate`] (`idempotency_key`).
pub async fn reserve_key(app: &App, token: ApiTokenId, key: String, request_hash: String) -> AppResult<()> {
    let at: NaiveDateTime = app.now();
    let expired_before = at - chrono::Duration::hours(IDEMPOTENCY_HOURS);
    app.db()
        .write(move |conn| api_tokens::reserve(conn, token, &key, &request_hash, at, expired_before))
        .await
        .map_err(AppError::from)
}

/// Records the answer of a reserved write (kept [`IDEMPOTENCY_HOURS`]).
pub async fn finish_key(app: &App, token: ApiTokenId, key: String, status: u16, body: String) -> AppResult<()> {
    app.db()
        .write(move |conn| api_tokens::finish(conn, token, &key, i32::from(status), &body))
        .await
        .map_err(AppError::from)
}

/// Drops the reservation of a write that failed on the server's side.
pub async fn release_key(app: &App, token: ApiTokenId, key: String) -> AppResult<()> {
    app.db().write(move |conn| api_tokens::release(conn, token, &key)).await.map_err(AppError::from)
}
