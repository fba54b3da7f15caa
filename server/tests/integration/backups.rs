//! Data that survives: online backups taken by the CLI while the server
//! writes, restores into a new data directory, damaged backups refused, and
//! retention.

use crate::common;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use common::{Client, TestApp, ADMIN_EMAIL, ADMIN_PASSWORD};

fn courseware(data_dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_courseware"))
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DATA_DIR", data_dir)
        .env("RUST_LOG", "error")
        .args(args)
        .output()
        .expect("run courseware")
}

fn new_job(user: i64, title: &str) -> backend::db::jobs::NewJob {
    backend::db::jobs::NewJob {
        user_id: user,
        course_title: title.into(),
        template_name: "Forest.pptx".into(),
        template_path: "Forest.pptx".into(),
        duration_days: 1,
        language: "en".into(),
        outline_json: "{\"title\":\"x\",\"modules\":[]}".into(),
    }
}

const NO_QUOTA: backend::db::jobs::Quota = backend::db::jobs::Quota {
    active: i64::MAX,
    per_hour: i64::MAX,
};

#[tokio::test]
async fn an_online_backup_restores_every_committed_row_and_damaged_ones_are_refused() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut config = common::config(dir.path());
    config.worker_concurrency = 1;
    config.job_stage_pause_ms = 200;
    let app = TestApp::start_with(config).await;
    let c = Client::signed_in(&app.base, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let user: i64 = sqlx::query_scalar("SELECT id FROM users WHERE email = ?")
        .bind(ADMIN_EMAIL)
        .fetch_one(&app.state.pool)
        .await
        .expect("user");
    let mut committed = Vec::new();
    for i in 0..300 {
        match backend::db::jobs::enqueue(&app.state.pool, &new_job(user, &format!("Before {i}")), NO_QUOTA)
            .await
            .expect("enqueue")
        {
            backend::db::jobs::Enqueued::Id(id) => committed.push(id),
            other => panic!("{other:?}"),
        }
    }
    // Keep writing (and the worker keeps running jobs) while the backup runs.
    let writer = {
        let pool = app.state.pool.clone();
        tokio::spawn(async move {
            for i in 0..200 {
                backend::db::jobs::enqueue(&pool, &new_job(user, &format!("During {i}")), NO_QUOTA)
                    .await
                    .expect("enqueue");
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
        })
    };
    tokio::time::sleep(Duration::from_millis(50)).await;
    let backup = dir.path().join("copies/backup.db");
    let out = courseware(
        dir.path(),
        &["backup", "--output", backup.to_str().expect("utf8")],
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("integrity checked"));
    writer.await.expect("writer");
    assert!(
        !dir.path().join("copies/.backup.db.part").exists(),
        "no partial file left"
    );

    // A restore into the running server's directory is refused.
    let out = courseware(
        dir.path(),
        &["restore", "--input", backup.to_str().expect("utf8")],
    );
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("running server"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    app.stop().await;
    drop(c);

    // Restored into a new data directory, every row committed before the
    // backup is there, and the server starts on it.
    let fresh = tempfile::tempdir().expect("tmp");
    let out = courseware(
        fresh.path(),
        &["restore", "--input", backup.to_str().expect("utf8")],
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let app = TestApp::start_with(common::config(fresh.path())).await;
    for id in &committed {
        let found: Option<String> = sqlx::query_scalar("SELECT id FROM jobs WHERE id = ?")
            .bind(id)
            .fetch_optional(&app.state.pool)
            .await
            .expect("query");
        assert_eq!(
            found.as_deref(),
            Some(id.as_str()),
            "committed row missing after restore"
        );
    }
    let c = Client::signed_in(&app.base, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let history: Vec<serde_json::Value> = c.call("/api/jobs", &[]).await.json().await.expect("history");
    assert!(!history.is_empty());
    app.stop().await;

    // Restoring again keeps the previous database aside.
    let out = courseware(
        fresh.path(),
        &["restore", "--input", backup.to_str().expect("utf8")],
    );
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("previous database is kept"));

    // Damaged backups are refused with a clear message, and nothing changes.
    let mut bytes = std::fs::read(&backup).expect("read");
    let middle = bytes.len() / 2;
    for b in &mut bytes[middle..middle + 4096] {
        *b = 0xA5;
    }
    let damaged = dir.path().join("damaged.db");
    std::fs::write(&damaged, &bytes).expect("write");
    let before = std::fs::read(fresh.path().join("courseware.db")).expect("db");
    let out = courseware(
        fresh.path(),
        &["restore", "--input", damaged.to_str().expect("utf8")],
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("damaged") || err.contains("not a SQLite database"),
        "{err}"
    );
    let text = dir.path().join("notes.txt");
    std::fs::write(
        &text,
        "not a database at all, just some words that go on for a while. ".repeat(20),
    )
    .expect("write");
    let out = courseware(
        fresh.path(),
        &["restore", "--input", text.to_str().expect("utf8")],
    );
    assert!(!out.status.success());
    assert_eq!(
        std::fs::read(fresh.path().join("courseware.db")).expect("db"),
        before,
        "the database was not touched"
    );
}

#[tokio::test]
async fn retention_deletes_old_finished_jobs_with_their_decks_and_keeps_the_totals() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut config = common::config(dir.path());
    config.job_retention_days = 30;
    let app = TestApp::start_with(config).await;
    let c = Client::signed_in(&app.base, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let outline = serde_json::json!({"title": "R", "modules": [{"title": "One", "topics": [{"title": "T", "points": [{"text": "p", "level": 0}]}]}]}).to_string();
    let mut ids = Vec::new();
    for title in ["Old", "New"] {
        let id: String = c
            .call(
                "/api/jobs/start",
                &[
                    ("title", title),
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
        ids.push(id);
    }
    sqlx::query("UPDATE jobs SET created_at = '2020-01-01T00:00:00Z' WHERE id = ?")
        .bind(&ids[0])
        .execute(&app.state.pool)
        .await
        .expect("age");
    let activity_before: i64 = sqlx::query_scalar("SELECT COALESCE(SUM(courses), 0) FROM daily_activity")
        .fetch_one(&app.state.pool)
        .await
        .expect("activity");
    let old_deck = dir.path().join("outputs").join(format!("{}.pptx", ids[0]));
    assert!(old_deck.is_file());
    assert_eq!(
        backend::offload::expire_jobs(&app.state).await.expect("expire"),
        1
    );
    assert!(!old_deck.exists(), "the old deck went with its job");
    let left: Vec<String> = sqlx::query_scalar("SELECT id FROM jobs")
        .fetch_all(&app.state.pool)
        .await
        .expect("jobs");
    assert_eq!(left, vec![ids[1].clone()]);
    let activity_after: i64 = sqlx::query_scalar("SELECT COALESCE(SUM(courses), 0) FROM daily_activity")
        .fetch_one(&app.state.pool)
        .await
        .expect("activity");
    assert_eq!(activity_after, activity_before, "daily activity stays");
    app.stop().await;
}
