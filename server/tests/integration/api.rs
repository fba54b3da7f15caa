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
    let history: Vec<Value> = c.json("/api/jobs", &[]).await;
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
