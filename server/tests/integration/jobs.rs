//! Durable jobs over real HTTP and a real SQLite file: a whole job from the
//! API, exactly-once claiming with several workers, the time limit,
//! cancelling, a worker killed mid-job (a real SIGKILL of the real binary),
//! and re-queueing at shutdown.

use crate::common;

use std::time::{Duration, Instant};

use common::{Client, TestApp, ADMIN_EMAIL, ADMIN_PASSWORD};

use common::sample_outline;

#[tokio::test]
async fn a_job_runs_from_the_api_to_a_stored_deck_and_counts_in_the_day() {
    let (app, dir, c) = common::admin().await;
    let id = c
        .start_job(&[("title", "Fire safety for site leads"), ("days", "2")])
        .await;
    assert_eq!(id.len(), 8);
    let j = c.completes(&id, Duration::from_secs(30)).await;
    assert_eq!(j["job"]["progress"], 100);
    assert_eq!(j["job"]["course_title"], "Fire safety for site leads");
    let slides = j["job"]["slide_count"].as_i64().expect("slides");
    assert!(slides > 20);
    let messages = common::texts(&j["events"], "message");
    assert!(messages.iter().any(|m| m.starts_with("Planned")), "{messages:?}");
    // The log's slide count is the deck's, splits included.
    let built = format!("Built {slides} slides");
    assert!(messages.iter().any(|m| m.starts_with(&built)), "{messages:?}");
    // Each bank slide says why it fits its topic (fire safety: the
    // emergency flow for evacuation, by the topic's own title).
    let picks: Vec<&&str> = messages.iter().filter(|m| m.starts_with("Bank: ")).collect();
    assert!(!picks.is_empty(), "{messages:?}");
    assert!(
        picks
            .iter()
            .all(|m| m.contains("(score ") && m.contains("threshold 3)")),
        "{picks:?}"
    );
    assert!(
        picks.iter().any(|m| m.contains("in the topic's title")),
        "{picks:?}"
    );
    // The deck is on disk and keeps the invariants; its title comes from the form.
    let path = dir.path().join("outputs").join(format!("{id}.pptx"));
    let bytes = std::fs::read(&path).expect("deck stored");
    assert!(deck::check::check_bytes(&bytes).expect("check").is_empty());
    assert!(String::from_utf8_lossy(&bytes).len() > 1000);
    // History and today's snapshot include it.
    let history = c.history(&[]).await;
    assert_eq!(history[0]["id"], id.as_str());
    assert_eq!(history[0]["owner_name"], "Ada Admin");
    let filtered = c
        .history(&[("search", "SITE Leads"), ("status", "complete")])
        .await;
    assert_eq!(filtered.len(), 1, "a search ignores case");
    assert_eq!(c.history(&[("status", "failed")]).await.len(), 0);
    let snap: serde_json::Value = c.json("/api/dashboard", &[]).await;
    assert_eq!(snap["courses_today"], 1);
    assert_eq!(snap["slides_today"], slides);
    assert_eq!(snap["days"].as_array().map(Vec::len), Some(90));
    app.stop().await;
}

