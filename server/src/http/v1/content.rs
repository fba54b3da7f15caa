//! A course after its first build, over the API: its editable content, new
//! versions (rebuild, another template, translation), versions and their
//! differences, review and comments — the dashboard's operations, for LMS
//! and catalogue tools. Any version's id names the course.

use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use backend::AppState;
use serde::Deserialize;
use types::content::{Comment, ContentSave, ContentView, Review, VersionDiff, VersionSummary};
use types::jobs::JobSummary;
use types::spec::CourseSpec;
use types::validate::JobId;
use utoipa::{IntoParams, ToSchema};

use super::auth::{Reader, Writer};
use super::problem::Problem;

fn job_id(id: &str) -> Result<JobId, Problem> {
    JobId::parse(id).ok_or_else(Problem::not_found)
}

/// A version just queued, answered `202` with its summary.
async fn queued(
    state: &AppState,
    caller: &types::account::CurrentUser,
    new: &JobId,
) -> Result<Response, Problem> {
    let job = backend::jobs::detail(state, caller, new).await?.job;
    Ok((StatusCode::ACCEPTED, Json(job)).into_response())
}

/// The course's editable content: every slide's words under its stable id.
#[utoipa::path(
    get, path = "/api/v1/courses/{id}/content", tag = "editing", operation_id = "get_content",
    params(("id" = String, Path, description = "Any version's id")),
    responses(
        (status = 200, description = "The working copy, with the deck slides of this version", body = ContentView),
        (status = 401, description = "No working token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such course", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "No finished version to edit yet", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = []))
)]
pub async fn get_content(
    State(state): State<AppState>,
    Reader(_caller): Reader,
    Path(id): Path<String>,
) -> Result<Json<ContentView>, Problem> {
    Ok(Json(backend::jobs::edit::content(&state, &job_id(&id)?).await?))
}

/// Saves one change (edit, add, remove, move) made on `revision`; refused
/// with 409 when someone saved in between (owner or administrator).
#[utoipa::path(
    post, path = "/api/v1/courses/{id}/content", tag = "editing", operation_id = "change_content",
    params(("id" = String, Path, description = "Any version's id")),
    request_body = ContentSave,
    responses(
        (status = 200, description = "The content after the change", body = ContentView),
        (status = 400, description = "The body is not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No working token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A read token, or not the owner", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such course", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Saved by someone else since `revision`, or no such slide", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The body is too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Over a limit or not allowed; `field` names it", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = []))
)]
pub async fn change_content(
    State(state): State<AppState>,
    Writer(caller): Writer,
    Path(id): Path<String>,
    body: Result<Json<ContentSave>, JsonRejection>,
) -> Result<Json<ContentView>, Problem> {
    let id = job_id(&id)?;
    let Json(save) = body?;
    Ok(Json(
        backend::jobs::edit::save(&state, &caller.user, &id, save).await?,
    ))
}

/// How to build the next version.
#[derive(Debug, Deserialize, ToSchema)]
pub struct RebuildRequest {
    /// Another template (a listed sample's file name or `upload:…`); absent:
    /// the same one.
    #[serde(default)]
    pub template: Option<String>,
}

/// Builds the edited content as the course's next version (owner or administrator).
#[utoipa::path(
    post, path = "/api/v1/courses/{id}/rebuild", tag = "editing", operation_id = "rebuild_course",
    params(("id" = String, Path, description = "Any version's id")),
    request_body = RebuildRequest,
    responses(
        (status = 202, description = "The new version, queued", body = JobSummary),
        (status = 400, description = "The body is not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No working token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A read token, or not the owner", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such course", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Nothing to build yet, or too many courses queued", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The body is too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No such template", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Over the caller's allowance", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = []))
)]
pub async fn rebuild(
    State(state): State<AppState>,
    Writer(caller): Writer,
    Path(id): Path<String>,
    body: Result<Json<RebuildRequest>, JsonRejection>,
) -> Result<Response, Problem> {
    let id = job_id(&id)?;
    let Json(req) = body?;
    let template = req.template.filter(|t| !t.is_empty());
    let new = backend::jobs::edit::rebuild(&state, &caller.user, &id, template.as_deref()).await?;
    queued(&state, &caller.user, &new).await
}

