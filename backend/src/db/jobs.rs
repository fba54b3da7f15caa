//! Every statement on the `jobs`, `job_queue`, `job_events`,
//! `job_module_texts` and `daily_activity` tables. Each state transition is
//! one function and one transaction (the job row, its queue entry and its
//! log line change together); the status a transition starts from is
//! checked inside the statement, so two racing requests cannot both win.
//! Publishing to live streams is the jobs service's part, not this module's.

use rand::Rng;
use types::jobs::{JobEvent, JobStatus, JobSummary};
use types::limits::HISTORY_ROWS;
use types::validate::JobId;

use super::{now_rfc3339, Pool};

/// Appends one line to a job's event log, inside the caller's transaction
/// `tx` (a macro, so one text serves both databases' connections).
macro_rules! log_event {
    ($tx:expr, $id:expr, $at:expr, $level:expr, $progress:expr, $message:expr) => {
        sqlx::query(
            "INSERT INTO job_events (job_id, at, level, progress, message) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind($id)
        .bind($at)
        .bind($level)
        .bind(i64::from($progress))
        .bind($message)
        .execute(&mut *$tx)
        .await
        .map(|_| ())
    };
}

/// Drops a job's queue entry inside the caller's transaction `tx`.
macro_rules! dequeue {
    ($tx:expr, $id:expr) => {
        sqlx::query("DELETE FROM job_queue WHERE job_id = $1")
            .bind($id)
            .execute(&mut *$tx)
            .await
            .map(|_| ())
    };
}

/// Attempts before a job that keeps dying with its worker is failed.
pub const MAX_ATTEMPTS: i64 = 3;

/// A fresh random job id (see [`JobId`] for its shape).
pub fn new_id() -> String {
    let mut rng = rand::thread_rng();
    JobId::from_indexes(|n| rng.gen_range(0..n)).into()
}

/// Everything needed to create a job.
#[derive(Debug, Clone)]
pub struct NewJob {
    pub user_id: i64,
    pub course_title: String,
    pub template_name: String,
    pub template_path: String,
    pub duration_days: u8,
    pub language: String,
    pub outline_json: String,
    /// The course day it was started with (`start|end|lunch|breaks`); `None`:
    /// the server's settings.
    pub timetable: Option<String>,
}

/// The per-user limits a new job must fit in.
#[derive(Debug, Clone, Copy)]
pub struct Quota {
    /// Jobs queued or running at once.
    pub active: i64,
    /// Jobs started in the last hour.
    pub per_hour: i64,
}

/// What became of an enqueue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Enqueued {
    Id(String),
    /// The user already has `Quota::active` jobs queued or running.
    TooManyActive,
    /// The user started `Quota::per_hour` jobs in the last hour.
    TooManyStarts,
}

