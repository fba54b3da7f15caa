//! Catalogue batches: up to [`MAX_BATCH_COURSES`] course specs started by
//! one request. Every spec is checked before anything is queued (an error
//! names the course: `courses[3].days`); then the batch and its courses are
//! queued in one transaction. The courses are ordinary jobs in the one
//! queue, where the claim shares workers fairly between users; they count
//! against the owner's open-batch allowance instead of the single-course
//! one. A dry run answers what the batch would take — slides, model calls,
//! tokens, cost — before anything is queued.

use std::collections::HashMap;

use types::account::CurrentUser;
use types::batches::{BatchEstimate, BatchRequest, BatchSummary, MAX_BATCH_COURSES, MAX_BATCH_NAME};
use types::validate::JobId;
use types::ApiError;

use crate::db::jobs::batches as db;
use crate::db::jobs::NewJob;
use crate::{AppState, Result};

/// Batches one user may have with courses still queued or running.
pub const MAX_OPEN_BATCHES: i64 = 3;

/// Checks every course of `req`; the jobs to queue and the batch's name.
fn prepare(state: &AppState, user: &CurrentUser, req: &BatchRequest) -> Result<(String, Vec<NewJob>)> {
    let n = req.courses.len();
    if n == 0 || n > MAX_BATCH_COURSES {
        return Err(ApiError::invalid(
            "courses",
            format!("A batch holds 1 to {MAX_BATCH_COURSES} courses; this one has {n}."),
        )
        .into());
    }
    let name = match req.name.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(name) if name.chars().count() > MAX_BATCH_NAME || name.chars().any(char::is_control) => {
            return Err(ApiError::invalid(
                "name",
                format!("A batch name is up to {MAX_BATCH_NAME} characters on one line."),
            )
            .into())
        }
        Some(name) => name.to_owned(),
        None => format!("Batch of {n} courses"),
    };
    let mut jobs = Vec::with_capacity(n);
    for (i, spec) in req.courses.iter().enumerate() {
        let in_course = |e: crate::Error| -> crate::Error {
            match ApiError::from(e) {
                ApiError::Invalid { field, message } => {
                    let field = if field.is_empty() {
                        format!("courses[{i}]")
                    } else {
                        format!("courses[{i}].{field}")
                    };
                    ApiError::Invalid {
                        field,
                        message: format!("Course {} (\"{}\"): {message}", i + 1, short(&spec.title)),
                    }
                    .into()
                }
                other => other.into(),
            }
        };
        super::check_schema(spec).map_err(in_course)?;
        let start = super::StartRequest::from_spec(spec.clone());
        jobs.push(super::prepare(state, user, &start).map_err(in_course)?);
    }
    Ok((name, jobs))
}

fn short(title: &str) -> String {
    title.chars().take(60).collect()
}

/// Queues a batch; its summary as it now stands.
pub async fn start(state: &AppState, user: &CurrentUser, req: &BatchRequest) -> Result<BatchSummary> {
    let (name, jobs) = prepare(state, user, req)?;
    let id = match db::enqueue(&state.pool, user.id, &name, &jobs, MAX_OPEN_BATCHES).await? {
        db::Queued::Batch(id, _) => id,
        db::Queued::TooManyOpen => {
            return Err(ApiError::Conflict(format!(
                "You already have {MAX_OPEN_BATCHES} batches with courses still to make; \
                 start this one when one of them has finished, or cancel one."
            ))
            .into())
        }
    };
    // Every idle worker, not only one.
    state.jobs.wake.notify_waiters();
    state.jobs.wake.notify_one();
    tracing::info!(batch = %id, user_id = user.id, courses = jobs.len(), "batch queued");
    get(state, &id).await
}

/// A batch, its counts and its courses (everyone signed in sees every
/// batch, as they see every course).
pub async fn get(state: &AppState, id: &JobId) -> Result<BatchSummary> {
    let batch = db::get(&state.pool, id).await?.ok_or(ApiError::NotFound)?;
    let (courses, counts) = db::courses(&state.pool, id).await?;
    Ok(BatchSummary {
        id: batch.id,
        name: batch.name,
        owner_email: batch.owner_email,
        created_at: batch.created_at,
        cancelled_at: batch.cancelled_at,
        finished: counts.open() == 0,
        total: courses.len() as i64,
        counts,
        courses,
    })
}

/// Cancels every course of the batch still queued or running (owner or
/// administrator); the summary afterwards.
pub async fn cancel(state: &AppState, user: &CurrentUser, id: &JobId) -> Result<BatchSummary> {
    let batch = db::get(&state.pool, id).await?.ok_or(ApiError::NotFound)?;
    if batch.user_id != user.id && !user.is_admin {
        return Err(ApiError::Forbidden.into());
    }
    let open = db::cancel(&state.pool, id).await?;
    for job in open.iter().filter_map(|j| JobId::parse(j)) {
        match super::cancel(state, user, &job).await {
            // Ended on its own in the meantime.
            Err(crate::Error::Api(ApiError::Conflict(_))) | Ok(()) => {}
            Err(e) => return Err(e),
        }
    }
    tracing::info!(batch = %id, cancelled = open.len(), "batch cancelled");
    get(state, id).await
}

