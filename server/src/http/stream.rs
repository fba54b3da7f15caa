//! `GET /api/jobs/{id}/events`: live progress as server-sent events — a
//! snapshot first (so a reconnect catches up), then every update until the
//! job ends, when the stream ends too (and the page closes its EventSource,
//! so a finished job is not followed again). Each user holds at most
//! `MAX_STREAMS_PER_USER` streams; a job's channel goes with its last follower.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use backend::accounts::SignedIn;
use backend::jobs::runtime::JobRuntime;
use backend::AppState;
use futures_util::stream::{self, Stream, StreamExt};
use std::sync::Arc;
use types::jobs::JobUpdate;
use types::limits::MAX_STREAMS_PER_USER;
use types::validate::JobId;
use types::ApiError;

/// Holds one of the user's stream places and the job's channel; both are
/// given back when the stream ends or the client goes away.
struct Following {
    jobs: Arc<JobRuntime>,
    user: i64,
    job: String,
}

impl Drop for Following {
    fn drop(&mut self) {
        self.jobs.hub.close_stream(self.user);
        self.jobs.hub.prune(&self.job);
    }
}

/// How often a stream reads the database for a job another replica runs
/// while this server hears no notifications of new lines…
const POLL_EVERY: Duration = Duration::from_secs(1);
/// … and while it does (then a read only catches a notification lost while
/// the listening connection was re-established).
const POLL_WHILE_LISTENING: Duration = Duration::from_secs(5);

/// Following a job through the database (see `events`).
struct Poll {
    state: AppState,
    id: String,
    /// The last log line already sent.
    after: i64,
    queue: std::collections::VecDeque<JobUpdate>,
    /// Ids of jobs with new lines, announced by the database.
    changed: tokio::sync::broadcast::Receiver<std::sync::Arc<str>>,
}

impl Poll {
    /// Waits until this job has new lines (as announced), or until the next
    /// read is due anyway.
    async fn wait(&mut self) {
        use tokio::sync::broadcast::error::RecvError;
        let every = match self.state.jobs.listening() {
            true => POLL_WHILE_LISTENING,
            false => POLL_EVERY,
        };
        let due = tokio::time::sleep(every);
        tokio::pin!(due);
        loop {
            tokio::select! {
                _ = &mut due => return,
                heard = self.changed.recv() => match heard {
                    Ok(job) if *job == *self.id => return,
                    Ok(_) => {}
                    // Announcements were missed: this job's may be among them.
                    Err(RecvError::Lagged(_)) => return,
                    Err(RecvError::Closed) => return (&mut due).await,
                },
            }
        }
    }

    /// Queues an update per new log line — unless a worker here runs the
    /// job (the hub carries its updates). The last one carries the job's
    /// status now; earlier ones, of a job that has ended since, `running`.
    async fn fetch(&mut self) {
        if self.state.jobs.runs_here(&self.id) {
            return;
        }
        let (events, now) =
            match backend::db::jobs::events_after(&self.state.pool, &self.id, self.after).await {
                Ok(r) => r,
                Err(e) => {
                    tracing::warn!(error = %e, "reading job events for stream");
                    return;
                }
            };
        let Some((status, progress)) = now else {
            return;
        };
        let n = events.len();
        for (i, (line, event)) in events.into_iter().enumerate() {
            self.after = line;
            let last = i + 1 == n;
            self.queue.push_back(JobUpdate {
                status: if last || !status.is_terminal() {
                    status
                } else {
                    types::jobs::JobStatus::Running
                },
                progress: if last { progress } else { event.progress },
                event: Some(event),
            });
        }
    }
}

pub async fn events(
    State(state): State<AppState>,
    Extension(SignedIn(user)): Extension<SignedIn>,
    Path(id): Path<String>,
) -> Response {
    if JobId::parse(&id).is_none() {
        return StatusCode::NOT_FOUND.into_response();
    }
    if !state.jobs.hub.open_stream(user.id, MAX_STREAMS_PER_USER) {
        return super::error::api_error(
            StatusCode::TOO_MANY_REQUESTS,
            &ApiError::TooManyRequests { retry_after: 10 },
        );
    }
    // Declared before `rx`, so on an early return `rx` drops first.
    let following = Following {
        jobs: state.jobs.clone(),
        user: user.id,
        job: id.clone(),
    };
    // Subscribe before reading the snapshot so nothing falls in between.
    let rx = state.jobs.hub.subscribe(&id);
    let (status, progress) = match backend::jobs::current(&state, &id).await {
        Ok(Some(now)) => now,
        Ok(None) => return StatusCode::NOT_FOUND.into_response(),
        Err(e) => {
            tracing::error!(error = %e, "reading job for stream");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let snapshot = JobUpdate {
        status,
        progress,
        event: None,
    };
    let first = Event::default()
        .event("update")
        .json_data(&snapshot)
        .unwrap_or_default();
    let done = status.is_terminal();
    // On PostgreSQL the job may run on another replica, whose updates never
    // reach this process's hub: the stream then reads the job's new log
    // lines from the database when it announces them (and every few seconds
    // in case an announcement was lost), while no worker here runs it.
    let poll = match &state.pool {
        backend::db::Pool::Postgres(_) if !done => {
            // Heard from before the last line is read, so no line falls in between.
            let changed = state.jobs.changed.subscribe();
            match backend::db::jobs::last_event(&state.pool, &id).await {
                Ok(after) => Some(Poll {
                    state: state.clone(),
                    id: id.clone(),
                    after,
                    queue: Default::default(),
                    changed,
                }),
                Err(e) => {
                    tracing::warn!(error = %e, "reading job events for stream");
                    None
                }
            }
        }
        _ => None,
    };
    // `rx` drops before `following` (tuple order), so the prune sees no follower.
    let updates = stream::unfold(
        (rx, done, poll, following),
        |(mut rx, done, mut poll, following)| async move {
            if done {
                return None;
            }
            loop {
                if let Some(u) = poll.as_mut().and_then(|p| p.queue.pop_front()) {
                    let end = u.status.is_terminal();
                    let ev = Event::default().event("update").json_data(&u).unwrap_or_default();
                    return Some((Ok::<_, Infallible>(ev), (rx, end, poll, following)));
                }
                tokio::select! {
                    r = rx.recv() => match r {
                        Ok(u) => {
                            let end = u.status.is_terminal();
                            let ev = Event::default().event("update").json_data(&u).unwrap_or_default();
                            return Some((Ok::<_, Infallible>(ev), (rx, end, poll, following)));
                        }
                        // A slow client missed some updates: the next one carries the state.
                        Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                        Err(tokio::sync::broadcast::error::RecvError::Closed) => return None,
                    },
                    _ = async { poll.as_mut().expect("checked").wait().await }, if poll.is_some() => {
                        if let Some(p) = poll.as_mut() {
                            p.fetch().await;
                        }
                    }
                }
            }
        },
    );
    let all: std::pin::Pin<Box<dyn Stream<Item = Result<Event, Infallible>> + Send>> =
        Box::pin(stream::once(async move { Ok(first) }).chain(updates));
    Sse::new(all)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response()
}
