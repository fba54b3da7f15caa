//! The job machinery every part of the process shares (it lives in
//! `AppState`): the progress hub, the wake-ups, the time limit, and which jobs
//! this process is running.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use tokio::sync::Notify;

use super::history_cache::HistoryCache;
use super::hub::JobHub;

/// Shared job machinery in [`AppState`].
pub struct JobRuntime {
    pub hub: JobHub,
    /// Recent answers of the shared history (see `history_cache`).
    pub history: HistoryCache,
    /// Woken when a job is enqueued, so an idle worker starts at once.
    pub wake: Notify,
    /// Woken when a deck is complete, so the uploader moves it to object storage.
    pub uploads: Notify,
    pub time_limit: Duration,
    /// Pause between pipeline stages (default 0; for demos and tests).
    pub stage_pause: Duration,
    /// Jobs running in this process, for re-queueing at shutdown.
    running: Mutex<HashMap<String, ()>>,
}

impl JobRuntime {
    pub fn new(time_limit: Duration, stage_pause: Duration) -> Self {
        Self {
            hub: JobHub::default(),
            history: HistoryCache::default(),
            wake: Notify::new(),
            uploads: Notify::new(),
            time_limit,
            stage_pause,
            running: Mutex::default(),
        }
    }

    /// Jobs running in this process right now.
    pub fn busy(&self) -> usize {
        self.running().len()
    }

    pub(crate) fn running(&self) -> std::sync::MutexGuard<'_, HashMap<String, ()>> {
        self.running.lock().unwrap_or_else(|p| p.into_inner())
    }
}
