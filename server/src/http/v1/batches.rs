//! `/api/v1/batches`: a catalogue's courses started by one request,
//! followed and cancelled together, or first estimated (`dry_run=true`).

use axum::extract::{Path, Query, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use backend::jobs::batches;
use backend::AppState;
use serde::Deserialize;
use types::batches::{BatchEstimate, BatchRequest, BatchSummary, MAX_BATCH_BYTES};
use types::validate::JobId;
use types::ApiError;
use utoipa::IntoParams;

use super::auth::{Reader, Writer};
use super::forms;
use super::problem::Problem;

fn batch_id(id: &str) -> Result<JobId, Problem> {
    JobId::parse(id).ok_or_else(Problem::not_found)
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StartQuery {
    /// Answer what the batch would take (slides, model calls, tokens,
    /// cost) without queuing anything.
    dry_run: Option<bool>,
}

/// Starts up to 500 courses as one batch — every spec is checked before
/// anything is queued — or, with `dry_run=true`, estimates them.
#[utoipa::path(
    post, path = "/api/v1/batches", tag = "batches", operation_id = "start_batch",
    params(StartQuery),
    request_body(content(
        (BatchRequest = "application/json"),
        (super::forms::BatchForm = "multipart/form-data"),
    )),
    responses(
        (status = 200, description = "The estimate (`dry_run=true`); nothing was queued", body = BatchEstimate),
        (status = 202, description = "Queued; `Location` is the batch", body = BatchSummary,
         headers(("Location" = String, description = "The batch's URL"))),
        (status = 400, description = "The body is not JSON, the form is unreadable, or a parameter is unreadable", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No working token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A read token", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The caller has as many batches open as allowed", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The body is larger than 16 MB", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Neither JSON nor a form", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A course is wrong; `field` names it (`courses[3].days`); for a zip, `outlines` and the message name the file", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Over the caller's hourly allowance of outline reads (a zip counts once)", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The server is busy reading templates", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = []))
)]
pub async fn start(
    State(state): State<AppState>,
    Writer(caller): Writer,
    query: Result<Query<StartQuery>, axum::extract::rejection::QueryRejection>,
    headers: HeaderMap,
    body: Request,
) -> Result<Response, Problem> {
    let Query(query) =
        query.map_err(|e| Problem::new(StatusCode::BAD_REQUEST, e.body_text()).about("dry_run"))?;
    let req = if forms::is_multipart(&headers) {
        from_zip(&state, &caller.user, body).await?
    } else {
        super::courses::json_body::<BatchRequest>(body, MAX_BATCH_BYTES).await?
    };
    if query.dry_run == Some(true) {
        let estimate = batches::estimate(&state, &caller.user, &req).await?;
        return Ok(Json(estimate).into_response());
    }
    let batch = batches::start(&state, &caller.user, &req).await?;
    let location = format!("/api/v1/batches/{}", batch.id);
    Ok((StatusCode::ACCEPTED, [(header::LOCATION, location)], Json(batch)).into_response())
}

/// A batch from a form: a zip of outline files and the settings they share.
async fn from_zip(
    state: &AppState,
    user: &types::account::CurrentUser,
    body: Request,
) -> Result<BatchRequest, Problem> {
    let got = forms::read(body, "outlines", "name").await?;
    let Some((_, zip)) = got.file.clone() else {
        return Err(ApiError::invalid(
            "outlines",
            "Send the outline files as a zip in the `outlines` part.",
        )
        .into());
    };
    let files = backend::jobs::outline_zip::read(state, user.id, zip).await?;
    let courses = files
        .into_iter()
        .map(|file| {
            let title = file.title();
            got.spec(file.outline, Some(title))
        })
        .collect::<Result<Vec<_>, Problem>>()?;
    Ok(BatchRequest {
        name: got.name(),
        courses,
    })
}

/// A batch: counts per state and each course's result.
#[utoipa::path(
    get, path = "/api/v1/batches/{id}", tag = "batches", operation_id = "get_batch",
    params(("id" = String, Path, description = "The batch's id")),
    responses(
        (status = 200, description = "The batch", body = BatchSummary),
        (status = 401, description = "No working token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such batch", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = []))
)]
pub async fn get(
    State(state): State<AppState>,
    Reader(_caller): Reader,
    Path(id): Path<String>,
) -> Result<Json<BatchSummary>, Problem> {
    Ok(Json(batches::get(&state, &batch_id(&id)?).await?))
}

/// Cancels every course of the batch still queued or running (owner or
/// administrator).
#[utoipa::path(
    post, path = "/api/v1/batches/{id}/cancel", tag = "batches", operation_id = "cancel_batch",
    params(("id" = String, Path, description = "The batch's id")),
    responses(
        (status = 200, description = "The batch afterwards", body = BatchSummary),
        (status = 401, description = "No working token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A read token, or not the owner", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such batch", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = []))
)]
pub async fn cancel(
    State(state): State<AppState>,
    Writer(caller): Writer,
    Path(id): Path<String>,
) -> Result<Json<BatchSummary>, Problem> {
    Ok(Json(
        batches::cancel(&state, &caller.user, &batch_id(&id)?).await?,
    ))
}
