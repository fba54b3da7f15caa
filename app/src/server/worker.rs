//! The job workers: `WORKER_CONCURRENCY` tasks that claim queued jobs and
//! run the generation pipeline (plan → build → QA → store), recording
//! progress as they go. A job over `JOB_TIME_LIMIT` fails; a cancelled job
//! stops at the next stage; at shutdown workers stop claiming, running jobs
//! get a grace period and are re-queued if they do not finish.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use sqlx::SqlitePool;
use tokio::sync::{watch, Notify};
use tokio::task::JoinHandle;

use super::db::now_rfc3339;
use super::jobs::{self, JobHub};
use super::llm::writer::{self, ModuleError, Review};
use super::llm::{Llm, Meter};
use super::AppState;
use crate::course::banks::Banks;
use crate::course::content::ModuleText;
use crate::course::plan::{candidates, offline_texts, plan_with, CourseOptions};
use crate::course::Outline;
use crate::jobs::{JobStatus, JobUpdate};

/// Shared job machinery in [`AppState`].
pub struct JobRuntime {
    pub hub: JobHub,
    /// Woken when a job is enqueued, so an idle worker starts at once.
    pub wake: Notify,
    /// Woken when a deck is complete, so the uploader moves it to object storage.
    pub uploads: Notify,
    pub time_limit: Duration,
    /// Pause between pipeline stages (default 0; for demos and tests).
    pub stage_pause: Duration,
    /// Jobs running in this process, for re-queueing at shutdown.
    running: Mutex<HashMap<String, ()>>,
}

impl JobRuntime {
    pub fn new(time_limit: Duration, stage_pause: Duration) -> Self {
        Self {
            hub: JobHub::default(),
            wake: Notify::new(),
            uploads: Notify::new(),
            time_limit,
            stage_pause,
            running: Mutex::default(),
        }
    }

