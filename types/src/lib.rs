//! The types the browser and the server share: what server functions take and
//! return, the outline tree, job states and events, accounts, usage, the one
//! API error, validated newtypes and the input limits.
//!
//! Compiled for both targets and kept small: serde and thiserror only, plus
//! `sqlx` (row decoding, backend only) and `leptos` (the error's trip through
//! server functions, UI only) behind features.

pub mod account;
pub mod batches;
pub mod content;
pub mod error;
pub mod jobs;
pub mod limits;
pub mod outline;
pub mod spec;
pub mod templates;
pub mod tokens;
pub mod usage;
pub mod validate;
pub mod webhooks;

pub use error::ApiError;
