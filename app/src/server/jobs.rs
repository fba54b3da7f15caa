//! Durable jobs in SQLite: enqueueing (job row and queue entry in one
//! transaction), atomic claiming, the event log, recovery after a crash, and
//! the in-process hub that pushes updates to live progress streams.

use std::collections::HashMap;
use std::sync::Mutex;

use rand::Rng;
use sqlx::SqlitePool;
use tokio::sync::broadcast;

use super::db::now_rfc3339;
use crate::jobs::{JobEvent, JobStatus, JobSummary, JobUpdate};

/// Attempts before a job that keeps dying with its worker is failed.
pub const MAX_ATTEMPTS: i64 = 3;

/// An 8-character random id (lower-case letters and digits).
pub fn new_id() -> String {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyz23456789";
    let mut rng = rand::thread_rng();
    (0..8)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect()
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
}

/// Writes the job and its queue entry in one transaction.
pub async fn enqueue(pool: &SqlitePool, job: &NewJob) -> Result<String, sqlx::Error> {
    let now = now_rfc3339();
    loop {
        let id = new_id();
        let mut tx = pool.begin().await?;
        let inserted = sqlx::query(
            "INSERT INTO jobs (id, user_id, course_title, template_name, template_path, duration_days, language,
                               outline_json, status, progress, log_message, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'queued', 0, 'Waiting for a worker', ?)
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
        .execute(&mut *tx)
        .await?;
        if inserted.rows_affected() == 0 {
            continue; // id collision: draw another
        }
        sqlx::query("INSERT INTO job_queue (job_id, enqueued_at) VALUES (?, ?)")
            .bind(&id)
            .bind(&now)
            .execute(&mut *tx)
            .await?;
        log_event(&mut tx, &id, &now, "info", 0, "Queued").await?;
        tx.commit().await?;
        return Ok(id);
    }
}

