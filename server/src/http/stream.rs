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
    // `rx` drops before `following` (tuple order), so the prune sees no follower.
    let updates = stream::unfold((rx, done, following), |(mut rx, done, following)| async move {
        if done {
            return None;
        }
        loop {
            match rx.recv().await {
                Ok(u) => {
                    let end = u.status.is_terminal();
                    let ev = Event::default().event("update").json_data(&u).unwrap_or_default();
                    return Some((Ok::<_, Infallible>(ev), (rx, end, following)));
                }
                // A slow client missed some updates: the next one carries the state.
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                Err(tokio::sync::broadcast::error::RecvError::Closed) => return None,
            }
        }
    });
    let all: std::pin::Pin<Box<dyn Stream<Item = Result<Event, Infallible>> + Send>> =
        Box::pin(stream::once(async move { Ok(first) }).chain(updates));
    Sse::new(all)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response()
}
