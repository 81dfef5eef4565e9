//! Every route of the application, with the access it requires, in one
//! table. The router and the route × role matrix test are both built from it.

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::Request;
use axum::middleware::from_fn_with_state;
use axum::response::IntoResponse;
use axum::routing::MethodRouter;
use relais_domain::Permission;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

use crate::access::{Access, guard};
use crate::handlers::{
    account, api_tokens, audit, auth, beneficiaries, cases, dev_mail, directory, events, external, home, invitations,
    members, network, password, referrals,
};
use crate::state::AppState;
use crate::{health, middleware, statics};

/// One route: method, path pattern and required access.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RouteSpec {
    /// HTTP method.
    pub method: &'static str,
    /// Path pattern (`/members/{id}/role`).
    pub path: &'static str,
    /// What it requires.
    pub access: Access,
}

use Access::{Demo, Network, Public, SignedIn, Tenant};

/// One row of a route table: `route!(get, "/path", Access::…, handler)`.
macro_rules! route {
    ($method:ident, $path:literal, $access:expr, $handler:path) => {
        (
            $crate::routes::RouteSpec { method: stringify!($method), path: $path, access: $access },
            axum::routing::$method($handler),
        )
    };
}
pub(crate) use route;

/// A group of routes (each page area keeps its own list next to its handlers).
pub(crate) type RouteTable = Vec<(RouteSpec, MethodRouter<AppState>)>;

/// Page routes that receive a sign-in sheet (decision 0028): the file, then
/// the file again in base64 with the column mapping and the decisions.
pub(crate) const UPLOAD_ROUTES: &[&str] = &["/events/{id}/import", "/events/{id}/import/confirm"];

/// Their body limit: a 2 MiB sheet in base64 (a third more) with its form.
pub(crate) const UPLOAD_BODY_BYTES: usize = 4 * 1024 * 1024;

/// The largest body a page route reads (its matched path): the upload
/// routes' limit, else `server.max_body_bytes`.
pub(crate) fn body_limit(max_body: usize, matched_path: Option<&str>) -> usize {
    if matched_path.is_some_and(|path| UPLOAD_ROUTES.contains(&path)) {
        max_body.max(UPLOAD_BODY_BYTES)
    } else {
        max_body
    }
}

fn table() -> RouteTable {
    use route as r;
    let mut table = vec![
        r!(get, "/healthz", Public, health::healthz),
        r!(get, "/readyz", Public, health::readyz),
        r!(get, "/static/{file}", Public, statics::serve),
        r!(get, "/", Public, home::root),
        r!(get, "/login", Public, auth::login_form),
        r!(post, "/login", Public, auth::login),
        r!(post, "/logout", SignedIn, auth::logout),
        r!(post, "/language", Public, account::set_language),
        r!(get, "/password/forgot", Public, password::forgot_form),
        r!(post, "/password/forgot", Public, password::forgot),
        r!(get, "/password/reset/{token}", Public, password::reset_form),
        r!(post, "/password/reset/{token}", Public, password::reset),
        r!(get, "/invitations/{token}", Public, invitations::show),
        r!(post, "/invitations/{token}", Public, invitations::accept),
        r!(get, "/home", SignedIn, home::home),
        r!(post, "/tenant", SignedIn, home::switch_tenant),
        r!(get, "/account", SignedIn, account::show),
        r!(post, "/account/password", SignedIn, account::change_password),
        r!(post, "/account/notifications", SignedIn, account::set_notifications),
        r!(get, "/members", Tenant(Permission::MemberRead), members::list),
        r!(post, "/members/invitations", Tenant(Permission::MemberManage), members::invite_member),
        r!(post, "/members/{id}", Tenant(Permission::MemberManage), members::update),
        r!(get, "/audit", Tenant(Permission::AuditRead), audit::tenant_log),
        r!(get, "/network/tenants", Network(Permission::TenantRead), network::list),
        r!(get, "/network/tenants/new", Network(Permission::TenantManage), network::new_form),
        r!(post, "/network/tenants", Network(Permission::TenantManage), network::create),
        r!(get, "/network/tenants/{id}", Network(Permission::TenantRead), network::show),
        r!(get, "/network/tenants/{id}/edit", Network(Permission::TenantManage), network::edit_form),
        r!(post, "/network/tenants/{id}", Network(Permission::TenantManage), network::update),
        r!(post, "/network/tenants/{id}/active", Network(Permission::TenantManage), network::set_active),
        r!(post, "/network/tenants/{id}/invitations", Network(Permission::TenantManage), network::invite_admin),
        r!(get, "/network/audit", Network(Permission::AuditRead), audit::network_log),
        r!(get, "/dev/mail", Demo, dev_mail::list),
        r!(get, "/dev/mail/{id}", Demo, dev_mail::show),
    ];
    table.extend(beneficiaries::routes());
    table.extend(cases::routes());
    table.extend(directory::routes());
    table.extend(events::routes());
    table.extend(referrals::routes());
    table.extend(external::routes());
    table.extend(api_tokens::routes());
    table.extend(crate::api::routes());
    table
}

