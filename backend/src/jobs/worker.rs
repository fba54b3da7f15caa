//! The job workers: `WORKER_CONCURRENCY` tasks that claim queued jobs and
//! run the generation pipeline (plan → build → QA → store), recording
//! progress as they go. A job over `JOB_TIME_LIMIT` fails; a cancelled job
//! stops at the next stage; at shutdown workers stop claiming, running jobs
//! get a grace period and are re-queued if they do not finish.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::db::Pool;
use course::banks::Banks;
use course::content::ModuleText;
use course::pipeline::{self, Failure, Step};
use course::plan::{candidates, offline_texts, CourseOptions};
use tokio::sync::watch;
use tokio::task::JoinHandle;
use types::jobs::{JobStatus, QaReport};
use types::outline::Outline;

use crate::db::jobs::{self as db, Completed};
use crate::llm::writer::{self, ModuleError, Review};
use crate::llm::{Llm, Meter};
use crate::AppState;

/// Running workers; [`Workers::shutdown`] stops them.
pub struct Workers {
    stop: watch::Sender<bool>,
    handles: Vec<JoinHandle<()>>,
    state: AppState,
}

/// Starts `n` workers.
pub fn start(state: &AppState, n: usize) -> Workers {
    let (stop, rx) = watch::channel(false);
    let mut handles: Vec<JoinHandle<()>> = (0..n.max(1))
        .map(|i| {
            tokio::spawn(worker(
                state.clone(),
                format!("w{i}-{}", state.jobs.instance),
                rx.clone(),
            ))
        })
        .collect();
    handles.push(tokio::spawn(heartbeat(state.clone(), rx.clone())));
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
            match db::requeue(&self.state.pool, &id).await {
                Ok(()) => tracing::info!(job = %id, "re-queued at shutdown"),
                Err(e) => tracing::error!(job = %id, error = %e, "could not re-queue at shutdown"),
            }
        }
    }
}

/// Every third of a lease: renews the leases of this process's jobs, then
/// re-queues jobs whose lease lapsed (a worker, process or replica that
/// stopped without finishing them), waking this process's idle workers.
async fn heartbeat(state: AppState, mut stop: watch::Receiver<bool>) {
    let every = state.jobs.lease / 3;
    loop {
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = stop.changed() => return,
        }
        if let Err(e) = db::renew(&state.pool, &state.jobs.instance, &state.jobs.lease_until()).await {
            tracing::warn!(error = %e, "renewing job leases failed");
        }
        match db::reclaim_expired(&state.pool, &crate::db::now_rfc3339()).await {
            Ok((0, 0)) => {}
            Ok((requeued, failed)) => {
                tracing::warn!(requeued, failed, "re-queued jobs whose worker stopped answering");
                state.jobs.wake.notify_waiters();
            }
            Err(e) => tracing::warn!(error = %e, "re-queueing lapsed jobs failed"),
        }
    }
}

