//! `courseware backup` and `courseware restore`: a checked, consistent copy
//! of the SQLite database (also while the server runs), and putting one back.

use anyhow::Context;
use backend::Config;

#[derive(clap::Args)]
pub struct BackupArgs {
    /// The backup file to write.
    #[arg(long)]
    output: std::path::PathBuf,
    /// Also copy it to object storage under S3_BACKUPS_PREFIX.
    #[arg(long)]
    s3: bool,
}

#[derive(clap::Args)]
pub struct RestoreArgs {
    /// The backup file to restore.
    #[arg(long)]
    input: std::path::PathBuf,
    /// Replace the database even though a server holds DATA_DIR.
    #[arg(long)]
    force: bool,
}

fn sqlite_only(config: &Config) -> anyhow::Result<()> {
    anyhow::ensure!(
        matches!(config.database()?, backend::db::Target::Sqlite(_)),
        "DATABASE_URL names PostgreSQL: back it up and restore it with pg_dump and pg_restore"
    );
    Ok(())
}

pub async fn backup(args: BackupArgs, config: Config) -> anyhow::Result<()> {
    let BackupArgs { output, s3 } = args;
    sqlite_only(&config)?;
    let path = config.database_path();
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
        let bucket = backend::storage::s3::S3::from_config(&config.s3)
            .await?
            .context("S3_BUCKET is not set: there is no bucket to copy the backup to")?;
        let name = output.file_name().and_then(|n| n.to_str()).unwrap_or("backup.db");
        let key = format!("{}{name}", config.s3.s3_backups_prefix);
        bucket.put_file(&key, &output, "application/vnd.sqlite3").await?;
        println!("copied to object storage as {key}");
    }
    Ok(())
}

pub async fn restore(args: RestoreArgs, config: Config) -> anyhow::Result<()> {
    let RestoreArgs { input, force } = args;
    sqlite_only(&config)?;
    let path = config.database_path();
    let r = backend::ops::backup::restore(&input, &config.data_dir, &path, force).await?;
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
