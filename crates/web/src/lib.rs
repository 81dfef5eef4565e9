#![doc = include_str!("../README.md")]

mod access;
mod api;
mod cookies;
mod error;
mod forms;
mod handlers;
mod health;
mod middleware;
mod paths;
mod routes;
mod state;
mod statics;
mod templates;
mod tokens;
mod views;
mod visitor;

use std::future::Future;

pub use access::Access;
pub use api::RateLimit;
pub use error::WebError;
pub use handlers::cases::CaseRow;
pub use routes::{RouteSpec, route_specs, router};
pub use state::{App, AppState, Clock, WebSettings};
pub use templates::Templates;

/// The application could not be prepared.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The role policies are invalid or the role assignments cannot be read.
    #[error(transparent)]
    Authorization(#[from] relais_authorization::AuthzError),
    /// A template does not parse.
    #[error("templates: {0}")]
    Templates(#[from] tera::Error),
}

/// Serves the application on a bound listener until `shutdown` completes,
/// then finishes the requests in flight.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(state).into_make_service_with_connect_info::<std::net::SocketAddr>())
        .with_graceful_shutdown(shutdown)
        .await
}
