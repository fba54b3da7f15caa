//! `GET /api/jobs/{id}/download?exp=…&sig=…`: a signed, expiring download
//! link. Where the deck is kept (local folder or object storage) is the
//! backend's business (`storage::deliver`): here it is a presigned redirect
//! (or JSON for API callers) or the bytes.

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use backend::jobs::LinkedDeck;
use backend::storage::decks::{Delivery, DeliveryError};
use backend::AppState;
use serde::Deserialize;

use super::error::invalid;

const PPTX: &str = "application/vnd.openxmlformats-officedocument.presentationml.presentation";

#[derive(Deserialize)]
pub struct DownloadQuery {
    exp: u64,
    sig: String,
}

pub async fn download(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<DownloadQuery>,
    headers: HeaderMap,
) -> Response {
    let id = types::validate::JobId::parse(&id);
    let looked_up = match &id {
        Some(id) => backend::jobs::deck_for_link(&state, id, q.exp, &q.sig).await,
        None => Ok(LinkedDeck::BadLink),
    };
    let deck = match looked_up {
        Ok(LinkedDeck::Ready(deck)) => deck,
        Ok(LinkedDeck::BadLink) => {
            return invalid(
                StatusCode::FORBIDDEN,
                "",
                "This download link is invalid or has expired.",
            )
        }
        Ok(LinkedDeck::Missing) => return StatusCode::NOT_FOUND.into_response(),
        Err(e) => {
            tracing::error!(job = ?id, error = %e, "looking up a download");
            return StatusCode::NOT_FOUND.into_response();
        }
    };
    let wants_json = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/json"));
    send_deck(&state, &deck, wants_json).await
}

/// A complete job's deck as the answer: its bytes, or a redirect to (or,
/// for `wants_json`, JSON naming) a presigned link when the deck is in
/// object storage. Shared by signed links and the REST API.
pub async fn send_deck(state: &AppState, deck: &backend::db::jobs::Deck, wants_json: bool) -> Response {
    let disposition = content_disposition(&deck.course_title);
    let delivered = backend::storage::decks::deliver(
        state,
        deck.output_local.as_deref(),
        deck.output_s3_key.as_deref(),
        &disposition,
    )
    .await;
    let no_store = (header::CACHE_CONTROL, "private, no-store".to_string());
    match delivered {
        Ok(Delivery::Presigned { url, ttl }) => {
            if wants_json {
                let body = serde_json::json!({ "url": url, "expires_in": ttl.as_secs() });
                ([no_store], Json(body)).into_response()
            } else {
                (StatusCode::FOUND, [(header::LOCATION, url), no_store]).into_response()
            }
        }
        Ok(Delivery::Bytes(bytes)) => (
            [
                (header::CONTENT_TYPE, PPTX.to_string()),
                (header::CONTENT_DISPOSITION, disposition),
                no_store,
            ],
            Body::from(bytes),
        )
            .into_response(),
        Err(e @ DeliveryError::Presign(_)) => {
            tracing::error!(error = %e, "presigning failed");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
        Err(DeliveryError::NoBucket) => {
            tracing::error!("deck is in object storage but no bucket is configured");
            invalid(
                StatusCode::SERVICE_UNAVAILABLE,
                "",
                "The deck is in object storage, which is not configured on this server.",
            )
        }
        Err(e @ DeliveryError::Missing(_)) => {
            tracing::error!(error = %e, "deck file missing");
            StatusCode::NOT_FOUND.into_response()
        }
    }
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

/// `attachment` with the course title as the file name (ASCII fallback and UTF-8).
fn content_disposition(title: &str) -> String {
    attachment(title, "pptx")
}

/// `attachment; filename=…` for a file named after the course title, made safe.
pub(super) fn attachment(title: &str, ext: &str) -> String {
    let name = safe_file_name(title);
    let ascii: String = name.chars().map(|c| if c.is_ascii() { c } else { '_' }).collect();
    let encoded: String = format!("{name}.{ext}")
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("attachment; filename=\"{ascii}.{ext}\"; filename*=UTF-8''{encoded}")
}

/// `GET /api/jobs/{id}/spec`: the job's course spec as a JSON file
/// (`Title_YYYY-MM-DD_8hex.json`), for anyone signed in (the history is shared).
pub async fn spec(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    let Some(id) = types::validate::JobId::parse(&id) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match backend::jobs::spec(&state, &id).await {
        Ok((spec, name)) => {
            // The name is ASCII letters, digits, `_`, `-` and `.` by construction.
            let disposition = format!("attachment; filename=\"{name}\"");
            (
                [
                    (header::CONTENT_TYPE, "application/json".to_string()),
                    (header::CONTENT_DISPOSITION, disposition),
                ],
                Json(spec),
            )
                .into_response()
        }
        Err(e) => match types::ApiError::from(e) {
            types::ApiError::NotFound => StatusCode::NOT_FOUND.into_response(),
            _ => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        },
    }
}
