//! Every statement on `course_reviews` (a course's review state) and
//! `slide_comments` (threads on content slides), and the dashboard's
//! review lists.

use types::content::{InboxItem, Review};

use crate::db::{now_rfc3339, Pool};

#[derive(sqlx::FromRow)]
struct ReviewRow {
    state: String,
    reviewer: Option<String>,
    reviewer_id: Option<i64>,
    submitted_by: Option<String>,
    submitted_by_id: Option<i64>,
    submitted_at: Option<String>,
    decided_by: Option<String>,
    decided_at: Option<String>,
    approved_job: Option<String>,
    approved_version: Option<i64>,
    note: Option<String>,
}

/// A course's review, with who asked whom (ids too, for the rules).
pub struct Stored {
    pub review: Review,
    pub reviewer_id: Option<i64>,
    pub submitted_by_id: Option<i64>,
}

pub async fn get(pool: &Pool, course_id: &str) -> Result<Option<Stored>, sqlx::Error> {
    let row: Option<ReviewRow> = crate::on_db!(pool, pool => {
        sqlx::query_as(
            "SELECT r.state, rv.name AS reviewer, r.reviewer_id, sb.name AS submitted_by, r.submitted_by AS submitted_by_id,
                    r.submitted_at, db.name AS decided_by, r.decided_at, r.approved_job, aj.version AS approved_version, r.note
             FROM course_reviews r
             LEFT JOIN users rv ON rv.id = r.reviewer_id
             LEFT JOIN users sb ON sb.id = r.submitted_by
             LEFT JOIN users db ON db.id = r.decided_by
             LEFT JOIN jobs aj ON aj.id = r.approved_job
             WHERE r.course_id = $1",
        )
        .bind(course_id)
        .fetch_optional(pool)
        .await
    })?;
    Ok(row.map(|r| Stored {
        reviewer_id: r.reviewer_id,
        submitted_by_id: r.submitted_by_id,
        review: Review {
            state: r.state,
            reviewer: r.reviewer,
            submitted_by: r.submitted_by,
            submitted_at: r.submitted_at,
            decided_by: r.decided_by,
            decided_at: r.decided_at,
            approved_version: r.approved_version,
            approved_job: r.approved_job,
            note: r.note,
        },
    }))
}

/// Puts a draft course in review (`from`: the state it must be in, checked
/// in the statement); whether it was.
pub async fn submit(
    pool: &Pool,
    course_id: &str,
    by: i64,
    reviewer: Option<i64>,
) -> Result<bool, sqlx::Error> {
    let now = now_rfc3339();
    let rows = crate::on_db!(pool, pool => {
        sqlx::query(
            "INSERT INTO course_reviews (course_id, state, reviewer_id, submitted_by, submitted_at)
             VALUES ($1, 'in_review', $2, $3, $4)
             ON CONFLICT (course_id) DO UPDATE SET state = 'in_review', reviewer_id = $2, submitted_by = $3,
                 submitted_at = $4, decided_by = NULL, decided_at = NULL, note = NULL
             WHERE course_reviews.state = 'draft'",
        )
        .bind(course_id)
        .bind(reviewer)
        .bind(by)
        .bind(&now)
        .execute(pool)
        .await
        .map(|r| r.rows_affected())
    })?;
    Ok(rows == 1)
}

/// Decides a course in review: approved (as version `job`) or back to
/// draft with `note`; whether it was in review.
pub async fn decide(
    pool: &Pool,
    course_id: &str,
    by: i64,
    approved_job: Option<&str>,
    note: Option<&str>,
) -> Result<bool, sqlx::Error> {
    let now = now_rfc3339();
    let state = if approved_job.is_some() {
        "approved"
    } else {
        "draft"
    };
    let rows = crate::on_db!(pool, pool => {
        sqlx::query(
            "UPDATE course_reviews SET state = $2, decided_by = $3, decided_at = $4,
                 approved_job = COALESCE($5, approved_job), note = $6
             WHERE course_id = $1 AND state = 'in_review'",
        )
        .bind(course_id)
        .bind(state)
        .bind(by)
        .bind(&now)
        .bind(approved_job)
        .bind(note)
        .execute(pool)
        .await
        .map(|r| r.rows_affected())
    })?;
    Ok(rows == 1)
}

/// An edit starts a new draft: a course in review or approved goes back to
/// draft (the version approved stays recorded); whether it changed.
pub async fn back_to_draft(pool: &Pool, course_id: &str) -> Result<bool, sqlx::Error> {
    let rows = crate::on_db!(pool, pool => {
        sqlx::query("UPDATE course_reviews SET state = 'draft' WHERE course_id = $1 AND state <> 'draft'")
            .bind(course_id)
            .execute(pool)
            .await
            .map(|r| r.rows_affected())
    })?;
    Ok(rows == 1)
}

/// One comment as stored.
#[derive(sqlx::FromRow)]
pub struct CommentRow {
    pub id: i64,
    pub slide_id: String,
    pub version: i64,
    pub parent_id: Option<i64>,
    pub author: Option<String>,
    pub body: String,
    pub created_at: String,
    pub resolved_at: Option<String>,
    pub resolved_by: Option<String>,
}

