//! What operators and orchestrators read: `/ready` for readiness probes,
//! `/metrics` for Prometheus.

use crate::common;

use std::time::Duration;

use common::{Client, TestApp, ADMIN_EMAIL, ADMIN_PASSWORD};

fn metric(text: &str, name_and_labels: &str) -> Option<f64> {
    text.lines()
        .find(|l| l.starts_with(name_and_labels) && l[name_and_labels.len()..].starts_with(' '))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
}

#[tokio::test]
async fn ready_says_what_is_not_ready() {
    let dir = tempfile::tempdir().expect("tmp");
    let app = TestApp::start_with(common::config(dir.path())).await;
    let anon = app.client();
    let res = anon.get("/ready").await;
    assert_eq!(res.status(), 200);
    // The data folder stops taking writes (a file where the outputs folder
    // should be: permissions alone do not stop root).
    let outputs = dir.path().join("outputs");
    let _ = std::fs::remove_dir_all(&outputs);
    std::fs::write(&outputs, b"not a folder").expect("write");
    let res = anon.get("/ready").await;
    assert_eq!(res.status(), 503);
    let body: serde_json::Value = res.json().await.expect("json");
    assert_eq!(
        body["problems"][0], "the data directory is not writable",
        "{body}"
    );
    // Liveness is unaffected: restarting would not fix a full disk.
    assert_eq!(anon.get("/health").await.status(), 200);
    std::fs::remove_file(&outputs).expect("rm");
    assert_eq!(anon.get("/ready").await.status(), 200);
    app.stop().await;
}

#[tokio::test]
async fn metrics_show_requests_jobs_and_the_pool_after_a_job() {
    let dir = tempfile::tempdir().expect("tmp");
    let app = TestApp::start_with(common::config(dir.path())).await;
    let c = Client::signed_in(&app.base, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let outline = serde_json::json!({"title": "Metrics", "modules": [{"title": "One", "topics": [{"title": "T", "points": [{"text": "p", "level": 0}]}]}]}).to_string();
    let id: String = c
        .call(
            "/api/jobs/start",
            &[
                ("title", "Metrics"),
                ("days", "1"),
                ("language", "en"),
                ("template", "Forest.pptx"),
                ("outline", &outline),
            ],
        )
        .await
        .json()
        .await
        .expect("id");
    c.wait_for(&id, &["complete"], Duration::from_secs(120)).await;
    // Loopback, no token configured: readable without signing in.
    let res = app.client().get("/metrics").await;
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"]
        .to_str()
        .expect("ct")
        .starts_with("text/plain"));
    let text = res.text().await.expect("text");
    assert_eq!(
        metric(&text, "courseware_jobs{status=\"complete\"}"),
        Some(1.0),
        "{text}"
    );
    assert_eq!(metric(&text, "courseware_job_duration_seconds_count"), Some(1.0));
    assert_eq!(metric(&text, "courseware_queue_depth"), Some(0.0));
    assert_eq!(metric(&text, "courseware_workers"), Some(2.0));
    assert!(
        metric(
            &text,
            "courseware_http_requests_total{route=\"/api/jobs/start\",method=\"POST\",status=\"200\"}"
        ) == Some(1.0),
        "{text}"
    );
    assert!(text.contains("courseware_http_request_duration_seconds_bucket{route=\"/api/jobs/get\",method=\"POST\",status=\"200\",le=\"+Inf\"}"));
    assert!(metric(&text, "courseware_db_connections{state=\"idle\"}").is_some());
    assert!(text.contains("# TYPE courseware_llm_tokens_total counter"));
    assert!(text.contains("courseware_s3_uploads_total 0"));
    // Raw paths never become labels.
    assert!(!text.contains(&id), "job ids are not labels");
    app.stop().await;

    // With a token configured, the token is required.
    let dir = tempfile::tempdir().expect("tmp");
    let mut config = common::config(dir.path());
    config.metrics_token = Some("scrape-token-for-tests".parse().expect("secret"));
    let app = TestApp::start_with(config).await;
    let anon = app.client();
    assert_eq!(anon.get("/metrics").await.status(), 403);
    let res = anon
        .http
        .get(app.url("/metrics"))
        .bearer_auth("scrape-token-for-tests")
        .send()
        .await
        .expect("metrics");
    assert_eq!(res.status(), 200);
    let wrong = anon
        .http
        .get(app.url("/metrics"))
        .bearer_auth("nope")
        .send()
        .await
        .expect("metrics");
    assert_eq!(wrong.status(), 403);
    app.stop().await;
}
