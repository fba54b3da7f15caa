//! Token usage and estimated cost: team totals per day, model and user.

use leptos::prelude::*;

use crate::error::ApiError;
use crate::jobs::UsageSummary;

/// Spend over the last `days` days (1–365).
#[server(prefix = "/api", endpoint = "usage")]
pub async fn usage_report(days: i64) -> Result<UsageSummary, ApiError> {
    use crate::server::guard::{internal, require_user, respond};
    respond(
        async {
            let (state, _) = require_user().await?;
            let days = days.clamp(1, 365);
            let since = (time::OffsetDateTime::now_utc() - time::Duration::days(days - 1))
                .date()
                .to_string();
            let group = |key: &'static str| {
                let pool = state.pool.clone();
                let since = since.clone();
                async move { ssr::totals(&pool, key, &since).await }
            };
            let per_day = group("substr(t.at, 1, 10)").await.map_err(internal)?;
            let per_model = group("t.model").await.map_err(internal)?;
            let per_user = group("COALESCE(u.name, 'Deleted user')")
                .await
                .map_err(internal)?;
            let totals = ssr::totals(&state.pool, "'all'", &since)
                .await
                .map_err(internal)?
                .into_iter()
                .next()
                .map(|(_, t)| t)
                .unwrap_or_default();
            Ok(UsageSummary {
                ai_writer: state
                    .llm
                    .as_ref()
                    .map(|l| format!("{} · {}", l.provider, l.model)),
                days,
                totals,
                per_day,
                per_model,
                per_user,
            })
        }
        .await,
    )
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use sqlx::SqlitePool;

    use crate::jobs::TokenTotals;

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

    const SUMS: &str = "COUNT(*), COALESCE(SUM(t.input_tokens), 0), COALESCE(SUM(t.output_tokens), 0),
        COALESCE(SUM(t.cache_creation_tokens), 0), COALESCE(SUM(t.cache_read_tokens), 0),
        COALESCE(SUM(t.cost_usd), 0.0), COALESCE(SUM(t.cost_usd IS NULL), 0)";

    /// Totals since `since` (a date) grouped by `key`, a fixed SQL expression
    /// from this module (never user input). Largest spend first, days newest first.
    pub async fn totals(
        pool: &SqlitePool,
        key: &'static str,
        since: &str,
    ) -> Result<Vec<(String, TokenTotals)>, sqlx::Error> {
        let order = if key.starts_with("substr") {
            "1 DESC"
        } else {
            "7 DESC, 2 DESC"
        };
        let sql = format!(
            "SELECT {key}, {SUMS} FROM token_usage t LEFT JOIN users u ON u.id = t.user_id
             WHERE t.at >= ? GROUP BY 1 HAVING COUNT(*) > 0 ORDER BY {order}"
        );
        let rows: Vec<Row> = sqlx::query_as(&sql).bind(since).fetch_all(pool).await?;
        Ok(rows.into_iter().map(totals_of).collect())
    }

    /// One job's totals.
    pub async fn job_totals(pool: &SqlitePool, job_id: &str) -> Result<TokenTotals, sqlx::Error> {
        let sql = format!("SELECT 'job', {SUMS} FROM token_usage t WHERE t.job_id = ?");
        let row: Row = sqlx::query_as(&sql).bind(job_id).fetch_one(pool).await?;
        Ok(totals_of(row).1)
    }
}

/// "provider · model" when the AI writer is on, for the New course form.
#[server(prefix = "/api", endpoint = "writer")]
pub async fn writer_info() -> Result<Option<String>, ApiError> {
    use crate::server::guard::{require_user, respond};
    respond(
        async {
            let (state, _) = require_user().await?;
            Ok(state
                .llm
                .as_ref()
                .map(|l| format!("{} · {}", l.provider, l.model)))
        }
        .await,
    )
}
