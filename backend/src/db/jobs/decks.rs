//! Where finished decks are, as the janitor and the offloader ask: local
//! only, moved to object storage, finished before a date, and which
//! templates jobs still use.

use crate::db::{now_rfc3339, Pool};
use types::validate::JobId;

/// Deleted jobs whose undo time ended before `before` (RFC 3339), at most
/// `limit` — for the janitor, which deletes them for good.
pub async fn deleted_before(pool: &Pool, before: &str, limit: i64) -> Result<Vec<JobId>, sqlx::Error> {
    crate::on_db!(pool, pool => {
        let ids: Vec<String> = sqlx::query_scalar(
            "SELECT id FROM jobs WHERE deleted_at IS NOT NULL AND deleted_at < $1 ORDER BY deleted_at LIMIT $2",
        )
        .bind(before)
        .bind(limit)
        .fetch_all(pool)
        .await?;
        ids.into_iter().map(super::rows::stored).collect()
    })
}

/// Finished jobs created before `before` (RFC 3339), oldest first, at most
/// `limit` — for the janitor's retention pass.
pub async fn finished_before(pool: &Pool, before: &str, limit: i64) -> Result<Vec<JobId>, sqlx::Error> {
    crate::on_db!(pool, pool => {
        let ids: Vec<String> = sqlx::query_scalar(
            "SELECT id FROM jobs WHERE created_at < $1 AND status NOT IN ('queued', 'running')
             ORDER BY created_at LIMIT $2",
        )
        .bind(before)
        .bind(limit)
        .fetch_all(pool)
        .await?;
        ids.into_iter().map(super::rows::stored).collect()
    })
}

/// Complete decks still only on local disk: (id, path), oldest first.
pub async fn local_only_decks(pool: &Pool) -> Result<Vec<(JobId, String)>, sqlx::Error> {
    crate::on_db!(pool, pool => {
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT id, output_local FROM jobs
         WHERE status = 'complete' AND output_s3_key IS NULL AND output_local IS NOT NULL
         ORDER BY completed_at LIMIT 100",
        )
        .fetch_all(pool)
        .await?;
        rows.into_iter().map(|(id, path)| Ok((super::rows::stored(id)?, path))).collect()
    })
}

/// Records that a deck moved to object storage (and logs it). `false` when
/// the job is gone or its deck moved already.
pub async fn moved_to_object_storage(
    pool: &Pool,
    id: &JobId,
    local: &str,
    key: &str,
    size: u64,
) -> Result<bool, sqlx::Error> {
    crate::on_db!(pool, pool => {
        let mut tx = pool.begin().await?;
        let done = sqlx::query(
            "UPDATE jobs SET output_s3_key = $1, output_local = NULL WHERE id = $2 AND output_local = $3",
        )
        .bind(key)
        .bind(id.as_str())
        .bind(local)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            return Ok(false);
        }
        let message = format!("Stored in object storage ({:.1} MB)", size as f64 / 1e6);
        log_event!(tx, id, &now_rfc3339(), "info", 100, &message)?;
        tx.commit().await?;
        Ok(true)
    })
}

/// Local deck files that are a job's only copy (the janitor keeps them).
pub async fn local_deck_paths(pool: &Pool) -> Result<Vec<String>, sqlx::Error> {
    crate::on_db!(pool, pool => {
        sqlx::query_scalar("SELECT output_local FROM jobs WHERE output_local IS NOT NULL")
            .fetch_all(pool)
            .await
    })
}

/// Templates that queued or running jobs still need.
pub async fn templates_in_use(pool: &Pool) -> Result<Vec<String>, sqlx::Error> {
    crate::on_db!(pool, pool => {
        sqlx::query_scalar("SELECT template_path FROM jobs WHERE status IN ('queued', 'running')")
            .fetch_all(pool)
            .await
    })
}