/// Every route and the access it requires (for tests and documentation).
pub fn route_specs() -> Vec<RouteSpec> {
    table().into_iter().map(|(spec, _)| spec).collect()
}

/// The whole application.
pub fn router(state: AppState) -> Router {
    let max_body = state.settings.max_body_bytes;
    let upload_max = body_limit(max_body, UPLOAD_ROUTES.first().copied());
    let (mut pages, mut api) = (Router::new(), Router::new());
    let mut uploads = Router::new();
    for (spec, method_router) in table() {
        if crate::api::is_api(spec.path) {
            // The API's own stack: the token guard outside, idempotency inside it (it needs the caller).
            let guarded = method_router
                .route_layer(from_fn_with_state(state.clone(), crate::api::idempotent))
                .route_layer(from_fn_with_state((state.clone(), spec.access), crate::api::auth::guard));
            api = api.route(spec.path, guarded);
        } else if UPLOAD_ROUTES.contains(&spec.path) {
            uploads = uploads
                .route(spec.path, method_router.route_layer(from_fn_with_state((state.clone(), spec.access), guard)));
        } else {
            let guarded = method_router.route_layer(from_fn_with_state((state.clone(), spec.access), guard));
            pages = pages.route(spec.path, guarded);
        }
    }
    // Pages: the visitor (session, language), CSRF on every change, error pages in the visitor's language.
    let pages = pages
        .fallback(|request: Request<axum::body::Body>| async move {
            if request.uri().path().starts_with(crate::api::PREFIX) {
                crate::api::not_found()
            } else {
                crate::error::WebError::NotFound.into_response()
            }
        })
        // Innermost first: the body limit (so its 413 still gets a page and headers); CSRF needs the visitor.
        .layer(RequestBodyLimitLayer::new(max_body))
        .layer(DefaultBodyLimit::max(max_body))
        // The upload routes: their own, larger limit (the CSRF check reads their body up to it too).
        .merge(uploads.layer(RequestBodyLimitLayer::new(upload_max)).layer(DefaultBodyLimit::max(upload_max)))
        .layer(from_fn_with_state(state.clone(), middleware::csrf))
        .layer(from_fn_with_state(state.clone(), middleware::error_pages))
        .layer(from_fn_with_state(state.clone(), crate::visitor::visitor));
    // The API: JSON errors (server errors logged once), no session, no CSRF.
    let api = api
        .layer(RequestBodyLimitLayer::new(max_body))
        .layer(DefaultBodyLimit::max(max_body))
        .layer(axum::middleware::from_fn(crate::api::log_errors));
    pages
        .merge(api)
        // Security headers on everything.
        .layer(from_fn_with_state(state.clone(), middleware::security_headers))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|request: &Request<_>| {
                    let route = request
                        .extensions()
                        .get::<axum::extract::MatchedPath>()
                        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
                    let request_id = request.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("");
                    tracing::info_span!(
                        "request",
                        method = %request.method(),
                        route = %route,
                        request_id = %request_id,
                        status = tracing::field::Empty,
                        tenant_id = tracing::field::Empty,
                        user_id = tracing::field::Empty,
                    )
                })
                .on_response(
                    |response: &axum::response::Response, latency: std::time::Duration, span: &tracing::Span| {
                        span.record("status", response.status().as_u16());
                        tracing::info!(
                            status = response.status().as_u16(),
                            latency_ms = latency.as_millis() as u64,
                            "answered"
                        );
                    },
                ),
        )
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        // A request id sent by the client is not trusted (it would reach logs and the audit trail).
        .layer(axum::middleware::map_request(|mut request: Request<axum::body::Body>| async move {
            request.headers_mut().remove("x-request-id");
            request
        }))
        .with_state(state)
}
