//! The engine on real templates: python-pptx's default, pandoc's reference
//! deck, a .potx, and our odd-names fixture (see scripts/fixtures). Every deck
//! built here passes the invariant checker and is written to
//! `target/test-decks/` where `scripts/validate-decks` opens it with
//! python-pptx, LibreOffice and the OOXML validators.

use std::collections::BTreeMap;
use std::path::PathBuf;

use deck::build::DirResolver;
use deck::check::check_bytes;
use deck::plan::{Bullet, DeckPlan, SlideContent, SlidePlan};
use deck::{build, BuildOptions, LayoutKind, Template};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The fixtures made by `scripts/fixtures/make_templates.py` (bootstrap runs it).
fn fixtures() -> PathBuf {
    let dir = std::env::var_os("COURSEWARE_FIXTURES")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target/fixtures"));
    assert!(
        dir.join("python-pptx-default.pptx").exists(),
        "test templates missing in {} — run scripts/bootstrap",
        dir.display()
    );
    dir
}

const TEMPLATES: &[&str] = &[
    "python-pptx-default.pptx",
    "python-pptx-default.potx",
    "pandoc-reference.pptx",
    "odd-names.pptx",
    "libreoffice.pptx",
    "corporate-title-first.pptx",
    "corporate-content-first.pptx",
    "corporate-dark.pptx",
    "corporate-no-samples.pptx",
    "corporate-libreoffice.pptx",
    "corporate-photo.pptx",
];

fn out_dir() -> PathBuf {
    let d = root().join("target/test-decks");
    std::fs::create_dir_all(&d).expect("out dir");
    d
}

fn b(s: &str) -> Bullet {
    Bullet::Text(s.into())
}

fn full_plan() -> DeckPlan {
    let mut replace = BTreeMap::new();
    replace.insert("{{topic}}".to_string(), "Fire safety".to_string());
    let slides = vec![
        SlidePlan::new(SlideContent::Title {
            title: "Fire safety for site leads".into(),
            subtitle: "Day 1 of 2".into(),
        })
        .with_notes("Welcome. Introduce yourself and the course goals."),
        SlidePlan::new(SlideContent::Agenda {
            title: "Agenda".into(),
            items: vec![b("Why fires start"), b("Prevention"), b("Evacuation")],
        }),
        SlidePlan::new(SlideContent::Section {
            title: "Module 1: Why fires start".into(),
            subtitle: "Heat, fuel, oxygen".into(),
        }),
        SlidePlan::new(SlideContent::Bullets {
            title: "The fire triangle".into(),
            bullets: vec![
                b("Heat"),
                Bullet::Leveled {
                    text: "Hot work, faulty wiring".into(),
                    level: 1,
                },
                b("Fuel"),
                b("Oxygen & <air> \"quoted\" \u{0}control\u{1b} chars"),
            ],
        })
        .with_notes("Ask for examples from their own sites.\n\nThen show the video."),
        SlidePlan::new(SlideContent::TwoColumn {
            title: "Do and don't".into(),
            left_heading: String::new(),
            left: vec![b("Keep exits clear")],
            right_heading: String::new(),
            right: vec![b("Prop fire doors open")],
        }),
        SlidePlan::new(SlideContent::TwoColumn {
            title: "Before and after".into(),
            left_heading: "Before".into(),
            left: vec![b("Cluttered store room")],
            right_heading: "After".into(),
            right: vec![b("Labelled shelves")],
        }),
        SlidePlan::new(SlideContent::Picture {
            title: "Assembly point".into(),
            image: "wide.png".into(),
            caption: "Car park B".into(),
            alt: "Map of the assembly point".into(),
        }),
        SlidePlan::new(SlideContent::Picture {
            title: "Extinguisher".into(),
            image: "tall.jpg".into(),
            caption: String::new(),
            alt: String::new(),
        }),
        SlidePlan::new(SlideContent::Table {
            title: "Extinguisher types".into(),
            header: vec!["Type".into(), "Use on".into(), "Never on".into()],
            rows: vec![
                vec!["Water".into(), "Paper, wood".into(), "Electrics".into()],
                vec!["CO2".into(), "Electrics".into()],
            ],
        }),
        SlidePlan::new(SlideContent::Quote {
            text: "Prevention beats cure.".into(),
            attribution: "Site manual".into(),
        }),
        SlidePlan::new(SlideContent::Clone {
            deck: "bank.pptx".into(),
            slide: 1,
            replace: replace.clone(),
        }),
        SlidePlan::new(SlideContent::Clone {
            deck: "bank.pptx".into(),
            slide: 2,
            replace: replace.clone(),
        })
        .with_notes("Our own notes replace the bank's."),
        SlidePlan::new(SlideContent::Clone {
            deck: "bank.pptx".into(),
            slide: 3,
            replace,
        }),
        SlidePlan::new(SlideContent::Clone {
            deck: "bank.pptx".into(),
            slide: 1,
            replace: BTreeMap::new(),
        }),
    ];
    // Every slide has speaker notes, as every course slide does.
    let slides = slides
        .into_iter()
        .enumerate()
        .map(|(i, s)| {
            if s.notes.is_empty() {
                s.with_notes(format!("Notes for slide {}.", i + 1))
            } else {
                s
            }
        })
        .collect();
    DeckPlan {
        title: Some("Fire safety".into()),
        lang: Some("en-GB".into()),
        slides,
    }
}