/// Timestamps have one-second resolution, so jobs started in the same second
/// tie on `created_at`: history must still list them newest first, the same
/// way every time, and page through them without losing or repeating one.
#[tokio::test]
async fn history_pages_newest_first_even_within_one_second() {
    let (app, _dir, c) = common::admin_on(|config| {
        config.worker_concurrency = 1;
        // Thirty at once: over the per-user defaults.
        (config.max_active_jobs_per_user, config.max_job_starts_per_hour) = (40, 40);
    })
    .await;
    let mut ids = Vec::new();
    for i in 0..30 {
        ids.push(
            c.start_job(&[("title", &format!("Order check {i}")), ("days", "2")])
                .await,
        );
    }
    // Read once, so an answer is kept for this version of the jobs...
    assert_eq!(c.history(&[]).await.len(), 25, "a page holds 25");
    // ...then force the tie the test is about, as another writer would (the
    // kept answer must not survive a change it did not make itself): every
    // job in the very same second.
    backend::on_db!(&app.state.pool, pool => sqlx::query("UPDATE jobs SET created_at = '2026-01-01T00:00:00Z'")
        .execute(pool)
.await.map(|r| r.rows_affected()))
        .expect("update");
    ids.reverse();
    let first: serde_json::Value = c.json("/api/jobs", &[]).await;
    let cursor = first["next"].as_str().expect("an older page");
    // A course started between two pages does not shift the next one.
    c.start_job(&[("title", "Started while paging"), ("days", "1")])
        .await;
    let second: serde_json::Value = c.json("/api/jobs", &[("cursor", cursor)]).await;
    assert_eq!(second["next"], serde_json::Value::Null, "the last page");
    let mut listed = common::texts(&first["jobs"], "id");
    listed.extend(common::texts(&second["jobs"], "id"));
    assert_eq!(listed, ids, "history must be newest first, each job once");
    assert_eq!(c.history(&[]).await[0]["course_title"], "Started while paging");
    let got = c.call("/api/jobs", &[("cursor", "not-a-page")]).await;
    assert_eq!(got.status(), 422, "a made-up cursor is refused");
    let problem: serde_json::Value = got.json().await.expect("json");
    assert_eq!(problem["Invalid"]["field"], "cursor", "{problem}");
    app.stop().await;
}

#[tokio::test]
async fn form_errors_name_their_field() {
    let (app, _dir, c) = common::admin().await;
    let outline = sample_outline();
    let long = "x".repeat(201);
    for (title, days, lang, template, outline, field) in [
        ("", "1", "en", "Ocean.pptx", outline.as_str(), "title"),
        (long.as_str(), "1", "en", "Ocean.pptx", outline.as_str(), "title"),
        ("T", "0", "en", "Ocean.pptx", outline.as_str(), "days"),
        ("T", "1", "xx", "Ocean.pptx", outline.as_str(), "language"),
        ("T", "1", "en", "../../etc/passwd", outline.as_str(), "template"),
        (
            "T",
            "1",
            "en",
            "Ocean.pptx",
            "{\"title\":\"x\",\"modules\":[]}",
            "outline",
        ),
    ] {
        let res = c
            .start(&[
                ("title", title),
                ("days", days),
                ("language", lang),
                ("template", template),
                ("outline", outline),
            ])
            .await;
        assert_eq!(res.status(), 422, "{field}");
        let body: serde_json::Value = res.json().await.expect("json");
        assert_eq!(body["Invalid"]["field"], field);
    }
    app.assert_nothing_queued().await;
    app.stop().await;
}

#[tokio::test]
async fn each_job_is_claimed_exactly_once_by_several_workers() {
    let (app, _dir, c) =
        common::admin_on(|s| (s.worker_concurrency, s.max_active_jobs_per_user) = (4, 20)).await;
    let mut ids = Vec::new();
    for i in 0..12 {
        ids.push(
            c.start_job(&[("title", &format!("Course {i}")), ("days", "2")])
                .await,
        );
    }
    for id in &ids {
        c.wait_for(id, &["complete"], Duration::from_secs(60)).await;
    }
    let rows: Vec<(String, i64)> =
        backend::on_db!(&app.state.pool, pool => sqlx::query_as("SELECT id, attempts FROM jobs")
        .fetch_all(pool)
.await)
        .expect("rows");
    assert_eq!(rows.len(), 12);
    assert!(rows.iter().all(|(_, a)| *a == 1), "{rows:?}");
    for id in &ids {
        let starts = app
            .count(
                "SELECT COUNT(*) FROM job_events WHERE job_id = $1 AND message = 'Reading the outline'",
                &[id],
            )
            .await;
        assert_eq!(starts, 1, "{id} ran {starts} times");
    }
    let left = app.count("SELECT COUNT(*) FROM job_queue", &[]).await;
    assert_eq!(left, 0, "no job left in the queue");
    let (courses,): (i64,) =
        backend::on_db!(&app.state.pool, pool => sqlx::query_as("SELECT CAST(SUM(courses) AS BIGINT) FROM daily_activity")
        .fetch_one(pool)
.await)
        .expect("sum");
    assert_eq!(courses, 12);
    app.stop().await;
}

