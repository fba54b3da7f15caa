//! The application state every handler, server function and worker reaches:
//! cheap-to-clone handles to everything long-lived.

use std::sync::Arc;

use crate::db::Pool;

use super::{throttle::LoginThrottle, Config};

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
    pub outline_reads: Arc<super::throttle::Hourly>,
    /// Template uploads per user per hour.
    pub template_uploads: Arc<super::throttle::Hourly>,
    /// Preview conversions (LibreOffice runs) a user may cause per hour.
    pub renders: Arc<super::throttle::Hourly>,
    /// The converters running now, killed when the server stops.
    pub converters: Arc<super::previews::sandbox::Groups>,
    /// Job workers' shared machinery: progress hub, wake-up, limits, output folder.
    pub jobs: Arc<crate::jobs::runtime::JobRuntime>,
    /// Where finished decks are kept (local folder by default).
    pub storage: Arc<dyn super::storage::Storage>,
    /// The AI writer's model client; `None` runs the offline writer.
    pub llm: Option<Arc<super::llm::Llm>>,
    /// The object-storage bucket when `S3_BUCKET` is set.
    pub s3: Option<Arc<super::s3::S3>>,
    /// Signs and checks download links.
    pub link_key: super::links::LinkKey,
    /// The one-time code `/setup` asks for, printed in the server log at
    /// start-up while there are no users (so a page reached through DNS
    /// rebinding, or by anyone else on the network, cannot create the admin).
    pub setup_code: Arc<str>,
    /// Counters for `/metrics`.
    pub metrics: Arc<super::metrics::Metrics>,
    /// The last storage health answer (see `health`).
    pub storage_health: Arc<super::health::StorageHealth>,
}
