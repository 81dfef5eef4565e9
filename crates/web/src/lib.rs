#![doc = include_str!("../README.md")]

mod health;
mod routes;
mod state;

use std::future::Future;

pub use routes::router;
pub use state::{App, AppState, WebSettings};

/// Serves the application on a bound listener until `shutdown` completes,
/// then finishes the requests in flight.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(state)).with_graceful_shutdown(shutdown).await
}
