//! Bounds on what a request may send, applied before any handler reads it:
//!
//! * [`bound_body`]: a body limit per route (413 from the `Content-Length`
//!   alone, before reading a byte), a time limit on reading it (408), and a
//!   gate on how many large bodies are buffered at once (503). Server
//!   functions get their body already buffered; the two upload routes stream
//!   theirs to disk themselves, under the same limits.
//! * [`api_status`]: a server function's error answered with the status that
//!   belongs to it — argument errors become 400/422 naming the field instead
//!   of Leptos's 500 — and `Retry-After` when it says when to retry.
//! * [`client_addr`]: the client address (behind trusted proxies, the one
//!   they forwarded) for throttling and logs.

use std::net::SocketAddr;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use backend::accounts::address::ClientAddr;
use backend::AppState;
use http_body_util::BodyExt;
use types::limits::{MAX_FORM_BYTES, MAX_OUTLINE_BYTES, MAX_TEMPLATE_BYTES};
use types::ApiError;

use super::error::api_error;
use super::guard::token_checked;

/// Bodies of the public forms (sign-in, set-up, sign-out) and anything
/// else that is not an API call.
pub const SMALL_BODY_BYTES: usize = 16 << 10;

/// Bodies up to this size are buffered without passing the large-body gate.
const UNGATED_BYTES: u64 = 64 << 10;

/// How a route's body is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyPlan {
    /// Read here, up to the limit, before the handler runs.
    Buffer(usize),
    /// Streamed by the handler (uploads), up to the limit.
    Stream(usize),
}

/// The body plan for a path.
pub fn plan_for(path: &str) -> BodyPlan {
    match path {
        "/api/templates/upload" => BodyPlan::Stream(MAX_TEMPLATE_BYTES),
        "/api/outline/upload" | "/api/v1/outlines/parse" => BodyPlan::Stream(MAX_OUTLINE_BYTES),
        "/api/v1/templates" => BodyPlan::Stream(MAX_TEMPLATE_BYTES),
        "/api/login" | "/api/setup" | "/api/logout" => BodyPlan::Buffer(SMALL_BODY_BYTES),
        "/api/v1/batches" => BodyPlan::Buffer(types::batches::MAX_BATCH_BYTES),
        // A JSON spec is held to MAX_FORM_BYTES by its handler; a form
        // carries an outline file.
        "/api/v1/courses" => BodyPlan::Buffer(MAX_OUTLINE_BYTES + SMALL_BODY_BYTES),
        super::guard::MCP_PATH => BodyPlan::Buffer(MAX_FORM_BYTES),
        p if p.starts_with("/api/") => BodyPlan::Buffer(MAX_FORM_BYTES),
        _ => BodyPlan::Buffer(SMALL_BODY_BYTES),
    }
}

/// "2 MB", "16 KB": a limit as users read it.
pub fn human_size(bytes: usize) -> String {
    if bytes >= 1 << 20 {
        format!("{} MB", bytes >> 20)
    } else {
        format!("{} KB", bytes >> 10)
    }
}

pub fn too_large(limit: usize) -> Response {
    api_error(
        StatusCode::PAYLOAD_TOO_LARGE,
        &ApiError::TooLarge(format!("The request is larger than {}.", human_size(limit))),
    )
}

pub fn too_slow() -> Response {
    api_error(
        StatusCode::REQUEST_TIMEOUT,
        &ApiError::invalid("", "The request body arrived too slowly."),
    )
}

/// The declared body length, if any.
fn declared_length(req: &Request) -> Option<u64> {
    req.headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
}

/// See the module docs. The REST API's and MCP's refusals are problem documents.
pub async fn bound_body(state: State<AppState>, req: Request, next: Next) -> Response {
    if token_checked(req.uri().path()) {
        super::v1::problem::reshape(bound(state, req, next).await).await
    } else {
        bound(state, req, next).await
    }
}

