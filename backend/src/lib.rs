//! Courseware's backend: everything the server does that is not HTTP or UI.
//! It owns the database (every SQL statement is in [`db`]), the job
//! lifecycle ([`jobs`]: each state transition written once, with its
//! ownership rules), the queue and its workers ([`worker`]), the AI writer
//! ([`llm`]), where decks are kept ([`storage`], [`s3`]), accounts
//! ([`accounts`], [`password`], [`throttle`]) and configuration ([`config`]).
//!
//! No Leptos here: the UI crate's server functions and the server's HTTP
//! routes are thin adapters that call into this crate and turn its [`Error`]
//! into the API error with `?`.

pub mod accounts;
pub mod backup;
pub mod banks_sync;
pub mod client;
pub mod config;
pub mod db;
pub mod decks;
pub mod error;
pub mod gate;
pub mod health;
pub mod jobs;
pub mod legacy;
pub mod links;
pub mod llm;
pub mod metrics;
pub mod offload;
pub mod outlines;
pub mod password;
pub mod previews;
pub mod s3;
pub mod secret;
pub mod state;
pub mod storage;
pub mod templates;
pub mod throttle;
pub mod usage;

pub use config::Config;
pub use error::{Error, Result};
pub use state::AppState;
