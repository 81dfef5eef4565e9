//! The `relais` binary: wires configuration, persistence, the web layer and
//! the workers together. See `relais --help`.

mod cli;
mod commands;
mod config;
mod demo_network;
mod demo_outreach;
mod demo_people;
mod telemetry;

use std::process::ExitCode;

use clap::Parser;

/// Exit code for a configuration error (bad value, unreadable file).
const EXIT_CONFIG: u8 = 2;
/// Exit code for any other failure.
const EXIT_FAILURE: u8 = 1;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    let config = match config::Config::load(cli.config.as_deref()) {
        Ok(config) => config,
        Err(err) => {
            eprintln!("relais: {err}");
            return ExitCode::from(EXIT_CONFIG);
        }
    };
    match commands::run(cli.command, config) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("relais: {err:#}");
            ExitCode::from(EXIT_FAILURE)
        }
    }
}
