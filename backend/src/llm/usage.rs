//! Token accounting. A [`Meter`] belongs to one job and is handed to every
//! model call made for it — the job id travels with the work, never through
//! a global — so each call's tokens land in `token_usage` with the right job
//! and user, and the job's budget is enforced where the tokens are counted.

use std::sync::atomic::{AtomicU64, Ordering};

use crate::db::Pool;

use super::call::{LlmError, Usage};
use super::prices::Prices;
use crate::db::usage::{self as db, CallRow};

/// One job's token meter.
pub struct Meter {
    pool: Pool,
    job_id: String,
    user_id: Option<i64>,
    budget: u64,
    used: AtomicU64,
}

fn i(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

impl Meter {
    /// A meter for `job_id`, starting from what earlier runs of the job spent.
    pub async fn for_job(pool: &Pool, job_id: &str, budget: u64) -> Result<Meter, sqlx::Error> {
        let (user_id, spent) = db::job_owner_and_spent(pool, job_id).await?;
        Ok(Meter {
            pool: pool.clone(),
            job_id: job_id.to_string(),
            user_id,
            budget,
            used: AtomicU64::new(u64::try_from(spent).unwrap_or(0)),
        })
    }

    pub fn used(&self) -> u64 {
        self.used.load(Ordering::Relaxed)
    }

    /// Fails once the job has spent more than its budget.
    pub fn check(&self) -> Result<(), LlmError> {
        let used = self.used();
        if self.budget > 0 && used > self.budget {
            Err(LlmError::Budget {
                used,
                budget: self.budget,
            })
        } else {
            Ok(())
        }
    }

    /// Records one call's tokens (and estimated cost). An answer that takes
    /// the job over its budget is still returned — it is paid for — and the
    /// next [`Meter::check`] stops the job.
    pub async fn record(
        &self,
        prices: &Prices,
        provider: &'static str,
        model: &str,
        purpose: &str,
        usage: &Usage,
    ) -> Result<(), LlmError> {
        let cost = prices.cost(model, usage);
        db::insert(
            &self.pool,
            &CallRow {
                job_id: &self.job_id,
                user_id: self.user_id,
                provider,
                model,
                purpose,
                input: i(usage.input),
                output: i(usage.output),
                cache_write: i(usage.cache_write),
                cache_read: i(usage.cache_read),
                cost_usd: cost,
            },
        )
        .await
        .map_err(|e| LlmError::Record(e.to_string()))?;
        self.used.fetch_add(usage.total(), Ordering::Relaxed);
        Ok(())
    }
}
