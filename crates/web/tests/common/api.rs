//! A JSON API client over the real router, with an API token.

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use relais_app::{Actor, Member, Permissions};
use relais_domain::TenantRole;
use relais_persistence::TenantScope;
use tower::ServiceExt;

use super::TestApp;

pub struct ApiResponse {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl ApiResponse {
    /// The body as JSON (`Null` if it is not JSON).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or(serde_json::Value::Null)
    }

    /// The error code of an error answer.
    pub fn code(&self) -> String {
        self.json()["error"]["code"].as_str().unwrap_or_default().to_owned()
    }
}

pub struct ApiClient {
    router: Router,
    pub token: Option<String>,
}

impl ApiClient {
    pub async fn send(&self, method: &str, path: &str, body: Option<&str>, headers: &[(&str, &str)]) -> ApiResponse {
        let mut builder = Request::builder().method(method).uri(path);
        if let Some(token) = &self.token {
            builder = builder.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        if body.is_some() {
            builder = builder.header(header::CONTENT_TYPE, "application/json");
        }
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        let request = builder.body(body.map_or_else(Body::empty, |b| Body::from(b.to_owned()))).expect("request");
        let response = self.router.clone().oneshot(request).await.expect("response");
        let (status, headers) = (response.status(), response.headers().clone());
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.expect("body");
        ApiResponse { status, headers, body: String::from_utf8_lossy(&bytes).into_owned() }
    }

    pub async fn get(&self, path: &str) -> ApiResponse {
        self.send("GET", path, None, &[]).await
    }

    pub async fn post(&self, path: &str, body: &serde_json::Value) -> ApiResponse {
        self.send("POST", path, Some(&body.to_string()), &[]).await
    }
}

impl TestApp {
    /// An API client without a token.
    pub fn api(&self) -> ApiClient {
        ApiClient { router: self.router.clone(), token: None }
    }

    /// A new API token for a member (created through the application layer).
    pub async fn api_token(&self, user_id: &str, scope: &TenantScope, role: TenantRole) -> String {
        let member =
            Member { user_id: user_id.parse().expect("id"), scope: *scope, role, permissions: Permissions::all() };
        let actor = Actor::member(member, "test");
        relais_app::api_tokens::create_token(&self.state.core, &actor, "test".into(), None).await.expect("token").secret
    }

    /// An API client with a new token for a member.
    pub async fn api_as(&self, user_id: &str, scope: &TenantScope, role: TenantRole) -> ApiClient {
        ApiClient { router: self.router.clone(), token: Some(self.api_token(user_id, scope, role).await) }
    }
}
