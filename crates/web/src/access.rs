//! Who may reach a route. Every route declares an [`Access`] in
//! `routes.rs`; the `guard` middleware built from it runs before the
//! handler and leaves the checked context ([`TenantContext`],
//! [`NetworkContext`]) for the handler to use.

use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use relais_app::{Acting, Actor, Member, Permissions};
use relais_domain::role::NETWORK_DOMAIN;
use relais_domain::{Permission, TenantId, UserId};
use relais_persistence::TenantScope;
use relais_persistence::models::memberships;

use crate::error::WebError;
use crate::state::AppState;
use crate::visitor::Visitor;

/// What a route requires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone (sign-in page, invitation links, health checks, static files).
    Public,
    /// Any signed-in user (home, account, tenant switch).
    SignedIn,
    /// A permission in the session's active tenant.
    Tenant(Permission),
    /// A permission in the network domain.
    Network(Permission),
    /// Only when serving the demo (`relais demo`); 404 otherwise.
    Demo,
    /// A JSON API route: an API token whose role has this permission in the
    /// token's tenant (checked by `api::auth::guard`, never by a session).
    Api(Permission),
}

/// The checked tenant context of a tenant route.
#[derive(Debug, Clone)]
pub struct TenantContext {
    /// The scope every query of this request uses.
    pub scope: TenantScope,
    /// The tenant's name.
    pub tenant_name: String,
    /// The user (as text, for the handlers not yet on typed ids).
    pub user_id: String,
    /// The member acting: user, tenant, role and what the role allows there.
    pub member: Member,
}

impl TenantContext {
    /// The actor of a command run for this request.
    pub fn actor(&self, visitor: &Visitor) -> Actor {
        Actor::member(self.member.clone(), visitor.request_id.clone())
    }
}

/// The checked context of a network route.
#[derive(Debug, Clone)]
pub struct NetworkContext {
    /// The user.
    pub user: UserId,
    /// What their network role allows.
    pub permissions: Permissions,
}

impl NetworkContext {
    /// The actor of a command run for this request.
    pub fn actor(&self, visitor: &Visitor) -> Actor {
        Actor::new(Acting::Network { user_id: self.user, permissions: self.permissions }, visitor.request_id.clone())
    }
}

/// Enforces a route's [`Access`].
pub async fn guard(State((app, access)): State<(AppState, Access)>, mut request: Request, next: Next) -> Response {
    match check(&app, access, &mut request).await {
        Ok(()) => next.run(request).await,
        Err(Denied::SignIn) => {
            if request.method() == Method::GET {
                Redirect::to("/login").into_response()
            } else {
                WebError::Forbidden.into_response()
            }
        }
        Err(Denied::ChooseTenant) => Redirect::to("/home").into_response(),
        Err(Denied::Error(err)) => err.into_response(),
    }
}

enum Denied {
    SignIn,
    ChooseTenant,
    Error(WebError),
}

async fn check(app: &AppState, access: Access, request: &mut Request) -> Result<(), Denied> {
    if access == Access::Public {
        return Ok(());
    }
    if access == Access::Demo {
        return if app.settings.demo_mailbox { Ok(()) } else { Err(Denied::Error(WebError::NotFound)) };
    }
    let visitor = request.extensions().get::<Visitor>().ok_or(Denied::SignIn)?;
    let signed_in = visitor.signed_in.as_ref().ok_or(Denied::SignIn)?;
    let user_id = signed_in.user_id.clone();
    match access {
        Access::Public | Access::Demo | Access::SignedIn => Ok(()),
        // API routes are guarded by their token (`api::auth::guard`); a page guard never lets one through.
        Access::Api(_) => Err(Denied::Error(WebError::Forbidden)),
        Access::Network(permission) => {
            if !app.authz.is_allowed(&user_id, NETWORK_DOMAIN, permission) {
                return Err(Denied::Error(WebError::Forbidden));
            }
            let user: UserId = user_id.parse().map_err(|_| Denied::Error(WebError::Forbidden))?;
            let permissions = Permissions::from_fn(|p| app.authz.is_allowed(&user_id, NETWORK_DOMAIN, p));
            request.extensions_mut().insert(NetworkContext { user, permissions });
            Ok(())
        }
        Access::Tenant(permission) => {
            let Some((tenant_id, tenant_name, _)) = signed_in.active_tenant.clone() else {
                return Err(Denied::ChooseTenant);
            };
            let tenant: TenantId = tenant_id.parse().map_err(|_| Denied::Error(WebError::Forbidden))?;
            let uid = user_id.clone();
            let (scope, role) =
                app.db.run(move |conn| memberships::scope_for_member(conn, &uid, tenant)).await.map_err(|e| {
                    Denied::Error(match WebError::from(e) {
                        WebError::NotFound => WebError::Forbidden,
                        other => other,
                    })
                })?;
            if !app.authz.is_allowed(&user_id, &tenant_id, permission) {
                return Err(Denied::Error(WebError::Forbidden));
            }
            let user: UserId = user_id.parse().map_err(|_| Denied::Error(WebError::Forbidden))?;
            let permissions = Permissions::from_fn(|p| app.authz.is_allowed(&user_id, &tenant_id, p));
            let member = Member { user_id: user, scope, role, permissions };
            request.extensions_mut().insert(TenantContext { scope, tenant_name, user_id, member });
            Ok(())
        }
    }
}
