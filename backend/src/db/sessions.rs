//! A `tower-sessions` store in the application's own database.
//!
//! Written here rather than taken from `tower-sessions-sqlx-store` for one
//! reason: the signed-in user's id is copied into its own indexed column, so
//! disabling a user (or resetting their password) ends all their sessions with
//! a single `DELETE`. Sessions live in the database, so they survive a
//! server restart.

use super::Pool;
use time::OffsetDateTime;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, SessionStore};

/// The session key under which the signed-in user's id is kept.
pub const USER_ID_KEY: &str = "user_id";

/// Session records in the `sessions` table.
#[derive(Debug, Clone)]
pub struct DbSessionStore {
    pool: Pool,
}

impl DbSessionStore {
    pub fn new(pool: Pool) -> Self {
        Self { pool }
    }

    /// Deletes every session that has expired; run periodically.
    pub async fn delete_expired(&self) -> Result<u64, sqlx::Error> {
        let now = OffsetDateTime::now_utc().unix_timestamp();
        let done = super::on_db!(&self.pool, pool => {
            sqlx::query("DELETE FROM sessions WHERE expiry_date < $1").bind(now).execute(pool).await?.rows_affected()
        });
        Ok(done)
    }

    /// Ends every session of one user (used when they are disabled), except
    /// `keep` (the caller's own session when they change their own password).
    pub async fn delete_for_user(pool: &Pool, user_id: i64, keep: Option<&str>) -> Result<u64, sqlx::Error> {
        let done = super::on_db!(pool, pool => {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id IS DISTINCT FROM $2")
                .bind(user_id)
                .bind(keep)
                .execute(pool)
                .await?
                .rows_affected()
        });
        Ok(done)
    }
}

fn backend(e: sqlx::Error) -> session_store::Error {
    session_store::Error::Backend(e.to_string())
}

fn encode(record: &Record) -> session_store::Result<Vec<u8>> {
    serde_json::to_vec(&record.data).map_err(|e| session_store::Error::Encode(e.to_string()))
}

fn user_of(record: &Record) -> Option<i64> {
    record.data.get(USER_ID_KEY).and_then(|v| v.as_i64())
}

#[async_trait::async_trait]
impl SessionStore for DbSessionStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        let data = encode(record)?;
        // A fresh random 128-bit id practically never collides, but if it does
        // we pick another instead of overwriting someone else's session.
        loop {
            let done = super::on_db!(&self.pool, pool => {
                sqlx::query(
                    "INSERT INTO sessions (id, data, expiry_date, user_id) VALUES ($1, $2, $3, $4)
                     ON CONFLICT (id) DO NOTHING",
                )
                .bind(record.id.to_string())
                .bind(&data)
                .bind(record.expiry_date.unix_timestamp())
                .bind(user_of(record))
                .execute(pool)
                .await
                .map_err(backend)?
                .rows_affected()
            });
            if done == 1 {
                return Ok(());
            }
            record.id = Id::default();
        }
    }

    /// Update-only: a session deleted while a request was using it (sign-out
    /// elsewhere, the user disabled, a password reset) stays deleted, whatever
    /// that request writes afterwards. New sessions go through `create`.
    async fn save(&self, record: &Record) -> session_store::Result<()> {
        let data = encode(record)?;
        super::on_db!(&self.pool, pool => {
            sqlx::query("UPDATE sessions SET data = $1, expiry_date = $2, user_id = $3 WHERE id = $4")
                .bind(&data)
                .bind(record.expiry_date.unix_timestamp())
                .bind(user_of(record))
                .bind(record.id.to_string())
                .execute(pool)
                .await
                .map_err(backend)?;
        });
        Ok(())
    }

    async fn load(&self, session_id: &Id) -> session_store::Result<Option<Record>> {
        let now = OffsetDateTime::now_utc().unix_timestamp();
        let row: Option<(Vec<u8>, i64)> = super::on_db!(&self.pool, pool => {
            sqlx::query_as("SELECT data, expiry_date FROM sessions WHERE id = $1 AND expiry_date > $2")
                .bind(session_id.to_string())
                .bind(now)
                .fetch_optional(pool)
                .await
                .map_err(backend)?
        });
        let Some((data, expiry)) = row else {
            return Ok(None);
        };
        let data = serde_json::from_slice(&data).map_err(|e| session_store::Error::Decode(e.to_string()))?;
        let expiry_date = OffsetDateTime::from_unix_timestamp(expiry)
            .map_err(|e| session_store::Error::Decode(e.to_string()))?;
        Ok(Some(Record {
            id: *session_id,
            data,
            expiry_date,
        }))
    }

    async fn delete(&self, session_id: &Id) -> session_store::Result<()> {
        super::on_db!(&self.pool, pool => {
            sqlx::query("DELETE FROM sessions WHERE id = $1")
                .bind(session_id.to_string())
                .execute(pool)
                .await
                .map_err(backend)?;
        });
        Ok(())
    }
}