async fn worker(state: AppState, name: String, mut stop: watch::Receiver<bool>) {
    loop {
        if *stop.borrow() {
            return;
        }
        match db::claim(&state.pool, &name, &state.jobs.lease_until()).await {
            Ok(Some(id)) => {
                state.jobs.running().insert(id.clone(), ());
                let span = tracing::info_span!("job", job_id = %id, worker = %name);
                // Its own task: a panic anywhere in a job fails that job, and
                // this worker goes on to the next one.
                let job = {
                    let (state, id, name) = (state.clone(), id.clone(), name.clone());
                    tokio::spawn(tracing::Instrument::instrument(
                        async move { run(&state, &id, &name).await },
                        span,
                    ))
                };
                // When `shutdown` aborts this worker after the grace period,
                // the job's task goes with it (and is re-queued there).
                let _abort_with_worker = AbortOnDrop(job.abort_handle());
                let outcome = job.await;
                if let Err(e) = outcome {
                    if e.is_panic() {
                        tracing::error!(job = %id, "job panicked; failing it and carrying on");
                        let msg = "The job stopped on an internal error. It can be retried; \
                                   if it fails again, tell your administrator.";
                        if let Err(e) = super::end(&state, &id, JobStatus::Failed, "Failed", Some(msg)).await
                        {
                            tracing::error!(job = %id, error = %e, "could not record the failure");
                        }
                    }
                }
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

/// Aborts a task when dropped.
struct AbortOnDrop(tokio::task::AbortHandle);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
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

impl From<crate::Error> for Stop {
    fn from(e: crate::Error) -> Self {
        tracing::error!(error = %e, "error in job");
        Stop::Failed("A database error interrupted the job.".into())
    }
}

struct Done {
    slides: usize,
    score: u8,
    verdict: String,
    report: String,
    location: String,
    /// Set when the worker already stored the deck in object storage.
    s3_key: Option<String>,
}

async fn run(state: &AppState, id: &str, worker: &str) {
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
            let completed = Completed {
                worker,
                slides: done.slides,
                score: done.score,
                verdict: &done.verdict,
                report: &done.report,
                location: &done.location,
                s3_key: done.s3_key.as_deref(),
                seconds: secs,
            };
            let result = super::complete(state, id, &completed).await;
            if done.s3_key.is_some() {
                forget_local_copy(state, id, &done, &result).await;
            }
            if result.is_ok() {
                crate::previews::prepare(state, id);
            }
            result
        }
        Err(Stop::Cancelled) => super::end(state, id, JobStatus::Cancelled, "Cancelled", None).await,
        Err(Stop::Failed(msg)) => super::end(state, id, JobStatus::Failed, "Failed", Some(&msg)).await,
    };
    if let Err(crate::Error::Db(sqlx::Error::RowNotFound)) = &result {
        // The lease lapsed and another worker has the job now: its run counts.
        tracing::warn!("the job was taken over by another worker while this one ran it; dropping this run");
        return;
    }
    if let Err(e) = result {
        tracing::error!(error = %e, "could not record the job's outcome");
        // A job must not stay `running` forever because its finish could not
        // be written (disk full, a locked database): try once more to fail it.
        tokio::time::sleep(Duration::from_secs(1)).await;
        let msg = "The finished course could not be recorded on the server. It can be retried.";
        if let Err(e) = super::end(state, id, JobStatus::Failed, "Failed", Some(msg)).await {
            tracing::error!(error = %e, "could not mark the job failed either; start-up recovery will");
        }
    }
}

async fn check_cancel(pool: &Pool, id: &str) -> Result<(), Stop> {
    if db::cancel_requested(pool, id).await? {
        Err(Stop::Cancelled)
    } else {
        Ok(())
    }
}

/// Resolves once the job's cancellation is requested (polled every 250 ms).
async fn cancelled(pool: &Pool, id: &str) -> Stop {
    loop {
        tokio::time::sleep(Duration::from_millis(250)).await;
        if let Err(stop) = check_cancel(pool, id).await {
            return stop;
        }
    }
}

/// Logs a line of a running job (and pushes it to followers).
async fn note(state: &AppState, id: &str, level: &str, pct: u8, msg: &str) -> Result<(), Stop> {
    super::progress(state, id, level, pct, msg).await?;
    Ok(())
}

async fn stage(state: &AppState, id: &str, pct: u8, msg: &str) -> Result<(), Stop> {
    announce(state, id, pct, msg).await?;
    if !state.jobs.stage_pause.is_zero() {
        tokio::time::sleep(state.jobs.stage_pause).await;
    }
    check_cancel(&state.pool, id).await
}

/// The first half of a stage: still wanted? then say what comes next.
async fn announce(state: &AppState, id: &str, pct: u8, msg: &str) -> Result<(), Stop> {
    check_cancel(&state.pool, id).await?;
    note(state, id, "info", pct, msg).await
}

/// Set when the job's future is dropped before its build on a blocking thread
/// ends — at shutdown (the job is re-queued) or past the time limit. The build
/// then stops at its next step: it neither spends the cores on a deck nobody
/// will store nor calls into a runtime that may be shutting down (a timer
/// polled there panics).
#[derive(Default)]
struct Abandoned(Arc<AtomicBool>);

impl Abandoned {
    fn flag(&self) -> Arc<AtomicBool> {
        self.0.clone()
    }
}

impl Drop for Abandoned {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

/// A course with this title makes its job panic, in debug builds only: the
/// failpoint the test suite uses to check that a panicking job fails alone.
/// Bank picks explained in the log at most (a course has one per topic at most).
const MAX_PICKS_LOGGED: usize = 40;

pub const PANIC_TITLE_FOR_TESTS: &str = "panic: failpoint for the test suite";

async fn execute(state: &AppState, id: &str) -> Result<Done, Stop> {
    let input = db::input(&state.pool, id).await?;
    #[cfg(debug_assertions)]
    if input.course_title == PANIC_TITLE_FOR_TESTS {
        panic!("failpoint: {PANIC_TITLE_FOR_TESTS}");
    }
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
    // The timetable the job was started with, else the server's.
    let schedule = input
        .timetable
        .as_deref()
        .and_then(types::spec::Timetable::from_stored)
        .map(|t| crate::config::DayPlan::from_timetable(&t))
        .and_then(|d| d.schedule().ok())
        .or_else(|| state.config.day.schedule().ok())
        .unwrap_or_default();
    let mut options = pipeline::options(&template, days, &input.language, schedule);
    options.min_title_pt = Some(state.config.min_title_pt);
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
    let writer_name = match &ai {
        None => "offline writer".to_string(),
        Some((llm, ..)) => format!("AI writer, {}", llm.model),
    };

    // The one pipeline (plan → build → lint) on a blocking thread; each step
    // is logged (and checked for cancellation) on the runtime before it runs.
    let runtime = tokio::runtime::Handle::current();
    let (st, job) = (state.clone(), id.to_owned());
    let abandoned = Abandoned::default();
    let given_up = abandoned.flag();
    let generated = tokio::task::spawn_blocking(move || {
        // Nobody waits for this build any more (see `Abandoned`).
        let wanted = || match given_up.load(Ordering::Relaxed) {
            true => Err(Stop::Cancelled),
            false => Ok(()),
        };
        pipeline::generate(&template, &outline, &options, &banks, &texts, |step| {
            wanted()?;
            let (pct, msg) = match step {
                Step::Planned {
                    slides,
                    from_banks,
                    picks,
                } => {
                    // Why each bank slide and picture fits its topic.
                    for pick in picks.iter().take(MAX_PICKS_LOGGED) {
                        runtime.block_on(note(&st, &job, "info", 72, &format!("Bank: {pick}")))?;
                    }
                    (
                        72,
                        format!("Planned {slides} slides, {from_banks} from the banks ({writer_name})"),
                    )
                }
                Step::Building => (74, "Building the deck".to_string()),
                Step::Checking => (80, "Checking quality".to_string()),
            };
            // `stage`, with its pause slept here on the blocking thread: a
            // runtime timer must not be waited on while the runtime may be
            // shutting down.
            runtime.block_on(announce(&st, &job, pct, &msg))?;
            std::thread::sleep(st.jobs.stage_pause);
            wanted()?;
            runtime.block_on(check_cancel(&st.pool, &job))
        })
    })
    .await
    .map_err(|e| Stop::Failed(format!("The build stopped unexpectedly: {e}")))?
    .map_err(|f| match f {
        Failure::Stopped(stop) => stop,
        other => Stop::Failed(other.to_string()),
    })?;
    let planned = generated.plan.slides.len();
    let built = generated.lint.slides;
    let split = if built > planned {
        format!(
            " ({planned} planned; long lists continue on {} more)",
            built - planned
        )
    } else {
        String::new()
    };
    note(state, id, "info", 82, &format!("Built {built} slides{split}")).await?;
    note(
        state,
        id,
        "info",
        82,
        &format!("Layouts used: {}", generated.layouts),
    )
    .await?;
    let report = generated.lint;
    let assessment = generated.qa;
    let lint_verdict = format!("{:?}", report.verdict).to_lowercase();
    let deck_verdict = format!("{:?}", assessment.verdict).to_lowercase();
    let mut review: Option<Review> = None;
    let mut fallbacks: Vec<usize> = Vec::new();
    if let Some((llm, meter, context, fb)) = &ai {
        fallbacks = fb.clone();
        if llm.review {
            stage(state, id, 85, "AI review of content and coherence").await?;
            let digest = pipeline::digest(&generated.plan);
            match writer::review(llm, meter, context, &digest).await {
                Ok(r) => review = Some(r),
                Err(e @ crate::llm::LlmError::Budget { .. }) => return Err(Stop::Failed(e.to_string())),
                Err(e) => {
                    note(
                        state,
                        id,
                        "warning",
                        88,
                        &format!(
                            "The AI review was not available ({}); the QA score is the lint score alone",
                            e.summary()
                        ),
                    )
                    .await?;
                }
            }
        }
    }
    let (score, verdict) = writer::combine(assessment.score, &deck_verdict, review.as_ref(), fallbacks.len());
    let qa = QaReport {
        slides: report.slides,
        score,
        verdict: verdict.clone(),
        findings: assessment
            .findings
            .iter()
            .map(|f| types::jobs::QaFinding {
                slide: f.slide,
                severity: format!("{:?}", f.severity).to_lowercase(),
                code: f.code.to_string(),
                message: f.message.clone(),
            })
            .collect(),
        lint_score: report.score,
        lint_verdict,
        writer: if ai.is_some() { "ai" } else { "offline" }.into(),
        review: review.map(|r| types::jobs::QaReview {
            content: r.content,
            coherence: r.coherence,
            summary: r.summary,
            suggestions: r.suggestions,
        }),
        fallback_modules: fallbacks.iter().map(|m| m + 1).collect(),
        breakdown: Some(types::jobs::QaBreakdown {
            lint: assessment.breakdown.lint,
            coverage: assessment.breakdown.coverage,
            notes: assessment.breakdown.notes,
            intent: assessment.breakdown.intent,
        }),
    };
    stage(
        state,
        id,
        90,
        &format!("QA score {score}/100 ({verdict}); saving"),
    )
    .await?;

    let location = state
        .storage
        .put(&format!("{id}.pptx"), generated.bytes)
        .await
        .map_err(|e| Stop::Failed(format!("Could not save the deck: {e}")))?;
    let s3_key = store_before_completing(state, id, &location).await;
    Ok(Done {
        slides: report.slides,
        score,
        verdict,
        report: serde_json::to_string(&qa).unwrap_or_default(),
        location,
        s3_key,
    })
}

/// On PostgreSQL with a bucket, the deck goes to object storage before the
/// job completes: a replica that died between completing and its uploader's
/// next pass would otherwise leave the only copy on its own disk. If the
/// bucket cannot take it now, the job completes with the local copy and the
/// uploader retries, as on SQLite.
async fn store_before_completing(state: &AppState, id: &str, location: &str) -> Option<String> {
    let s3 = state.s3.as_ref().filter(|_| state.pool.as_sqlite().is_none())?;
    let key = s3.output_key(id);
    match crate::offload::put_deck(state, s3, location, &key).await {
        Ok(size) => {
            state
                .metrics
                .s3_uploads
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let msg = format!("Stored in object storage ({:.1} MB)", size as f64 / 1e6);
            let _ = note(state, id, "info", 95, &msg).await;
            Some(key)
        }
        Err(e) => {
            tracing::warn!(job = %id, error = %e, "uploading the deck failed; the job completes with the local copy");
            None
        }
    }
}

/// After a job whose deck is already in the bucket the local copy is never
/// needed: the job refers to the object, or this run did not count. When the
/// completion was not recorded, the object goes too (no job refers to it) —
/// unless another worker took the job over: its run writes the same key.
async fn forget_local_copy(state: &AppState, id: &str, done: &Done, result: &crate::Result<()>) {
    if let Err(e) = state.storage.delete(&done.location).await {
        tracing::warn!(job = %id, error = %e, "could not remove the local copy; the janitor will");
    }
    let taken_over = matches!(result, Err(crate::Error::Db(sqlx::Error::RowNotFound)));
    if let (Err(_), false, Some(s3), Some(key)) = (result, taken_over, &state.s3, &done.s3_key) {
        let _ = s3.delete(key).await;
    }
}

/// Hash of what a module's text depends on: stored text is reused only for
/// the same module in the same language.
fn module_hash(module: &types::outline::Module, lang: &str) -> String {
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
    let stored = db::module_texts(&state.pool, id).await?;
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
    let mut fatal: Option<crate::llm::LlmError> = None;
    let mut done = 0usize;
    while let Some((i, result)) = pending.next().await {
        done += 1;
        let pct = u8::try_from(22 + 48 * done / todo.max(1)).unwrap_or(70);
        match result {
            Ok((text, calls)) => {
                let json = serde_json::to_string(&text).unwrap_or_default();
                db::save_module_text(&state.pool, id, i, &hashes[i], &json).await?;
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
        tracing::error!(error = %e, "AI writer stopped");
        return Err(Stop::Failed(format!("The AI writer stopped: {}.", e.summary())));
    }
    fallbacks.sort_unstable();
    let texts = texts
        .into_iter()
        .enumerate()
        .map(|(i, t)| t.unwrap_or_else(|| offline[i].clone()))
        .collect();
    Ok((texts, fallbacks))
}