#[test]
fn layouts_are_classified_by_placeholders_whatever_their_names() {
    let dir = fixtures();
    for name in [
        "python-pptx-default.pptx",
        "odd-names.pptx",
        "python-pptx-default.potx",
    ] {
        let t = Template::open(&dir.join(name)).expect(name);
        let kinds: Vec<LayoutKind> = t.layouts.iter().map(|l| l.kind).collect();
        for want in [
            LayoutKind::Title,
            LayoutKind::SectionHeader,
            LayoutKind::TitleBody,
            LayoutKind::TwoContent,
            LayoutKind::Comparison,
            LayoutKind::TitleOnly,
            LayoutKind::Blank,
            LayoutKind::PictureCaption,
        ] {
            assert!(kinds.contains(&want), "{name}: no {want:?} among {kinds:?}");
        }
    }
    let odd = Template::open(&dir.join("odd-names.pptx")).expect("odd");
    let section = odd.layout_of(LayoutKind::SectionHeader).expect("section");
    assert_eq!(section.name, "Kapitel");
    let pandoc = Template::open(&dir.join("pandoc-reference.pptx")).expect("pandoc");
    assert!(pandoc.layout_of(LayoutKind::Title).is_some());
    assert!(pandoc.layout_of(LayoutKind::TitleBody).is_some());
}

