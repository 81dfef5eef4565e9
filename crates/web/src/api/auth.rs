//! Who calls the API: `Authorization: Bearer rls_…`. The token is checked on
//! every call (live, its member active in an active tenant: a revoked token
//! or a disabled member answers 401 at once), its role's permissions come
//! from the same Casbin policy as the pages, and each route's required
//! permission is enforced by [`guard`]. Calls are rate-limited per token.

use std::num::NonZeroU32;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::header::AUTHORIZATION;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock as _, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use relais_app::{Actor, Member, Permissions};
use relais_domain::{ApiTokenId, Permission};
use relais_persistence::models::role_assignments;

use super::error::ApiError;
use crate::access::Access;
use crate::state::AppState;

/// The checked caller of an API route.
#[derive(Debug, Clone)]
pub(crate) struct ApiContext {
    /// The member the token acts for, with their role's permissions.
    pub(crate) member: Member,
    /// The token.
    pub(crate) token_id: ApiTokenId,
    /// The request id.
    pub(crate) request_id: String,
}

impl ApiContext {
    /// The actor of a command run for this call.
    pub(crate) fn actor(&self) -> Actor {
        Actor::member(self.member.clone(), self.request_id.clone())
    }
}

/// Calls allowed per token: a sustained rate per minute and a burst.
#[derive(Debug, Clone, Copy)]
pub struct RateLimit {
    /// Calls per minute, sustained.
    pub per_minute: u32,
    /// Calls allowed at once above that.
    pub burst: u32,
}

/// The limiter shared by every API route of one process.
pub(crate) struct Limiter {
    limiter: DefaultKeyedRateLimiter<ApiTokenId>,
}

impl Limiter {
    pub(crate) fn new(limit: RateLimit) -> Arc<Self> {
        let per_minute = NonZeroU32::new(limit.per_minute.max(1)).unwrap_or(NonZeroU32::MIN);
        let burst = NonZeroU32::new(limit.burst.max(1)).unwrap_or(NonZeroU32::MIN);
        Arc::new(Self { limiter: RateLimiter::keyed(Quota::per_minute(per_minute).allow_burst(burst)) })
    }

    /// `Err(seconds to wait)` when the token is over its quota.
    fn check(&self, token: ApiTokenId) -> Result<(), u64> {
        self.limiter
            .check_key(&token)
            .map_err(|not_until| not_until.wait_time_from(DefaultClock::default().now()).as_secs().max(1))
    }
}

fn bearer(request: &Request) -> Option<String> {
    let value = request.headers().get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim().to_owned())
}

/// Enforces a route's [`Access`] for a token: 401 without a live token, 403
/// when its role lacks the permission, 429 over the rate limit.
pub(crate) async fn guard(
    State((app, access)): State<(AppState, Access)>,
    mut request: Request,
    next: Next,
) -> Response {
    match check(&app, access, &mut request).await {
        Ok(()) => next.run(request).await,
        Err(err) => err.into_response(),
    }
}

async fn check(app: &AppState, access: Access, request: &mut Request) -> Result<(), ApiError> {
    let permission: Permission = match access {
        Access::Public => return Ok(()),
        Access::Api(permission) => permission,
        _ => return Err(ApiError::unauthenticated()),
    };
    let secret = bearer(request).ok_or_else(ApiError::unauthenticated)?;
    let (holder, scope) =
        relais_app::api_tokens::authenticate(&app.core, &secret).await?.ok_or_else(ApiError::unauthenticated)?;
    app.limiter.check(holder.token_id).map_err(ApiError::rate_limited)?;
    let version =
        app.db.run(role_assignments::version).await.map_err(|e| ApiError::from(relais_app::AppError::from(e)))?;
    app.authz.refresh(version).await;
    let (user, tenant) = (holder.user_id.to_string(), holder.tenant_id.to_string());
    let permissions = Permissions::from_fn(|p| app.authz.is_allowed(&user, &tenant, p));
    if !permissions.has(permission) {
        return Err(ApiError::from(relais_app::AppError::Forbidden));
    }
    let span = tracing::Span::current();
    span.record("tenant_id", tenant.as_str());
    span.record("user_id", user.as_str());
    let request_id = request.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let member = Member { user_id: holder.user_id, scope, role: holder.role, permissions };
    request.extensions_mut().insert(ApiContext { member, token_id: holder.token_id, request_id });
    Ok(())
}