async fn bound(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS)
        && declared_length(&req).is_none()
    {
        return next.run(req).await;
    }
    let plan = plan_for(req.uri().path());
    let limit = match plan {
        BodyPlan::Buffer(n) | BodyPlan::Stream(n) => n,
    };
    let declared = declared_length(&req);
    if declared.is_some_and(|n| n > limit as u64) {
        return too_large(limit);
    }
    if matches!(plan, BodyPlan::Stream(_)) || declared == Some(0) {
        return next.run(req).await;
    }
    // Large or unknown-length bodies are buffered a few at a time.
    let _place = if declared.is_none_or(|n| n > UNGATED_BYTES) {
        match backend::gate::BIG_BODY.enter().await {
            Ok(p) => Some(p),
            Err(e) => return api_error(StatusCode::SERVICE_UNAVAILABLE, &e),
        }
    } else {
        None
    };
    let (parts, body) = req.into_parts();
    let timeout = Duration::from_secs(state.config.body_timeout_seconds.max(1));
    let bytes = match read_limited(body, limit, timeout).await {
        Ok(b) => b,
        Err(response) => return *response,
    };
    let mut req = Request::from_parts(parts, Body::from(bytes.clone()));
    req.headers_mut()
        .insert(header::CONTENT_LENGTH, HeaderValue::from(bytes.len()));
    next.run(req).await
}

/// Reads a whole body of at most `limit` bytes within `timeout`; the error
/// is the response to send (413 or 408).
pub async fn read_limited(body: Body, limit: usize, timeout: Duration) -> Result<Bytes, Box<Response>> {
    let limited = http_body_util::Limited::new(body, limit);
    match tokio::time::timeout(timeout, limited.collect()).await {
        Ok(Ok(collected)) => Ok(collected.to_bytes()),
        Ok(Err(e)) if e.is::<http_body_util::LengthLimitError>() => Err(Box::new(too_large(limit))),
        Ok(Err(_)) => Err(Box::new(api_error(
            StatusCode::BAD_REQUEST,
            &ApiError::invalid("", "The request body could not be read."),
        ))),
        Err(_) => Err(Box::new(too_slow())),
    }
}

/// Largest server-function error body inspected.
const MAX_ERROR_BODY: usize = 64 << 10;

/// See the module docs.
pub async fn api_status(req: Request, next: Next) -> Response {
    let is_api = req.uri().path().starts_with("/api/");
    let response = next.run(req).await;
    if !is_api || response.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return add_retry_after(response);
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = read_limited(body, MAX_ERROR_BODY, Duration::from_secs(5)).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let Ok(error) = serde_json::from_slice::<ApiError>(&bytes) else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    let error = match error {
        // Leptos reports arguments it could not decode this way; name the field.
        ApiError::Invalid { field, message } if field.is_empty() => {
            let field = message
                .split("missing field `")
                .nth(1)
                .and_then(|rest| rest.split('`').next())
                .unwrap_or_default()
                .to_owned();
            let message = if field.is_empty() {
                format!("The request's fields could not be read: {}", first_line(&message))
            } else {
                format!("The field {field} is missing.")
            };
            ApiError::Invalid { field, message }
        }
        other => other,
    };
    let status = match &error {
        ApiError::Invalid { field, .. } if field.is_empty() => StatusCode::BAD_REQUEST,
        e => StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
    };
    parts.status = status;
    parts.headers.remove(header::CONTENT_LENGTH);
    let body = serde_json::to_vec(&error).unwrap_or_default();
    add_retry_after(Response::from_parts(parts, Body::from(body)))
}

fn first_line(s: &str) -> String {
    s.lines().next().unwrap_or("").chars().take(200).collect()
}

/// 429 and 503 answers say when to come back.
fn add_retry_after(mut response: Response) -> Response {
    let status = response.status();
    if (status == StatusCode::TOO_MANY_REQUESTS || status == StatusCode::SERVICE_UNAVAILABLE)
        && !response.headers().contains_key(header::RETRY_AFTER)
    {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
    }
    response
}

/// See the module docs.
pub async fn client_addr(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    if let Some(ConnectInfo(peer)) = req.extensions().get::<ConnectInfo<SocketAddr>>().copied() {
        let forwarded = req
            .headers()
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok());
        let ip = state.config.trusted_proxies.client(peer.ip(), forwarded);
        req.extensions_mut().insert(ClientAddr(ip));
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_have_their_own_limits() {
        assert_eq!(
            plan_for("/api/templates/upload"),
            BodyPlan::Stream(MAX_TEMPLATE_BYTES)
        );
        assert_eq!(
            plan_for("/api/outline/upload"),
            BodyPlan::Stream(MAX_OUTLINE_BYTES)
        );
        assert_eq!(plan_for("/api/login"), BodyPlan::Buffer(SMALL_BODY_BYTES));
        assert_eq!(plan_for("/api/jobs/start"), BodyPlan::Buffer(MAX_FORM_BYTES));
        assert_eq!(plan_for("/jobs"), BodyPlan::Buffer(SMALL_BODY_BYTES));
        assert_eq!(human_size(MAX_FORM_BYTES), "4 MB");
    }
}
