//! The axum router: Leptos pages and server functions, `/health`, the static
//! bundle, and the middleware stack around them.

use std::time::Duration;

use app::server::session_store::SqliteSessionStore;
use app::server::AppState;
use app::{shell, App};
use axum::routing::get;
use axum::{middleware, Router};
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tower::ServiceBuilder;
use tower_http::request_id::{PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::services::ServeDir;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

use crate::{guard, health, telemetry};

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "courseware_session";

/// Builds the complete application router for `state`.
pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let options = state.leptos_options.clone();
    let site_root = options.site_root.to_string();

    let sessions = SessionManagerLayer::new(SqliteSessionStore::new(state.pool.clone()))
        .with_name(SESSION_COOKIE)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(state.config.cookie_secure)
        .with_path("/")
        .with_expiry(Expiry::OnInactivity(time::Duration::minutes(i64::from(
            state.config.session_idle_minutes.max(1),
        ))));

    let pkg = ServeDir::new(std::path::Path::new(&site_root).join("pkg"));

    Router::new()
        .route("/health", get(health::health))
        .merge(crate::jobs_http::routes())
        .leptos_routes_with_context(&state, routes, || (), move || shell(options.clone()))
        .nest_service("/pkg", pkg)
        .fallback(leptos_axum::file_and_error_handler_with_context::<AppState, _>(
            {
                let state = state.clone();
                move || provide_context(state.clone())
            },
            shell,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            guard::require_session,
        ))
        .layer(sessions)
        .layer(middleware::from_fn_with_state(state.clone(), guard::same_origin))
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
        .with_state(state)
}

/// How often expired sessions are swept from the database.
pub const SESSION_SWEEP_INTERVAL: Duration = Duration::from_secs(3600);
