//! The AI writer against local fake model servers (wiremock) — never a real
//! API: success through both APIs, repairs, fallback, 429 with retry-after,
//! 529 overload, timeouts, cancellation, the token budget, token accounting
//! with cache tokens and cost, resuming without re-spending, and a whole
//! job from the upload form to the download through the fake Anthropic API.

use crate::common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::fake_llm::{self, Api, FakeServer, CACHE, INPUT, OUTPUT};
use common::{deck_text, messages, Client, TestApp};
use serde_json::{json, Value};
use wiremock::ResponseTemplate;

const SECRET: &str = "sk-ant-test-secret-key";

fn outline() -> Value {
    let topic = |t: &str, pts: &[&str]| json!({"title": t, "points": pts.iter().map(|p| json!({"text": p, "level": 0})).collect::<Vec<_>>()});
    json!({
        "title": "Site safety",
        "modules": [
            {"title": "Fire and evacuation", "topics": [
                topic("Evacuation and assembly", &["Raise the fire alarm", "Leave by the nearest exit", "Go to the assembly point"]),
                topic("Extinguishers", &["Know the types", "Use only if trained"])]},
            {"title": "Risk", "topics": [
                topic("Risk assessment", &["Identify the hazard", "Rate the risk", "Choose a control"]),
                topic("Reporting", &["Report near misses", "Record incidents"])]},
            {"title": "Working well", "topics": [
                topic("Housekeeping", &["Keep walkways clear", "Store materials safely"]),
                topic("Review", &["Check what changed", "Share lessons"])]}
        ]
    })
}

async fn app_with(dir: &std::path::Path, llm: backend::llm::LlmConfig) -> (TestApp, Client) {
    let mut config = common::config(dir);
    config.llm = llm;
    let (app, c) = TestApp::signed_in(config).await;
    (app, c)
}

async fn start(c: &Client, outline: &Value) -> String {
    c.start_job(&[("title", "Site safety"), ("outline", &outline.to_string())])
        .await
}

/// Waits for the job to end, asserts it completed, and returns it with its log.
async fn completed(c: &Client, id: &str) -> (Value, Vec<String>) {
    let j = c.completes(id, Duration::from_secs(30)).await;
    let log = messages(&j);
    (j, log)
}

/// (purpose, input, output, cache write, cache read, cost) per call.
type UsageRow = (String, i64, i64, i64, i64, Option<f64>);

async fn usage_rows(app: &TestApp, id: &str) -> Vec<UsageRow> {
    backend::on_db!(&app.state.pool, pool => sqlx::query_as(
        "SELECT purpose, input_tokens, output_tokens, cache_creation_tokens, cache_read_tokens, cost_usd
         FROM token_usage WHERE job_id = $1 ORDER BY id",
    )
    .bind(id)
    .fetch_all(pool)
.await)
    .expect("rows")
}

/// How many of a job's log messages mention `text`.
fn mentions(log: &[String], text: &str) -> usize {
    log.iter().filter(|m| m.contains(text)).count()
}

