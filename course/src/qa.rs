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
//! finding is an error (a readability error among them), under 90% of
//! the outline is covered, or two or more slides are written in another
//! language than the course's (`mixed_language`); else `pass`.

use serde::Serialize;

use deck::build::BuiltSlide;
use deck::lint::{Finding, LintReport, Severity, Verdict};
use deck::{DeckPlan, Role, SlideContent, Template};
use types::outline::Outline;

/// Slides in another language than the course's from which a deck is not a
/// `pass` (one could be a quotation or a product's own words).
pub const MIXED_LANGUAGE_SLIDES: usize = 2;

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

/// Whether a built slide sits where the designer meant: a layout whose body
/// text reads well,
/// and for content the masters the template's samples use for content (or,
/// without samples, not the title slide's master when another offers the
/// same kind of layout).
fn as_intended(tpl: &Template, s: &BuiltSlide) -> Option<bool> {
    let role = s.role?;
    let layout = tpl.layouts.iter().find(|l| l.part == s.layout)?;
    if layout.body_problem() && !role.is_heading() {
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

    findings.extend(repetitive(plan, built));
    // Slides whose own words are in another language than the course's.
    let course_lang = plan.lang.as_deref().and_then(|l| l.get(..2)).unwrap_or("en");
    let mixed = crate::language::mixed(plan, built, course_lang);
    let mixed_slides = mixed.len();
    findings.extend(mixed);

    let score = (0.55 * f64::from(lint.score) + 15.0 * coverage + 15.0 * notes + 15.0 * intent)
        .round()
        .clamp(0.0, 100.0) as u8;
    let any_error = findings.iter().any(|f| f.severity == Severity::Error);
    let verdict = if lint.verdict == Verdict::Fail || score < 60 {
        Verdict::Fail
    } else if score < 85 || any_error || coverage < 0.9 || mixed_slides >= MIXED_LANGUAGE_SLIDES {
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

/// Slides whose text, once their own title's words are taken out, shares
/// this much of its words with another's read as the same slide.
pub const NEAR_IDENTICAL: f64 = 0.75;

/// Near-identical content slides: the same prompts or points under one
/// topic name after another (`repetitive_slides`, one finding per group of
/// three or more; see [`NEAR_IDENTICAL`]). Titles, sections, agendas and
/// bank slides are not compared; a slide split in two counts once.
fn repetitive(plan: &DeckPlan, built: &[BuiltSlide]) -> Vec<Finding> {
    use std::collections::HashSet;
    const MIN_WORDS: usize = 5;
    const MAX_COMPARED: usize = 1000;
    let mut sigs: Vec<(usize, String, HashSet<String>)> = Vec::new();
    for (p, s) in plan.slides.iter().enumerate().take(MAX_COMPARED) {
        let (title, body): (&str, Vec<&str>) = match &s.content {
            SlideContent::Bullets { title, bullets } => (title, bullets.iter().map(|b| b.text()).collect()),
            SlideContent::TwoColumn {
                title, left, right, ..
            } => (title, left.iter().chain(right).map(|b| b.text()).collect()),
            SlideContent::Table { title, rows, .. } => {
                (title, rows.iter().flatten().map(String::as_str).collect())
            }
            _ => continue,
        };
        let own: HashSet<String> = words(title).into_iter().collect();
        let sig: HashSet<String> = body
            .iter()
            .flat_map(|t| words(t))
            .filter(|w| !own.contains(w))
            .collect();
        let Some(deck_slide) = built.iter().position(|b| b.plan_slide == p) else {
            continue;
        };
        if sig.len() >= MIN_WORDS {
            sigs.push((deck_slide + 1, title.to_owned(), sig));
        }
    }
    let alike = |a: &HashSet<String>, b: &HashSet<String>| {
        let shared = a.intersection(b).count() as f64;
        shared / (a.len() + b.len()) as f64 * 2.0 >= NEAR_IDENTICAL
    };
    // Groups: each slide joins the group of the first earlier slide it reads like.
    let mut group: Vec<usize> = (0..sigs.len()).collect();
    for i in 0..sigs.len() {
        if let Some(j) = (0..i).find(|&j| alike(&sigs[i].2, &sigs[j].2)) {
            group[i] = group[j];
        }
    }
    let mut out = Vec::new();
    for g in 0..sigs.len() {
        let members: Vec<usize> = (0..sigs.len()).filter(|&i| group[i] == g).collect();
        if members.len() < 3 {
            continue;
        }
        let numbers: Vec<String> = members.iter().take(8).map(|&i| sigs[i].0.to_string()).collect();
        let more = if members.len() > 8 { ", …" } else { "" };
        out.push(Finding {
            slide: sigs[members[0]].0,
            severity: Severity::Warning,
            code: "repetitive_slides",
            message: format!(
                "{} slides say nearly the same thing under different titles (slides {}{more}, like “{}”): vary them or merge them",
                members.len(),
                numbers.join(", "),
                sigs[members[0]].1
            ),
        });
    }
    out
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::banks::Banks;
    use crate::plan::{plan_course, CourseOptions};
    use deck::plan::{Bullet, SlidePlan};

    fn built(plan: &DeckPlan) -> Vec<BuiltSlide> {
        (0..plan.slides.len())
            .map(|plan_slide| BuiltSlide {
                plan_slide,
                role: None,
                layout: String::new(),
            })
            .collect()
    }

    /// scripts/fixtures/no-points.md: modules and topics, not one point.
    fn no_points() -> Outline {
        crate::parse::parse(include_bytes!("../../scripts/fixtures/no-points.md")).expect("outline")
    }

    #[test]
    fn the_same_prompts_under_topic_after_topic_are_caught() {
        // What the offline writer did before: one slide per bare topic, the
        // same three prompts around each topic's name.
        let prompts = [
            "What does {topic} look like in your own work?",
            "Where have you seen {topic} go well — or badly?",
            "What is one thing you would change about {topic}?",
        ];
        let outline = no_points();
        let mut slides = vec![SlidePlan::new(SlideContent::Title {
            title: outline.title.clone(),
            subtitle: String::new(),
        })];
        for t in outline.modules.iter().flat_map(|m| &m.topics) {
            slides.push(SlidePlan::new(SlideContent::Bullets {
                title: format!("Discussion: {}", t.title),
                bullets: prompts
                    .iter()
                    .map(|p| Bullet::Text(p.replace("{topic}", &t.title)))
                    .collect(),
            }));
        }
        let wall = DeckPlan {
            title: None,
            lang: None,
            slides,
        };
        let found = repetitive(&wall, &built(&wall));
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(found[0].code, "repetitive_slides");
        assert_eq!(found[0].slide, 2);
        assert!(
            found[0]
                .message
                .starts_with("18 slides say nearly the same thing"),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn an_outline_without_points_is_a_draft_not_a_wall_of_identical_slides() {
        let outline = no_points();
        assert!(outline
            .modules
            .iter()
            .flat_map(|m| &m.topics)
            .all(|t| t.points.is_empty()));
        let plan = plan_course(&outline, &CourseOptions::new(2, "en"), &Banks::default());
        let discussions: Vec<&SlidePlan> = plan
            .slides
            .iter()
            .filter(|s| matches!(&s.content, SlideContent::Bullets { title, .. } if title.starts_with("Discussion")))
            .collect();
        // One discussion per module at most, its prompts suiting each topic.
        assert!(
            discussions.len() <= outline.modules.len(),
            "{}",
            discussions.len()
        );
        let lines: Vec<&str> = discussions
            .iter()
            .flat_map(|s| match &s.content {
                SlideContent::Bullets { bullets, .. } => bullets.iter().map(|b| b.text()).collect(),
                _ => Vec::new(),
            })
            .collect();
        assert!(
            lines
                .iter()
                .any(|l| l.contains("worst case of Incident management")),
            "{lines:#?}"
        );
        assert!(
            lines
                .iter()
                .any(|l| l.contains("explain The seven guiding principles")),
            "{lines:#?}"
        );
        let repeated = repetitive(&plan, &built(&plan));
        assert!(repeated.is_empty(), "{repeated:#?}");
    }
}
