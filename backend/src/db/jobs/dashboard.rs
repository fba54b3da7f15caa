//! The dashboard's figures: one day's counts and the last 90 days' activity.

use crate::db::Pool;

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
            "SELECT COUNT(*) FROM jobs WHERE status = 'failed' AND substr(completed_at, 1, 10) = $1 AND deleted_at IS NULL",
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
