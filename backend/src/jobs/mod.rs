//! The job lifecycle: what a user can do with a job (start, follow, cancel,
//! retry, delete, download) and who may do it, and the transitions the
//! workers make (progress, complete, end). Each transition is written once:
//! the database change in `db::jobs` (one transaction), then the update
//! pushed to live streams through the [`hub`].
//!
//! Rules: everyone signed in sees every job (the team's shared history);
//! only the owner or an administrator may cancel, retry or delete one.

pub mod batches;
pub mod edit;
pub mod follow;
pub mod history_cache;
pub mod hub;
pub mod idempotency;
pub mod listen;
pub mod outline_zip;
pub mod outlines;
pub mod review;
pub mod rewrite;
pub mod runtime;
pub mod worker;

use types::account::CurrentUser;
use types::jobs::{HistoryPage, JobDetail, JobStatus, JobSummary, JobUpdate, Snapshot};
use types::limits::{HISTORY_ROWS, MAX_SEARCH_CHARS};
use types::outline::Outline;
use types::validate::{CourseDays, CourseTitle, JobId, Language};
use types::ApiError;

use crate::db::jobs::{self as db, browse, Completed, NewJob};
use crate::db::usage;
use crate::{templates, AppState, Result};

/// What the New course form sends, unchecked.
#[derive(Debug, Clone)]
pub struct StartRequest {
    pub title: String,
    /// As typed: checked here, like every other field.
    pub days: String,
    pub language: String,
    pub template: String,
    /// The reviewed outline tree (decoded where the request came in).
    pub outline: Outline,
    /// The course day, each part as typed; blank parts take the server's
    /// settings (`COURSE_*`).
    pub day_start: Option<String>,
    pub day_end: Option<String>,
    pub lunch: Option<String>,
    pub breaks: Option<String>,
}

impl StartRequest {
    /// A course spec (a spec file's, or the REST API's body) as the form
    /// would send it.
    pub fn from_spec(spec: types::spec::CourseSpec) -> StartRequest {
        let (day_start, day_end, lunch, breaks) = match spec.timetable {
            Some(t) => (Some(t.start), Some(t.end), Some(t.lunch), Some(t.breaks)),
            None => (None, None, None, None),
        };
        StartRequest {
            title: spec.title,
            days: spec.days.to_string(),
            language: spec.language,
            template: spec.template,
            outline: spec.outline,
            day_start,
            day_end,
            lunch,
            breaks,
        }
    }

    /// The checked timetable to store with the job, `None` when the form
    /// left every part blank (the server's settings then apply).
    fn timetable(&self, defaults: &crate::config::DayPlan) -> std::result::Result<Option<String>, ApiError> {
        let given = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        };
        let parts = [
            given(&self.day_start),
            given(&self.day_end),
            given(&self.lunch),
            given(&self.breaks),
        ];
        if parts.iter().all(Option::is_none) {
            return Ok(None);
        }
        if parts.iter().flatten().any(|p| p.len() > 200) {
            return Err(ApiError::invalid("timetable", "The timetable is too long."));
        }
        let plan = crate::config::DayPlan {
            day_start: parts[0].clone().unwrap_or_else(|| defaults.day_start.clone()),
            day_end: parts[1].clone().unwrap_or_else(|| defaults.day_end.clone()),
            lunch: parts[2].clone().unwrap_or_else(|| defaults.lunch.clone()),
            breaks: parts[3].clone().unwrap_or_else(|| defaults.breaks.clone()),
        };
        plan.schedule()
            .map_err(|m| ApiError::invalid("timetable", format!("The timetable: {m}.")))?;
        Ok(Some(plan.timetable().to_stored()))
    }
}

/// Starts a course from a spec (the REST API's body): its format version
/// checked, then as [`start`].
pub async fn start_spec(
    state: &AppState,
    user: &CurrentUser,
    spec: types::spec::CourseSpec,
) -> Result<JobId> {
    check_schema(&spec)?;
    start(state, user, StartRequest::from_spec(spec)).await
}

/// Refuses a spec of another format version than this server reads.
pub(crate) fn check_schema(spec: &types::spec::CourseSpec) -> Result<()> {
    if spec.schema != types::spec::SPEC_SCHEMA {
        return Err(ApiError::invalid(
            "schema",
            format!(
                "This spec is format {}; this server reads format {}.",
                spec.schema,
                types::spec::SPEC_SCHEMA
            ),
        )
        .into());
    }
    Ok(())
}

