//! Editing a finished course: its content, new versions built from it, its
//! versions and what changed between two. Any version's job id names the
//! course.

use leptos::prelude::*;
use types::content::{Comment, ContentSave, ContentView, Review, ReviewInbox, VersionDiff, VersionSummary};
use types::ApiError;

/// The course's editable content (its working copy), with the slides of
/// version `id`'s deck named by content slide.
#[server(prefix = "/api", endpoint = "courses/content")]
pub async fn course_content(id: String) -> Result<ContentView, ApiError> {
    use crate::api::caller::{job_id, require_user, respond};
    respond(
        async {
            let (state, _) = require_user().await?;
            Ok(backend::jobs::edit::content(&state, &job_id(&id)?).await?)
        }
        .await,
    )
}

/// Saves one change to the course's content, made on `save.revision`
/// (refused when someone saved in between); the content after it.
#[server(prefix = "/api", endpoint = "courses/save", input = leptos::server_fn::codec::Json)]
pub async fn save_content(id: String, save: ContentSave) -> Result<ContentView, ApiError> {
    use crate::api::caller::{job_id, require_user, respond};
    respond(
        async {
            let (state, user) = require_user().await?;
            Ok(backend::jobs::edit::save(&state, &user, &job_id(&id)?, save).await?)
        }
        .await,
    )
}

/// Builds the edited content as the course's next version (on another
/// template when `template` is given); the new version's id.
#[server(prefix = "/api", endpoint = "courses/rebuild")]
pub async fn rebuild_course(id: String, template: Option<String>) -> Result<String, ApiError> {
    use crate::api::caller::{job_id, require_user, respond};
    respond(
        async {
            let (state, user) = require_user().await?;
            let template = template.filter(|t| !t.is_empty());
            Ok(
                backend::jobs::edit::rebuild(&state, &user, &job_id(&id)?, template.as_deref())
                    .await?
                    .to_string(),
            )
        }
        .await,
    )
}

/// Makes version `id` current again (built as the next version); its id.
#[server(prefix = "/api", endpoint = "courses/make-current")]
pub async fn make_current(id: String) -> Result<String, ApiError> {
    use crate::api::caller::{job_id, require_user, respond};
    respond(
        async {
            let (state, user) = require_user().await?;
            Ok(backend::jobs::edit::make_current(&state, &user, &job_id(&id)?)
                .await?
                .to_string())
        }
        .await,
    )
}

/// The course's versions, oldest first.
#[server(prefix = "/api", endpoint = "courses/versions")]
pub async fn course_versions(id: String) -> Result<Vec<VersionSummary>, ApiError> {
    use crate::api::caller::{job_id, require_user, respond};
    respond(
        async {
            let (state, _) = require_user().await?;
            Ok(backend::jobs::edit::versions(&state, &job_id(&id)?).await?)
        }
        .await,
    )
}

/// What changed from version `from` to version `to`.
#[server(prefix = "/api", endpoint = "courses/diff")]
pub async fn compare_versions(from: String, to: String) -> Result<VersionDiff, ApiError> {
    use crate::api::caller::{job_id, require_user, respond};
    respond(
        async {
            let (state, _) = require_user().await?;
            Ok(backend::jobs::edit::diff(&state, &job_id(&from)?, &job_id(&to)?).await?)
        }
        .await,
    )
}

/// The course's review: draft, in review (asked of whom) or approved.
#[server(prefix = "/api", endpoint = "courses/review")]
pub async fn course_review(id: String) -> Result<Review, ApiError> {
    use crate::api::caller::{job_id, require_user, respond};
    respond(
        async {
            let (state, _) = require_user().await?;
            Ok(backend::jobs::review::review(&state, &job_id(&id)?).await?)
        }
        .await,
    )
}

/// Submits the course for review, to `reviewer` (an email) or to anyone.
#[server(prefix = "/api", endpoint = "courses/submit")]
pub async fn submit_for_review(id: String, reviewer: Option<String>) -> Result<Review, ApiError> {
    use crate::api::caller::{job_id, require_user, respond};
    respond(
        async {
            let (state, user) = require_user().await?;
            Ok(backend::jobs::review::submit(&state, &user, &job_id(&id)?, reviewer.as_deref()).await?)
        }
        .await,
    )
}

/// Approves the course (its newest version) or asks for changes with `note`.
#[server(prefix = "/api", endpoint = "courses/decide")]
pub async fn decide_review(id: String, approve: bool, note: Option<String>) -> Result<Review, ApiError> {
    use crate::api::caller::{job_id, require_user, respond};
    respond(
        async {
            let (state, user) = require_user().await?;
            Ok(backend::jobs::review::decide(&state, &user, &job_id(&id)?, approve, note.as_deref()).await?)
        }
        .await,
    )
}

