//! The team's courses — the history page and the REST API's list: filtered,
//! newest first, a page at a time behind a cursor that stays stable while new
//! jobs arrive.

use types::jobs::{JobStatus, JobSummary};

use super::rows::SUMMARY_SELECT;
use crate::db::Pool;

/// Which jobs a page lists.
#[derive(Debug, Default, Clone)]
pub struct Filter {
    pub status: Option<JobStatus>,
    /// The owner's email (any case).
    pub owner: Option<String>,
    /// RFC 3339 bounds on `created_at`: from (inclusive), until (exclusive).
    pub created_from: Option<String>,
    pub created_until: Option<String>,
    /// Text the title contains (any case; `%` and `_` match themselves).
    pub search: Option<String>,
    /// `Some`: deleted jobs still kept for an undo instead of live ones —
    /// `Some(Some(user))` only that user's, `Some(None)` everyone's.
    pub deleted: Option<Option<i64>>,
    /// Courses in this review state (`draft`, `in_review`, `approved`).
    pub review: Option<&'static str>,
}

/// Where the previous page ended: the last row's `created_at` and tie-breaker.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct After {
    pub created_at: String,
    pub tie: i64,
}

impl After {
    /// The cursor as clients carry it: opaque, URL-safe.
    pub fn to_cursor(&self) -> String {
        format!("{}_{}", self.tie, self.created_at.replace(':', "."))
    }

    /// A cursor [`After::to_cursor`] made; `None` for anything else.
    pub fn from_cursor(text: &str) -> Option<After> {
        let (tie, at) = text.split_once('_')?;
        let created_at = at.replace('.', ":");
        time::OffsetDateTime::parse(&created_at, &time::format_description::well_known::Rfc3339).ok()?;
        Some(After {
            created_at,
            tie: tie.parse().ok()?,
        })
    }
}

#[derive(sqlx::FromRow)]
struct Row {
    #[sqlx(flatten)]
    summary: JobSummary,
    tie: i64,
}

/// Up to `limit` jobs after `after` (from the newest without one), and where
/// the next page starts when there may be more.
pub async fn page(
    pool: &Pool,
    filter: &Filter,
    after: Option<&After>,
    limit: i64,
) -> Result<(Vec<JobSummary>, Option<After>), sqlx::Error> {
    // Jobs started in the same second keep their order: SQLite's rowid,
    // PostgreSQL's identity column (as the history does).
    let tie = match pool {
        Pool::Sqlite(_) => "j.rowid",
        Pool::Postgres(_) => "j.seq",
    };
    let select = SUMMARY_SELECT.replacen("SELECT ", &format!("SELECT {tie} AS tie, "), 1);
    // A course is listed once, as its newest version.
    let kept = match filter.deleted {
        None => {
            "j.deleted_at IS NULL AND NOT EXISTS (SELECT 1 FROM jobs n
               WHERE n.course_id = j.course_id AND n.version > j.version AND n.deleted_at IS NULL)"
        }
        Some(_) => {
            "j.deleted_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM jobs n
               WHERE n.course_id = j.course_id AND n.version > j.version AND n.deleted_at IS NOT NULL)"
        }
    };
    let sql = format!(
        "{select} WHERE {kept} AND ($1 IS NULL OR j.status = $1)
           AND ($2 IS NULL OR lower(u.email) = lower($2))
           AND ($3 IS NULL OR j.created_at >= $3)
           AND ($4 IS NULL OR j.created_at < $4)
           AND ($5 IS NULL OR j.created_at < $5 OR (j.created_at = $5 AND {tie} < $6))
           AND ($8 IS NULL OR lower(j.course_title) LIKE lower($8) ESCAPE '\\')
           AND ($9 = 0 OR j.user_id = $9)
           AND ($10 IS NULL OR COALESCE(r.state, 'draft') = $10)
         ORDER BY j.created_at DESC, {tie} DESC LIMIT $7"
    );
    let like = filter.search.as_deref().map(|s| {
        format!(
            "%{}%",
            s.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
        )
    });
    let rows: Vec<Row> = crate::on_db!(pool, pool => {
        sqlx::query_as(&sql)
            .bind(filter.status)
            .bind(filter.owner.as_deref())
            .bind(filter.created_from.as_deref())
            .bind(filter.created_until.as_deref())
            .bind(after.map(|a| a.created_at.as_str()))
            .bind(after.map_or(0, |a| a.tie))
            .bind(limit + 1)
            .bind(like)
            .bind(filter.deleted.flatten().unwrap_or(0))
            .bind(filter.review)
            .fetch_all(pool)
            .await
    })?;
    let more = rows.len() as i64 > limit;
    let mut jobs = Vec::with_capacity(rows.len());
    let mut next = None;
    for row in rows.into_iter().take(limit as usize) {
        next = Some(After {
            created_at: row.summary.created_at.clone(),
            tie: row.tie,
        });
        jobs.push(row.summary);
    }
    Ok((jobs, if more { next } else { None }))
}

#[cfg(test)]
mod tests {
    use super::After;

    #[test]
    fn a_cursor_reads_back_as_itself_and_nothing_else_reads() {
        let after = After {
            created_at: "2026-12-04T10:11:12Z".into(),
            tie: 42,
        };
        assert_eq!(After::from_cursor(&after.to_cursor()), Some(after));
        for junk in [
            "",
            "42",
            "x_2026-12-04T10.11.12Z",
            "42_yesterday",
            "42_2026-12-04T10:11:12Z'--",
        ] {
            assert_eq!(After::from_cursor(junk), None, "{junk}");
        }
    }
}
