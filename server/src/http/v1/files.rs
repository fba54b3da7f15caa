//! Files sent as the request body: an outline to read into its tree
//! (`/api/v1/outlines/parse`, nothing kept) and a template to check and
//! keep (`/api/v1/templates`). Bodies are streamed to disk under the same
//! limits and allowances as the pages' uploads (`http::upload`).

use axum::body::Body;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use backend::AppState;
use types::limits::{MAX_OUTLINE_BYTES, MAX_TEMPLATE_BYTES};
use types::outline::OutlineReport;
use types::templates::TemplateReport;
use types::ApiError;
use utoipa::{IntoParams, ToSchema};

use super::auth::{Reader, Writer};
use super::problem::{reshape, Problem};
use crate::http::upload;

/// A file, as the request body's bytes.
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct File(#[allow(dead_code)] Vec<u8>);

/// Reads an outline file (Markdown, text, DOCX or PDF, recognised by its
/// content) into the tree a course is made from, with what is worth fixing.
#[utoipa::path(
    post, path = "/api/v1/outlines/parse", tag = "catalogue", operation_id = "parse_outline",
    request_body(content = File, content_type = "application/octet-stream",
                 description = "The outline file, at most 10 MB"),
    responses(
        (status = 200, description = "The outline and its problems", body = OutlineReport),
        (status = 401, description = "No working token", body = Problem, content_type = "application/problem+json"),
        (status = 408, description = "The file arrived too slowly", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The file is larger than 10 MB", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not a kind of file read here", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The file could not be read as an outline", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Over the caller's hourly allowance of outline reads", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The server is busy reading other files", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = []))
)]
pub async fn parse_outline(State(state): State<AppState>, Reader(caller): Reader, body: Body) -> Response {
    let tmp = upload::uploads_tmp(&state);
    let received = match upload::receive(body, &tmp, MAX_OUTLINE_BYTES, upload::body_timeout(&state)).await {
        Ok(received) => received,
        Err(refused) => return reshape(refused).await,
    };
    match backend::jobs::outlines::read_file(&state, caller.user.id, &received.0).await {
        Ok(outline) => Json(OutlineReport {
            problems: outline.problems(),
            outline,
        })
        .into_response(),
        Err(e) => reshape(upload::outline_refused(e)).await,
    }
}

#[derive(Debug, serde::Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TemplateQuery {
    /// The name people know the template by, shown in the history (its
    /// first 100 characters; absent: "Uploaded template").
    name: Option<String>,
}

/// Checks a template (.pptx or .potx) by opening it, keeps it under a name
/// of the server's making, and answers its intake report: the layout each
/// kind of slide will use and why, and what is hard to read. `choice` is
/// the `template` to start courses with.
#[utoipa::path(
    post, path = "/api/v1/templates", tag = "catalogue", operation_id = "upload_template",
    params(TemplateQuery),
    request_body(content = File, content_type = "application/octet-stream",
                 description = "The template file, at most 50 MB"),
    responses(
        (status = 201, description = "Kept; the intake report", body = TemplateReport),
        (status = 400, description = "A query parameter is unreadable", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No working token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A read token", body = Problem, content_type = "application/problem+json"),
        (status = 408, description = "The file arrived too slowly", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The file is too large", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not a template that can be used, and why", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Over the caller's hourly allowance of template uploads", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The server is busy opening other templates", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = []))
)]
pub async fn upload_template(
    State(state): State<AppState>,
    Writer(caller): Writer,
    query: Result<Query<TemplateQuery>, QueryRejection>,
    body: Body,
) -> Response {
    let name = match query {
        Ok(Query(q)) => q.name,
        Err(e) => {
            return Problem::new(StatusCode::BAD_REQUEST, e.body_text())
                .about("name")
                .into_response()
        }
    };
    let user = caller.user.id;
    if let Err(retry_after) = state.template_uploads.hit(user) {
        return Problem::from(ApiError::TooManyRequests { retry_after }).into_response();
    }
    let tmp = upload::uploads_tmp(&state);
    let received = match upload::receive(body, &tmp, MAX_TEMPLATE_BYTES, upload::body_timeout(&state)).await {
        Ok(received) => received,
        Err(refused) => return reshape(refused).await,
    };
    let choice = match backend::templates::store_upload(&state.config, &received.0, name.as_deref()).await {
        Ok((choice, _layouts)) => choice,
        Err(e) => return reshape(upload::template_refused(e)).await,
    };
    match backend::templates::report(&state, &choice, Some(user)).await {
        Ok(Some(report)) => (StatusCode::CREATED, Json(report)).into_response(),
        Ok(None) => Problem::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "The template was kept but cannot be found.",
        )
        .into_response(),
        Err(e) => Problem::from(e).into_response(),
    }
}