/// The course's comment threads with their replies.
#[server(prefix = "/api", endpoint = "courses/comments")]
pub async fn course_comments(id: String) -> Result<Vec<Comment>, ApiError> {
    use crate::api::caller::{job_id, require_user, respond};
    respond(
        async {
            let (state, _) = require_user().await?;
            Ok(backend::jobs::review::comments(&state, &job_id(&id)?).await?)
        }
        .await,
    )
}

/// Comments on content slide `slide` of version `id` (or replies to thread `parent`); the comment's id.
#[server(prefix = "/api", endpoint = "courses/comment")]
pub async fn add_comment(
    id: String,
    slide: String,
    parent: Option<i64>,
    body: String,
) -> Result<i64, ApiError> {
    use crate::api::caller::{job_id, require_user, respond};
    respond(
        async {
            let (state, user) = require_user().await?;
            Ok(backend::jobs::review::comment(&state, &user, &job_id(&id)?, &slide, parent, &body).await?)
        }
        .await,
    )
}

/// Resolves or reopens a comment thread.
#[server(prefix = "/api", endpoint = "courses/resolve")]
pub async fn resolve_comment(id: String, thread: i64, resolved: bool) -> Result<(), ApiError> {
    use crate::api::caller::{job_id, require_user, respond};
    respond(
        async {
            let (state, user) = require_user().await?;
            Ok(backend::jobs::review::resolve(&state, &user, &job_id(&id)?, thread, resolved).await?)
        }
        .await,
    )
}

/// Courses waiting for my review and comments on my courses.
#[server(prefix = "/api", endpoint = "courses/inbox")]
pub async fn my_reviews() -> Result<ReviewInbox, ApiError> {
    use crate::api::caller::{require_user, respond};
    respond(
        async {
            let (state, user) = require_user().await?;
            Ok(backend::jobs::review::inbox(&state, &user).await?)
        }
        .await,
    )
}

/// Rewrites one slide (`slide`) or a module's slides (`module`, 0-based)
/// of the course's working copy with the AI writer, following
/// `instruction`; saved on `revision` like an edit. The content after it.
#[server(prefix = "/api", endpoint = "courses/rewrite")]
pub async fn rewrite_content(
    id: String,
    revision: i64,
    slide: Option<String>,
    module: Option<u16>,
    instruction: Option<String>,
) -> Result<ContentView, ApiError> {
    use crate::api::caller::{job_id, require_user, respond};
    use backend::jobs::rewrite::{rewrite, Target};
    respond(
        async {
            let (state, user) = require_user().await?;
            let target = match (slide.filter(|s| !s.is_empty()), module) {
                (Some(s), None) => Target::Slide(s),
                (None, Some(m)) => Target::Module(m),
                _ => {
                    return Err(ApiError::invalid(
                        "slide",
                        "Name one slide or one module to rewrite.",
                    ))
                }
            };
            Ok(rewrite(
                &state,
                &user,
                &job_id(&id)?,
                revision,
                target,
                instruction.as_deref(),
            )
            .await?)
        }
        .await,
    )
}

/// Queues a linked course: this one translated into `language` by the AI
/// writer (same template, structure and timing); its id.
#[server(prefix = "/api", endpoint = "courses/translate")]
pub async fn translate_course(id: String, language: String) -> Result<String, ApiError> {
    use crate::api::caller::{job_id, require_user, respond};
    respond(
        async {
            let (state, user) = require_user().await?;
            Ok(
                backend::jobs::rewrite::translate(&state, &user, &job_id(&id)?, &language)
                    .await?
                    .to_string(),
            )
        }
        .await,
    )
}

/// A version's spec (title, length, language, template, outline, timetable),
/// to change and write the course again.
#[server(prefix = "/api", endpoint = "courses/spec")]
pub async fn course_spec(id: String) -> Result<types::spec::CourseSpec, ApiError> {
    use crate::api::caller::{job_id, require_user, respond};
    respond(
        async {
            let (state, _) = require_user().await?;
            Ok(backend::jobs::spec(&state, &job_id(&id)?).await?.0)
        }
        .await,
    )
}

/// Writes the course again from a changed spec as its next version; its id.
#[server(prefix = "/api", endpoint = "courses/regenerate", input = leptos::server_fn::codec::Json)]
pub async fn regenerate_course(id: String, spec: types::spec::SpecArg) -> Result<String, ApiError> {
    use crate::api::caller::{job_id, require_user, respond};
    respond(
        async {
            let (state, user) = require_user().await?;
            Ok(
                backend::jobs::edit::regenerate(&state, &user, &job_id(&id)?, spec.0)
                    .await?
                    .to_string(),
            )
        }
        .await,
    )
}
