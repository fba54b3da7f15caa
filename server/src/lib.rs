//! The `courseware` server: start-up (configuration, database, migrations),
//! the axum router with its middleware, and graceful shutdown.
//!
//! Kept as a library so the integration tests start exactly the app that the
//! binary serves, on a free port with a fresh database.

pub mod deck_cli;
pub mod generate;
pub mod guard;
pub mod health;
pub mod jobs_http;
pub mod router;
pub mod startup;
pub mod telemetry;

pub use router::router;
pub use startup::{prepare, serve};
