//! `GET /api/jobs/{id}/pdf` and `GET /api/jobs/{id}/slides/{n}.png?size=thumb|large`:
//! a finished deck as a PDF and as page images, for anyone signed in (the
//! history is shared, as for the deck). Rendered on first request by
//! `backend::templates::previews`; 503 with the reason when previews are not available.
//! The images never change for a job, so browsers may keep them.

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use backend::accounts::SignedIn;
use backend::templates::previews::{self, Pdf, PreviewError, Size};
use backend::AppState;
use serde::Deserialize;

use super::error::invalid;

const CACHE: &str = "private, max-age=31536000, immutable";

fn refused(e: PreviewError) -> Response {
    let with_retry = |status: StatusCode, retry_after: u64, e: &PreviewError| {
        let mut res = invalid(status, "", &format!("Previews are not available: {e}."));
        if let Ok(v) = retry_after.to_string().parse() {
            res.headers_mut().insert(header::RETRY_AFTER, v);
        }
        res
    };
    match &e {
        PreviewError::NoDeck => StatusCode::NOT_FOUND.into_response(),
        PreviewError::Busy { retry_after } => with_retry(StatusCode::SERVICE_UNAVAILABLE, *retry_after, &e),
        PreviewError::OverAllowance { retry_after } => {
            with_retry(StatusCode::TOO_MANY_REQUESTS, *retry_after, &e)
        }
        PreviewError::Failed(_) => invalid(StatusCode::UNPROCESSABLE_ENTITY, "", &format!("{e}.")),
        PreviewError::Unavailable(_) => invalid(StatusCode::SERVICE_UNAVAILABLE, "", &format!("{e}.")),
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

pub async fn pdf(
    State(state): State<AppState>,
    Extension(SignedIn(user)): Extension<SignedIn>,
    Path(id): Path<String>,
) -> Response {
    send_pdf(&state, user.id, &id).await
}

/// A complete course's PDF for `user` (made on first request, counted
/// against their allowance): the file, or a presigned redirect.
pub async fn send_pdf(state: &AppState, user: i64, id: &str) -> Response {
    let Some(id) = types::validate::JobId::parse(id) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let title = backend::jobs::course_title(state, &id)
        .await
        .unwrap_or_else(|| "Course".into());
    let disposition = super::download::attachment(&title, "pdf");
    match previews::pdf(state, &id, &disposition, Some(user)).await {
        Ok(Pdf::Presigned(url)) => (
            StatusCode::FOUND,
            [
                (header::LOCATION, url),
                (header::CACHE_CONTROL, "private, no-store".to_string()),
            ],
        )
            .into_response(),
        Ok(Pdf::Local(path)) => file(path, "application/pdf", Some(disposition)).await,
        Err(e) => refused(e),
    }
}

#[derive(Deserialize)]
pub struct SlideQuery {
    pub size: Option<String>,
}

/// `{n}.png` with n from 1.
fn page_number(name: &str) -> Option<usize> {
    name.strip_suffix(".png")
        .and_then(|n| n.parse::<usize>().ok())
        .filter(|n| *n >= 1)
}

pub async fn slide(
    State(state): State<AppState>,
    Extension(SignedIn(user)): Extension<SignedIn>,
    Path((id, name)): Path<(String, String)>,
    Query(q): Query<SlideQuery>,
) -> Response {
    send_slide(&state, user.id, &id, &name, q.size.as_deref()).await
}

/// Page `name` (`{n}.png`) of a complete course's deck for `user`, drawn
/// on first request.
pub async fn send_slide(state: &AppState, user: i64, id: &str, name: &str, size: Option<&str>) -> Response {
    let Some(id) = types::validate::JobId::parse(id) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let Some(size) = Size::parse(size) else {
        return invalid(StatusCode::BAD_REQUEST, "size", "The size is thumb or large.");
    };
    let Some(n) = page_number(name) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match previews::page_file(state, &id, n, size, Some(user)).await {
        Ok(Some(path)) => file(path, "image/png", None).await,
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(e) => refused(e),
    }
}

#[derive(Deserialize)]
pub struct TemplatePageQuery {
    template: String,
    size: Option<String>,
}

/// `GET /api/templates/preview/{n}.png?template=<choice>&size=thumb|large`:
/// page n of a template's preview deck (title, section, content, two
/// columns, closing), rendered once per template.
pub async fn template_page(
    State(state): State<AppState>,
    Extension(SignedIn(user)): Extension<SignedIn>,
    Path(name): Path<String>,
    Query(q): Query<TemplatePageQuery>,
) -> Response {
    let Some(size) = Size::parse(q.size.as_deref()) else {
        return invalid(StatusCode::BAD_REQUEST, "size", "The size is thumb or large.");
    };
    let Some(n) = page_number(&name) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let Some(path) = backend::templates::resolve(&state.config, &q.template) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match previews::template_page(&state, &path, n, size, Some(user.id)).await {
        // A sample may be replaced under the same name: kept for an hour
        // (an upload's name is never reused, but one rule is simpler).
        Ok(Some(page)) => {
            let mut res = file(page, "image/png", None).await;
            if let Ok(v) = "private, max-age=3600".parse() {
                res.headers_mut().insert(header::CACHE_CONTROL, v);
            }
            res
        }
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(e) => refused(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_say_when_to_come_back() {
        let busy = refused(PreviewError::Busy { retry_after: 30 });
        assert_eq!(busy.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(busy.headers()[header::RETRY_AFTER], "30");
        let over = refused(PreviewError::OverAllowance { retry_after: 1200 });
        assert_eq!(over.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(over.headers()[header::RETRY_AFTER], "1200");
        let failed = refused(PreviewError::Failed(
            "LibreOffice took too long and was stopped".into(),
        ));
        assert_eq!(failed.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(failed.headers().get(header::RETRY_AFTER).is_none());
        let off = refused(PreviewError::Unavailable("they are turned off".into()));
        assert_eq!(off.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(refused(PreviewError::NoDeck).status(), StatusCode::NOT_FOUND);
    }
}
