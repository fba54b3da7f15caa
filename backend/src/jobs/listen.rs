//! Hearing other replicas' job progress. On PostgreSQL every new job log
//! line is announced on a channel by a trigger (migration 11); this task
//! listens there and passes the job's id to the event streams of this server
//! (`JobRuntime::changed`), which then read the new lines. A stream also reads
//! the database every few seconds, so a notification lost while the listening
//! connection is re-established delays a line, never drops it.

use std::sync::Arc;
use std::time::Duration;

use sqlx::postgres::PgListener;
use tokio::sync::watch;

use crate::db::Pool;
use crate::AppState;

/// The channel the trigger announces on.
pub const CHANNEL: &str = "courseware_job_events";

/// Wait before listening again after the database refused.
const RETRY_AFTER: Duration = Duration::from_secs(5);

/// Listens until `stop` turns true. Returns at once on SQLite (one server:
/// its streams hear its workers through the hub).
pub async fn other_replicas(state: AppState, mut stop: watch::Receiver<bool>) {
    let Pool::Postgres(pg) = &state.pool else {
        return;
    };
    let jobs = &state.jobs;
    loop {
        match listener(pg).await {
            Ok(mut listener) => {
                jobs.set_listening(true);
                tracing::debug!(channel = CHANNEL, "listening for other replicas' job progress");
                loop {
                    tokio::select! {
                        heard = listener.try_recv() => match heard {
                            Ok(Some(n)) => {
                                // Nobody following is no error.
                                let _ = jobs.changed.send(Arc::from(n.payload()));
                            }
                            // The connection dropped and was opened again:
                            // what was said meanwhile is lost; the streams'
                            // own reads catch up.
                            Ok(None) => tracing::debug!("listening connection re-established"),
                            Err(e) => {
                                tracing::warn!(error = %e, "listening for job progress stopped");
                                break;
                            }
                        },
                        _ = stop.changed() => {
                            jobs.set_listening(false);
                            return;
                        }
                    }
                }
            }
            Err(e) => tracing::warn!(error = %e, "could not listen for job progress"),
        }
        jobs.set_listening(false);
        tokio::select! {
            _ = tokio::time::sleep(RETRY_AFTER) => {}
            _ = stop.changed() => return,
        }
    }
}

async fn listener(pg: &sqlx::PgPool) -> Result<PgListener, sqlx::Error> {
    let mut listener = PgListener::connect_with(pg).await?;
    listener.listen(CHANNEL).await?;
    Ok(listener)
}
