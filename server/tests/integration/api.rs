//! The REST API as an automation client sees it: a token made on the API
//! tokens page, a course started from a spec, followed, downloaded and
//! listed page by page; and every refusal as a problem document.

use std::time::Duration;

use serde_json::{json, Value};

use crate::common::{self, deck_text, Api};

/// A spec for a small course: one module of two topics, one day.
fn spec(title: &str) -> Value {
    json!({
        "schema": 1,
        "title": title,
        "days": 1,
        "language": "en",
        "template": "Ocean.pptx",
        "outline": {"title": title, "modules": [{"title": "Ladders", "topics": [
            {"title": "Footing", "points": [{"text": "Check the feet", "level": 0}]},
            {"title": "Angle", "points": [{"text": "One in four", "level": 0}]}
        ]}]}
    })
}

#[tokio::test]
async fn a_course_runs_from_a_spec_to_its_deck_through_the_api() {
    let (app, _dir, c) = common::admin().await;
    let api = c.api_token("Catalogue build", "write").await;
    let (status, headers, body) = api.post("/api/v1/courses", &spec("Working at height")).await;
    assert_eq!(status, 202, "{body}");
    let id = body["id"].as_str().expect("id").to_string();
    assert_eq!(headers["location"], format!("/api/v1/courses/{id}"));
    // Answered at once: a worker may have claimed it already.
    assert!(
        ["queued", "running"].contains(&body["status"].as_str().unwrap_or("")),
        "{body}"
    );

    let done = api.wait_until(&id, "complete", Duration::from_secs(120)).await;
    assert!(done["slide_count"].as_i64().expect("slides") > 5, "{done}");

    let deck = api.bytes(&format!("/api/v1/courses/{id}/deck")).await;
    let text = deck_text(&deck);
    assert!(
        text.contains("Footing") && text.contains("Angle"),
        "every topic is in the deck"
    );
    let (_, _, qa) = api.get(&format!("/api/v1/courses/{id}/qa")).await;
    assert!(qa["score"].as_i64().is_some(), "{qa}");
    let (_, _, back) = api.get(&format!("/api/v1/courses/{id}/spec")).await;
    assert_eq!(back["outline"], spec("Working at height")["outline"]);

    // The same job as the browser sees it: one path, one history.
    let history = c.history(&[]).await;
    assert_eq!(history[0]["id"], id.as_str());
    app.stop().await;
}

#[tokio::test]
async fn courses_are_listed_newest_first_a_page_at_a_time() {
    let (app, _dir, c) = common::admin_on(|s| s.max_active_jobs_per_user = 20).await;
    let api = c.api_token("Lister", "write").await;
    let mut started = Vec::new();
    for i in 0..5 {
        let (status, _, body) = api.post("/api/v1/courses", &spec(&format!("Course {i}"))).await;
        assert_eq!(status, 202, "{body}");
        started.push(body["id"].as_str().expect("id").to_string());
    }
    let mut seen = Vec::new();
    let mut url = "/api/v1/courses?limit=2".to_string();
    loop {
        let (status, _, page) = api.get(&url).await;
        assert_eq!(status, 200, "{page}");
        let courses = page["courses"].as_array().expect("courses");
        assert!(courses.len() <= 2);
        seen.extend(courses.iter().map(|c| c["id"].as_str().expect("id").to_string()));
        match page["next_cursor"].as_str() {
            Some(cursor) => url = format!("/api/v1/courses?limit=2&cursor={cursor}"),
            None => break,
        }
    }
    started.reverse();
    assert_eq!(seen, started, "newest first, each once");
    let (_, _, mine) = api
        .get(&format!("/api/v1/courses?owner={}", common::ADMIN_EMAIL))
        .await;
    assert_eq!(mine["courses"].as_array().map(Vec::len), Some(5));
    let (_, _, none) = api.get("/api/v1/courses?status=failed").await;
    assert_eq!(none["courses"].as_array().map(Vec::len), Some(0));
    let (_, _, later) = api.get("/api/v1/courses?created_from=2999-01-01T00:00:00Z").await;
    assert_eq!(later["courses"].as_array().map(Vec::len), Some(0));

    // A deleted course leaves the list for `?deleted=true` until it is
    // restored (or its undo time ends).
    let gone = started[0].clone();
    c.completes(&gone, std::time::Duration::from_secs(60)).await;
    assert_eq!(api.delete(&format!("/api/v1/courses/{gone}")).await.0, 204);
    let (_, _, deleted) = api.get("/api/v1/courses?deleted=true").await;
    assert_eq!(common::texts(&deleted["courses"], "id"), [gone.as_str()]);
    let (_, _, live) = api.get("/api/v1/courses").await;
    assert!(!common::texts(&live["courses"], "id").contains(&gone.as_str()));
    let (status, _, back) = api
        .post(&format!("/api/v1/courses/{gone}/restore"), &json!({}))
        .await;
    assert_eq!(
        (status, back["id"].as_str()),
        (202, Some(gone.as_str())),
        "{back}"
    );
    let (_, _, deleted) = api.get("/api/v1/courses?deleted=true").await;
    assert_eq!(deleted["courses"].as_array().map(Vec::len), Some(0));
    app.stop().await;
}

