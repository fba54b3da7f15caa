//! Two real replicas (`courseware` processes) on one PostgreSQL database and
//! one real S3-compatible bucket, writing with the AI writer against a fake
//! model API; one is killed with SIGKILL while it runs jobs. Runs on the PostgreSQL pass of the suite only (`scripts/pg-test`):
//! on SQLite there is one server per data directory and nothing to share.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use sqlx::postgres::PgPool;

use crate::common::fake_llm::{self, Api, FakeServer};
use crate::common::s3_server::{self, S3Server};
use crate::common::spawned::Spawned;
use crate::common::{self, Client, ADMIN_EMAIL, ADMIN_PASSWORD};

const JOBS: usize = 20;

/// Who holds each claimed job: job id → worker name (`w<n>-<instance>`).
async fn claims(db: &PgPool) -> HashMap<String, String> {
    sqlx::query_as::<_, (String, String)>(
        "SELECT job_id, claimed_by FROM job_queue WHERE claimed_by IS NOT NULL",
    )
    .fetch_all(db)
    .await
    .expect("claims")
    .into_iter()
    .collect()
}

async fn count(db: &PgPool, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(db).await.expect(sql)
}

/// Polls until `done` holds, failing after `limit` with `what`.
async fn until<F, Fut>(limit: Duration, what: &str, mut done: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let started = Instant::now();
    while !done().await {
        assert!(started.elapsed() < limit, "{what}: not within {limit:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn twenty_jobs_through_two_replicas_complete_once_when_one_is_killed() {
    if !common::on_postgres() {
        eprintln!("two replicas need PostgreSQL: run by scripts/pg-test");
        return;
    }
    let bucket_dir = tempfile::tempdir().expect("tmp");
    let s3 = S3Server::start(bucket_dir.path()).await;
    let db_dir = tempfile::tempdir().expect("tmp");
    let url = common::postgres_url(db_dir.path()).expect("postgres url");
    common::ensure_postgres_database(&url).await;
    let endpoint = s3.endpoint();
    // Every answer takes 150 ms, so jobs are mid-run when a replica dies.
    let fake = FakeServer::start(
        Api::Anthropic,
        std::sync::Arc::new(|call, body: &serde_json::Value| {
            let answer = if fake_llm::tool(Api::Anthropic, body) == "review_course" {
                fake_llm::review_answer()
            } else {
                fake_llm::module_answer(&fake_llm::prompt(Api::Anthropic, body))
            };
            Some(fake_llm::ok(Api::Anthropic, call, &answer).set_delay(Duration::from_millis(150)))
        }),
    )
    .await;
    let llm = fake.config();
    // What every replica shares: the database, the key, the bucket. Each has
    // its own data directory (not shared), so decks must go to the bucket.
    let shared: Vec<(&str, &str)> = vec![
        ("DATABASE_URL", &url),
        ("SECRET_KEY", "replica-test-key-replica-test-key-0123"),
        ("SHARED_DATA_DIR", "false"),
        ("S3_BUCKET", s3_server::BUCKET),
        ("S3_ENDPOINT", &endpoint),
        ("S3_FORCE_PATH_STYLE", "true"),
        ("AWS_ACCESS_KEY_ID", s3_server::ACCESS_KEY),
        ("AWS_SECRET_ACCESS_KEY", s3_server::SECRET_KEY),
        ("S3_UPLOAD_RETRY_SECONDS", "1"),
        ("JOB_LEASE_SECONDS", "3"),
        ("JOB_STAGE_PAUSE_MS", "100"),
        ("WORKER_CONCURRENCY", "2"),
        ("MAX_ACTIVE_JOBS_PER_USER", "40"),
        ("MAX_JOB_STARTS_PER_HOUR", "100"),
        ("PREVIEWS", "false"),
        ("LLM_PROVIDER", "anthropic"),
        ("ANTHROPIC_API_KEY", "sk-ant-test-secret-key"),
        ("ANTHROPIC_BASE_URL", &llm.anthropic_base_url),
        ("LLM_MODEL", llm.llm_model.as_deref().expect("model")),
        ("LLM_RETRY_BASE_MS", "10"),
    ];
    let db = PgPool::connect(&url).await.expect("test's own connection");

    // Replica A alone first: the worker that claims its first job tells
    // which instance name is A's.
    let mut a = Spawned::start(&shared).await;
    let on_a = Client::signed_in(&a.base, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let first = on_a.start_job(&[("title", "Replica course 1")]).await;
    until(Duration::from_secs(10), "A claims the first job", || async {
        claims(&db).await.contains_key(&first)
    })
    .await;
    let worker = claims(&db).await[&first].clone();
    let instance_a = worker.split_once('-').expect("w<n>-<instance>").1.to_owned();

    let b = Spawned::start(&shared).await;
    let on_b = Client::signed_in(&b.base, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let mut ids = vec![(first, "A")];
    for i in 2..=JOBS {
        let (via, name) = if i % 2 == 0 { (&on_b, "B") } else { (&on_a, "A") };
        ids.push((
            via.start_job(&[("title", &format!("Replica course {i}"))]).await,
            name,
        ));
    }

    // Kill A mid-run: some jobs are done, and A is running at least one.
    let a_runs = |c: &HashMap<String, String>| -> Vec<String> {
        c.iter()
            .filter(|(_, w)| w.ends_with(&format!("-{instance_a}")))
            .map(|(j, _)| j.clone())
            .collect()
    };
    until(
        Duration::from_secs(60),
        "A running a job after 3 completions",
        || async {
            let done = count(&db, "SELECT COUNT(*) FROM jobs WHERE status = 'complete'").await;
            done >= 3 && !a_runs(&claims(&db).await).is_empty()
        },
    )
    .await;
    a.child.start_kill().expect("SIGKILL");
    let killed = Instant::now();
    let _ = a.child.wait().await;
    // What the dead replica held (its claims stay until their leases lapse).
    let orphans = a_runs(&claims(&db).await);
    assert!(!orphans.is_empty(), "A died holding no job");
    let followed = orphans[0].clone();
    let stream = tokio::spawn({
        let (client, id) = (on_b.clone(), followed.clone());
        async move { client.stream_until_complete(&id, Duration::from_secs(120)).await }
    });

    // B takes the dead replica's jobs over when their leases lapse.
    let instance_b_claims = |c: &HashMap<String, String>, id: &str| {
        c.get(id).is_some_and(|w| !w.ends_with(&format!("-{instance_a}")))
    };
    until(
        Duration::from_secs(30),
        "B takes the dead replica's job over",
        || async {
            let attempts: i64 = sqlx::query_scalar("SELECT attempts FROM jobs WHERE id = $1")
                .bind(&followed)
                .fetch_one(&db)
                .await
                .expect("attempts");
            instance_b_claims(&claims(&db).await, &followed) || attempts >= 2
        },
    )
    .await;
    let requeued = killed.elapsed();
    eprintln!(
        "a dead replica's job was re-queued and claimed {:.2} s after SIGKILL (lease 3 s)",
        requeued.as_secs_f64()
    );
    until(Duration::from_secs(120), "all jobs complete", || async {
        count(
            &db,
            "SELECT COUNT(*) FROM jobs WHERE status IN ('complete', 'failed', 'cancelled')",
        )
        .await
            == JOBS as i64
    })
    .await;

    // All complete, exactly once each.
    for (id, via) in &ids {
        let j = on_b.job(id).await;
        assert_eq!(
            j["job"]["status"], "complete",
            "job {id} (started via {via}): {j}"
        );
        let completions: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM job_events WHERE job_id = $1 AND message LIKE 'Complete:%'",
        )
        .bind(id)
        .fetch_one(&db)
        .await
        .expect("completions");
        assert_eq!(completions, 1, "job {id}");
        // In the bucket before it counted as complete: no moment when a
        // complete job's only copy is on one replica's disk.
        let order: Vec<String> = sqlx::query_scalar(
            "SELECT message FROM job_events WHERE job_id = $1
               AND (message LIKE 'Complete:%' OR message LIKE 'Stored in object storage%') ORDER BY id",
        )
        .bind(id)
        .fetch_all(&db)
        .await
        .expect("events");
        let stored = order.iter().rposition(|m| m.starts_with("Stored"));
        let complete = order.iter().position(|m| m.starts_with("Complete:"));
        assert!(stored < complete && stored.is_some(), "job {id}: {order:?}");
    }
    for id in &orphans {
        let attempts: i64 = sqlx::query_scalar("SELECT attempts FROM jobs WHERE id = $1")
            .bind(id)
            .fetch_one(&db)
            .await
            .expect("attempts");
        assert_eq!(attempts, 2, "job {id} ran on A, then once more on B");
    }
    assert_eq!(count(&db, "SELECT COUNT(*) FROM job_queue").await, 0);
    // Tokens: one set per job. A job that ran once has one row per model
    // call (each module, then the review); a job taken over reuses the
    // modules its first run stored, so at most a module in flight when the
    // replica died was asked for twice. No call is recorded twice.
    for (id, _) in &ids {
        let attempts: i64 = sqlx::query_scalar("SELECT attempts FROM jobs WHERE id = $1")
            .bind(id)
            .fetch_one(&db)
            .await
            .expect("attempts");
        let per_purpose: Vec<(String, i64)> = sqlx::query_as(
            "SELECT purpose, COUNT(*) FROM token_usage WHERE job_id = $1 GROUP BY purpose ORDER BY purpose",
        )
        .bind(id)
        .fetch_all(&db)
        .await
        .expect("token rows");
        assert!(
            per_purpose.iter().any(|(p, _)| p == "review"),
            "job {id}: {per_purpose:?}"
        );
        assert!(
            per_purpose.iter().any(|(p, _)| p == "module 1"),
            "job {id}: {per_purpose:?}"
        );
        let most = if attempts == 1 { 1 } else { 2 };
        assert!(
            per_purpose.iter().all(|(_, n)| *n <= most),
            "job {id} (attempts {attempts}): {per_purpose:?}"
        );
        if attempts > 1 {
            let twice = per_purpose.iter().filter(|(_, n)| *n == 2).count();
            assert!(
                twice <= 2,
                "job {id}: more than the in-flight modules again: {per_purpose:?}"
            );
        }
    }
    let rows = count(&db, "SELECT COUNT(*) FROM token_usage").await;
    assert!(
        rows as usize <= fake.calls(),
        "{rows} rows for {} calls",
        fake.calls()
    );
    // The day counts 20 courses and their slides, once.
    let (courses, slides): (i64, i64) = sqlx::query_as("SELECT courses, slides FROM daily_activity")
        .fetch_one(&db)
        .await
        .expect("one day");
    assert_eq!(courses, JOBS as i64);
    assert_eq!(
        slides,
        count(&db, "SELECT CAST(SUM(slide_count) AS BIGINT) FROM jobs").await
    );
    // Every deck is in the bucket — those A built before it died too — and
    // downloads through the survivor.
    for (id, _) in &ids {
        let (local, key): (Option<String>, Option<String>) =
            sqlx::query_as("SELECT output_local, output_s3_key FROM jobs WHERE id = $1")
                .bind(id)
                .fetch_one(&db)
                .await
                .expect("deck");
        assert_eq!(local, None, "job {id}");
        let key = key.expect("in the bucket");
        let object = s3.object(&key).expect("object");
        assert!(object.starts_with(b"PK"), "job {id}: {} bytes", object.len());
        // A presigned redirect to the bucket, followed like a browser would.
        let res = on_b.download(id).await;
        assert_eq!(res.status(), 302, "job {id}");
        let to = res.headers()["location"].to_str().expect("location").to_owned();
        let res = reqwest::get(&to).await.expect("presigned download");
        assert_eq!(res.status(), 200, "job {id}");
        assert_eq!(res.bytes().await.expect("deck").len(), object.len());
    }
    // The survivor's stream followed a job it did not start to the end: the
    // dead replica's run, then its own.
    let updates = stream.await.expect("stream");
    let lines: Vec<&str> = updates
        .iter()
        .filter_map(|u| u["event"]["message"].as_str())
        .collect();
    assert!(lines.len() >= 3, "{updates:?}");
    assert_eq!(updates.last().map(|u| u["progress"].clone()), Some(100.into()));
    assert!(lines.iter().any(|l| l.starts_with("Complete:")), "{lines:?}");
    b.stop().await;
    db.close().await;
    drop(a);
}
