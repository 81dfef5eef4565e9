//! `relais admin …`.

use std::io::BufRead;

use anyhow::Context;
use relais_domain::{EmailAddress, NetworkRole};
use relais_persistence::models::{audit, role_assignments, users};
use relais_persistence::{Db, PersistenceError, write_tx};

use crate::cli::CreateNetworkAdminArgs;
use crate::config::Config;

pub fn create_network_admin(config: &Config, args: &CreateNetworkAdminArgs) -> anyhow::Result<()> {
    let email = EmailAddress::parse(&args.email).with_context(|| format!("--email \"{}\"", args.email))?;
    let password = if args.password_stdin { read_stdin_password()? } else { prompt_password()? };
    relais_domain::password::check_new_password(&password).context("password")?;
    let db = super::connect(config)?;
    super::serve::prepare_schema(&db, config.database.migrate_on_start)?;
    create_account(&db, &email, &args.name, &password)?;
    println!("network administrator {email} created");
    Ok(())
}

/// Creates a user holding the `network_admin` role, audited, in one transaction.
pub fn create_account(db: &Db, email: &EmailAddress, name: &str, password: &str) -> anyhow::Result<String> {
    let hash = relais_authorization::password::hash(password)?;
    let mut conn = db.get()?;
    let created = write_tx(&mut conn, |conn| {
        let user = users::create(
            conn,
            &users::NewUser { email, display_name: name, password_hash: Some(&hash), preferred_language: None },
        )?;
        role_assignments::grant_network_role(conn, &user.id, NetworkRole::NetworkAdmin)?;
        audit::record(
            conn,
            &audit::NewAuditEvent {
                tenant: None,
                actor_user_id: None,
                actor_kind: relais_domain::ActorKind::System,
                action: relais_domain::AuditAction::NetworkAdminCreated,
                target_id: Some(user.id.clone()),
                details: serde_json::json!({ "via": "cli" }),
                request_id: None,
                at: relais_persistence::now(),
            },
        )?;
        Ok::<_, PersistenceError>(user.id)
    });
    match created {
        Ok(id) => Ok(id),
        Err(PersistenceError::Conflict(relais_domain::Conflict::Duplicate(relais_domain::Duplicate::UserEmail))) => {
            anyhow::bail!("an account with the e-mail {email} already exists")
        }
        Err(other) => Err(other.into()),
    }
}

fn read_stdin_password() -> anyhow::Result<String> {
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).context("reading the password from standard input")?;
    let password = line.trim_end_matches(['\r', '\n']).to_owned();
    anyhow::ensure!(!password.is_empty(), "no password on standard input");
    Ok(password)
}

fn prompt_password() -> anyhow::Result<String> {
    let first = rpassword::prompt_password("Password (at least 12 characters): ")
        .context("reading the password (use --password-stdin when there is no terminal)")?;
    let second = rpassword::prompt_password("Same password again: ")?;
    anyhow::ensure!(first == second, "the two passwords differ");
    Ok(first)
}
