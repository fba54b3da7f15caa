//! A complete course drawn by LibreOffice: `/api/v1/courses/{id}/pdf` and
//! `/api/v1/courses/{id}/slides/{n}.png`. Drawn once per deck on first
//! request (or when the course completed), under the caller's allowance,
//! by the same code as the job page's previews (`http::previews`).

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use backend::AppState;
use serde::Deserialize;
use types::jobs::JobStatus;
use types::validate::JobId;
use utoipa::IntoParams;

use super::auth::Reader;
use super::files::File;
use super::problem::{reshape, Problem};
use crate::http::previews;

/// The course, if it is complete (else the problem to answer).
async fn complete(state: &AppState, caller: &types::account::CurrentUser, id: &str) -> Result<(), Problem> {
    let id = JobId::parse(id).ok_or_else(Problem::not_found)?;
    let job = backend::jobs::detail(state, caller, &id).await?.job;
    if job.status != JobStatus::Complete {
        return Err(Problem::new(
            StatusCode::CONFLICT,
            "The course is not complete yet.",
        ));
    }
    Ok(())
}

/// The course's deck as a PDF.
#[utoipa::path(
    get, path = "/api/v1/courses/{id}/pdf", tag = "courses", operation_id = "course_pdf",
    params(("id" = String, Path, description = "The course's id")),
    responses(
        (status = 200, description = "The PDF", body = File, content_type = "application/pdf"),
        (status = 302, description = "A presigned link to the PDF in object storage"),
        (status = 401, description = "No working token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such course", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not complete yet", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The deck could not be drawn", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Over the caller's allowance of drawings", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Drawing is busy or not available on this server", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = []))
)]
pub async fn pdf(State(state): State<AppState>, Reader(caller): Reader, Path(id): Path<String>) -> Response {
    if let Err(problem) = complete(&state, &caller.user, &id).await {
        return axum::response::IntoResponse::into_response(problem);
    }
    reshape(previews::send_pdf(&state, caller.user.id, &id).await).await
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SlideQuery {
    /// `thumb` (the default, 320 px wide) or `large`.
    #[param(pattern = "^(thumb|large)$")]
    size: Option<String>,
}

/// One slide of the course's deck as a PNG picture.
#[utoipa::path(
    get, path = "/api/v1/courses/{id}/slides/{n}.png", tag = "courses", operation_id = "course_slide",
    params(
        ("id" = String, Path, description = "The course's id"),
        ("n" = u32, Path, minimum = 1, description = "The slide's number, from 1"),
        SlideQuery,
    ),
    responses(
        (status = 200, description = "The picture", body = File, content_type = "image/png"),
        (status = 400, description = "An unknown size", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No working token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such course or slide", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not complete yet", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The deck could not be drawn", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Over the caller's allowance of drawings", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Drawing is busy or not available on this server", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = []))
)]
pub async fn slide(
    State(state): State<AppState>,
    Reader(caller): Reader,
    Path((id, name)): Path<(String, String)>,
    query: Result<Query<SlideQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let q = match query {
        Ok(Query(q)) => q,
        Err(e) => {
            let problem = Problem::new(StatusCode::BAD_REQUEST, e.body_text()).about("size");
            return axum::response::IntoResponse::into_response(problem);
        }
    };
    if let Err(problem) = complete(&state, &caller.user, &id).await {
        return axum::response::IntoResponse::into_response(problem);
    }
    let size = q.size.as_deref().filter(|s| !s.is_empty());
    reshape(previews::send_slide(&state, caller.user.id, &id, &name, size).await).await
}