#[tokio::test]
async fn tokens_are_shown_once_scoped_and_stop_working_when_revoked() {
    let (app, _dir, c) = common::admin().await;
    let reader = c.api_token("Dashboard", "read").await;
    let writer = c.api_token("Scheduler", "write").await;
    // Only a hash is kept: the secret is nowhere in the database.
    let kept = app
        .count(
            "SELECT COUNT(*) FROM api_tokens WHERE secret_sha256 LIKE '%' || $1 || '%'",
            &[&writer.secret()[12..]],
        )
        .await;
    assert_eq!(kept, 0);
    let list: Vec<Value> = c.json("/api/tokens", &[]).await;
    assert_eq!(list.len(), 2);
    assert!(list
        .iter()
        .all(|t| t.get("token").is_none() && t["state"] == "active"));

    // A read token reads, and may not write.
    assert_eq!(reader.get("/api/v1/courses").await.0, 200);
    let (status, headers, problem) = reader.post("/api/v1/courses", &spec("Nope")).await;
    assert_eq!(status, 403);
    assert_eq!(headers["content-type"], "application/problem+json");
    assert!(
        problem["detail"].as_str().expect("detail").contains("write"),
        "{problem}"
    );

    // Revoked: refused on the very next request, and listed as revoked.
    let id = list.iter().find(|t| t["name"] == "Scheduler").expect("listed")["id"].to_string();
    assert_eq!(c.call("/api/tokens/revoke", &[("id", &id)]).await.status(), 200);
    let (status, headers, _) = writer.get("/api/v1/courses").await;
    assert_eq!(status, 401);
    assert!(headers["www-authenticate"].starts_with("Bearer"));

    // Expired (as if time had passed): refused.
    let aged = app
        .exec(
            "UPDATE api_tokens SET expires_at = '2000-01-01T00:00:00Z' WHERE name = $1",
            &["Dashboard"],
        )
        .await;
    assert_eq!(aged, 1);
    assert_eq!(reader.get("/api/v1/courses").await.0, 401);

    // Malformed or made up: the same 401, with no hint which.
    for bad in [
        "",
        "cw_",
        "Bearer",
        "cw_AAAAAAAA_BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB",
        &"x".repeat(5000),
    ] {
        assert_eq!(
            Api::with_secret(&app.base, bad).get("/api/v1/courses").await.0,
            401,
            "{bad:.20}"
        );
    }
    app.stop().await;
}

