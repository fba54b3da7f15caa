//! Reading jobs: one job's access rules, state, deck, input and summary,
//! the shared history, its change version, and the event log.

use crate::db::Pool;
use types::jobs::{JobEvent, JobStatus, JobSummary};
use types::validate::JobId;

/// A job id read back from the database: the ids there are the ones
/// `new_id` made, so anything else is a decoding error, not a job.
pub(super) fn stored(id: String) -> Result<JobId, sqlx::Error> {
    JobId::parse(&id).ok_or_else(|| sqlx::Error::Decode(format!("not a job id: {id:?}").into()))
}

/// Who owns a job and where it stands, for access checks.
#[derive(sqlx::FromRow)]
pub struct Access {
    pub user_id: Option<i64>,
    pub status: JobStatus,
    pub qa_report: Option<String>,
}

pub async fn access(pool: &Pool, id: &JobId) -> Result<Option<Access>, sqlx::Error> {
    crate::on_db!(pool, pool => {
        sqlx::query_as("SELECT user_id, status, qa_report FROM jobs WHERE id = $1 AND deleted_at IS NULL")
            .bind(id.as_str())
            .fetch_optional(pool)
            .await
    })
}

/// A job's status and progress (the live stream's first message).
pub async fn state(pool: &Pool, id: &JobId) -> Result<Option<(JobStatus, i64)>, sqlx::Error> {
    crate::on_db!(pool, pool => {
        sqlx::query_as("SELECT status, progress FROM jobs WHERE id = $1")
            .bind(id.as_str())
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
pub async fn complete_deck(pool: &Pool, id: &JobId) -> Result<Option<Deck>, sqlx::Error> {
    crate::on_db!(pool, pool => {
        sqlx::query_as(
            "SELECT course_title, output_local, output_s3_key FROM jobs WHERE id = $1 AND status = 'complete' AND deleted_at IS NULL",
        )
        .bind(id.as_str())
        .fetch_optional(pool)
        .await
    })
}

/// What a worker needs to run a job.
pub struct Input {
    pub course_title: String,
    pub template_path: String,
    pub duration_days: i64,
    pub language: String,
    /// Decoded from `outline_json` here and nowhere else.
    pub outline: types::outline::Outline,
    pub timetable: Option<String>,
}

#[derive(sqlx::FromRow)]
struct InputRow {
    course_title: String,
    template_path: String,
    duration_days: i64,
    language: String,
    outline_json: String,
    timetable: Option<String>,
}

pub async fn input(pool: &Pool, id: &JobId) -> Result<Input, sqlx::Error> {
    let row: InputRow = crate::on_db!(pool, pool => {
        sqlx::query_as(
            "SELECT course_title, template_path, duration_days, language, outline_json, timetable FROM jobs WHERE id = $1",
        )
        .bind(id.as_str())
        .fetch_one(pool)
        .await
    })?;
    let outline = serde_json::from_str(&row.outline_json)
        .map_err(|e| sqlx::Error::Decode(format!("job {id} has an unreadable outline: {e}").into()))?;
    Ok(Input {
        course_title: row.course_title,
        template_path: row.template_path,
        duration_days: row.duration_days,
        language: row.language,
        outline,
        timetable: row.timetable,
    })
}

pub(super) const SUMMARY_SELECT: &str = "SELECT j.id, u.name AS owner_name, j.course_title, j.template_name, j.duration_days, j.language,
        j.status, j.progress, j.log_message, j.slide_count, j.qa_score, j.qa_verdict, j.duration_sec, j.created_at,
        j.completed_at, j.error, j.version, COALESCE(r.state, 'draft') AS review
     FROM jobs j JOIN users u ON u.id = j.user_id LEFT JOIN course_reviews r ON r.course_id = j.course_id";

pub async fn summary(pool: &Pool, id: &JobId) -> Result<Option<JobSummary>, sqlx::Error> {
    crate::on_db!(pool, pool => {
        sqlx::query_as(&format!("{SUMMARY_SELECT} WHERE j.id = $1 AND j.deleted_at IS NULL"))
            .bind(id.as_str())
            .fetch_optional(pool)
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

pub async fn events(pool: &Pool, id: &JobId) -> Result<Vec<JobEvent>, sqlx::Error> {
    crate::on_db!(pool, pool => {
        sqlx::query_as("SELECT at, level, progress, message FROM job_events WHERE job_id = $1 ORDER BY id")
            .bind(id.as_str())
            .fetch_all(pool)
            .await
    })
}

/// A job's log lines after the line `after` (0: all), with their ids, and
/// its status and progress now — what a stream on another replica follows.
pub async fn events_after(
    pool: &Pool,
    id: &JobId,
    after: i64,
) -> Result<(Vec<(i64, JobEvent)>, Option<(JobStatus, i64)>), sqlx::Error> {
    crate::on_db!(pool, pool => {
        let rows: Vec<(i64, String, String, i64, String)> = sqlx::query_as(
            "SELECT id, at, level, progress, message FROM job_events WHERE job_id = $1 AND id > $2 ORDER BY id",
        )
        .bind(id.as_str())
        .bind(after)
        .fetch_all(pool)
        .await?;
        let now = sqlx::query_as("SELECT status, progress FROM jobs WHERE id = $1")
            .bind(id.as_str())
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
pub async fn last_event(pool: &Pool, id: &JobId) -> Result<i64, sqlx::Error> {
    crate::on_db!(pool, pool => {
        sqlx::query_scalar("SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) FROM job_events WHERE job_id = $1")
            .bind(id.as_str())
            .fetch_one(pool)
            .await
    })
}
