//! Templates crafted to make a reader fetch something, or to overflow the
//! engine's arithmetic. Each starts from a shipped sample template and
//! changes one thing.

use std::path::PathBuf;

use deck::opc::{Limits, Package, Rel};

fn sample() -> Package {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../server/samples/templates/Forest.pptx");
    let bytes = std::fs::read(path).expect("sample template");
    Package::from_bytes(&bytes, Limits::upload()).expect("open")
}

const LAYOUT: &str = "/ppt/slideLayouts/slideLayout1.xml";
const MASTER: &str = "/ppt/slideMasters/slideMaster1.xml";
const RT_HYPERLINK: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink";
const RT_IMAGE: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image";

fn add_rel(pkg: &mut Package, part: &str, id: &str, rel_type: &str, target: &str, external: bool) {
    let mut rels = pkg.rels(part).expect("rels");
    rels.push(Rel {
        id: id.into(),
        rel_type: rel_type.into(),
        target: target.into(),
        external,
    });
    pkg.set_rels(part, &rels);
}

/// Puts `shape` (a `p:pic` or `p:sp`) into the part's shape tree.
fn add_shape(pkg: &mut Package, part: &str, shape: &str) {
    let xml = String::from_utf8(pkg.part(part).expect("part").to_vec()).expect("utf8");
    let at = xml.find("</p:spTree>").expect("shape tree");
    let patched = format!("{}{shape}{}", &xml[..at], &xml[at..]);
    pkg.put(part, patched.into_bytes(), None);
}

fn picture(attr: &str) -> String {
    format!(
        r#"<p:pic><p:nvPicPr><p:cNvPr id="990" name="Linked"/><p:cNvPicPr/><p:nvPr/></p:nvPicPr><p:blipFill><a:blip {attr}/></p:blipFill><p:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="100" cy="100"/></a:xfrm></p:spPr></p:pic>"#
    )
}

#[test]
fn the_clean_sample_has_no_active_content() {
    assert_eq!(sample().active_content(), Vec::<String>::new());
}