/// Claims the oldest free queue entry for `worker`, atomically, and marks the
/// job running. `None` when the queue is empty.
pub async fn claim(pool: &SqlitePool, worker: &str) -> Result<Option<String>, sqlx::Error> {
    let now = now_rfc3339();
    let mut tx = pool.begin().await?;
    let id: Option<String> = sqlx::query_scalar(
        "UPDATE job_queue SET claimed_by = ?, claimed_at = ?
         WHERE job_id = (SELECT job_id FROM job_queue WHERE claimed_by IS NULL ORDER BY enqueued_at, job_id LIMIT 1)
           AND claimed_by IS NULL
         RETURNING job_id",
    )
    .bind(worker)
    .bind(&now)
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(id) = &id {
        sqlx::query(
            "UPDATE jobs SET status = 'running', attempts = attempts + 1, started_at = COALESCE(started_at, ?),
                 log_message = 'Started', error = NULL WHERE id = ?",
        )
        .bind(&now)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(id)
}

/// After a crash or kill: jobs left running go back to the queue (or fail
/// after [`MAX_ATTEMPTS`]). Returns (requeued, failed).
pub async fn recover(pool: &SqlitePool) -> Result<(u64, u64), sqlx::Error> {
    let now = now_rfc3339();
    let mut tx = pool.begin().await?;
    let failed = sqlx::query(
        "UPDATE jobs SET status = 'failed', completed_at = ?, error = 'The job stopped with its worker 3 times; giving up.',
             log_message = 'Failed' WHERE status = 'running' AND attempts >= ?",
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
}

/// Puts one running job back in the queue (graceful shutdown).
pub async fn requeue(pool: &SqlitePool, id: &str) -> Result<(), sqlx::Error> {
    let mut tx = pool.begin().await?;
    sqlx::query("UPDATE jobs SET status = 'queued', log_message = 'Re-queued at shutdown' WHERE id = ? AND status = 'running'")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("UPDATE job_queue SET claimed_by = NULL, claimed_at = NULL WHERE job_id = ?")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}

/// Fan-out of job updates to live progress streams in this process.
#[derive(Default)]
pub struct JobHub {
    senders: Mutex<HashMap<String, broadcast::Sender<JobUpdate>>>,
}

impl JobHub {
    pub fn subscribe(&self, id: &str) -> broadcast::Receiver<JobUpdate> {
        let mut map = self.senders.lock().unwrap_or_else(|p| p.into_inner());
        map.entry(id.to_owned())
            .or_insert_with(|| broadcast::channel(64).0)
            .subscribe()
    }

    pub fn publish(&self, id: &str, update: JobUpdate) {
        let mut map = self.senders.lock().unwrap_or_else(|p| p.into_inner());
        let terminal = update.status.is_terminal();
        if let Some(tx) = map.get(id) {
            let _ = tx.send(update);
        }
        if terminal {
            map.remove(id);
        }
    }
}

/// Appends one line to a job's event log (inside the caller's transaction).
pub async fn log_event(
    conn: &mut sqlx::SqliteConnection,
    id: &str,
    at: &str,
    level: &str,
    progress: i64,
    message: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO job_events (job_id, at, level, progress, message) VALUES (?, ?, ?, ?, ?)")
        .bind(id)
        .bind(at)
        .bind(level)
        .bind(progress)
        .bind(message)
        .execute(conn)
        .await?;
    Ok(())
}

/// Records an event: the log row, the job's progress and last message, and a
/// push to live streams.
pub async fn record(
    pool: &SqlitePool,
    hub: &JobHub,
    id: &str,
    status: JobStatus,
    level: &str,
    progress: u8,
    message: &str,
) -> Result<(), sqlx::Error> {
    let at = now_rfc3339();
    let mut tx = pool.begin().await?;
    log_event(&mut tx, id, &at, level, i64::from(progress), message).await?;
    sqlx::query("UPDATE jobs SET progress = ?, log_message = ? WHERE id = ?")
        .bind(i64::from(progress))
        .bind(message)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    hub.publish(
        id,
        JobUpdate {
            status,
            progress: i64::from(progress),
            event: Some(JobEvent {
                at,
                level: level.into(),
                progress: i64::from(progress),
                message: message.into(),
            }),
        },
    );
    Ok(())
}

const SUMMARY_SELECT: &str = "SELECT j.id, u.name AS owner_name, j.course_title, j.template_name, j.duration_days, j.language,
        j.status, j.progress, j.log_message, j.slide_count, j.qa_score, j.qa_verdict, j.duration_sec, j.created_at,
        j.completed_at, j.error
     FROM jobs j JOIN users u ON u.id = j.user_id";

pub async fn summary(pool: &SqlitePool, id: &str) -> Result<Option<JobSummary>, sqlx::Error> {
    sqlx::query_as(&format!("{SUMMARY_SELECT} WHERE j.id = ?"))
        .bind(id)
        .fetch_optional(pool)
        .await
}

/// The latest 100 jobs, optionally filtered by status and a title search.
pub async fn history(
    pool: &SqlitePool,
    status: Option<&str>,
    search: Option<&str>,
) -> Result<Vec<JobSummary>, sqlx::Error> {
    let like = search.map(|s| {
        format!(
            "%{}%",
            s.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
        )
    });
    sqlx::query_as(&format!(
        "{SUMMARY_SELECT} WHERE (?1 IS NULL OR j.status = ?1) AND (?2 IS NULL OR j.course_title LIKE ?2 ESCAPE '\\')
         ORDER BY j.created_at DESC, j.id LIMIT 100"
    ))
    .bind(status)
    .bind(like)
    .fetch_all(pool)
    .await
}

pub async fn events(pool: &SqlitePool, id: &str) -> Result<Vec<JobEvent>, sqlx::Error> {
    sqlx::query_as("SELECT at, level, progress, message FROM job_events WHERE job_id = ? ORDER BY id")
        .bind(id)
        .fetch_all(pool)
        .await
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
