//! Slide previews and PDF export of a finished job, drawn by the real
//! LibreOffice and pdftoppm — at completion, or on first view: a PDF with
//! one page per slide, thumbnails first and page by page, large pictures
//! when asked for, pictures browsers may keep, the notes of each slide; and
//! with previews unavailable, a job that still completes and downloads.

use crate::common;

use std::time::Duration;

use common::Client;

async fn finished_job(c: &Client) -> String {
    c.finished_job("Previewed course", "Ocean.pptx").await
}

#[tokio::test]
async fn a_finished_deck_is_shown_as_pages_and_exported_as_pdf() {
    let (app, dir, c) = common::admin().await;
    let id = finished_job(&c).await;
    let slides = c.job(&id).await["job"]["slide_count"].as_u64().expect("slides") as usize;

    // The first look starts the drawing and answers at once.
    let started = std::time::Instant::now();
    let first = c.previews_now(&id).await;
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(first["drawing"], true, "{first}");
    let p = c.previews(&id).await;
    eprintln!(
        "rendered {slides} slides in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    assert_eq!(p["unavailable"], serde_json::Value::Null, "{p}");
    assert_eq!(p["pages"].as_u64(), Some(slides as u64));
    assert_eq!(p["drawn"], p["pages"], "{p}");
    let notes = p["notes"].as_array().expect("notes");
    assert_eq!(notes.len(), slides);
    assert!(notes
        .iter()
        .all(|n| n.as_str().is_some_and(|n| n.starts_with("About "))));

    let res = c.get(&format!("/api/jobs/{id}/pdf")).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/pdf");
    assert!(common::header(&res, "content-disposition").contains("Previewed course.pdf"));
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
        assert!(common::header(&res, "cache-control").contains("max-age"));
        let png = res.bytes().await.expect("png");
        assert_eq!(&png[1..4], b"PNG");
    }
    let thumb = c.bytes(&format!("/api/jobs/{id}/slides/{slides}.png")).await;
    let large = c
        .bytes(&format!("/api/jobs/{id}/slides/{slides}.png?size=large"))
        .await;
    assert!(large.len() > thumb.len());
    assert_eq!(c.status(&format!("/api/jobs/{id}/slides/0.png")).await, 404);
    assert_eq!(
        c.status(&format!("/api/jobs/{id}/slides/{}.png", slides + 1))
            .await,
        404
    );
    assert_eq!(c.status(&format!("/api/jobs/{id}/slides/x.png")).await, 404);
    assert_eq!(
        c.status(&format!("/api/jobs/{id}/slides/1.png?size=huge")).await,
        400
    );
    assert_eq!(c.status("/api/jobs/zzzzzzzz/pdf").await, 404);
    assert_eq!(c.status("/api/jobs/../pdf").await, 404);
    // Signed out: nothing.
    assert_eq!(app.client().status(&format!("/api/jobs/{id}/pdf")).await, 401);
    app.stop().await;
}

