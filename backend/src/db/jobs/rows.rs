//! Reading jobs: one job's access rules, state, deck, input and summary,
//! the shared history, its change version, and the event log.

use crate::db::Pool;
use types::jobs::{JobEvent, JobStatus, JobSummary};
use types::limits::HISTORY_ROWS;

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
