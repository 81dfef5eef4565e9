//! `relais demo`: a local SQLite database with a demo network, served.

use relais_domain::NetworkRole;
use relais_persistence::models::role_assignments;

use crate::cli::DemoArgs;
use crate::config::Config;

pub fn run(mut config: Config, args: &DemoArgs) -> anyhow::Result<()> {
    if args.reset {
        for suffix in ["", "-wal", "-shm"] {
            let mut path = args.database.clone().into_os_string();
            path.push(suffix);
            match std::fs::remove_file(&path) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => anyhow::bail!("cannot remove {}: {e}", args.database.display()),
            }
        }
    }
    config.database.url = format!("sqlite:{}", args.database.display());
    // Demo e-mails are written as files beside the database and shown at /dev/mail.
    let mail_dir = args.database.with_extension("mail");
    config.email.transport = relais_email::TransportSettings::File { dir: mail_dir };
    config.email.backoff_base = std::time::Duration::from_secs(2);
    config.email.poll_interval = std::time::Duration::from_secs(1);
    let bind = args.bind.clone().unwrap_or_else(|| config.server.bind.clone());
    if args.bind.is_some() {
        config.server.public_url = format!("http://{bind}");
    }
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async {
        let _telemetry = crate::telemetry::init(&config);
        let db = super::connect(&config)?;
        super::serve::prepare_schema(&db, true)?;
        let mut conn = db.get()?;
        let fresh = role_assignments::count_network_role(&mut conn, NetworkRole::NetworkAdmin)? == 0;
        drop(conn);
        println!();
        println!("Relais demo — {}", config.server.public_url);
        println!("  database: {}", args.database.display());
        if fresh {
            let logins = crate::demo_network::build(&db)?;
            let people = crate::demo_people::build(&db, relais_persistence::now().date())?;
            println!("  {people} fictitious people with consents, documents and case files");
            println!("  sign-ins (passwords generated for this database, shown once):");
            for login in &logins {
                println!("    {:<58} {} / {}", login.label, login.email, login.password);
            }
            println!("  (`relais demo --reset` builds a new demo with new passwords)");
        } else {
            println!("  existing demo database: sign in with the passwords printed when it was built,");
            println!("  or run `relais demo --reset` to build a new one.");
        }
        println!();
        println!("  e-mails: {}/dev/mail", config.server.public_url);
        println!();
        super::serve::serve(&config, db, &bind, true).await
    })
}
