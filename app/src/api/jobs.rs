//! Generation jobs: start, follow, cancel, retry, delete; the shared history
//! and the dashboard snapshot.

// `start_job` takes one argument per form field; the `server` macro copies
// them into the client half it generates, which an item attribute cannot
// reach, so the lint is allowed for this module.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;
use types::jobs::{HistoryPage, JobDetail, Snapshot};
use types::outline::Outline;
use types::ApiError;

/// The sample templates on offer: name, layouts, whether pictures are drawn.
#[server(prefix = "/api", endpoint = "templates")]
pub async fn list_templates() -> Result<Vec<types::templates::TemplateCard>, ApiError> {
    use crate::api::caller::{require_user, respond};
    respond(
        async {
            let (state, _) = require_user().await?;
            Ok(backend::templates::cards(&state).await)
        }
        .await,
    )
}

/// A template's preview pictures: drawn, being drawn (started in the
/// background if need be) or not available; never waits for them.
/// `retry` forgets an earlier failed drawing first.
#[server(prefix = "/api", endpoint = "templates/pictures")]
pub async fn template_pictures(
    template: String,
    retry: bool,
) -> Result<types::templates::Pictures, ApiError> {
    use crate::api::caller::{require_user, respond};
    respond(
        async {
            let (state, user) = require_user().await?;
            backend::templates::pictures(&state, &template, Some(user.id), retry)
                .await
                .ok_or(ApiError::NotFound)
        }
        .await,
    )
}

/// A template's intake report: the layout each kind of slide goes on and
/// why, the masters used, readability warnings and preview pages.
#[server(prefix = "/api", endpoint = "templates/report")]
pub async fn template_report(template: String) -> Result<types::templates::TemplateReport, ApiError> {
    use crate::api::caller::{require_user, respond};
    respond(
        async {
            let (state, user) = require_user().await?;
            backend::templates::report(&state, &template, Some(user.id))
                .await?
                .ok_or(ApiError::NotFound)
        }
        .await,
    )
}

/// Parses pasted outline text into the tree the user reviews.
#[server(prefix = "/api", endpoint = "outline/parse")]
pub async fn parse_outline_text(text: String) -> Result<Outline, ApiError> {
    use crate::api::caller::{require_user, respond};
    respond(
        async {
            let (state, user) = require_user().await?;
            Ok(backend::jobs::outlines::read(&state, user.id, text.into_bytes())
                .await
                .map_err(backend::Error::from)?)
        }
        .await,
    )
}

/// Which course language the outline's own words are in ("en", "fr", "de",
/// "es"), when it can be told.
#[server(prefix = "/api", endpoint = "outline/language", input = leptos::server_fn::codec::Json)]
pub async fn outline_language(outline: Outline) -> Result<Option<String>, ApiError> {
    use crate::api::caller::{require_user, respond};
    respond(
        async {
            require_user().await?;
            Ok(backend::jobs::outlines::language(&outline).map(str::to_owned))
        }
        .await,
    )
}

/// Queues a course from the New course page, sent as one spec (JSON) — the
/// REST API's body, down the same path (`backend::jobs::start_spec`); its id.
#[server(prefix = "/api", endpoint = "jobs/start", input = leptos::server_fn::codec::Json)]
pub async fn start_job(spec: types::spec::SpecArg) -> Result<String, ApiError> {
    use crate::api::caller::{require_user, respond};
    respond(
        async {
            let (state, user) = require_user().await?;
            Ok(backend::jobs::start_spec(&state, &user, spec.0)
                .await?
                .to_string())
        }
        .await,
    )
}

/// A finished job's slide previews and notes, never waiting for a drawing
/// (started now when nobody has; ask again while `drawing`). `retry`
/// forgets a failed drawing first (which is otherwise remembered, so views
/// do not start LibreOffice again and again).
#[server(prefix = "/api", endpoint = "jobs/previews")]
pub async fn slide_previews(id: String, retry: Option<bool>) -> Result<types::jobs::SlidePreviews, ApiError> {
    use crate::api::caller::{job_id, require_user, respond};
    respond(
        async {
            let (state, user) = require_user().await?;
            let id = job_id(&id)?;
            if retry == Some(true) {
                backend::templates::previews::forget_failure(&state, &id).await;
            }
            backend::templates::previews::overview(&state, &id, Some(user.id))
                .await?
                .ok_or(ApiError::NotFound)
        }
        .await,
    )
}

