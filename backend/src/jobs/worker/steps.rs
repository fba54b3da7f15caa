//! What a running job writes as it goes: log lines and progress (each
//! stage checks for a cancel request first), why a job stopped early, and
//! what it produced.

use crate::db::jobs as db;
use crate::db::Pool;
use crate::AppState;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;
use types::validate::JobId;

/// Why a job did not complete.
pub(crate) enum Stop {
    Cancelled,
    Failed(String),
}

impl From<sqlx::Error> for Stop {
    fn from(e: sqlx::Error) -> Self {
        tracing::error!(error = %e, "database error in job");
        match e {
            // A stored value this version cannot read (an outline, an id):
            // say so rather than blame the database.
            sqlx::Error::Decode(why) => Stop::Failed(format!("The stored job is unreadable: {why}")),
            _ => Stop::Failed("A database error interrupted the job.".into()),
        }
    }
}

impl From<crate::Error> for Stop {
    fn from(e: crate::Error) -> Self {
        tracing::error!(error = %e, "error in job");
        Stop::Failed("A database error interrupted the job.".into())
    }
}

pub(crate) struct Done {
    pub(crate) slides: usize,
    pub(crate) score: u8,
    pub(crate) verdict: String,
    pub(crate) report: String,
    pub(crate) location: String,
    /// Set when the worker already stored the deck in object storage.
    pub(crate) s3_key: Option<String>,
    /// The content document built (JSON) and each deck slide's content id (JSON).
    pub(crate) content: Option<(String, String)>,
}

pub(crate) async fn check_cancel(pool: &Pool, id: &JobId) -> Result<(), Stop> {
    if db::cancel_requested(pool, id).await? {
        Err(Stop::Cancelled)
    } else {
        Ok(())
    }
}

/// Resolves once the job's cancellation is requested (polled every 250 ms).
pub(crate) async fn cancelled(pool: &Pool, id: &JobId) -> Stop {
    loop {
        tokio::time::sleep(Duration::from_millis(250)).await;
        if let Err(stop) = check_cancel(pool, id).await {
            return stop;
        }
    }
}

/// Logs a line of a running job (and pushes it to followers).
pub(crate) async fn note(state: &AppState, id: &JobId, level: &str, pct: u8, msg: &str) -> Result<(), Stop> {
    crate::jobs::progress(state, id, level, pct, msg).await?;
    Ok(())
}

pub(crate) async fn stage(state: &AppState, id: &JobId, pct: u8, msg: &str) -> Result<(), Stop> {
    announce(state, id, pct, msg).await?;
    if !state.jobs.stage_pause.is_zero() {
        tokio::time::sleep(state.jobs.stage_pause).await;
    }
    check_cancel(&state.pool, id).await
}

/// The first half of a stage: still wanted? then say what comes next.
pub(crate) async fn announce(state: &AppState, id: &JobId, pct: u8, msg: &str) -> Result<(), Stop> {
    check_cancel(&state.pool, id).await?;
    note(state, id, "info", pct, msg).await
}

/// Set when the job's future is dropped before its build on a blocking thread
/// ends — at shutdown (the job is re-queued) or past the time limit. The build
/// then stops at its next step: it neither spends the cores on a deck nobody
/// will store nor calls into a runtime that may be shutting down (a timer
/// polled there panics).
#[derive(Default)]
pub(crate) struct Abandoned(Arc<AtomicBool>);

impl Abandoned {
    pub(crate) fn flag(&self) -> Arc<AtomicBool> {
        self.0.clone()
    }
}

impl Drop for Abandoned {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}