/// A course's comments, oldest first.
pub async fn comments(pool: &Pool, course_id: &str) -> Result<Vec<CommentRow>, sqlx::Error> {
    crate::on_db!(pool, pool => {
        sqlx::query_as(
            "SELECT c.id, c.slide_id, c.version, c.parent_id, a.name AS author, c.body, c.created_at, c.resolved_at,
                    r.name AS resolved_by
             FROM slide_comments c
             LEFT JOIN users a ON a.id = c.user_id
             LEFT JOIN users r ON r.id = c.resolved_by
             WHERE c.course_id = $1 ORDER BY c.id",
        )
        .bind(course_id)
        .fetch_all(pool)
        .await
    })
}

/// A comment to add.
pub struct NewComment<'a> {
    pub course_id: &'a str,
    pub slide_id: &'a str,
    pub job_id: &'a str,
    pub version: i64,
    pub parent_id: Option<i64>,
    pub user_id: i64,
    pub body: &'a str,
}

/// Adds a comment while the course has fewer than `max` (checked in the
/// statement); its id, or `None` when the course is full. A reply's parent
/// must be a thread of the same course.
pub async fn add_comment(pool: &Pool, c: &NewComment<'_>, max: i64) -> Result<Option<i64>, sqlx::Error> {
    let now = now_rfc3339();
    crate::on_db!(pool, pool => {
        sqlx::query_scalar(
            "INSERT INTO slide_comments (course_id, slide_id, job_id, version, parent_id, user_id, body, created_at)
             SELECT $1, $2, $3, $4, $5, $6, $7, $8
             WHERE (SELECT COUNT(*) FROM slide_comments WHERE course_id = $1) < $9
             RETURNING id",
        )
        .bind(c.course_id)
        .bind(c.slide_id)
        .bind(c.job_id)
        .bind(c.version)
        .bind(c.parent_id)
        .bind(c.user_id)
        .bind(c.body)
        .bind(&now)
        .bind(max)
        .fetch_optional(pool)
        .await
    })
}

/// A thread's course and slide (`None`: no such thread — replies are not threads).
pub async fn thread(pool: &Pool, id: i64) -> Result<Option<(String, String)>, sqlx::Error> {
    crate::on_db!(pool, pool => {
        sqlx::query_as("SELECT course_id, slide_id FROM slide_comments WHERE id = $1 AND parent_id IS NULL")
            .bind(id)
            .fetch_optional(pool)
            .await
    })
}

/// Resolves or reopens a thread.
pub async fn resolve(pool: &Pool, id: i64, by: Option<i64>) -> Result<bool, sqlx::Error> {
    let at = by.map(|_| now_rfc3339());
    let rows = crate::on_db!(pool, pool => {
        sqlx::query("UPDATE slide_comments SET resolved_at = $2, resolved_by = $3 WHERE id = $1 AND parent_id IS NULL")
            .bind(id)
            .bind(at)
            .bind(by)
            .execute(pool)
            .await
            .map(|r| r.rows_affected())
    })?;
    Ok(rows == 1)
}

/// The newest version of each course (not deleted), as a SQL fragment over `j`.
const NEWEST: &str = "j.deleted_at IS NULL AND NOT EXISTS (SELECT 1 FROM jobs n
    WHERE n.course_id = j.course_id AND n.version > j.version AND n.deleted_at IS NULL)";

/// Courses in review that wait for `user`: asked of them, or of anyone
/// when someone else asked. Newest first, at most `limit`.
pub async fn waiting_for(pool: &Pool, user: i64, limit: i64) -> Result<Vec<InboxItem>, sqlx::Error> {
    let sql = format!(
        "SELECT j.id AS job, j.course_title, COALESCE(sb.name, '') AS who, COALESCE(r.submitted_at, '') AS at, '' AS body
         FROM course_reviews r
         JOIN jobs j ON j.course_id = r.course_id
         LEFT JOIN users sb ON sb.id = r.submitted_by
         WHERE r.state = 'in_review' AND {NEWEST}
           AND (r.reviewer_id = $1 OR (r.reviewer_id IS NULL AND COALESCE(r.submitted_by, 0) <> $1))
         ORDER BY r.submitted_at DESC LIMIT $2"
    );
    crate::on_db!(pool, pool => {
        sqlx::query_as(&sql).bind(user).bind(limit).fetch_all(pool).await
    })
}

/// Open comments by others on `user`'s courses, newest first, at most `limit`.
pub async fn comments_for_owner(pool: &Pool, user: i64, limit: i64) -> Result<Vec<InboxItem>, sqlx::Error> {
    let sql = format!(
        "SELECT j.id AS job, j.course_title, COALESCE(a.name, '') AS who, c.created_at AS at, c.body
         FROM slide_comments c
         JOIN jobs j ON j.course_id = c.course_id
         LEFT JOIN users a ON a.id = c.user_id
         LEFT JOIN slide_comments t ON t.id = COALESCE(c.parent_id, c.id)
         WHERE j.user_id = $1 AND {NEWEST} AND COALESCE(c.user_id, 0) <> $1 AND t.resolved_at IS NULL
         ORDER BY c.id DESC LIMIT $2"
    );
    crate::on_db!(pool, pool => {
        sqlx::query_as(&sql).bind(user).bind(limit).fetch_all(pool).await
    })
}
