//! The `idempotency_keys` table: a key claimed by a request, then bound to
//! the course it started.

use crate::db::Pool;

/// A key already used by the caller.
#[derive(Debug, sqlx::FromRow)]
pub struct Used {
    pub body_sha256: String,
    /// `None` while the first request is still being handled.
    pub job_id: Option<String>,
}

/// Claims `key` for `user_id`; `false` when it was already claimed (a
/// claim older than `stale_before` is dropped first).
pub async fn claim(
    pool: &Pool,
    user_id: i64,
    key: &str,
    body_sha256: &str,
    now: &str,
    stale_before: &str,
) -> Result<bool, sqlx::Error> {
    crate::on_db!(pool, pool => {
        sqlx::query("DELETE FROM idempotency_keys WHERE user_id = $1 AND key = $2 AND created_at < $3")
            .bind(user_id)
            .bind(key)
            .bind(stale_before)
            .execute(pool)
            .await?;
        let inserted = sqlx::query(
            "INSERT INTO idempotency_keys (user_id, key, body_sha256, created_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (user_id, key) DO NOTHING",
        )
        .bind(user_id)
        .bind(key)
        .bind(body_sha256)
        .bind(now)
        .execute(pool)
        .await?;
        Ok(inserted.rows_affected() == 1)
    })
}

pub async fn used(pool: &Pool, user_id: i64, key: &str) -> Result<Option<Used>, sqlx::Error> {
    crate::on_db!(pool, pool => {
        sqlx::query_as("SELECT body_sha256, job_id FROM idempotency_keys WHERE user_id = $1 AND key = $2")
            .bind(user_id)
            .bind(key)
            .fetch_optional(pool)
            .await
    })
}

/// Binds a claimed key to the course its request started.
pub async fn bind(pool: &Pool, user_id: i64, key: &str, job_id: &str) -> Result<(), sqlx::Error> {
    crate::on_db!(pool, pool => {
        sqlx::query("UPDATE idempotency_keys SET job_id = $3 WHERE user_id = $1 AND key = $2")
            .bind(user_id)
            .bind(key)
            .bind(job_id)
            .execute(pool)
            .await
            .map(drop)
    })
}

/// Gives a claim back (its request started nothing), so the key can be
/// used again.
pub async fn release(pool: &Pool, user_id: i64, key: &str) -> Result<(), sqlx::Error> {
    crate::on_db!(pool, pool => {
        sqlx::query("DELETE FROM idempotency_keys WHERE user_id = $1 AND key = $2 AND job_id IS NULL")
            .bind(user_id)
            .bind(key)
            .execute(pool)
            .await
            .map(drop)
    })
}

/// Deletes every key made before `before` (the janitor's pass).
pub async fn expire(pool: &Pool, before: &str) -> Result<u64, sqlx::Error> {
    crate::on_db!(pool, pool => {
        sqlx::query("DELETE FROM idempotency_keys WHERE created_at < $1")
            .bind(before)
            .execute(pool)
            .await
            .map(|done| done.rows_affected())
    })
}
