//! Decks that hold up on any template (issue #26), on fixtures that
//! reproduce what users brought (scripts/fixtures/quality.py): a stock theme
//! whose four masters go from heavily decorated to clean, a content layout
//! whose title box is a short ribbon.

mod common;

use common::{course_like_plan, fixture, save_deck};
use deck::build::{build_with_report, DirResolver};
use deck::lint::lint;
use deck::{BuildOptions, Role, Template};

#[test]
fn content_goes_on_the_cleanest_master_when_samples_do_not_decide() {
    let t = Template::open(&fixture("four-masters.pptx")).expect("template");
    assert_eq!(t.masters.len(), 4);
    // Blank sample slides, one per master: they say nothing about roles.
    assert_eq!(t.intent.sample_slides, 4);
    assert!(t.intent.content_masters.is_empty());

    // The first three masters' content layouts run over their shapes; the
    // fourth's only has a rule under its title.
    let content: Vec<_> = t
        .layouts
        .iter()
        .filter(|l| l.name == "Title and Content")
        .collect();
    assert_eq!(content.len(), 4);
    for (l, dirty) in content.iter().zip([true, true, true, false]) {
        assert_eq!(l.body_problem(), dirty, "{}: {:?}", l.master, l.readability);
    }
    assert!(content[0].readability_cost() > content[2].readability_cost());
    assert!(content[2].readability_cost() > content[3].readability_cost());

    for role in [Role::Content, Role::TwoColumn, Role::Comparison] {
        let l = t.layout_for_role(role).expect("a layout");
        assert_eq!(
            l.master, "/ppt/slideMasters/slideMaster4.xml",
            "{role:?} on {}",
            l.name
        );
    }

    let resolver = DirResolver::new(fixture(""));
    let (bytes, built) =
        build_with_report(&t, &course_like_plan(None), &resolver, &BuildOptions::default()).expect("build");
    for s in built.iter().filter(|s| s.role.is_some_and(|r| !r.is_heading())) {
        assert!(s.layout.starts_with("/ppt/slideLayouts/slideLayout"), "{s:?}");
        let layout = t.layouts.iter().find(|l| l.part == s.layout).expect("layout");
        assert_eq!(layout.master, "/ppt/slideMasters/slideMaster4.xml", "{s:?}");
    }
    let report = lint(&bytes).expect("lint");
    let errors = common::errors(&report);
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(report.verdict, deck::lint::Verdict::Pass, "{}", report.score);
    save_deck("quality-four-masters.pptx", &bytes);
}

#[test]
fn findings_name_the_shape_and_where_it_is_drawn() {
    let t = Template::open(&fixture("four-masters.pptx")).expect("template");
    // Forced onto the first master's content layout (the first of four
    // with the same name), every content slide is over its block.
    let resolver = DirResolver::new(fixture(""));
    let bad = deck::build(
        &t,
        &course_like_plan(Some("Title and Content")),
        &resolver,
        &BuildOptions::default(),
    )
    .expect("build");
    let report = lint(&bad).expect("lint");
    let over: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.code == "over_decoration")
        .collect();
    assert_eq!(over.len(), 9, "{report:#?}");
    assert!(
        over[0]
            .message
            .contains("“Rectangle 7” of the master slideMaster1"),
        "{}",
        over[0].message
    );
    // The second master's shape has no name: it is described, and the
    // layout it is seen through is told apart from its namesakes.
    let second = t
        .layouts
        .iter()
        .find(|l| l.master.ends_with("slideMaster2.xml") && l.name == "Title and Content")
        .expect("layout");
    let body = second
        .readability
        .iter()
        .find(|r| r.problem && r.is_body())
        .expect("a problem");
    assert_eq!(body.over_decoration.as_deref(), Some(""));
    assert_eq!(body.over_source.as_deref(), Some("master slideMaster2"));
    assert_eq!(
        deck::readability::describe_decoration(body.over_decoration.as_deref().unwrap_or("?")),
        "an unnamed filled shape"
    );
}

#[test]
fn long_titles_move_to_a_wider_title_box_or_are_shortened_never_tiny() {
    use deck::plan::{Bullet, DeckPlan, SlideContent, SlidePlan};
    let t = Template::open(&fixture("ribbon-title.pptx")).expect("template");
    let ribbon = t.layout_for_role(Role::Content).expect("content layout");
    assert_eq!(ribbon.name, "Content ribbon", "the designer's sample decides");
    let slide = |title: &str| {
        SlidePlan::new(SlideContent::Bullets {
            title: title.into(),
            bullets: vec![Bullet::Text("A point".into()), Bullet::Text("Another".into())],
        })
        .with_notes("Talk it through.")
    };
    let long = "Key concepts of service management and value co-creation";
    let very_long = "Continual improvement: how the model, the register and the measures of \
                     success fit together across every practice of the organisation and its partners";
    let plan = DeckPlan {
        title: None,
        lang: None,
        slides: vec![slide("Agenda"), slide(long), slide(very_long)],
    };
    let size = |l: &str, text: &str| {
        let layout = t.layouts.iter().find(|x| x.name == l).expect("layout");
        deck::build::title_size(&t, layout, text).expect("a title box")
    };
    // What happened before: the long title shrank below 24 pt in the ribbon.
    assert!(
        size("Content ribbon", long).0 < 24.0,
        "{:?}",
        size("Content ribbon", long)
    );

    let resolver = DirResolver::new(fixture(""));
    let (bytes, built) = build_with_report(&t, &plan, &resolver, &BuildOptions::default()).expect("build");
    let layout_of = |i: usize| {
        &t.layouts
            .iter()
            .find(|l| l.part == built[i].layout)
            .expect("layout")
            .name
    };
    assert_eq!(built.len(), 3);
    assert_eq!(layout_of(0), "Content ribbon");
    assert_eq!(layout_of(1), "Content wide title");
    assert!(size("Content wide title", long).0 >= 24.0);
    // Too long for any title box: cut at its colon, the rest leads the body.
    assert_eq!(layout_of(2), "Content ribbon");
    let text = deck::lint::slide_paragraphs(&bytes).expect("texts");
    assert_eq!(
        text[2].first().map(String::as_str),
        Some("Continual improvement"),
        "{text:?}"
    );
    assert!(text[2][1].starts_with("how the model"), "{text:?}");
    let report = lint(&bytes).expect("lint");
    let small: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.code == "small_title")
        .collect();
    assert!(small.is_empty(), "{small:#?}");
    save_deck("quality-ribbon-title.pptx", &bytes);

    // The same deck with the title left where it was is caught by the lint.
    let mut pinned = plan.clone();
    pinned.slides[1].layout = Some("Content ribbon".into());
    let bytes = deck::build(&t, &pinned, &resolver, &BuildOptions::default()).expect("build");
    let report = lint(&bytes).expect("lint");
    assert!(
        report
            .findings
            .iter()
            .any(|f| f.code == "small_title" && f.slide == 2),
        "{report:#?}"
    );
}
