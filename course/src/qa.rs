//! The QA score of a generated course: the deck lint (overflow,
//! readability, notes, filler…) combined with what only the course knows —
//! whether every outline topic and point made it into the deck, how many
//! slides have speaker notes, whether each slide sits on the layout the
//! template's designer meant for it, and whether the deck shows the same
//! layout slide after slide although the template offers others.
//!
//! Score = 55% lint score + 15% coverage + 15% notes coverage + 15% layout
//! intent (each a share from 0 to 1). Verdict: `fail` when the lint fails
//! or the score is under 60; `review` when the score is under 85, any
//! finding is an error (a readability error among them) or under 90% of
//! the outline is covered; else `pass`.

use serde::Serialize;

use deck::build::BuiltSlide;
use deck::lint::{Finding, LintReport, Severity, Verdict};
use deck::{DeckPlan, Role, SlideContent, Template};
use types::outline::Outline;

/// Layouts in a row after which a deck reads as monotonous.
pub const MONOTONY_RUN: usize = 10;

/// The parts of the score, each from 0 to 1 (lint 0–100).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Breakdown {
    pub lint: u8,
    pub coverage: f64,
    pub notes: f64,
    pub intent: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Assessment {
    pub score: u8,
    pub verdict: Verdict,
    pub breakdown: Breakdown,
    /// The lint's findings and the course-level ones (slide 0: the whole deck).
    pub findings: Vec<Finding>,
}

fn words(t: &str) -> Vec<String> {
    t.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 3)
        .map(str::to_lowercase)
        .collect()
}

/// Whether most of an item's words appear in `text` (writers rephrase).
fn covered(item: &str, text: &std::collections::HashSet<String>) -> bool {
    let w = words(item);
    if w.is_empty() {
        return true;
    }
    let hit = w.iter().filter(|x| text.contains(*x)).count();
    hit * 10 >= w.len() * 6
}

fn plan_text(plan: &DeckPlan) -> std::collections::HashSet<String> {
    let mut all = String::new();
    for s in &plan.slides {
        all.push_str(&serde_json::to_string(&s.content).unwrap_or_default());
        all.push(' ');
        all.push_str(&s.notes);
        all.push(' ');
    }
    words(&all).into_iter().collect()
}

/// Whether a built slide sits where the designer meant: a readable layout,
/// and for content the masters the template's samples use for content (or,
/// without samples, not the title slide's master when another offers the
/// same kind of layout).
fn as_intended(tpl: &Template, s: &BuiltSlide) -> Option<bool> {
    let role = s.role?;
    let layout = tpl.layouts.iter().find(|l| l.part == s.layout)?;
    if !layout.readable() && !role.is_heading() {
        return Some(false);
    }
    let best = tpl.layout_for_role(role)?;
    Some(layout.part == best.part || layout.master == best.master)
}

