//! The `users` table: queries used by sign-in, the guards and user management.

use crate::db::Pool;

use super::now_rfc3339;
use crate::accounts::password::PasswordHash;
use types::account::{CurrentUser, UserSummary};

/// What sign-in needs to know about an email.
#[derive(sqlx::FromRow)]
pub struct Credentials {
    pub id: i64,
    pub password_hash: PasswordHash,
    pub is_active: bool,
}

/// People with accounts (the account imported jobs belong to is not one).
pub async fn count(pool: &Pool) -> Result<i64, sqlx::Error> {
    crate::on_db!(pool, pool => {
        sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE email <> 'imported@courseware.invalid'")
            .fetch_one(pool)
            .await
    })
}

pub async fn credentials(pool: &Pool, email: &str) -> Result<Option<Credentials>, sqlx::Error> {
    crate::on_db!(pool, pool => {
        sqlx::query_as("SELECT id, password_hash, is_active FROM users WHERE lower(email) = lower($1)")
            .bind(email)
            .fetch_optional(pool)
            .await
    })
}

/// The user behind a session, if they still exist and are active.
pub async fn active_user(pool: &Pool, id: i64) -> Result<Option<CurrentUser>, sqlx::Error> {
    crate::on_db!(pool, pool => {
        sqlx::query_as("SELECT id, email, name, is_admin FROM users WHERE id = $1 AND is_active")
            .bind(id)
            .fetch_optional(pool)
            .await
    })
}

pub async fn list(pool: &Pool) -> Result<Vec<UserSummary>, sqlx::Error> {
    crate::on_db!(pool, pool => {
        sqlx::query_as(
            "SELECT id, email, name, is_admin, is_active, created_at, last_login_at
             FROM users ORDER BY is_active DESC, lower(name), id",
        )
        .fetch_all(pool)
        .await
    })
}

pub async fn get(pool: &Pool, id: i64) -> Result<Option<UserSummary>, sqlx::Error> {
    crate::on_db!(pool, pool => {
        sqlx::query_as(
            "SELECT id, email, name, is_admin, is_active, created_at, last_login_at
             FROM users WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(pool)
        .await
    })
}

/// Outcome of an insert that must not collide with an existing email.
pub enum Created {
    Id(i64),
    EmailTaken,
}

pub async fn create(
    pool: &Pool,
    email: &str,
    name: &str,
    hash: &PasswordHash,
    is_admin: bool,
) -> Result<Created, sqlx::Error> {
    crate::on_db!(pool, pool => {
        let id: Option<i64> = sqlx::query_scalar(
            "INSERT INTO users (email, name, password_hash, is_admin, is_active, created_at)
             VALUES ($1, $2, $3, $4, TRUE, $5) ON CONFLICT DO NOTHING RETURNING id",
        )
        .bind(email)
        .bind(name)
        .bind(hash.as_str())
        .bind(is_admin)
        .bind(now_rfc3339())
        .fetch_optional(pool)
        .await?;
        Ok(id.map_or(Created::EmailTaken, Created::Id))
    })
}

/// Creates the first administrator only while the table is empty, atomically,
/// so two racing set-up requests cannot both succeed.
pub async fn create_first_admin(
    pool: &Pool,
    email: &str,
    name: &str,
    hash: &PasswordHash,
) -> Result<Option<i64>, sqlx::Error> {
    crate::on_db!(pool, pool => {
        sqlx::query_scalar(
            "INSERT INTO users (email, name, password_hash, is_admin, is_active, created_at)
             SELECT $1, $2, $3, TRUE, TRUE, $4 WHERE NOT EXISTS (SELECT 1 FROM users) RETURNING id",
        )
        .bind(email)
        .bind(name)
        .bind(hash.as_str())
        .bind(now_rfc3339())
        .fetch_optional(pool)
        .await
    })
}

pub async fn touch_last_login(pool: &Pool, id: i64) -> Result<(), sqlx::Error> {
    crate::on_db!(pool, pool => {
        sqlx::query("UPDATE users SET last_login_at = $1 WHERE id = $2")
            .bind(now_rfc3339())
            .bind(id)
            .execute(pool)
            .await?;
        Ok(())
    })
}

pub async fn set_password(pool: &Pool, id: i64, hash: &PasswordHash) -> Result<bool, sqlx::Error> {
    crate::on_db!(pool, pool => {
        let done = sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(hash.as_str())
            .bind(id)
            .execute(pool)
            .await?;
        Ok(done.rows_affected() == 1)
    })
}

pub async fn set_name(pool: &Pool, id: i64, name: &str) -> Result<bool, sqlx::Error> {
    crate::on_db!(pool, pool => {
        let done = sqlx::query("UPDATE users SET name = $1 WHERE id = $2")
            .bind(name)
            .bind(id)
            .execute(pool)
            .await?;
        Ok(done.rows_affected() == 1)
    })
}

/// Sets `is_active` and `is_admin` in one statement, refusing (returning
/// `false`) when the change would leave no active administrator.
pub async fn set_flags(pool: &Pool, id: i64, is_active: bool, is_admin: bool) -> Result<bool, sqlx::Error> {
    crate::on_db!(pool, pool => {
        let done = sqlx::query(
            "UPDATE users SET is_active = $1, is_admin = $2 WHERE id = $3
           AND (
             ($1 AND $2)
             OR EXISTS (SELECT 1 FROM users o WHERE o.id <> $3 AND o.is_admin AND o.is_active)
           )",
        )
        .bind(is_active)
        .bind(is_admin)
        .bind(id)
        .execute(pool)
        .await?;
        Ok(done.rows_affected() == 1)
    })
}
