//! The job machinery every part of the process shares (it lives in
//! `AppState`): the progress hub, the wake-ups, the time limit, and which jobs
//! this process is running.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{broadcast, Notify};

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
    /// This process's name among the servers sharing the database (random
    /// at each start); its workers are `w<n>-<instance>`.
    pub instance: String,
    /// How long a claim lasts without a heartbeat.
    pub lease: Duration,
    /// Ids of jobs that have new log lines written by any server on the
    /// database (PostgreSQL's notifications, see `listen`): the event streams
    /// following a job another replica runs read its new lines then.
    pub changed: broadcast::Sender<Arc<str>>,
    /// Whether this server is listening for those notifications now.
    listening: AtomicBool,
}

impl JobRuntime {
    pub fn new(time_limit: Duration, lease: Duration, stage_pause: Duration) -> Self {
        Self {
            hub: JobHub::default(),
            history: HistoryCache::default(),
            wake: Notify::new(),
            uploads: Notify::new(),
            time_limit,
            stage_pause,
            running: Mutex::default(),
            instance: crate::db::jobs::new_id().to_string(),
            lease,
            changed: broadcast::channel(256).0,
            listening: AtomicBool::new(false),
        }
    }

    /// Whether notifications of other replicas' job lines arrive now (when
    /// not, streams read the database more often).
    pub fn listening(&self) -> bool {
        self.listening.load(Ordering::Relaxed)
    }

    pub(crate) fn set_listening(&self, on: bool) {
        self.listening.store(on, Ordering::Relaxed);
    }

    /// Jobs running in this process right now.
    pub fn busy(&self) -> usize {
        self.running().len()
    }

    /// When a claim or heartbeat made now lapses (RFC 3339, as stored).
    pub fn lease_until(&self) -> String {
        crate::db::rfc3339(time::OffsetDateTime::now_utc() + self.lease)
    }

    /// Whether a worker of this process is running job `id`.
    pub fn runs_here(&self, id: &str) -> bool {
        self.running().contains_key(id)
    }

    pub(crate) fn running(&self) -> std::sync::MutexGuard<'_, HashMap<String, ()>> {
        self.running.lock().unwrap_or_else(|p| p.into_inner())
    }
}
