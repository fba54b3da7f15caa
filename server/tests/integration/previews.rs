//! Slide previews and PDF export of a finished job, rendered on first view
//! by the real LibreOffice and pdftoppm: a PDF with one page per slide,
//! page images at two sizes that browsers may keep, the notes of each
//! slide; and with previews unavailable, a job that still completes and
//! downloads.

use crate::common;

use std::time::Duration;

use common::{Client, TestApp, ADMIN_EMAIL, ADMIN_PASSWORD};

async fn finished_job(c: &Client) -> String {
    let md = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/samples/outlines/workplace-fire-safety.md"
    ))
    .expect("sample");
    let outline = serde_json::to_string(&course::parse::parse(&md).expect("parse")).expect("json");
    let res = c
        .call(
            "/api/jobs/start",
            &[
                ("title", "Previewed course"),
                ("days", "1"),
                ("language", "en"),
                ("template", "Ocean.pptx"),
                ("outline", &outline),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    let id: String = res.json().await.expect("id");
    c.wait_for(&id, &["complete"], Duration::from_secs(30)).await;
    id
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
    let p: serde_json::Value = c
        .call("/api/jobs/previews", &[("id", id.as_str())])
        .await
        .json()
        .await
        .expect("json");
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
