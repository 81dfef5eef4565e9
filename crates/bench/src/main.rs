//! `relais-bench`: `generate` fills a database with synthetic data,
//! `baseline` serves the bare case list. See `docs/performance.md`.

fn main() -> anyhow::Result<()> {
    Ok(())
}
