//! Backups and restores of the SQLite database.
//!
//! A backup is `VACUUM INTO` a temporary file beside the target — an online,
//! consistent snapshot taken while the server keeps writing (WAL readers do
//! not block writers) — then checked with `PRAGMA integrity_check`, flushed
//! and renamed into place, so a backup file is either complete and checked
//! or absent. The server can take them on a schedule and keep the newest N;
//! a copy can also go to object storage.
//!
//! A restore checks the file the same way (and that it is a Courseware
//! database), refuses while a server holds the data directory's lock unless
//! forced, moves the current database aside and puts the backup in its place.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{bail, Context};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection};

/// Name of the lock file a serving process holds in `DATA_DIR`.
pub const LOCK_FILE: &str = "courseware.lock";

/// A backup that was written.
#[derive(Debug, Clone)]
pub struct Written {
    pub path: PathBuf,
    pub bytes: u64,
    pub seconds: f64,
}

/// Writes a checked, consistent copy of the database behind `pool` to `output`.
pub async fn backup(pool: &crate::db::Pool, output: &Path) -> anyhow::Result<Written> {
    let Some(pool) = pool.as_sqlite() else {
        anyhow::bail!("backups of a PostgreSQL database are made with PostgreSQL's own tools (pg_dump)");
    };
    let started = std::time::Instant::now();
    let dir = output
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    tokio::fs::create_dir_all(dir)
        .await
        .with_context(|| format!("creating {}", dir.display()))?;
    let name = output
        .file_name()
        .and_then(|n| n.to_str())
        .context("the backup file needs a name")?;
    let tmp = dir.join(format!(".{name}.part"));
    let _ = tokio::fs::remove_file(&tmp).await;
    let tmp_text = tmp
        .to_str()
        .context("the backup path is not valid UTF-8")?
        .to_owned();
    let result = async {
        sqlx::query("VACUUM INTO $1")
            .bind(&tmp_text)
            .execute(pool)
            .await
            .context("copying the database (VACUUM INTO)")?;
        verify(&tmp).await?;
        let file = tokio::fs::File::open(&tmp).await?;
        file.sync_all().await?;
        tokio::fs::rename(&tmp, output)
            .await
            .with_context(|| format!("moving the backup into {}", output.display()))?;
        if let Ok(d) = tokio::fs::File::open(dir).await {
            let _ = d.sync_all().await;
        }
        anyhow::Ok(())
    }
    .await;
    if let Err(e) = result {
        let _ = tokio::fs::remove_file(&tmp).await;
        return Err(e);
    }
    let bytes = tokio::fs::metadata(output).await?.len();
    Ok(Written {
        path: output.to_path_buf(),
        bytes,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// Checks that `file` is an intact Courseware database: SQLite's integrity
/// check passes and the migration table is there. The error says what is
/// wrong, for the operator.
pub async fn verify(file: &Path) -> anyhow::Result<()> {
    let meta = tokio::fs::metadata(file)
        .await
        .with_context(|| format!("{} cannot be read", file.display()))?;
    if meta.len() < 512 {
        bail!(
            "{} is not a database backup (only {} bytes)",
            file.display(),
            meta.len()
        );
    }
    let mut conn = SqliteConnectOptions::new()
        .filename(file)
        .read_only(true)
        .immutable(true)
        .connect()
        .await
        .with_context(|| format!("{} is not a SQLite database", file.display()))?;
    let checked: Result<Vec<String>, _> = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_all(&mut conn)
        .await;
    let problems = match checked {
        Ok(rows) if rows == ["ok"] => None,
        Ok(rows) => Some(rows.into_iter().take(3).collect::<Vec<_>>().join("; ")),
        Err(e) => Some(e.to_string()),
    };
    if let Some(p) = problems {
        let _ = conn.close().await;
        bail!("{} is damaged: {p}", file.display());
    }
    let migrations: Result<i64, _> =
        sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations WHERE success = 1")
            .fetch_one(&mut conn)
            .await;
    let _ = conn.close().await;
    match migrations {
        Ok(n) if n > 0 => Ok(()),
        _ => bail!("{} is a SQLite database but not a Courseware one", file.display()),
    }
}

/// The data directory's lock, held by a serving process for its lifetime.
pub struct DataLock(#[allow(dead_code)] std::fs::File);

/// Takes the data directory's lock; `None` when another process holds it.
pub fn lock_data_dir(data_dir: &Path) -> std::io::Result<Option<DataLock>> {
    std::fs::create_dir_all(data_dir)?;
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(data_dir.join(LOCK_FILE))?;
    match file.try_lock() {
        Ok(()) => Ok(Some(DataLock(file))),
        Err(std::fs::TryLockError::WouldBlock) => Ok(None),
        Err(std::fs::TryLockError::Error(e)) => Err(e),
    }
}

/// What a restore did.
#[derive(Debug)]
pub struct Restored {
    /// Where the database that was replaced went (if there was one).
    pub previous: Option<PathBuf>,
}

/// Restores `input` as the database at `database` (in `data_dir`). Refuses
/// while a server holds the data directory unless `force`.
pub async fn restore(
    input: &Path,
    data_dir: &Path,
    database: &Path,
    force: bool,
) -> anyhow::Result<Restored> {
    verify(input).await?;
    let _lock = match lock_data_dir(data_dir)? {
        Some(lock) => Some(lock),
        None if force => None,
        None => bail!(
            "a running server is using {} — stop it first (or pass --force to replace its database underneath it)",
            data_dir.display()
        ),
    };
    let stamp = time::OffsetDateTime::now_utc().unix_timestamp();
    let previous = if tokio::fs::try_exists(database).await.unwrap_or(false) {
        let aside = database.with_file_name(format!(
            "{}.before-restore-{stamp}",
            database
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("courseware.db")
        ));
        tokio::fs::rename(database, &aside)
            .await
            .with_context(|| format!("moving {} aside", database.display()))?;
        for suffix in ["-wal", "-shm"] {
            let side = PathBuf::from(format!("{}{suffix}", database.display()));
            if tokio::fs::try_exists(&side).await.unwrap_or(false) {
                let to = PathBuf::from(format!("{}{suffix}", aside.display()));
                tokio::fs::rename(&side, &to).await?;
            }
        }
        Some(aside)
    } else {
        None
    };
    let tmp = database.with_file_name(".restore.part");
    tokio::fs::copy(input, &tmp)
        .await
        .with_context(|| format!("copying {}", input.display()))?;
    tokio::fs::File::open(&tmp).await?.sync_all().await?;
    tokio::fs::rename(&tmp, database).await?;
    Ok(Restored { previous })
}

/// A scheduled backup's file name: `courseware-20261124T013000Z.db`.
pub fn scheduled_name(at: time::OffsetDateTime) -> String {
    format!(
        "courseware-{:04}{:02}{:02}T{:02}{:02}{:02}Z.db",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second()
    )
}

/// Deletes scheduled backups in `dir` beyond the newest `keep`; returns how many.
pub fn prune(dir: &Path, keep: usize) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let mut names: Vec<String> = entries
        .flatten()
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| n.starts_with("courseware-") && n.ends_with("Z.db"))
        .collect();
    names.sort();
    let excess = names.len().saturating_sub(keep.max(1));
    names
        .iter()
        .take(excess)
        .filter(|n| std::fs::remove_file(dir.join(n)).is_ok())
        .count()
}

/// Takes a backup every `BACKUP_INTERVAL_HOURS` into `BACKUP_DIR` (default
/// `DATA_DIR/backups`), keeps the newest `BACKUP_KEEP`, and copies each to
/// object storage under `S3_BACKUPS_PREFIX` when a bucket is configured.
pub async fn scheduled(state: crate::AppState, mut stop: tokio::sync::watch::Receiver<bool>) {
    let hours = state.config.backup_interval_hours;
    if hours == 0 {
        return;
    }
    if state.pool.as_sqlite().is_none() {
        tracing::warn!(
            "BACKUP_INTERVAL_HOURS is set, but the database is PostgreSQL: back it up with pg_dump \
             (scheduled backups copy the SQLite file)"
        );
        return;
    }
    let every = Duration::from_secs(hours.saturating_mul(3600));
    let dir = state
        .config
        .backup_dir
        .clone()
        .unwrap_or_else(|| state.config.data_dir.join("backups"));
    loop {
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = stop.changed() => return,
        }
        let file = dir.join(scheduled_name(time::OffsetDateTime::now_utc()));
        match backup(&state.pool, &file).await {
            Ok(w) => {
                tracing::info!(file = %w.path.display(), bytes = w.bytes, seconds = w.seconds, "backup written");
                if let Some(s3) = &state.s3 {
                    let name = file.file_name().and_then(|n| n.to_str()).unwrap_or("backup.db");
                    let key = format!("{}{name}", state.config.s3.s3_backups_prefix);
                    match s3.put_file(&key, &file, "application/vnd.sqlite3").await {
                        Ok(_) => tracing::info!(key, "backup copied to object storage"),
                        Err(e) => {
                            tracing::warn!(key, error = %format!("{e:#}"), "copying the backup to object storage failed")
                        }
                    }
                }
                let removed = prune(&dir, state.config.backup_keep);
                if removed > 0 {
                    tracing::info!(removed, "old backups removed");
                }
            }
            Err(e) => tracing::error!(error = %format!("{e:#}"), "scheduled backup failed"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scheduled_names_sort_by_time_and_prune_keeps_the_newest() {
        let dir = tempfile::tempdir().expect("tmp");
        let t = time::macros::datetime!(2026-11-24 01:30:05 UTC);
        assert_eq!(scheduled_name(t), "courseware-20261124T013005Z.db");
        for h in 0..5 {
            let name = scheduled_name(t + time::Duration::hours(h));
            std::fs::write(dir.path().join(name), b"x").expect("write");
        }
        std::fs::write(dir.path().join("other.db"), b"x").expect("write");
        assert_eq!(prune(dir.path(), 2), 3);
        let mut left: Vec<String> = std::fs::read_dir(dir.path())
            .expect("dir")
            .flatten()
            .map(|e| e.file_name().into_string().expect("utf8"))
            .collect();
        left.sort();
        assert_eq!(
            left,
            [
                "courseware-20261124T043005Z.db",
                "courseware-20261124T053005Z.db",
                "other.db"
            ]
        );
    }

    #[test]
    fn the_data_directory_lock_is_exclusive() {
        let dir = tempfile::tempdir().expect("tmp");
        let held = lock_data_dir(dir.path()).expect("lock").expect("first");
        assert!(lock_data_dir(dir.path()).expect("lock").is_none());
        drop(held);
        assert!(lock_data_dir(dir.path()).expect("lock").is_some());
    }
}
