//! `api_tokens` and `api_idempotency`: a user's credentials for the JSON API
//! in one tenant, and the first answers to writes sent with an
//! `Idempotency-Key`. Only the SHA-256 of a token is stored.
//!
//! A token works only while it is not revoked or expired **and** its user
//! is active **and** holds an active membership in an active tenant: the
//! lookup ([`authenticate`]) checks all of it in one query on every call, so
//! disabling a member or revoking a token answers 401 at once, on every
//! instance.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use relais_domain::{ApiTokenId, MembershipStatus, TenantId, TenantRole, UserId};

use crate::schema::{api_idempotency, api_tokens, memberships, tenants, users};
use crate::stored::{Stored, StoredOpt, text_columns};
use crate::{DbConnection, PersistenceError, TenantScope};

text_columns!(api_tokens.id, api_tokens.tenant_id, api_tokens.user_id, api_tokens.revoked_by);

/// A token as listed (never its secret).
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = api_tokens)]
pub struct ApiToken {
    /// Id.
    #[diesel(deserialize_as = Stored<ApiTokenId, api_tokens::id>)]
    pub id: ApiTokenId,
    /// The tenant it works in.
    #[diesel(deserialize_as = Stored<TenantId, api_tokens::tenant_id>)]
    pub tenant_id: TenantId,
    /// Its owner.
    #[diesel(deserialize_as = Stored<UserId, api_tokens::user_id>)]
    pub user_id: UserId,
    /// The owner's name for it.
    pub name: String,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Stops working.
    pub expires_at: NaiveDateTime,
    /// Last call made with it (updated at most once a minute).
    pub last_used_at: Option<NaiveDateTime>,
    /// Revoked, if it was.
    pub revoked_at: Option<NaiveDateTime>,
    /// Who revoked it.
    #[diesel(deserialize_as = StoredOpt<UserId, api_tokens::revoked_by>)]
    pub revoked_by: Option<UserId>,
}

impl ApiToken {
    /// Whether it still works at `now` (its member may still have been disabled).
    pub fn is_live(&self, now: NaiveDateTime) -> bool {
        self.revoked_at.is_none() && self.expires_at > now
    }
}

/// A new token.
#[derive(Debug, Clone)]
pub struct NewApiToken<'a> {
    /// SHA-256 (hex) of the secret.
    pub token_hash: &'a str,
    /// The owner.
    pub user_id: UserId,
    /// Its name.
    pub name: &'a str,
    /// Now.
    pub at: NaiveDateTime,
    /// Its end.
    pub expires_at: NaiveDateTime,
}

/// Stores a new token for a member of the scope's tenant.
pub fn create(
    conn: &mut DbConnection,
    scope: &TenantScope,
    new: &NewApiToken<'_>,
) -> Result<ApiToken, PersistenceError> {
    let id = ApiTokenId::new();
    diesel::insert_into(api_tokens::table)
        .values((
            api_tokens::id.eq(id.to_string()),
            api_tokens::token_hash.eq(new.token_hash),
            api_tokens::tenant_id.eq(scope.key()),
            api_tokens::user_id.eq(new.user_id.to_string()),
            api_tokens::name.eq(new.name),
            api_tokens::created_at.eq(new.at),
            api_tokens::expires_at.eq(new.expires_at),
        ))
        .execute(conn)?;
    find(conn, scope, id)
}

/// One token of the scope's tenant.
pub fn find(conn: &mut DbConnection, scope: &TenantScope, id: ApiTokenId) -> Result<ApiToken, PersistenceError> {
    Ok(api_tokens::table
        .filter(api_tokens::tenant_id.eq(scope.key()))
        .filter(api_tokens::id.eq(id.to_string()))
        .select(ApiToken::as_select())
        .first(conn)?)
}

/// The tokens of the scope's tenant — one user's, or every member's — newest first.
pub fn list(
    conn: &mut DbConnection,
    scope: &TenantScope,
    user: Option<UserId>,
    limit: i64,
) -> Result<Vec<ApiToken>, PersistenceError> {
    let mut query = api_tokens::table
        .filter(api_tokens::tenant_id.eq(scope.key()))
        .order((api_tokens::created_at.desc(), api_tokens::id.desc()))
        .limit(limit)
        .select(ApiToken::as_select())
        .into_boxed::<<DbConnection as diesel::Connection>::Backend>();
    if let Some(user) = user {
        query = query.filter(api_tokens::user_id.eq(user.to_string()));
    }
    Ok(query.load(conn)?)
}

/// Revokes a token of the scope's tenant (once: `false` if it already was).
pub fn revoke(
    conn: &mut DbConnection,
    scope: &TenantScope,
    id: ApiTokenId,
    by: UserId,
    at: NaiveDateTime,
) -> Result<bool, PersistenceError> {
    let changed = diesel::update(
        api_tokens::table
            .filter(api_tokens::tenant_id.eq(scope.key()))
            .filter(api_tokens::id.eq(id.to_string()))
            .filter(api_tokens::revoked_at.is_null()),
    )
    .set((api_tokens::revoked_at.eq(at), api_tokens::revoked_by.eq(by.to_string())))
    .execute(conn)?;
    Ok(changed == 1)
}

