//! `relais serve`.

use std::sync::Arc;

use relais_email::OutboxWorker;
use relais_persistence::{Db, migrations};
use relais_web::App;

use crate::config::Config;

pub fn run(config: &Config, migrate: bool) -> anyhow::Result<()> {
    // Database work and password hashing run on blocking threads; beyond two
    // per pooled connection they would only queue for a connection (and each
    // thread keeps its own allocator arena and buffers: memory under load).
    let blocking = (config.database.max_connections as usize * 2).max(8);
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().max_blocking_threads(blocking).build()?;
    runtime.block_on(async {
        let _telemetry = crate::telemetry::init(config);
        let db = super::connect(config)?;
        prepare_schema(&db, migrate)?;
        serve(config, db, &config.server.bind, false).await
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

/// Binds and serves until Ctrl-C or SIGTERM, with the outbox worker and
/// the scheduled jobs running beside the server.
pub async fn serve(config: &Config, db: Db, bind: &str, demo_mailbox: bool) -> anyhow::Result<()> {
    let app = App::new(db.clone(), config.web_settings(demo_mailbox))
        .await
        .map_err(|e| anyhow::anyhow!("cannot prepare the application: {e}"))?;
    let app = Arc::new(app);
    let listener =
        tokio::net::TcpListener::bind(bind).await.map_err(|e| anyhow::anyhow!("cannot listen on {bind}: {e}"))?;
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let worker = match OutboxWorker::from_settings(db.clone(), config.email.clone())? {
        Some(worker) => Some(worker.spawn(stopped.clone())),
        None => {
            tracing::warn!(
                "e-mail sending is disabled ([email.transport] kind = \"disabled\"): e-mails wait in the outbox"
            );
            None
        }
    };
    let jobs = relais_jobs::Jobs::new(db, config.job_settings()).spawn(stopped);
    tracing::info!(address = %listener.local_addr()?, backend = %app.db.backend(), "relais is listening");
    relais_web::serve(listener, app, shutdown_signal()).await?;
    let _ = stop.send(true);
    if let Some(worker) = worker {
        let _ = worker.await;
    }
    let _ = jobs.await;
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
