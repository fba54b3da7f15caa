//! The AI writer on a course's content: "Rewrite this slide" and "Rewrite
//! this module" (one model call, into the working copy — every other slide
//! stays exactly as it was, manual edits included), and "Translate to…",
//! which queues a linked course in another language that the worker
//! translates slide group by slide group before building it.

use types::account::CurrentUser;
use types::content::{ContentChange, ContentView};
use types::validate::{JobId, Language};
use types::ApiError;

use super::edit::{course_of, may_change, view, working_copy, write, STALE};
use super::enqueue_within_quota;
use crate::db::jobs::{self as db, content as store, NewJob, NewVersion};
use crate::llm::rewrite::{rewrite_slides, MAX_INSTRUCTION_CHARS};
use crate::llm::{writer, Llm, Meter};
use crate::{AppState, Result};

fn writer_needed(state: &AppState) -> Result<std::sync::Arc<Llm>> {
    state.llm.clone().ok_or_else(|| {
        ApiError::Conflict(
            "This needs the AI writer, and this server runs the offline writer. An administrator switches the AI \
             writer on with LLM_PROVIDER and its API key."
                .into(),
        )
        .into()
    })
}

/// What to rewrite: one slide, or every slide of a module.
pub enum Target {
    Slide(String),
    Module(u16),
}

/// Rewrites a slide or a module of the course's working copy (saved on
/// `revision`, refused when someone saved since) with the AI writer,
/// following `instruction`; the content after it.
pub async fn rewrite(
    state: &AppState,
    user: &CurrentUser,
    id: &JobId,
    revision: i64,
    target: Target,
    instruction: Option<&str>,
) -> Result<ContentView> {
    let llm = writer_needed(state)?;
    let instruction = instruction.map(str::trim).filter(|i| !i.is_empty());
    if instruction.is_some_and(|i| i.chars().count() > MAX_INSTRUCTION_CHARS) {
        return Err(ApiError::invalid(
            "instruction",
            format!("At most {MAX_INSTRUCTION_CHARS} characters."),
        )
        .into());
    }
    let m = course_of(state, id).await?;
    may_change(user, m.user_id)?;
    let (mut content, at) = working_copy(state, &m.course_id).await?;
    if at != revision {
        return Err(ApiError::Conflict(STALE.into()).into());
    }
    let all = content.view();
    let (group, what): (Vec<_>, String) = match &target {
        Target::Slide(sid) => (
            all.into_iter().filter(|s| &s.id == sid).collect(),
            "this slide".to_owned(),
        ),
        Target::Module(n) => (
            all.into_iter().filter(|s| s.module == Some(*n)).collect(),
            format!("the slides of module {}", n + 1),
        ),
    };
    if group.is_empty() {
        return Err(ApiError::Conflict("There is no such slide or module in this course.".into()).into());
    }
    let input = db::input(&state.pool, id).await?;
    let days = u8::try_from(input.duration_days).unwrap_or(1);
    let context = writer::course_context(&input.outline, days, &input.language);
    let meter = Meter::for_job(&state.pool, id.as_str(), llm.budget).await?;
    let language = writer::language_name(&input.language);
    let asked = instruction.unwrap_or("Make the words clearer and more concrete for the participants.");
    let prompt = format!("Rewrite {what} of this course, in {language}. The editor asks: {asked}");
    let purpose = match &target {
        Target::Slide(sid) => format!("rewrite slide {sid}"),
        Target::Module(n) => format!("rewrite module {}", n + 1),
    };
    let rewritten = rewrite_slides(&llm, &meter, &context, &group, &prompt, purpose)
        .await
        .map_err(|e| {
            ApiError::Conflict(format!(
                "The AI writer could not rewrite it ({}); nothing was changed.",
                e.summary()
            ))
        })?;
    for slide in rewritten {
        content.apply(&ContentChange::Edit { slide }).map_err(|r| {
            ApiError::Conflict(format!(
                "The AI writer's answer did not fit ({r}); nothing was changed."
            ))
        })?;
    }
    let Some(revision) =
        store::save_draft(&state.pool, &m.course_id, revision, &write(&content)?, user.id).await?
    else {
        return Err(ApiError::Conflict(STALE.into()).into());
    };
    crate::db::reviews::back_to_draft(&state.pool, &m.course_id).await?;
    view(state, id, &m.course_id, content, revision).await
}

