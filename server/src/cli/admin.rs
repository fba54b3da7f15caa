//! `courseware create-admin`: an administrator from INITIAL_ADMIN_EMAIL /
//! _NAME / _PASSWORD, or by asking (the password is not echoed).

use std::io::IsTerminal;

use backend::Config;

use crate::startup;

pub async fn run(mut config: Config) -> anyhow::Result<()> {
    let email = match config.initial_admin_email.take() {
        Some(e) => e,
        None => prompt("Email: ")?,
    };
    let name = match config.initial_admin_name.take() {
        Some(n) => n,
        None => prompt("Name: ")?,
    };
    let password = match config.initial_admin_password.take() {
        Some(p) => p.expose().to_owned(),
        None => {
            anyhow::ensure!(
                std::io::stdin().is_terminal(),
                "INITIAL_ADMIN_PASSWORD is not set and there is no terminal to ask on"
            );
            let p = rpassword::prompt_password("Password (at least 10 characters): ")?;
            let again = rpassword::prompt_password("Password again: ")?;
            anyhow::ensure!(p == again, "the passwords differ");
            p
        }
    };
    let state = startup::prepare(config).await?;
    let id = startup::create_admin(&state, &email, &name, &password).await?;
    println!("administrator {email} created (id {id})");
    Ok(())
}

fn prompt(label: &str) -> anyhow::Result<String> {
    use std::io::Write;
    print!("{label}");
    std::io::stdout().flush()?;
    let mut line = String::new();
    std::io::stdin().read_line(&mut line)?;
    let line = line.trim().to_owned();
    anyhow::ensure!(!line.is_empty(), "no answer given");
    Ok(line)
}