/// Who a live token acts for.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct TokenHolder {
    /// The token.
    #[diesel(deserialize_as = Stored<ApiTokenId, api_tokens::id>)]
    pub token_id: ApiTokenId,
    /// Its user.
    #[diesel(deserialize_as = Stored<UserId, api_tokens::user_id>)]
    pub user_id: UserId,
    /// The tenant it works in.
    #[diesel(deserialize_as = Stored<TenantId, api_tokens::tenant_id>)]
    pub tenant_id: TenantId,
    /// The user's role there now (a role change applies to the token at once).
    #[diesel(deserialize_as = Stored<TenantRole>)]
    pub role: TenantRole,
    /// Last use recorded.
    pub last_used_at: Option<NaiveDateTime>,
}

/// The holder of the token with this digest, if the token is live at `now`,
/// its user active and member of an active tenant. One indexed query.
pub fn authenticate(
    conn: &mut DbConnection,
    token_hash: &str,
    now: NaiveDateTime,
) -> Result<Option<(TokenHolder, TenantScope)>, PersistenceError> {
    let holder: Option<TokenHolder> = api_tokens::table
        .inner_join(users::table.on(users::id.eq(api_tokens::user_id)))
        .inner_join(tenants::table.on(tenants::id.eq(api_tokens::tenant_id)))
        .inner_join(
            memberships::table
                .on(memberships::tenant_id.eq(api_tokens::tenant_id).and(memberships::user_id.eq(api_tokens::user_id))),
        )
        .filter(api_tokens::token_hash.eq(token_hash))
        .filter(api_tokens::revoked_at.is_null())
        .filter(api_tokens::expires_at.gt(now))
        .filter(users::active.eq(true))
        .filter(tenants::active.eq(true))
        .filter(memberships::status.eq(MembershipStatus::Active.as_str()))
        .select((
            api_tokens::id,
            api_tokens::user_id,
            api_tokens::tenant_id,
            memberships::role,
            api_tokens::last_used_at,
        ))
        .first(conn)
        .optional()?;
    Ok(holder.map(|h| {
        let scope = TenantScope::member(h.tenant_id);
        (h, scope)
    }))
}

/// Records a use (at most once a minute, so calls do not all write).
pub fn touch(conn: &mut DbConnection, holder: &TokenHolder, at: NaiveDateTime) -> Result<(), PersistenceError> {
    if holder.last_used_at.is_some_and(|last| at - last < chrono::Duration::minutes(1)) {
        return Ok(());
    }
    diesel::update(api_tokens::table.filter(api_tokens::id.eq(holder.token_id.to_string())))
        .set(api_tokens::last_used_at.eq(at))
        .execute(conn)?;
    Ok(())
}

/// A stored first answer to a write.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct StoredAnswer {
    /// Digest of the first request (method, path, body).
    pub request_hash: String,
    /// Its status.
    pub status: i32,
    /// Its JSON body.
    pub body: String,
}

/// The first answer to a write with this key by this token, kept since `since`.
pub fn answer(
    conn: &mut DbConnection,
    token: ApiTokenId,
    key: &str,
    since: NaiveDateTime,
) -> Result<Option<StoredAnswer>, PersistenceError> {
    Ok(api_idempotency::table
        .filter(api_idempotency::token_id.eq(token.to_string()))
        .filter(api_idempotency::idempotency_key.eq(key))
        .filter(api_idempotency::created_at.ge(since))
        .select((api_idempotency::request_hash, api_idempotency::status, api_idempotency::body))
        .first(conn)
        .optional()?)
}

/// Reserves a key for a write about to run (replacing an expired answer
/// with the same key): status 0 until [`finish`] records the answer. A
/// second reservation of a live key is a typed duplicate (`idempotency_key`).
pub fn reserve(
    conn: &mut DbConnection,
    token: ApiTokenId,
    key: &str,
    request_hash: &str,
    at: NaiveDateTime,
    expired_before: NaiveDateTime,
) -> Result<(), PersistenceError> {
    diesel::delete(
        api_idempotency::table
            .filter(api_idempotency::token_id.eq(token.to_string()))
            .filter(api_idempotency::idempotency_key.eq(key))
            .filter(api_idempotency::created_at.lt(expired_before)),
    )
    .execute(conn)?;
    diesel::insert_into(api_idempotency::table)
        .values((
            api_idempotency::token_id.eq(token.to_string()),
            api_idempotency::idempotency_key.eq(key),
            api_idempotency::request_hash.eq(request_hash),
            api_idempotency::status.eq(0),
            api_idempotency::body.eq(""),
            api_idempotency::created_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Records the answer of a reserved write.
pub fn finish(
    conn: &mut DbConnection,
    token: ApiTokenId,
    key: &str,
    status: i32,
    body: &str,
) -> Result<(), PersistenceError> {
    diesel::update(
        api_idempotency::table
            .filter(api_idempotency::token_id.eq(token.to_string()))
            .filter(api_idempotency::idempotency_key.eq(key)),
    )
    .set((api_idempotency::status.eq(status), api_idempotency::body.eq(body)))
    .execute(conn)?;
    Ok(())
}

/// Drops a reservation whose write failed on the server's side (it may be tried again).
pub fn release(conn: &mut DbConnection, token: ApiTokenId, key: &str) -> Result<(), PersistenceError> {
    diesel::delete(
        api_idempotency::table
            .filter(api_idempotency::token_id.eq(token.to_string()))
            .filter(api_idempotency::idempotency_key.eq(key)),
    )
    .execute(conn)?;
    Ok(())
}

/// Forgets the answers kept before `before` (the daily sweep); returns how many.
pub fn forget_answers(conn: &mut DbConnection, before: NaiveDateTime) -> Result<usize, PersistenceError> {
    Ok(diesel::delete(api_idempotency::table.filter(api_idempotency::created_at.lt(before))).execute(conn)?)
}