/// Scores a built course.
pub fn assess(
    outline: &Outline,
    plan: &DeckPlan,
    template: &Template,
    built: &[BuiltSlide],
    lint: &LintReport,
) -> Assessment {
    let mut findings = lint.findings.clone();

    // Coverage of the outline.
    let text = plan_text(plan);
    let mut items = 0usize;
    let mut missing = Vec::new();
    for m in &outline.modules {
        for t in &m.topics {
            items += 1;
            if !covered(&t.title, &text) {
                missing.push(format!("topic “{}”", t.title));
            }
            for p in &t.points {
                items += 1;
                if !covered(&p.text, &text) {
                    missing.push(format!("point “{}”", p.text));
                }
            }
        }
    }
    for what in &missing {
        findings.push(Finding {
            slide: 0,
            severity: Severity::Warning,
            code: "not_covered",
            message: format!("the outline's {what} does not appear in the deck"),
        });
    }
    let coverage = if items == 0 {
        1.0
    } else {
        (items - missing.len()) as f64 / items as f64
    };

    // Notes on every slide.
    let without_notes = lint
        .findings
        .iter()
        .filter(|f| matches!(f.code, "missing_notes" | "empty_notes"))
        .count();
    let notes = if lint.slides == 0 {
        0.0
    } else {
        1.0 - without_notes.min(lint.slides) as f64 / lint.slides as f64
    };

    // Layout intent.
    let mut judged = 0usize;
    let mut kept = 0usize;
    for (i, s) in built.iter().enumerate() {
        let Some(ok) = as_intended(template, s) else {
            continue;
        };
        judged += 1;
        if ok {
            kept += 1;
        } else {
            // "Title, Content (slideMaster2)"; when two layouts would read
            // the same, the layout's own file tells them apart.
            let name = |part: &str| {
                let Some(l) = template.layouts.iter().find(|l| l.part == part) else {
                    return part.to_owned();
                };
                let twins = template
                    .layouts
                    .iter()
                    .filter(|o| {
                        o.name == l.name && template.master_name(&o.master) == template.master_name(&l.master)
                    })
                    .count();
                let file = part.rsplit('/').next().unwrap_or(part).trim_end_matches(".xml");
                if twins > 1 {
                    format!("{} ({}, {file})", l.name, template.master_name(&l.master))
                } else {
                    format!("{} ({})", l.name, template.master_name(&l.master))
                }
            };
            let want = s
                .role
                .and_then(|r| template.layout_for_role(r))
                .map(|l| name(&l.part))
                .unwrap_or_default();
            findings.push(Finding {
                slide: i + 1,
                severity: Severity::Warning,
                code: "layout_intent",
                message: format!("on {}, not the designer's {want}", name(&s.layout)),
            });
        }
    }
    let intent = if judged == 0 {
        1.0
    } else {
        kept as f64 / judged as f64
    };

    // The same layout many times in a row, when the template has others
    // for such slides.
    let alternatives = [Role::Content, Role::TwoColumn, Role::Comparison, Role::Picture]
        .iter()
        .filter_map(|r| template.layout_for_role(*r).map(|l| l.part.clone()))
        .collect::<std::collections::HashSet<_>>()
        .len();
    if alternatives > 1 {
        let mut start = 0;
        for i in 1..=built.len() {
            if i == built.len() || built[i].layout != built[start].layout {
                if i - start >= MONOTONY_RUN {
                    findings.push(Finding {
                        slide: start + 1,
                        severity: Severity::Warning,
                        code: "layout_monotony",
                        message: format!("{} slides in a row on the same layout", i - start),
                    });
                }
                start = i;
            }
        }
    }

    let score = (0.55 * f64::from(lint.score) + 15.0 * coverage + 15.0 * notes + 15.0 * intent)
        .round()
        .clamp(0.0, 100.0) as u8;
    let any_error = findings.iter().any(|f| f.severity == Severity::Error);
    let verdict = if lint.verdict == Verdict::Fail || score < 60 {
        Verdict::Fail
    } else if score < 85 || any_error || coverage < 0.9 {
        Verdict::Review
    } else {
        Verdict::Pass
    };
    findings.sort_by_key(|f| f.slide);
    Assessment {
        score,
        verdict,
        breakdown: Breakdown {
            lint: lint.score,
            coverage: (coverage * 1000.0).round() / 1000.0,
            notes: (notes * 1000.0).round() / 1000.0,
            intent: (intent * 1000.0).round() / 1000.0,
        },
        findings,
    }
}

/// "Title Slide (slideMaster1) ×1, Title and Content (slideMaster2) ×40, …":
/// which layouts and masters a deck used, for the job log.
pub fn layout_summary(template: &Template, built: &[BuiltSlide]) -> String {
    let mut counts: Vec<(String, usize)> = Vec::new();
    for s in built {
        let name = template
            .layouts
            .iter()
            .find(|l| l.part == s.layout)
            .map(|l| format!("{} ({})", l.name, template.master_name(&l.master)))
            .unwrap_or_else(|| "bank slide layouts".to_string());
        match counts.iter_mut().find(|(n, _)| *n == name) {
            Some((_, c)) => *c += 1,
            None => counts.push((name, 1)),
        }
    }
    counts
        .iter()
        .map(|(n, c)| format!("{n} ×{c}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Whether a plan slide is a content slide whose only text repeats its title.
pub fn is_filler(content: &SlideContent) -> bool {
    match content {
        SlideContent::Bullets { title, bullets } => {
            let n = |t: &str| t.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
            bullets.len() == 1 && n(bullets[0].text()) == n(title)
        }
        _ => false,
    }
}
