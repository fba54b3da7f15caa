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
        .envs(common::postgres_env(data_dir))
        .env("RUST_LOG", "error")
        .args(args)
        .output()
        .expect("run courseware")
}

fn new_job(user: i64, title: &str) -> backend::db::jobs::NewJob {
    backend::db::jobs::NewJob {
        timetable: None,
        version_of: None,
        user_id: user,
        course_title: title.into(),
        template_name: "Forest.pptx".into(),
        template_path: "Forest.pptx".into(),
        duration_days: 1,
        language: "en".into(),
        outline: serde_json::from_str("{\"title\":\"x\",\"modules\":[]}").expect("outline"),
    }
}

const NO_QUOTA: backend::db::jobs::Quota = backend::db::jobs::Quota {
    active: i64::MAX,
    per_hour: i64::MAX,
};

#[tokio::test]
async fn an_online_backup_restores_every_committed_row_and_damaged_ones_are_refused() {
    let (dir, mut config) = common::settings();
    config.worker_concurrency = 1;
    config.job_stage_pause_ms = 200;
    let app = TestApp::start_with(config).await;
    if common::on_postgres() {
        // Online copies are SQLite's (VACUUM INTO); on PostgreSQL the
        // command refuses and names the tool to use instead.
        let out = courseware(dir.path(), &["backup", "--output", "/tmp/never-written.db"]);
        assert!(!out.status.success());
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("pg_dump"),
            "{out:?}"
        );
        assert!(!Path::new("/tmp/never-written.db").exists());
        app.stop().await;
        return;
    }
    let c = Client::signed_in(&app.base, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let user = app.user_id(ADMIN_EMAIL).await;
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
        let found: Option<String> =
            backend::on_db!(&app.state.pool, pool => sqlx::query_scalar("SELECT id FROM jobs WHERE id = $1")
            .bind(id.as_str())
            .fetch_optional(pool)
.await)
            .expect("query");
        assert_eq!(
            found.as_deref(),
            Some(id.as_str()),
            "committed row missing after restore"
        );
    }
    let c = Client::signed_in(&app.base, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let history = c.history(&[]).await;
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
    let (app, dir, c) = common::admin_on(|s| s.job_retention_days = 30).await;
    let outline = common::small_outline(1);
    let mut ids = Vec::new();
    for title in ["Old", "New"] {
        let id = c
            .start_job(&[
                ("title", title),
                ("template", "Forest.pptx"),
                ("outline", &outline),
            ])
            .await;
        c.wait_for(&id, &["complete"], Duration::from_secs(120)).await;
        ids.push(id);
    }
    backend::on_db!(&app.state.pool, pool => sqlx::query("UPDATE jobs SET created_at = '2020-01-01T00:00:00Z' WHERE id = $1")
        .bind(&ids[0])
        .execute(pool)
.await.map(|r| r.rows_affected()))
        .expect("age");
    let activity_before: i64 = backend::on_db!(&app.state.pool, pool => sqlx::query_scalar("SELECT CAST(COALESCE(SUM(courses), 0) AS BIGINT) FROM daily_activity")
        .fetch_one(pool)
.await)
        .expect("activity");
    let old_deck = dir.path().join("outputs").join(format!("{}.pptx", ids[0]));
    assert!(old_deck.is_file());
    assert_eq!(
        backend::storage::offload::expire_jobs(&app.state)
            .await
            .expect("expire"),
        1
    );
    assert!(!old_deck.exists(), "the old deck went with its job");
    let left: Vec<String> =
        backend::on_db!(&app.state.pool, pool => sqlx::query_scalar("SELECT id FROM jobs")
        .fetch_all(pool)
.await)
        .expect("jobs");
    assert_eq!(left, vec![ids[1].clone()]);
    let activity_after: i64 = backend::on_db!(&app.state.pool, pool => sqlx::query_scalar("SELECT CAST(COALESCE(SUM(courses), 0) AS BIGINT) FROM daily_activity")
        .fetch_one(pool)
.await)
        .expect("activity");
    assert_eq!(activity_after, activity_before, "daily activity stays");
    app.stop().await;
}