#[tokio::test]
async fn a_job_over_the_time_limit_fails_clearly() {
    let (app, dir, c) = common::admin_on(|s| (s.job_time_limit, s.job_stage_pause_ms) = (1, 400)).await;
    let id = c.start_job(&[("title", "Slow course"), ("days", "2")]).await;
    let j = c
        .wait_for(&id, &["failed", "complete"], Duration::from_secs(20))
        .await;
    assert_eq!(j["job"]["status"], "failed");
    assert!(
        j["job"]["error"]
            .as_str()
            .unwrap_or("")
            .contains("time limit of 1 s"),
        "{j}"
    );
    assert!(!dir.path().join("outputs").join(format!("{id}.pptx")).exists());
    app.stop().await;
}

#[tokio::test]
async fn the_owner_can_cancel_a_running_job_and_retry_it() {
    let (app, dir, c) = common::admin_on(|s| s.job_stage_pause_ms = 300).await;
    let id = c.start_job(&[("title", "To cancel"), ("days", "2")]).await;
    c.wait_for(&id, &["running"], Duration::from_secs(10)).await;
    assert_eq!(c.call("/api/jobs/cancel", &[("id", &id)]).await.status(), 200);
    let j = c
        .wait_for(&id, &["cancelled", "complete"], Duration::from_secs(10))
        .await;
    assert_eq!(j["job"]["status"], "cancelled");
    // A member who does not own it cannot touch it.
    let (email, pw) = common::create_member(&c, "other@example.com").await;
    let other = Client::signed_in(&app.base, &email, &pw).await;
    assert_eq!(other.call("/api/jobs/retry", &[("id", &id)]).await.status(), 403);
    assert_eq!(other.call("/api/jobs/delete", &[("id", &id)]).await.status(), 403);
    // Retry runs it to completion.
    assert_eq!(c.call("/api/jobs/retry", &[("id", &id)]).await.status(), 200);
    let j = c
        .wait_for(&id, &["complete", "failed"], Duration::from_secs(30))
        .await;
    assert_eq!(j["job"]["status"], "complete");
    assert_eq!(c.call("/api/jobs/cancel", &[("id", &id)]).await.status(), 409);
    // Delete hides it at once, everywhere; it is kept for the undo.
    let deck = dir.path().join("outputs").join(format!("{id}.pptx"));
    assert_eq!(c.call("/api/jobs/delete", &[("id", &id)]).await.status(), 200);
    assert_eq!(c.call("/api/jobs/get", &[("id", &id)]).await.status(), 404);
    assert_eq!(c.call("/api/jobs/delete", &[("id", &id)]).await.status(), 404);
    assert!(c.history(&[]).await.iter().all(|j| j["id"] != id.as_str()));
    assert!(deck.exists(), "kept until the undo time ends");
    // "Recently deleted" lists it for its owner (or an administrator), not
    // for another member.
    let deleted = c.history(&[("status", "deleted")]).await;
    assert_eq!(
        common::texts(&serde_json::Value::from(deleted), "id"),
        [id.as_str()]
    );
    assert!(other.history(&[("status", "deleted")]).await.is_empty());
    // Only its owner (or an administrator) can undo it; then it is back.
    assert_eq!(
        other.call("/api/jobs/restore", &[("id", &id)]).await.status(),
        403
    );
    assert_eq!(c.call("/api/jobs/restore", &[("id", &id)]).await.status(), 200);
    assert_eq!(
        c.completes(&id, Duration::from_secs(1)).await["job"]["id"],
        id.as_str()
    );
    assert_eq!(c.download(&id).await.status(), 200);
    // Once the undo time has passed, the janitor removes row and deck.
    assert_eq!(c.call("/api/jobs/delete", &[("id", &id)]).await.status(), 200);
    backend::on_db!(&app.state.pool, pool => sqlx::query("UPDATE jobs SET deleted_at = '2026-01-01T00:00:00Z'")
        .execute(pool)
        .await.map(|r| r.rows_affected()))
        .expect("backdate");
    let purged = backend::storage::offload::purge_deleted(&app.state).await;
    assert_eq!(purged.expect("purge"), 1);
    assert!(!deck.exists());
    assert_eq!(c.call("/api/jobs/restore", &[("id", &id)]).await.status(), 404);
    app.stop().await;
}

