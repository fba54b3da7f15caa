//! Courseware's backend: everything the server does that is not HTTP or UI,
//! in one folder per capability:
//!
//! * [`accounts`]: sessions, signing in (throttled), passwords, users, and
//!   who is on the other end of a request;
//! * [`jobs`]: the job lifecycle (each state transition written once, with
//!   its ownership rules), outlines, the queue's workers and following a job;
//! * [`templates`]: template intake, the banks, slide previews;
//! * [`storage`]: where decks are kept (local, S3), download links, offload;
//! * [`llm`]: the AI writer, token accounting and spend;
//! * [`ops`]: health, metrics, backups, the previous tool's import;
//! * [`webhooks`]: endpoints, signed deliveries and their retries;
//! * [`db`]: every SQL statement;
//!
//! and beside them what all share: [`config`], [`error`], [`state`],
//! [`secret`], [`gate`].
//!
//! No Leptos here: the UI crate's server functions and the server's HTTP
//! routes are thin adapters that call into this crate and turn its [`Error`]
//! into the API error with `?`.

pub mod accounts;
pub mod config;
pub mod db;
pub mod error;
pub mod gate;
pub mod jobs;
pub mod llm;
pub mod ops;
pub mod secret;
pub mod state;
pub mod storage;
pub mod templates;
pub mod webhooks;

pub use config::Config;
pub use error::{Error, Result};
pub use state::AppState;
