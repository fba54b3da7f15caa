//! The designer's intent on corporate-style templates (several masters, a
//! decorative title master, a plain content master, sample slides; made by
//! scripts/fixtures/corporate.py): titles and sections go where the samples
//! put them, content goes on the content master, never over the brand
//! decoration — and a deck that ignores this is caught by the lint.

use std::path::PathBuf;

use deck::build::{build_with_report, DirResolver};
use deck::lint::{lint, Severity};
use deck::plan::{Bullet, DeckPlan, SlideContent, SlidePlan};
use deck::{BuildOptions, Role, Template};

fn fixture(name: &str) -> PathBuf {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../target/fixtures")
        .join(name);
    assert!(p.exists(), "{} missing — run scripts/bootstrap", p.display());
    p
}

fn course_like_plan(content_layout: Option<&str>) -> DeckPlan {
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

#[test]
fn sample_slides_decide_which_master_each_role_uses() {
    for (name, samples) in [
        ("corporate-title-first.pptx", true),
        ("corporate-content-first.pptx", true),
        ("corporate-dark.pptx", true),
        ("corporate-no-samples.pptx", false),
        ("corporate-libreoffice.pptx", true),
        ("corporate-photo.pptx", true),
    ] {
        let t = Template::open(&fixture(name)).expect(name);
        assert!(t.masters.len() >= 2, "{name}");
        assert_eq!(t.intent.sample_slides > 0, samples, "{name}");
        let title = t.layout_for_role(Role::Title).expect("title layout");
        let content = t.layout_for_role(Role::Content).expect("content layout");
        let has_band = |master: &str| {
            t.master_styles[master]
                .decorations
                .iter()
                .any(|d| d.name == "Brand band")
        };
        assert!(
            has_band(&title.master),
            "{name}: title slide not on the brand master"
        );
        assert!(
            !has_band(&content.master),
            "{name}: content on the brand master ({})",
            content.name
        );
        assert!(content.readable(), "{name}: {:?}", content.readability);
        if samples {
            assert_eq!(Some(&title.master), t.intent.title_master.as_ref(), "{name}");
            assert!(t.intent.content_masters.contains(&content.master), "{name}");
        }
        // The brand master's own content layout runs across the band: unreadable.
        let trap = t.layouts.iter().find(|l| l.name == "Brand Title and Content");
        if let Some(trap) = trap {
            assert!(!trap.readable(), "{name}: {:?}", trap.readability);
        }
    }
}

#[test]
fn a_built_course_follows_the_intent_and_a_deck_that_ignores_it_is_caught() {
    let resolver = DirResolver::new(fixture(""));
    for name in [
        "corporate-title-first.pptx",
        "corporate-content-first.pptx",
        "corporate-dark.pptx",
        "corporate-no-samples.pptx",
        "corporate-photo.pptx",
    ] {
        let t = Template::open(&fixture(name)).expect(name);
        let (bytes, built) =
            build_with_report(&t, &course_like_plan(None), &resolver, &BuildOptions::default())
                .expect("build");
        let title_master = &t.layout_for_role(Role::Title).expect("title").master;
        for s in &built {
            let layout = t
                .layouts
                .iter()
                .find(|l| l.part == s.layout)
                .expect("layout of the template");
            match s.role {
                Some(Role::Title | Role::Closing) => assert_eq!(&layout.master, title_master, "{name}"),
                Some(Role::Content | Role::TwoColumn) => {
                    assert_ne!(&layout.master, title_master, "{name}: {s:?}");
                    assert!(layout.readable(), "{name}: {}", layout.name);
                }
                _ => {}
            }
        }
        let report = lint(&bytes).expect("lint");
        let errors: Vec<_> = report
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .collect();
        assert!(errors.is_empty(), "{name}: {errors:#?}");
        std::fs::create_dir_all(fixture("").join("../test-decks")).expect("dir");
        std::fs::write(fixture("").join(format!("../test-decks/intent-{}", name)), &bytes).expect("write");

        // The same course with content forced onto the brand master's own
        // content layout (what a classification-only engine did).
        if t.layout_named("Brand Title and Content").is_some() {
            let bad = deck::build(
                &t,
                &course_like_plan(Some("Brand Title and Content")),
                &resolver,
                &BuildOptions::default(),
            )
            .expect("build");
            let report = lint(&bad).expect("lint");
            let over = report
                .findings
                .iter()
                .filter(|f| f.code == "over_decoration")
                .count();
            assert!(over >= 9, "{name}: {over} slides over decoration: {report:#?}");
            assert!(report.score < 90, "{name}: {}", report.score);
            assert_ne!(report.verdict, deck::lint::Verdict::Pass, "{name}");
        }
    }
}