/// Writes the job and its queue entry in one transaction — if the user is
/// within `quota`. The check is part of the insert statement itself, so
/// concurrent starts by one user cannot all pass it.
pub async fn enqueue(pool: &Pool, job: &NewJob, quota: Quota) -> Result<Enqueued, sqlx::Error> {
    // SQLite runs one writer at a time, so the quota check in the insert sees
    // every earlier start; PostgreSQL runs them side by side, so a start
    // first locks its user's row (the next start by that user waits).
    let lock_user = match pool {
        Pool::Sqlite(_) => None,
        Pool::Postgres(_) => Some("SELECT id FROM users WHERE id = $1 FOR UPDATE"),
    };
    crate::on_db!(pool, pool => {
        let now = now_rfc3339();
        let hour_ago = super::rfc3339(time::OffsetDateTime::now_utc() - time::Duration::hours(1));
        loop {
            let id = new_id();
            let mut tx = pool.begin().await?;
            if let Some(lock) = lock_user {
                sqlx::query(lock).bind(job.user_id).execute(&mut *tx).await?;
            }
            let inserted = sqlx::query(
                "INSERT INTO jobs (id, user_id, course_title, template_name, template_path, duration_days, language,
                               outline_json, status, progress, log_message, created_at, timetable)
             SELECT $1, $2, $3, $4, $5, $6, $7, $8, 'queued', 0, 'Waiting for a worker', $9, $13
             WHERE (SELECT COUNT(*) FROM jobs WHERE user_id = $2 AND status IN ('queued', 'running')) < $10
               AND (SELECT COUNT(*) FROM jobs WHERE user_id = $2 AND created_at > $11) < $12
             ON CONFLICT (id) DO NOTHING",
            )
            .bind(&id)
            .bind(job.user_id)
            .bind(&job.course_title)
            .bind(&job.template_name)
            .bind(&job.template_path)
            .bind(i64::from(job.duration_days))
            .bind(&job.language)
            .bind(&job.outline_json)
            .bind(&now)
            .bind(quota.active)
            .bind(&hour_ago)
            .bind(quota.per_hour)
            .bind(&job.timetable)
            .execute(&mut *tx)
            .await?;
            if inserted.rows_affected() == 0 {
                let active: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM jobs WHERE user_id = $1 AND status IN ('queued', 'running')",
                )
                .bind(job.user_id)
                .fetch_one(&mut *tx)
                .await?;
                if active >= quota.active {
                    return Ok(Enqueued::TooManyActive);
                }
                let recent: i64 =
                    sqlx::query_scalar("SELECT COUNT(*) FROM jobs WHERE user_id = $1 AND created_at > $2")
                        .bind(job.user_id)
                        .bind(&hour_ago)
                        .fetch_one(&mut *tx)
                        .await?;
                if recent >= quota.per_hour {
                    return Ok(Enqueued::TooManyStarts);
                }
                continue; // id collision: draw another
            }
            sqlx::query("INSERT INTO job_queue (job_id, enqueued_at) VALUES ($1, $2)")
                .bind(&id)
                .bind(&now)
                .execute(&mut *tx)
                .await?;
            log_event!(tx, &id, &now, "info", 0, "Queued")?;
            tx.commit().await?;
            return Ok(Enqueued::Id(id));
        }
    })
}

