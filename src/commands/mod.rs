//! One module per subcommand.

mod admin;
mod demo;
mod migrate;
mod serve;

use crate::cli::{AdminCommand, Command, ConfigCommand};
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
    }
}

/// Opens the pool named by the configuration, with a one-line message naming
/// the database (password masked) when it cannot.
fn connect(config: &Config) -> anyhow::Result<relais_persistence::Db> {
    let url = config.database_url()?;
    relais_persistence::Db::connect(&url, config.pool_settings())
        .map_err(|e| anyhow::anyhow!("{e} (database.url = {})", url.masked()))
}