#[tokio::test]
async fn the_previous_tools_json_is_imported_once_with_bad_rows_reported() {
    let dir = tempfile::tempdir().expect("tmp");
    let old = tempfile::tempdir().expect("old");
    let outputs = old.path().join("outputs");
    std::fs::create_dir_all(&outputs).expect("outputs");
    let deck = std::fs::read(format!(
        "{}/samples/templates/Ocean.pptx",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("deck");
    std::fs::write(outputs.join("Fire_Safety_2025-03-01_ab12cd34.pptx"), &deck).expect("deck");
    let history = serde_json::json!([
        {"id": "ab12cd34", "course_title": "Fire Safety", "template_name": "Corporate", "duration_days": 2,
         "language": "en", "status": "complete", "progress": 100, "log_message": "Done", "slide_count": 48,
         "qa_score": 91, "qa_verdict": "pass", "duration_sec": 612.5,
         "output_local": "/srv/old/web/outputs/Fire_Safety_2025-03-01_ab12cd34.pptx",
         "created_at": "2025-03-01T09:00:00", "completed_at": "2025-03-01T09:10:12", "extra_field": [1, 2]},
        {"job_id": "ef56gh78", "course_title": "", "duration_days": 1, "status": "running",
         "created_at": "2025-03-02 10:00:00"},
        {"id": "gone0001", "course_title": "Lost deck", "duration_days": 1, "status": "complete",
         "output_local": "missing.pptx", "created_at": "2025-03-03T10:00:00"},
        {"id": "bad00001", "course_title": "Too long", "duration_days": 40, "status": "complete",
         "created_at": "2025-03-04T10:00:00"},
        "not even an object"
    ]);
    let activity = serde_json::json!({"2025-03-01": {"courses": 3, "slides": 140}, "2025-03-02": {"courses": 1, "slides": 40}, "not-a-date": {"courses": 1, "slides": 1}});
    let tokens = serde_json::json!([
        {"job_id": "ab12cd34", "timestamp": "2025-03-01T09:05:00", "model": "claude-sonnet-4-5",
         "input_tokens": 12000, "output_tokens": 3000, "cache_creation_tokens": 0, "cache_read_tokens": 8000},
        {"job_id": null, "timestamp": "2025-03-02T11:00:00", "model": "gpt-4o-mini",
         "input_tokens": 500, "output_tokens": 100, "cache_creation_tokens": 0, "cache_read_tokens": 0},
        {"job_id": "x", "timestamp": "later", "model": "claude-sonnet-4-5", "input_tokens": 1, "output_tokens": 1}
    ]);
    let write = |name: &str, v: &serde_json::Value| {
        let p = old.path().join(name);
        std::fs::write(&p, serde_json::to_vec(v).expect("json")).expect("write");
        p
    };
    let (h, a, t) = (
        write("history.json", &history),
        write("activity.json", &activity),
        write("tokens.json", &tokens),
    );
    let args = [
        "import-legacy",
        "--history",
        h.to_str().expect("utf8"),
        "--activity",
        a.to_str().expect("utf8"),
        "--tokens",
        t.to_str().expect("utf8"),
        "--outputs",
        outputs.to_str().expect("utf8"),
    ];
    let run = |data: &Path| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_courseware"));
        cmd.env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("DATA_DIR", data)
            .envs(common::postgres_env(data))
            .env("RUST_LOG", "error")
            .env("INITIAL_ADMIN_EMAIL", ADMIN_EMAIL)
            .env("INITIAL_ADMIN_PASSWORD", ADMIN_PASSWORD)
            .args(args);
        let out = cmd.output().expect("run");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).to_string()
    };
    if let Some(url) = common::postgres_url(dir.path()) {
        common::ensure_postgres_database(&url).await;
    }
    let says = |report: &str, lines: &[&str]| {
        for line in lines {
            assert!(report.contains(line), "{line:?} missing from {report}");
        }
    };
    says(
        &run(dir.path()),
        &[
            "3 imported, 2 skipped, 0 already present",
            "skipped row 3: duration_days 40 is outside 1–10",
            "skipped row 4: not an object",
            "activity",
            "2 imported, 1 skipped, 0 already present",
            "deck missing.pptx not found",
        ],
    );
    // Run again: everything is already there.
    says(
        &run(dir.path()),
        &[
            "0 imported, 2 skipped, 3 already present",
            "0 imported, 1 skipped, 2 already present",
        ],
    );

    let app = TestApp::start_with(common::config(dir.path())).await;
    let c = Client::signed_in(&app.base, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let history = c.history(&[]).await;
    assert_eq!(history.len(), 3);
    assert!(
        history
            .iter()
            .all(|j| j["owner_name"] == "Imported (previous tool)"),
        "{history:?}"
    );
    let untitled = history
        .iter()
        .find(|j| j["course_title"] == "(untitled)")
        .expect("untitled");
    assert_eq!(untitled["status"], "failed");
    assert_eq!(untitled["created_at"], "2025-03-02T10:00:00Z");
    let fire = history
        .iter()
        .find(|j| j["course_title"] == "Fire Safety")
        .expect("fire");
    assert_eq!(fire["slide_count"], 48);
    let id = fire["id"].as_str().expect("id");
    let res = c.download(id).await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.bytes().await.expect("bytes").as_ref(),
        deck.as_slice(),
        "the old deck downloads"
    );
    let days: Vec<(String, i64, i64)> =
        backend::on_db!(&app.state.pool, pool => sqlx::query_as("SELECT date, courses, slides FROM daily_activity ORDER BY date")
            .fetch_all(pool)
.await)
            .expect("activity");
    assert_eq!(
        days,
        vec![("2025-03-01".into(), 3, 140), ("2025-03-02".into(), 1, 40)]
    );
    let tokens: Vec<(Option<String>, String, Option<f64>)> =
        backend::on_db!(&app.state.pool, pool => sqlx::query_as("SELECT job_id, provider, cost_usd FROM token_usage ORDER BY at")
            .fetch_all(pool)
.await)
            .expect("tokens");
    assert_eq!(tokens.len(), 2);
    assert_eq!(tokens[0].0.as_deref(), Some(id), "linked to the imported job");
    assert_eq!(tokens[0].1, "anthropic");
    assert!(tokens[0].2.is_some_and(|c| c > 0.0), "priced");
    assert_eq!(tokens[1].0, None);
    // The imported account cannot sign in and does not hide /setup.
    let anonymous = app.client();
    let imported = anonymous.login("imported@courseware.invalid", "anything at all");
    assert_eq!(imported.await.status(), 401);
    app.stop().await;
}

