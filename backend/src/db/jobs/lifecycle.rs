//! The transitions of a running or finished job: progress, completion, the
//! end (failed or cancelled), retry, a cancel request, deletion, and the QA
//! report's later additions. Each is one transaction whose statement checks
//! the status it starts from.

use crate::db::{now_rfc3339, Pool};
use types::jobs::{JobEvent, JobStatus};
use types::validate::JobId;

/// Records a running job's progress: the log line, the job's progress and
/// last message. Returns the event to publish.
pub async fn progress(
    pool: &Pool,
    id: &JobId,
    level: &str,
    progress: u8,
    message: &str,
) -> Result<JobEvent, sqlx::Error> {
    crate::on_db!(pool, pool => {
        let at = now_rfc3339();
        let mut tx = pool.begin().await?;
        log_event!(tx, id, &at, level, i64::from(progress), message)?;
        sqlx::query("UPDATE jobs SET progress = $1, log_message = $2 WHERE id = $3")
            .bind(i64::from(progress))
            .bind(message)
            .bind(id.as_str())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(event(at, level, i64::from(progress), message))
    })
}

fn event(at: String, level: &str, progress: i64, message: &str) -> JobEvent {
    JobEvent {
        at,
        level: level.into(),
        progress,
        message: message.into(),
    }
}

/// What a completed job records.
pub struct Completed<'a> {
    /// The worker that ran it: the job is completed only while that worker
    /// still holds it (a worker whose lease lapsed and whose job was taken
    /// over elsewhere must not complete it a second time).
    pub worker: &'a str,
    pub slides: usize,
    pub score: u8,
    pub verdict: &'a str,
    pub report: &'a str,
    /// The local deck; recorded only while the deck is not in the bucket.
    pub location: &'a str,
    /// Where the worker already stored it in object storage, if it did.
    pub s3_key: Option<&'a str>,
    pub seconds: f64,
    /// The content document the deck was built from (JSON) and, for each
    /// deck slide, the content slide it shows (a JSON array of ids).
    pub content: Option<(&'a str, &'a str)>,
}

/// Marks a job complete, drops its queue entry and counts it in today's
/// activity — one transaction. Returns the event to publish.
pub async fn complete(pool: &Pool, id: &JobId, done: &Completed<'_>) -> Result<JobEvent, sqlx::Error> {
    crate::on_db!(pool, pool => {
        let now = now_rfc3339();
        let today = &now[..10];
        let slides = i64::try_from(done.slides).unwrap_or(i64::MAX);
        let mut tx = pool.begin().await?;
        let held = sqlx::query(
            "UPDATE jobs SET status = 'complete', progress = 100, log_message = 'Complete', slide_count = $1, qa_score = $2,
             qa_verdict = $3, qa_report = $4, duration_sec = $5, output_local = $6, completed_at = $7, error = NULL,
             output_s3_key = $10
             WHERE id = $8 AND status = 'running'
               AND EXISTS (SELECT 1 FROM job_queue q WHERE q.job_id = $8 AND q.claimed_by = $9)",
        )
        .bind(slides)
        .bind(i64::from(done.score))
        .bind(done.verdict)
        .bind(done.report)
        .bind(done.seconds)
        .bind(Some(done.location).filter(|_| done.s3_key.is_none()))
        .bind(&now)
        .bind(id.as_str())
        .bind(done.worker)
        .bind(done.s3_key)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if held == 0 {
            // Taken over after this worker's lease lapsed: the other run counts.
            return Err(sqlx::Error::RowNotFound);
        }
        dequeue!(tx, id)?;
        if let Some((content, deck_slides)) = done.content {
            sqlx::query(
                "INSERT INTO job_content (job_id, content, deck_slides) VALUES ($1, $2, $3)
                 ON CONFLICT (job_id) DO UPDATE SET content = excluded.content, deck_slides = excluded.deck_slides",
            )
            .bind(id.as_str())
            .bind(content)
            .bind(deck_slides)
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query(
            "INSERT INTO daily_activity (date, courses, slides) VALUES ($1, 1, $2)
             ON CONFLICT (date) DO UPDATE SET courses = daily_activity.courses + 1, slides = daily_activity.slides + excluded.slides",
        )
        .bind(today)
        .bind(slides)
        .execute(&mut *tx)
        .await?;
        let message = format!("Complete: {} slides in {:.1} s", done.slides, done.seconds);
        log_event!(tx, id, &now, "info", 100, &message)?;
        tx.commit().await?;
        Ok(event(now, "info", 100, &message))
    })
}

/// Ends a job as failed or cancelled and drops its queue entry. Returns the
/// event to publish (its progress is where the job stopped).
pub async fn end(
    pool: &Pool,
    id: &JobId,
    status: JobStatus,
    log: &str,
    error: Option<&str>,
) -> Result<JobEvent, sqlx::Error> {
    crate::on_db!(pool, pool => {
        let now = now_rfc3339();
        let mut tx = pool.begin().await?;
        let progress: i64 = sqlx::query_scalar(
            "UPDATE jobs SET status = $1, log_message = $2, error = $3, completed_at = $4 WHERE id = $5 RETURNING progress",
        )
        .bind(status)
        .bind(log)
        .bind(error)
        .bind(&now)
        .bind(id.as_str())
        .fetch_one(&mut *tx)
        .await?;
        dequeue!(tx, id)?;
        let message = error.unwrap_or(log);
        let level = if status == JobStatus::Failed {
            "error"
        } else {
            "warning"
        };
        log_event!(tx, id, &now, level, progress, message)?;
        tx.commit().await?;
        Ok(event(now, level, progress, message))
    })
}

/// Queues a failed or cancelled job again. `None` when the job is in any
/// other state (checked in the same statement, so two retries cannot both
/// queue it).
pub async fn retry(pool: &Pool, id: &JobId) -> Result<Option<JobEvent>, sqlx::Error> {
    crate::on_db!(pool, pool => {
        let now = now_rfc3339();
        let mut tx = pool.begin().await?;
        let done = sqlx::query(
            "UPDATE jobs SET status = 'queued', progress = 0, error = NULL, cancel_requested = FALSE, attempts = 0,
                 completed_at = NULL, log_message = 'Queued again' WHERE id = $1 AND status IN ('failed', 'cancelled')",
        )
        .bind(id.as_str())
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Ok(None);
        }
        sqlx::query(
            "INSERT INTO job_queue (job_id, enqueued_at) VALUES ($1, $2) ON CONFLICT (job_id) DO UPDATE SET claimed_by = NULL",
        )
        .bind(id.as_str())
        .bind(&now)
        .execute(&mut *tx)
        .await?;
        log_event!(tx, id, &now, "info", 0, "Queued again")?;
        tx.commit().await?;
        Ok(Some(event(now, "info", 0, "Queued again")))
    })
}

