//! `/api/v1/courses`: start a course from a spec, list and read courses,
//! follow one, cancel, retry, delete, and fetch what it made.

use axum::extract::{FromRequest, Path, Query, Request, State};
use axum::http::{header, HeaderMap, HeaderName, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use backend::db::jobs::browse::{After, Filter};
use backend::jobs::idempotency;
use backend::AppState;
use serde::{Deserialize, Serialize};
use types::jobs::{JobStatus, JobSummary};
use types::limits::MAX_FORM_BYTES;
use types::spec::CourseSpec;
use types::validate::JobId;
use utoipa::{IntoParams, ToSchema};

use super::auth::{Reader, Writer};
use super::forms;
use super::problem::Problem;

/// Courses per page unless `limit` says otherwise, and the most a page holds.
const DEFAULT_PAGE: u32 = 50;
const MAX_PAGE: u32 = 200;

/// A JSON body of at most `limit` bytes, read as `T` (refusals as problems).
pub(super) async fn json_body<T: serde::de::DeserializeOwned>(
    req: Request,
    limit: usize,
) -> Result<T, Problem> {
    let (parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, limit).await.map_err(|_| {
        Problem::from(types::ApiError::TooLarge(format!(
            "The request is larger than {}.",
            crate::http::limits::human_size(limit)
        )))
    })?;
    let req = Request::from_parts(parts, axum::body::Body::from(bytes));
    let Json(value) = Json::<T>::from_request(req, &()).await?;
    Ok(value)
}

fn job_id(id: &str) -> Result<JobId, Problem> {
    JobId::parse(id).ok_or_else(Problem::not_found)
}

async fn course(
    state: &AppState,
    caller: &types::account::CurrentUser,
    id: &JobId,
) -> Result<JobSummary, Problem> {
    Ok(backend::jobs::detail(state, caller, id).await?.job)
}

/// Starts a course: checked, queued, and answered at once.
///
/// The body is a course spec (JSON), or a form with the outline as a file
/// and the other settings as parts.
#[utoipa::path(
    post, path = "/api/v1/courses", tag = "courses", operation_id = "start_course",
    request_body(content(
        (CourseSpec = "application/json"),
        (super::forms::CourseForm = "multipart/form-data"),
    )),
    params(
        ("Idempotency-Key" = Option<String>, Header,
         description = "Any 1–255 visible ASCII characters, new for each course (a UUID): sending the same key and spec again within 24 hours answers with the course the first request started instead of starting another")
    ),
    responses(
        (status = 202, description = "Queued (or, for a repeated `Idempotency-Key`, the course it started); `Location` is the course", body = JobSummary,
         headers(
             ("Location" = String, description = "The course's URL"),
             ("Idempotent-Replayed" = String, description = "`true` when a repeated `Idempotency-Key` found an earlier course")
         )),
        (status = 400, description = "The body is not JSON, or the form is unreadable", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No working token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A read token", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The caller has as many courses queued or running as allowed, or a request with the same `Idempotency-Key` is still being handled", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The body is too large (a JSON spec 4 MB, a form 10 MB)", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Neither JSON nor a form", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is wrong, the outline file unreadable, or the `Idempotency-Key` was used with another spec; `field` names it", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Over the caller's allowance", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = []))
)]
pub async fn start(
    State(state): State<AppState>,
    Writer(caller): Writer,
    headers: HeaderMap,
    req: Request,
) -> Result<Response, Problem> {
    let spec = if forms::is_multipart(&headers) {
        let got = forms::read(req, "outline", "title").await?;
        let Some((_, bytes)) = got.file.clone() else {
            return Err(types::ApiError::invalid(
                "outline",
                "Send the outline as a file in the `outline` part.",
            )
            .into());
        };
        let outline = backend::jobs::outlines::read(&state, caller.user.id, bytes)
            .await
            .map_err(|e| Problem::from(backend::Error::from(e)))?;
        got.spec(outline, None)?
    } else {
        json_body::<CourseSpec>(req, MAX_FORM_BYTES).await?
    };
    let key = match headers.get(idempotency::HEADER) {
        None => None,
        Some(value) => Some(value.to_str().map_err(|_| {
            Problem::from(types::ApiError::invalid(
                idempotency::HEADER,
                "A key is visible ASCII characters.",
            ))
        })?),
    };
    let started = idempotency::start_once(&state, &caller.user, spec, key).await?;
    let job = course(&state, &caller.user, &started.id).await?;
    let location = format!("/api/v1/courses/{}", started.id.as_str());
    let replayed = if started.replayed { "true" } else { "false" };
    Ok((
        StatusCode::ACCEPTED,
        [
            (header::LOCATION, location),
            (HeaderName::from_static("idempotent-replayed"), replayed.into()),
        ],
        Json(job),
    )
        .into_response())
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Only courses in this state.
    status: Option<JobStatus>,
    /// Only courses started by this user (their email).
    owner: Option<String>,
    /// Only courses started at or after this time (RFC 3339).
    #[param(format = DateTime)]
    created_from: Option<String>,
    /// Only courses started before this time (RFC 3339).
    #[param(format = DateTime)]
    created_until: Option<String>,
    /// Where to continue: the `next_cursor` of the page before.
    cursor: Option<String>,
    /// Courses per page (1–200, default 50).
    #[param(minimum = 1, maximum = 200)]
    limit: Option<u32>,
    /// `true`: deleted courses still kept for a restore (`DELETED_KEEP_MINUTES`)
    /// instead of live ones — the caller's own, or everyone's for an
    /// administrator's token.
    deleted: Option<bool>,
}

