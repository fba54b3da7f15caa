//! The `courseware` command: `serve` (the default) and administrative tools,
//! parsed here and run by their files under `cli/`.

use backend::Config;
use clap::{Parser, Subcommand};
use server::cli;

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
    MigrateDb(cli::migrate::CopyArgs),
    /// Create an administrator from INITIAL_ADMIN_EMAIL / _NAME / _PASSWORD,
    /// or by asking (the password is not echoed).
    CreateAdmin,
    /// Generate a course deck from an outline without the server.
    Generate(Box<cli::generate::GenerateArgs>),
    /// Copy the bank folders to or from object storage (S3_BUCKET).
    #[command(subcommand)]
    Banks(cli::banks::BanksCommand),
    /// Inspect templates, build decks from a plan, lint decks.
    #[command(subcommand)]
    Deck(cli::deck::DeckCommand),
    /// Write a checked, consistent copy of the database (works while the
    /// server runs): VACUUM INTO a temporary file, integrity check, rename.
    Backup(cli::backup::BackupArgs),
    /// Import the previous tool's JSON files (web/data/*.json): job history,
    /// daily activity, token usage. Bad rows are reported and skipped;
    /// running it again imports nothing new.
    ImportLegacy(cli::legacy::ImportArgs),
    /// Serve the MCP tools for AI assistants on stdin/stdout, acting for the
    /// API token in COURSEWARE_TOKEN over this installation's database (the
    /// running server builds the courses). Logs go to stderr.
    Mcp,
    /// Restore a backup as the database of DATA_DIR (the current one is
    /// kept aside). Refuses while a server uses DATA_DIR unless --force.
    Restore(cli::backup::RestoreArgs),
}

fn main() {
    let args: Vec<String> = std::env::args().take(3).collect();
    match args.get(1).map(String::as_str) {
        Some("pdf-text") => std::process::exit(cli::child::pdf_text()),
        Some("probe") => std::process::exit(cli::child::probe(args.get(2).map_or("", String::as_str))),
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
    let parsed = Cli::parse();
    if matches!(parsed.command, Some(Command::Mcp)) {
        server::telemetry::init_stderr(parsed.config.log_format);
    } else {
        server::telemetry::init(parsed.config.log_format);
    }
    if let Err(e) = run(parsed).await {
        tracing::error!("{e:#}");
        eprintln!("error: {e:#}");
        std::process::exit(1);
    }
}

async fn run(parsed: Cli) -> anyhow::Result<()> {
    let config = parsed.config;
    match parsed.command.unwrap_or(Command::Serve) {
        Command::Serve => cli::serve::run(config).await,
        Command::Migrate => cli::migrate::migrate(config).await,
        Command::MigrateDb(args) => cli::migrate::copy(args).await,
        Command::CreateAdmin => cli::admin::run(config).await,
        Command::Generate(args) => tokio::task::spawn_blocking(move || cli::generate::run(*args)).await?,
        Command::Banks(cmd) => cli::banks::run(cmd, config).await,
        Command::Deck(cmd) => tokio::task::spawn_blocking(move || cli::deck::run(cmd)).await?,
        Command::Backup(args) => cli::backup::backup(args, config).await,
        Command::ImportLegacy(args) => cli::legacy::run(args, config).await,
        Command::Restore(args) => cli::backup::restore(args, config).await,
        Command::Mcp => cli::mcp::run(config).await,
    }
}
