//! `GET /api/jobs/{id}/pdf` and `GET /api/jobs/{id}/slides/{n}.png?size=thumb|large`:
//! a finished deck as a PDF and as page images, for anyone signed in (the
//! history is shared, as for the deck). Rendered on first request by
//! `backend::previews`; 503 with the reason when previews are not available.
//! The images never change for a job, so browsers may keep them.

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use backend::previews::{self, PreviewError, Size};
use backend::AppState;
use serde::Deserialize;

use super::error::invalid;

const CACHE: &str = "private, max-age=31536000, immutable";

fn refused(e: PreviewError) -> Response {
    match e {
        PreviewError::NoDeck => StatusCode::NOT_FOUND.into_response(),
        PreviewError::Unavailable(why) => invalid(
            StatusCode::SERVICE_UNAVAILABLE,
            "",
            &format!("Previews are not available: {why}."),
        ),
    }
}

async fn file(path: std::path::PathBuf, content_type: &str, disposition: Option<String>) -> Response {
    match tokio::fs::read(&path).await {
        Ok(bytes) => {
            let mut headers = vec![
                (header::CONTENT_TYPE, content_type.to_string()),
                (header::CACHE_CONTROL, CACHE.to_string()),
            ];
            if let Some(d) = disposition {
                headers.push((header::CONTENT_DISPOSITION, d));
            }
            let mut res = Body::from(bytes).into_response();
            for (k, v) in headers {
                if let Ok(v) = v.parse() {
                    res.headers_mut().insert(k, v);
                }
            }
            res
        }
        Err(_) => StatusCode::NOT_FOUND.into_response(),
    }
}

pub async fn pdf(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    if types::validate::JobId::parse(&id).is_none() {
        return StatusCode::NOT_FOUND.into_response();
    }
    if let Err(e) = previews::ensure(&state, &id).await {
        return refused(e);
    }
    let title = backend::db::jobs::complete_deck(&state.pool, &id)
        .await
        .ok()
        .flatten()
        .map(|d| d.course_title)
        .unwrap_or_else(|| "Course".into());
    let disposition = super::download::attachment(&title, "pdf");
    file(
        previews::pdf_path(&state, &id),
        "application/pdf",
        Some(disposition),
    )
    .await
}

#[derive(Deserialize)]
pub struct SlideQuery {
    size: Option<String>,
}

pub async fn slide(
    State(state): State<AppState>,
    Path((id, name)): Path<(String, String)>,
    Query(q): Query<SlideQuery>,
) -> Response {
    if types::validate::JobId::parse(&id).is_none() {
        return StatusCode::NOT_FOUND.into_response();
    }
    let Some(size) = Size::parse(q.size.as_deref()) else {
        return invalid(StatusCode::BAD_REQUEST, "size", "The size is thumb or large.");
    };
    let Some(n) = name
        .strip_suffix(".png")
        .and_then(|n| n.parse::<usize>().ok())
        .filter(|n| *n >= 1)
    else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match previews::ensure(&state, &id).await {
        Ok(pages) if n <= pages => file(previews::page_path(&state, &id, n, size), "image/png", None).await,
        Ok(_) => StatusCode::NOT_FOUND.into_response(),
        Err(e) => refused(e),
    }
}