/// A page of courses, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct CoursePage {
    pub courses: Vec<JobSummary>,
    /// Pass as `cursor` for the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// An empty parameter is an absent one (as query builders send them).
fn given(text: Option<String>) -> Option<String> {
    text.filter(|t| !t.is_empty())
}

fn time_bound(field: &str, text: Option<String>) -> Result<Option<String>, Problem> {
    // Empty is not a time: the schema says date-time.
    let Some(text) = text else { return Ok(None) };
    let at =
        time::OffsetDateTime::parse(&text, &time::format_description::well_known::Rfc3339).map_err(|_| {
            Problem::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                format!("{field} is a time like 2026-12-01T09:00:00Z."),
            )
            .about(field)
        })?;
    Ok(Some(backend::db::rfc3339(at.to_offset(time::UtcOffset::UTC))))
}

/// Lists the team's courses, newest first, a page at a time.
#[utoipa::path(
    get, path = "/api/v1/courses", tag = "courses", operation_id = "list_courses",
    params(ListQuery),
    responses(
        (status = 200, description = "A page of courses", body = CoursePage),
        (status = 400, description = "A query parameter is unreadable", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No working token", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A parameter is wrong; `field` names it", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = []))
)]
pub async fn list(
    State(state): State<AppState>,
    Reader(caller): Reader,
    query: Result<Query<ListQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<CoursePage>, Problem> {
    let Query(q) = query.map_err(|e| Problem::new(StatusCode::BAD_REQUEST, e.body_text()))?;
    let limit = q.limit.unwrap_or(DEFAULT_PAGE);
    if !(1..=MAX_PAGE).contains(&limit) {
        return Err(Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("limit is 1 to {MAX_PAGE}."),
        )
        .about("limit"));
    }
    let after = match given(q.cursor).as_deref() {
        None => None,
        Some(c) => Some(After::from_cursor(c).ok_or_else(|| {
            Problem::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "The cursor is not one this API gave.",
            )
            .about("cursor")
        })?),
    };
    let filter = Filter {
        status: q.status,
        owner: given(q.owner).filter(|o| o.len() <= types::limits::MAX_EMAIL_BYTES),
        created_from: time_bound("created_from", q.created_from)?,
        created_until: time_bound("created_until", q.created_until)?,
        search: None,
        deleted: (q.deleted == Some(true)).then_some((!caller.user.is_admin).then_some(caller.user.id)),
        review: None,
    };
    let (courses, next) = backend::jobs::page(&state, &filter, after.as_ref(), i64::from(limit)).await?;
    Ok(Json(CoursePage {
        courses,
        next_cursor: next.as_ref().map(After::to_cursor),
    }))
}

/// One course: its state, progress and, once complete, slides and QA score.
#[utoipa::path(
    get, path = "/api/v1/courses/{id}", tag = "courses", operation_id = "get_course",
    params(("id" = String, Path, description = "The course's id")),
    responses(
        (status = 200, description = "The course", body = JobSummary),
        (status = 401, description = "No working token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such course", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = []))
)]
pub async fn get(
    State(state): State<AppState>,
    Reader(caller): Reader,
    Path(id): Path<String>,
) -> Result<Json<JobSummary>, Problem> {
    Ok(Json(course(&state, &caller.user, &job_id(&id)?).await?))
}

/// The QA report of a complete course: score, verdict and findings per slide.
#[utoipa::path(
    get, path = "/api/v1/courses/{id}/qa", tag = "courses", operation_id = "course_qa",
    params(("id" = String, Path, description = "The course's id")),
    responses(
        (status = 200, description = "The QA report", body = serde_json::Value),
        (status = 401, description = "No working token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such course", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not complete yet", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = []))
)]
pub async fn qa(
    State(state): State<AppState>,
    Reader(caller): Reader,
    Path(id): Path<String>,
) -> Result<Json<serde_json::Value>, Problem> {
    let detail = backend::jobs::detail(&state, &caller.user, &job_id(&id)?).await?;
    let report = detail
        .qa_report
        .and_then(|r| serde_json::from_str(&r).ok())
        .ok_or_else(|| {
            Problem::new(
                StatusCode::CONFLICT,
                "The course has no QA report until it is complete.",
            )
        })?;
    Ok(Json(report))
}