#[tokio::test]
async fn shutdown_requeues_a_running_job_and_the_next_start_finishes_it() {
    let (_dir, mut config) = common::settings();
    config.job_stage_pause_ms = 1500;
    config.shutdown_grace_seconds = 0;
    let app = TestApp::start_with(config.clone()).await;
    let c = Client::signed_in(&app.base, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let id = c.start_job(&[("title", "Interrupted"), ("days", "2")]).await;
    c.wait_for(&id, &["running"], Duration::from_secs(10)).await;
    let pool = app.state.pool.clone();
    app.stop().await;
    drop(pool);

    config.job_stage_pause_ms = 0;
    let (app, c) = TestApp::signed_in(config).await;
    c.completes(&id, Duration::from_secs(30)).await;
    app.stop().await;
}

/// A real crash: the real binary is killed with SIGKILL while a job runs;
/// the next start re-queues the job and finishes it.
#[tokio::test]
async fn a_worker_killed_mid_job_finishes_the_job_after_restart() {
    use std::io::BufRead;
    let dir = tempfile::tempdir().expect("tmp");
    if let Some(url) = common::postgres_url(dir.path()) {
        common::ensure_postgres_database(&url).await;
    }
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_courseware"))
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("COURSEWARE_BIND", "127.0.0.1:0")
        .env("DATA_DIR", dir.path())
        .envs(common::postgres_env(dir.path()))
        // On PostgreSQL the next start does not take over running jobs (other
        // replicas may be running them): the job returns when its lease lapses.
        .env("JOB_LEASE_SECONDS", "3")
        .env(
            "SAMPLE_TEMPLATES_DIR",
            concat!(env!("CARGO_MANIFEST_DIR"), "/samples/templates"),
        )
        .env("JOB_STAGE_PAUSE_MS", "2000")
        .env("INITIAL_ADMIN_EMAIL", ADMIN_EMAIL)
        .env("INITIAL_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn");
    let stdout = child.stdout.take().expect("stdout");
    let base = std::io::BufReader::new(stdout)
        .lines()
        .map_while(Result::ok)
        .find_map(|l| l.strip_prefix("Courseware is running at ").map(str::to_owned))
        .expect("address");
    let c = Client::signed_in(&base, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let id = c.start_job(&[("title", "Crash survivor"), ("days", "2")]).await;
    c.wait_for(&id, &["running"], Duration::from_secs(10)).await;
    child.kill().expect("SIGKILL");
    let _ = child.wait();

    let mut config = common::config(dir.path());
    config.job_lease_seconds = 3;
    let (app, c) = TestApp::signed_in(config).await;
    c.completes(&id, Duration::from_secs(30)).await;
    let attempts: i64 = backend::on_db!(&app.state.pool, pool => sqlx::query_scalar("SELECT attempts FROM jobs WHERE id = $1")
        .bind(id.as_str())
        .fetch_one(pool)
.await)
        .expect("attempts");
    assert_eq!(attempts, 2);
    app.stop().await;
}

/// A breaks field longer than any timetable needs (256 characters).
const LONG_BREAKS: &str = concat!(
    "10:00/5,10:00/5,10:00/5,10:00/5,10:00/5,10:00/5,10:00/5,10:00/5,",
    "10:00/5,10:00/5,10:00/5,10:00/5,10:00/5,10:00/5,10:00/5,10:00/5,",
    "10:00/5,10:00/5,10:00/5,10:00/5,10:00/5,10:00/5,10:00/5,10:00/5,",
    "10:00/5,10:00/5,10:00/5,10:00/5,10:00/5,10:00/5,10:00/5,10:00/5,",
);

/// A course's own day: the timetable given on the form is checked, kept
/// with the job and drives its agenda; a bad one is a 422 naming the field,
/// with nothing queued.
#[tokio::test]
async fn a_course_keeps_its_own_timetable_and_a_bad_one_is_refused() {
    let (app, dir, c) = common::admin().await;
    let outline = sample_outline();
    let form = |start: &'static str, end: &'static str, lunch: &'static str, breaks: &'static str| {
        vec![
            ("title", "Morning course"),
            ("days", "1"),
            ("language", "en"),
            ("template", "Ocean.pptx"),
            ("day_start", start),
            ("day_end", end),
            ("lunch", lunch),
            ("breaks", breaks),
        ]
    };
    for (start, end, lunch, breaks) in [
        ("08:30", "12:30", "", ""),          // the server's lunch (12:30) does not fit
        ("25:00", "17:00", "none", ""),      // not a time
        ("09:00", "17:00", "12:00/600", ""), // a lunch of 10 hours
        ("09:00", "17:00", "", LONG_BREAKS), // longer than any timetable needs
    ] {
        let mut f = form(start, end, lunch, breaks);
        f.push(("outline", &outline));
        let res = c.start(&f).await;
        assert_eq!(res.status(), 422, "{start} {end} {lunch}");
        let body: serde_json::Value = res.json().await.expect("json");
        assert_eq!(body["Invalid"]["field"], "timetable", "{body}");
    }
    let mut f = form("08:30", "12:30", "none", "10:15/15");
    f.push(("outline", &outline));
    let res = c.start(&f).await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap_or_default());
    let id: String = res.json().await.expect("id");
    c.wait_for(&id, &["complete"], Duration::from_secs(30)).await;
    let stored: Option<String> = backend::on_db!(&app.state.pool, pool => sqlx::query_scalar("SELECT timetable FROM jobs WHERE id = $1")
        .bind(&id)
        .fetch_one(pool)
.await)
        .expect("row");
    assert_eq!(stored.as_deref(), Some("08:30|12:30|none|10:15/15"));
    let bytes = c.download(&id).await.bytes().await.expect("deck");
    let text = common::deck_text(&bytes);
    assert!(
        text.contains("08:30–08:45") && text.contains("Welcome and introductions"),
        "agenda"
    );
    assert!(
        text.contains("10:15–10:30") && !text.contains("Lunch"),
        "no lunch, one break"
    );
    assert!(text.contains("–12:30"), "the day ends at 12:30");
    // The job's spec carries its day; `courseware generate --spec` keeps it.
    let spec: serde_json::Value = c
        .get(&format!("/api/jobs/{id}/spec"))
        .await
        .json()
        .await
        .expect("spec");
    assert_eq!(
        spec["timetable"],
        serde_json::json!({"start": "08:30", "end": "12:30", "lunch": "none", "breaks": "10:15/15"})
    );
    let file = dir.path().join("spec.json");
    std::fs::write(&file, serde_json::to_vec(&spec).expect("json")).expect("write");
    let out = dir.path().join("from-spec.pptx");
    let samples = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_courseware"))
        .env("TAGGED_BANK_DIR", samples.join("banks/tagged"))
        .env("DRILL_DOWN_BANK_DIR", samples.join("banks/drilldown"))
        .env("ILLUSTRATIONS_DIR", samples.join("illustrations"))
        .args(["generate", "--spec"])
        .arg(&file)
        .arg("--templates-dir")
        .arg(samples.join("templates"))
        .arg("-o")
        .arg(&out)
        .output()
        .expect("run");
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let again = common::deck_text(&std::fs::read(&out).expect("deck"));
    assert!(again.contains("08:30–08:45") && !again.contains("Lunch"));
    // Without a timetable the server's day applies.
    let plain = c.start_job(&[("title", "Usual day"), ("days", "2")]).await;
    c.wait_for(&plain, &["complete"], Duration::from_secs(30)).await;
    let text = common::deck_text(&c.download(&plain).await.bytes().await.expect("deck"));
    assert!(text.contains("12:30–13:30") && text.contains("Lunch"));
    app.stop().await;
}

/// A job whose worker stopped answering (its process or replica died, so
/// nothing renews its lease) is re-queued by the server that is still up,
/// without a restart, and runs to completion once: one completion, one
/// count in the day, a second attempt, and the log says why.
#[tokio::test]
async fn a_job_whose_lease_lapses_is_requeued_and_completed_once_without_a_restart() {
    let (app, _dir, c) = common::admin_on(|s| (s.job_lease_seconds, s.worker_concurrency) = (3, 1)).await;
    // A job held by a worker of a process that no longer exists: claimed,
    // running, its lease already over. (Enqueued and taken in one go, before
    // this server's idle worker looks at the queue again; retried if it won.)
    let user = common::user_id(&c, ADMIN_EMAIL).await;
    let lapsed = backend::db::rfc3339(time::OffsetDateTime::now_utc() - time::Duration::seconds(1));
    let mut id = None;
    for attempt in 0..5 {
        let job = backend::db::jobs::NewJob {
            user_id: user,
            course_title: format!("Orphaned {attempt}"),
            template_name: "Ocean.pptx".into(),
            template_path: backend::templates::resolve(&app.state.config, "Ocean.pptx")
                .expect("sample template")
                .to_string_lossy()
                .into_owned(),
            duration_days: 1,
            language: "en".into(),
            outline: serde_json::from_str(&sample_outline()).expect("outline"),
            timetable: None,
            version_of: None,
        };
        let quota = backend::db::jobs::Quota {
            active: 100,
            per_hour: 100,
        };
        let backend::db::jobs::Enqueued::Id(new) = backend::db::jobs::enqueue(&app.state.pool, &job, quota)
            .await
            .expect("enqueue")
        else {
            panic!("quota")
        };
        let taken = backend::db::jobs::claim(&app.state.pool, "w0-deadbeef", &lapsed)
            .await
            .expect("claim");
        if taken.as_ref() == Some(&new) {
            id = Some(new);
            break;
        }
        // This server's worker took it first: let it finish, try again.
        c.wait_for(new.as_str(), &["complete"], Duration::from_secs(60))
            .await;
    }
    let id = id.expect("a job held by the dead worker");
    let started = Instant::now();
    let job = c
        .wait_for(id.as_str(), &["complete"], Duration::from_secs(60))
        .await;
    // Re-queued within about a third of a lease, then built (seconds).
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "{:?}",
        started.elapsed()
    );
    let events = job["events"].as_array().expect("events");
    assert!(
        events
            .iter()
            .any(|e| e["message"] == "Re-queued: its worker stopped answering"),
        "{events:?}"
    );
    let attempts: i64 = backend::on_db!(&app.state.pool, pool => sqlx::query_scalar("SELECT attempts FROM jobs WHERE id = $1")
        .bind(id.as_str())
        .fetch_one(pool)
        .await)
    .expect("attempts");
    assert_eq!(attempts, 2, "claimed by the dead worker, then once here");
    let completions = events
        .iter()
        .filter(|e| e["message"].as_str().is_some_and(|m| m.starts_with("Complete:")))
        .count();
    assert_eq!(completions, 1, "{events:?}");
    // The dead worker's completion, were it to arrive now, is refused.
    let late = backend::db::jobs::complete(
        &app.state.pool,
        &id,
        &backend::db::jobs::Completed {
            worker: "w0-deadbeef",
            slides: 1,
            score: 1,
            verdict: "late",
            report: "{}",
            location: "nowhere.pptx",
            s3_key: None,
            seconds: 1.0,
            content: None,
        },
    )
    .await;
    assert!(matches!(late, Err(sqlx::Error::RowNotFound)), "{late:?}");
    app.stop().await;
}

