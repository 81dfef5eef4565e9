//! `relais admin …`.

use std::io::BufRead;

use anyhow::Context;
use relais_app::accounts::{self, NewNetworkAdmin};
use relais_app::{Actor, App, AppError, AppSettings, SystemJob};
use relais_domain::{Conflict, Duplicate, EmailAddress};

use crate::cli::CreateNetworkAdminArgs;
use crate::config::Config;

pub fn create_network_admin(config: &Config, args: &CreateNetworkAdminArgs) -> anyhow::Result<()> {
    let email = EmailAddress::parse(&args.email).with_context(|| format!("--email \"{}\"", args.email))?;
    let password = if args.password_stdin { read_stdin_password()? } else { prompt_password()? };
    relais_domain::password::check_new_password(&password).context("password")?;
    let db = super::connect(config)?;
    super::serve::prepare_schema(&db, config.database.migrate_on_start)?;
    let app = App::new(db, AppSettings { public_url: config.server.public_url.trim_end_matches('/').to_owned() });
    let new = NewNetworkAdmin { email: email.clone(), display_name: args.name.clone(), password };
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    match runtime.block_on(accounts::create_network_admin(&app, &Actor::system(SystemJob::Cli), new)) {
        Ok(_) => {
            println!("network administrator {email} created");
            Ok(())
        }
        Err(AppError::Conflict(Conflict::Duplicate(Duplicate::UserEmail))) => {
            anyhow::bail!("an account with the e-mail {email} already exists")
        }
        Err(AppError::Validation(errors)) => {
            let problems: Vec<String> = errors.iter().map(|(field, key)| format!("{field}: {key}")).collect();
            anyhow::bail!("{}", problems.join(", "))
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