#[tokio::test]
async fn a_whole_job_from_the_form_to_the_download_through_the_fake_anthropic_api() {
    let fake = FakeServer::start(Api::Anthropic, fake_llm::normal()).await;
    let dir = tempfile::tempdir().expect("tmp");
    let (app, c) = app_with(dir.path(), fake.config()).await;

    // The form: upload an outline file, get the tree back, start the job.
    let md = "# Site safety\n\n## Fire and evacuation\n\n### Evacuation and assembly\n- Raise the fire alarm\n- Leave by the nearest exit\n\n### Extinguishers\n- Know the types\n\n## Risk\n\n### Risk assessment\n- Identify the hazard\n- Rate the risk\n";
    let res = c
        .http
        .post(format!("{}/api/outline/upload", c.base))
        .header("x-file-name", "outline.md")
        .body(md)
        .send()
        .await
        .expect("upload");
    assert_eq!(res.status(), 200);
    let tree: Value = res.json().await.expect("tree");
    assert_eq!(tree["modules"].as_array().map(Vec::len), Some(2), "{tree}");
    let id = start(&c, &tree).await;
    let (j, log) = completed(&c, &id).await;
    assert!(
        log.iter()
            .any(|m| m.contains("Writing 2 modules with claude-sonnet-4-5")),
        "{log:?}"
    );
    assert_eq!(mentions(&log, "written by the AI writer"), 2, "{log:?}");

    // Requests: the key and version headers, the cached shared context, the tool.
    let bodies = fake.bodies().await;
    assert_eq!(bodies.len(), 3, "2 modules + 1 review");
    for (headers, body) in &bodies {
        assert_eq!(
            headers.get("x-api-key").map(|v| v.to_str().unwrap_or("")),
            Some(SECRET)
        );
        assert_eq!(
            headers.get("anthropic-version").map(|v| v.to_str().unwrap_or("")),
            Some("2023-06-01")
        );
        assert_eq!(body["system"][0]["cache_control"]["type"], "ephemeral");
        assert!(body["system"][0]["text"]
            .as_str()
            .unwrap_or("")
            .contains("Evacuation and assembly"));
        assert_eq!(body["tool_choice"]["type"], "tool");
    }

    // Tokens: one row per call, cache tokens included, cost from the price table.
    let rows = usage_rows(&app, &id).await;
    assert_eq!(rows.len(), 3, "{rows:?}");
    assert_eq!(rows.iter().filter(|r| r.0 == "review").count(), 1);
    let sum = |f: fn(&UsageRow) -> i64| rows.iter().map(f).sum::<i64>();
    assert_eq!(sum(|r| r.1), 3 * INPUT as i64);
    assert_eq!(sum(|r| r.2), 3 * OUTPUT as i64);
    assert_eq!(sum(|r| r.3), CACHE as i64, "the first call writes the cache");
    assert_eq!(sum(|r| r.4), 2 * CACHE as i64, "later calls read it");
    // Sonnet 4.5: $3 in, $15 out, $3.75 cache write, $0.30 cache read per million.
    let expected = (300.0 * 3.0 + 600.0 * 15.0 + 1000.0 * 3.75 + 2000.0 * 0.30) / 1e6;
    let cost: f64 = rows.iter().filter_map(|r| r.5).sum();
    assert!((cost - expected).abs() < 1e-9, "{cost} vs {expected}");
    assert_eq!(j["usage"]["calls"], 3);
    assert_eq!(j["usage"]["cache_read"], 2 * CACHE);
    assert!((j["usage"]["cost_usd"].as_f64().unwrap_or(0.0) - expected).abs() < 1e-9);
    let usage: Value = c
        .call("/api/usage", &[("days", "30")])
        .await
        .json()
        .await
        .expect("usage");
    assert_eq!(usage["totals"]["calls"], 3, "{usage}");
    assert_eq!(usage["per_model"][0][0], "claude-sonnet-4-5");
    assert_eq!(usage["per_user"][0][0], "Ada Admin");
    assert_eq!(usage["ai_writer"], "anthropic · claude-sonnet-4-5");

    // QA: the deck's score (lint, coverage, notes, layout intent) and the AI
    // review combined (content 4, coherence 5). The fake's answers leave out
    // the outline's points, and coverage says so.
    let qa: Value = serde_json::from_str(j["qa_report"].as_str().expect("qa")).expect("qa json");
    let part = |k: &str| qa["breakdown"][k].as_f64().expect("breakdown");
    let deck_score =
        (0.55 * part("lint") + 15.0 * (part("coverage") + part("notes") + part("intent"))).round();
    assert!(part("coverage") < 1.0, "{qa}");
    assert_eq!(part("notes"), 1.0, "{qa}");
    assert!(qa["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .any(|f| f["code"] == "not_covered"));
    let combined = (0.6 * deck_score + 0.4 * (4.0 + 5.0 - 2.0) / 8.0 * 100.0).round();
    assert_eq!(qa["score"].as_f64(), Some(combined), "{qa}");
    assert_eq!(j["job"]["qa_score"].as_f64(), Some(combined));
    assert_eq!(qa["review"]["coherence"], 5);
    assert_eq!(qa["writer"], "ai");

    // The download carries the AI's words, and an infographic it chose.
    let res = c.download(&id).await;
    assert_eq!(res.status(), 200);
    let bytes = res.bytes().await.expect("bytes");
    assert!(deck::check::check_bytes(&bytes).expect("check").is_empty());
    let text = deck_text(&bytes);
    assert!(
        text.contains("AI: Evacuation and assembly") && text.contains("AI recap one"),
        "AI text missing"
    );
    let notes = String::from_utf8_lossy(&bytes).to_string();
    assert!(!notes.contains(SECRET));

    // The key never reaches a response, a page or the database.
    for path in ["/api/usage", "/", "/usage", &format!("/jobs/{id}")] {
        let body = if path.starts_with("/api") {
            c.call(path, &[("days", "30")]).await.text().await.expect("text")
        } else {
            c.get(path).await.text().await.expect("text")
        };
        assert!(!body.contains(SECRET), "{path} shows the key");
    }
    assert!(!j.to_string().contains(SECRET));
    if let backend::db::Pool::Postgres(pg) = &app.state.pool {
        // Every row of every table, as text.
        for table in [
            "users",
            "sessions",
            "jobs",
            "job_events",
            "job_queue",
            "token_usage",
            "job_module_texts",
            "daily_activity",
            "legacy_imports",
        ] {
            let text: String = sqlx::query_scalar(&format!(
                "SELECT COALESCE(string_agg(t::text, ' '), '') FROM {table} t"
            ))
            .fetch_one(pg)
            .await
            .expect("rows as text");
            assert!(!text.contains(SECRET), "{table} holds the key");
        }
    }
    app.stop().await;
    if !common::on_postgres() {
        let db = std::fs::read(dir.path().join("courseware.db")).expect("db");
        assert!(!String::from_utf8_lossy(&db).contains(SECRET));
    }
}

#[tokio::test]
async fn openai_compatible_servers_without_json_schema_get_json_mode() {
    // Like many local servers: refuse `json_schema`, accept `json_object`.
    let script: fake_llm::Script = Arc::new(|_, body: &Value| {
        (body["response_format"]["type"] == "json_schema").then(|| {
            ResponseTemplate::new(400)
                .set_body_json(json!({"error": {"message": "response_format json_schema is not supported"}}))
        })
    });
    let fake = FakeServer::start(Api::OpenAi, script).await;
    let dir = tempfile::tempdir().expect("tmp");
    let (app, c) = app_with(dir.path(), fake.config()).await;
    let id = start(&c, &outline()).await;
    let (j, log) = completed(&c, &id).await;
    assert_eq!(mentions(&log, "written by the AI writer"), 3, "{log:?}");
    let bodies = fake.bodies().await;
    let (headers, _) = &bodies[0];
    assert_eq!(
        headers.get("authorization").map(|v| v.to_str().unwrap_or("")),
        Some("Bearer sk-openai-test-secret")
    );
    // Refused calls (the first ones, sent together), then JSON mode with the schema spelled out.
    let refused = bodies
        .iter()
        .filter(|(_, b)| b["response_format"]["type"] == "json_schema")
        .count();
    assert!((1..=3).contains(&refused), "{refused}");
    let json_mode: Vec<&Value> = bodies
        .iter()
        .map(|(_, b)| b)
        .filter(|b| b["response_format"]["type"] == "json_object")
        .collect();
    assert_eq!(json_mode.len(), 4, "3 modules + review");
    assert!(json_mode[0]["messages"][1]["content"]
        .as_str()
        .unwrap_or("")
        .contains("JSON schema"));
    // Cached prompt tokens are split out of the input; an unpriced model costs nothing known.
    let rows = usage_rows(&app, &id).await;
    assert_eq!(rows.len(), 4);
    assert!(
        rows.iter().all(|r| r.1 == INPUT as i64 && r.5.is_none()),
        "{rows:?}"
    );
    // Call 0 was refused, so every answered call reports cached prompt tokens.
    assert_eq!(rows.iter().map(|r| r.4).sum::<i64>(), 4 * CACHE as i64);
    assert_eq!(j["usage"]["unpriced_calls"], 4);
    app.stop().await;
}

#[tokio::test]
async fn a_malformed_answer_is_repaired_and_one_that_stays_bad_falls_back() {
    // Module 1 answers badly once, module 3 always.
    let script: fake_llm::Script = Arc::new(|_, body: &Value| {
        let p = fake_llm::prompt(Api::Anthropic, body);
        let bad_once = p.contains("Write module 1 of") && !p.contains("previous answer");
        let always_bad = p.contains("Write module 3 of");
        (bad_once || always_bad).then(|| fake_llm::malformed(Api::Anthropic))
    });
    let fake = FakeServer::start(Api::Anthropic, script).await;
    let dir = tempfile::tempdir().expect("tmp");
    let mut llm = fake.config();
    llm.llm_max_concurrency = 1;
    let (app, c) = app_with(dir.path(), llm).await;
    let id = start(&c, &outline()).await;
    let (j, log) = completed(&c, &id).await;
    assert_eq!(
        mentions(&log, "info: Module 1 written by the AI writer after 1 repairs ("),
        1,
        "{log:?}"
    );
    assert!(
        log.iter()
            .any(|m| m.starts_with("warning: Module 3: the AI writer gave up")
                && m.contains("after 2 repairs")
                && m.contains("the offline writer wrote it")),
        "{log:?}"
    );
    // The repair prompt sends the errors back.
    let bodies = fake.bodies().await;
    let repair = bodies
        .iter()
        .map(|(_, b)| fake_llm::prompt(Api::Anthropic, b))
        .find(|p| p.contains("Write module 1 of") && p.contains("rejected for these reasons"))
        .expect("a repair prompt");
    assert!(repair.contains("not JSON of the required shape"), "{repair}");
    // 1 + 2 (module 1) + 1 (module 2) + 3 (module 3) + review.
    assert_eq!(fake.calls(), 7);
    let purposes: Vec<String> = usage_rows(&app, &id).await.into_iter().map(|r| r.0).collect();
    assert!(
        purposes.contains(&"module 3 repair 2".to_string()),
        "{purposes:?}"
    );
    // The QA verdict says a module fell back.
    let qa: Value = serde_json::from_str(j["qa_report"].as_str().expect("qa")).expect("json");
    assert_eq!(qa["fallback_modules"], json!([3]));
    assert_ne!(qa["verdict"], "pass");
    app.stop().await;
}

#[tokio::test]
async fn rate_limits_and_overload_are_retried_honouring_retry_after() {
    // Call 0: 429 with retry-after 1 s; calls 1–2: 529 overloaded; then fine.
    let script: fake_llm::Script = Arc::new(|call, _: &Value| match call {
        0 => Some(
            ResponseTemplate::new(429)
                .insert_header("retry-after", "1")
                .set_body_json(
                    json!({"type": "error", "error": {"type": "rate_limit_error", "message": "slow down"}}),
                ),
        ),
        1 | 2 => Some(ResponseTemplate::new(529).set_body_json(
            json!({"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}),
        )),
        _ => None,
    });
    let fake = FakeServer::start(Api::Anthropic, script).await;
    let dir = tempfile::tempdir().expect("tmp");
    let mut llm = fake.config();
    llm.llm_max_concurrency = 1;
    let (app, c) = app_with(dir.path(), llm).await;
    let started = Instant::now();
    let id = start(&c, &outline()).await;
    let j = c
        .wait_for(&id, &["complete", "failed"], Duration::from_secs(30))
        .await;
    let took = started.elapsed();
    assert_eq!(j["job"]["status"], "complete", "{j}");
    // Backoff base is 10 ms here, so only retry-after explains a wait of a second.
    assert!(took >= Duration::from_secs(1), "retry-after ignored: {took:?}");
    let log = messages(&j);
    assert_eq!(mentions(&log, "written by the AI writer ("), 3, "{log:?}");
    // 3 failed attempts + 3 modules + review; only successful calls are billed.
    assert_eq!(fake.calls(), 7);
    assert_eq!(usage_rows(&app, &id).await.len(), 4);
    app.stop().await;
}

#[tokio::test]
async fn a_model_that_does_not_answer_in_time_falls_back_after_its_retries() {
    let script: fake_llm::Script = Arc::new(|_, body: &Value| {
        fake_llm::prompt(Api::Anthropic, body)
            .contains("Write module 2 of")
            .then(|| fake_llm::ok(Api::Anthropic, 9, &json!({})).set_delay(Duration::from_secs(5)))
    });
    let fake = FakeServer::start(Api::Anthropic, script).await;
    let dir = tempfile::tempdir().expect("tmp");
    let mut llm = fake.config();
    llm.llm_read_timeout_seconds = 1;
    llm.llm_max_retries = 1;
    let (app, c) = app_with(dir.path(), llm).await;
    let id = start(&c, &outline()).await;
    let (_, log) = completed(&c, &id).await;
    assert!(
        log.iter().any(|m| m
            .starts_with("warning: Module 2: the AI writer gave up (the model API did not answer in time)")),
        "{log:?}"
    );
    let module2 = fake
        .bodies()
        .await
        .iter()
        .filter(|(_, b)| fake_llm::prompt(Api::Anthropic, b).contains("Write module 2 of"))
        .count();
    assert_eq!(module2, 2, "one try and one retry");
    app.stop().await;
}

#[tokio::test]
async fn cancelling_a_job_drops_its_in_flight_model_calls() {
    let script: fake_llm::Script = Arc::new(|call, _: &Value| {
        Some(fake_llm::ok(Api::Anthropic, call, &json!({})).set_delay(Duration::from_secs(60)))
    });
    let fake = FakeServer::start(Api::Anthropic, script).await;
    let dir = tempfile::tempdir().expect("tmp");
    let (app, c) = app_with(dir.path(), fake.config()).await;
    let id = start(&c, &outline()).await;
    let t = Instant::now();
    while fake.calls() < 3 {
        assert!(t.elapsed() < Duration::from_secs(10), "the calls never started");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let res = c.call("/api/jobs/cancel", &[("id", &id)]).await;
    assert_eq!(res.status(), 200);
    let cancelled_at = Instant::now();
    let j = c
        .wait_for(&id, &["cancelled", "failed", "complete"], Duration::from_secs(5))
        .await;
    assert_eq!(j["job"]["status"], "cancelled", "{j}");
    assert!(
        cancelled_at.elapsed() < Duration::from_secs(3),
        "cancel took {:?}",
        cancelled_at.elapsed()
    );
    assert!(
        usage_rows(&app, &id).await.is_empty(),
        "nothing was answered, nothing billed"
    );
    assert_eq!(fake.calls(), 3, "no new calls after the cancel");
    app.stop().await;
}

#[tokio::test]
async fn a_job_over_its_token_budget_fails_clearly_and_a_retry_resumes_without_re_spending() {
    let fake = FakeServer::start(Api::Anthropic, fake_llm::normal()).await;
    let dir = tempfile::tempdir().expect("tmp");
    let mut llm = fake.config();
    llm.llm_max_concurrency = 1;
    // Each call reports 1,300 tokens: module 1 fits, module 2 goes over (its
    // answer is kept — it is paid for), module 3 is never asked for.
    llm.llm_job_token_budget = 2000;
    let (app, c) = app_with(dir.path(), llm.clone()).await;
    let id = start(&c, &outline()).await;
    let j = c
        .wait_for(&id, &["complete", "failed"], Duration::from_secs(30))
        .await;
    assert_eq!(j["job"]["status"], "failed", "{j}");
    let error = j["job"]["error"].as_str().unwrap_or("");
    assert!(
        error.contains("over its budget of 2000 (LLM_JOB_TOKEN_BUDGET)"),
        "{error}"
    );
    let stored = app
        .count("SELECT COUNT(*) FROM job_module_texts WHERE job_id = $1", &[&*id])
        .await;
    assert_eq!(stored, 2, "both answered modules are kept");
    app.stop().await;

    // Restart with a larger budget and retry: only the missing module is written.
    llm.llm_job_token_budget = 100_000;
    let (app, c) = app_with(dir.path(), llm).await;
    let before = fake.calls();
    let res = c.call("/api/jobs/retry", &[("id", &id)]).await;
    assert_eq!(res.status(), 200);
    let j = c.completes(&id, Duration::from_secs(30)).await;
    assert!(
        messages(&j)
            .iter()
            .any(|m| m.contains("Writing 1 modules with claude-sonnet-4-5 (2 kept from the previous run)")),
        "{:?}",
        messages(&j)
    );
    assert_eq!(fake.calls() - before, 2, "module 3 and the review only");
    let module_calls: Vec<String> = fake
        .bodies()
        .await
        .iter()
        .map(|(_, b)| fake_llm::prompt(Api::Anthropic, b))
        .filter_map(|p| p.split('"').next().map(|s| s.trim().to_string()))
        .collect();
    assert_eq!(
        module_calls
            .iter()
            .filter(|p| p.starts_with("Write module 1 of"))
            .count(),
        1,
        "{module_calls:?}"
    );
    assert_eq!(j["usage"]["calls"], 4, "spend from both runs is on the job");
    app.stop().await;
}

#[tokio::test]
async fn an_openai_compatible_answer_that_is_not_json_is_repaired() {
    // Module 2's first answer is cut-off JSON; the repair succeeds.
    let script: fake_llm::Script = Arc::new(|_, body: &Value| {
        let p = fake_llm::prompt(Api::OpenAi, body);
        (p.contains("Write module 2 of") && !p.contains("previous answer"))
            .then(|| fake_llm::malformed(Api::OpenAi))
    });
    let fake = FakeServer::start(Api::OpenAi, script).await;
    let dir = tempfile::tempdir().expect("tmp");
    let (app, c) = app_with(dir.path(), fake.config()).await;
    let id = start(&c, &outline()).await;
    let (j, log) = completed(&c, &id).await;
    assert_eq!(
        mentions(&log, "info: Module 2 written by the AI writer after 1 repairs"),
        1,
        "{log:?}"
    );
    let repair = fake
        .bodies()
        .await
        .iter()
        .map(|(_, b)| fake_llm::prompt(Api::OpenAi, b))
        .find(|p| p.contains("rejected for these reasons"))
        .expect("a repair prompt");
    assert!(repair.contains("EOF while parsing"), "{repair}");
    // Structured output was asked for with the module schema.
    let first = &fake.bodies().await[0].1;
    assert_eq!(first["response_format"]["type"], "json_schema");
    assert_eq!(
        first["response_format"]["json_schema"]["schema"]["required"][1],
        "slides"
    );
    let qa: Value = serde_json::from_str(j["qa_report"].as_str().expect("qa")).expect("json");
    assert_eq!(qa["fallback_modules"], json!([]));
    app.stop().await;
}
