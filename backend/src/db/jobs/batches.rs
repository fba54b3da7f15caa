//! The `batches` table and the jobs that name a batch: a batch and all its
//! courses queued in one transaction (within the owner's batch allowance),
//! read back with counts per state, and the courses still open listed for
//! cancelling.

use types::batches::{BatchCounts, BatchCourse};
use types::validate::JobId;

use super::queue::{new_id, NewJob};
use crate::db::{now_rfc3339, Pool};

/// A batch row.
#[derive(Debug, sqlx::FromRow)]
pub struct Batch {
    pub id: String,
    pub user_id: i64,
    pub name: String,
    pub owner_email: String,
    pub created_at: String,
    pub cancelled_at: Option<String>,
}

/// What queuing a batch came to.
#[derive(Debug)]
pub enum Queued {
    /// The batch's id and its courses' ids, in the order given.
    Batch(JobId, Vec<JobId>),
    /// The owner already has this many batches with courses still open.
    TooManyOpen,
}

/// Queues `jobs` as one batch named `name`, unless `user_id` already has
/// `max_open` batches with courses queued or running.
pub async fn enqueue(
    pool: &Pool,
    user_id: i64,
    name: &str,
    jobs: &[NewJob],
    max_open: i64,
) -> Result<Queued, sqlx::Error> {
    let lock_user = match pool {
        Pool::Sqlite(_) => None,
        Pool::Postgres(_) => Some("SELECT id FROM users WHERE id = $1 FOR UPDATE"),
    };
    let outlines = jobs
        .iter()
        .map(|j| serde_json::to_string(&j.outline))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    crate::on_db!(pool, pool => {
        let now = now_rfc3339();
        let mut tx = pool.begin().await?;
        if let Some(lock) = lock_user {
            sqlx::query(lock).bind(user_id).execute(&mut *tx).await?;
        }
        // The allowance is checked inside the first statement, a write: on
        // SQLite the transaction then holds the write lock from its start
        // (a read first could not be upgraded once another writer commits).
        let batch = loop {
            let id = new_id();
            let done = sqlx::query(
                "INSERT INTO batches (id, user_id, name, created_at)
                 SELECT $1, $2, $3, $4
                 WHERE (SELECT COUNT(DISTINCT batch_id) FROM jobs
                        WHERE user_id = $2 AND batch_id IS NOT NULL AND status IN ('queued', 'running')) < $5
                 ON CONFLICT (id) DO NOTHING",
            )
            .bind(id.as_str())
            .bind(user_id)
            .bind(name)
            .bind(&now)
            .bind(max_open)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 1 {
                break id;
            }
            // Refused by the allowance, or (rarely) the id was taken.
            let open: i64 = sqlx::query_scalar(
                "SELECT COUNT(DISTINCT batch_id) FROM jobs
                 WHERE user_id = $1 AND batch_id IS NOT NULL AND status IN ('queued', 'running')",
            )
            .bind(user_id)
            .fetch_one(&mut *tx)
            .await?;
            if open >= max_open {
                return Ok(Queued::TooManyOpen);
            }
        };
        let mut ids = Vec::with_capacity(jobs.len());
        for (job, outline) in jobs.iter().zip(&outlines) {
            let id = loop {
                let id = new_id();
                let done = sqlx::query(
                    "INSERT INTO jobs (id, user_id, course_title, template_name, template_path, duration_days, language,
                                       outline_json, status, progress, log_message, created_at, timetable, batch_id)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'queued', 0, 'Waiting for a worker', $9, $10, $11)
                     ON CONFLICT (id) DO NOTHING",
                )
                .bind(id.as_str())
                .bind(user_id)
                .bind(&job.course_title)
                .bind(&job.template_name)
                .bind(&job.template_path)
                .bind(i64::from(job.duration_days))
                .bind(&job.language)
                .bind(outline)
                .bind(&now)
                .bind(&job.timetable)
                .bind(batch.as_str())
                .execute(&mut *tx)
                .await?;
                if done.rows_affected() == 1 {
                    break id;
                }
            };
            sqlx::query("INSERT INTO job_queue (job_id, enqueued_at) VALUES ($1, $2)")
                .bind(id.as_str())
                .bind(&now)
                .execute(&mut *tx)
                .await?;
            log_event!(tx, &id, &now, "info", 0, "Queued (in a batch)")?;
            ids.push(id);
        }
        tx.commit().await?;
        Ok(Queued::Batch(batch, ids))
    })
}

pub async fn get(pool: &Pool, id: &JobId) -> Result<Option<Batch>, sqlx::Error> {
    crate::on_db!(pool, pool => {
        sqlx::query_as(
            "SELECT b.id, b.user_id, b.name, u.email AS owner_email, b.created_at, b.cancelled_at
             FROM batches b JOIN users u ON u.id = b.user_id WHERE b.id = $1",
        )
        .bind(id.as_str())
        .fetch_optional(pool)
        .await
    })
}

/// The batch's courses in the order they were sent, and the counts.
pub async fn courses(pool: &Pool, id: &JobId) -> Result<(Vec<BatchCourse>, BatchCounts), sqlx::Error> {
    let order = match pool {
        Pool::Sqlite(_) => "rowid",
        Pool::Postgres(_) => "seq",
    };
    let courses: Vec<BatchCourse> = crate::on_db!(pool, pool => {
        sqlx::query_as(&format!(
            "SELECT id, course_title, status, progress, slide_count, qa_score, error
             FROM jobs WHERE batch_id = $1 AND deleted_at IS NULL ORDER BY {order}"
        ))
        .bind(id.as_str())
        .fetch_all(pool)
        .await
    })?;
    let mut counts = BatchCounts::default();
    for c in &courses {
        counts.add(c.status, 1);
    }
    Ok((courses, counts))
}

/// Marks the batch cancelled (once) and returns its courses still queued
/// or running, for the caller to cancel one by one.
pub async fn cancel(pool: &Pool, id: &JobId) -> Result<Vec<String>, sqlx::Error> {
    crate::on_db!(pool, pool => {
        sqlx::query("UPDATE batches SET cancelled_at = COALESCE(cancelled_at, $2) WHERE id = $1")
            .bind(id.as_str())
            .bind(now_rfc3339())
            .execute(pool)
            .await?;
        sqlx::query_scalar("SELECT id FROM jobs WHERE batch_id = $1 AND status IN ('queued', 'running')")
            .bind(id.as_str())
            .fetch_all(pool)
            .await
    })
}

/// Marks the batch completed if none of its courses is still open and it
/// was not marked before: `true` exactly once per batch.
pub async fn complete_if_done(pool: &Pool, id: &str) -> Result<bool, sqlx::Error> {
    crate::on_db!(pool, pool => {
        sqlx::query(
            "UPDATE batches SET completed_at = $2
             WHERE id = $1 AND completed_at IS NULL
               AND NOT EXISTS (SELECT 1 FROM jobs WHERE batch_id = $1 AND status IN ('queued', 'running'))",
        )
        .bind(id)
        .bind(now_rfc3339())
        .execute(pool)
        .await
        .map(|done| done.rows_affected() == 1)
    })
}

/// A job's owner and batch, for the events its end sends.
pub async fn owner_and_batch(pool: &Pool, job: &str) -> Result<Option<(i64, Option<String>)>, sqlx::Error> {
    crate::on_db!(pool, pool => {
        sqlx::query_as("SELECT user_id, batch_id FROM jobs WHERE id = $1")
            .bind(job)
            .fetch_optional(pool)
            .await
    })
}