#[test]
fn every_template_builds_a_deck_that_keeps_the_invariants() {
    let dir = fixtures();
    let plan = full_plan();
    let resolver = DirResolver::new(&dir);
    for name in TEMPLATES {
        let t = Template::open(&dir.join(name)).expect(name);
        let bytes =
            build(&t, &plan, &resolver, &BuildOptions::default()).unwrap_or_else(|e| panic!("{name}: {e}"));
        let problems = check_bytes(&bytes).expect("readable");
        assert!(problems.is_empty(), "{name}: {problems:#?}");
        let out = out_dir().join(format!("full-{}.pptx", name.replace('.', "-")));
        std::fs::write(&out, &bytes).expect("write");
        // Cloned bank slides are rescaled to the template's slide size; nothing overflows.
        let report = deck::lint::lint(&bytes).expect("lint");
        let bad: Vec<_> = report
            .findings
            .iter()
            .filter(|f| matches!(f.code, "overflow" | "off_slide"))
            .collect();
        assert!(bad.is_empty(), "{name}: {bad:#?}");

        // The output is a presentation with exactly the planned slides.
        let again = Template::from_bytes(&bytes).expect("reopens");
        assert!(!again.was_template);
        let pkg = again.package();
        let slides = pkg
            .part_names()
            .filter(|n| n.starts_with("/ppt/slides/slide") && n.ends_with(".xml"))
            .count();
        assert_eq!(slides, plan.slides.len(), "{name}");
        let notes = pkg
            .part_names()
            .filter(|n| n.starts_with("/ppt/notesSlides/notesSlide") && n.ends_with(".xml"))
            .count();
        assert_eq!(notes, plan.slides.len(), "{name}");
        // Template sample slides are gone; the chart and its workbook came along twice.
        let all: String = pkg.part_names().cloned().collect::<Vec<_>>().join(" ");
        assert_eq!(
            pkg.part_names()
                .filter(|n| n.starts_with("/ppt/charts/chart") && n.ends_with(".xml"))
                .count(),
            2,
            "{all}"
        );
        assert_eq!(
            pkg.part_names()
                .filter(|n| n.starts_with("/ppt/embeddings/"))
                .count(),
            2,
            "{all}"
        );
        // wide.png is used by the plan and by two bank slides: stored once
        // (beside the template's own pictures).
        let own = t.package().part_names().filter(|n| n.ends_with(".png")).count();
        let pngs: Vec<_> = pkg.part_names().filter(|n| n.ends_with(".png")).collect();
        assert_eq!(pngs.len(), 1 + own, "{pngs:?}");
        let (_, order) = deck::opc::slides_of(pkg).expect("slides");
        let text = String::from_utf8_lossy(pkg.get(&order[10]).expect("slide 11"));
        assert!(text.contains("Fire safety in numbers"), "{text}");
        let text = String::from_utf8_lossy(pkg.get(&order[13]).expect("slide 14"));
        assert!(text.contains("{{topic}} in numbers"));
        // Notes on every slide, nothing unreadable where the builder put text.
        let unwanted: Vec<_> = report
            .findings
            .iter()
            .filter(|f| {
                matches!(
                    f.code,
                    "missing_notes" | "empty_notes" | "low_contrast" | "over_decoration"
                )
            })
            .filter(|f| f.slide <= 10)
            .collect();
        assert!(unwanted.is_empty(), "{name}: {unwanted:#?}");
    }
}

#[test]
fn output_is_deterministic() {
    let dir = fixtures();
    let t = Template::open(&dir.join("python-pptx-default.pptx")).expect("t");
    let resolver = DirResolver::new(&dir);
    let opts = BuildOptions {
        timestamp: Some("2026-01-02T03:04:05Z".into()),
        ..BuildOptions::default()
    };
    let a = build(&t, &full_plan(), &resolver, &opts).expect("a");
    let b = build(&t, &full_plan(), &resolver, &opts).expect("b");
    assert_eq!(a, b);
}

#[test]
fn hostile_and_broken_inputs_are_typed_errors() {
    use deck::DeckError;
    assert!(matches!(
        Template::from_bytes(b"PK\x03\x04garbage"),
        Err(DeckError::NotAPackage(_))
    ));
    assert!(Template::from_bytes(&[]).is_err());
    let good = std::fs::read(fixtures().join("python-pptx-default.pptx")).expect("read");
    assert!(Template::from_bytes(&good[..good.len() / 2]).is_err());

    // A zip bomb: one highly compressible 64 MiB entry.
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    w.start_file("[Content_Types].xml", zip::write::SimpleFileOptions::default())
        .expect("start");
    std::io::Write::write_all(&mut w, &vec![b' '; 64 << 20]).expect("write");
    let bomb = w.finish().expect("finish").into_inner();
    assert!(
        matches!(Template::from_bytes(&bomb), Err(DeckError::Limit(_))),
        "bomb accepted"
    );

    // A path escaping the package.
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    w.start_file("../../evil.xml", zip::write::SimpleFileOptions::default())
        .expect("start");
    std::io::Write::write_all(&mut w, b"<x/>").expect("write");
    let escape = w.finish().expect("finish").into_inner();
    assert!(Template::from_bytes(&escape).is_err());

    // A plan that names a layout the template lacks, or a missing image.
    let t = Template::from_bytes(&good).expect("t");
    let resolver = DirResolver::new(fixtures());
    let mut plan = DeckPlan::default();
    plan.slides.push(SlidePlan {
        layout: Some("No such layout".into()),
        ..SlidePlan::new(SlideContent::Bullets {
            title: "x".into(),
            bullets: vec![],
        })
    });
    assert!(matches!(
        build(&t, &plan, &resolver, &BuildOptions::default()),
        Err(DeckError::Plan(_))
    ));
    plan.slides[0] = SlidePlan::new(SlideContent::Picture {
        title: "x".into(),
        image: "missing.png".into(),
        caption: String::new(),
        alt: String::new(),
    });
    assert!(matches!(
        build(&t, &plan, &resolver, &BuildOptions::default()),
        Err(DeckError::Asset { .. })
    ));
    assert!(matches!(
        build(&t, &DeckPlan::default(), &resolver, &BuildOptions::default()),
        Err(DeckError::Plan(_))
    ));
}

