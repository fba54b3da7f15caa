//! Server-only half of the app: configuration, database, accounts and guards.
//! Compiled only with the `ssr` feature; the browser bundle never sees it.

pub mod config;
pub mod db;
pub mod guard;
pub mod jobs;
pub mod password;
pub mod session_store;
pub mod state;
pub mod throttle;
pub mod users;
pub mod worker;

pub use config::Config;
pub use state::AppState;
