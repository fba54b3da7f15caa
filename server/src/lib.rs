//! The `courseware` server: start-up (configuration, database, migrations),
//! the HTTP layer ([`http`]: router, guards, the progress stream, downloads,
//! uploads, health), the command-line tools ([`cli`]) and graceful shutdown.
//! The work itself is the backend crate's; nothing here runs SQL.
//!
//! Kept as a library so the integration tests start exactly the app that the
//! binary serves, on a free port with a fresh database.

pub mod cli;
pub mod http;
pub mod mcp;
pub mod startup;
pub mod telemetry;

pub use http::router;
pub use startup::{listen, prepare, serve};
