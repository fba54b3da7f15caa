//! Every statement on the `jobs`, `job_queue`, `job_events`,
//! `job_module_texts` and `daily_activity` tables. Each state transition is
//! one function and one transaction (the job row, its queue entry and its
//! log line change together); the status a transition starts from is
//! checked inside the statement, so two racing requests cannot both win.
//! Publishing to live streams is the jobs service's part, not this module's.

/// Appends one line to a job's event log, inside the caller's transaction
/// `tx` (a macro, so one text serves both databases' connections).
macro_rules! log_event {
    ($tx:expr, $id:expr, $at:expr, $level:expr, $progress:expr, $message:expr) => {
        sqlx::query(
            "INSERT INTO job_events (job_id, at, level, progress, message) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(AsRef::<str>::as_ref($id))
        .bind($at)
        .bind($level)
        .bind(i64::from($progress))
        .bind($message)
        .execute(&mut *$tx)
        .await
        .map(|_| ())
    };
}

/// Drops a job's queue entry inside the caller's transaction `tx`.
macro_rules! dequeue {
    ($tx:expr, $id:expr) => {
        sqlx::query("DELETE FROM job_queue WHERE job_id = $1")
            .bind(AsRef::<str>::as_ref($id))
            .execute(&mut *$tx)
            .await
            .map(|_| ())
    };
}

pub mod batches;
pub mod browse;
pub mod content;
mod dashboard;
mod decks;
mod lifecycle;
mod queue;
mod rows;
mod texts;

pub use dashboard::{activity_90_days, day_figures};
pub use decks::{
    deleted_before, finished_before, local_deck_paths, local_only_decks, moved_to_object_storage,
    templates_in_use,
};
pub use lifecycle::{
    cancel_requested, complete, delete_finished, deleted_owner, end, mark_deleted, progress, replace_report,
    request_cancel, retry, undelete, Completed, Stored,
};
pub use queue::{
    claim, enqueue, new_id, reclaim_expired, recover, renew, requeue, Enqueued, NewJob, NewVersion, Quota,
    MAX_ATTEMPTS,
};
pub use rows::{
    access, complete_deck, events, events_after, input, last_event, state, summary, version, Access, Deck,
    Input,
};
pub use texts::{module_texts, save_module_text};
