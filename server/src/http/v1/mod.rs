//! The REST API, `/api/v1`: JSON in and out, bearer tokens, errors as
//! problem details. The OpenAPI document is generated from the handlers'
//! and types' annotations (utoipa) and served at `/api/v1/openapi.json`;
//! `/api/v1/docs` is a reference page drawn from it by the server (no
//! script, no CDN). Handlers call the same backend functions as the
//! browser's server functions.

pub(crate) mod auth;
mod batches;
mod catalogue;
mod content;
mod courses;
mod docs;
mod files;
mod forms;
mod openapi;
pub mod problem;
mod renders;
mod webhooks;

pub use openapi::{document, document_json};

use axum::extract::FromRef;
use axum::routing::{get, post};
use axum::Router;
use backend::AppState;

use problem::Problem;

/// The API's routes, to merge into the application router.
pub fn router<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    AppState: FromRef<S>,
{
    let api = Router::new()
        .route("/openapi.json", get(openapi::openapi_json))
        .route("/docs", get(docs::page))
        .route("/courses", post(courses::start).get(courses::list))
        .route("/courses/{id}", get(courses::get).delete(courses::delete))
        .route("/courses/{id}/cancel", post(courses::cancel))
        .route("/courses/{id}/retry", post(courses::retry))
        .route("/courses/{id}/restore", post(courses::restore))
        .route(
            "/courses/{id}/content",
            get(content::get_content).post(content::change_content),
        )
        .route("/courses/{id}/rebuild", post(content::rebuild))
        .route("/courses/{id}/versions", get(content::versions))
        .route("/courses/{id}/diff", get(content::diff))
        .route(
            "/courses/{id}/review",
            get(content::get_review).post(content::review),
        )
        .route(
            "/courses/{id}/comments",
            get(content::comments).post(content::add_comment),
        )
        .route("/courses/{id}/translate", post(content::translate))
        .route("/courses/{id}/regenerate", post(content::regenerate))
        .route("/courses/{id}/events", get(courses::events))
        .route("/courses/{id}/deck", get(courses::deck))
        .route("/courses/{id}/spec", get(courses::spec))
        .route("/courses/{id}/qa", get(courses::qa))
        .route("/courses/{id}/pdf", get(renders::pdf))
        .route("/courses/{id}/slides/{file}", get(renders::slide))
        .route("/outlines/parse", post(files::parse_outline))
        .route(
            "/templates",
            get(catalogue::templates).post(files::upload_template),
        )
        .route("/usage", get(catalogue::usage))
        .route("/batches", post(batches::start))
        .route("/batches/{id}", get(batches::get))
        .route("/batches/{id}/cancel", post(batches::cancel))
        .route("/webhooks", post(webhooks::create).get(webhooks::list))
        .route("/webhooks/{id}", axum::routing::delete(webhooks::delete))
        .route("/webhooks/{id}/deliveries", get(webhooks::deliveries))
        .route(
            "/webhooks/{id}/deliveries/{delivery}/resend",
            post(webhooks::resend),
        )
        .fallback(|| async { Problem::not_found() })
        .method_not_allowed_fallback(|| async {
            Problem::new(
                axum::http::StatusCode::METHOD_NOT_ALLOWED,
                "This method is not offered here; see /api/v1/openapi.json.",
            )
        });
    Router::new().nest("/api/v1", api)
}