/// A page of the team's courses, newest first (the REST API's list).
pub async fn page(
    state: &AppState,
    filter: &db::browse::Filter,
    after: Option<&db::browse::After>,
    limit: i64,
) -> Result<(Vec<JobSummary>, Option<db::browse::After>)> {
    Ok(db::browse::page(&state.pool, filter, after, limit).await?)
}

/// The deck of a complete job, if it is one.
pub async fn complete_deck(state: &AppState, id: &JobId) -> Result<Option<db::Deck>> {
    Ok(db::complete_deck(&state.pool, id).await?)
}

/// Checks a request and queues the job (the row and its queue entry in one
/// transaction). Returns the job's id.
pub async fn start(state: &AppState, user: &CurrentUser, req: StartRequest) -> Result<JobId> {
    let job = prepare(state, user, &req)?;
    let id = enqueue_within_quota(state, &job).await?;
    tracing::info!(job = %id, user_id = user.id, "job queued");
    Ok(id)
}

/// Queues `job` if its owner is within their allowances, and wakes a worker.
pub(crate) async fn enqueue_within_quota(state: &AppState, job: &NewJob) -> Result<JobId> {
    let quota = db::Quota {
        active: state.config.max_active_jobs_per_user.max(1),
        per_hour: state.config.max_job_starts_per_hour.max(1),
    };
    let id = match db::enqueue(&state.pool, job, quota).await? {
        db::Enqueued::Id(id) => id,
        db::Enqueued::TooManyActive => {
            return Err(ApiError::Conflict(format!(
                "You already have {} courses queued or running; \
                 start this one when one of them has finished.",
                quota.active
            ))
            .into())
        }
        db::Enqueued::TooManyStarts => {
            tracing::warn!(user_id = job.user_id, "job start rate limit reached");
            return Err(ApiError::TooManyRequests { retry_after: 600 }.into());
        }
    };
    state.jobs.wake.notify_one();
    Ok(id)
}

/// A template choice (a listed sample or `upload:` one of ours, never a
/// path) as its shown name and its file.
pub(crate) fn template_choice(state: &AppState, choice: &str) -> Result<(String, String)> {
    let Some(path) = templates::resolve(&state.config, choice) else {
        return Err(
            ApiError::invalid("template", "Choose one of the offered templates or upload one.").into(),
        );
    };
    let name = match choice.strip_prefix("upload:") {
        Some(_) => {
            templates::upload_name(&state.config, choice).unwrap_or_else(|| "Uploaded template".into())
        }
        None => choice.to_owned(),
    };
    Ok((name, path.to_string_lossy().to_string()))
}

/// Checks a start request field by field and makes the job to queue; the
/// error names the field.
pub fn prepare(state: &AppState, user: &CurrentUser, req: &StartRequest) -> Result<NewJob> {
    let title = CourseTitle::parse(&req.title)?;
    let days = CourseDays::parse_text(&req.days)?;
    let language = Language::parse(&req.language)?;
    // Only listed samples or our own upload names: a client never supplies a path.
    let (template_name, template_path) = template_choice(state, &req.template)?;
    let parsed = &req.outline;
    if parsed.modules.is_empty() || parsed.modules.iter().all(|m| m.topics.is_empty()) {
        return Err(ApiError::invalid("outline", "The outline has no modules or topics.").into());
    }
    parsed
        .check_limits()
        .map_err(|m| ApiError::invalid("outline", m))?;
    let timetable = req.timetable(&state.config.day)?;
    Ok(NewJob {
        user_id: user.id,
        course_title: title.as_ref().to_owned(),
        template_name,
        template_path,
        duration_days: days.get(),
        language: language.code().to_owned(),
        outline: req.outline.clone(),
        timetable,
        version_of: None,
    })
}

/// The history's filter for deleted courses still kept for an undo.
pub const DELETED: &str = "deleted";

