//! One job's generation: the outline and options read back, the plan
//! (with the AI writer's texts when it is on), the deck built on the
//! template, QA, and the deck stored — each stage logged.

use super::ai::ai_texts;
use super::steps::{announce, check_cancel, note, stage, Abandoned, Done, Stop};
use super::store::store_before_completing;
use crate::db::jobs as db;
use crate::llm::writer::{self, Review};
use crate::llm::Meter;
use crate::AppState;
use course::document::Content;
use course::pipeline::{self, Failure, Step};
use course::plan::offline_texts;
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use types::jobs::QaReport;
use types::outline::Outline;
use types::validate::JobId;

/// A course with this title makes its job panic, in debug builds only: the
/// failpoint the test suite uses to check that a panicking job fails alone.
/// Bank picks explained in the log at most (a course has one per topic at most).
const MAX_PICKS_LOGGED: usize = 40;

pub const PANIC_TITLE_FOR_TESTS: &str = "panic: failpoint for the test suite";

pub(crate) async fn execute(state: &AppState, id: &JobId) -> Result<Done, Stop> {
    let input = db::input(&state.pool, id).await?;
    #[cfg(debug_assertions)]
    if input.course_title == PANIC_TITLE_FOR_TESTS {
        panic!("failpoint: {PANIC_TITLE_FOR_TESTS}");
    }
    stage(state, id, 5, "Reading the outline").await?;
    let mut outline: Outline = input.outline.clone();
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
    // A new version of an edited course comes with its content: built as it
    // is, with no writer and no planning.
    let stored = match db::content::content(&state.pool, id).await? {
        Some((json, _)) => Some(
            serde_json::from_str::<Content>(&json)
                .map_err(|e| Stop::Failed(format!("The course's content could not be read: {e}")))?,
        ),
        None => None,
    };
    // A translation: its content arrives in the source's language and is
    // translated here, group by group, before it is built.
    let stored = match stored {
        Some(content) if crate::jobs::rewrite::needs_translation(&content, &input.language) => {
            let Some(llm) = &state.llm else {
                return Err(Stop::Failed(
                    "Translating needs the AI writer, and this server runs the offline writer.".into(),
                ));
            };
            let name = writer::language_name(&input.language);
            stage(
                state,
                id,
                10,
                &format!("Translating every slide into {name} ({})", llm.model),
            )
            .await?;
            let meter = Meter::for_job(&state.pool, id.as_str(), llm.budget).await?;
            let context = writer::course_context(&outline, days, &input.language);
            let done = crate::jobs::rewrite::translated(llm, &meter, &context, &content, &input.language)
                .await
                .map_err(|e| Stop::Failed(format!("The translation failed: {}", e.summary())))?;
            note(
                state,
                id,
                "info",
                60,
                &format!("Translated {} slides", done.slides.len()),
            )
            .await?;
            Some(done)
        }
        other => other,
    };
    let (texts, ai) = match (&state.llm, &stored) {
        (_, Some(_)) => (Vec::new(), None),
        (None, None) => (offline_texts(&outline, &options.lang), None),
        (Some(llm), None) => {
            let meter = Meter::for_job(&state.pool, id.as_str(), llm.budget).await?;
            let context = writer::course_context(&outline, days, &options.lang);
            let (texts, fallbacks) =
                ai_texts(state, id, llm, &meter, &context, &outline, &options, &banks).await?;
            (texts, Some((llm.clone(), meter, context, fallbacks)))
        }
    };
    let writer_name = match (&ai, &stored) {
        (_, Some(_)) => "edited content".to_string(),
        (None, None) => "offline writer".to_string(),
        (Some((llm, ..)), None) => format!("AI writer, {}", llm.model),
    };
    // A long course from a short outline is made, but said (as New course
    // says it before starting; courses started through the API hear it here).
    if let Some(thin) = outline.thin_for(days).filter(|_| stored.is_none()) {
        note(state, id, "warning", 6, &thin).await?;
    }
    // The offline writer does not translate: say so when the outline's
    // language is not the course's, before anyone reads the deck.
    if ai.is_none() && stored.is_none() {
        let course_lang = options.lang.get(..2).unwrap_or("en");
        if let Some(outline_lang) = course::language::of_outline(&outline).filter(|l| *l != course_lang) {
            let said = format!(
                "The outline is in {}, the course in {}: the offline writer does not translate, so the slides keep the \
                 outline's {} words under {} labels (the QA report lists them as mixed_language). Write the outline \
                 in {}, or choose {} as the course's language.",
                course::language::name(outline_lang),
                course::language::name(course_lang),
                course::language::name(outline_lang),
                course::language::name(course_lang),
                course::language::name(course_lang),
                course::language::name(outline_lang),
            );
            note(state, id, "warning", 6, &said).await?;
        }
    }

    // The one pipeline (plan → build → lint) on a blocking thread; each step
    // is logged (and checked for cancellation) on the runtime before it runs.
    let runtime = tokio::runtime::Handle::current();
    let (st, job) = (state.clone(), id.to_owned());
    let abandoned = Abandoned::default();
    let given_up = abandoned.flag();
    let module_titles: Vec<String> = outline.modules.iter().map(|m| m.title.clone()).collect();
    // A translated course's slides do not repeat its outline's words: its
    // coverage is not measured against an outline in another language.
    let course_lang = options.lang.get(..2).unwrap_or("en").to_owned();
    let outline = match &stored {
        Some(_) if course::language::of_outline(&outline).is_some_and(|l| l != course_lang) => Outline {
            modules: Vec::new(),
            ..outline
        },
        _ => outline,
    };
    let source = stored.clone();
    let generated = tokio::task::spawn_blocking(move || {
        // Nobody waits for this build any more (see `Abandoned`).
        let wanted = || match given_up.load(Ordering::Relaxed) {
            true => Err(Stop::Cancelled),
            false => Ok(()),
        };
        let on_step = |step: Step| {
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
        };
        match &source {
            Some(content) => pipeline::rebuild(&template, &outline, &options, content, on_step),
            None => pipeline::generate(&template, &outline, &options, &banks, &texts, on_step),
        }
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
        writer: match (&ai, &stored) {
            (_, Some(_)) => "edited",
            (Some(_), None) => "ai",
            (None, None) => "offline",
        }
        .into(),
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

    // What the deck was built from, kept as the version's content; each
    // deck slide named by the content slide it shows.
    let content = stored.unwrap_or_else(|| Content::from_plan(&generated.plan, module_titles));
    let deck_slides: Vec<&str> = generated
        .deck_slides
        .iter()
        .map(|&i| content.slides.get(i).map_or("", |s| s.id.as_str()))
        .collect();
    let content = (
        serde_json::to_string(&content).unwrap_or_default(),
        serde_json::to_string(&deck_slides).unwrap_or_default(),
    );
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
        content: Some(content),
    })
}
