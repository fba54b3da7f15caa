//! The database: opening it, migrations, and — in the submodules — every SQL
//! statement the application runs, one module per group of tables.
//!
//! WAL mode lets readers (the dashboard) run while a writer (a job worker)
//! commits; the busy timeout turns short write contention into a wait instead
//! of an error.

pub mod copy;
pub mod idempotency;
pub mod jobs;
pub mod metrics;
pub mod reviews;
pub mod sessions;
pub mod tokens;
pub mod usage;
pub mod users;
pub mod webhooks;

use std::path::Path;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, SqlitePool};

/// The application's database: the embedded SQLite file, or PostgreSQL.
///
/// Every statement is written once, in SQL both understand (`$1`
/// placeholders, `RETURNING`, `ON CONFLICT`), and run through [`on_db!`],
/// which compiles it for each database's own driver and types.
#[derive(Debug, Clone)]
pub enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

impl Pool {
    /// The SQLite pool, when that is the database (backups, maintenance
    /// that only SQLite has).
    pub fn as_sqlite(&self) -> Option<&SqlitePool> {
        match self {
            Self::Sqlite(pool) => Some(pool),
            Self::Postgres(_) => None,
        }
    }

    /// Open connections and how many of them are idle (for `/metrics`).
    pub fn connections(&self) -> (u32, u32) {
        on_db!(self, pool => (pool.size(), pool.num_idle() as u32))
    }

    /// Closes every connection (at shutdown).
    pub async fn close(&self) {
        on_db!(self, pool => pool.close().await)
    }
}

/// Runs `$body` with `$p` bound to the concrete pool: the body is compiled
/// once per database, so each gets its own driver's types and statements.
///
/// ```ignore
/// on_db!(pool, pool => sqlx::query("DELETE FROM jobs WHERE id = $1").bind(id).execute(pool).await)
/// ```
#[macro_export]
macro_rules! on_db {
    ($pool:expr, $p:ident => $body:expr) => {
        match $pool {
            $crate::db::Pool::Sqlite($p) => $body,
            $crate::db::Pool::Postgres($p) => $body,
        }
    };
}
pub use on_db;

/// Why the database could not be made ready.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("could not create the data directory {path}: {source}")]
    CreateDir { path: String, source: std::io::Error },
    #[error("could not open the database {path}: {source}")]
    Open { path: String, source: sqlx::Error },
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// Opens (creating if needed) the database file with WAL and a busy timeout.
pub async fn open(path: &Path) -> Result<Pool, DbError> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|source| DbError::CreateDir {
            path: dir.display().to_string(),
            source,
        })?;
    }
    let options = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .busy_timeout(Duration::from_secs(10))
        .foreign_keys(true);
    SqlitePoolOptions::new()
        .max_connections(8)
        .connect_with(options)
        .await
        .map(Pool::Sqlite)
        .map_err(|source| DbError::Open {
            path: path.display().to_string(),
            source,
        })
}

/// The migrations compiled into this binary, one set per database, kept in
/// step: the same versions, each the same change in the other's SQL (a
/// unit test compares the two lists).
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/sqlite");
pub static PG_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/postgres");

/// Held by one server of the cluster at a time: the work it guards (the
/// retention pass) runs once for the cluster, not once per replica. On
/// PostgreSQL a session advisory lock on a connection of its own; on SQLite
/// one process owns the data directory, so it always holds it.
pub struct ClusterLock(Option<sqlx::pool::PoolConnection<sqlx::Postgres>>);

/// Keys of the cluster-wide locks.
pub mod locks {
    /// The janitor's retention pass.
    pub const RETENTION: i64 = 0x636f_7572_0001;
}

/// Takes the cluster lock `key` if no other server holds it.
pub async fn try_cluster_lock(pool: &Pool, key: i64) -> Result<Option<ClusterLock>, sqlx::Error> {
    match pool {
        Pool::Sqlite(_) => Ok(Some(ClusterLock(None))),
        Pool::Postgres(pg) => {
            let mut conn = pg.acquire().await?;
            let got: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1)")
                .bind(key)
                .fetch_one(&mut *conn)
                .await?;
            Ok(got.then(|| ClusterLock(Some(conn))))
        }
    }
}

impl ClusterLock {
    /// Gives the lock back (its connection returns to the pool).
    pub async fn release(mut self) {
        if let Some(mut conn) = self.0.take() {
            if sqlx::query("SELECT pg_advisory_unlock_all()")
                .execute(&mut *conn)
                .await
                .is_err()
            {
                // Closing the connection ends the session, and its locks with it.
                drop(conn.detach());
            }
        }
    }
}

impl Drop for ClusterLock {
    /// Not released (a panic, a cancelled task): the connection is closed
    /// rather than returned to the pool still holding the lock.
    fn drop(&mut self) {
        if let Some(conn) = self.0.take() {
            drop(conn.detach());
        }
    }
}

/// Where the data lives (see `Config::database`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Sqlite(std::path::PathBuf),
    /// A `postgres://` address (it may hold a password: never log it whole).
    Postgres(String),
}

