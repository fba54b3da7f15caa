//! The designer's intent on corporate-style templates (several masters, a
//! decorative title master, a plain content master, sample slides; made by
//! scripts/fixtures/corporate.py): titles and sections go where the samples
//! put them, content goes on the content master, never over the brand
//! decoration — and a deck that ignores this is caught by the lint.

mod common;

use common::{course_like_plan, fixture, save_deck};
use deck::build::{build_with_report, DirResolver};
use deck::lint::lint;
use deck::{BuildOptions, Role, Template};

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
        let errors = common::errors(&report);
        assert!(errors.is_empty(), "{name}: {errors:#?}");
        save_deck(&format!("intent-{name}"), &bytes);

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
