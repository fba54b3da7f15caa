//! Every statement on `job_content` (what each version was built from) and
//! `course_drafts` (a course's working copy), and the versions of a course.

use crate::db::{now_rfc3339, Pool};
use types::content::VersionSummary;
use types::validate::JobId;

/// Which course a job is a version of, and which version.
#[derive(sqlx::FromRow)]
pub struct Membership {
    pub course_id: String,
    pub version: i64,
    pub user_id: i64,
}

pub async fn membership(pool: &Pool, id: &JobId) -> Result<Option<Membership>, sqlx::Error> {
    crate::on_db!(pool, pool => {
        sqlx::query_as(
            "SELECT COALESCE(course_id, id) AS course_id, version, user_id FROM jobs WHERE id = $1 AND deleted_at IS NULL",
        )
        .bind(id.as_str())
        .fetch_optional(pool)
        .await
    })
}

/// The content a version was built from (or is to be built from, while it
/// is queued) and the content slide each deck slide shows, as stored.
pub async fn content(pool: &Pool, id: &JobId) -> Result<Option<(String, Option<String>)>, sqlx::Error> {
    crate::on_db!(pool, pool => {
        sqlx::query_as("SELECT content, deck_slides FROM job_content WHERE job_id = $1")
            .bind(id.as_str())
            .fetch_optional(pool)
            .await
    })
}

/// A course's versions that are not deleted, oldest first.
pub async fn versions(pool: &Pool, course_id: &str) -> Result<Vec<VersionSummary>, sqlx::Error> {
    crate::on_db!(pool, pool => {
        sqlx::query_as(
            "SELECT j.id AS job, j.version, j.origin, j.status, j.template_name, j.qa_score, j.slide_count,
                    j.created_at, u.name AS made_by
             FROM jobs j JOIN users u ON u.id = j.user_id
             WHERE j.course_id = $1 AND j.deleted_at IS NULL
             ORDER BY j.version",
        )
        .bind(course_id)
        .fetch_all(pool)
        .await
    })
}

/// The newest complete version of a course that has its content: the one
/// a draft starts from.
pub async fn current(pool: &Pool, course_id: &str) -> Result<Option<JobId>, sqlx::Error> {
    let id: Option<String> = crate::on_db!(pool, pool => {
        sqlx::query_scalar(
            "SELECT j.id FROM jobs j JOIN job_content c ON c.job_id = j.id
             WHERE j.course_id = $1 AND j.status = 'complete' AND j.deleted_at IS NULL
             ORDER BY j.version DESC LIMIT 1",
        )
        .bind(course_id)
        .fetch_optional(pool)
        .await
    })?;
    id.map(super::rows::stored).transpose()
}

/// A course's working copy and its revision.
pub async fn draft(pool: &Pool, course_id: &str) -> Result<Option<(String, i64)>, sqlx::Error> {
    crate::on_db!(pool, pool => {
        sqlx::query_as("SELECT content, revision FROM course_drafts WHERE course_id = $1")
            .bind(course_id)
            .fetch_optional(pool)
            .await
    })
}

/// Saves the working copy if it is still at `revision` (0: there is none
/// yet); the new revision, or `None` when someone saved in between.
pub async fn save_draft(
    pool: &Pool,
    course_id: &str,
    revision: i64,
    content: &str,
    user_id: i64,
) -> Result<Option<i64>, sqlx::Error> {
    let now = now_rfc3339();
    let rows = crate::on_db!(pool, pool => {
        if revision == 0 {
            sqlx::query(
                "INSERT INTO course_drafts (course_id, content, revision, updated_by, updated_at)
                 VALUES ($1, $2, 1, $3, $4) ON CONFLICT (course_id) DO NOTHING",
            )
            .bind(course_id)
            .bind(content)
            .bind(user_id)
            .bind(&now)
            .execute(pool)
            .await
        } else {
            sqlx::query(
                "UPDATE course_drafts SET content = $2, revision = revision + 1, updated_by = $3, updated_at = $4
                 WHERE course_id = $1 AND revision = $5",
            )
            .bind(course_id)
            .bind(content)
            .bind(user_id)
            .bind(&now)
            .bind(revision)
            .execute(pool)
            .await
        }
        .map(|r| r.rows_affected())
    })?;
    Ok((rows == 1).then_some(revision + 1))
}

/// Forgets a course's working copy (the next version is written afresh).
pub async fn drop_draft(pool: &Pool, course_id: &str) -> Result<(), sqlx::Error> {
    crate::on_db!(pool, pool => {
        sqlx::query("DELETE FROM course_drafts WHERE course_id = $1")
            .bind(course_id)
            .execute(pool)
            .await
            .map(|_| ())
    })
}
