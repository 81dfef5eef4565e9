//! `relais serve`.

use std::sync::Arc;

use relais_persistence::{Db, migrations};
use relais_web::{App, WebSettings};

use crate::config::Config;

pub fn run(config: &Config, migrate: bool) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async {
        let _telemetry = crate::telemetry::init(config);
        let db = super::connect(config)?;
        prepare_schema(&db, migrate)?;
        serve(config, db, &config.server.bind).await
    })
}

/// Applies pending migrations, or checks that there are none.
pub fn prepare_schema(db: &Db, migrate: bool) -> anyhow::Result<()> {
    let mut conn = db.get()?;
    if migrate {
        let applied = migrations::run_pending(&mut conn)?;
        if !applied.is_empty() {
            tracing::info!(count = applied.len(), "applied pending migrations");
        }
    } else {
        let status = migrations::status(&mut conn)?;
        anyhow::ensure!(
            status.is_current(),
            "{} migration(s) pending and --no-migrate was given; run `relais migrate` first",
            status.pending.len()
        );
    }
    Ok(())
}

/// Binds and serves until Ctrl-C or SIGTERM.
pub async fn serve(config: &Config, db: Db, bind: &str) -> anyhow::Result<()> {
    let app = Arc::new(App {
        db,
        settings: WebSettings {
            public_url: config.server.public_url.trim_end_matches('/').to_owned(),
            max_body_bytes: config.server.max_body_bytes,
        },
    });
    let listener =
        tokio::net::TcpListener::bind(bind).await.map_err(|e| anyhow::anyhow!("cannot listen on {bind}: {e}"))?;
    tracing::info!(address = %listener.local_addr()?, backend = %app.db.backend(), "relais is listening");
    relais_web::serve(listener, app, shutdown_signal()).await?;
    tracing::info!("relais stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
