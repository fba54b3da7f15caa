//! Job routes that are not server functions: the live progress stream
//! (server-sent events), signed downloads, and raw-body uploads of outlines
//! and templates. All sit under `/api/`, behind the session guard.

use std::convert::Infallible;
use std::time::Duration;

use app::course::parse::{self, OutlineError};
use app::jobs::{JobStatus, JobUpdate};
use app::server::AppState;
use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use futures_util::stream::{self, Stream};
use serde::Deserialize;

/// Largest outline upload.
pub const MAX_OUTLINE: usize = 10 << 20;
/// Largest template upload.
pub const MAX_TEMPLATE: usize = 50 << 20;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/jobs/{id}/events", get(events))
        .route("/api/jobs/{id}/download", get(download))
        .route("/api/outline/upload", post(upload_outline))
        .route("/api/templates/upload", post(upload_template))
        .layer(DefaultBodyLimit::max(MAX_TEMPLATE + 1024))
}

fn error(status: StatusCode, field: &str, message: &str) -> Response {
    let body = serde_json::json!({ "Invalid": { "field": field, "message": message } });
    (status, Json(body)).into_response()
}

fn valid_id(id: &str) -> bool {
    id.len() == 8 && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}

/// Live progress: a snapshot first (so a reconnect catches up), then every
/// update until the job ends. Browsers' EventSource reconnects by itself.
async fn events(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    if !valid_id(&id) {
        return StatusCode::NOT_FOUND.into_response();
    }
    // Subscribe before reading the snapshot so nothing falls in between.
    let rx = state.jobs.hub.subscribe(&id);
    let row: Option<(String, i64)> = match sqlx::query_as("SELECT status, progress FROM jobs WHERE id = ?")
        .bind(&id)
        .fetch_optional(&state.pool)
        .await
    {
        Ok(r) => r,
        Err(e) => {
            tracing::error!(error = %e, "reading job for stream");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let Some((status, progress)) = row else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let status = JobStatus::parse(&status).unwrap_or(JobStatus::Failed);
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
        Box::pin(stream::once(async move { Ok(first) }).chain_updates(updates));
    Sse::new(all)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response()
}

/// `stream::once(..).chain(..)` without pulling in StreamExt's whole surface.
trait ChainUpdates: Stream + Sized {
    fn chain_updates<S: Stream<Item = Self::Item>>(self, other: S) -> stream::Chain<Self, S> {
        futures_util::StreamExt::chain(self, other)
    }
}
impl<T: Stream> ChainUpdates for T {}

#[derive(Deserialize)]
struct DownloadQuery {
    exp: u64,
    sig: String,
}

/// A file name made from the course title: letters, digits, spaces, dashes.
pub fn safe_file_name(title: &str) -> String {
    let cleaned: String = title
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == ' ' || c == '-' || c == '_' {
                c
            } else {
                ' '
            }
        })
        .collect();
    let name = cleaned.split_whitespace().collect::<Vec<_>>().join(" ");
    let name: String = name.chars().take(100).collect();
    if name.is_empty() {
        "course".into()
    } else {
        name
    }
}

