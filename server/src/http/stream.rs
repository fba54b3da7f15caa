//! `GET /api/jobs/{id}/events`: a job's progress as server-sent events — the
//! framing of [`backend::jobs::follow::follow`]'s stream, which starts with
//! the job's state now and ends with the update that ends the job (the page
//! then closes its EventSource, so a finished job is not followed again).

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use backend::accounts::SignedIn;
use backend::AppState;
use futures_util::StreamExt;
use types::validate::JobId;
use types::ApiError;

/// A job's updates as server-sent `update` events, with a keep-alive
/// comment every 15 s (the page's stream and the REST API's).
pub fn frame(updates: impl futures_util::Stream<Item = types::jobs::JobUpdate> + Send + 'static) -> Response {
    let events = updates
        .map(|u| Ok::<_, Infallible>(Event::default().event("update").json_data(&u).unwrap_or_default()));
    Sse::new(events)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response()
}

pub async fn events(
    State(state): State<AppState>,
    Extension(SignedIn(user)): Extension<SignedIn>,
    Path(id): Path<String>,
) -> Response {
    let Some(id) = JobId::parse(&id) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match backend::jobs::follow::follow(&state, user.id, &id).await {
        Ok(updates) => frame(updates),
        Err(e) => {
            let e = ApiError::from(e);
            let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            super::error::api_error(status, &e)
        }
    }
}
