//! The `courseware` command: `serve` (the default) and administrative tools.

use std::io::IsTerminal;

use anyhow::Context;
use backend::Config;
use clap::{Parser, Subcommand};
use server::startup;

#[derive(Parser)]
#[command(
    name = "courseware",
    version,
    about = "Turns course outlines into PowerPoint decks."
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    config: Config,
}

#[derive(Subcommand)]
enum Command {
    /// Apply migrations and serve the web app (the default).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Copy an installation's database into another, empty one — e.g. the
    /// SQLite file into PostgreSQL before running replicas — and check the
    /// copy by counting every table on both sides. Stop the server first.
    MigrateDb {
        /// The database to copy: sqlite://path/to/courseware.db or postgres://…
        #[arg(long, value_parser = backend::db::Target::parse)]
        from: backend::db::Target,
        /// The empty database to fill: postgres://… or sqlite://…
        #[arg(long, value_parser = backend::db::Target::parse)]
        to: backend::db::Target,
    },
    /// Create an administrator from INITIAL_ADMIN_EMAIL / _NAME / _PASSWORD,
    /// or by asking (the password is not echoed).
    CreateAdmin,
    /// Generate a course deck from an outline without the server.
    Generate(Box<server::cli::generate::GenerateArgs>),
    /// Copy the bank folders to or from object storage (S3_BUCKET).
    #[command(subcommand)]
    Banks(BanksCommand),
    /// Inspect templates, build decks from a plan, lint decks.
    #[command(subcommand)]
    Deck(server::cli::deck::DeckCommand),
    /// Write a checked, consistent copy of the database (works while the
    /// server runs): VACUUM INTO a temporary file, integrity check, rename.
    Backup {
        /// The backup file to write.
        #[arg(long)]
        output: std::path::PathBuf,
        /// Also copy it to object storage under S3_BACKUPS_PREFIX.
        #[arg(long)]
        s3: bool,
    },
    /// Import the previous tool's JSON files (web/data/*.json): job history,
    /// daily activity, token usage. Bad rows are reported and skipped;
    /// running it again imports nothing new.
    ImportLegacy {
        /// The history file: an array of job objects.
        #[arg(long)]
        history: Option<std::path::PathBuf>,
        /// The daily activity file: {date: {courses, slides}} or [{date, courses, slides}].
        #[arg(long)]
        activity: Option<std::path::PathBuf>,
        /// The token usage file: an array of usage rows.
        #[arg(long)]
        tokens: Option<std::path::PathBuf>,
        /// The old tool's output folder: decks named in `output_local` are copied into storage.
        #[arg(long)]
        outputs: Option<std::path::PathBuf>,
    },
    /// Restore a backup as the database of DATA_DIR (the current one is
    /// kept aside). Refuses while a server uses DATA_DIR unless --force.
    Restore {
        /// The backup file to restore.
        #[arg(long)]
        input: std::path::PathBuf,
        /// Replace the database even though a server holds DATA_DIR.
        #[arg(long)]
        force: bool,
    },
}

#[derive(Subcommand)]
enum BanksCommand {
    /// Upload the local bank folders to S3_BANKS_PREFIX, skipping unchanged files.
    Upload,
    /// Download the banks into BANKS_ROOT, skipping files already present and unchanged.
    Sync,
}

/// `courseware pdf-text`: the PDF text extractor the server runs as a child
/// process (see `backend::jobs::outlines::pdf_text_isolated`): PDF bytes on stdin,
/// text on stdout, exit status 2 when the PDF cannot be read.
fn pdf_text_child() -> i32 {
    use std::io::{Read, Write};
    let mut input = Vec::new();
    let limit = types::limits::MAX_OUTLINE_BYTES as u64 + 1;
    if std::io::stdin().take(limit).read_to_end(&mut input).is_err() {
        return 2;
    }
    match course::parse::pdf_text(&input) {
        Ok(text) => match std::io::stdout().write_all(text.as_bytes()) {
            Ok(()) => 0,
            Err(_) => 2,
        },
        Err(_) => 2,
    }
}

