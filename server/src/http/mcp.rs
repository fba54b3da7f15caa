//! `/mcp`: the MCP server (`crate::mcp`) over streamable HTTP. Every request
//! carries a bearer token, checked here as the REST API checks it; the
//! caller rides in the request's extensions to the tools. Stateless: no
//! session is kept between requests, so any replica answers any request.

use axum::extract::{Request, State};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use backend::AppState;
use rmcp::transport::streamable_http_server::session::never::NeverSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};
use types::limits::MAX_FORM_BYTES;

use super::guard::MCP_PATH;
use crate::mcp::{Courseware, Credentials};

/// The `/mcp` route, to merge into the application router.
pub fn router<S>(state: AppState) -> Router<S>
where
    S: Clone + Send + Sync + 'static,
{
    let config = StreamableHttpServerConfig::default()
        .with_legacy_session_mode(false)
        .with_json_response(true)
        .with_max_request_body_bytes(MAX_FORM_BYTES)
        // The Host check guards servers that trust whoever reaches them
        // (DNS rebinding); here every request needs a bearer token, which a
        // rebound page does not have, and the Host behind a proxy is the
        // operator's to choose.
        .disable_allowed_hosts();
    let service = {
        let state = state.clone();
        StreamableHttpService::new(
            move || Ok(Courseware::new(state.clone(), Credentials::PerRequest)),
            NeverSessionManager::default().into(),
            config,
        )
    };
    Router::new()
        .route_service(MCP_PATH, service)
        .layer(middleware::from_fn_with_state(state, authenticate))
}

/// Lets in only requests with a working token; a refusal is a problem
/// document with `WWW-Authenticate: Bearer`, as MCP clients expect.
async fn authenticate(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let (mut parts, body) = req.into_parts();
    match super::v1::auth::caller(&parts, &state).await {
        Ok(caller) => {
            parts.extensions.insert(caller);
            next.run(Request::from_parts(parts, body)).await
        }
        Err(problem) => {
            let mut res = problem.into_response();
            res.headers_mut().insert(
                axum::http::header::WWW_AUTHENTICATE,
                axum::http::HeaderValue::from_static("Bearer"),
            );
            res
        }
    }
}