/// Bullets that cannot fit move to continuation slides; text that can fit
/// when shrunk gets an explicit `fontScale`.
#[test]
fn long_text_shrinks_then_continues_on_another_slide() {
    let dir = fixtures();
    let resolver = DirResolver::new(&dir);
    let long = "Check the route to the assembly point every week and record any obstruction in the site log";
    let plan = DeckPlan {
        title: None,
        lang: Some("fr-FR".into()),
        slides: vec![
            SlidePlan::new(SlideContent::Bullets {
                title: "Eight long points".into(),
                bullets: (0..8).map(|_| b(long)).collect(),
            }),
            SlidePlan::new(SlideContent::Bullets {
                title: "Thirty long points".into(),
                bullets: (0..30)
                    .map(|i| Bullet::Leveled {
                        text: format!("{i}: {long}"),
                        level: (i % 2) as u8,
                    })
                    .collect(),
            })
            .with_notes("Notes stay with the first part."),
        ],
    };
    for name in TEMPLATES {
        let t = Template::open(&dir.join(name)).expect(name);
        let bytes = build(&t, &plan, &resolver, &BuildOptions::default()).expect("build");
        assert!(check_bytes(&bytes).expect("check").is_empty());
        std::fs::write(
            out_dir().join(format!("fit-{}.pptx", name.replace('.', "-"))),
            &bytes,
        )
        .expect("write");
        let again = Template::from_bytes(&bytes).expect("reopen");
        let pkg = again.package();
        let (_, slides) = deck::opc::slides_of(pkg).expect("slides");
        assert!(
            slides.len() >= 3,
            "{name}: 30 long bullets should need continuation slides, got {}",
            slides.len()
        );
        let first = String::from_utf8_lossy(pkg.get(&slides[0]).expect("s1")).to_string();
        assert!(
            first.contains("fontScale=\""),
            "{name}: eight long bullets should be shrunk"
        );
        // Every bullet made it into the deck exactly once, continuation slides titled so.
        let all: String = slides
            .iter()
            .map(|s| String::from_utf8_lossy(pkg.get(s).expect("slide")).to_string())
            .collect();
        assert!(all.contains("Thirty long points (suite)"), "{name}");
        for i in 0..30 {
            assert_eq!(
                all.matches(&format!(">{i}: Check")).count(),
                1,
                "{name}: bullet {i}"
            );
        }
        // No shrink below the floor.
        for s in &slides {
            let x = String::from_utf8_lossy(pkg.get(s).expect("slide")).to_string();
            for part in x.split("fontScale=\"").skip(1) {
                let v: u32 = part.split('"').next().expect("value").parse().expect("number");
                assert!(v >= 70_000, "{name}: fontScale {v}");
            }
        }
    }
}