impl Target {
    /// `sqlite://path` or `postgres://…` (as `migrate-db` takes them).
    pub fn parse(url: &str) -> Result<Self, String> {
        if let Some(path) = url.strip_prefix("sqlite://") {
            Ok(Self::Sqlite(path.into()))
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Self::Postgres(url.to_owned()))
        } else {
            Err("a database address starts with sqlite:// or postgres://".into())
        }
    }

    /// For logs: the file, or the PostgreSQL host and database without
    /// user or password.
    pub fn describe(&self) -> String {
        match self {
            Self::Sqlite(path) => path.display().to_string(),
            Self::Postgres(url) => {
                let rest = url.split_once("://").map_or(url.as_str(), |(_, r)| r);
                let host_db = rest.rsplit_once('@').map_or(rest, |(_, h)| h);
                let host_db = host_db.split('?').next().unwrap_or(host_db);
                format!("postgres://{host_db}")
            }
        }
    }
}

/// Opens the database `target` names (for SQLite, creating the file).
pub async fn connect(target: &Target) -> Result<Pool, DbError> {
    match target {
        Target::Sqlite(path) => open(path).await,
        Target::Postgres(url) => {
            let options: sqlx::postgres::PgConnectOptions = url.parse().map_err(|source| DbError::Open {
                path: target.describe(),
                source,
            })?;
            // A server started beside its database (compose, a reboot) may
            // come up first: a refused or unreachable connection is retried
            // for half a minute; anything else (bad password, no such
            // database) fails at once.
            let started = std::time::Instant::now();
            loop {
                let attempt = sqlx::postgres::PgPoolOptions::new()
                    .max_connections(8)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect_with(options.clone())
                    .await;
                match attempt {
                    Ok(pool) => return Ok(Pool::Postgres(pool)),
                    Err(sqlx::Error::Io(e)) if started.elapsed() < Duration::from_secs(30) => {
                        tracing::warn!(database = %target.describe(), error = %e, "PostgreSQL does not answer yet; retrying");
                        tokio::time::sleep(Duration::from_secs(1)).await;
                    }
                    Err(source) => {
                        return Err(DbError::Open {
                            path: target.describe(),
                            source,
                        })
                    }
                }
            }
        }
    }
}

/// Records `value` for `name` unless a server on this database recorded one
/// first; returns the recorded value (equal to `value` when they agree).
pub async fn agree_on_setting(pool: &Pool, name: &str, value: &str) -> Result<String, sqlx::Error> {
    on_db!(pool, pool => {
        sqlx::query("INSERT INTO cluster_settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING")
            .bind(name)
            .bind(value)
            .execute(pool)
            .await?;
        sqlx::query_scalar("SELECT value FROM cluster_settings WHERE name = $1")
            .bind(name)
            .fetch_one(pool)
            .await
    })
}

/// Whether every migration this binary knows is applied (for readiness).
pub async fn migrations_applied(pool: &Pool) -> bool {
    let applied: Result<i64, _> = on_db!(pool, pool => {
        sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations WHERE success")
            .fetch_one(pool)
            .await
    });
    applied.is_ok_and(|n| n as usize >= MIGRATOR.iter().count())
}

pub async fn migrate(pool: &Pool) -> Result<(), DbError> {
    match pool {
        Pool::Sqlite(pool) => MIGRATOR.run(pool).await?,
        Pool::Postgres(pool) => PG_MIGRATOR.run(pool).await?,
    }
    Ok(())
}

/// Whether the database answers a trivial query.
pub async fn ping(pool: &Pool) -> bool {
    on_db!(pool, pool => sqlx::query_scalar::<_, i32>("SELECT 1").fetch_one(pool).await.is_ok())
}

/// The current time as RFC 3339 UTC text, the format every timestamp column uses.
pub fn now_rfc3339() -> String {
    rfc3339(time::OffsetDateTime::now_utc())
}

/// `at` as stored: RFC 3339, whole seconds, so stored times sort as text.
pub fn rfc3339(at: time::OffsetDateTime) -> String {
    at.replace_nanosecond(0)
        .unwrap_or(at)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_databases_have_the_same_migrations() {
        let sqlite: Vec<_> = MIGRATOR
            .iter()
            .map(|m| (m.version, m.description.to_string()))
            .collect();
        let pg: Vec<_> = PG_MIGRATOR
            .iter()
            .map(|m| (m.version, m.description.to_string()))
            .collect();
        assert!(!sqlite.is_empty());
        assert_eq!(
            sqlite, pg,
            "migrations/sqlite and migrations/postgres must list the same changes"
        );
    }

    #[test]
    fn a_postgres_address_is_logged_without_its_password() {
        let t = Target::Postgres("postgres://app:s3cret@db.internal:5432/courseware?sslmode=require".into());
        assert_eq!(t.describe(), "postgres://db.internal:5432/courseware");
        assert!(!t.describe().contains("s3cret"));
    }
}
