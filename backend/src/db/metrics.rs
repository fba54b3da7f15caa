//! The statements behind the metrics gauges: a handful of aggregates, read
//! when Prometheus scrapes (every 15–60 s), each a single indexed or
//! table-wide aggregate.

use std::collections::HashMap;

use crate::db::Pool;

/// Token spend of one model.
#[derive(Debug, Clone, Default, sqlx::FromRow)]
pub struct ModelUsage {
    pub model: String,
    pub calls: i64,
    pub input: i64,
    pub output: i64,
    pub cache_creation: i64,
    pub cache_read: i64,
    pub cost: f64,
}

/// What the metrics read from the database.
#[derive(Debug, Default)]
pub struct DbMetrics {
    pub jobs_by_status: HashMap<String, i64>,
    /// How long each completed job took, in seconds.
    pub job_durations: Vec<f64>,
    pub queue_depth: i64,
    pub llm: Vec<ModelUsage>,
}

pub async fn read(pool: &Pool) -> Result<DbMetrics, sqlx::Error> {
    crate::on_db!(pool, pool => {
        let by_status: Vec<(String, i64)> = sqlx::query_as("SELECT status, COUNT(*) FROM jobs GROUP BY status")
            .fetch_all(pool)
            .await?;
        let durations: Vec<f64> = sqlx::query_scalar(
            "SELECT duration_sec FROM jobs WHERE status = 'complete' AND duration_sec IS NOT NULL",
        )
        .fetch_all(pool)
        .await?;
        let queue_depth: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM job_queue WHERE claimed_by IS NULL")
            .fetch_one(pool)
            .await?;
        let llm: Vec<ModelUsage> = sqlx::query_as(
            "SELECT model, COUNT(*) AS calls, CAST(SUM(input_tokens) AS BIGINT) AS input,
                CAST(SUM(output_tokens) AS BIGINT) AS output,
                CAST(SUM(cache_creation_tokens) AS BIGINT) AS cache_creation,
                CAST(SUM(cache_read_tokens) AS BIGINT) AS cache_read,
                COALESCE(SUM(cost_usd), 0.0) AS cost
         FROM token_usage GROUP BY model ORDER BY model",
        )
        .fetch_all(pool)
        .await?;
        Ok(DbMetrics {
            jobs_by_status: by_status.into_iter().collect(),
            job_durations: durations,
            queue_depth,
            llm,
        })
    })
}
