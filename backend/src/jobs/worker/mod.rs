//! The job workers: `WORKER_CONCURRENCY` tasks that claim queued jobs and
//! run the generation pipeline (plan → build → QA → store), recording
//! progress as they go. A job over `JOB_TIME_LIMIT` fails; a cancelled job
//! stops at the next stage; at shutdown workers stop claiming, running jobs
//! get a grace period and are re-queued if they do not finish.

mod ai;
mod generate;
mod steps;
mod store;
mod tasks;

pub use generate::PANIC_TITLE_FOR_TESTS;
pub use tasks::{start, Workers};