/// A page of the whole team's jobs, newest first, optionally filtered by
/// status (or [`DELETED`]) and a title search; `cursor` is the `next` of the
/// page before.
///
/// The history is read far more often than jobs change, so answers are kept
/// per filter and page until the jobs' change version moves (see
/// [`history_cache`]); the version is bumped by database triggers, so
/// changes made by any writer invalidate them.
pub async fn history(
    state: &AppState,
    user: &CurrentUser,
    status: Option<String>,
    search: Option<String>,
    cursor: Option<String>,
) -> Result<HistoryPage> {
    let after = match cursor.as_deref().filter(|c| !c.is_empty()) {
        None => None,
        Some(c) => Some(
            browse::After::from_cursor(c)
                .ok_or_else(|| ApiError::invalid("cursor", "That page of the history does not exist."))?,
        ),
    };
    // "deleted": the deleted courses still kept for an undo — the caller's
    // own, or everyone's for an administrator.
    let deleted = (status.as_deref() == Some(DELETED)).then_some((!user.is_admin).then_some(user.id));
    let filter = browse::Filter {
        status: status.as_deref().and_then(JobStatus::parse),
        search: search
            .map(|s| s.trim().chars().take(MAX_SEARCH_CHARS).collect::<String>())
            .filter(|s| !s.is_empty()),
        deleted,
        review: ["in_review", "approved"]
            .into_iter()
            .find(|r| status.as_deref() == Some(*r)),
        ..Default::default()
    };
    // Read the version first: rows read after it are at least that new.
    let version = db::version(&state.pool).await?;
    let key = (
        filter.status,
        filter.search.clone(),
        after.clone(),
        deleted,
        filter.review,
    );
    if let Some(page) = state.jobs.history.get(version, &key) {
        return Ok(page.as_ref().clone());
    }
    let (jobs, next) = browse::page(&state.pool, &filter, after.as_ref(), HISTORY_ROWS).await?;
    let page = HistoryPage {
        jobs,
        next: next.as_ref().map(browse::After::to_cursor),
    };
    state
        .jobs
        .history
        .put(version, key, std::sync::Arc::new(page.clone()));
    Ok(page)
}

fn may_manage(user: &CurrentUser, access: &db::Access) -> bool {
    access.user_id == Some(user.id) || user.is_admin
}

async fn access(state: &AppState, id: &JobId) -> Result<db::Access> {
    Ok(db::access(&state.pool, id).await?.ok_or(ApiError::NotFound)?)
}

/// A job with its log, QA report and token spend, for the job page.
pub async fn detail(state: &AppState, user: &CurrentUser, id: &JobId) -> Result<JobDetail> {
    // The status first, then the report: a job read as complete has its
    // report (written in the same transaction) in the later read. The other
    // order could pair "complete" with the report of the moment before.
    let job = db::summary(&state.pool, id).await?.ok_or(ApiError::NotFound)?;
    let row = access(state, id).await?;
    let plain_findings = row
        .qa_report
        .as_deref()
        .and_then(|r| serde_json::from_str::<types::jobs::QaReport>(r).ok())
        .map(|r| types::jobs::plain_findings(&r.findings))
        .unwrap_or_default();
    Ok(JobDetail {
        job,
        events: db::events(&state.pool, id).await?,
        can_manage: may_manage(user, &row),
        qa_report: row.qa_report,
        plain_findings,
        usage: usage::job_totals(&state.pool, id.as_str()).await?,
    })
}

/// A job's spec as a file (title, length, language, template, outline) and
/// the file's name, for anyone who may see the job.
pub async fn spec(state: &AppState, id: &JobId) -> Result<(types::spec::CourseSpec, String)> {
    let row = access(state, id).await?;
    let input = db::input(&state.pool, id).await?;
    let job = db::summary(&state.pool, id).await?.ok_or(ApiError::NotFound)?;
    let outline = input.outline;
    let file = std::path::Path::new(&input.template_path)
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("")
        .to_owned();
    let template = if input.template_path.starts_with(
        &templates::uploads_dir(&state.config)
            .to_string_lossy()
            .to_string(),
    ) {
        format!("upload:{file}")
    } else {
        file
    };
    let writer = row
        .qa_report
        .as_deref()
        .and_then(|r| serde_json::from_str::<serde_json::Value>(r).ok())
        .and_then(|v| v["writer"].as_str().map(str::to_owned))
        .unwrap_or_else(|| "offline".into());
    let spec = types::spec::CourseSpec {
        schema: types::spec::SPEC_SCHEMA,
        title: input.course_title,
        days: u8::try_from(input.duration_days).unwrap_or(1),
        language: input.language,
        template,
        outline,
        writer,
        timetable: input
            .timetable
            .as_deref()
            .and_then(types::spec::Timetable::from_stored),
    };
    let date = job.created_at.get(..10).unwrap_or("0000-00-00").to_owned();
    let hex: String = id.as_str().bytes().map(|b| format!("{:x}", b % 16)).collect();
    let name = spec.file_name(&date, &hex);
    Ok((spec, name))
}

