//! `GET /metrics` (Prometheus text format) and the layer that counts every
//! answered request by route pattern, method and status. Reading the
//! metrics needs `Authorization: Bearer $METRICS_TOKEN` when a token is
//! configured; without one, only loopback clients may read them.

use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use backend::accounts::address::ClientAddr;
use backend::AppState;

/// Counts the request once it is answered (the time to the response head).
pub async fn count(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".into());
    let method = method_label(req.method());
    let response = next.run(req).await;
    state.metrics.observe_http(
        &route,
        method,
        response.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    response
}

/// The method as a metrics label: the standard ones by name, anything a
/// client made up as `other` (every distinct label is kept for ever, so a
/// client must not be able to add them).
pub fn method_label(method: &axum::http::Method) -> &'static str {
    use axum::http::Method;
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::PATCH => "PATCH",
        Method::OPTIONS => "OPTIONS",
        Method::CONNECT => "CONNECT",
        Method::TRACE => "TRACE",
        _ => "other",
    }
}

fn allowed(state: &AppState, req: &Request) -> bool {
    if let Some(token) = &state.config.metrics_token {
        let given = req
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or("");
        let want = token.expose().as_bytes();
        let given = given.as_bytes();
        return given.len() == want.len()
            && given.iter().zip(want).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0;
    }
    req.extensions()
        .get::<ClientAddr>()
        .is_some_and(|ClientAddr(ip)| ip.is_loopback() || ip.to_canonical().is_loopback())
}

pub async fn metrics(State(state): State<AppState>, req: Request) -> Response {
    if !allowed(&state, &req) {
        return StatusCode::FORBIDDEN.into_response();
    }
    match state.metrics_text().await {
        Ok(text) => (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static(backend::ops::metrics::CONTENT_TYPE),
            )],
            text,
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "rendering metrics failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}
