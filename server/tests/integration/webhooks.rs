//! Webhooks as a receiver sees them: registered with a token, refused for
//! private addresses, delivered signed when a course completes, retried
//! after failures (across a server restart) until the receiver takes the
//! message once, logged per endpoint and sent again on request.

use std::time::{Duration, Instant};

use serde_json::{json, Value};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::{self, Api, TestApp};

fn spec(title: &str) -> Value {
    json!({"schema": 1, "title": title, "days": 1, "language": "en", "template": "Ocean.pptx",
           "outline": {"title": title, "modules": [{"title": "Ladders", "topics": [
               {"title": "Footing", "points": [{"text": "Check the feet", "level": 0}]}]}]}})
}

/// Waits until `api`'s endpoint `id` has a delivery in `status`; the log.
async fn log_until(api: &Api, id: i64, want: impl Fn(&Value) -> bool) -> Vec<Value> {
    let limit = Instant::now() + Duration::from_secs(90);
    loop {
        let (status, _, log) = api.get(&format!("/api/v1/webhooks/{id}/deliveries")).await;
        assert_eq!(status, 200, "{log}");
        let log = log.as_array().cloned().unwrap_or_default();
        if log.iter().any(&want) {
            return log;
        }
        assert!(Instant::now() < limit, "{log:?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test]
async fn a_completed_course_reaches_its_webhook_once_through_failures_and_a_restart() {
    let receiver = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(2)
        .mount(&receiver)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&receiver)
        .await;

    let (_dir, mut config) = common::settings();
    config.webhook_allow_hosts = backend::config::HostList(vec!["127.0.0.1".into()]);
    config.webhook_retry_seconds = 2;
    let (app, c) = TestApp::signed_in(config.clone()).await;
    let api = c.api_token("LMS hook", "write").await;

    // Private destinations are refused with the reason, unless allowed; so
    // is an event there is none of.
    let refusals = [
        ("http://127.0.0.2:9/hook", "course.completed", "url"),
        ("http://169.254.169.254/latest", "course.completed", "url"),
        ("http://[::1]:9/", "course.completed", "url"),
        ("ftp://example.com/", "course.completed", "url"),
        (&receiver.uri(), "course.started", "events"),
    ];
    for (url, event, field) in refusals {
        let body = json!({"url": url, "events": [event]});
        let (status, _, problem) = api.post("/api/v1/webhooks", &body).await;
        assert_eq!(
            (status, problem["field"].as_str()),
            (422, Some(field)),
            "{url}: {problem}"
        );
    }

    let (status, _, created) = api
        .post("/api/v1/webhooks", &json!({"url": format!("{}/hook", receiver.uri()), "events": ["course.completed", "course.failed"]}))
        .await;
    assert_eq!(status, 201, "{created}");
    let endpoint = created["endpoint"]["id"].as_i64().expect("id");
    let secret = created["secret"].as_str().expect("secret").to_string();
    assert!(secret.starts_with("whsec_"), "{created}");
    let (_, _, listed) = api.get("/api/v1/webhooks").await;
    assert!(!listed.to_string().contains(&secret), "the secret is shown once");

    let (status, _, course) = api.post("/api/v1/courses", &spec("Hooked course")).await;
    assert_eq!(status, 202, "{course}");
    let id = course["id"].as_str().expect("id").to_string();
    api.wait_until(&id, "complete", Duration::from_secs(120)).await;

    // The first attempt failed; the server restarts before the next.
    log_until(&api, endpoint, |d| d["attempts"].as_i64() >= Some(1)).await;
    app.stop().await;
    let app = TestApp::start_with(config).await;
    let api = Api::with_secret(&app.base, api.secret());
    let log = log_until(&api, endpoint, |d| d["status"] == "delivered").await;
    assert_eq!(log.len(), 1, "one message: {log:?}");
    assert_eq!(
        (log[0]["attempts"].as_i64(), log[0]["last_status"].as_i64()),
        (Some(3), Some(204)),
        "{log:?}"
    );

    let got = receiver.received_requests().await.expect("recorded");
    assert_eq!(got.len(), 3, "two refused, one taken");
    let ids: Vec<&str> = got
        .iter()
        .map(|r| r.headers["webhook-id"].to_str().expect("id"))
        .collect();
    assert!(
        ids.iter().all(|m| *m == ids[0]),
        "every attempt is the same message: {ids:?}"
    );
    let last = &got[2];
    let body = String::from_utf8(last.body.clone()).expect("utf-8");
    let timestamp: i64 = last.headers["webhook-timestamp"]
        .to_str()
        .expect("ts")
        .parse()
        .expect("number");
    assert_eq!(
        last.headers["webhook-signature"].to_str().expect("sig"),
        backend::webhooks::send::sign(&secret, ids[0], timestamp, &body)
    );
    let event: Value = serde_json::from_str(&body).expect("json");
    assert_eq!(
        (event["type"].as_str(), event["data"]["course"]["id"].as_str()),
        (Some("course.completed"), Some(id.as_str()))
    );

    // Sent again on request: the same message, delivered once more.
    let delivery = log[0]["id"].as_i64().expect("delivery");
    let (status, _, _) = api
        .post(
            &format!("/api/v1/webhooks/{endpoint}/deliveries/{delivery}/resend"),
            &json!({}),
        )
        .await;
    assert_eq!(status, 202);
    let log = log_until(&api, endpoint, |d| {
        d["status"] == "delivered" && d["attempts"] == 1
    })
    .await;
    assert_eq!(log.len(), 2, "{log:?}");
    assert_eq!(receiver.received_requests().await.expect("recorded").len(), 4);
    app.stop().await;
}