/// What the batch would take, answered before anything is queued: its
/// courses planned now (slides), and with the AI writer the model calls
/// (one per module and a review), tokens (the mean of this model's calls
/// so far, else a reckoning from the outline's size) and cost from the
/// price table.
pub async fn estimate(state: &AppState, user: &CurrentUser, req: &BatchRequest) -> Result<BatchEstimate> {
    let (_, jobs) = prepare(state, user, req)?;
    let slides = plan_slides(state, &jobs).await?;
    let Some(llm) = &state.llm else {
        return Ok(BatchEstimate {
            courses: jobs.len() as i64,
            slides,
            writer: "offline".into(),
            model_calls: 0,
            input_tokens: 0,
            output_tokens: 0,
            cost_usd: Some(0.0),
            basis: "The offline writer makes no model calls.".into(),
        });
    };
    let review = i64::from(llm.review);
    let calls: i64 = jobs.iter().map(|j| j.outline.modules.len() as i64 + review).sum();
    let (seen, mean_in, mean_out) = crate::db::usage::call_means(&state.pool, &llm.model).await?;
    let (input, output, basis) = if seen >= 20 {
        (
            (mean_in * calls as f64).round() as i64,
            (mean_out * calls as f64).round() as i64,
            format!(
                "The mean of this server's {seen} calls to {} so far, per call; a module the model \
                 must repair takes up to two calls more.",
                llm.model
            ),
        )
    } else {
        // About four characters a token: the course's context and each
        // module's outline in, at most the output allowance out.
        let input: i64 = jobs
            .iter()
            .map(|j| {
                let outline = serde_json::to_string(&j.outline).map(|s| s.len()).unwrap_or(0) as i64;
                PROMPT_TOKENS * (j.outline.modules.len() as i64 + review) + outline / 2
            })
            .sum();
        let output = calls * i64::from(llm.max_output_tokens);
        (
            input,
            output,
            format!(
                "Fewer than 20 calls to {} recorded here: input reckoned from the outlines' size, \
                 output at the {}-token allowance per call (an upper bound).",
                llm.model, llm.max_output_tokens
            ),
        )
    };
    let usage = crate::llm::Usage {
        input: input.max(0) as u64,
        output: output.max(0) as u64,
        cache_write: 0,
        cache_read: 0,
    };
    Ok(BatchEstimate {
        courses: jobs.len() as i64,
        slides,
        writer: format!("ai ({} · {})", llm.provider, llm.model),
        model_calls: calls,
        input_tokens: input,
        output_tokens: output,
        cost_usd: llm.prices.cost(&llm.model, &usage),
        basis,
    })
}

/// Tokens of the writer's instructions in each call (measured on the
/// prompts of `llm::writer`, rounded up).
const PROMPT_TOKENS: i64 = 1_500;

/// The slides the courses would have, planned as the worker plans them
/// (each template opened once, behind the template gate).
async fn plan_slides(state: &AppState, jobs: &[NewJob]) -> Result<i64> {
    let _place = crate::gate::TEMPLATE.enter().await?;
    let config = state.config.clone();
    let jobs = jobs.to_vec();
    let total = tokio::task::spawn_blocking(move || -> Result<i64> {
        let banks = config.banks.load();
        let mut templates: HashMap<String, deck::Template> = HashMap::new();
        let mut total = 0i64;
        for job in &jobs {
            if !templates.contains_key(&job.template_path) {
                let template =
                    deck::Template::open(std::path::Path::new(&job.template_path)).map_err(|e| {
                        ApiError::invalid("template", format!("The template could not be read: {e}"))
                    })?;
                templates.insert(job.template_path.clone(), template);
            }
            let template = &templates[&job.template_path];
            let schedule = job
                .timetable
                .as_deref()
                .and_then(types::spec::Timetable::from_stored)
                .map(|t| crate::config::DayPlan::from_timetable(&t))
                .and_then(|d| d.schedule().ok())
                .or_else(|| config.day.schedule().ok())
                .unwrap_or_default();
            let mut outline = job.outline.clone();
            outline.title = job.course_title.clone();
            let mut options = course::pipeline::options(template, job.duration_days, &job.language, schedule);
            options.min_title_pt = Some(config.min_title_pt);
            total += course::plan::plan_course(&outline, &options, &banks).slides.len() as i64;
        }
        Ok(total)
    })
    .await
    .map_err(|e| anyhow::anyhow!("planning the batch stopped: {e}"))??;
    Ok(total)
}
