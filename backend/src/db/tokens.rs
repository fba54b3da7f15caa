//! The `api_tokens` table: made, listed, revoked, looked up by prefix.

use types::tokens::TokenSummary;

use crate::db::Pool;

/// What authenticating a token needs from its row.
#[derive(sqlx::FromRow)]
pub struct Stored {
    pub id: i64,
    pub user_id: i64,
    pub scope: String,
    pub secret_sha256: String,
    pub expires_at: Option<String>,
    pub revoked_at: Option<String>,
    pub last_used_at: Option<String>,
}

/// A token to keep (the secret only as its hash).
pub struct NewToken<'a> {
    pub user_id: i64,
    pub name: &'a str,
    pub scope: &'a str,
    pub prefix: &'a str,
    pub secret_sha256: &'a str,
    pub created_at: &'a str,
    pub expires_at: Option<&'a str>,
}

pub async fn insert(pool: &Pool, token: &NewToken<'_>) -> Result<i64, sqlx::Error> {
    crate::on_db!(pool, pool => {
        sqlx::query_scalar(
            "INSERT INTO api_tokens (user_id, name, scope, prefix, secret_sha256, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(token.user_id)
        .bind(token.name)
        .bind(token.scope)
        .bind(token.prefix)
        .bind(token.secret_sha256)
        .bind(token.created_at)
        .bind(token.expires_at)
        .fetch_one(pool)
        .await
    })
}

/// Tokens of `user_id` that still work at `now`.
pub async fn count_live(pool: &Pool, user_id: i64, now: &str) -> Result<i64, sqlx::Error> {
    crate::on_db!(pool, pool => {
        sqlx::query_scalar(
            "SELECT COUNT(*) FROM api_tokens
             WHERE user_id = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $2)",
        )
        .bind(user_id)
        .bind(now)
        .fetch_one(pool)
        .await
    })
}

const SUMMARY: &str = "SELECT t.id, t.name, t.scope, 'cw_' || t.prefix AS prefix, u.email AS owner_email,
        t.created_at, t.last_used_at, t.expires_at, t.revoked_at
 FROM api_tokens t JOIN users u ON u.id = t.user_id";

/// Every token of `user_id` (every token of everyone for `None`), newest first.
pub async fn list(pool: &Pool, user_id: Option<i64>) -> Result<Vec<TokenSummary>, sqlx::Error> {
    let sql = format!("{SUMMARY} WHERE $1 IS NULL OR t.user_id = $1 ORDER BY t.id DESC");
    crate::on_db!(pool, pool => {
        sqlx::query_as(&sql).bind(user_id).fetch_all(pool).await
    })
}

pub async fn summary(pool: &Pool, id: i64) -> Result<Option<TokenSummary>, sqlx::Error> {
    let sql = format!("{SUMMARY} WHERE t.id = $1");
    crate::on_db!(pool, pool => {
        sqlx::query_as(&sql).bind(id).fetch_optional(pool).await
    })
}

/// Revokes token `id` if it belongs to `owner` (anyone's for `None`) and
/// is not revoked yet; whether a row changed.
pub async fn revoke(pool: &Pool, id: i64, owner: Option<i64>, now: &str) -> Result<bool, sqlx::Error> {
    crate::on_db!(pool, pool => {
        sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1
             WHERE id = $2 AND ($3 IS NULL OR user_id = $3) AND revoked_at IS NULL",
        )
        .bind(now)
        .bind(id)
        .bind(owner)
        .execute(pool)
        .await
        .map(|r| r.rows_affected() > 0)
    })
}

pub async fn by_prefix(pool: &Pool, prefix: &str) -> Result<Option<Stored>, sqlx::Error> {
    crate::on_db!(pool, pool => {
        sqlx::query_as(
            "SELECT id, user_id, scope, secret_sha256, expires_at, revoked_at, last_used_at
             FROM api_tokens WHERE prefix = $1",
        )
        .bind(prefix)
        .fetch_optional(pool)
        .await
    })
}

/// Records a use of token `id`.
pub async fn touch(pool: &Pool, id: i64, now: &str) -> Result<(), sqlx::Error> {
    crate::on_db!(pool, pool => {
        sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
            .bind(now)
            .bind(id)
            .execute(pool)
            .await
            .map(|_| ())
    })
}