/// Queues a linked course: the working copy of version `id`'s course
/// translated into `language` by the AI writer (structure, timing and
/// template kept), built as that course's first version; its id.
pub async fn translate(state: &AppState, user: &CurrentUser, id: &JobId, language: &str) -> Result<JobId> {
    writer_needed(state)?;
    let language = Language::parse(language)?;
    let m = course_of(state, id).await?;
    let (content, _) = working_copy(state, &m.course_id).await?;
    let input = db::input(&state.pool, id).await?;
    if input.language == language.code() {
        return Err(ApiError::invalid("language", "The course is in that language already.").into());
    }
    let summary = db::summary(&state.pool, id).await?.ok_or(ApiError::NotFound)?;
    let name = writer::language_name(language.code());
    let title: String = format!("{} ({name})", input.course_title)
        .chars()
        .take(types::limits::MAX_TITLE_CHARS)
        .collect();
    let job = NewJob {
        user_id: user.id,
        course_title: title,
        template_name: summary.template_name,
        template_path: input.template_path,
        duration_days: u8::try_from(input.duration_days).unwrap_or(1),
        language: language.code().to_owned(),
        outline: input.outline,
        timetable: input.timetable,
        version_of: Some(NewVersion {
            course_id: None,
            origin: "translated",
            content: Some(write(&content)?),
            said: format!(
                "A translation into {name} of \"{}\" (version {}), asked for by {}",
                input.course_title, m.version, user.name
            ),
        }),
    };
    let new = enqueue_within_quota(state, &job).await?;
    tracing::info!(job = %new, from = %id, "translation queued");
    Ok(new)
}

/// The worker's part of a translation: every slide group (the course's own
/// slides, then each module's) translated, in parallel within the writer's
/// limits; the translated content.
pub(crate) async fn translated(
    llm: &Llm,
    meter: &Meter,
    context: &str,
    content: &course::document::Content,
    language: &str,
) -> std::result::Result<course::document::Content, crate::llm::LlmError> {
    use futures_util::stream::{FuturesUnordered, StreamExt};
    let all = content.view();
    let mut groups: Vec<(String, Vec<types::content::SlideText>)> = vec![(
        "translate course slides".into(),
        all.iter().filter(|s| s.module.is_none()).cloned().collect(),
    )];
    for (i, _) in content.modules.iter().enumerate() {
        let module = u16::try_from(i).unwrap_or(u16::MAX);
        groups.push((
            format!("translate module {}", i + 1),
            all.iter().filter(|s| s.module == Some(module)).cloned().collect(),
        ));
    }
    let name = writer::language_name(language);
    let prompt = format!(
        "Translate every text of these slides into {name}: titles, subtitles, bullets, speaker notes, activities, \
         quiz questions and answers, and the labels (\"Learning objectives\", \"Recap\", \"Quiz\", \"Agenda\", \
         times of day stay as they are). Keep the meaning, the structure and the timings; write as a native \
         trainer would."
    );
    let mut calls: FuturesUnordered<_> = groups
        .into_iter()
        .filter(|(_, g)| !g.is_empty())
        .map(|(purpose, group)| {
            let prompt = prompt.clone();
            async move { rewrite_slides(llm, meter, context, &group, &prompt, purpose).await }
        })
        .collect();
    let mut out = content.clone();
    while let Some(result) = calls.next().await {
        for slide in result? {
            out.apply(&ContentChange::Edit { slide })
                .map_err(|r| crate::llm::LlmError::Protocol(format!("the translation did not fit: {r}")))?;
        }
    }
    out.lang = Some(course::labels::labels(language).lang_tag.to_owned());
    Ok(out)
}

/// Whether a stored content still has to be translated for a course in `language`.
pub(crate) fn needs_translation(content: &course::document::Content, language: &str) -> bool {
    content
        .lang
        .as_deref()
        .and_then(|l| l.get(..2))
        .is_some_and(|l| !l.eq_ignore_ascii_case(language.get(..2).unwrap_or(language)))
}