/// Claims the oldest free queue entry for `worker`, atomically, and marks the
/// job running, holding it until `lease_until` (renewed by [`renew`]).
/// `None` when the queue is empty. On PostgreSQL, replicas claiming at the
/// same moment skip each other's locked rows instead of waiting on them.
pub async fn claim(pool: &Pool, worker: &str, lease_until: &str) -> Result<Option<String>, sqlx::Error> {
    let skip_locked = match pool {
        Pool::Sqlite(_) => "",
        Pool::Postgres(_) => " FOR UPDATE SKIP LOCKED",
    };
    crate::on_db!(pool, pool => {
        let now = now_rfc3339();
        let mut tx = pool.begin().await?;
        let id: Option<String> = sqlx::query_scalar(&format!(
            "UPDATE job_queue SET claimed_by = $1, claimed_at = $2, lease_until = $3
             WHERE job_id = (SELECT job_id FROM job_queue WHERE claimed_by IS NULL
                             ORDER BY enqueued_at, job_id LIMIT 1{skip_locked})
               AND claimed_by IS NULL
             RETURNING job_id"
        ))
        .bind(worker)
        .bind(&now)
        .bind(lease_until)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(id) = &id {
            sqlx::query(
                "UPDATE jobs SET status = 'running', attempts = attempts + 1, started_at = COALESCE(started_at, $1),
                     log_message = 'Started', error = NULL WHERE id = $2",
            )
            .bind(&now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(id)
    })
}

/// The heartbeat: extends to `until` the lease of every job claimed by a
/// worker of this process (worker names end in `-<instance>`).
pub async fn renew(pool: &Pool, instance: &str, until: &str) -> Result<u64, sqlx::Error> {
    let pattern = format!("%-{instance}");
    crate::on_db!(pool, pool => {
        Ok(sqlx::query("UPDATE job_queue SET lease_until = $1 WHERE claimed_by LIKE $2")
            .bind(until)
            .bind(&pattern)
            .execute(pool)
            .await?
            .rows_affected())
    })
}

/// Jobs whose lease lapsed before `now` — their worker, process or replica
/// stopped without finishing them — go back to the queue for any worker
/// (or fail after [`MAX_ATTEMPTS`]). Returns (requeued, failed).
pub async fn reclaim_expired(pool: &Pool, now: &str) -> Result<(u64, u64), sqlx::Error> {
    crate::on_db!(pool, pool => {
        let mut tx = pool.begin().await?;
        let lapsed: Vec<(String, i64)> = sqlx::query_as(
            "SELECT q.job_id, j.attempts FROM job_queue q JOIN jobs j ON j.id = q.job_id
             WHERE q.claimed_by IS NOT NULL AND q.lease_until < $1 AND j.status = 'running'",
        )
        .bind(now)
        .fetch_all(&mut *tx)
        .await?;
        let (mut requeued, mut failed) = (0, 0);
        for (id, attempts) in lapsed {
            if attempts >= MAX_ATTEMPTS {
                let done = sqlx::query(
                    "UPDATE jobs SET status = 'failed', completed_at = $1, log_message = 'Failed',
                         error = 'The job stopped with its worker 3 times; giving up.'
                     WHERE id = $2 AND status = 'running'",
                )
                .bind(now)
                .bind(&id)
                .execute(&mut *tx)
                .await?;
                dequeue!(tx, &id)?;
                log_event!(tx, &id, now, "error", 0, "Its worker stopped answering for the 3rd time; giving up.")?;
                failed += done.rows_affected();
            } else {
                // Only if still lapsed: another server may have reclaimed it
                // (and a worker claimed it again) since the list was read.
                let done = sqlx::query(
                    "UPDATE job_queue SET claimed_by = NULL, claimed_at = NULL, lease_until = NULL
                     WHERE job_id = $1 AND claimed_by IS NOT NULL AND lease_until < $2",
                )
                .bind(&id)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                if done.rows_affected() == 1 {
                    sqlx::query(
                        "UPDATE jobs SET status = 'queued', log_message = 'Re-queued: its worker stopped answering'
                         WHERE id = $1",
                    )
                    .bind(&id)
                    .execute(&mut *tx)
                    .await?;
                    log_event!(tx, &id, now, "warning", 0, "Re-queued: its worker stopped answering")?;
                    requeued += 1;
                }
            }
        }
        tx.commit().await?;
        Ok((requeued, failed))
    })
}

/// After a crash or kill: jobs left running go back to the queue (or fail
/// after [`MAX_ATTEMPTS`]). Returns (requeued, failed).
pub async fn recover(pool: &Pool) -> Result<(u64, u64), sqlx::Error> {
    crate::on_db!(pool, pool => {
        let now = now_rfc3339();
        let mut tx = pool.begin().await?;
        let failed = sqlx::query(
            "UPDATE jobs SET status = 'failed', completed_at = $1, error = 'The job stopped with its worker 3 times; giving up.',
                 log_message = 'Failed' WHERE status = 'running' AND attempts >= $2",
        )
        .bind(&now)
        .bind(MAX_ATTEMPTS)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        sqlx::query("DELETE FROM job_queue WHERE job_id IN (SELECT id FROM jobs WHERE status = 'failed')")
            .execute(&mut *tx)
            .await?;
        let requeued = sqlx::query(
            "UPDATE jobs SET status = 'queued', log_message = 'Re-queued after a restart' WHERE status = 'running'",
        )
        .execute(&mut *tx)
        .await?
        .rows_affected();
        sqlx::query(
            "INSERT INTO job_queue (job_id, enqueued_at) SELECT id, created_at FROM jobs WHERE status = 'queued'
             ON CONFLICT (job_id) DO UPDATE SET claimed_by = NULL, claimed_at = NULL",
        )
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok((requeued, failed))
    })
}

/// Puts one running job back in the queue (graceful shutdown).
pub async fn requeue(pool: &Pool, id: &str) -> Result<(), sqlx::Error> {
    crate::on_db!(pool, pool => {
        let mut tx = pool.begin().await?;
        sqlx::query("UPDATE jobs SET status = 'queued', log_message = 'Re-queued at shutdown' WHERE id = $1 AND status = 'running'")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE job_queue SET claimed_by = NULL, claimed_at = NULL WHERE job_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await
    })
}

/// Records a running job's progress: the log line, the job's progress and
/// last message. Returns the event to publish.
pub async fn progress(
    pool: &Pool,
    id: &str,
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
            .bind(id)
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
}

/// Marks a job complete, drops its queue entry and counts it in today's
/// activity — one transaction. Returns the event to publish.
pub async fn complete(pool: &Pool, id: &str, done: &Completed<'_>) -> Result<JobEvent, sqlx::Error> {
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
        .bind(id)
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
    id: &str,
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
        .bind(id)
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
pub async fn retry(pool: &Pool, id: &str) -> Result<Option<JobEvent>, sqlx::Error> {
    crate::on_db!(pool, pool => {
        let now = now_rfc3339();
        let mut tx = pool.begin().await?;
        let done = sqlx::query(
            "UPDATE jobs SET status = 'queued', progress = 0, error = NULL, cancel_requested = FALSE, attempts = 0,
                 completed_at = NULL, log_message = 'Queued again' WHERE id = $1 AND status IN ('failed', 'cancelled')",
        )
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Ok(None);
        }
        sqlx::query(
            "INSERT INTO job_queue (job_id, enqueued_at) VALUES ($1, $2) ON CONFLICT (job_id) DO UPDATE SET claimed_by = NULL",
        )
        .bind(id)
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
pub async fn request_cancel(pool: &Pool, id: &str) -> Result<bool, sqlx::Error> {
    crate::on_db!(pool, pool => {
        let mut tx = pool.begin().await?;
        sqlx::query("UPDATE jobs SET cancel_requested = TRUE WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let claimed: Option<String> = sqlx::query_scalar("SELECT claimed_by FROM job_queue WHERE job_id = $1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?
            .flatten();
        tx.commit().await?;
        Ok(claimed.is_some())
    })
}

/// Whether the job's cancellation has been asked for.
pub async fn cancel_requested(pool: &Pool, id: &str) -> Result<bool, sqlx::Error> {
    crate::on_db!(pool, pool => {
        let flag: bool = sqlx::query_scalar("SELECT cancel_requested FROM jobs WHERE id = $1")
            .bind(id)
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
pub async fn delete_finished(pool: &Pool, id: &str) -> Result<Option<Stored>, sqlx::Error> {
    crate::on_db!(pool, pool => {
        sqlx::query_as(
            "DELETE FROM jobs WHERE id = $1 AND status NOT IN ('queued', 'running') RETURNING output_local, output_s3_key",
        )
        .bind(id)
        .fetch_optional(pool)
        .await
    })
}

/// Finished jobs created before `before` (RFC 3339), oldest first, at most
/// `limit` — for the janitor's retention pass.
pub async fn finished_before(pool: &Pool, before: &str, limit: i64) -> Result<Vec<String>, sqlx::Error> {
    crate::on_db!(pool, pool => {
        sqlx::query_scalar(
            "SELECT id FROM jobs WHERE created_at < $1 AND status NOT IN ('queued', 'running')
             ORDER BY created_at LIMIT $2",
        )
        .bind(before)
        .bind(limit)
        .fetch_all(pool)
        .await
    })
}

/// Who owns a job and where it stands, for access checks.
#[derive(sqlx::FromRow)]
pub struct Access {
    pub user_id: Option<i64>,
    pub status: JobStatus,
    pub qa_report: Option<String>,
}

pub async fn access(pool: &Pool, id: &str) -> Result<Option<Access>, sqlx::Error> {
    crate::on_db!(pool, pool => {
        sqlx::query_as("SELECT user_id, status, qa_report FROM jobs WHERE id = $1")
            .bind(id)
            .fetch_optional(pool)
            .await
    })
}

/// Replaces a complete job's QA report when it is still `before` (so a
/// report written meanwhile is never overwritten); whether it was.
pub async fn replace_report(pool: &Pool, id: &str, before: &str, after: &str) -> Result<bool, sqlx::Error> {
    let rows = crate::on_db!(pool, pool => {
        sqlx::query("UPDATE jobs SET qa_report = $1 WHERE id = $2 AND status = 'complete' AND qa_report = $3")
            .bind(after)
            .bind(id)
            .bind(before)
            .execute(pool)
            .await
            .map(|r| r.rows_affected())
    })?;
    Ok(rows == 1)
}

/// A job's status and progress (the live stream's first message).
pub async fn state(pool: &Pool, id: &str) -> Result<Option<(JobStatus, i64)>, sqlx::Error> {
    crate::on_db!(pool, pool => {
        sqlx::query_as("SELECT status, progress FROM jobs WHERE id = $1")
            .bind(id)
            .fetch_optional(pool)
            .await
    })
}

/// A complete job's deck, for downloads.
#[derive(sqlx::FromRow)]
pub struct Deck {
    pub course_title: String,
    pub output_local: Option<String>,
    pub output_s3_key: Option<String>,
}

/// The deck of job `id` if the job is complete.
pub async fn complete_deck(pool: &Pool, id: &str) -> Result<Option<Deck>, sqlx::Error> {
    crate::on_db!(pool, pool => {
        sqlx::query_as(
            "SELECT course_title, output_local, output_s3_key FROM jobs WHERE id = $1 AND status = 'complete'",
        )
        .bind(id)
        .fetch_optional(pool)
        .await
    })
}

/// What a worker needs to run a job.
#[derive(sqlx::FromRow)]
pub struct Input {
    pub course_title: String,
    pub template_path: String,
    pub duration_days: i64,
    pub language: String,
    pub outline_json: String,
    pub timetable: Option<String>,
}

pub async fn input(pool: &Pool, id: &str) -> Result<Input, sqlx::Error> {
    crate::on_db!(pool, pool => {
        sqlx::query_as(
            "SELECT course_title, template_path, duration_days, language, outline_json, timetable FROM jobs WHERE id = $1",
        )
        .bind(id)
        .fetch_one(pool)
        .await
    })
}

/// Module texts an earlier run of the job stored: (module, input hash, JSON).
pub async fn module_texts(pool: &Pool, id: &str) -> Result<Vec<(i64, String, String)>, sqlx::Error> {
    crate::on_db!(pool, pool => {
        sqlx::query_as("SELECT module, input_hash, text_json FROM job_module_texts WHERE job_id = $1")
            .bind(id)
            .fetch_all(pool)
            .await
    })
}

/// Stores one module's accepted text (replacing an older one).
pub async fn save_module_text(
    pool: &Pool,
    id: &str,
    module: usize,
    hash: &str,
    json: &str,
) -> Result<(), sqlx::Error> {
    crate::on_db!(pool, pool => {
        sqlx::query(
            "INSERT INTO job_module_texts (job_id, module, input_hash, text_json, written_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (job_id, module) DO UPDATE SET input_hash = excluded.input_hash,
             text_json = excluded.text_json, written_at = excluded.written_at",
        )
        .bind(id)
        .bind(i64::try_from(module).unwrap_or(0))
        .bind(hash)
        .bind(json)
        .bind(now_rfc3339())
        .execute(pool)
        .await?;
        Ok(())
    })
}

/// Complete decks still only on local disk: (id, path), oldest first.
pub async fn local_only_decks(pool: &Pool) -> Result<Vec<(String, String)>, sqlx::Error> {
    crate::on_db!(pool, pool => {
        sqlx::query_as(
            "SELECT id, output_local FROM jobs
         WHERE status = 'complete' AND output_s3_key IS NULL AND output_local IS NOT NULL
         ORDER BY completed_at LIMIT 100",
        )
        .fetch_all(pool)
        .await
    })
}

/// Records that a deck moved to object storage (and logs it). `false` when
/// the job is gone or its deck moved already.
pub async fn moved_to_object_storage(
    pool: &Pool,
    id: &str,
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
        .bind(id)
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

/// Today's figures for the dashboard: (courses, slides) made on `day`,
/// jobs queued or running, jobs failed on `day`.
pub async fn day_figures(pool: &Pool, day: &str) -> Result<(i64, i64, i64, i64), sqlx::Error> {
    crate::on_db!(pool, pool => {
        let (courses, slides): (i64, i64) = sqlx::query_as(
            "SELECT CAST(COALESCE(SUM(courses), 0) AS BIGINT), CAST(COALESCE(SUM(slides), 0) AS BIGINT) FROM daily_activity WHERE date = $1",
        )
        .bind(day)
        .fetch_one(pool)
        .await?;
        let active: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM jobs WHERE status IN ('running', 'queued')")
            .fetch_one(pool)
            .await?;
        let failed: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM jobs WHERE status = 'failed' AND substr(completed_at, 1, 10) = $1",
        )
        .bind(day)
        .fetch_one(pool)
        .await?;
        Ok((courses, slides, active, failed))
    })
}

/// (date, courses, slides) for the 90 days up to `day`, days with activity only.
pub async fn activity_90_days(pool: &Pool, day: &str) -> Result<Vec<(String, i64, i64)>, sqlx::Error> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let first = time::Date::parse(day, &format)
        .ok()
        .and_then(|d| d.checked_sub(time::Duration::days(89)))
        .and_then(|d| d.format(&format).ok())
        .unwrap_or_else(|| day.to_owned());
    crate::on_db!(pool, pool => {
        sqlx::query_as("SELECT date, courses, slides FROM daily_activity WHERE date >= $1 ORDER BY date")
            .bind(&first)
            .fetch_all(pool)
            .await
    })
}

const SUMMARY_SELECT: &str = "SELECT j.id, u.name AS owner_name, j.course_title, j.template_name, j.duration_days, j.language,
        j.status, j.progress, j.log_message, j.slide_count, j.qa_score, j.qa_verdict, j.duration_sec, j.created_at,
        j.completed_at, j.error
     FROM jobs j JOIN users u ON u.id = j.user_id";

pub async fn summary(pool: &Pool, id: &str) -> Result<Option<JobSummary>, sqlx::Error> {
    crate::on_db!(pool, pool => {
        sqlx::query_as(&format!("{SUMMARY_SELECT} WHERE j.id = $1"))
            .bind(id)
            .fetch_optional(pool)
            .await
    })
}

/// The latest [`HISTORY_ROWS`] jobs, optionally filtered by status and a title search.
pub async fn history(
    pool: &Pool,
    status: Option<JobStatus>,
    search: Option<&str>,
) -> Result<Vec<JobSummary>, sqlx::Error> {
    // Jobs started in the same second keep their order: SQLite's rowid,
    // PostgreSQL's identity column.
    let tie = match pool {
        Pool::Sqlite(_) => "j.rowid",
        Pool::Postgres(_) => "j.seq",
    };
    crate::on_db!(pool, pool => {
        let like = search.map(|s| {
            format!(
                "%{}%",
                s.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
            )
        });
        sqlx::query_as(&format!(
            "{SUMMARY_SELECT} WHERE ($1 IS NULL OR j.status = $1) AND ($2 IS NULL OR j.course_title LIKE $2 ESCAPE '\\')
             ORDER BY j.created_at DESC, {tie} DESC LIMIT $3"
        ))
        .bind(status)
        .bind(like)
        .bind(HISTORY_ROWS)
        .fetch_all(pool)
        .await
    })
}

/// The jobs' change version: bumped by triggers on every change to `jobs`
/// (and to users' names), whoever makes it.
pub async fn version(pool: &Pool) -> Result<i64, sqlx::Error> {
    crate::on_db!(pool, pool => {
        sqlx::query_scalar("SELECT version FROM change_versions WHERE name = 'jobs'")
            .fetch_one(pool)
            .await
    })
}

pub async fn events(pool: &Pool, id: &str) -> Result<Vec<JobEvent>, sqlx::Error> {
    crate::on_db!(pool, pool => {
        sqlx::query_as("SELECT at, level, progress, message FROM job_events WHERE job_id = $1 ORDER BY id")
            .bind(id)
            .fetch_all(pool)
            .await
    })
}

/// A job's log lines after the line `after` (0: all), with their ids, and
/// its status and progress now — what a stream on another replica follows.
pub async fn events_after(
    pool: &Pool,
    id: &str,
    after: i64,
) -> Result<(Vec<(i64, JobEvent)>, Option<(JobStatus, i64)>), sqlx::Error> {
    crate::on_db!(pool, pool => {
        let rows: Vec<(i64, String, String, i64, String)> = sqlx::query_as(
            "SELECT id, at, level, progress, message FROM job_events WHERE job_id = $1 AND id > $2 ORDER BY id",
        )
        .bind(id)
        .bind(after)
        .fetch_all(pool)
        .await?;
        let now = sqlx::query_as("SELECT status, progress FROM jobs WHERE id = $1")
            .bind(id)
            .fetch_optional(pool)
            .await?;
        let events = rows
            .into_iter()
            .map(|(n, at, level, progress, message)| (n, JobEvent { at, level, progress, message }))
            .collect();
        Ok((events, now))
    })
}

/// The id of a job's latest log line (0 when it has none).
pub async fn last_event(pool: &Pool, id: &str) -> Result<i64, sqlx::Error> {
    crate::on_db!(pool, pool => {
        sqlx::query_scalar("SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) FROM job_events WHERE job_id = $1")
            .bind(id)
            .fetch_one(pool)
            .await
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn ids_are_eight_unambiguous_characters() {
        let ids: std::collections::HashSet<String> = (0..1000).map(|_| super::new_id()).collect();
        assert_eq!(ids.len(), 1000);
        assert!(ids
            .iter()
            .all(|i| i.len() == 8 && !i.contains(['0', 'o', '1', 'l'])));
    }
}
