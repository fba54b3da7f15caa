//! Editing a course after it was made: its content (the working copy every
//! editor shares, saved change by change against a revision), new versions
//! built from it (rebuild, another template, an older version made current),
//! the list of versions and what changed between two.
//!
//! Any version's job id names its course. Everyone signed in may read a
//! course's content and versions; its owner or an administrator may change
//! it.

use course::document::{Content, Refused};
use types::account::CurrentUser;
use types::content::{ContentSave, ContentView, VersionDiff, VersionSummary};
use types::validate::JobId;
use types::ApiError;

use super::{enqueue_within_quota, template_choice};
use crate::db::jobs::{self as db, content as store, NewJob, NewVersion};
use crate::{AppState, Result};

pub(crate) const STALE: &str = "Someone saved a change to this course since you opened it. Reload it to see theirs, then make your change again.";

fn read(json: &str) -> Result<Content> {
    serde_json::from_str(json).map_err(|e| {
        tracing::error!(error = %e, "a stored course content could not be read");
        ApiError::Internal.into()
    })
}

pub(crate) fn write(content: &Content) -> Result<String> {
    serde_json::to_string(content).map_err(|e| {
        tracing::error!(error = %e, "a course content could not be written");
        ApiError::Internal.into()
    })
}

pub(crate) async fn course_of(state: &AppState, id: &JobId) -> Result<store::Membership> {
    Ok(store::membership(&state.pool, id)
        .await?
        .ok_or(ApiError::NotFound)?)
}

/// The content of the course's newest complete version, and that version.
async fn current(state: &AppState, course: &str) -> Result<Option<(JobId, Content)>> {
    let Some(job) = store::current(&state.pool, course).await? else {
        return Ok(None);
    };
    let Some((json, _)) = store::content(&state.pool, &job).await? else {
        return Ok(None);
    };
    Ok(Some((job, read(&json)?)))
}

/// The course's working copy and its revision (0: nobody has changed the
/// newest version's content yet).
pub(crate) async fn working_copy(state: &AppState, course: &str) -> Result<(Content, i64)> {
    if let Some((json, revision)) = store::draft(&state.pool, course).await? {
        return Ok((read(&json)?, revision));
    }
    match current(state, course).await? {
        Some((_, content)) => Ok((content, 0)),
        None => Err(ApiError::Conflict(
            "This course has no content to edit yet: wait until it is complete (a course made before editing \
             existed needs to be generated again once)."
                .into(),
        )
        .into()),
    }
}

pub(crate) fn may_change(user: &CurrentUser, owner: i64) -> Result<()> {
    if user.id == owner || user.is_admin {
        Ok(())
    } else {
        Err(ApiError::Forbidden.into())
    }
}

/// The course's content as editors see it, with the slides of version `id`'s
/// deck named by content slide.
pub async fn content(state: &AppState, id: &JobId) -> Result<ContentView> {
    let m = course_of(state, id).await?;
    let (content, revision) = working_copy(state, &m.course_id).await?;
    view(state, id, &m.course_id, content, revision).await
}

pub(crate) async fn view(
    state: &AppState,
    id: &JobId,
    course: &str,
    content: Content,
    revision: i64,
) -> Result<ContentView> {
    let newest = current(state, course).await?.map(|(_, c)| c);
    let deck_slides = match store::content(&state.pool, id).await? {
        Some((_, Some(slides))) => serde_json::from_str(&slides).unwrap_or_default(),
        _ => Vec::new(),
    };
    Ok(ContentView {
        course: course.to_owned(),
        revision,
        changed: newest.as_ref() != Some(&content),
        modules: content.modules.clone(),
        slides: content.view(),
        deck_slides,
    })
}

/// Applies one change to the course's working copy if nobody saved since
/// `save.revision`; the content after it.
pub async fn save(
    state: &AppState,
    user: &CurrentUser,
    id: &JobId,
    save: ContentSave,
) -> Result<ContentView> {
    let m = course_of(state, id).await?;
    may_change(user, m.user_id)?;
    let (mut content, revision) = working_copy(state, &m.course_id).await?;
    if save.revision != revision {
        return Err(ApiError::Conflict(STALE.into()).into());
    }
    content.apply(&save.change).map_err(|r| match r {
        Refused::Invalid { field, message } => ApiError::invalid(&field, message),
        missing @ Refused::NoSlide(_) => ApiError::Conflict(missing.to_string()),
    })?;
    let Some(revision) =
        store::save_draft(&state.pool, &m.course_id, revision, &write(&content)?, user.id).await?
    else {
        return Err(ApiError::Conflict(STALE.into()).into());
    };
    // A course in review or approved is not changed under its reviewer:
    // the edit starts a new draft (the version approved stays recorded).
    if crate::db::reviews::back_to_draft(&state.pool, &m.course_id).await? {
        tracing::info!(course = %m.course_id, "an edit started a new draft");
    }
    view(state, id, &m.course_id, content, revision).await
}

/// Builds the course's working copy as its next version (on `template`, a
/// template choice, when given: a re-template); the new version's job id.
pub async fn rebuild(
    state: &AppState,
    user: &CurrentUser,
    id: &JobId,
    template: Option<&str>,
) -> Result<JobId> {
    let m = course_of(state, id).await?;
    may_change(user, m.user_id)?;
    let (content, _) = working_copy(state, &m.course_id).await?;
    let origin = if template.is_some() {
        "retemplated"
    } else {
        "rebuilt"
    };
    let base = match current(state, &m.course_id).await? {
        Some((job, _)) => job,
        None => id.clone(),
    };
    new_version(state, user, &m, &base, content, template, origin).await
}

