//! The queue: a new job enters within its owner's quota; workers claim one
//! with a lease, renew their leases, and take back jobs whose worker
//! stopped renewing; at start-up this instance's jobs are recovered.

use crate::db::{now_rfc3339, Pool};
use rand::Rng;
use types::validate::JobId;

/// Attempts before a job that keeps dying with its worker is failed.
pub const MAX_ATTEMPTS: i64 = 3;

/// A fresh random job id (see [`JobId`] for its shape).
pub fn new_id() -> JobId {
    let mut rng = rand::thread_rng();
    JobId::from_indexes(|n| rng.gen_range(0..n))
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
    /// Stored as JSON (`outline_json`), encoded here and nowhere else.
    pub outline: types::outline::Outline,
    /// The course day it was started with (`start|end|lunch|breaks`); `None`:
    /// the server's settings.
    pub timetable: Option<String>,
    /// A new version of an existing course, built from stored content;
    /// `None`: a new course (version 1, written by a writer).
    pub version_of: Option<NewVersion>,
}

/// A version to add to a course.
#[derive(Debug, Clone)]
pub struct NewVersion {
    /// The course it is a version of; `None`: the first version of a new
    /// course made from another's content (a translation).
    pub course_id: Option<String>,
    /// `rebuilt`, `restored`, `retemplated`, `translated` or `regenerated`.
    pub origin: &'static str,
    /// The content document (JSON) to build, stored as the job's content;
    /// `None`: written and planned again from the job's outline.
    pub content: Option<String>,
    /// The log's first line after "Queued": who asked for it and why.
    pub said: String,
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
    Id(JobId),
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
    let outline_json = serde_json::to_string(&job.outline).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    crate::on_db!(pool, pool => {
        let now = now_rfc3339();
        let hour_ago = crate::db::rfc3339(time::OffsetDateTime::now_utc() - time::Duration::hours(1));
        loop {
            let id = new_id();
            let mut tx = pool.begin().await?;
            if let Some(lock) = lock_user {
                sqlx::query(lock).bind(job.user_id).execute(&mut *tx).await?;
            }
            let inserted = sqlx::query(
                "INSERT INTO jobs (id, user_id, course_title, template_name, template_path, duration_days, language,
                               outline_json, status, progress, log_message, created_at, timetable,
                               course_id, version, origin)
             SELECT $1, $2, $3, $4, $5, $6, $7, $8, 'queued', 0, 'Waiting for a worker', $9, $13,
                    COALESCE($14, $1),
                    COALESCE((SELECT MAX(version) + 1 FROM jobs WHERE course_id = $14), 1),
                    $15
             WHERE (SELECT COUNT(*) FROM jobs WHERE user_id = $2 AND batch_id IS NULL AND status IN ('queued', 'running')) < $10
               AND (SELECT COUNT(*) FROM jobs WHERE user_id = $2 AND batch_id IS NULL AND created_at > $11) < $12
             ON CONFLICT (id) DO NOTHING",
            )
            .bind(id.as_str())
            .bind(job.user_id)
            .bind(&job.course_title)
            .bind(&job.template_name)
            .bind(&job.template_path)
            .bind(i64::from(job.duration_days))
            .bind(&job.language)
            .bind(&outline_json)
            .bind(&now)
            .bind(quota.active)
            .bind(&hour_ago)
            .bind(quota.per_hour)
            .bind(&job.timetable)
            .bind(job.version_of.as_ref().and_then(|v| v.course_id.as_deref()))
            .bind(job.version_of.as_ref().map_or("generated", |v| v.origin))
            .execute(&mut *tx)
            .await?;
            if inserted.rows_affected() == 0 {
                let active: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM jobs WHERE user_id = $1 AND batch_id IS NULL AND status IN ('queued', 'running')",
                )
                .bind(job.user_id)
                .fetch_one(&mut *tx)
                .await?;
                if active >= quota.active {
                    return Ok(Enqueued::TooManyActive);
                }
                let recent: i64 =
                    sqlx::query_scalar("SELECT COUNT(*) FROM jobs WHERE user_id = $1 AND batch_id IS NULL AND created_at > $2")
                        .bind(job.user_id)
                        .bind(&hour_ago)
                        .fetch_one(&mut *tx)
                        .await?;
                if recent >= quota.per_hour {
                    return Ok(Enqueued::TooManyStarts);
                }
                continue; // id collision: draw another
            }
            if let Some(content) = job.version_of.as_ref().and_then(|v| v.content.as_ref()) {
                sqlx::query("INSERT INTO job_content (job_id, content) VALUES ($1, $2)")
                    .bind(id.as_str())
                    .bind(content)
                    .execute(&mut *tx)
                    .await?;
            }
            sqlx::query("INSERT INTO job_queue (job_id, enqueued_at) VALUES ($1, $2)")
                .bind(id.as_str())
                .bind(&now)
                .execute(&mut *tx)
                .await?;
            log_event!(tx, &id, &now, "info", 0, "Queued")?;
            if let Some(v) = &job.version_of {
                log_event!(tx, &id, &now, "info", 0, &v.said)?;
            }
            tx.commit().await?;
            return Ok(Enqueued::Id(id));
        }
    })
}

