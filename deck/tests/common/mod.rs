//! What the deck engine's integration tests share: the fixtures bootstrap
//! makes (scripts/fixtures), a course-shaped plan, and the folder of built
//! decks that `make decks` opens with independent readers.
#![allow(dead_code)] // each test file uses its own share of these

use std::path::PathBuf;

use deck::lint::{Finding, LintReport, Severity};
use deck::plan::{Bullet, DeckPlan, SlideContent, SlidePlan};

/// A fixture made by `scripts/fixtures/make_templates.py`.
pub fn fixture(name: &str) -> PathBuf {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../target/fixtures")
        .join(name);
    assert!(p.exists(), "{} missing — run scripts/bootstrap", p.display());
    p
}

pub fn course_like_plan(content_layout: Option<&str>) -> DeckPlan {
    let bullets = |n: usize| {
        (0..n)
            .map(|i| Bullet::Text(format!("Point number {i}")))
            .collect::<Vec<_>>()
    };
    let mut slides = vec![SlidePlan::new(SlideContent::Title {
        title: "Fire safety".into(),
        subtitle: "2-day course".into(),
    })];
    for m in 0..3 {
        slides.push(SlidePlan::new(SlideContent::Section {
            title: format!("Module {m}"),
            subtitle: "Day 1".into(),
        }));
        for t in 0..3 {
            let mut s = SlidePlan::new(SlideContent::Bullets {
                title: format!("Topic {m}.{t}"),
                bullets: bullets(4),
            });
            s.layout = content_layout.map(str::to_owned);
            slides.push(s);
        }
        slides.push(SlidePlan::new(SlideContent::TwoColumn {
            title: "Do and don't".into(),
            left_heading: String::new(),
            left: bullets(2),
            right_heading: String::new(),
            right: bullets(2),
        }));
    }
    slides.push(SlidePlan::new(SlideContent::Closing {
        title: "Questions?".into(),
        subtitle: "Thank you".into(),
    }));
    let slides = slides
        .into_iter()
        .map(|s| s.with_notes("Talk it through."))
        .collect();
    DeckPlan {
        title: None,
        lang: None,
        slides,
    }
}

/// Keeps a built deck for `make decks` (python-pptx, LibreOffice, the Open
/// XML validator and openxml-audit open every deck in target/test-decks).
pub fn save_deck(name: &str, bytes: &[u8]) {
    let dir = fixture("").join("../test-decks");
    std::fs::create_dir_all(&dir).expect("dir");
    std::fs::write(dir.join(name), bytes).expect("write");
}

/// A lint report's errors (what a deck built as meant must not have).
pub fn errors(report: &LintReport) -> Vec<&Finding> {
    report
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .collect()
}
