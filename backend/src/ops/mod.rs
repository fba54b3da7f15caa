//! Running the service: its health and metrics, backups and restores, and
//! bringing in the previous tool's data.

pub mod backup;
pub mod health;
pub mod legacy;
pub mod metrics;