#[test]
fn lint_passes_built_decks_and_catches_overflow() {
    let dir = fixtures();
    let resolver = DirResolver::new(&dir);
    let t = Template::open(&dir.join("python-pptx-default.pptx")).expect("t");
    let bytes = build(&t, &full_plan(), &resolver, &BuildOptions::default()).expect("build");
    let report = deck::lint::lint(&bytes).expect("lint");
    assert_eq!(report.slides, 14);
    assert!(
        report.findings.iter().all(|f| f.code != "overflow"),
        "{:#?}",
        report.findings
    );
    assert_ne!(report.verdict, deck::lint::Verdict::Fail, "{report:#?}");

    // The same long bullets without the engine's shrink overflow.
    let long = "Check the route to the assembly point every week and record any obstruction in the site log";
    let plan = DeckPlan {
        title: None,
        lang: None,
        slides: vec![SlidePlan::new(SlideContent::Bullets {
            title: "Long".into(),
            bullets: (0..8).map(|_| b(long)).collect(),
        })],
    };
    let fitted = build(&t, &plan, &resolver, &BuildOptions::default()).expect("build");
    assert!(deck::lint::lint(&fitted)
        .expect("lint")
        .findings
        .iter()
        .all(|f| f.code != "overflow"));
    let mut pkg = deck::opc::Package::from_bytes(&fitted, deck::opc::Limits::default()).expect("pkg");
    let (_, slides) = deck::opc::slides_of(&pkg).expect("slides");
    let xml = String::from_utf8(pkg.get(&slides[0]).expect("slide").to_vec()).expect("utf8");
    let start = xml.find("<a:normAutofit fontScale").expect("shrunk");
    let end = xml[start..].find("/>").expect("end") + start + 2;
    let unshrunk = format!("{}<a:normAutofit/>{}", &xml[..start], &xml[end..]);
    pkg.put(&slides[0], unshrunk.into_bytes(), None);
    let broken = pkg.to_bytes().expect("bytes");
    let report = deck::lint::lint(&broken).expect("lint");
    assert!(
        report
            .findings
            .iter()
            .any(|f| f.code == "overflow" && f.slide == 1),
        "{report:#?}"
    );
    assert_eq!(report.verdict, deck::lint::Verdict::Fail);
}

/// A bank slide whose layout has no counterpart in the target template
/// (LibreOffice's "Title, 4 Content") brings its layout and master along,
/// once, however many slides use it.
#[test]
fn an_unmatched_layout_is_imported_once_with_its_master() {
    let dir = fixtures();
    let resolver = DirResolver::new(&dir);
    let lo = Template::open(&dir.join("libreoffice.pptx")).expect("lo");
    let four = lo
        .layouts
        .iter()
        .find(|l| l.name == "Title, 4 Content")
        .expect("layout")
        .name
        .clone();
    let source_plan = DeckPlan {
        title: None,
        lang: None,
        slides: vec![SlidePlan {
            layout: Some(four),
            ..SlidePlan::new(SlideContent::Bullets {
                title: "Four boxes".into(),
                bullets: vec![b("first box")],
            })
        }],
    };
    let source = build(&lo, &source_plan, &resolver, &BuildOptions::default()).expect("source deck");
    let tmp = tempfile::tempdir().expect("tmp");
    std::fs::write(tmp.path().join("four.pptx"), &source).expect("write");

    let target = Template::open(&dir.join("python-pptx-default.pptx")).expect("target");
    let masters_before = target.masters.len();
    let clone = |n| {
        SlidePlan::new(SlideContent::Clone {
            deck: "four.pptx".into(),
            slide: n,
            replace: BTreeMap::new(),
        })
        .with_notes("Walk through the four panels.")
    };
    let plan = DeckPlan {
        title: None,
        lang: None,
        slides: vec![clone(1), clone(1)],
    };
    let bytes = build(
        &target,
        &plan,
        &DirResolver::new(tmp.path()),
        &BuildOptions::default(),
    )
    .expect("build");
    assert!(check_bytes(&bytes).expect("check").is_empty());
    std::fs::write(out_dir().join("imported-layout.pptx"), &bytes).expect("write");
    let again = Template::from_bytes(&bytes).expect("reopen");
    assert_eq!(again.masters.len(), masters_before + 1, "one imported master");
    let imported: Vec<_> = again
        .layouts
        .iter()
        .filter(|l| l.name == "Title, 4 Content")
        .collect();
    assert_eq!(imported.len(), 1, "the layout is imported once");
    let text: String = deck::opc::slides_of(again.package())
        .expect("slides")
        .1
        .iter()
        .map(|s| String::from_utf8_lossy(again.package().get(s).expect("slide")).to_string())
        .collect();
    assert_eq!(text.matches("first box").count(), 2);
}
