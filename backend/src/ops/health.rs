//! The storage half of `/health`, remembered for a while: a health check
//! must be cheap (load balancers poll it; anyone may call it), so the disk
//! write probe and the object-storage call run at most once per
//! [`STORAGE_CHECK_EVERY`], by one caller at a time, bounded in time; other
//! callers get the last answer.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::db::Pool;
use crate::storage::s3::S3;
use crate::storage::Storage;

/// How long a storage answer is reused.
pub const STORAGE_CHECK_EVERY: Duration = Duration::from_secs(30);

/// Longest a storage probe may take before it counts as a failure.
const PROBE_LIMIT: Duration = Duration::from_secs(3);

/// Storage state: the local folder is writable; object storage (if any) answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StorageState {
    pub local: bool,
    pub s3: Option<bool>,
}

#[derive(Default)]
pub struct StorageHealth {
    last: Mutex<Option<(Instant, StorageState)>>,
    probing: AtomicBool,
}

impl StorageHealth {
    /// The storage state, probed when the last answer is older than
    /// [`STORAGE_CHECK_EVERY`] and nobody else is probing right now.
    pub async fn check(&self, storage: &dyn Storage, s3: Option<&S3>) -> StorageState {
        let last = *self.last.lock().unwrap_or_else(|p| p.into_inner());
        let fresh = last.filter(|(at, _)| at.elapsed() < STORAGE_CHECK_EVERY);
        if let Some((_, s)) = fresh {
            return s;
        }
        if self.probing.swap(true, Ordering::AcqRel) {
            // Someone else is probing: the last answer (or "fine so far").
            return last.map_or(
                StorageState {
                    local: true,
                    s3: None,
                },
                |(_, s)| s,
            );
        }
        let local = tokio::time::timeout(PROBE_LIMIT, storage.healthy())
            .await
            .unwrap_or(false);
        let s3 = match s3 {
            Some(s3) => Some(
                tokio::time::timeout(PROBE_LIMIT, s3.healthy())
                    .await
                    .unwrap_or(false),
            ),
            None => None,
        };
        let now = StorageState { local, s3 };
        *self.last.lock().unwrap_or_else(|p| p.into_inner()) = Some((Instant::now(), now));
        self.probing.store(false, Ordering::Release);
        now
    }
}

/// Readiness: the database answers with every migration applied, the data
/// folder takes a write, object storage (when configured) answers. Checked
/// afresh on each call (probes run every few seconds, not per user request);
/// the error lists what is not ready.
pub async fn ready(pool: &Pool, storage: &dyn Storage, s3: Option<&S3>) -> Result<(), Vec<&'static str>> {
    let mut problems = Vec::new();
    if !crate::db::ping(pool).await {
        problems.push("the database does not answer");
    } else if !crate::db::migrations_applied(pool).await {
        problems.push("database migrations are not applied");
    }
    let writable = tokio::time::timeout(PROBE_LIMIT, storage.healthy())
        .await
        .unwrap_or(false);
    if !writable {
        problems.push("the data directory is not writable");
    }
    if let Some(s3) = s3 {
        if !tokio::time::timeout(PROBE_LIMIT, s3.healthy())
            .await
            .unwrap_or(false)
        {
            problems.push("object storage does not answer");
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}