#[tokio::test]
async fn thumbnails_are_drawn_when_the_job_completes_large_pictures_when_asked_for() {
    let (app, dir, c) = common::admin_on(|s| s.previews_on_completion = true).await;
    let id = finished_job(&c).await;
    let completed = std::time::Instant::now();
    let slides = c.job(&id).await["job"]["slide_count"].as_u64().expect("slides") as usize;
    // Nobody looks: the thumbnails appear anyway, the first one first.
    let folder = dir.path().join("previews").join(&id);
    let first = loop {
        if folder.join("thumb-1.png").is_file() {
            break completed.elapsed();
        }
        assert!(
            completed.elapsed() < Duration::from_secs(60),
            "no thumbnail after a minute"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    while !folder.join("done").is_file() {
        assert!(
            completed.elapsed() < Duration::from_secs(120),
            "thumbnails not all drawn"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    eprintln!(
        "{slides} slides: first thumbnail {:.1} s after completion, all {:.1} s",
        first.as_secs_f64(),
        completed.elapsed().as_secs_f64()
    );
    for n in 1..=slides {
        assert!(folder.join(format!("thumb-{n}.png")).is_file(), "thumb-{n}");
    }
    assert!(
        !folder.join(format!("large-{slides}.png")).exists(),
        "large pictures wait to be asked for"
    );
    // Drawn, so a look says so at once; a large picture is drawn on request.
    let p = c.previews_now(&id).await;
    assert_eq!(
        (p["pages"].as_u64(), p["drawn"].as_u64()),
        (Some(slides as u64), Some(slides as u64)),
        "{p}"
    );
    assert_eq!(p["drawing"], false, "{p}");
    let res = c
        .get(&format!("/api/jobs/{id}/slides/{slides}.png?size=large"))
        .await;
    assert_eq!(res.status(), 200);
    assert!(folder.join(format!("large-{slides}.png")).is_file());
    // A deleted course (kept for its undo) shows no pictures and no PDF,
    // though they are drawn; restored, they are back.
    let pictures = [
        format!("/api/jobs/{id}/slides/1.png?size=thumb"),
        format!("/api/jobs/{id}/pdf"),
    ];
    assert_eq!(c.call("/api/jobs/delete", &[("id", &id)]).await.status(), 200);
    for path in &pictures {
        assert_eq!(c.status(path).await, 404, "{path}");
    }
    assert_eq!(c.call("/api/jobs/restore", &[("id", &id)]).await.status(), 200);
    for path in &pictures {
        assert_eq!(c.status(path).await, 200, "{path}");
    }
    app.stop().await;
}

#[tokio::test]
async fn without_previews_a_job_still_completes_and_downloads() {
    let (app, _dir, c) = common::admin_on(|s| s.previews = false).await;
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
    assert_eq!(c.status(&format!("/api/jobs/{id}/pdf")).await, 503);
    assert_eq!(c.status(&format!("/api/jobs/{id}/slides/1.png")).await, 503);
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
    let (app, _dir, c) = common::admin().await;

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
        c.status(&format!("/api/templates/preview/6.png?template={enc}"))
            .await,
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
            c.status(&format!("/api/templates/preview/1.png?template={bad}"))
                .await,
            404,
            "{bad}"
        );
    }
    assert_eq!(
        c.status("/api/templates/preview/1.png?template=Ocean.pptx&size=huge")
            .await,
        400
    );
    assert_eq!(
        app.client()
            .status("/api/templates/preview/1.png?template=Ocean.pptx")
            .await,
        401
    );
    app.stop().await;
}

#[tokio::test]
async fn without_previews_the_intake_report_still_reads_the_template() {
    let (app, _dir, c) = common::admin_on(|s| s.previews = false).await;
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
    let cards: serde_json::Value = c.json("/api/templates", &[]).await;
    let cards = cards.as_array().expect("cards");
    assert!(!cards.is_empty());
    assert!(cards
        .iter()
        .all(|k| k["pictures"] == false && k["layouts"].as_array().is_some_and(|l| !l.is_empty())));
    assert!(role(&r, "Content")["layout"].is_string(), "{r}");
    app.stop().await;
}

/// The findings of one code in a job's QA report.
async fn findings(c: &Client, id: &str, code: &str) -> Vec<serde_json::Value> {
    let job = c.job(id).await;
    let report: serde_json::Value =
        serde_json::from_str(job["qa_report"].as_str().unwrap_or("{}")).unwrap_or_default();
    report["findings"]
        .as_array()
        .map(|f| f.iter().filter(|f| f["code"] == code).cloned().collect())
        .unwrap_or_default()
}

/// Waits for a job's contrast to be measured on its drawn slides.
async fn measured(dir: &std::path::Path, id: &str) {
    let marker = dir.join("previews").join(id).join("measured");
    let started = std::time::Instant::now();
    while !marker.is_file() {
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "not measured after two minutes"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn text_on_a_dark_photo_is_caught_on_the_rendered_slide() {
    let (app, dir, c) = common::admin_on(|s| s.previews_on_completion = true).await;
    // A content layout with a dark photo behind its whole body box: the
    // geometric check can only call it unknown (no finding).
    let photo = upload_template(&c, fixture("picture-behind.pptx")).await;
    let r = report(&c, &photo).await;
    assert!(!r.to_string().contains("low_contrast"), "{r}");
    let id = c.finished_job("Dark photo", &photo).await;
    measured(dir.path(), &id).await;
    let found = findings(&c, &id, "low_contrast_measured").await;
    assert!(found.len() >= 5, "{found:#?}");
    let first = &found[0];
    let message = first["message"].as_str().expect("message");
    assert!(
        message.contains(":1 against what is drawn behind it"),
        "{message}"
    );
    assert!(first["slide"].as_u64().is_some_and(|n| n > 1), "{first}");
    assert!(
        findings(&c, &id, "low_contrast").await.is_empty(),
        "the geometric check saw nothing"
    );

    // The shipped templates and banks: nothing measured as hard to read.
    for sample in ["Ocean.pptx", "Forest.pptx"] {
        let clean = c.finished_job("Clean", sample).await;
        measured(dir.path(), &clean).await;
        let found = findings(&c, &clean, "low_contrast_measured").await;
        assert!(found.is_empty(), "{sample}: {found:#?}");
    }
    app.stop().await;
}
