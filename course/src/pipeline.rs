//! The generation pipeline, once: module texts → deck plan → deck bytes →
//! QA lint. The server's job workers and `courseware generate` both call
//! [`generate`]; they differ only in where the texts come from (the AI writer
//! or the offline writer) and in how they show progress, which they pass in
//! as a callback. The callback may stop the run (a cancelled job) between
//! steps.
//!
//! Synchronous and CPU-bound: async callers run it on a blocking thread.

use deck::build::{build_with_report, DirResolver};
use deck::lint::LintReport;
use deck::{BuildOptions, DeckError, DeckPlan, SlideContent, Template};

use crate::qa::{assess, layout_summary, Assessment};
use crate::schedule::Schedule;
use types::outline::Outline;

use crate::banks::Banks;
use crate::content::ModuleText;
use crate::document::Content;
use crate::plan::{plan_explained, CourseOptions};

/// The options for a course on `template`: whether it can take
/// illustrations and two columns decides part of the plan.
pub fn options(template: &Template, days: u8, lang: &str, schedule: Schedule) -> CourseOptions {
    CourseOptions {
        days,
        lang: lang.to_owned(),
        picture_layout: template.layout_for_role(deck::Role::Picture).is_some(),
        two_columns: template.layout_for_role(deck::Role::TwoColumn).is_some()
            && template.layout_for_role(deck::Role::Comparison).is_some(),
        schedule,
        min_title_pt: None,
    }
}

/// Where a run is, reported to the caller before each step starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// The plan is made: `slides` in all, `from_banks` of them infographics
    /// or illustrations from the banks, `picks` saying why each was chosen.
    Planned {
        slides: usize,
        from_banks: usize,
        picks: Vec<String>,
    },
    /// The deck is being written.
    Building,
    /// The written deck is being checked.
    Checking,
}

/// Why a run ended without a deck.
#[derive(Debug, thiserror::Error)]
pub enum Failure<S> {
    /// The progress callback asked to stop.
    #[error("stopped")]
    Stopped(S),
    #[error("The deck could not be built: {0}")]
    Build(DeckError),
    #[error("The QA check failed: {0}")]
    Check(DeckError),
}

/// A finished run.
#[derive(Debug)]
pub struct Generated {
    pub plan: DeckPlan,
    pub bytes: Vec<u8>,
    pub lint: LintReport,
    /// The combined QA score (lint, coverage, notes, layout intent).
    pub qa: Assessment,
    /// Which layouts and masters the deck used, for the log.
    pub layouts: String,
    /// For each slide of the deck, the plan slide it shows (a long list
    /// continues on more slides than were planned).
    pub deck_slides: Vec<usize>,
}

/// Plans, builds and checks a course from one text per module.
pub fn generate<S>(
    template: &Template,
    outline: &Outline,
    options: &CourseOptions,
    banks: &Banks,
    texts: &[ModuleText],
    mut on_step: impl FnMut(Step) -> Result<(), S>,
) -> Result<Generated, Failure<S>> {
    let (plan, picks) = plan_explained(outline, options, banks, texts);
    let from_banks = plan
        .slides
        .iter()
        .filter(|s| {
            matches!(
                s.content,
                SlideContent::Clone { .. } | SlideContent::Picture { .. }
            )
        })
        .count();
    on_step(Step::Planned {
        slides: plan.slides.len(),
        from_banks,
        picks,
    })
    .map_err(Failure::Stopped)?;
    build_and_check(template, outline, options, plan, on_step)
}

/// Builds and checks a course whose content is already written and planned
/// (an edited course's [`Content`]): no writer, no planning.
pub fn rebuild<S>(
    template: &Template,
    outline: &Outline,
    options: &CourseOptions,
    content: &Content,
    on_step: impl FnMut(Step) -> Result<(), S>,
) -> Result<Generated, Failure<S>> {
    build_and_check(template, outline, options, content.to_plan(), on_step)
}

fn build_and_check<S>(
    template: &Template,
    outline: &Outline,
    options: &CourseOptions,
    plan: DeckPlan,
    mut on_step: impl FnMut(Step) -> Result<(), S>,
) -> Result<Generated, Failure<S>> {
    on_step(Step::Building).map_err(Failure::Stopped)?;
    let (bytes, built) = build_with_report(
        template,
        &plan,
        &DirResolver::new(std::path::PathBuf::new()),
        &BuildOptions {
            min_title_pt: options.min_title_pt,
            ..BuildOptions::default()
        },
    )
    .map_err(Failure::Build)?;
    on_step(Step::Checking).map_err(Failure::Stopped)?;
    let lint = deck::lint::lint(&bytes).map_err(Failure::Check)?;
    let qa = assess(outline, &plan, template, &built, &lint);
    let layouts = layout_summary(template, &built);
    let deck_slides = built.iter().map(|b| b.plan_slide).collect();
    Ok(Generated {
        plan,
        bytes,
        lint,
        qa,
        layouts,
        deck_slides,
    })
}

/// The course as plain text, slide by slide (what the AI reviewer reads).
pub fn digest(plan: &DeckPlan) -> String {
    use SlideContent as C;
    let mut out = String::new();
    for (i, s) in plan.slides.iter().enumerate() {
        let line = match &s.content {
            C::Title { title, subtitle }
            | C::Section { title, subtitle }
            | C::Closing { title, subtitle } => {
                format!("{title} — {subtitle}")
            }
            C::TwoColumn {
                title,
                left_heading,
                left,
                right_heading,
                right,
            } => format!(
                "{title}\n  [{left_heading}] {}\n  [{right_heading}] {}",
                left.iter().map(|b| b.text()).collect::<Vec<_>>().join("; "),
                right.iter().map(|b| b.text()).collect::<Vec<_>>().join("; ")
            ),
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
