//! Editing a finished course: its content, new versions built from it, its
//! versions and what changed between two. Any version's job id names the
//! course.

use leptos::prelude::*;
use types::content::{ContentSave, ContentView, VersionDiff, VersionSummary};
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
