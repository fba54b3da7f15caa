//! `GET /api/jobs/{id}/events`: live progress as server-sent events — a
//! snapshot first (so a reconnect catches up), then every update until the
//! job ends. Browsers' EventSource reconnects by itself.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use backend::AppState;
use futures_util::stream::{self, Stream, StreamExt};
use types::jobs::JobUpdate;
use types::validate::JobId;

pub async fn events(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    if JobId::parse(&id).is_none() {
        return StatusCode::NOT_FOUND.into_response();
    }
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
    let updates = stream::unfold((rx, done), |(mut rx, done)| async move {
        if done {
            return None;
        }
        loop {
            match rx.recv().await {
                Ok(u) => {
                    let end = u.status.is_terminal();
                    let ev = Event::default().event("update").json_data(&u).unwrap_or_default();
                    return Some((Ok::<_, Infallible>(ev), (rx, end)));
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
