//! The HTTP layer: the axum router (Leptos pages and server functions, the
//! job routes that are not server functions, `/health`, the static bundle)
//! and the middleware stack around it. Handlers are adapters: they parse the
//! request, call the backend, and shape the response.

mod download;
mod error;
pub mod guard;
pub mod headers;
pub mod health;
pub mod limits;
mod mcp;
pub(crate) mod metrics;
mod previews;
mod stream;
mod upload;
pub mod v1;

use std::time::Duration;

use app::{shell, App};
use axum::extract::DefaultBodyLimit;
use axum::extract::FromRef;
use axum::routing::{get, post};
use axum::{middleware, Router};
use backend::db::sessions::DbSessionStore;
use backend::AppState;
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tower::ServiceBuilder;
use tower_http::request_id::{PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::services::ServeDir;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

use crate::telemetry;

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "courseware_session";

/// The router's state: the backend's, plus Leptos's rendering options
/// (which the backend knows nothing about). Handlers take `State<AppState>`.
#[derive(Clone, FromRef)]
pub struct ServerState {
    pub app: AppState,
    pub leptos: LeptosOptions,
}

/// Builds the complete application router for `state`.
pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let options = LeptosOptions::builder()
        .output_name("courseware")
        .site_root(state.config.site_root.to_string_lossy().to_string())
        .site_pkg_dir("pkg")
        .site_addr(state.config.bind)
        .build();
    let site_root = options.site_root.to_string();
    let server_state = ServerState {
        app: state.clone(),
        leptos: options.clone(),
    };

    let sessions = SessionManagerLayer::new(DbSessionStore::new(state.pool.clone()))
        .with_name(SESSION_COOKIE)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(
            state.config.cookie_secure
                || state
                    .config
                    .public_url
                    .as_deref()
                    .is_some_and(|u| u.to_ascii_lowercase().starts_with("https://")),
        )
        .with_path("/")
        .with_expiry(Expiry::OnInactivity(time::Duration::minutes(i64::from(
            state.config.session_idle_minutes.max(1),
        ))));

    // The bundle's file names do not change between releases (the chunks of
    // the split bundle are numbered, not hashed), so browsers must ask every
    // time: an ETag answer is a 304 of a few bytes, and a page never mixes
    // the main part of one release with a chunk of another.
    let pkg = Router::new()
        .fallback_service(
            // scripts/build-wasm writes a gzip -9 copy beside each file; browsers
            // that accept gzip get it as it is (no compression per request).
            ServeDir::new(std::path::Path::new(&site_root).join("pkg")).precompressed_gzip(),
        )
        .layer(middleware::map_response(revalidate));

    Router::new()
        .route("/health", get(health::health))
        .route("/ready", get(health::ready))
        .route("/metrics", get(metrics::metrics))
        .merge(job_routes())
        .merge(v1::router())
        .merge(mcp::router(state.clone()))
        .leptos_routes_with_context(
            &server_state,
            routes,
            {
                let state = state.clone();
                move || {
                    provide_context(state.clone());
                    // A fresh nonce per page for the CSP (see `app::shell`).
                    leptos::nonce::provide_nonce();
                }
            },
            move || shell(options.clone()),
        )
        .nest_service("/pkg", pkg)
        .fallback(
            leptos_axum::file_and_error_handler_with_context::<ServerState, _>(
                {
                    let state = state.clone();
                    move || {
                        provide_context(state.clone());
                        leptos::nonce::provide_nonce();
                    }
                },
                shell,
            ),
        )
        // Innermost first: statuses of server-function errors, then the body
        // limits (read only for callers the guard let in), the guard, the
        // session, the origin check, the client address, security headers.
        .layer(middleware::from_fn(limits::api_status))
        .layer(middleware::from_fn_with_state(state.clone(), limits::bound_body))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            guard::require_session,
        ))
        .layer(sessions)
        .layer(middleware::from_fn_with_state(state.clone(), guard::same_origin))
        .layer(middleware::from_fn_with_state(state.clone(), metrics::count))
        .layer(middleware::from_fn_with_state(state.clone(), limits::client_addr))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            headers::security_headers,
        ))
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::x_request_id(telemetry::RequestIds::default()))
                .layer(
                    TraceLayer::new_for_http()
                        .make_span_with(telemetry::request_span)
                        .on_response(DefaultOnResponse::new().level(tracing::Level::INFO)),
                )
                .layer(PropagateRequestIdLayer::x_request_id()),
        )
        // Outermost: a client's request id is kept only if short and plain.
        .layer(middleware::from_fn(telemetry::screen_request_id))
        .with_state(server_state)
}

/// Job routes that are not server functions: the live progress stream,
/// signed downloads, and raw-body uploads of outlines and templates. All sit
/// under `/api/`, behind the session guard.
fn job_routes() -> Router<ServerState> {
    Router::new()
        .route("/api/jobs/{id}/events", get(stream::events))
        .route("/api/jobs/{id}/download", get(download::download))
        .route("/api/jobs/{id}/spec", get(download::spec))
        .route("/api/jobs/{id}/pdf", get(previews::pdf))
        .route("/api/jobs/{id}/slides/{file}", get(previews::slide))
        .route("/api/outline/upload", post(upload::outline))
        .route("/api/templates/upload", post(upload::template))
        .route("/api/templates/preview/{file}", get(previews::template_page))
        // Bodies are bounded per route by `limits::bound_body`; the uploads
        // stream theirs under the same limits.
        .layer(DefaultBodyLimit::disable())
}

/// How often expired sessions are swept from the database.
pub const SESSION_SWEEP_INTERVAL: Duration = Duration::from_secs(3600);

/// `Cache-Control: no-cache` on the bundle's files (see `router`).
async fn revalidate(mut res: axum::response::Response) -> axum::response::Response {
    res.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-cache"),
    );
    res
}
