//! The application state every handler, server function and worker reaches:
//! cheap-to-clone handles to everything long-lived.

use std::sync::Arc;

use crate::db::Pool;

use crate::accounts::throttle::LoginThrottle;
use crate::Config;

/// Shared, cheap-to-clone handles to everything long-lived.
#[derive(Clone)]
pub struct AppState {
    /// The SQLite pool (WAL mode, busy timeout), shared by requests and workers.
    pub pool: Pool,
    /// Configuration parsed once at start-up.
    pub config: Arc<Config>,
    /// Failed sign-in counters per email and per client address.
    pub throttle: Arc<LoginThrottle>,
    /// Outline reads (uploads and pastes) per user per hour.
    pub outline_reads: Arc<crate::accounts::throttle::Hourly>,
    /// Template uploads per user per hour.
    pub template_uploads: Arc<crate::accounts::throttle::Hourly>,
    /// Preview conversions (LibreOffice runs) a user may cause per hour.
    pub renders: Arc<crate::accounts::throttle::Hourly>,
    /// The converters running now, killed when the server stops.
    pub converters: Arc<crate::templates::previews::sandbox::Groups>,
    /// Job workers' shared machinery: progress hub, wake-up, limits, output folder.
    pub jobs: Arc<crate::jobs::runtime::JobRuntime>,
    /// Where finished decks are kept (local folder by default).
    pub storage: Arc<dyn crate::storage::Storage>,
    /// The AI writer's model client; `None` runs the offline writer.
    pub llm: Option<Arc<crate::llm::Llm>>,
    /// The object-storage bucket when `S3_BUCKET` is set.
    pub s3: Option<Arc<crate::storage::s3::S3>>,
    /// Signs and checks download links.
    pub link_key: crate::storage::links::LinkKey,
    /// The one-time code `/setup` asks for, printed in the server log at
    /// start-up while there are no users (so a page reached through DNS
    /// rebinding, or by anyone else on the network, cannot create the admin).
    pub setup_code: Arc<str>,
    /// Counters for `/metrics`.
    pub metrics: Arc<crate::ops::metrics::Metrics>,
    /// The last storage health answer (see `health`).
    pub storage_health: Arc<crate::ops::health::StorageHealth>,
}

impl AppState {
    /// Whether the database answers a trivial query (liveness).
    pub async fn database_answers(&self) -> bool {
        crate::db::ping(&self.pool).await
    }

    /// The storage half of `/health` (remembered for a while; see
    /// [`crate::ops::health`]).
    pub async fn storage_state(&self) -> crate::ops::health::StorageState {
        self.storage_health
            .check(self.storage.as_ref(), self.s3.as_deref())
            .await
    }

    /// Readiness: database, data folder and object storage, checked now.
    pub async fn ready(&self) -> Result<(), Vec<&'static str>> {
        crate::ops::health::ready(&self.pool, self.storage.as_ref(), self.s3.as_deref()).await
    }

    /// `/metrics`' text, read now.
    pub async fn metrics_text(&self) -> crate::Result<String> {
        let workers = crate::ops::metrics::Workers {
            busy: self.jobs.busy(),
            total: self.config.worker_concurrency,
        };
        self.metrics.render(&self.pool, workers).await
    }
}