/// Cancels a queued job at once, or asks a running one to stop at its next
/// step (owner or admin).
pub async fn cancel(state: &AppState, user: &CurrentUser, id: &JobId) -> Result<()> {
    let row = access(state, id).await?;
    if !may_manage(user, &row) {
        return Err(ApiError::Forbidden.into());
    }
    match row.status {
        JobStatus::Queued | JobStatus::Running => {
            let held = db::request_cancel(&state.pool, id).await?;
            // Not claimed by a worker: nobody else will end it.
            if row.status == JobStatus::Queued && !held {
                end(state, id, JobStatus::Cancelled, "Cancelled", None).await?;
            }
            Ok(())
        }
        _ => Err(ApiError::Conflict("Only queued or running jobs can be cancelled.".into()).into()),
    }
}

/// Queues a failed or cancelled job again (owner or admin).
pub async fn retry(state: &AppState, user: &CurrentUser, id: &JobId) -> Result<()> {
    let row = access(state, id).await?;
    if !may_manage(user, &row) {
        return Err(ApiError::Forbidden.into());
    }
    let Some(event) = db::retry(&state.pool, id).await? else {
        return Err(ApiError::Conflict("Only failed or cancelled jobs can be retried.".into()).into());
    };
    state.jobs.hub.publish(
        id.as_str(),
        JobUpdate {
            status: JobStatus::Queued,
            progress: 0,
            event: Some(event),
        },
    );
    state.jobs.wake.notify_one();
    Ok(())
}

/// Deletes a finished job (owner or admin). With `DELETED_KEEP_MINUTES` set
/// (the default) it is hidden at once and kept that long for
/// [`restore`]; the janitor then removes it with its deck (see
/// `storage::offload::purge_deleted`). With 0 it goes at once.
pub async fn delete(state: &AppState, user: &CurrentUser, id: &JobId) -> Result<()> {
    let row = access(state, id).await?;
    if !may_manage(user, &row) {
        return Err(ApiError::Forbidden.into());
    }
    let gone = if state.config.deleted_keep_minutes == 0 {
        remove_finished(state, id).await?
    } else {
        db::mark_deleted(&state.pool, id, &crate::db::now_rfc3339()).await?
    };
    if !gone {
        return Err(ApiError::Conflict("Cancel the job before deleting it.".into()).into());
    }
    tracing::info!(job_id = %id, by = user.id, keep_minutes = state.config.deleted_keep_minutes, "job deleted");
    Ok(())
}

/// Undoes a delete while the job is still kept (owner or administrator):
/// it is back everywhere as it was. `NotFound` once the janitor has
/// removed it (or for a job that was never deleted).
pub async fn restore(state: &AppState, user: &CurrentUser, id: &JobId) -> Result<()> {
    let Some(owner) = db::deleted_owner(&state.pool, id).await? else {
        // A course that is there and not deleted has nothing to restore.
        if db::access(&state.pool, id).await?.is_some() {
            return Err(ApiError::Conflict("This course is not deleted.".into()).into());
        }
        return Err(ApiError::NotFound.into());
    };
    if owner != user.id && !user.is_admin {
        return Err(ApiError::Forbidden.into());
    }
    if !db::undelete(&state.pool, id).await? {
        return Err(ApiError::NotFound.into());
    }
    tracing::info!(job_id = %id, by = user.id, "deleted job restored");
    Ok(())
}

/// Deletes a job that is not queued or running, with its deck wherever it
/// is kept; `false` when the job is queued, running or gone. Shared by a
/// user's delete and the janitor's retention pass.
pub async fn remove_finished(state: &AppState, id: &JobId) -> Result<bool> {
    let Some(stored) = db::delete_finished(&state.pool, id).await? else {
        return Ok(false);
    };
    crate::storage::decks::remove(
        state,
        id,
        stored.output_local.as_deref(),
        stored.output_s3_key.as_deref(),
    )
    .await;
    Ok(true)
}