/// Two replicas on one PostgreSQL database: the event stream of the one
/// that does not run a job shows that job's progress to the end. (SQLite
/// has one server per data directory, so there is nothing to share there:
/// this test runs on the PostgreSQL pass of the suite only.)
#[tokio::test]
async fn a_replica_streams_the_progress_of_a_job_another_replica_runs() {
    if !common::on_postgres() {
        eprintln!("two replicas need PostgreSQL: run by scripts/pg-test");
        return;
    }
    let (dir_a, dir_b) = (
        tempfile::tempdir().expect("tmp"),
        tempfile::tempdir().expect("tmp"),
    );
    let mut config_a = common::config(dir_a.path());
    config_a.job_stage_pause_ms = 150;
    config_a.worker_concurrency = 1;
    let mut config_b = common::config(dir_b.path());
    config_b.database_url = config_a.database_url.clone();
    config_b.job_stage_pause_ms = 150;
    config_b.worker_concurrency = 1;
    let a = TestApp::start_with(config_a).await;
    let b = TestApp::start_with(config_b).await;
    let on_a = Client::signed_in(&a.base, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let on_b = Client::signed_in(&b.base, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let id = on_a
        .start_job(&[("title", "Shared across replicas"), ("days", "2")])
        .await;
    on_a.wait_for(&id, &["running"], Duration::from_secs(10)).await;
    // Follow it on the replica that is not running it.
    let (runner, other) = if a.state.jobs.runs_here(&id) {
        (&a, &on_b)
    } else {
        (&b, &on_a)
    };
    assert!(runner.state.jobs.runs_here(&id));
    let follower = if std::ptr::eq(runner, &a) { &b } else { &a };
    assert!(
        follower.state.jobs.listening(),
        "the follower listens for other replicas' lines"
    );
    // When the runner publishes each line (to its own streams)…
    let mut published = runner.state.jobs.hub.subscribe(&id);
    let said = tokio::spawn(async move {
        let mut said = std::collections::HashMap::new();
        while let Ok(u) = published.recv().await {
            if let Some(e) = &u.event {
                said.entry(e.message.clone()).or_insert_with(Instant::now);
            }
            if u.status.is_terminal() {
                break;
            }
        }
        said
    });
    // … and when the stream on the other replica shows it.
    let timed = other
        .stream_timed_until_complete(&id, Duration::from_secs(60))
        .await;
    let said = said.await.expect("runner's updates");
    let mut delays: Vec<Duration> = timed
        .iter()
        .filter_map(|(shown, u)| {
            let at = said.get(u["event"]["message"].as_str()?)?;
            Some(shown.saturating_duration_since(*at))
        })
        .collect();
    delays.sort();
    eprintln!("a line on the other replica's stream, after its runner said it: {delays:?}");
    assert!(
        delays.len() >= 3,
        "progress lines from the other replica: {timed:?}"
    );
    // Announced by the database as each line commits (a stream reading every
    // second showed a line ~0.5 s late on average; every 5 s while listening).
    let median = delays[delays.len() / 2];
    assert!(
        median < Duration::from_millis(250),
        "median delay {median:?}: {delays:?}"
    );
    let updates: Vec<serde_json::Value> = timed.into_iter().map(|(_, u)| u).collect();
    common::assert_progress_climbs(&updates);
    a.stop().await;
    b.stop().await;
}