#[tokio::test]
async fn a_disabled_users_tokens_stop_working() {
    let (app, _dir, admin) = common::admin().await;
    let member = common::signed_in_member(&admin, "member@example.com").await;
    let api = member.api_token("Mine", "write").await;
    assert_eq!(api.get("/api/v1/courses").await.0, 200);
    // A member sees their own tokens only; the administrator sees everyone's.
    let theirs: Vec<Value> = member.json("/api/tokens", &[]).await;
    let all: Vec<Value> = admin.json("/api/tokens", &[]).await;
    assert_eq!((theirs.len(), all.len()), (1, 1));
    let user_id = common::user_id(&admin, "member@example.com").await.to_string();
    let res = admin
        .call(
            "/api/admin/users/update",
            &[
                ("user_id", &user_id),
                ("is_active", "false"),
                ("is_admin", "false"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(api.get("/api/v1/courses").await.0, 401);
    app.stop().await;
}

#[tokio::test]
async fn bad_requests_are_problem_documents_naming_the_field() {
    let (app, _dir, c) = common::admin().await;
    let api = c.api_token("Careless", "write").await;
    let problem = |status: u16, body: &Value| {
        assert_eq!(body["status"], status, "{body}");
        assert!(!body["detail"].as_str().unwrap_or("").is_empty(), "{body}");
    };
    // Broken JSON, the wrong content type, a wrong value, a bad choice.
    let (status, _, body) = api
        .post_raw("/api/v1/courses", "application/json", b"{\"title\":".to_vec())
        .await;
    assert_eq!(status, 400);
    problem(400, &body);
    let (status, _, body) = api
        .post_raw("/api/v1/courses", "text/plain", b"{}".to_vec())
        .await;
    assert_eq!(status, 415);
    problem(415, &body);
    let mut wrong = spec("Days");
    wrong["days"] = json!("three");
    let (status, _, body) = api.post("/api/v1/courses", &wrong).await;
    assert_eq!((status, body["field"].as_str()), (422, Some("days")), "{body}");
    let mut wrong = spec("Template");
    wrong["template"] = json!("../../etc/passwd");
    let (status, _, body) = api.post("/api/v1/courses", &wrong).await;
    assert_eq!(
        (status, body["field"].as_str()),
        (422, Some("template")),
        "{body}"
    );
    let (status, _, body) = api.get("/api/v1/courses?limit=0").await;
    assert_eq!((status, body["field"].as_str()), (422, Some("limit")), "{body}");
    let (status, _, body) = api.get("/api/v1/courses?cursor=nonsense").await;
    assert_eq!((status, body["field"].as_str()), (422, Some("cursor")), "{body}");
    // 10 MB of JSON: refused by its size before it is read.
    let huge = format!("{{\"title\": \"{}\"}}", "x".repeat(10 << 20));
    let (status, _, body) = api
        .post_raw("/api/v1/courses", "application/json", huge.into_bytes())
        .await;
    assert_eq!(status, 413, "{body}");
    // Unknown courses and routes.
    assert_eq!(api.get("/api/v1/courses/zzzzzzzz").await.0, 404);
    let (status, headers, _) = api.get("/api/v1/nothing-here").await;
    assert_eq!(
        (status, headers["content-type"].as_str()),
        (404, "application/problem+json")
    );
    let jobs = app.count("SELECT COUNT(*) FROM jobs", &[]).await;
    assert_eq!(jobs, 0, "nothing was queued");
    app.stop().await;
}

#[tokio::test]
async fn the_openapi_document_and_its_reference_page_are_served() {
    let (app, _dir, _c) = common::admin().await;
    let anon = app.client();
    let doc: Value = anon.get("/api/v1/openapi.json").await.json().await.expect("json");
    assert!(
        doc["openapi"].as_str().expect("version").starts_with("3.1"),
        "{doc}"
    );
    for path in [
        "/api/v1/courses",
        "/api/v1/courses/{id}/deck",
        "/api/v1/templates",
    ] {
        assert!(doc["paths"].get(path).is_some(), "{path} documented");
    }
    assert_eq!(doc["components"]["securitySchemes"]["token"]["scheme"], "bearer");
    // A started course links to what can be done with it next.
    let links = &doc["paths"]["/api/v1/courses"]["post"]["responses"]["202"]["links"];
    assert_eq!(links["cancel"]["operationId"], "cancel_course", "{links}");
    let page = anon.get("/api/v1/docs").await.text().await.expect("page");
    assert!(
        page.contains("/api/v1/courses/{id}/cancel") && !page.contains("<script"),
        "{page:.300}"
    );
    app.stop().await;
}

#[tokio::test]
async fn a_repeated_idempotency_key_finds_the_course_it_started() {
    let (app, _dir, c) = common::admin_on(|s| s.max_active_jobs_per_user = 20).await;
    let api = c.api_token("Nightly import", "write").await;
    let key = "5d0e6f1a-0c3b-4f7e-9b1d-2a8c4e6f8a10";
    let (status, first_headers, first) = api.post_once("/api/v1/courses", key, &spec("Ladders")).await;
    assert_eq!(status, 202, "{first}");
    assert_eq!(first_headers["idempotent-replayed"], "false");

    // The client timed out and sends it again: the same course, not a second.
    let (status, headers, again) = api.post_once("/api/v1/courses", key, &spec("Ladders")).await;
    assert_eq!(status, 202, "{again}");
    assert_eq!(again["id"], first["id"]);
    assert_eq!(headers["idempotent-replayed"], "true");
    assert_eq!(headers["location"], first_headers["location"]);

    // The same key with another course is refused, naming the header.
    let (status, headers, problem) = api.post_once("/api/v1/courses", key, &spec("Scaffolds")).await;
    assert_eq!(status, 422, "{problem}");
    assert_eq!(headers["content-type"], "application/problem+json");
    assert_eq!(problem["field"], "Idempotency-Key");

    // Keys are each caller's own, and a malformed key is named too.
    let (status, _, problem) = api
        .post_once("/api/v1/courses", "has a space", &spec("Ladders"))
        .await;
    assert_eq!(status, 422, "{problem}");
    assert_eq!(problem["field"], "Idempotency-Key");
    let (_, _, other) = api
        .post_once("/api/v1/courses", "another-key", &spec("Ladders"))
        .await;
    assert_ne!(other["id"], first["id"]);

    // A request refused for its spec started nothing, so its key stays free.
    let mut bad = spec("Bad");
    bad["days"] = json!(99);
    let (status, _, _) = api.post_once("/api/v1/courses", "retry-me", &bad).await;
    assert_eq!(status, 422);
    let (status, headers, _) = api.post_once("/api/v1/courses", "retry-me", &spec("Good")).await;
    assert_eq!(status, 202);
    assert_eq!(headers["idempotent-replayed"], "false");

    let (_, _, page) = api.get("/api/v1/courses").await;
    assert_eq!(page["courses"].as_array().expect("courses").len(), 3, "{page}");
    app.stop().await;
}

fn sample(rel: &str) -> Vec<u8> {
    std::fs::read(common::spawned::samples(rel)).expect("sample")
}

#[tokio::test]
async fn files_sent_to_the_api_are_read_checked_and_kept() {
    let (app, _dir, c) = common::admin().await;
    let api = c.api_token("Catalogue import", "write").await;
    let octets = "application/octet-stream";

    // An outline file becomes the tree a spec carries, with its problems.
    let (status, _, read) = api
        .post_raw(
            "/api/v1/outlines/parse",
            octets,
            sample("outlines/workplace-fire-safety.docx"),
        )
        .await;
    assert_eq!(status, 200, "{read}");
    let modules = read["outline"]["modules"].as_array().expect("modules");
    assert!(modules.len() >= 3, "{read}");
    assert_eq!(read["problems"], json!([]), "{read}");
    let (status, _, thin) = api
        .post_raw(
            "/api/v1/outlines/parse",
            octets,
            b"# Course\n## A topic with nothing under it\n".to_vec(),
        )
        .await;
    assert_eq!(status, 200, "{thin}");
    assert!(
        thin["problems"][0]
            .as_str()
            .unwrap_or("")
            .contains("has no points"),
        "{thin}"
    );
    let (status, headers, refused) = api
        .post_raw(
            "/api/v1/outlines/parse",
            octets,
            vec![0u8, 159, 146, 150, 0, 1, 2],
        )
        .await;
    assert_eq!(status, 415, "{refused}");
    assert_eq!(headers["content-type"], "application/problem+json");
    assert_eq!(refused["field"], "outline");

    // A template is checked, kept under the server's name and reported on;
    // its choice starts a course, listed under the name it was sent with.
    let (status, _, report) = api
        .post_raw(
            "/api/v1/templates?name=Acme%20brand%202026",
            octets,
            sample("templates/Forest.pptx"),
        )
        .await;
    assert_eq!(status, 201, "{report}");
    let choice = report["choice"].as_str().expect("choice").to_string();
    assert!(choice.starts_with("upload:"), "{report}");
    assert!(report["layouts"].as_u64().expect("layouts") > 3, "{report}");
    let mut own = spec("On our own template");
    own["template"] = json!(choice);
    let (status, _, started) = api.post("/api/v1/courses", &own).await;
    assert_eq!(status, 202, "{started}");
    assert_eq!(started["template_name"], "Acme brand 2026", "{started}");
    let (status, _, refused) = api
        .post_raw("/api/v1/templates", octets, b"not a deck".to_vec())
        .await;
    assert_eq!(status, 422, "{refused}");
    assert!(!refused["detail"].as_str().unwrap_or("").is_empty(), "{refused}");

    // A read token may read outlines but not keep templates.
    let reader = c.api_token("Reader", "read").await;
    let (status, _, _) = reader
        .post_raw("/api/v1/outlines/parse", octets, b"# A\n## B\n### C\n".to_vec())
        .await;
    assert_eq!(status, 200);
    let (status, _, _) = reader
        .post_raw("/api/v1/templates", octets, sample("templates/Forest.pptx"))
        .await;
    assert_eq!(status, 403);

    // Too large is refused from its declared length, as a problem document.
    let (status, headers, body) = api
        .post_raw("/api/v1/outlines/parse", octets, vec![b'x'; (10 << 20) + 1])
        .await;
    assert_eq!(
        (status, headers["content-type"].as_str()),
        (413, "application/problem+json"),
        "{body}"
    );
    app.stop().await;
}

#[tokio::test]
async fn a_complete_course_is_fetched_as_pdf_and_slide_pictures() {
    let (app, _dir, c) = common::admin().await;
    let api = c.api_token("Publisher", "read").await;
    let id = c.finished_job("Drawn for the LMS", "Ocean.pptx").await;
    let pdf = api.bytes(&format!("/api/v1/courses/{id}/pdf")).await;
    assert!(pdf.starts_with(b"%PDF"), "a PDF");
    let png = api.bytes(&format!("/api/v1/courses/{id}/slides/1.png")).await;
    assert!(png.starts_with(b"\x89PNG"), "a PNG");
    let (status, headers, _) = api.get(&format!("/api/v1/courses/{id}/slides/999.png")).await;
    assert_eq!(
        (status, headers["content-type"].as_str()),
        (404, "application/problem+json")
    );
    let (status, _, body) = api
        .get(&format!("/api/v1/courses/{id}/slides/1.png?size=huge"))
        .await;
    assert_eq!((status, body["field"].as_str()), (400, Some("size")), "{body}");
    app.stop().await;
}

/// A batch request of `n` small courses titled `<prefix> 1…n`.
fn batch(prefix: &str, n: usize) -> Value {
    let courses: Vec<Value> = (1..=n).map(|i| spec(&format!("{prefix} {i}"))).collect();
    json!({ "name": format!("{prefix} catalogue"), "courses": courses })
}

#[tokio::test]
async fn a_catalogue_batch_is_estimated_then_made_and_followed_as_one() {
    let (app, _dir, c) = common::admin().await;
    let api = c.api_token("Catalogue", "write").await;

    // The estimate comes first and queues nothing.
    let (status, _, estimate) = api
        .post("/api/v1/batches?dry_run=true", &batch("Safety", 4))
        .await;
    assert_eq!(status, 200, "{estimate}");
    assert_eq!(estimate["courses"], 4);
    assert_eq!(
        (estimate["writer"].as_str(), estimate["model_calls"].as_i64()),
        (Some("offline"), Some(0))
    );
    let planned = estimate["slides"].as_i64().expect("slides");
    assert!(planned >= 4 * 6, "{estimate}");
    app.assert_nothing_queued().await;

    // More courses than one user may have running: a batch has its own allowance.
    let (status, headers, started) = api.post("/api/v1/batches", &batch("Safety", 4)).await;
    assert_eq!(status, 202, "{started}");
    let id = started["id"].as_str().expect("id").to_string();
    assert_eq!(headers["location"], format!("/api/v1/batches/{id}"));
    assert_eq!(
        (started["total"].as_i64(), started["name"].as_str()),
        (Some(4), Some("Safety catalogue"))
    );
    let titles = common::texts(&started["courses"], "course_title");
    assert_eq!(
        titles,
        ["Safety 1", "Safety 2", "Safety 3", "Safety 4"],
        "in the order sent"
    );

    let limit = std::time::Instant::now() + Duration::from_secs(240);
    let done = loop {
        let (status, _, now) = api.get(&format!("/api/v1/batches/{id}")).await;
        assert_eq!(status, 200, "{now}");
        if now["finished"] == true {
            break now;
        }
        assert!(std::time::Instant::now() < limit, "not finished: {now}");
        tokio::time::sleep(Duration::from_millis(300)).await;
    };
    assert_eq!(done["counts"]["complete"], 4, "{done}");
    let made: i64 = done["courses"]
        .as_array()
        .expect("courses")
        .iter()
        .filter_map(|c| c["slide_count"].as_i64())
        .sum();
    assert_eq!(made, planned, "the estimate planned the slides the courses have");
    // Each course is an ordinary course: its deck downloads.
    let first = done["courses"][0]["id"].as_str().expect("id");
    assert!(!api
        .bytes(&format!("/api/v1/courses/{first}/deck"))
        .await
        .is_empty());
    app.stop().await;
}

#[tokio::test]
async fn a_batch_is_checked_whole_before_anything_is_queued_and_cancelled_whole() {
    let (app, _dir, c) = common::admin_on(|s| s.worker_concurrency = 1).await;
    let api = c.api_token("Catalogue", "write").await;
    let mut wrong = batch("Checked", 3);
    wrong["courses"][1]["days"] = json!(40);
    let (status, _, problem) = api.post("/api/v1/batches", &wrong).await;
    assert_eq!(
        (status, problem["field"].as_str()),
        (422, Some("courses[1].days")),
        "{problem}"
    );
    assert!(
        problem["detail"].as_str().unwrap_or("").contains("Checked 2"),
        "{problem}"
    );
    app.assert_nothing_queued().await;

    let (status, _, started) = api.post("/api/v1/batches", &batch("Cancelled", 6)).await;
    assert_eq!(status, 202, "{started}");
    let id = started["id"].as_str().expect("id");
    let (status, _, after) = api
        .post(&format!("/api/v1/batches/{id}/cancel"), &json!({}))
        .await;
    assert_eq!(status, 200, "{after}");
    assert!(after["cancelled_at"].is_string(), "{after}");
    // The one a worker holds stops at its next step; the rest end at once.
    let limit = std::time::Instant::now() + Duration::from_secs(60);
    loop {
        let (_, _, now) = api.get(&format!("/api/v1/batches/{id}")).await;
        if now["finished"] == true {
            assert!(
                now["counts"]["cancelled"].as_i64().expect("cancelled") >= 5,
                "{now}"
            );
            break;
        }
        assert!(std::time::Instant::now() < limit, "not ended: {now}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let reader = c.api_token("Reader", "read").await;
    let (status, _, _) = reader
        .post(&format!("/api/v1/batches/{id}/cancel"), &json!({}))
        .await;
    assert_eq!(status, 403);
    assert_eq!(api.get("/api/v1/batches/zzzzzzzz").await.0, 404);
    app.stop().await;
}

#[tokio::test]
async fn another_users_course_is_not_starved_by_a_running_batch() {
    // Courses that take a few seconds each, as real ones do.
    let (app, _dir, admin) = common::one_slow_worker(400).await;
    let api = admin.api_token("Catalogue", "write").await;
    let member = common::signed_in_member(&admin, "trainer@example.com").await;
    let (status, _, started) = api.post("/api/v1/batches", &batch("Bulk", 8)).await;
    assert_eq!(status, 202, "{started}");
    let batch_id = started["id"].as_str().expect("id").to_string();

    // A colleague starts one course while the batch holds the only worker;
    // first come, first served, it would wait for all eight.
    let theirs = member.start_small("Their own course").await;
    member.completes(&theirs, Duration::from_secs(120)).await;

    // It went next: at most the batch course running when it was queued,
    // and the one already claimed, went before it.
    let before = app
        .count(
            "SELECT COUNT(*) FROM jobs WHERE batch_id = $1 AND started_at IS NOT NULL
               AND started_at < (SELECT started_at FROM jobs WHERE id = $2)",
            &[&batch_id, &theirs],
        )
        .await;
    assert!(before <= 2, "{before} batch courses started first");
    let (_, _, now) = api.get(&format!("/api/v1/batches/{batch_id}")).await;
    assert!(
        now["counts"]["queued"].as_i64().expect("queued") >= 4,
        "the batch was still waiting: {now}"
    );
    app.stop().await;
}

/// `/mcp` (the MCP server over HTTP; its tools are driven end to end by the
/// official MCP Python SDK in scripts/mcp_check.py): only working tokens get
/// in, and bodies are bounded before they are read.
#[tokio::test]
async fn the_mcp_endpoint_lets_in_working_tokens_and_bounded_bodies_only() {
    let (app, _dir, c) = common::admin().await;
    let assistant = c.api_token("Assistant", "write").await;
    let list_tools = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list"});

    for stranger in [
        Api::with_secret(&app.base, ""),
        Api::with_secret(&app.base, "cw_made_up"),
    ] {
        let (status, headers, problem) = stranger.post("/mcp", &list_tools).await;
        assert_eq!(status, 401);
        assert_eq!(headers["www-authenticate"], "Bearer");
        assert_eq!(headers["content-type"], "application/problem+json");
        assert!(
            problem["detail"].as_str().expect("detail").contains("token"),
            "{problem}"
        );
    }

    // A body over the limit is refused before it is read; a broken one is
    // the client's error, not the server's.
    let huge = vec![b' '; types::limits::MAX_FORM_BYTES + 1];
    assert_eq!(assistant.post_raw("/mcp", "application/json", huge).await.0, 413);
    let (status, _, _) = assistant
        .post_raw("/mcp", "application/json", b"{\"jsonrpc\":".to_vec())
        .await;
    assert!((400..500).contains(&status), "{status}");

    // Revoked: the next request is refused.
    let list: Vec<Value> = c.json("/api/tokens", &[]).await;
    let id = list[0]["id"].to_string();
    assert_eq!(c.call("/api/tokens/revoke", &[("id", &id)]).await.status(), 200);
    assert_eq!(assistant.post("/mcp", &list_tools).await.0, 401);
    app.stop().await;
}

/// A zip of the given files, as a catalogue team would send its outlines.
fn zip_of(files: &[(&str, &[u8])]) -> Vec<u8> {
    use std::io::Write;
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in files {
        out.start_file(*name, zip::write::SimpleFileOptions::default())
            .expect("entry");
        out.write_all(bytes).expect("write");
    }
    out.finish().expect("finish").into_inner()
}

#[tokio::test]
async fn an_outline_file_starts_a_course_and_a_zip_of_them_a_batch() {
    let (app, _dir, c) = common::admin().await;
    let api = c.api_token("LMS", "write").await;
    let ladders: &[u8] = b"# Ladder safety\n## Ladders\n- Footing\n  - Check the feet\n- Angle\n";
    let settings = [
        ("title", "Ladder safety"),
        ("days", "1"),
        ("template", "Ocean.pptx"),
    ];

    // A course from a file and settings as parts: the same course a spec makes.
    let (status, headers, course) = api
        .post_form(
            "/api/v1/courses",
            &settings,
            Some(("outline", "ladders.md", ladders)),
        )
        .await;
    assert_eq!(status, 202, "{course}");
    assert!(headers["location"].starts_with("/api/v1/courses/"));
    let id = course["id"].as_str().expect("id");
    let (_, _, spec) = api.get(&format!("/api/v1/courses/{id}/spec")).await;
    assert_eq!(
        (spec["title"].as_str(), spec["language"].as_str()),
        (Some("Ladder safety"), Some("en"))
    );
    assert_eq!(spec["outline"]["modules"][0]["title"], "Ladders", "{spec}");

    // What is wrong is named, and nothing is queued for it.
    let refusals = [
        (
            vec![("title", "T"), ("days", "two"), ("template", "Ocean.pptx")],
            true,
            "days",
        ),
        (
            vec![("title", "T"), ("days", "1"), ("colour", "red")],
            true,
            "colour",
        ),
        (settings.to_vec(), false, "outline"),
        (
            vec![("title", "T"), ("days", "1"), ("template", "Nope.pptx")],
            true,
            "template",
        ),
    ];
    for (texts, with_file, field) in refusals {
        let file = with_file.then_some(("outline", "ladders.md", ladders));
        let (status, _, problem) = api.post_form("/api/v1/courses", &texts, file).await;
        assert_eq!(
            (status, problem["field"].as_str()),
            (422, Some(field)),
            "{problem}"
        );
    }
    let picture: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
    let (status, _, problem) = api
        .post_form("/api/v1/courses", &settings, Some(("outline", "x.png", picture)))
        .await;
    assert_eq!(
        (status, problem["field"].as_str()),
        (422, Some("outline")),
        "{problem}"
    );

    // A zip of outline files: one course each, titled by its outline (or
    // its file's name), the archiver's clutter skipped; estimated first.
    let zip = zip_of(&[
        ("catalogue/ladders.md", ladders),
        ("catalogue/__MACOSX/._ladders.md", b"junk"),
        ("catalogue/scaffolds.txt", b"Scaffolds\n- Tags\n- Guard rails\n"),
        ("catalogue/harness.md", b"# Harness\n- Fitting\n- Anchors\n"),
    ]);
    let batch_settings = [
        ("name", "Height safety"),
        ("days", "1"),
        ("template", "Ocean.pptx"),
    ];
    let (status, _, estimate) = api
        .post_form(
            "/api/v1/batches?dry_run=true",
            &batch_settings,
            Some(("outlines", "c.zip", &zip)),
        )
        .await;
    assert_eq!(
        (status, estimate["courses"].as_i64()),
        (200, Some(3)),
        "{estimate}"
    );
    let (status, _, batch) = api
        .post_form(
            "/api/v1/batches",
            &batch_settings,
            Some(("outlines", "c.zip", &zip)),
        )
        .await;
    assert_eq!(status, 202, "{batch}");
    assert_eq!(batch["name"], "Height safety");
    let mut titles = common::texts(&batch["courses"], "course_title");
    titles.sort_unstable();
    assert_eq!(titles.len(), 3, "{batch}");
    assert!(
        titles.contains(&"scaffolds") || titles.contains(&"Scaffolds"),
        "{titles:?}"
    );

    // A zip that is not one, or holds nothing to read, is refused whole.
    for (bytes, says) in [
        (b"not a zip".to_vec(), "not a zip"),
        (zip_of(&[("__MACOSX/x", b"j")]), "no outline files"),
        (zip_of(&[("a.md", b"# A\n- t\n"), ("b.png", picture)]), "b.png"),
    ] {
        let (status, _, problem) = api
            .post_form(
                "/api/v1/batches",
                &batch_settings,
                Some(("outlines", "c.zip", &bytes)),
            )
            .await;
        assert_eq!(
            (status, problem["field"].as_str()),
            (422, Some("outlines")),
            "{problem}"
        );
        assert!(
            problem["detail"].as_str().expect("detail").contains(says),
            "{problem}"
        );
    }
    app.stop().await;
}