/// Today's figures and 90 days of activity for the dashboard.
pub async fn dashboard(state: &AppState) -> Result<Snapshot> {
    let now = crate::db::now_rfc3339();
    let today = &now[..10];
    let (courses_today, slides_today, running, failed_today) = db::day_figures(&state.pool, today).await?;
    let rows = db::activity_90_days(&state.pool, today).await?;
    let end = time::Date::parse(today, &time::format_description::well_known::Iso8601::DATE)
        .map_err(anyhow::Error::from)?;
    let days = (0..90)
        .rev()
        .map(|back| {
            let d = end - time::Duration::days(back);
            let key = format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day());
            let (c, s) = rows.iter().find(|r| r.0 == key).map_or((0, 0), |r| (r.1, r.2));
            (key, c, s)
        })
        .collect();
    Ok(Snapshot {
        courses_today,
        slides_today,
        running,
        failed_today,
        days,
    })
}

/// A signed link to `id`'s deck from now, valid for `PRESIGNED_URL_TTL`
/// (for a caller that knows the job is complete).
pub fn sign_link(state: &AppState, id: &JobId) -> String {
    let now = time::OffsetDateTime::now_utc().unix_timestamp().max(0) as u64;
    state
        .link_key
        .sign(id.as_str(), now, state.config.presigned_url_ttl)
}

/// A signed link to download a complete job's deck, valid for `PRESIGNED_URL_TTL`.
pub async fn download_link(state: &AppState, id: &JobId) -> Result<String> {
    match access(state, id).await?.status {
        JobStatus::Complete => Ok(sign_link(state, id)),
        _ => Err(ApiError::Conflict("The deck is not ready yet.".into()).into()),
    }
}

/// What a download link leads to.
pub enum LinkedDeck {
    /// The signature is wrong or the link has expired.
    BadLink,
    /// No such job, or it is not complete.
    Missing,
    Ready(db::Deck),
}

/// The deck behind a signed link.
pub async fn deck_for_link(state: &AppState, id: &JobId, exp: u64, sig: &str) -> Result<LinkedDeck> {
    let now = time::OffsetDateTime::now_utc().unix_timestamp().max(0) as u64;
    if !state.link_key.verify(id.as_str(), exp, sig, now) {
        return Ok(LinkedDeck::BadLink);
    }
    Ok(match db::complete_deck(&state.pool, id).await? {
        Some(deck) => LinkedDeck::Ready(deck),
        None => LinkedDeck::Missing,
    })
}

// ---- Transitions the workers make -------------------------------------

/// The course title of a completed job (names its downloads), if it is one.
pub async fn course_title(state: &AppState, id: &JobId) -> Option<String> {
    db::complete_deck(&state.pool, id)
        .await
        .ok()
        .flatten()
        .map(|d| d.course_title)
}

/// Records a running job's progress and pushes it to followers.
pub async fn progress(state: &AppState, id: &JobId, level: &str, pct: u8, message: &str) -> Result<()> {
    let event = db::progress(&state.pool, id, level, pct, message).await?;
    publish(state, id, JobStatus::Running, event);
    Ok(())
}

/// Marks a job complete (see `db::jobs::complete`) and wakes the uploader.
pub async fn complete(state: &AppState, id: &JobId, done: &Completed<'_>) -> Result<()> {
    let event = db::complete(&state.pool, id, done).await?;
    tracing::info!(slides = done.slides, secs = done.seconds, "job complete");
    publish(state, id, JobStatus::Complete, event);
    state.jobs.uploads.notify_one();
    crate::webhooks::job_ended(state, id, JobStatus::Complete).await;
    Ok(())
}

/// Ends a job as failed or cancelled.
pub async fn end(
    state: &AppState,
    id: &JobId,
    status: JobStatus,
    log: &str,
    error: Option<&str>,
) -> Result<()> {
    let event = db::end(&state.pool, id, status, log, error).await?;
    tracing::info!(status = status.as_str(), error, "job ended");
    publish(state, id, status, event);
    crate::webhooks::job_ended(state, id, status).await;
    Ok(())
}

fn publish(state: &AppState, id: &JobId, status: JobStatus, event: types::jobs::JobEvent) {
    state.jobs.hub.publish(
        id.as_str(),
        JobUpdate {
            status,
            progress: event.progress,
            event: Some(event),
        },
    );
}