async fn download(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<DownloadQuery>,
    headers: HeaderMap,
) -> Response {
    let now = time::OffsetDateTime::now_utc().unix_timestamp().max(0) as u64;
    if !valid_id(&id) || !state.link_key.verify(&id, q.exp, &q.sig, now) {
        return error(
            StatusCode::FORBIDDEN,
            "",
            "This download link is invalid or has expired.",
        );
    }
    let row: Option<(String, Option<String>, Option<String>, String)> =
        sqlx::query_as("SELECT course_title, output_local, output_s3_key, status FROM jobs WHERE id = ?")
            .bind(&id)
            .fetch_optional(&state.pool)
            .await
            .unwrap_or(None);
    let Some((title, local, s3_key, status)) = row else {
        return StatusCode::NOT_FOUND.into_response();
    };
    if status != "complete" {
        return StatusCode::NOT_FOUND.into_response();
    }
    let disposition = content_disposition(&title);
    // In object storage: a presigned URL — a redirect for browsers, JSON for API callers.
    if let (Some(key), Some(s3)) = (&s3_key, &state.s3) {
        let ttl = Duration::from_secs(state.config.presigned_url_ttl.max(1));
        return match s3.presign_get(key, ttl, Some(&disposition)).await {
            Ok(url) => {
                let wants_json = headers
                    .get(header::ACCEPT)
                    .and_then(|v| v.to_str().ok())
                    .is_some_and(|v| v.contains("application/json"));
                if wants_json {
                    let body = serde_json::json!({ "url": url, "expires_in": ttl.as_secs() });
                    ([(header::CACHE_CONTROL, "private, no-store")], Json(body)).into_response()
                } else {
                    (
                        StatusCode::FOUND,
                        [
                            (header::LOCATION, url),
                            (header::CACHE_CONTROL, "private, no-store".to_string()),
                        ],
                    )
                        .into_response()
                }
            }
            Err(e) => {
                tracing::error!(job = %id, error = %format!("{e:#}"), "presigning failed");
                StatusCode::SERVICE_UNAVAILABLE.into_response()
            }
        };
    }
    // Older jobs, jobs waiting for their upload, and local storage: from disk.
    let Some(path) = local else {
        tracing::error!(job = %id, "deck is in object storage but no bucket is configured");
        return error(
            StatusCode::SERVICE_UNAVAILABLE,
            "",
            "The deck is in object storage, which is not configured on this server.",
        );
    };
    let bytes = match state.storage.get(&path).await {
        Ok(b) => b,
        Err(e) => {
            tracing::error!(job = %id, error = %e, "deck file missing");
            return StatusCode::NOT_FOUND.into_response();
        }
    };
    (
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.presentationml.presentation".to_string(),
            ),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        Body::from(bytes),
    )
        .into_response()
}

/// `attachment` with the course title as the file name (ASCII fallback and UTF-8).
fn content_disposition(title: &str) -> String {
    let name = safe_file_name(title);
    let ascii: String = name.chars().map(|c| if c.is_ascii() { c } else { '_' }).collect();
    let encoded: String = format!("{name}.pptx")
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("attachment; filename=\"{ascii}.pptx\"; filename*=UTF-8''{encoded}")
}

/// Parses an uploaded outline (raw body) and returns the tree to review.
/// Nothing is stored.
async fn upload_outline(body: Bytes) -> Response {
    if body.len() > MAX_OUTLINE {
        return error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "outline",
            "The outline is larger than 10 MB.",
        );
    }
    match tokio::task::spawn_blocking(move || parse::parse(&body)).await {
        Ok(Ok(outline)) => Json(outline).into_response(),
        Ok(Err(e)) => {
            let status = match e {
                OutlineError::Unsupported | OutlineError::Encoding => StatusCode::UNSUPPORTED_MEDIA_TYPE,
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            };
            error(status, "outline", &e.to_string())
        }
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// Checks an uploaded template by opening it, then stores it under a
/// generated name (never the client's). Returns the name to start a job with.
async fn upload_template(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    if body.len() > MAX_TEMPLATE {
        return error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "template",
            "The template is larger than 50 MB.",
        );
    }
    let display = headers
        .get("x-file-name")
        .and_then(|v| v.to_str().ok())
        .map(|n| safe_file_name(n.trim_end_matches(".pptx").trim_end_matches(".potx")))
        .unwrap_or_else(|| "template".into());
    let data = body.clone();
    let opened =
        tokio::task::spawn_blocking(move || deck::Template::from_bytes(&data).map(|t| t.layouts.len())).await;
    let layouts = match opened {
        Ok(Ok(n)) => n,
        Ok(Err(e)) => {
            return error(
                StatusCode::UNPROCESSABLE_ENTITY,
                "template",
                &format!("This is not a usable PowerPoint template: {e}"),
            )
        }
        Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    };
    let dir = app::server::uploads_dir(&state.config);
    let name: String = (0..16)
        .map(|_| (b'a' + rand::random::<u8>() % 26) as char)
        .collect();
    let file = format!("{name}.pptx");
    let tmp = dir.join(format!(".{file}.part"));
    let result = async {
        tokio::fs::create_dir_all(&dir).await?;
        tokio::fs::write(&tmp, &body).await?;
        tokio::fs::rename(&tmp, dir.join(&file)).await
    }
    .await;
    if let Err(e) = result {
        let _ = tokio::fs::remove_file(&tmp).await;
        tracing::error!(error = %e, "storing template upload");
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    Json(serde_json::json!({ "template": format!("upload:{file}"), "name": display, "layouts": layouts }))
        .into_response()
}
