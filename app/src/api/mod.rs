//! Server functions: the dashboard's whole API. Each one is a thin adapter —
//! who is calling ([`caller`]), one call into the backend crate, `?` — and
//! passes its result through `caller::respond` so errors carry the right
//! HTTP status.
//!
//! Public (callable without a session) — keep in step with the list in the
//! server's route guard: `login`, `logout`, `setup_admin`.

pub mod auth;
#[cfg(feature = "ssr")]
pub mod caller;
pub mod courses;
pub mod jobs;
pub mod tokens;
pub mod usage;
pub mod users;
pub mod webhooks;
