//! `relais migrate`.

use relais_persistence::migrations;

use crate::config::Config;

pub fn run(config: &Config, status_only: bool) -> anyhow::Result<()> {
    let db = super::connect(config)?;
    let mut conn = db.get()?;
    if status_only {
        let status = migrations::status(&mut conn)?;
        println!("{}: {} applied, {} pending", db.url().describe(), status.applied.len(), status.pending.len());
        for name in &status.pending {
            println!("pending  {name}");
        }
        return Ok(());
    }
    let applied = migrations::run_pending(&mut conn)?;
    if applied.is_empty() {
        println!("{}: schema is current", db.url().describe());
    } else {
        println!("{}: applied {} migration(s): {}", db.url().describe(), applied.len(), applied.join(", "));
    }
    Ok(())
}