/// `courseware probe http://HOST:PORT/PATH`: exit 0 when the URL answers
/// 200 within 3 s — the container's HEALTHCHECK, which needs no curl.
fn probe(url: &str) -> i32 {
    use std::io::{Read, Write};
    use std::net::ToSocketAddrs;
    use std::time::Duration;
    let Some(rest) = url.strip_prefix("http://") else {
        eprintln!("probe: only http:// URLs");
        return 2;
    };
    let (host, path) = rest
        .split_once('/')
        .map_or((rest, "/".to_string()), |(h, p)| (h, format!("/{p}")));
    let Some(addr) = host.to_socket_addrs().ok().and_then(|mut a| a.next()) else {
        eprintln!("probe: cannot resolve {host}");
        return 2;
    };
    let answer = (|| -> std::io::Result<String> {
        let mut s = std::net::TcpStream::connect_timeout(&addr, Duration::from_secs(3))?;
        s.set_read_timeout(Some(Duration::from_secs(3)))?;
        s.write_all(format!("GET {path} HTTP/1.0\r\nHost: {host}\r\n\r\n").as_bytes())?;
        let mut head = [0u8; 64];
        let n = s.read(&mut head)?;
        Ok(String::from_utf8_lossy(&head[..n]).into_owned())
    })();
    match answer {
        Ok(a) if a.starts_with("HTTP/1.0 200") || a.starts_with("HTTP/1.1 200") => 0,
        Ok(a) => {
            eprintln!("probe: {}", a.lines().next().unwrap_or(""));
            1
        }
        Err(e) => {
            eprintln!("probe: {e}");
            1
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().take(3).collect();
    match args.get(1).map(String::as_str) {
        Some("pdf-text") => std::process::exit(pdf_text_child()),
        Some("probe") => std::process::exit(probe(args.get(2).map_or("", String::as_str))),
        _ => {}
    }
    serve_main();
}

#[tokio::main]
async fn serve_main() {
    // A missing .env is normal; a malformed one is worth saying.
    if let Err(e) = dotenvy::dotenv() {
        if !e.not_found() {
            eprintln!("warning: could not read .env: {e}");
        }
    }
    let cli = Cli::parse();
    server::telemetry::init(cli.config.log_format);
    if let Err(e) = run(cli).await {
        tracing::error!("{e:#}");
        eprintln!("error: {e:#}");
        std::process::exit(1);
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command.unwrap_or(Command::Serve) {
        Command::Deck(cmd) => tokio::task::spawn_blocking(move || server::cli::deck::run(cmd)).await?,
        Command::Generate(args) => {
            tokio::task::spawn_blocking(move || server::cli::generate::run(*args)).await?
        }
        Command::Serve => {
            let bind = cli.config.bind;
            let state = startup::prepare(cli.config).await?;
            let listener = startup::listen(bind).with_context(|| format!("could not listen on {bind}"))?;
            let addr = listener.local_addr()?;
            tracing::info!("Courseware is running at http://{addr}");
            println!("Courseware is running at http://{addr}");
            startup::serve(listener, state, startup::shutdown_signal()).await
        }
        Command::Banks(cmd) => {
            let s3 = backend::storage::s3::S3::from_config(&cli.config.s3)
                .await?
                .context("S3_BUCKET is not set: there is no bucket to copy the banks to or from")?;
            let started = std::time::Instant::now();
            let line = match cmd {
                BanksCommand::Upload => backend::templates::banks::upload(&s3, &cli.config)
                    .await?
                    .line("uploaded"),
                BanksCommand::Sync => {
                    let root = &cli.config.s3.banks_root;
                    let s = backend::templates::banks::sync(&s3, root).await?;
                    format!("{} into {}", s.line("downloaded"), root.display())
                }
            };
            println!("{line} in {:.1} s", started.elapsed().as_secs_f64());
            Ok(())
        }
        Command::Backup { output, s3 } => {
            anyhow::ensure!(
                matches!(cli.config.database()?, backend::db::Target::Sqlite(_)),
                "DATABASE_URL names PostgreSQL: back it up and restore it with pg_dump and pg_restore"
            );
            let path = cli.config.database_path();
            anyhow::ensure!(path.is_file(), "there is no database at {}", path.display());
            let pool = backend::db::open(&path).await?;
            let w = backend::ops::backup::backup(&pool, &output).await?;
            pool.close().await;
            println!(
                "backup of {} written to {}: {:.1} MB in {:.2} s, integrity checked",
                path.display(),
                w.path.display(),
                w.bytes as f64 / 1e6,
                w.seconds
            );
            if s3 {
                let bucket = backend::storage::s3::S3::from_config(&cli.config.s3)
                    .await?
                    .context("S3_BUCKET is not set: there is no bucket to copy the backup to")?;
                let name = output.file_name().and_then(|n| n.to_str()).unwrap_or("backup.db");
                let key = format!("{}{name}", cli.config.s3.s3_backups_prefix);
                bucket.put_file(&key, &output, "application/vnd.sqlite3").await?;
                println!("copied to object storage as {key}");
            }
            Ok(())
        }
        Command::ImportLegacy {
            history,
            activity,
            tokens,
            outputs,
        } => {
            anyhow::ensure!(
                history.is_some() || activity.is_some() || tokens.is_some(),
                "give at least one of --history, --activity, --tokens"
            );
            let prices = match &cli.config.llm.llm_prices_file {
                Some(p) => backend::llm::Prices::with_overrides(p)?,
                None => backend::llm::Prices::default(),
            };
            let state = startup::prepare(cli.config).await?;
            let started = std::time::Instant::now();
            let show = |what: &str, r: &backend::ops::legacy::Report| {
                println!("{}", r.line(what));
                for (i, why) in r.skipped.iter().take(50) {
                    println!("  skipped row {i}: {why}");
                }
                if r.skipped.len() > 50 {
                    println!("  … and {} more skipped rows", r.skipped.len() - 50);
                }
                for n in r.notes.iter().take(50) {
                    println!("  note: {n}");
                }
            };
            if let Some(f) = &history {
                let v = backend::ops::legacy::read_json(f)?;
                let r = backend::ops::legacy::import_history(&state, &v, outputs.as_deref()).await?;
                show(&format!("history ({})", f.display()), &r);
            }
            if let Some(f) = &activity {
                let v = backend::ops::legacy::read_json(f)?;
                let r = backend::ops::legacy::import_activity(&state.pool, &v).await?;
                show(&format!("activity ({})", f.display()), &r);
            }
            if let Some(f) = &tokens {
                let v = backend::ops::legacy::read_json(f)?;
                let r = backend::ops::legacy::import_tokens(&state.pool, &v, &prices).await?;
                show(&format!("tokens ({})", f.display()), &r);
            }
            println!("done in {:.1} s", started.elapsed().as_secs_f64());
            state.pool.close().await;
            Ok(())
        }
        Command::Restore { input, force } => {
            anyhow::ensure!(
                matches!(cli.config.database()?, backend::db::Target::Sqlite(_)),
                "DATABASE_URL names PostgreSQL: back it up and restore it with pg_dump and pg_restore"
            );
            let path = cli.config.database_path();
            let r = backend::ops::backup::restore(&input, &cli.config.data_dir, &path, force).await?;
            match r.previous {
                Some(p) => println!(
                    "restored {} as {} (the previous database is kept as {})",
                    input.display(),
                    path.display(),
                    p.display()
                ),
                None => println!("restored {} as {}", input.display(), path.display()),
            }
            Ok(())
        }
        Command::MigrateDb { from, to } => {
            let started = std::time::Instant::now();
            if let backend::db::Target::Sqlite(path) = &from {
                anyhow::ensure!(path.is_file(), "there is no database at {}", path.display());
            }
            let source = backend::db::connect(&from).await?;
            let target = backend::db::connect(&to).await?;
            backend::db::migrate(&source).await?;
            backend::db::migrate(&target).await?;
            let counts = backend::db::copy::copy(&source, &target).await?;
            let total: u64 = counts.iter().map(|c| c.1).sum();
            for (table, n) in &counts {
                println!("{table:<18} {n:>8} rows, the same on both sides");
            }
            println!(
                "copied {} into {}: {total} rows in {:.1} s",
                from.describe(),
                to.describe(),
                started.elapsed().as_secs_f64()
            );
            source.close().await;
            target.close().await;
            Ok(())
        }
        Command::Migrate => {
            let target = cli.config.database()?;
            let pool = backend::db::connect(&target).await?;
            backend::db::migrate(&pool).await?;
            println!("migrations applied to {}", target.describe());
            Ok(())
        }
        Command::CreateAdmin => {
            let mut config = cli.config;
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
    }
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
