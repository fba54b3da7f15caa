//! Raw-body uploads: an outline to parse into the tree the user reviews
//! (nothing stored), and a template to check and keep under a generated
//! name. The size limits are `types::limits`; the work is the backend's.
//!
//! A body is streamed to a private file as it arrives (bounded in size and
//! time, so a slow or endless client holds a socket, not memory), and only
//! then does the request wait for a place at the parse or template gate.

use std::path::{Path, PathBuf};
use std::time::Duration;

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use backend::accounts::SignedIn;
use backend::jobs::outlines::Rejected;
use backend::AppState;
use futures_util::StreamExt;
use tokio::io::AsyncWriteExt;
use types::limits::{MAX_OUTLINE_BYTES, MAX_TEMPLATE_BYTES};
use types::ApiError;

use super::download::safe_file_name;
use super::error::{api_error, invalid};
use super::limits::{too_large, too_slow};

/// A received body on disk, removed when dropped.
pub struct Received(pub PathBuf);

impl Drop for Received {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Streams `body` into a new file in `dir`, at most `limit` bytes within
/// `timeout`; the error is the response to send.
pub async fn receive(body: Body, dir: &Path, limit: usize, timeout: Duration) -> Result<Received, Response> {
    let internal = |e: std::io::Error| {
        tracing::error!(error = %e, dir = %dir.display(), "storing an upload failed");
        api_error(StatusCode::INTERNAL_SERVER_ERROR, &ApiError::Internal)
    };
    tokio::fs::create_dir_all(dir).await.map_err(internal)?;
    let name: String = (0..16)
        .map(|_| (b'a' + rand::random::<u8>() % 26) as char)
        .collect();
    let received = Received(dir.join(format!(".recv-{name}.part")));
    let mut file = tokio::fs::File::create(&received.0).await.map_err(internal)?;
    let copy = async {
        let mut stream = body.into_data_stream();
        let mut total = 0usize;
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|_| {
                api_error(
                    StatusCode::BAD_REQUEST,
                    &ApiError::invalid("", "The upload was interrupted."),
                )
            })?;
            total += chunk.len();
            if total > limit {
                return Err(too_large(limit));
            }
            file.write_all(&chunk).await.map_err(internal)?;
        }
        file.flush().await.map_err(internal)?;
        Ok(total)
    };
    match tokio::time::timeout(timeout, copy).await {
        Ok(Ok(_)) => Ok(received),
        Ok(Err(response)) => Err(response),
        Err(_) => Err(too_slow()),
    }
}

pub fn uploads_tmp(state: &AppState) -> PathBuf {
    state.config.data_dir.join("uploads").join("incoming")
}

pub fn body_timeout(state: &AppState) -> Duration {
    Duration::from_secs(state.config.body_timeout_seconds.max(1))
}

/// Parses an uploaded outline and returns the tree to review.
pub async fn outline(
    State(state): State<AppState>,
    Extension(SignedIn(user)): Extension<SignedIn>,
    body: Body,
) -> Response {
    let received = match receive(
        body,
        &uploads_tmp(&state),
        MAX_OUTLINE_BYTES,
        body_timeout(&state),
    )
    .await
    {
        Ok(r) => r,
        Err(response) => return response,
    };
    match backend::jobs::outlines::read_file(&state, user.id, &received.0).await {
        Ok(outline) => Json(outline).into_response(),
        Err(e) => outline_refused(e),
    }
}

/// An outline that could not be read, answered: 413 too large, 415 not a
/// kind we read, 422 unreadable content, 429/503 over an allowance.
pub fn outline_refused(e: Rejected) -> Response {
    match e {
        Rejected::Crashed(why) => {
            tracing::error!(%why, "outline parser crashed");
            api_error(StatusCode::INTERNAL_SERVER_ERROR, &ApiError::Internal)
        }
        Rejected::Refused(e) => api_error(
            StatusCode::from_u16(e.status()).unwrap_or(StatusCode::SERVICE_UNAVAILABLE),
            &e,
        ),
        e => {
            let status = match &e {
                Rejected::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
                e if e.is_unsupported_type() => StatusCode::UNSUPPORTED_MEDIA_TYPE,
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            };
            invalid(status, "outline", &e.to_string())
        }
    }
}

/// Checks an uploaded template by opening it, then stores it under a
/// generated name (never the client's). Returns the name to start a job with.
pub async fn template(
    State(state): State<AppState>,
    Extension(SignedIn(user)): Extension<SignedIn>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    if let Err(retry_after) = state.template_uploads.hit(user.id) {
        return api_error(
            StatusCode::TOO_MANY_REQUESTS,
            &ApiError::TooManyRequests { retry_after },
        );
    }
    let display = headers
        .get("x-file-name")
        .and_then(|v| v.to_str().ok())
        .map(|n| safe_file_name(n.trim_end_matches(".pptx").trim_end_matches(".potx")))
        .unwrap_or_else(|| "template".into());
    let received = match receive(
        body,
        &uploads_tmp(&state),
        MAX_TEMPLATE_BYTES,
        body_timeout(&state),
    )
    .await
    {
        Ok(r) => r,
        Err(response) => return response,
    };
    match backend::templates::store_upload(&state.config, &received.0, Some(&display)).await {
        Ok((template, layouts)) => {
            Json(serde_json::json!({ "template": template, "name": display, "layouts": layouts }))
                .into_response()
        }
        Err(e) => template_refused(e),
    }
}

/// A template that could not be kept, answered: 422 not a template we can
/// use (the message says why), 503 the server is busy.
pub fn template_refused(e: backend::Error) -> Response {
    match ApiError::from(e) {
        e @ ApiError::Invalid { .. } => api_error(StatusCode::UNPROCESSABLE_ENTITY, &e),
        e @ ApiError::Busy { .. } => api_error(StatusCode::SERVICE_UNAVAILABLE, &e),
        _ => api_error(StatusCode::INTERNAL_SERVER_ERROR, &ApiError::Internal),
    }
}
