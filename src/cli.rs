//! The `relais` command line.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Relais: case files, referrals and results for the network of
/// organisations that help regularised migrants into self-employment.
#[derive(Debug, Parser)]
#[command(name = "relais", version, about, long_about = None)]
pub struct Cli {
    /// A configuration file (TOML) read after the built-in defaults.
    #[arg(long, global = true, env = "RELAIS_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the platform (applies pending migrations first unless told not to).
    Serve(ServeArgs),
    /// Apply pending database migrations, or show where the schema stands.
    Migrate(MigrateArgs),
    /// Inspect the configuration.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Administration tasks run on the server.
    #[command(subcommand)]
    Admin(AdminCommand),
    /// Build a demo network in a local SQLite database and serve it.
    Demo(DemoArgs),
    /// Scheduled jobs (digests, session sweeping), which the server also runs by itself.
    #[command(subcommand)]
    Jobs(JobsCommand),
}

/// `relais jobs …`.
#[derive(Debug, Subcommand)]
pub enum JobsCommand {
    /// Run every job once now (digests are still sent at most once a day).
    RunOnce,
}

/// `relais serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Do not apply pending migrations at start (the server then refuses to
    /// start if the schema is not current).
    #[arg(long)]
    pub no_migrate: bool,
}

/// `relais migrate`.
#[derive(Debug, Args)]
pub struct MigrateArgs {
    /// Only list applied and pending migrations.
    #[arg(long)]
    pub status: bool,
}

/// `relais config …`.
#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Validate the configuration and print the effective values, secrets masked.
    Check,
}

/// `relais admin …`.
#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Create a network administrator account. The password is asked for
    /// (twice, not echoed), or read from standard input with --password-stdin.
    CreateNetworkAdmin(CreateNetworkAdminArgs),
}

/// `relais admin create-network-admin`.
#[derive(Debug, Args)]
pub struct CreateNetworkAdminArgs {
    /// The administrator's e-mail address (their sign-in name).
    #[arg(long)]
    pub email: String,
    /// The name shown in the interface.
    #[arg(long, default_value = "Network administrator")]
    pub name: String,
    /// Read the password from the first line of standard input instead of prompting.
    #[arg(long)]
    pub password_stdin: bool,
}

/// `relais demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// The demo database file.
    #[arg(long, default_value = "data/demo.db", value_name = "FILE")]
    pub database: PathBuf,
    /// Delete the demo database and build it again.
    #[arg(long)]
    pub reset: bool,
    /// Address and port to listen on (default: the configured server.bind).
    #[arg(long, value_name = "ADDR")]
    pub bind: Option<String>,
}
