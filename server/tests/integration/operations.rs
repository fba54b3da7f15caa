//! What operators and orchestrators read: `/ready` for readiness probes,
//! `/metrics` for Prometheus.

use crate::common;

use std::time::Duration;

use common::TestApp;

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
    assert_eq!(anon.status("/health").await, 200);
    std::fs::remove_file(&outputs).expect("rm");
    assert_eq!(anon.status("/ready").await, 200);
    app.stop().await;
}

#[tokio::test]
async fn metrics_show_requests_jobs_and_the_pool_after_a_job() {
    let (app, _dir, c) = common::admin().await;
    let outline = common::small_outline(1);
    let id = c
        .start_job(&[
            ("title", "Metrics"),
            ("template", "Forest.pptx"),
            ("outline", &outline),
        ])
        .await;
    c.wait_for(&id, &["complete"], Duration::from_secs(120)).await;
    // Loopback, no token configured: readable without signing in.
    let res = app.client().get("/metrics").await;
    assert_eq!(res.status(), 200);
    assert!(common::header(&res, "content-type").starts_with("application/openmetrics-text"));
    let text = res.text().await.expect("text");
    // Kept for Prometheus's own parser in `make decks` (scripts/validate_metrics.py).
    let kept = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/test-metrics");
    std::fs::create_dir_all(&kept).expect("dir");
    std::fs::write(kept.join("scrape.txt"), &text).expect("keep the scrape");
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
    assert!(
        text.contains("courseware_http_request_duration_seconds_bucket{le=\"+Inf\",route=\"/api/jobs/get\",method=\"POST\",status=\"200\"}"),
        "{text}"
    );
    assert!(metric(&text, "courseware_db_connections{state=\"idle\"}").is_some());
    // No model call yet (offline writer): the spend families have no samples,
    // and OpenMetrics has no empty families.
    assert!(!text.contains("courseware_llm_tokens"), "{text}");
    assert!(text.ends_with("# EOF\n"), "one OpenMetrics exposition");
    assert!(text.contains("courseware_s3_uploads_total 0"));
    // Raw paths never become labels.
    assert!(!text.contains(&id), "job ids are not labels");
    app.stop().await;

    // With a token configured, the token is required.
    let (app, _dir) = common::server_on(|s| {
        s.metrics_token = Some("scrape-token-for-tests".parse().expect("secret"));
    })
    .await;
    let anon = app.client();
    assert_eq!(anon.status("/metrics").await, 403);
    let res = anon
        .get_with(
            "/metrics",
            "authorization",
            &format!("Bearer {}", "scrape-token-for-tests"),
        )
        .await;
    assert_eq!(res.status(), 200);
    let wrong = anon
        .get_with("/metrics", "authorization", &format!("Bearer {}", "nope"))
        .await;
    assert_eq!(wrong.status(), 403);
    app.stop().await;
}

/// The retention pass runs on one server of a cluster at a time: while one
/// holds the lock, another's attempt is refused; given back, it can be
/// taken again. (SQLite has one server per data directory: always held.)
#[tokio::test]
async fn the_cluster_lock_is_held_by_one_server_at_a_time() {
    use backend::db::{locks, try_cluster_lock};
    let dir = tempfile::tempdir().expect("tmp");
    let app = TestApp::start_with(common::config(dir.path())).await;
    let pool = &app.state.pool;
    let first = try_cluster_lock(pool, locks::RETENTION)
        .await
        .expect("lock")
        .expect("free");
    let second = try_cluster_lock(pool, locks::RETENTION).await.expect("lock");
    assert_eq!(
        second.is_some(),
        !common::on_postgres(),
        "held elsewhere on PostgreSQL"
    );
    drop(second);
    first.release().await;
    let again = try_cluster_lock(pool, locks::RETENTION).await.expect("lock");
    assert!(again.is_some(), "free again once given back");
    // Dropped without release (a panic): its connection closes, the lock goes.
    drop(again);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(try_cluster_lock(pool, locks::RETENTION)
        .await
        .expect("lock")
        .is_some());
    app.stop().await;
}

/// On PostgreSQL a server is one replica of several: it refuses to start
/// without a shared link key, and without S3 for decks unless the data
/// directory is declared shared. SQLite needs neither.
#[tokio::test]
async fn replicas_refuse_to_start_without_shared_settings() {
    let (_dir, mut config) = common::settings();
    config.secret_key = None;
    config.shared_data_dir = false;
    if !common::on_postgres() {
        let app = TestApp::start_with(config).await;
        assert_eq!(app.client().status("/health").await, 200);
        app.stop().await;
        return;
    }
    common::ensure_postgres_database(config.database_url.as_ref().expect("url").expose()).await;
    let e = server::prepare(config.clone())
        .await
        .err()
        .expect("refused without SECRET_KEY");
    assert!(format!("{e:#}").contains("SECRET_KEY"), "{e:#}");
    config.secret_key = Some("a-key-of-more-than-thirty-two-characters".into());
    let e = server::prepare(config.clone())
        .await
        .err()
        .expect("refused without S3");
    assert!(
        format!("{e:#}").contains("S3_BUCKET") && format!("{e:#}").contains("SHARED_DATA_DIR"),
        "{e:#}"
    );
    config.shared_data_dir = true;
    assert!(server::prepare(config.clone()).await.is_ok(), "starts with both");
    // A second replica with another key is refused; with the same key it starts.
    let mut other = config.clone();
    other.secret_key = Some("another-key-of-more-than-thirty-two-characters".into());
    let e = server::prepare(other)
        .await
        .err()
        .expect("refused with another key");
    assert!(
        format!("{e:#}").contains("SECRET_KEY is not the key the other servers"),
        "{e:#}"
    );
    assert!(server::prepare(config).await.is_ok(), "the same key starts");
}
