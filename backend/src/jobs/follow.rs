//! Following a job: its state now, then every update until it ends (the
//! stream ends too). Updates of a job a worker here runs come through the
//! progress hub; on PostgreSQL a job may run on another replica, whose
//! updates never reach this process's hub, so the stream then reads the
//! job's new log lines from the database when the database announces them
//! (and every few seconds in case an announcement was lost). Each user
//! holds at most `MAX_STREAMS_PER_USER` streams; a job's channel goes with
//! its last follower.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use futures_util::stream::{self, Stream, StreamExt};
use tokio::sync::broadcast::{self, error::RecvError};
use types::jobs::{JobStatus, JobUpdate};
use types::limits::MAX_STREAMS_PER_USER;
use types::validate::JobId;
use types::ApiError;

use crate::db::{self, Pool};
use crate::jobs::runtime::JobRuntime;
use crate::{AppState, Result};

/// How often a stream reads the database for a job another replica runs
/// while this server hears no notifications of new lines…
const POLL_EVERY: Duration = Duration::from_secs(1);
/// … and while it does (then a read only catches a notification lost while
/// the listening connection was re-established).
const POLL_WHILE_LISTENING: Duration = Duration::from_secs(5);

/// After this long a client that cannot get a stream place may try again.
const RETRY_AFTER_SECONDS: u64 = 10;

/// The updates of job `id` for `user`: the state now first (so a reconnect
/// catches up), then each update; the stream ends after the one that ends
/// the job. Not found for an unknown job; too many requests when the user
/// already holds `MAX_STREAMS_PER_USER` streams.
pub async fn follow(
    state: &AppState,
    user: i64,
    id: &JobId,
) -> Result<impl Stream<Item = JobUpdate> + Send + 'static> {
    let jobs = state.jobs.clone();
    if !jobs.hub.open_stream(user, MAX_STREAMS_PER_USER) {
        return Err(ApiError::TooManyRequests {
            retry_after: RETRY_AFTER_SECONDS,
        }
        .into());
    }
    // Declared before `rx`, so on an early return `rx` drops first.
    let following = Following {
        jobs: jobs.clone(),
        user,
        job: id.to_string(),
    };
    // Subscribed before the snapshot is read, so nothing falls in between.
    let rx = jobs.hub.subscribe(id.as_str());
    let Some((status, progress)) = db::jobs::state(&state.pool, id).await? else {
        return Err(ApiError::NotFound.into());
    };
    let snapshot = JobUpdate {
        status,
        progress,
        event: None,
    };
    let done = status.is_terminal();
    let poll = match &state.pool {
        Pool::Postgres(_) if !done => Poll::start(state, id).await,
        _ => None,
    };
    let follower = Follower {
        rx,
        poll,
        done,
        _following: following,
    };
    let updates = stream::unfold(follower, |mut f| async move {
        let update = f.next().await?;
        f.done = update.status.is_terminal();
        Some((update, f))
    });
    Ok(stream::once(async move { snapshot }).chain(updates))
}

/// One stream's state between updates. `rx` is declared before
/// `_following`, so it drops first and the prune sees no follower.
struct Follower {
    rx: broadcast::Receiver<JobUpdate>,
    poll: Option<Poll>,
    done: bool,
    _following: Following,
}

impl Follower {
    /// The next update, or `None` once the job has ended.
    async fn next(&mut self) -> Option<JobUpdate> {
        if self.done {
            return None;
        }
        loop {
            if let Some(u) = self.poll.as_mut().and_then(|p| p.queue.pop_front()) {
                return Some(u);
            }
            let poll = &mut self.poll;
            tokio::select! {
                r = self.rx.recv() => match r {
                    Ok(u) => return Some(u),
                    // A slow client missed some updates: the next one carries the state.
                    Err(RecvError::Lagged(_)) => continue,
                    Err(RecvError::Closed) => return None,
                },
                () = Poll::due(poll) => {
                    if let Some(p) = poll.as_mut() {
                        p.fetch().await;
                    }
                }
            }
        }
    }
}

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

/// Following a job through the database (PostgreSQL, another replica's job).
struct Poll {
    state: AppState,
    id: JobId,
    /// The last log line already sent.
    after: i64,
    queue: VecDeque<JobUpdate>,
    /// Ids of jobs with new lines, announced by the database.
    changed: broadcast::Receiver<Arc<str>>,
}

impl Poll {
    async fn start(state: &AppState, id: &JobId) -> Option<Poll> {
        // Heard from before the last line is read, so no line falls in between.
        let changed = state.jobs.changed.subscribe();
        match db::jobs::last_event(&state.pool, id).await {
            Ok(after) => Some(Poll {
                state: state.clone(),
                id: id.clone(),
                after,
                queue: VecDeque::new(),
                changed,
            }),
            Err(e) => {
                tracing::warn!(error = %e, "reading job events for stream");
                None
            }
        }
    }

    /// Resolves when the job (if polled) may have new lines; never without one.
    async fn due(poll: &mut Option<Poll>) {
        match poll {
            Some(p) => p.wait().await,
            None => std::future::pending().await,
        }
    }

    /// Waits until this job has new lines (as announced), or until the next
    /// read is due anyway.
    async fn wait(&mut self) {
        let every = match self.state.jobs.listening() {
            true => POLL_WHILE_LISTENING,
            false => POLL_EVERY,
        };
        let due = tokio::time::sleep(every);
        tokio::pin!(due);
        loop {
            tokio::select! {
                () = &mut due => return,
                heard = self.changed.recv() => match heard {
                    Ok(job) if *job == *self.id.as_str() => return,
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
        if self.state.jobs.runs_here(self.id.as_str()) {
            return;
        }
        let (events, now) = match db::jobs::events_after(&self.state.pool, &self.id, self.after).await {
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
                    JobStatus::Running
                },
                progress: if last { progress } else { event.progress },
                event: Some(event),
            });
        }
    }
}