#[test]
fn a_picture_linked_through_a_hyperlink_relationship_is_refused() {
    // The relationship is typed "hyperlink" with a web address — allowed on
    // text — but a picture's r:link uses it: a renderer would fetch it.
    let mut pkg = sample();
    add_rel(
        &mut pkg,
        MASTER,
        "rIdWeb",
        RT_HYPERLINK,
        "http://169.254.169.254/latest/meta-data/",
        true,
    );
    add_shape(&mut pkg, MASTER, &picture(r#"r:link="rIdWeb""#));
    let found = pkg.active_content();
    assert!(found.iter().any(|f| f.contains("linked picture")), "{found:?}");
    // The same address used as a hyperlink on a shape is fine.
    let mut pkg = sample();
    add_rel(
        &mut pkg,
        MASTER,
        "rIdWeb",
        RT_HYPERLINK,
        "https://example.com/",
        true,
    );
    add_shape(
        &mut pkg,
        MASTER,
        r#"<p:sp><p:nvSpPr><p:cNvPr id="991" name="Link"><a:hlinkClick r:id="rIdWeb"/></p:cNvPr><p:cNvSpPr/><p:nvPr/></p:nvSpPr><p:spPr/></p:sp>"#,
    );
    assert_eq!(pkg.active_content(), Vec::<String>::new());
}

#[test]
fn external_pictures_of_any_type_and_inline_addresses_are_refused() {
    let mut pkg = sample();
    add_rel(
        &mut pkg,
        LAYOUT,
        "rIdImg",
        RT_IMAGE,
        "http://attacker.example/x.png",
        true,
    );
    let found = pkg.active_content();
    assert!(
        found.iter().any(|f| f.contains("external image link")),
        "{found:?}"
    );

    let mut pkg = sample();
    pkg.put(
        "/ppt/drawings/vmlDrawing9.vml",
        br#"<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office"><v:shape><v:imagedata o:href="file:///etc/passwd"/></v:shape></xml>"#.to_vec(),
        Some("application/vnd.openxmlformats-officedocument.vmlDrawing"),
    );
    let found = pkg.active_content();
    assert!(
        found.iter().any(|f| f.contains("file:///etc/passwd")),
        "{found:?}"
    );
}

#[test]
fn svg_pictures_are_inspected() {
    let cases: [(&str, &str); 6] = [
        (
            r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><image xlink:href="file:///etc/hostname" width="10" height="10"/></svg>"#,
            "outside",
        ),
        (
            r#"<svg xmlns="http://www.w3.org/2000/svg"><image href="http://169.254.169.254/" width="10" height="10"/></svg>"#,
            "outside",
        ),
        (
            r#"<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><svg xmlns="http://www.w3.org/2000/svg"><text>&b;</text></svg>"#,
            "DTD",
        ),
        (
            r#"<svg xmlns="http://www.w3.org/2000/svg"><style>@import url(https://x.example/a.css);</style></svg>"#,
            "outside",
        ),
        (
            r#"<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill:url(http://x.example/#p)" width="1" height="1"/></svg>"#,
            "outside",
        ),
        (
            r#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#,
            "script",
        ),
    ];
    for (svg, why) in cases {
        let problem = deck::opc::svg_problem(svg.as_bytes());
        assert!(problem.is_some_and(|p| p.contains(why)), "{svg}: {problem:?}");
        let mut pkg = sample();
        pkg.put(
            "/ppt/media/image99.svg",
            svg.as_bytes().to_vec(),
            Some("image/svg+xml"),
        );
        assert!(
            pkg.active_content().iter().any(|f| f.contains("SVG")),
            "{svg} passed the package check"
        );
    }
    let fine = r##"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><defs><linearGradient id="g"/></defs><rect fill="url(#g)" width="5" height="5"/><use xlink:href="#g"/><image href="data:image/png;base64,iVBORw0KGgo=" width="1" height="1"/></svg>"##;
    assert_eq!(deck::opc::svg_problem(fine.as_bytes()), None);
    let big = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg">{}</svg>"#,
        "<g/>".repeat(600_000)
    );
    assert!(deck::opc::svg_problem(big.as_bytes()).is_some_and(|p| p.contains("2 MB")));
}

#[test]
fn a_dtd_anywhere_but_docprops_is_refused_and_docprops_are_written_fresh() {
    let mut pkg = sample();
    let theme = "/ppt/theme/theme1.xml";
    let xml = String::from_utf8(pkg.part(theme).expect("theme").to_vec()).expect("utf8");
    let with_dtd = xml.replacen("?>", "?><!DOCTYPE a:theme [<!ENTITY x \"y\">]>", 1);
    pkg.put(theme, with_dtd.into_bytes(), None);
    let found = pkg.active_content();
    assert!(found.iter().any(|f| f.contains("DTD")), "{found:?}");

    // A core.xml with a DTD is accepted at intake and never reaches a deck.
    let mut pkg = sample();
    let core = "/docProps/core.xml";
    let xml = String::from_utf8(pkg.part(core).expect("core").to_vec()).expect("utf8");
    pkg.put(
        core,
        xml.replacen("?>", "?><!DOCTYPE x [<!ENTITY e \"e\">]>", 1)
            .into_bytes(),
        None,
    );
    assert_eq!(pkg.active_content(), Vec::<String>::new());
    let template = deck::Template::from_package(pkg).expect("template");
    let plan = deck::DeckPlan {
        title: Some("Fresh properties".into()),
        lang: None,
        slides: vec![deck::SlidePlan::new(deck::SlideContent::Title {
            title: "A title".into(),
            subtitle: "A subtitle".into(),
        })],
    };
    let resolver = deck::build::DirResolver::new(std::env::temp_dir());
    let out = deck::build(&template, &plan, &resolver, &deck::BuildOptions::default()).expect("build");
    let built = Package::from_bytes(&out, Limits::default()).expect("reopen");
    let core = String::from_utf8(built.part("/docProps/core.xml").expect("core").to_vec()).expect("utf8");
    assert!(!core.contains("DOCTYPE"), "{core}");
    assert!(core.contains("Fresh properties"), "{core}");
}

#[test]
fn slide_sizes_outside_powerpoints_range_are_refused() {
    for (cx, cy) in [
        ("2000000000000000000", "6858000"),
        ("9223372036854775807", "9223372036854775807"),
        ("-9223372036854775808", "6858000"),
        ("99999999999999999999999", "6858000"),
        ("0", "6858000"),
        ("12192000", "-1"),
    ] {
        let mut pkg = sample();
        let pres = "/ppt/presentation.xml";
        let xml = String::from_utf8(pkg.part(pres).expect("pres").to_vec()).expect("utf8");
        let start = xml.find("<p:sldSz").expect("sldSz");
        let end = start + xml[start..].find("/>").expect("end") + 2;
        let patched = format!(
            "{}<p:sldSz cx=\"{cx}\" cy=\"{cy}\"/>{}",
            &xml[..start],
            &xml[end..]
        );
        pkg.put(pres, patched.into_bytes(), None);
        let err = deck::Template::from_package(pkg)
            .map(|_| ())
            .expect_err("refused");
        assert!(err.to_string().contains("slide size"), "{cx}×{cy}: {err}");
    }
}

#[test]
fn shape_positions_and_sizes_at_the_extremes_are_clamped_not_overflowed() {
    for (x, cx) in [
        ("9223372036854775807", "9223372036854775807"),
        ("-9223372036854775808", "-9223372036854775808"),
        ("99999999999999999999999", "1"),
    ] {
        let mut pkg = sample();
        let xml = String::from_utf8(pkg.part(LAYOUT).expect("layout").to_vec()).expect("utf8");
        let shape = format!(
            r#"<p:sp><p:nvSpPr><p:cNvPr id="992" name="Huge"/><p:cNvSpPr/><p:nvPr><p:ph type="body" idx="77"/></p:nvPr></p:nvSpPr><p:spPr><a:xfrm><a:off x="{x}" y="{x}"/><a:ext cx="{cx}" cy="{cx}"/></a:xfrm></p:spPr><p:txBody><a:bodyPr lIns="{x}"/><a:p/></p:txBody></p:sp>"#
        );
        let at = xml.find("</p:spTree>").expect("tree");
        pkg.put(
            LAYOUT,
            format!("{}{shape}{}", &xml[..at], &xml[at..]).into_bytes(),
            None,
        );
        // Opening rates every layout (overlaps, areas, contrast) and must
        // not overflow; a deck still builds on it.
        let template = deck::Template::from_package(pkg).expect("opens");
        let rect = template
            .layouts
            .iter()
            .flat_map(|l| l.placeholders.iter())
            .find(|p| p.idx == Some(77))
            .and_then(|p| p.rect)
            .expect("the huge box");
        assert!(
            rect.x.abs() <= deck::ooxml::COORDINATE_LIMIT && rect.cx >= 0,
            "{rect:?}"
        );
        let plan = deck::DeckPlan {
            title: None,
            lang: None,
            slides: vec![deck::SlidePlan::new(deck::SlideContent::Bullets {
                title: "Bullets".into(),
                bullets: vec![deck::Bullet::Text("A point".into())],
            })],
        };
        let resolver = deck::build::DirResolver::new(std::env::temp_dir());
        deck::build(&template, &plan, &resolver, &deck::BuildOptions::default()).expect("build");
    }
}
