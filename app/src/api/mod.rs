//! Server functions: the dashboard's whole API. Each one checks the caller
//! (see `server::guard`) and passes its result through `respond` so errors
//! carry the right HTTP status.
//!
//! Public (callable without a session) — keep in step with the list in the
//! server's route guard: `login`, `logout`, `setup_admin`.

pub mod auth;
pub mod jobs;
pub mod usage;
pub mod users;