/// A page of the whole team's jobs, newest first, optionally filtered;
/// `cursor` is the `next` of the page before.
#[server(prefix = "/api", endpoint = "jobs")]
pub async fn list_jobs(
    status: Option<String>,
    search: Option<String>,
    cursor: Option<String>,
) -> Result<HistoryPage, ApiError> {
    use crate::api::caller::{require_user, respond};
    respond(
        async {
            let (state, user) = require_user().await?;
            Ok(backend::jobs::history(&state, &user, status, search, cursor).await?)
        }
        .await,
    )
}

/// A job with its log, QA report and token spend.
#[server(prefix = "/api", endpoint = "jobs/get")]
pub async fn get_job(id: String) -> Result<JobDetail, ApiError> {
    use crate::api::caller::{job_id, require_user, respond};
    respond(
        async {
            let (state, user) = require_user().await?;
            let id = job_id(&id)?;
            Ok(backend::jobs::detail(&state, &user, &id).await?)
        }
        .await,
    )
}

/// Cancels a queued or running job (owner or admin).
#[server(prefix = "/api", endpoint = "jobs/cancel")]
pub async fn cancel_job(id: String) -> Result<(), ApiError> {
    use crate::api::caller::{job_id, require_user, respond};
    respond(
        async {
            let (state, user) = require_user().await?;
            let id = job_id(&id)?;
            Ok(backend::jobs::cancel(&state, &user, &id).await?)
        }
        .await,
    )
}

/// Queues a failed or cancelled job again (owner or admin).
#[server(prefix = "/api", endpoint = "jobs/retry")]
pub async fn retry_job(id: String) -> Result<(), ApiError> {
    use crate::api::caller::{job_id, require_user, respond};
    respond(
        async {
            let (state, user) = require_user().await?;
            let id = job_id(&id)?;
            Ok(backend::jobs::retry(&state, &user, &id).await?)
        }
        .await,
    )
}

/// Deletes a finished job (owner or admin); answers how many minutes it is
/// kept for an undo (0: gone at once).
#[server(prefix = "/api", endpoint = "jobs/delete")]
pub async fn delete_job(id: String) -> Result<u64, ApiError> {
    use crate::api::caller::{job_id, require_user, respond};
    respond(
        async {
            let (state, user) = require_user().await?;
            let id = job_id(&id)?;
            backend::jobs::delete(&state, &user, &id).await?;
            Ok(state.config.deleted_keep_minutes)
        }
        .await,
    )
}

/// Undoes a delete while the job is still kept (owner or administrator).
#[server(prefix = "/api", endpoint = "jobs/restore")]
pub async fn restore_job(id: String) -> Result<(), ApiError> {
    use crate::api::caller::{job_id, require_user, respond};
    respond(
        async {
            let (state, user) = require_user().await?;
            let id = job_id(&id)?;
            Ok(backend::jobs::restore(&state, &user, &id).await?)
        }
        .await,
    )
}

/// Today's figures and 90 days of activity.
#[server(prefix = "/api", endpoint = "dashboard")]
pub async fn dashboard() -> Result<Snapshot, ApiError> {
    use crate::api::caller::{require_user, respond};
    respond(
        async {
            let (state, _) = require_user().await?;
            Ok(backend::jobs::dashboard(&state).await?)
        }
        .await,
    )
}

/// A signed link to download a finished job's deck, valid for `PRESIGNED_URL_TTL`.
#[server(prefix = "/api", endpoint = "jobs/link")]
pub async fn download_link(id: String) -> Result<String, ApiError> {
    use crate::api::caller::{job_id, require_user, respond};
    respond(
        async {
            let (state, _) = require_user().await?;
            let id = job_id(&id)?;
            Ok(backend::jobs::download_link(&state, &id).await?)
        }
        .await,
    )
}
