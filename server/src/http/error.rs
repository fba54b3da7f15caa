//! Error bodies for the raw HTTP routes, in the same JSON shape server
//! functions use for `ApiError`, so the dashboard reads both the same way.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use types::ApiError;

/// `status` with `error` as its JSON body.
pub fn api_error(status: StatusCode, error: &ApiError) -> Response {
    (status, Json(error)).into_response()
}

/// `status` with a field error (`field` may be empty: about the request).
pub fn invalid(status: StatusCode, field: &str, message: &str) -> Response {
    api_error(status, &ApiError::invalid(field, message))
}
