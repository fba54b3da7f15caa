//! The `token_usage` table: one row per model call, kept when its job is
//! deleted so spend stays in the history; grouped totals for the Usage page.

use crate::db::Pool;
use types::usage::TokenTotals;

use super::now_rfc3339;

/// One model call's tokens as stored.
pub struct CallRow<'a> {
    pub job_id: &'a str,
    pub user_id: Option<i64>,
    pub provider: &'a str,
    pub model: &'a str,
    pub purpose: &'a str,
    pub input: i64,
    pub output: i64,
    pub cache_write: i64,
    pub cache_read: i64,
    /// `None` when the model has no price.
    pub cost_usd: Option<f64>,
}

pub async fn insert(pool: &Pool, row: &CallRow<'_>) -> Result<(), sqlx::Error> {
    crate::on_db!(pool, pool => {
        sqlx::query(
            "INSERT INTO token_usage (job_id, user_id, at, provider, model, purpose, input_tokens, output_tokens,
             cache_creation_tokens, cache_read_tokens, cost_usd)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(row.job_id)
        .bind(row.user_id)
        .bind(now_rfc3339())
        .bind(row.provider)
        .bind(row.model)
        .bind(row.purpose)
        .bind(row.input)
        .bind(row.output)
        .bind(row.cache_write)
        .bind(row.cache_read)
        .bind(row.cost_usd)
        .execute(pool)
        .await?;
        Ok(())
    })
}

/// A job's owner and the tokens its earlier runs spent (a resumed job
/// starts its budget from there).
pub async fn job_owner_and_spent(pool: &Pool, job_id: &str) -> Result<(Option<i64>, i64), sqlx::Error> {
    crate::on_db!(pool, pool => {
        sqlx::query_as(
            "SELECT j.user_id, CAST(COALESCE((SELECT SUM(input_tokens + output_tokens + cache_creation_tokens + cache_read_tokens)
                                      FROM token_usage WHERE job_id = j.id), 0) AS BIGINT)
         FROM jobs j WHERE j.id = $1",
        )
        .bind(job_id)
        .fetch_one(pool)
        .await
    })
}

type Row = (String, i64, i64, i64, i64, i64, f64, i64);

fn totals_of(r: Row) -> (String, TokenTotals) {
    (
        r.0,
        TokenTotals {
            calls: r.1,
            input: r.2,
            output: r.3,
            cache_write: r.4,
            cache_read: r.5,
            cost_usd: r.6,
            unpriced_calls: r.7,
        },
    )
}

/// The totals' columns. PostgreSQL sums BIGINTs as NUMERIC, hence the casts
/// (no-ops in SQLite).
const SUMS: &str = "COUNT(*), CAST(COALESCE(SUM(t.input_tokens), 0) AS BIGINT),
    CAST(COALESCE(SUM(t.output_tokens), 0) AS BIGINT), CAST(COALESCE(SUM(t.cache_creation_tokens), 0) AS BIGINT),
    CAST(COALESCE(SUM(t.cache_read_tokens), 0) AS BIGINT), COALESCE(SUM(t.cost_usd), 0.0),
    CAST(COALESCE(SUM(CASE WHEN t.cost_usd IS NULL THEN 1 ELSE 0 END), 0) AS BIGINT)";

/// How totals are grouped.
#[derive(Debug, Clone, Copy)]
pub enum Group {
    All,
    Day,
    Model,
    User,
}

impl Group {
    /// A fixed SQL expression (never user input).
    fn key(self) -> &'static str {
        match self {
            Self::All => "'all'",
            Self::Day => "substr(t.at, 1, 10)",
            Self::Model => "t.model",
            Self::User => "COALESCE(u.name, 'Deleted user')",
        }
    }
}

/// Totals since `since` (a date) grouped by `group`. Largest spend first,
/// days newest first.
pub async fn totals(
    pool: &Pool,
    group: Group,
    since: &str,
) -> Result<Vec<(String, TokenTotals)>, sqlx::Error> {
    crate::on_db!(pool, pool => {
        let order = if matches!(group, Group::Day) {
            "1 DESC"
        } else {
            "7 DESC, 2 DESC"
        };
        let sql = format!(
            "SELECT {}, {SUMS} FROM token_usage t LEFT JOIN users u ON u.id = t.user_id
             WHERE t.at >= $1 GROUP BY 1 HAVING COUNT(*) > 0 ORDER BY {order}",
            group.key()
        );
        let rows: Vec<Row> = sqlx::query_as(&sql).bind(since).fetch_all(pool).await?;
        Ok(rows.into_iter().map(totals_of).collect())
    })
}

/// One job's totals.
pub async fn job_totals(pool: &Pool, job_id: &str) -> Result<TokenTotals, sqlx::Error> {
    crate::on_db!(pool, pool => {
        let sql = format!("SELECT 'job', {SUMS} FROM token_usage t WHERE t.job_id = $1");
        let row: Row = sqlx::query_as(&sql).bind(job_id).fetch_one(pool).await?;
        Ok(totals_of(row).1)
    })
}

/// Calls recorded for `model`, and their mean input (cached included) and
/// output tokens: the basis of a batch's estimate.
pub async fn call_means(pool: &Pool, model: &str) -> Result<(i64, f64, f64), sqlx::Error> {
    crate::on_db!(pool, pool => {
        let (calls, input, output): (i64, Option<f64>, Option<f64>) = sqlx::query_as(
            "SELECT COUNT(*),
                    AVG(CAST(input_tokens + cache_creation_tokens + cache_read_tokens AS DOUBLE PRECISION)),
                    AVG(CAST(output_tokens AS DOUBLE PRECISION))
             FROM token_usage WHERE model = $1",
        )
        .bind(model)
        .fetch_one(pool)
        .await?;
        Ok((calls, input.unwrap_or(0.0), output.unwrap_or(0.0)))
    })
}
