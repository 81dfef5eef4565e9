//! `relais demo`: a local SQLite database with a demo network, served.

use relais_domain::{EmailAddress, NetworkRole};
use relais_persistence::models::role_assignments;

use crate::cli::DemoArgs;
use crate::config::Config;

/// The demo network administrator's sign-in.
const DEMO_ADMIN_EMAIL: &str = "admin@demo.relais.invalid";

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
            let password = generate_password();
            let email = EmailAddress::parse(DEMO_ADMIN_EMAIL)?;
            super::admin::create_account(&db, &email, "Demo network administrator", &password)?;
            println!("  network administrator: {DEMO_ADMIN_EMAIL} / {password}");
            println!("  (this password is shown once; `relais demo --reset` builds a new demo)");
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

/// A random password of 20 characters from an alphabet without look-alikes.
pub fn generate_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    (0..20).map(|_| char::from(ALPHABET[rand::random_range(0..ALPHABET.len())])).collect()
}