/// Asks a queued or running job to stop. Returns whether a worker holds it
/// (`false`: nobody does, so the caller ends it at once).
pub async fn request_cancel(pool: &Pool, id: &JobId) -> Result<bool, sqlx::Error> {
    crate::on_db!(pool, pool => {
        let mut tx = pool.begin().await?;
        sqlx::query("UPDATE jobs SET cancel_requested = TRUE WHERE id = $1")
            .bind(id.as_str())
            .execute(&mut *tx)
            .await?;
        let claimed: Option<String> = sqlx::query_scalar("SELECT claimed_by FROM job_queue WHERE job_id = $1")
            .bind(id.as_str())
            .fetch_optional(&mut *tx)
            .await?
            .flatten();
        tx.commit().await?;
        Ok(claimed.is_some())
    })
}

/// Whether the job's cancellation has been asked for.
pub async fn cancel_requested(pool: &Pool, id: &JobId) -> Result<bool, sqlx::Error> {
    crate::on_db!(pool, pool => {
        let flag: bool = sqlx::query_scalar("SELECT cancel_requested FROM jobs WHERE id = $1")
            .bind(id.as_str())
            .fetch_one(pool)
            .await?;
        Ok(flag)
    })
}

/// Where a deleted job's deck was.
#[derive(sqlx::FromRow)]
pub struct Stored {
    pub output_local: Option<String>,
    pub output_s3_key: Option<String>,
}

/// Deletes a job that is not queued or running (checked in the statement).
/// `None` when no such finished job exists.
pub async fn delete_finished(pool: &Pool, id: &JobId) -> Result<Option<Stored>, sqlx::Error> {
    crate::on_db!(pool, pool => {
        sqlx::query_as(
            "DELETE FROM jobs WHERE id = $1 AND status NOT IN ('queued', 'running') RETURNING output_local, output_s3_key",
        )
        .bind(id.as_str())
        .fetch_optional(pool)
        .await
    })
}

/// Hides a job that is not queued or running (deleted, still undoable) with
/// every other finished version of its course; `false` when it is queued,
/// running, already deleted or gone.
pub async fn mark_deleted(pool: &Pool, id: &JobId, at: &str) -> Result<bool, sqlx::Error> {
    let rows = crate::on_db!(pool, pool => {
        sqlx::query(
            "UPDATE jobs SET deleted_at = $2
             WHERE course_id = (SELECT course_id FROM jobs WHERE id = $1 AND deleted_at IS NULL
                                AND status NOT IN ('queued', 'running'))
               AND deleted_at IS NULL AND status NOT IN ('queued', 'running')",
        )
        .bind(id.as_str())
        .bind(at)
        .execute(pool)
        .await
        .map(|r| r.rows_affected())
    })?;
    Ok(rows >= 1)
}

/// Who owns a deleted job that is still kept (`None`: not deleted, or gone).
pub async fn deleted_owner(pool: &Pool, id: &JobId) -> Result<Option<i64>, sqlx::Error> {
    crate::on_db!(pool, pool => {
        sqlx::query_scalar("SELECT user_id FROM jobs WHERE id = $1 AND deleted_at IS NOT NULL")
            .bind(id.as_str())
            .fetch_optional(pool)
            .await
    })
}

/// Brings a deleted job back, with the versions of its course deleted with
/// it; `false` when it is not deleted (or gone).
pub async fn undelete(pool: &Pool, id: &JobId) -> Result<bool, sqlx::Error> {
    let rows = crate::on_db!(pool, pool => {
        sqlx::query(
            "UPDATE jobs SET deleted_at = NULL
             WHERE (course_id, deleted_at) IN (SELECT course_id, deleted_at FROM jobs WHERE id = $1 AND deleted_at IS NOT NULL)",
        )
            .bind(id.as_str())
            .execute(pool)
            .await
            .map(|r| r.rows_affected())
    })?;
    Ok(rows >= 1)
}

/// Replaces a complete job's QA report when it is still `before` (so a
/// report written meanwhile is never overwritten); whether it was.
pub async fn replace_report(pool: &Pool, id: &JobId, before: &str, after: &str) -> Result<bool, sqlx::Error> {
    let rows = crate::on_db!(pool, pool => {
        sqlx::query("UPDATE jobs SET qa_report = $1 WHERE id = $2 AND status = 'complete' AND qa_report = $3")
            .bind(after)
            .bind(id.as_str())
            .bind(before)
            .execute(pool)
            .await
            .map(|r| r.rows_affected())
    })?;
    Ok(rows == 1)
}