/// The course's versions, oldest first.
#[utoipa::path(
    get, path = "/api/v1/courses/{id}/versions", tag = "editing", operation_id = "list_versions",
    params(("id" = String, Path, description = "Any version's id")),
    responses(
        (status = 200, description = "The versions", body = Vec<VersionSummary>),
        (status = 401, description = "No working token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such course", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = []))
)]
pub async fn versions(
    State(state): State<AppState>,
    Reader(_caller): Reader,
    Path(id): Path<String>,
) -> Result<Json<Vec<VersionSummary>>, Problem> {
    Ok(Json(backend::jobs::edit::versions(&state, &job_id(&id)?).await?))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DiffQuery {
    /// The older version's id.
    pub from: String,
}

/// What changed from version `from` to this one: slides added, removed and
/// changed (each field before and after), and the QA score's move.
#[utoipa::path(
    get, path = "/api/v1/courses/{id}/diff", tag = "editing", operation_id = "diff_versions",
    params(("id" = String, Path, description = "The newer version's id"), DiffQuery),
    responses(
        (status = 200, description = "The differences", body = VersionDiff),
        (status = 400, description = "No `from`", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No working token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such version", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A version without content", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Versions of two courses", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = []))
)]
pub async fn diff(
    State(state): State<AppState>,
    Reader(_caller): Reader,
    Path(id): Path<String>,
    query: Result<Query<DiffQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<VersionDiff>, Problem> {
    let Query(q) = query.map_err(|e| Problem::new(StatusCode::BAD_REQUEST, e.body_text()))?;
    Ok(Json(
        backend::jobs::edit::diff(&state, &job_id(&q.from)?, &job_id(&id)?).await?,
    ))
}

/// Where the course stands in review.
#[utoipa::path(
    get, path = "/api/v1/courses/{id}/review", tag = "editing", operation_id = "get_review",
    params(("id" = String, Path, description = "Any version's id")),
    responses(
        (status = 200, description = "The review", body = Review),
        (status = 401, description = "No working token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such course", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = []))
)]
pub async fn get_review(
    State(state): State<AppState>,
    Reader(_caller): Reader,
    Path(id): Path<String>,
) -> Result<Json<Review>, Problem> {
    Ok(Json(backend::jobs::review::review(&state, &job_id(&id)?).await?))
}

/// A step in review.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReviewAction {
    /// Owner or administrator: to `reviewer` (an email) or to anyone.
    Submit,
    /// Someone other than who submitted it.
    Approve,
    RequestChanges,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ReviewStep {
    pub action: ReviewAction,
    #[serde(default)]
    pub reviewer: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

/// Submits the course for review, approves it, or asks for changes.
#[utoipa::path(
    post, path = "/api/v1/courses/{id}/review", tag = "editing", operation_id = "review_course",
    params(("id" = String, Path, description = "Any version's id")),
    request_body = ReviewStep,
    responses(
        (status = 200, description = "The review after the step", body = Review),
        (status = 400, description = "The body is not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No working token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A read token, or not the one asked", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such course", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not possible in the review's state, or by this person", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The body is too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "An unknown reviewer or a note over the limit; `field` names it", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = []))
)]
pub async fn review(
    State(state): State<AppState>,
    Writer(caller): Writer,
    Path(id): Path<String>,
    body: Result<Json<ReviewStep>, JsonRejection>,
) -> Result<Json<Review>, Problem> {
    use backend::jobs::review as r;
    let id = job_id(&id)?;
    let Json(step) = body?;
    let done = match step.action {
        ReviewAction::Submit => r::submit(&state, &caller.user, &id, step.reviewer.as_deref()).await?,
        ReviewAction::Approve => r::decide(&state, &caller.user, &id, true, step.note.as_deref()).await?,
        ReviewAction::RequestChanges => {
            r::decide(&state, &caller.user, &id, false, step.note.as_deref()).await?
        }
    };
    Ok(Json(done))
}