    fn running(&self) -> std::sync::MutexGuard<'_, HashMap<String, ()>> {
        self.running.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Running workers; [`Workers::shutdown`] stops them.
pub struct Workers {
    stop: watch::Sender<bool>,
    handles: Vec<JoinHandle<()>>,
    state: AppState,
}

/// Starts `n` workers.
pub fn start(state: &AppState, n: usize) -> Workers {
    let (stop, rx) = watch::channel(false);
    let handles = (0..n.max(1))
        .map(|i| {
            tokio::spawn(worker(
                state.clone(),
                format!("w{i}-{}", std::process::id()),
                rx.clone(),
            ))
        })
        .collect();
    Workers {
        stop,
        handles,
        state: state.clone(),
    }
}

impl Workers {
    /// Stops claiming, waits up to `grace` for running jobs, re-queues the rest.
    pub async fn shutdown(self, grace: Duration) {
        let _ = self.stop.send(true);
        let deadline = tokio::time::Instant::now() + grace;
        for h in self.handles {
            let abort = h.abort_handle();
            if tokio::time::timeout_at(deadline, h).await.is_err() {
                abort.abort();
            }
        }
        let left: Vec<String> = self.state.jobs.running().keys().cloned().collect();
        for id in left {
            match jobs::requeue(&self.state.pool, &id).await {
                Ok(()) => tracing::info!(job = %id, "re-queued at shutdown"),
                Err(e) => tracing::error!(job = %id, error = %e, "could not re-queue at shutdown"),
            }
        }
    }
}

async fn worker(state: AppState, name: String, mut stop: watch::Receiver<bool>) {
    loop {
        if *stop.borrow() {
            return;
        }
        match jobs::claim(&state.pool, &name).await {
            Ok(Some(id)) => {
                state.jobs.running().insert(id.clone(), ());
                let span = tracing::info_span!("job", id = %id, worker = %name);
                let _ = tracing::Instrument::instrument(run(&state, &id), span).await;
                state.jobs.running().remove(&id);
            }
            Ok(None) => {
                tokio::select! {
                    _ = state.jobs.wake.notified() => {}
                    _ = tokio::time::sleep(Duration::from_secs(2)) => {}
                    _ = stop.changed() => {}
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "claiming a job failed");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    }
}

/// Why a job did not complete.
enum Stop {
    Cancelled,
    Failed(String),
}

impl From<sqlx::Error> for Stop {
    fn from(e: sqlx::Error) -> Self {
        tracing::error!(error = %e, "database error in job");
        Stop::Failed("A database error interrupted the job.".into())
    }
}

struct Done {
    slides: usize,
    score: u8,
    verdict: String,
    report: String,
    location: String,
}

async fn run(state: &AppState, id: &str) {
    let started = Instant::now();
    let limit = state.jobs.time_limit;
    // Cancelling drops the pipeline wherever it is, in-flight model calls included.
    let work = async {
        tokio::select! {
            r = execute(state, id) => r,
            stop = cancelled(&state.pool, id) => Err(stop),
        }
    };
    let outcome = match tokio::time::timeout(limit, work).await {
        Ok(r) => r,
        Err(_) => Err(Stop::Failed(format!(
            "The job took longer than the time limit of {} s and was stopped.",
            limit.as_secs()
        ))),
    };
    let secs = started.elapsed().as_secs_f64();
    let result = match outcome {
        Ok(done) => {
            let r = complete(state, id, &done, secs).await;
            state.jobs.uploads.notify_one();
            r
        }
        Err(Stop::Cancelled) => finish(state, id, JobStatus::Cancelled, "Cancelled", None).await,
        Err(Stop::Failed(msg)) => finish(state, id, JobStatus::Failed, "Failed", Some(&msg)).await,
    };
    if let Err(e) = result {
        tracing::error!(error = %e, "could not record the job's outcome");
    }
}

#[derive(sqlx::FromRow)]
struct JobInput {
    course_title: String,
    template_path: String,
    duration_days: i64,
    language: String,
    outline_json: String,
}

async fn check_cancel(pool: &SqlitePool, id: &str) -> Result<(), Stop> {
    let flag: i64 = sqlx::query_scalar("SELECT cancel_requested FROM jobs WHERE id = ?")
        .bind(id)
        .fetch_one(pool)
        .await?;
    if flag != 0 {
        Err(Stop::Cancelled)
    } else {
        Ok(())
    }
}

/// Resolves once the job's cancellation is requested (polled every 250 ms).
async fn cancelled(pool: &SqlitePool, id: &str) -> Stop {
    loop {
        tokio::time::sleep(Duration::from_millis(250)).await;
        if let Err(stop) = check_cancel(pool, id).await {
            return stop;
        }
    }
}

/// Logs a line of a running job (and pushes it to followers).
async fn note(state: &AppState, id: &str, level: &str, pct: u8, msg: &str) -> Result<(), Stop> {
    jobs::record(
        &state.pool,
        &state.jobs.hub,
        id,
        JobStatus::Running,
        level,
        pct,
        msg,
    )
    .await?;
    Ok(())
}

async fn stage(state: &AppState, id: &str, pct: u8, msg: &str) -> Result<(), Stop> {
    check_cancel(&state.pool, id).await?;
    note(state, id, "info", pct, msg).await?;
    if !state.jobs.stage_pause.is_zero() {
        tokio::time::sleep(state.jobs.stage_pause).await;
    }
    check_cancel(&state.pool, id).await
}

async fn execute(state: &AppState, id: &str) -> Result<Done, Stop> {
    let input: JobInput = sqlx::query_as(
        "SELECT course_title, template_path, duration_days, language, outline_json FROM jobs WHERE id = ?",
    )
    .bind(id)
    .fetch_one(&state.pool)
    .await?;
    stage(state, id, 5, "Reading the outline").await?;
    let mut outline: Outline = serde_json::from_str(&input.outline_json)
        .map_err(|e| Stop::Failed(format!("The stored outline is unreadable: {e}")))?;
    outline.title = input.course_title.clone();
    let days = u8::try_from(input.duration_days).unwrap_or(1);
    // Open the template first: whether it has a picture layout shapes the plan.
    let template_path = PathBuf::from(&input.template_path);
    let template = tokio::task::spawn_blocking(move || deck::Template::open(&template_path))
        .await
        .map_err(|e| Stop::Failed(format!("Reading the template stopped unexpectedly: {e}")))?
        .map_err(|e| Stop::Failed(format!("The template could not be read: {e}")))?;
    let banks = state.config.banks.load();
    let options = CourseOptions {
        days,
        lang: input.language.clone(),
        picture_layout: template.layout_of(deck::LayoutKind::PictureCaption).is_some(),
    };
    let (texts, ai) = match &state.llm {
        None => (offline_texts(&outline, &options.lang), None),
        Some(llm) => {
            let meter = Meter::for_job(&state.pool, id, llm.budget).await?;
            let context = writer::course_context(&outline, days, &options.lang);
            let (texts, fallbacks) =
                ai_texts(state, id, llm, &meter, &context, &outline, &options, &banks).await?;
            (texts, Some((llm.clone(), meter, context, fallbacks)))
        }
    };
    let plan = plan_with(&outline, &options, &banks, &texts);
    let from_banks = plan
        .slides
        .iter()
        .filter(|s| {
            matches!(
                s.content,
                deck::SlideContent::Clone { .. } | deck::SlideContent::Picture { .. }
            )
        })
        .count();
    let writer_name = match &ai {
        None => "offline writer".to_string(),
        Some((llm, ..)) => format!("AI writer, {}", llm.model),
    };
    stage(
        state,
        id,
        72,
        &format!(
            "Planned {} slides, {from_banks} from the banks ({writer_name})",
            plan.slides.len()
        ),
    )
    .await?;
    let digest = digest(&plan);

    stage(state, id, 74, "Building the deck").await?;
    let bytes = tokio::task::spawn_blocking(move || -> Result<Vec<u8>, String> {
        deck::build(
            &template,
            &plan,
            &deck::build::DirResolver::new(PathBuf::new()),
            &deck::BuildOptions::default(),
        )
        .map_err(|e| format!("The deck could not be built: {e}"))
    })
    .await
    .map_err(|e| Stop::Failed(format!("The build stopped unexpectedly: {e}")))?
    .map_err(Stop::Failed)?;

    stage(state, id, 80, "Checking quality").await?;
    let lint_bytes = bytes.clone();
    let report = tokio::task::spawn_blocking(move || deck::lint::lint(&lint_bytes))
        .await
        .map_err(|e| Stop::Failed(format!("The QA check stopped unexpectedly: {e}")))?
        .map_err(|e| Stop::Failed(format!("The QA check failed: {e}")))?;
    let lint_verdict = format!("{:?}", report.verdict).to_lowercase();
    let mut review: Option<Review> = None;
    let mut fallbacks: Vec<usize> = Vec::new();
    if let Some((llm, meter, context, fb)) = &ai {
        fallbacks = fb.clone();
        if llm.review {
            stage(state, id, 85, "AI review of content and coherence").await?;
            match writer::review(llm, meter, context, &digest).await {
                Ok(r) => review = Some(r),
                Err(e @ super::llm::LlmError::Budget { .. }) => return Err(Stop::Failed(e.to_string())),
                Err(e) => {
                    note(
                        state,
                        id,
                        "warning",
                        88,
                        &format!(
                            "The AI review was not available ({e}); the QA score is the lint score alone"
                        ),
                    )
                    .await?;
                }
            }
        }
    }
    let (score, verdict) = writer::combine(report.score, &lint_verdict, review.as_ref(), fallbacks.len());
    let mut report_json = serde_json::to_value(&report).unwrap_or_default();
    if let Some(obj) = report_json.as_object_mut() {
        obj.insert("lint_score".into(), report.score.into());
        obj.insert("lint_verdict".into(), lint_verdict.clone().into());
        obj.insert("score".into(), score.into());
        obj.insert("verdict".into(), verdict.clone().into());
        obj.insert(
            "writer".into(),
            if ai.is_some() { "ai" } else { "offline" }.into(),
        );
        obj.insert("review".into(), serde_json::to_value(&review).unwrap_or_default());
        obj.insert(
            "fallback_modules".into(),
            fallbacks.iter().map(|m| m + 1).collect::<Vec<_>>().into(),
        );
    }
    stage(
        state,
        id,
        90,
        &format!("QA score {score}/100 ({verdict}); saving"),
    )
    .await?;

    let location = state
        .storage
        .put(&format!("{id}.pptx"), bytes)
        .await
        .map_err(|e| Stop::Failed(format!("Could not save the deck: {e}")))?;
    Ok(Done {
        slides: report.slides,
        score,
        verdict,
        report: report_json.to_string(),
        location,
    })
}

/// The course as plain text, slide by slide, for the AI review.
fn digest(plan: &deck::DeckPlan) -> String {
    use deck::SlideContent as C;
    let mut out = String::new();
    for (i, s) in plan.slides.iter().enumerate() {
        let line = match &s.content {
            C::Title { title, subtitle } | C::Section { title, subtitle } => format!("{title} — {subtitle}"),
            C::Agenda { title, items }
            | C::Bullets {
                title,
                bullets: items,
            } => format!(
                "{title}\n{}",
                items
                    .iter()
                    .map(|b| format!("  - {}", b.text()))
                    .collect::<Vec<_>>()
                    .join("\n")
            ),
            C::Picture { title, .. } => format!("{title} (illustration)"),
            C::Clone { replace, .. } => format!(
                "(infographic from the bank{})",
                replace
                    .get("{{topic}}")
                    .map(|t| format!(" for {t}"))
                    .unwrap_or_default()
            ),
            _ => String::new(),
        };
        out.push_str(&format!("[{}] {line}\n", i + 1));
        if !s.notes.is_empty() {
            out.push_str(&format!("  notes: {}\n", s.notes));
        }
    }
    out
}

/// Hash of what a module's text depends on: stored text is reused only for
/// the same module in the same language.
fn module_hash(module: &crate::course::Module, lang: &str) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(lang.as_bytes());
    h.update([0]);
    h.update(serde_json::to_vec(module).unwrap_or_default());
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Every module's text from the AI writer: stored text from an earlier run
/// is reused, the rest is written in parallel (bounded by the client's
/// concurrency limit). A module the model cannot write falls back to the
/// offline writer with a warning; its index is returned.
#[allow(clippy::too_many_arguments)]
async fn ai_texts(
    state: &AppState,
    id: &str,
    llm: &Llm,
    meter: &Meter,
    context: &str,
    outline: &Outline,
    options: &CourseOptions,
    banks: &Banks,
) -> Result<(Vec<ModuleText>, Vec<usize>), Stop> {
    use futures_util::stream::{FuturesUnordered, StreamExt};
    let n = outline.modules.len();
    let hashes: Vec<String> = outline
        .modules
        .iter()
        .map(|m| module_hash(m, &options.lang))
        .collect();
    let mut texts: Vec<Option<ModuleText>> = vec![None; n];
    let stored: Vec<(i64, String, String)> =
        sqlx::query_as("SELECT module, input_hash, text_json FROM job_module_texts WHERE job_id = ?")
            .bind(id)
            .fetch_all(&state.pool)
            .await?;
    for (module, hash, json) in stored {
        let Ok(i) = usize::try_from(module) else { continue };
        if i < n && hashes[i] == hash {
            texts[i] = serde_json::from_str(&json).ok();
        }
    }
    let resumed = texts.iter().filter(|t| t.is_some()).count();
    let todo = n - resumed;
    let msg = if resumed > 0 {
        format!(
            "Writing {todo} modules with {} ({resumed} kept from the previous run)",
            llm.model
        )
    } else {
        format!("Writing {todo} modules with {}", llm.model)
    };
    stage(state, id, 22, &msg).await?;

    let offline = offline_texts(outline, &options.lang);
    let mut pending = FuturesUnordered::new();
    for (i, m) in outline.modules.iter().enumerate() {
        if texts[i].is_some() {
            continue;
        }
        let cands = candidates(m, banks);
        pending.push(async move {
            let r = writer::write_module(llm, meter, context, i, n, m, &cands).await;
            (i, r)
        });
    }
    let mut fallbacks = Vec::new();
    let mut fatal: Option<super::llm::LlmError> = None;
    let mut done = 0usize;
    while let Some((i, result)) = pending.next().await {
        done += 1;
        let pct = u8::try_from(22 + 48 * done / todo.max(1)).unwrap_or(70);
        match result {
            Ok((text, calls)) => {
                sqlx::query(
                    "INSERT INTO job_module_texts (job_id, module, input_hash, text_json, written_at) VALUES (?, ?, ?, ?, ?)
                     ON CONFLICT (job_id, module) DO UPDATE SET input_hash = excluded.input_hash,
                         text_json = excluded.text_json, written_at = excluded.written_at",
                )
                .bind(id)
                .bind(i64::try_from(i).unwrap_or(0))
                .bind(&hashes[i])
                .bind(serde_json::to_string(&text).unwrap_or_default())
                .bind(now_rfc3339())
                .execute(&state.pool)
                .await?;
                let how = if calls == 1 {
                    String::new()
                } else {
                    format!(" after {} repairs", calls - 1)
                };
                note(
                    state,
                    id,
                    "info",
                    pct,
                    &format!("Module {} written by the AI writer{how} ({done}/{todo})", i + 1),
                )
                .await?;
                texts[i] = Some(text);
                if let Err(e) = meter.check() {
                    fatal.get_or_insert(e);
                }
            }
            Err(ModuleError::GiveUp(reason)) => {
                tracing::warn!(module = i + 1, %reason, "module falls back to the offline writer");
                note(
                    state,
                    id,
                    "warning",
                    pct,
                    &format!(
                        "Module {}: the AI writer gave up ({reason}); the offline writer wrote it",
                        i + 1
                    ),
                )
                .await?;
                texts[i] = Some(offline[i].clone());
                fallbacks.push(i);
            }
            // Modules already answered still land (they are paid for); the
            // rest stop at their budget check.
            Err(ModuleError::Fatal(e)) => {
                fatal.get_or_insert(e);
            }
        }
    }
    if let Some(e) = fatal {
        return Err(Stop::Failed(format!("The AI writer stopped: {e}.")));
    }
    fallbacks.sort_unstable();
    let texts = texts
        .into_iter()
        .enumerate()
        .map(|(i, t)| t.unwrap_or_else(|| offline[i].clone()))
        .collect();
    Ok((texts, fallbacks))
}

/// Marks a job complete, drops its queue entry and counts it in today's
/// activity — one transaction.
async fn complete(state: &AppState, id: &str, done: &Done, secs: f64) -> Result<(), sqlx::Error> {
    let now = now_rfc3339();
    let today = &now[..10];
    let slides = i64::try_from(done.slides).unwrap_or(i64::MAX);
    let mut tx = state.pool.begin().await?;
    sqlx::query(
        "UPDATE jobs SET status = 'complete', progress = 100, log_message = 'Complete', slide_count = ?, qa_score = ?,
             qa_verdict = ?, qa_report = ?, duration_sec = ?, output_local = ?, completed_at = ?, error = NULL
         WHERE id = ?",
    )
    .bind(slides)
    .bind(i64::from(done.score))
    .bind(&done.verdict)
    .bind(&done.report)
    .bind(secs)
    .bind(&done.location)
    .bind(&now)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM job_queue WHERE job_id = ?")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO daily_activity (date, courses, slides) VALUES (?, 1, ?)
         ON CONFLICT (date) DO UPDATE SET courses = courses + 1, slides = slides + excluded.slides",
    )
    .bind(today)
    .bind(slides)
    .execute(&mut *tx)
    .await?;
    let message = format!("Complete: {} slides in {secs:.1} s", done.slides);
    jobs::log_event(&mut tx, id, &now, "info", 100, &message).await?;
    tx.commit().await?;
    tracing::info!(slides = done.slides, secs, "job complete");
    state.jobs.hub.publish(
        id,
        JobUpdate {
            status: JobStatus::Complete,
            progress: 100,
            event: Some(crate::jobs::JobEvent {
                at: now,
                level: "info".into(),
                progress: 100,
                message,
            }),
        },
    );
    Ok(())
}

/// Ends a job as failed or cancelled.
pub async fn finish(
    state: &AppState,
    id: &str,
    status: JobStatus,
    log: &str,
    error: Option<&str>,
) -> Result<(), sqlx::Error> {
    let now = now_rfc3339();
    let progress: i64 = sqlx::query_scalar("SELECT progress FROM jobs WHERE id = ?")
        .bind(id)
        .fetch_one(&state.pool)
        .await?;
    let mut tx = state.pool.begin().await?;
    sqlx::query("UPDATE jobs SET status = ?, log_message = ?, error = ?, completed_at = ? WHERE id = ?")
        .bind(status.as_str())
        .bind(log)
        .bind(error)
        .bind(&now)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM job_queue WHERE job_id = ?")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    let message = error.unwrap_or(log);
    let level = if status == JobStatus::Failed {
        "error"
    } else {
        "warning"
    };
    jobs::log_event(&mut tx, id, &now, level, progress, message).await?;
    tx.commit().await?;
    tracing::info!(status = status.as_str(), error, "job ended");
    state.jobs.hub.publish(
        id,
        JobUpdate {
            status,
            progress,
            event: Some(crate::jobs::JobEvent {
                at: now,
                level: level.into(),
                progress,
                message: message.into(),
            }),
        },
    );
    Ok(())
}