/// Moving an installation: `courseware migrate-db` copies the SQLite file of
/// a server that has run a job into an empty database — PostgreSQL on the
/// PostgreSQL pass of the suite, another SQLite file otherwise — verified by
/// counts; a server on the copy signs the same people in, shows the same
/// jobs, events and daily counts, and goes on numbering users. A second
/// copy into the now full target is refused.
#[tokio::test]
async fn migrate_db_moves_an_installation_and_checks_the_counts() {
    let (old, mut config) = common::settings();
    config.database_url = None; // the embedded default
    config.secret_key = None;
    config.shared_data_dir = false;
    let (app, c) = TestApp::signed_in(config).await;
    common::create_member(&c, "mia@example.com").await;
    let outline = common::sample_outline();
    let id = c
        .start_job(&[("title", "Moved course"), ("outline", &outline)])
        .await;
    let before = c.wait_for(&id, &["complete"], Duration::from_secs(60)).await;
    app.stop().await;

    let new = tempfile::tempdir().expect("tmp");
    let source = format!("sqlite://{}", old.path().join("courseware.db").display());
    let target = match common::postgres_url(new.path()) {
        Some(url) => {
            common::ensure_postgres_database(&url).await;
            url
        }
        None => format!("sqlite://{}", new.path().join("courseware.db").display()),
    };
    let out = courseware(new.path(), &["migrate-db", "--from", &source, "--to", &target]);
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "{}{text}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains("users                     2 rows, the same on both sides"),
        "{text}"
    );
    assert!(text.contains("jobs                      1 rows"), "{text}");
    assert!(text.contains("daily_activity            1 rows"), "{text}");
    assert!(
        !text.contains("integration-test-key") && !text.contains("@127.0.0.1"),
        "no secrets or users in the output: {text}"
    );

    // A server on the copy.
    let mut config = common::config(new.path());
    config.database_url = Some(target.as_str().into());
    let (app, c) = TestApp::signed_in(config).await;
    let after = c.job(&id).await;
    assert_eq!(after["job"], before["job"]);
    assert_eq!(after["events"], before["events"]);
    let day: serde_json::Value = c.json("/api/dashboard", &[]).await;
    assert_eq!(day["courses_today"], 1, "{day}");
    assert!(
        Client::signed_in(&app.base, "mia@example.com", common::MEMBER_PASSWORD)
            .await
            .call("/api/me", &[])
            .await
            .status()
            .is_success()
    );
    common::create_member(&c, "noah@example.com").await; // ids go on after the copied ones
    app.stop().await;

    let again = courseware(new.path(), &["migrate-db", "--from", &source, "--to", &target]);
    assert!(!again.status.success());
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("already holds data"),
        "{again:?}"
    );
}