/// Claims a free queue entry for `worker`, atomically, and marks the job
/// running, holding it until `lease_until` (renewed by [`renew`]). Fair
/// share: the entry of the user with the fewest courses running now goes
/// first; among equals, the user whose last course started longest ago
/// (round robin); then the oldest entry — so while one user's 500-course
/// batch fills every worker, another user's course takes the next free one.
/// `None` when the queue is empty. On PostgreSQL, replicas claiming at the
/// same moment skip each other's locked rows instead of waiting on them.
pub async fn claim(pool: &Pool, worker: &str, lease_until: &str) -> Result<Option<JobId>, sqlx::Error> {
    let skip_locked = match pool {
        Pool::Sqlite(_) => "",
        Pool::Postgres(_) => " FOR UPDATE OF q SKIP LOCKED",
    };
    crate::on_db!(pool, pool => {
        let now = now_rfc3339();
        let mut tx = pool.begin().await?;
        let id: Option<String> = sqlx::query_scalar(&format!(
            "UPDATE job_queue SET claimed_by = $1, claimed_at = $2, lease_until = $3
             WHERE job_id = (SELECT q.job_id FROM job_queue q JOIN jobs j ON j.id = q.job_id
                             WHERE q.claimed_by IS NULL
                             ORDER BY (SELECT COUNT(*) FROM job_queue c JOIN jobs cj ON cj.id = c.job_id
                                       WHERE c.claimed_by IS NOT NULL AND cj.user_id = j.user_id),
                                      (SELECT COALESCE(MAX(s.started_at), '') FROM jobs s WHERE s.user_id = j.user_id),
                                      q.enqueued_at, q.job_id
                             LIMIT 1{skip_locked})
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
            .bind(id.as_str())
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        id.map(super::rows::stored).transpose()
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
pub async fn requeue(pool: &Pool, id: &JobId) -> Result<(), sqlx::Error> {
    crate::on_db!(pool, pool => {
        let mut tx = pool.begin().await?;
        sqlx::query("UPDATE jobs SET status = 'queued', log_message = 'Re-queued at shutdown' WHERE id = $1 AND status = 'running'")
            .bind(id.as_str())
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE job_queue SET claimed_by = NULL, claimed_at = NULL WHERE job_id = $1")
            .bind(id.as_str())
            .execute(&mut *tx)
            .await?;
        tx.commit().await
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn ids_are_eight_unambiguous_characters() {
        let ids: std::collections::HashSet<String> = (0..1000).map(|_| super::new_id().to_string()).collect();
        assert_eq!(ids.len(), 1000);
        assert!(ids
            .iter()
            .all(|i| i.len() == 8 && !i.contains(['0', 'o', '1', 'l'])));
    }
}