/// The spec a course was started from, to start it again or elsewhere.
#[utoipa::path(
    get, path = "/api/v1/courses/{id}/spec", tag = "courses", operation_id = "course_spec",
    params(("id" = String, Path, description = "The course's id")),
    responses(
        (status = 200, description = "The course's spec", body = CourseSpec),
        (status = 401, description = "No working token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such course", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = []))
)]
pub async fn spec(
    State(state): State<AppState>,
    Reader(_caller): Reader,
    Path(id): Path<String>,
) -> Result<Json<CourseSpec>, Problem> {
    Ok(Json(backend::jobs::spec(&state, &job_id(&id)?).await?.0))
}

macro_rules! transition {
    ($name:ident, $op:literal, $doc:literal, $path:literal, $call:path, $done:literal) => {
        #[doc = $doc]
        #[utoipa::path(
            post, path = $path, tag = "courses", operation_id = $op,
            params(("id" = String, Path, description = "The course's id")),
            responses(
                (status = 202, description = $done, body = JobSummary),
                (status = 401, description = "No working token", body = Problem, content_type = "application/problem+json"),
                (status = 403, description = "A read token, or not the owner", body = Problem, content_type = "application/problem+json"),
                (status = 404, description = "No such course", body = Problem, content_type = "application/problem+json"),
                (status = 409, description = "Not possible in the course's state", body = Problem, content_type = "application/problem+json"),
                (status = 429, description = "Over the caller's allowance", body = Problem, content_type = "application/problem+json"),
            ),
            security(("token" = []))
        )]
        pub async fn $name(
            State(state): State<AppState>,
            Writer(caller): Writer,
            Path(id): Path<String>,
        ) -> Result<Response, Problem> {
            let id = job_id(&id)?;
            $call(&state, &caller.user, &id).await?;
            let job = course(&state, &caller.user, &id).await?;
            Ok((StatusCode::ACCEPTED, Json(job)).into_response())
        }
    };
}

transition!(
    cancel,
    "cancel_course",
    "Cancels a queued course at once, or a running one at its next step (owner or administrator).",
    "/api/v1/courses/{id}/cancel",
    backend::jobs::cancel,
    "Cancelled, or asked to stop"
);
transition!(
    retry,
    "retry_course",
    "Queues a failed or cancelled course again (owner or administrator).",
    "/api/v1/courses/{id}/retry",
    backend::jobs::retry,
    "Queued again"
);
transition!(
    restore,
    "restore_course",
    "Undoes a delete while the course is still kept (`DELETED_KEEP_MINUTES` after it; owner or administrator).",
    "/api/v1/courses/{id}/restore",
    backend::jobs::restore,
    "Back, as it was"
);

/// Deletes a finished course and its deck (owner or administrator). It is
/// hidden at once and kept `DELETED_KEEP_MINUTES` (default 60) so that
/// `POST /api/v1/courses/{id}/restore` can undo it; then it is gone.
#[utoipa::path(
    delete, path = "/api/v1/courses/{id}", tag = "courses", operation_id = "delete_course",
    params(("id" = String, Path, description = "The course's id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "No working token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A read token, or not the owner", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such course", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Queued or running: cancel it first", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = []))
)]
pub async fn delete(
    State(state): State<AppState>,
    Writer(caller): Writer,
    Path(id): Path<String>,
) -> Result<StatusCode, Problem> {
    backend::jobs::delete(&state, &caller.user, &job_id(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The deck of a complete course: the .pptx itself, or a redirect to a
/// short-lived link in object storage.
#[utoipa::path(
    get, path = "/api/v1/courses/{id}/deck", tag = "courses", operation_id = "course_deck",
    params(("id" = String, Path, description = "The course's id")),
    responses(
        (status = 200, description = "The deck", body = super::files::File,
         content_type = "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
        (status = 302, description = "A presigned link to the deck in object storage"),
        (status = 401, description = "No working token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such course", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not complete yet", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = []))
)]
pub async fn deck(
    State(state): State<AppState>,
    Reader(caller): Reader,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let id = job_id(&id)?;
    let job = course(&state, &caller.user, &id).await?;
    if job.status != JobStatus::Complete {
        return Err(Problem::new(StatusCode::CONFLICT, "The deck is not ready yet."));
    }
    let Some(deck) = backend::jobs::complete_deck(&state, &id).await? else {
        return Err(Problem::not_found());
    };
    Ok(crate::http::download::send_deck(&state, &deck, false).await)
}

/// The course's progress as server-sent events (`update`): its state now,
/// then every step until it ends.
#[utoipa::path(
    get, path = "/api/v1/courses/{id}/events", tag = "courses", operation_id = "course_events",
    params(("id" = String, Path, description = "The course's id")),
    responses(
        (status = 200, description = "A stream of `update` events", content_type = "text/event-stream"),
        (status = 401, description = "No working token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such course", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many open streams", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = []))
)]
pub async fn events(
    State(state): State<AppState>,
    Reader(caller): Reader,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let id = job_id(&id)?;
    let updates = backend::jobs::follow::follow(&state, caller.user.id, &id).await?;
    Ok(crate::http::stream::frame(updates))
}
