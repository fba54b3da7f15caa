//! Slide previews and PDF export of a finished job, rendered on first view
//! by the real LibreOffice and pdftoppm: a PDF with one page per slide,
//! page images at two sizes that browsers may keep, the notes of each
//! slide; and with previews unavailable, a job that still completes and
//! downloads.

use crate::common;

use std::time::Duration;

use common::{Client, TestApp, ADMIN_EMAIL, ADMIN_PASSWORD};

async fn finished_job(c: &Client) -> String {
    c.finished_job("Previewed course", "Ocean.pptx").await
}

#[tokio::test]
async fn a_finished_deck_is_shown_as_pages_and_exported_as_pdf() {
    let dir = tempfile::tempdir().expect("tmp");
    let app = TestApp::start_with(common::config(dir.path())).await;
    let c = Client::signed_in(&app.base, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let id = finished_job(&c).await;
    let slides = c.job(&id).await["job"]["slide_count"].as_u64().expect("slides") as usize;

    let started = std::time::Instant::now();
    let res = c.call("/api/jobs/previews", &[("id", id.as_str())]).await;
    assert_eq!(res.status(), 200);
    let p: serde_json::Value = res.json().await.expect("json");
    eprintln!(
        "rendered {slides} slides in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    assert_eq!(p["unavailable"], serde_json::Value::Null, "{p}");
    assert_eq!(p["pages"].as_u64(), Some(slides as u64));
    let notes = p["notes"].as_array().expect("notes");
    assert_eq!(notes.len(), slides);
    assert!(notes
        .iter()
        .all(|n| n.as_str().is_some_and(|n| n.starts_with("About "))));

    let res = c.get(&format!("/api/jobs/{id}/pdf")).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/pdf");
    assert!(res.headers()["content-disposition"]
        .to_str()
        .expect("ascii")
        .contains("Previewed course.pdf"));
    let pdf = res.bytes().await.expect("pdf");
    let file = dir.path().join("deck.pdf");
    std::fs::write(&file, &pdf).expect("write");
    let info = std::process::Command::new("pdfinfo")
        .arg(&file)
        .output()
        .expect("pdfinfo");
    let info = String::from_utf8_lossy(&info.stdout);
    let pages: usize = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("pages");
    assert_eq!(pages, slides, "one page per slide");

    for size in ["thumb", "large"] {
        let res = c.get(&format!("/api/jobs/{id}/slides/1.png?size={size}")).await;
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["content-type"], "image/png");
        assert!(res.headers()["cache-control"]
            .to_str()
            .expect("ascii")
            .contains("max-age"));
        let png = res.bytes().await.expect("png");
        assert_eq!(&png[1..4], b"PNG");
    }
    let thumb = c
        .get(&format!("/api/jobs/{id}/slides/{slides}.png"))
        .await
        .bytes()
        .await
        .expect("png");
    let large = c
        .get(&format!("/api/jobs/{id}/slides/{slides}.png?size=large"))
        .await
        .bytes()
        .await
        .expect("png");
    assert!(large.len() > thumb.len());
    assert_eq!(c.get(&format!("/api/jobs/{id}/slides/0.png")).await.status(), 404);
    assert_eq!(
        c.get(&format!("/api/jobs/{id}/slides/{}.png", slides + 1))
            .await
            .status(),
        404
    );
    assert_eq!(c.get(&format!("/api/jobs/{id}/slides/x.png")).await.status(), 404);
    assert_eq!(
        c.get(&format!("/api/jobs/{id}/slides/1.png?size=huge"))
            .await
            .status(),
        400
    );
    assert_eq!(c.get("/api/jobs/zzzzzzzz/pdf").await.status(), 404);
    assert_eq!(c.get("/api/jobs/../pdf").await.status(), 404);
    // Signed out: nothing.
    assert_eq!(
        app.client().get(&format!("/api/jobs/{id}/pdf")).await.status(),
        401
    );
    app.stop().await;
}

#[tokio::test]
async fn without_previews_a_job_still_completes_and_downloads() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut config = common::config(dir.path());
    config.previews = false;
    let app = TestApp::start_with(config).await;
    let c = Client::signed_in(&app.base, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let id = finished_job(&c).await;
    let res = c.download(&id).await;
    assert_eq!(res.status(), 200);
    let p = c.previews(&id).await;
    assert_eq!(p["pages"], 0);
    assert!(
        p["unavailable"]
            .as_str()
            .is_some_and(|w| w.contains("not available")),
        "{p}"
    );
    assert!(
        p["notes"].as_array().is_some_and(|n| !n.is_empty()),
        "notes still shown"
    );
    assert_eq!(c.get(&format!("/api/jobs/{id}/pdf")).await.status(), 503);
    assert_eq!(c.get(&format!("/api/jobs/{id}/slides/1.png")).await.status(), 503);
    app.stop().await;
}

fn fixture(name: &str) -> Vec<u8> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    std::fs::read(root.join("target/fixtures").join(name)).expect("fixture (scripts/bootstrap makes them)")
}

