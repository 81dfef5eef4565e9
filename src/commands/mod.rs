//! One module per subcommand.

mod admin;
mod demo;
mod migrate;
mod serve;

use crate::cli::{AdminCommand, Command, ConfigCommand, JobsCommand};
use crate::config::Config;

/// Runs a subcommand.
pub fn run(command: Command, config: Config) -> anyhow::Result<()> {
    match command {
        Command::Serve(args) => serve::run(&config, !args.no_migrate && config.database.migrate_on_start),
        Command::Migrate(args) => migrate::run(&config, args.status),
        Command::Config(ConfigCommand::Check) => {
            use std::io::Write as _;
            let mut out = std::io::stdout().lock();
            // A closed pipe (`relais config check | head`) is not an error worth a message.
            let _ = writeln!(out, "{}# configuration is valid", config.to_masked_toml());
            Ok(())
        }
        Command::Admin(AdminCommand::CreateNetworkAdmin(args)) => admin::create_network_admin(&config, &args),
        Command::Demo(args) => demo::run(config, &args),
        Command::Jobs(JobsCommand::RunOnce) => {
            let db = connect(&config)?;
            serve::prepare_schema(&db, config.database.migrate_on_start)?;
            let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
            let report = runtime
                .block_on(relais_jobs::Jobs::new(db, config.job_settings()).run_all(relais_persistence::now()))?;
            println!(
                "jobs done: {} digest e-mail(s) queued, {} session(s) removed",
                report.digests_queued, report.sessions_removed
            );
            Ok(())
        }
    }
}

/// Opens the pool named by the configuration, with a one-line message naming
/// the database (password masked) when it cannot.
fn connect(config: &Config) -> anyhow::Result<relais_persistence::Db> {
    let url = config.database_url()?;
    relais_persistence::Db::connect(&url, config.pool_settings())
        .map_err(|e| anyhow::anyhow!("{e} (database.url = {})", url.masked()))
}
