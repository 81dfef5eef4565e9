//! `relais-bench`: `generate` fills a database with synthetic data,
//! `baseline` serves the bare case list. See `docs/performance.md`.

use clap::{Parser, Subcommand};
use relais_bench::{baseline, generate};

/// Relais performance yardsticks.
#[derive(Debug, Parser)]
#[command(name = "relais-bench", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Fills an empty database (SQLite or PostgreSQL) with a synthetic network
    /// the application can serve; the same seed gives the same data.
    Generate(generate::Args),
    /// Serves the bare 50-row case list: the yardstick of the load benchmark.
    Baseline(baseline::Args),
}

fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Command::Generate(args) => {
            generate::run(&args)?;
        }
        Command::Baseline(args) => {
            let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
            runtime.block_on(baseline::serve(args))?;
        }
    }
    Ok(())
}
