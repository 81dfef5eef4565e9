//! The JSON API under `/api/v1`: its routes sit in the one route table with
//! their required access (`Access::Api(permission)`), so the route × role
//! matrix covers them; its own middleware (token guard, idempotency, JSON
//! errors logged once) instead of the pages' (no session, no CSRF, no HTML).
//! Every operation calls the same application-layer commands as the pages.
//! The OpenAPI 3.1 description is generated from the types (utoipa) and
//! served at `/api/v1/openapi.json`; `docs/api.md` says how to use it.

pub(crate) mod auth;
mod docs;
pub(crate) mod error;
mod events;
mod idempotency;
mod json;
mod referrals;
mod schemas;

use axum::Extension;
use axum::Json;
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use relais_domain::Permission;
use serde::Serialize;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};

pub(crate) use auth::Limiter;
pub use auth::RateLimit;

use self::auth::ApiContext;
use self::error::{ApiError, ErrorBody, ErrorInfo};
use crate::access::Access::{Api, Public, SignedIn};
use crate::error::ErrorDetail;
use crate::routes::{RouteTable, route};

/// The path every API route starts with.
pub(crate) const PREFIX: &str = "/api/";

/// This area's templates: (name, source).
pub(crate) const TEMPLATES: &[(&str, &str)] = &[("api/docs.html", include_str!("../../templates/api/docs.html"))];

/// The API's routes (and its documentation page, a page for signed-in users).
pub(crate) fn routes() -> RouteTable {
    use Permission::{ReferralDraft, ReferralReceive, ReferralSend};
    vec![
        route!(get, "/api/v1/openapi.json", Public, openapi_json),
        route!(get, "/api/docs", SignedIn, docs::page),
        route!(get, "/api/v1/me", Api(Permission::ApiTokenManage), me),
        route!(get, "/api/v1/referrals", Api(ReferralReceive), referrals::list),
        route!(get, "/api/v1/referrals/{id}", Api(ReferralReceive), referrals::show),
        route!(post, "/api/v1/cases/{case_id}/referrals", Api(ReferralDraft), referrals::create),
        route!(post, "/api/v1/referrals/{id}/send", Api(ReferralSend), referrals::send),
        route!(post, "/api/v1/referrals/{id}/withdraw", Api(ReferralSend), referrals::withdraw),
        route!(post, "/api/v1/referrals/{id}/accept", Api(ReferralReceive), referrals::accept),
        route!(post, "/api/v1/referrals/{id}/decline", Api(ReferralReceive), referrals::decline),
        route!(post, "/api/v1/referrals/{id}/start", Api(ReferralReceive), referrals::start),
        route!(post, "/api/v1/referrals/{id}/complete", Api(ReferralReceive), referrals::complete),
        route!(post, "/api/v1/referrals/{id}/not-complete", Api(ReferralReceive), referrals::not_complete),
        route!(post, "/api/v1/referrals/{id}/comments", Api(ReferralReceive), referrals::comment),
        route!(get, "/api/v1/events", Api(Permission::EventRead), events::list),
        route!(get, "/api/v1/events/{id}", Api(Permission::EventRead), events::show),
        route!(post, "/api/v1/events", Api(Permission::EventRecord), events::create),
        route!(post, "/api/v1/events/{id}/attendance", Api(Permission::EventRecord), events::mark),
        route!(post, "/api/v1/events/{id}/tallies", Api(Permission::EventRecord), events::tally),
    ]
}

/// Whether a route belongs to the JSON API (its own middleware).
pub(crate) fn is_api(path: &str) -> bool {
    path.starts_with("/api/v1/")
}

/// The idempotency layer, for the router to put inside each API route's guard.
pub(crate) use idempotency::idempotent;

/// The answer to an API path that matches no route.
pub(crate) fn not_found() -> Response {
    ApiError::from(relais_app::AppError::NotFound).into_response()
}

/// Logs a server error of the API once, with the request's span (request id).
pub(crate) async fn log_errors(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    if response.status().is_server_error() {
        let detail = response.extensions().get::<ErrorDetail>().map_or("", |d| d.0.as_str());
        tracing::error!(status = response.status().as_u16(), detail = %detail, "API server error");
    }
    response
}

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let scheme = HttpBuilder::new()
            .scheme(HttpAuthScheme::Bearer)
            .description(Some(
                "An API token (`rls_…`) created on the account page; it carries your role in one tenant.",
            ))
            .build();
        openapi
            .components
            .get_or_insert_with(Default::default)
            .add_security_scheme("token", SecurityScheme::Http(scheme));
    }
}

/// The OpenAPI document, generated from the handlers and types.
#[derive(OpenApi)]
#[openapi(
    info(title = "Relais API", version = "1", description = "The JSON API of Relais: the same permissions, tenant scope, validation and audit as the pages. Errors are `{\"error\": {\"code\", \"message\", \"fields\"}}` with a stable code."),
    paths(me, referrals::list, referrals::show, referrals::create, referrals::send, referrals::withdraw,
        referrals::accept, referrals::decline, referrals::start, referrals::complete, referrals::not_complete,
        referrals::comment, events::list, events::show, events::create, events::mark, events::tally),
    components(schemas(ErrorBody, ErrorInfo)),
    modifiers(&Security),
    tags((name = "account", description = "Who a token acts for"),
        (name = "referrals", description = "Closed-loop referrals between partners, as the token's side sees them"),
        (name = "events", description = "Information sessions, campaigns, trainings and meetings: attendance and head-counts")),
)]
pub(crate) struct ApiDoc;

/// GET /api/v1/openapi.json
pub(crate) async fn openapi_json() -> Response {
    Json(ApiDoc::openapi()).into_response()
}

/// Who a token acts for.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Me {
    #[schema(value_type = String, format = Uuid)]
    user_id: String,
    #[schema(value_type = String, format = Uuid)]
    tenant_id: String,
    #[schema(example = "caseworker")]
    role: &'static str,
    /// The permissions the role grants in the tenant (`object:action`).
    permissions: Vec<&'static str>,
}

/// GET /api/v1/me
#[utoipa::path(get, path = "/api/v1/me", tag = "account", security(("token" = [])),
    responses((status = 200, description = "Who the token acts for, and what it may do", body = Me),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub(crate) async fn me(Extension(ctx): Extension<ApiContext>) -> Json<Me> {
    let m = &ctx.member;
    Json(Me {
        user_id: m.user_id.to_string(),
        tenant_id: m.scope.tenant_id().to_string(),
        role: m.role.as_str(),
        permissions: Permission::ALL.iter().filter(|p| m.may(**p)).map(|p| p.as_str()).collect(),
    })
}