async fn upload_template(c: &Client, bytes: Vec<u8>) -> String {
    let (status, body) = c.upload_template(bytes).await;
    assert_eq!(status, 200, "{body}");
    body["template"].as_str().expect("choice").to_owned()
}

/// Asks for a template's pictures until they are no longer being drawn.
async fn pictures_when_drawn(c: &Client, choice: &str) -> serde_json::Value {
    let started = std::time::Instant::now();
    loop {
        let res = c
            .call(
                "/api/templates/pictures",
                &[("template", choice), ("retry", "false")],
            )
            .await;
        assert_eq!(res.status(), 200);
        let p: serde_json::Value = res.json().await.expect("json");
        if p != "Drawing" {
            return p;
        }
        assert!(started.elapsed() < Duration::from_secs(90), "still drawing");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

async fn report(c: &Client, choice: &str) -> serde_json::Value {
    let res = c.call("/api/templates/report", &[("template", choice)]).await;
    assert_eq!(res.status(), 200);
    res.json().await.expect("json")
}

fn role<'a>(r: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    r["roles"]
        .as_array()
        .expect("roles")
        .iter()
        .find(|x| x["role"] == name)
        .unwrap_or_else(|| panic!("no {name} in {r}"))
}

#[tokio::test]
async fn an_uploaded_template_gets_an_intake_report_with_pictures() {
    let dir = tempfile::tempdir().expect("tmp");
    let app = TestApp::start_with(common::config(dir.path())).await;
    let c = Client::signed_in(&app.base, ADMIN_EMAIL, ADMIN_PASSWORD).await;

    // The designer's template: a brand title master and a content master,
    // sample slides saying which layout is for what.
    let choice = upload_template(&c, fixture("corporate-title-first.pptx")).await;
    let started = std::time::Instant::now();
    let r = report(&c, &choice).await;
    let read = started.elapsed();
    // The report never waits for pictures: they are drawn behind it.
    assert!(read < Duration::from_secs(2), "report took {read:?}");
    assert_eq!(r["pictures"], "Drawing", "{r}");
    let pictures = pictures_when_drawn(&c, &choice).await;
    eprintln!(
        "intake report in {} ms, its pictures drawn {:.1} s after the upload",
        read.as_millis(),
        started.elapsed().as_secs_f64()
    );
    assert_eq!(pictures["Ready"]["pages"], 5, "{pictures}");
    assert_eq!(r["choice"], choice.as_str());
    assert_eq!(r["aspect"], "4:3", "{r}");
    assert_eq!(r["unavailable"], serde_json::Value::Null, "{r}");
    assert!(r["sample_slides"].as_u64().is_some_and(|n| n >= 6), "{r}");
    let masters = r["masters"].as_array().expect("masters");
    assert_eq!(masters.len(), 2, "{r}");
    assert!(masters
        .iter()
        .all(|m| m["used_for"].as_array().is_some_and(|u| !u.is_empty())));
    let title = role(&r, "Title slide");
    assert_eq!(title["because"], "the designer's sample slides use it");
    let content = role(&r, "Content");
    assert_ne!(
        content["master"], title["master"],
        "content stays off the brand master: {r}"
    );
    // The brand master's own content layouts run across its band.
    let warnings = r["warnings"].as_array().expect("warnings");
    assert!(
        warnings.iter().any(|w| w
            .as_str()
            .is_some_and(|w| w.starts_with("Brand Title and Content") && w.contains("runs over"))),
        "{r}"
    );
    let pages = r["pages"].as_array().expect("pages");
    assert_eq!(pages.len(), 5, "{r}");
    assert_eq!(pages[0]["role"], "Title slide");
    assert_eq!(pages[2]["role"], "Content");
    let enc: String = choice.replace(':', "%3A");
    for n in 1..=5 {
        for size in ["thumb", "large"] {
            let res = c
                .get(&format!(
                    "/api/templates/preview/{n}.png?template={enc}&size={size}"
                ))
                .await;
            assert_eq!(res.status(), 200, "page {n} {size}");
            assert_eq!(res.headers()["content-type"], "image/png");
            assert_eq!(&res.bytes().await.expect("png")[1..4], b"PNG");
        }
    }
    assert_eq!(
        c.get(&format!("/api/templates/preview/6.png?template={enc}"))
            .await
            .status(),
        404
    );

    // A template without samples or a picture layout: what stands in, or is missing.
    let plain = upload_template(&c, fixture("corporate-no-samples.pptx")).await;
    let r = report(&c, &plain).await;
    assert_eq!(r["sample_slides"], 0, "{r}");
    assert!(r["masters"]
        .as_array()
        .expect("masters")
        .iter()
        .all(|m| m["used_for"].as_array().is_some_and(|u| u.is_empty())));
    assert!(r["roles"]
        .as_array()
        .expect("roles")
        .iter()
        .all(|x| x["because"] != "the designer's sample slides use it"));

    // A sample template has its title and content pages too.
    let res = c.get("/api/templates/preview/1.png?template=Ocean.pptx").await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["cache-control"], "private, max-age=3600");
    let res = c
        .get("/api/templates/preview/3.png?template=Ocean.pptx&size=large")
        .await;
    assert_eq!(res.status(), 200);

    // Nothing else is a template; signed out sees nothing.
    for bad in [
        "upload:aaaaaaaaaaaaaaaa.pptx",
        "../Ocean.pptx",
        "upload:../../x.pptx",
        "",
    ] {
        assert_eq!(
            c.call("/api/templates/report", &[("template", bad)])
                .await
                .status(),
            404,
            "{bad}"
        );
        assert_eq!(
            c.get(&format!("/api/templates/preview/1.png?template={bad}"))
                .await
                .status(),
            404,
            "{bad}"
        );
    }
    assert_eq!(
        c.get("/api/templates/preview/1.png?template=Ocean.pptx&size=huge")
            .await
            .status(),
        400
    );
    assert_eq!(
        app.client()
            .get("/api/templates/preview/1.png?template=Ocean.pptx")
            .await
            .status(),
        401
    );
    app.stop().await;
}

#[tokio::test]
async fn without_previews_the_intake_report_still_reads_the_template() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut config = common::config(dir.path());
    config.previews = false;
    let app = TestApp::start_with(config).await;
    let c = Client::signed_in(&app.base, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let choice = upload_template(&c, fixture("corporate-photo.pptx")).await;
    let r = report(&c, &choice).await;
    assert_eq!(r["pictures"]["Unavailable"]["retry"], false, "{r}");
    assert!(
        r["unavailable"]
            .as_str()
            .is_some_and(|w| w.contains("turned off") && w.contains("PREVIEWS=false")),
        "{r}"
    );
    // The sample cards say so too, and list their layouts instead.
    let cards: serde_json::Value = c.call("/api/templates", &[]).await.json().await.expect("json");
    let cards = cards.as_array().expect("cards");
    assert!(!cards.is_empty());
    assert!(cards
        .iter()
        .all(|k| k["pictures"] == false && k["layouts"].as_array().is_some_and(|l| !l.is_empty())));
    assert!(role(&r, "Content")["layout"].is_string(), "{r}");
    app.stop().await;
}