/// The course's comment threads, each with its replies.
#[utoipa::path(
    get, path = "/api/v1/courses/{id}/comments", tag = "editing", operation_id = "list_comments",
    params(("id" = String, Path, description = "Any version's id")),
    responses(
        (status = 200, description = "The threads, oldest first", body = Vec<Comment>),
        (status = 401, description = "No working token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such course", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = []))
)]
pub async fn comments(
    State(state): State<AppState>,
    Reader(_caller): Reader,
    Path(id): Path<String>,
) -> Result<Json<Vec<Comment>>, Problem> {
    Ok(Json(
        backend::jobs::review::comments(&state, &job_id(&id)?).await?,
    ))
}

/// A comment on a slide of this version, or a reply to a thread.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewComment {
    /// The content slide's id (see the content's `deck_slides`).
    pub slide: String,
    /// The thread replied to.
    #[serde(default)]
    pub parent: Option<i64>,
    pub body: String,
}

#[derive(Debug, serde::Serialize, ToSchema)]
pub struct CreatedComment {
    pub id: i64,
}

/// Comments on a slide (anyone signed in with a write token).
#[utoipa::path(
    post, path = "/api/v1/courses/{id}/comments", tag = "editing", operation_id = "add_comment",
    params(("id" = String, Path, description = "The version commented on")),
    request_body = NewComment,
    responses(
        (status = 201, description = "Added", body = CreatedComment),
        (status = 400, description = "The body is not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No working token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A read token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such course or thread", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The course holds as many comments as it can", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The body is too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No such slide, or an empty or over-long comment; `field` names it", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = []))
)]
pub async fn add_comment(
    State(state): State<AppState>,
    Writer(caller): Writer,
    Path(id): Path<String>,
    body: Result<Json<NewComment>, JsonRejection>,
) -> Result<Response, Problem> {
    let id = job_id(&id)?;
    let Json(c) = body?;
    let made = backend::jobs::review::comment(&state, &caller.user, &id, &c.slide, c.parent, &c.body).await?;
    Ok((StatusCode::CREATED, Json(CreatedComment { id: made })).into_response())
}

/// The language to translate into.
#[derive(Debug, Deserialize, ToSchema)]
pub struct TranslateRequest {
    /// `en`, `fr`, `de` or `es`.
    pub language: String,
}

/// Queues a linked course: this one translated by the AI writer (structure,
/// timing and template kept).
#[utoipa::path(
    post, path = "/api/v1/courses/{id}/translate", tag = "editing", operation_id = "translate_course",
    params(("id" = String, Path, description = "Any version's id")),
    request_body = TranslateRequest,
    responses(
        (status = 202, description = "The translated course, queued", body = JobSummary),
        (status = 400, description = "The body is not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No working token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A read token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such course", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "No AI writer on this server, or nothing to translate yet", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The body is too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not one of the languages, or the course's own", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Over the caller's allowance", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = []))
)]
pub async fn translate(
    State(state): State<AppState>,
    Writer(caller): Writer,
    Path(id): Path<String>,
    body: Result<Json<TranslateRequest>, JsonRejection>,
) -> Result<Response, Problem> {
    let id = job_id(&id)?;
    let Json(req) = body?;
    let new = backend::jobs::rewrite::translate(&state, &caller.user, &id, &req.language).await?;
    queued(&state, &caller.user, &new).await
}

/// Writes the course again from a changed spec (outline, timetable, length,
/// language or template) as its next version; words edited by hand stay in
/// the older versions (owner or administrator).
#[utoipa::path(
    post, path = "/api/v1/courses/{id}/regenerate", tag = "editing", operation_id = "regenerate_course",
    params(("id" = String, Path, description = "Any version's id")),
    request_body = CourseSpec,
    responses(
        (status = 202, description = "The new version, queued", body = JobSummary),
        (status = 400, description = "The body is not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No working token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A read token, or not the owner", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such course", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Too many courses queued", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The body is too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field of the spec is refused; `field` names it", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Over the caller's allowance", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = []))
)]
pub async fn regenerate(
    State(state): State<AppState>,
    Writer(caller): Writer,
    Path(id): Path<String>,
    body: Result<Json<CourseSpec>, JsonRejection>,
) -> Result<Response, Problem> {
    let id = job_id(&id)?;
    let Json(spec) = body?;
    let new = backend::jobs::edit::regenerate(&state, &caller.user, &id, spec).await?;
    queued(&state, &caller.user, &new).await
}
