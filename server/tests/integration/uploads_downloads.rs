//! Uploads, the live progress stream and signed downloads over real HTTP.

use crate::common;

use std::time::Duration;

fn samples(path: &str) -> Vec<u8> {
    std::fs::read(format!("{}/samples/{path}", env!("CARGO_MANIFEST_DIR"))).expect("sample")
}

fn files_in(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir).map(|d| d.count()).unwrap_or(0)
}

#[tokio::test]
async fn outline_uploads_are_checked_by_content() {
    let (app, _dir, c) = common::admin().await;
    for f in [
        "outlines/workplace-fire-safety.md",
        "outlines/workplace-fire-safety.docx",
        "outlines/onboarding-new-starters.txt",
        "outlines/onboarding-new-starters.pdf",
    ] {
        let res = c.upload("/api/outline/upload", "x", samples(f)).await;
        assert_eq!(res.status(), 200, "{f}");
        let o: serde_json::Value = res.json().await.expect("json");
        assert!(o["modules"].as_array().expect("modules").len() >= 3, "{f}");
    }
    // A PNG named like an outline, a PDF, a broken DOCX, an oversized file.
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01".to_vec();
    let cases: Vec<(Vec<u8>, u16, &str)> = vec![
        (png, 415, "not supported"),
        (b"%PDF-1.7\n".to_vec(), 422, "PDF could not be read"),
        (b"PK\x03\x04broken".to_vec(), 422, "Word document"),
        (vec![b'a'; (10 << 20) + 1], 413, "10 MB"),
        (Vec::new(), 422, "empty"),
    ];
    for (body, status, text) in cases {
        let res = c.upload("/api/outline/upload", "outline.md", body).await;
        assert_eq!(res.status(), status);
        let msg = res.text().await.expect("text");
        assert!(msg.contains(text), "{msg}");
    }
    // Signed out: 401.
    let anonymous = app.client();
    let upload = anonymous.upload("/api/outline/upload", "x", b"# x".to_vec());
    assert_eq!(upload.await.status(), 401);
    app.stop().await;
}

#[tokio::test]
async fn template_uploads_are_opened_stored_under_generated_names_or_refused_leaving_nothing() {
    let (app, dir, c) = common::admin().await;
    let uploads = dir.path().join("uploads/templates");
    for (body, status) in [
        (b"PK\x03\x04corrupt".to_vec(), 422),
        (b"just text".to_vec(), 422),
        (vec![0u8; (50 << 20) + 1], 413),
    ] {
        let res = c
            .upload("/api/templates/upload", "../../etc/passwd.pptx", body)
            .await;
        assert_eq!(res.status(), status);
    }
    assert_eq!(files_in(&uploads), 0, "nothing left behind");
    let res = c
        .upload(
            "/api/templates/upload",
            "../../evil\";<script>.pptx",
            samples("templates/Forest.pptx"),
        )
        .await;
    assert_eq!(res.status(), 200);
    let body: serde_json::Value = res.json().await.expect("json");
    let choice = body["template"].as_str().expect("template").to_owned();
    assert!(
        choice.starts_with("upload:") && !choice.contains(".."),
        "{choice}"
    );
    assert!(
        !body["name"].as_str().unwrap_or("").contains(['/', '"', '<']),
        "{body}"
    );
    // The template, and beside it the name it was sent with (made harmless).
    assert_eq!(files_in(&uploads), 2);
    // A job can use it; a made-up upload name cannot.
    let md = samples("outlines/workplace-fire-safety.md");
    let outline = serde_json::to_string(&course::parse::parse(&md).expect("parse")).expect("json");
    for (template, status) in [
        (choice.as_str(), 200),
        ("upload:aaaaaaaaaaaaaaaa.pptx", 422),
        ("upload:../../x.pptx", 422),
    ] {
        let res = c
            .start(&[
                ("title", "T"),
                ("days", "1"),
                ("language", "en"),
                ("template", template),
                ("outline", &outline),
            ])
            .await;
        assert_eq!(res.status(), status, "{template}");
        if status == 200 {
            // The history names the template as it was sent.
            let id: String = res.json().await.expect("id");
            assert_eq!(c.job(&id).await["job"]["template_name"], "evil script", "{id}");
        }
    }
    app.stop().await;
}

#[tokio::test]
async fn progress_streams_to_completion_and_the_signed_link_downloads_the_deck() {
    let (app, dir, c) = common::admin_on(|s| s.job_stage_pause_ms = 150).await;
    let md = samples("outlines/workplace-fire-safety.md");
    let outline = serde_json::to_string(&course::parse::parse(&md).expect("parse")).expect("json");
    let res = c
        .start(&[
            ("title", "Fire / Safety: \"Basics\""),
            ("days", "1"),
            ("language", "en"),
            ("template", "Ocean.pptx"),
            ("outline", &outline),
        ])
        .await;
    let id: String = res.json().await.expect("id");

    // Read the event stream until the job ends.
    let updates = c.stream_until_complete(&id, Duration::from_secs(30)).await;
    assert!(updates.len() >= 4, "{updates:?}");
    common::assert_progress_climbs(&updates);

    // A signed link downloads the same deck, named after the course title.
    let link = c.download_link(&id).await;
    let res = c.get(&link).await;
    assert_eq!(res.status(), 200);
    let disposition = common::header(&res, "content-disposition");
    assert!(
        disposition.contains("filename=\"Fire Safety Basics.pptx\""),
        "{disposition}"
    );
    let bytes = res.bytes().await.expect("bytes");
    assert_eq!(
        bytes.as_ref(),
        std::fs::read(dir.path().join("outputs").join(format!("{id}.pptx"))).expect("file")
    );

    // Tampered and expired links are refused.
    let tampered = link.replace(&id, "aaaaaaaa");
    assert_eq!(c.status(&tampered).await, 403);
    let mut sig_changed = link.clone();
    let last = sig_changed.pop().expect("char");
    sig_changed.push(if last == '0' { '1' } else { '0' });
    assert_eq!(c.status(&sig_changed).await, 403);
    let now = time::OffsetDateTime::now_utc().unix_timestamp() as u64;
    let expired = app.state.link_key.sign(&id, now - 100, 10);
    assert_eq!(c.status(&expired).await, 403);

    // The link is the credential, as a presigned S3 link is: it works for
    // someone who is not signed in (an assistant, a colleague it was sent
    // to), and only while it is valid.
    let stranger = app.client();
    let res = stranger.get(&link).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.bytes().await.expect("bytes").len(), bytes.len());
    assert_eq!(stranger.status(&sig_changed).await, 403);
    assert_eq!(stranger.status(&expired).await, 403);
    assert_eq!(stranger.status(&format!("/api/jobs/{id}/download")).await, 401);
    app.stop().await;
}
