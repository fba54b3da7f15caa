//! Raw-body uploads: an outline to parse into the tree the user reviews
//! (nothing stored), and a template to check and keep under a generated
//! name. The size limits are `types::limits`; the work is the backend's.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use backend::outlines::Rejected;
use backend::AppState;
use types::limits::MAX_TEMPLATE_BYTES;
use types::ApiError;

use super::download::safe_file_name;
use super::error::{api_error, invalid};

/// Parses an uploaded outline and returns the tree to review. The size
/// limit is the backend's (`outlines::parse` checks it before parsing).
pub async fn outline(body: Bytes) -> Response {
    match backend::outlines::parse(body).await {
        Ok(outline) => Json(outline).into_response(),
        Err(Rejected::Crashed(why)) => {
            tracing::error!(%why, "outline parser crashed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
        Err(e) => {
            let status = match &e {
                Rejected::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
                e if e.is_unsupported_type() => StatusCode::UNSUPPORTED_MEDIA_TYPE,
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            };
            invalid(status, "outline", &e.to_string())
        }
    }
}

/// Checks an uploaded template by opening it, then stores it under a
/// generated name (never the client's). Returns the name to start a job with.
pub async fn template(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    if body.len() > MAX_TEMPLATE_BYTES {
        return invalid(
            StatusCode::PAYLOAD_TOO_LARGE,
            "template",
            "The template is larger than 50 MB.",
        );
    }
    let display = headers
        .get("x-file-name")
        .and_then(|v| v.to_str().ok())
        .map(|n| safe_file_name(n.trim_end_matches(".pptx").trim_end_matches(".potx")))
        .unwrap_or_else(|| "template".into());
    match backend::templates::store_upload(&state.config, body).await {
        Ok((template, layouts)) => {
            Json(serde_json::json!({ "template": template, "name": display, "layouts": layouts }))
                .into_response()
        }
        Err(e) => match ApiError::from(e) {
            e @ ApiError::Invalid { .. } => api_error(StatusCode::UNPROCESSABLE_ENTITY, &e),
            _ => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        },
    }
}
