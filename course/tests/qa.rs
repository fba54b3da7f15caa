//! The QA score means something: a course built as the decks were
//! (content on the brand title master, a third of the slides without notes,
//! topics whose only bullet repeats their title) scores well below a course
//! built as the planner builds it now, and never passes.

use std::path::PathBuf;

use course::banks::Banks;
use course::plan::{plan_course, CourseOptions};
use deck::build::{build_with_report, DirResolver};
use deck::lint::Verdict;
use deck::plan::{Bullet, SlideContent};
use deck::{BuildOptions, Template};
use types::outline::{Module, Outline, Point, Topic};

fn template() -> Template {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/fixtures/corporate-title-first.pptx");
    assert!(p.exists(), "run scripts/bootstrap to make the test fixtures");
    Template::open(&p).expect("template")
}

fn outline() -> Outline {
    Outline {
        title: "Site safety".into(),
        modules: (0..3)
            .map(|m| Module {
                title: format!("Module subject {m}"),
                topics: (0..4)
                    .map(|t| Topic {
                        title: format!("Subject {m} part {t}"),
                        points: if t % 2 == 0 {
                            Vec::new()
                        } else {
                            (0..3)
                                .map(|p| Point {
                                    text: format!("Point {m} {t} {p} about safety"),
                                    level: 0,
                                })
                                .collect()
                        },
                    })
                    .collect(),
            })
            .collect(),
    }
}

fn score(plan: &deck::DeckPlan, tpl: &Template, o: &Outline) -> course::qa::Assessment {
    let (bytes, built) = build_with_report(
        tpl,
        plan,
        &DirResolver::new(PathBuf::new()),
        &BuildOptions::default(),
    )
    .expect("build");
    let lint = deck::lint::lint(&bytes).expect("lint");
    course::qa::assess(o, plan, tpl, &built, &lint)
}

#[test]
fn a_deck_that_ignores_the_designer_and_the_trainer_does_not_score_100() {
    let tpl = template();
    let o = outline();
    let opts = course::pipeline::options(&tpl, 1, "en", course::schedule::Schedule::default());
    let good = plan_course(&o, &opts, &Banks::default());
    let good_qa = score(&good, &tpl, &o);
    assert_eq!(good_qa.breakdown.notes, 1.0, "{:#?}", good_qa.findings);
    assert_eq!(good_qa.breakdown.intent, 1.0, "{:#?}", good_qa.findings);
    assert_eq!(good_qa.breakdown.coverage, 1.0, "{:#?}", good_qa.findings);
    assert!(good_qa.score >= 90, "{}: {:#?}", good_qa.score, good_qa.findings);
    assert_ne!(good_qa.verdict, Verdict::Fail);
    assert!(
        good_qa.findings.iter().all(|f| f.code != "mixed_language"),
        "{:#?}",
        good_qa.findings
    );

    // The old way: content on the title master's own content layout, no
    // notes on headings, agenda, recaps or closing, filler for empty topics.
    let mut bad = CourseOptions::new(1, "en");
    bad.two_columns = false;
    let mut bad = plan_course(&o, &bad, &Banks::default());
    for s in &mut bad.slides {
        let filler = match &mut s.content {
            SlideContent::Bullets { title, bullets } if title.starts_with("Discussion: ") => {
                *title = title.trim_start_matches("Discussion: ").to_string();
                *bullets = vec![Bullet::Text(title.clone())];
                true
            }
            _ => false,
        };
        match &s.content {
            SlideContent::Bullets { title, .. } if !title.starts_with("Recap") => {
                s.layout = Some("Brand Title and Content".into());
                if filler {
                    s.notes.clear();
                }
            }
            _ => s.notes.clear(),
        }
    }
    let bad_qa = score(&bad, &tpl, &o);
    let codes: std::collections::BTreeSet<&str> = bad_qa.findings.iter().map(|f| f.code).collect();
    for code in [
        "over_decoration",
        "empty_notes",
        "title_repeated",
        "layout_intent",
    ] {
        assert!(codes.contains(code), "{code} missing: {codes:?}");
    }
    eprintln!(
        "QA: planner's course {} {:?} {:?}; the old way {} {:?} {:?}",
        good_qa.score, good_qa.verdict, good_qa.breakdown, bad_qa.score, bad_qa.verdict, bad_qa.breakdown
    );
    assert!(bad_qa.score < 80, "{} ({:?})", bad_qa.score, bad_qa.breakdown);
    assert!(bad_qa.score + 15 < good_qa.score);
    assert_ne!(bad_qa.verdict, Verdict::Pass);
}

/// The German course: an English outline, German labels, the
/// offline writer (which does not translate). Its slides are flagged
/// `mixed_language` and it is not a `pass`; the same outline as an English
/// course has no such finding.
#[test]
fn an_english_outline_made_into_a_german_course_is_flagged_not_passed() {
    let tpl = template();
    let md = std::fs::read(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../server/samples/outlines/workplace-fire-safety.md"),
    )
    .expect("sample outline");
    let o = course::parse::parse(&md).expect("outline");
    assert_eq!(course::language::of_outline(&o), Some("en"));
    let qa = |lang: &str| {
        let opts = course::pipeline::options(&tpl, 1, lang, course::schedule::Schedule::default());
        score(&plan_course(&o, &opts, &Banks::default()), &tpl, &o)
    };
    let english = qa("en");
    assert!(
        english.findings.iter().all(|f| f.code != "mixed_language"),
        "{:#?}",
        english.findings
    );
    let german = qa("de");
    let mixed: Vec<_> = german
        .findings
        .iter()
        .filter(|f| f.code == "mixed_language")
        .collect();
    assert!(mixed.len() >= 5, "{mixed:#?}");
    assert!(
        mixed[0].message.contains("in English, not in German"),
        "{mixed:#?}"
    );
    assert_ne!(german.verdict, Verdict::Pass, "{:?}", german.breakdown);
    eprintln!(
        "mixed_language: {} of {} slides flagged in the German course; English course {:?}, German {:?}",
        mixed.len(),
        german.findings.iter().map(|f| f.slide).max().unwrap_or(0),
        english.verdict,
        german.verdict
    );
}