/// Makes version `id` the course's current one again: its content (and
/// template) built as the next version, and the working copy set to it.
pub async fn make_current(state: &AppState, user: &CurrentUser, id: &JobId) -> Result<JobId> {
    let m = course_of(state, id).await?;
    may_change(user, m.user_id)?;
    let Some((json, _)) = store::content(&state.pool, id).await? else {
        return Err(ApiError::Conflict("This version has no content to restore.".into()).into());
    };
    let content = read(&json)?;
    let new = new_version(state, user, &m, id, content.clone(), None, "restored").await?;
    // The working copy follows: whatever it held is now an older draft.
    let revision = store::draft(&state.pool, &m.course_id)
        .await?
        .map_or(0, |(_, r)| r);
    store::save_draft(&state.pool, &m.course_id, revision, &write(&content)?, user.id).await?;
    Ok(new)
}

async fn new_version(
    state: &AppState,
    user: &CurrentUser,
    m: &store::Membership,
    base: &JobId,
    content: Content,
    template: Option<&str>,
    origin: &'static str,
) -> Result<JobId> {
    let input = db::input(&state.pool, base).await?;
    let summary = db::summary(&state.pool, base).await?.ok_or(ApiError::NotFound)?;
    let (template_name, template_path) = match template {
        Some(choice) => template_choice(state, choice)?,
        None => (summary.template_name.clone(), input.template_path.clone()),
    };
    let said = match origin {
        "restored" => format!("Version {} made current again by {}", m.version, user.name),
        "retemplated" => format!("Rebuilt on another template by {}", user.name),
        _ => format!("Rebuilt from the edited content by {}", user.name),
    };
    let job = NewJob {
        // The course's owner keeps it; who asked is in the log.
        user_id: m.user_id,
        course_title: input.course_title,
        template_name,
        template_path,
        duration_days: u8::try_from(input.duration_days).unwrap_or(1),
        language: input.language,
        outline: input.outline,
        timetable: input.timetable,
        version_of: Some(NewVersion {
            course_id: Some(m.course_id.clone()),
            origin,
            content: Some(write(&content)?),
            said,
        }),
    };
    let new = enqueue_within_quota(state, &job).await?;
    tracing::info!(job = %new, course = %m.course_id, origin, "course version queued");
    Ok(new)
}

/// The course's versions, oldest first.
pub async fn versions(state: &AppState, id: &JobId) -> Result<Vec<VersionSummary>> {
    let m = course_of(state, id).await?;
    Ok(store::versions(&state.pool, &m.course_id).await?)
}

/// What changed from version `from` to version `to` (both of one course).
pub async fn diff(state: &AppState, from: &JobId, to: &JobId) -> Result<VersionDiff> {
    let a = course_of(state, from).await?;
    let b = course_of(state, to).await?;
    if a.course_id != b.course_id {
        return Err(ApiError::invalid("to", "Both versions must be of the same course.").into());
    }
    let load = |id: JobId| async move {
        match store::content(&state.pool, &id).await? {
            Some((json, _)) => read(&json),
            None => Err(ApiError::Conflict(format!("Version {id} has no content to compare.")).into()),
        }
    };
    let (old, new) = (load(from.clone()).await?, load(to.clone()).await?);
    let (added, removed, changed) = old.diff(&new);
    let versions = store::versions(&state.pool, &a.course_id).await?;
    let of = |id: &JobId| versions.iter().find(|v| v.job == id.as_str());
    Ok(VersionDiff {
        from: a.version,
        to: b.version,
        added,
        removed,
        changed,
        qa_before: of(from).and_then(|v| v.qa_score),
        qa_after: of(to).and_then(|v| v.qa_score),
        template_before: of(from).map(|v| v.template_name.clone()).unwrap_or_default(),
        template_after: of(to).map(|v| v.template_name.clone()).unwrap_or_default(),
    })
}

/// Writes the course again from an edited spec — its outline, timetable,
/// length, language or template changed — as its next version: the writer
/// and planner run as for a new course, and the words edited by hand are
/// replaced (they stay in the older versions). The new version's id.
pub async fn regenerate(
    state: &AppState,
    user: &CurrentUser,
    id: &JobId,
    spec: types::spec::CourseSpec,
) -> Result<JobId> {
    let m = course_of(state, id).await?;
    may_change(user, m.user_id)?;
    super::check_schema(&spec)?;
    let mut job = super::prepare(state, user, &super::StartRequest::from_spec(spec))?;
    job.user_id = m.user_id;
    job.version_of = Some(NewVersion {
        course_id: Some(m.course_id.clone()),
        origin: "regenerated",
        content: None,
        said: format!(
            "Written again from a changed outline or timetable by {}",
            user.name
        ),
    });
    let new = enqueue_within_quota(state, &job).await?;
    // The working copy follows the new version once it is written.
    store::drop_draft(&state.pool, &m.course_id).await?;
    crate::db::reviews::back_to_draft(&state.pool, &m.course_id).await?;
    tracing::info!(job = %new, course = %m.course_id, "course written again");
    Ok(new)
}
