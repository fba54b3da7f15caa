//! Errors of the REST API as RFC 9457 problem details
//! (`application/problem+json`): the status, a short title, the message a
//! person can act on, and the request field it is about.

use axum::extract::rejection::JsonRejection;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use types::ApiError;
use utoipa::ToSchema;

/// A problem with a request, or with the server.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// Always `about:blank`: the status and title say what kind of problem it is.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The status's reason phrase.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What went wrong, for a person to act on.
    pub detail: String,
    /// The request field the problem is about, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Seconds to wait before trying again (429 and 503).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
}

impl Problem {
    pub fn new(status: StatusCode, detail: impl Into<String>) -> Problem {
        Problem {
            kind: "about:blank",
            title: status.canonical_reason().unwrap_or("Error").to_string(),
            status: status.as_u16(),
            detail: detail.into(),
            field: None,
            retry_after: None,
        }
    }

    pub fn about(mut self, field: &str) -> Problem {
        if !field.is_empty() {
            self.field = Some(field.to_string());
        }
        self
    }

    pub fn not_found() -> Problem {
        Problem::new(StatusCode::NOT_FOUND, "No such thing here.")
    }
}

impl From<ApiError> for Problem {
    fn from(e: ApiError) -> Problem {
        let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut p = Problem::new(status, e.to_string());
        match e {
            ApiError::Invalid { field, .. } => p = p.about(&field),
            ApiError::TooManyRequests { retry_after } | ApiError::Busy { retry_after } => {
                p.retry_after = Some(retry_after)
            }
            _ => {}
        }
        p
    }
}

impl From<backend::Error> for Problem {
    fn from(e: backend::Error) -> Problem {
        ApiError::from(e).into()
    }
}

/// A JSON body that could not be read: 400 for broken JSON, 415 for another
/// content type, 413 over the limit, 422 naming the field whose value is wrong.
impl From<JsonRejection> for Problem {
    fn from(rejection: JsonRejection) -> Problem {
        let text = rejection.body_text();
        match rejection {
            JsonRejection::JsonDataError(_) => {
                // axum's text: "Failed to deserialize the JSON body into the
                // target type: <path>: <what>".
                let detail = text.split_once("target type: ").map_or(text.as_str(), |(_, d)| d);
                let field = detail
                    .split_once(": ")
                    .map(|(path, _)| path)
                    .filter(|p| !p.contains(' '))
                    .unwrap_or("");
                Problem::new(StatusCode::UNPROCESSABLE_ENTITY, detail).about(field)
            }
            JsonRejection::MissingJsonContentType(_) => Problem::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "Send the body as JSON (Content-Type: application/json).",
            ),
            _ if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                Problem::new(StatusCode::PAYLOAD_TOO_LARGE, "The body is too large.")
            }
            _ => Problem::new(
                StatusCode::BAD_REQUEST,
                format!("The body is not valid JSON: {text}"),
            ),
        }
    }
}

/// Largest error body [`reshape`] reads.
const MAX_ERROR_BODY: usize = 64 << 10;

/// An error answered in the browser's shape (an `ApiError` as JSON, or a
/// bare status, from what the API shares with the pages: body limits,
/// uploads, previews) as a problem document with the same status;
/// anything else as it is.
pub async fn reshape(response: Response) -> Response {
    let kind = response.headers().get(header::CONTENT_TYPE);
    let is_json = kind.is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    // A bare status (no body) is answered as a problem too.
    if response.status().as_u16() < 400 || !(is_json || kind.is_none()) {
        return response;
    }
    let status = response.status();
    let retry = response.headers().get(header::RETRY_AFTER).cloned();
    let body = http_body_util::Limited::new(response.into_body(), MAX_ERROR_BODY);
    let error = http_body_util::BodyExt::collect(body)
        .await
        .ok()
        .and_then(|b| serde_json::from_slice::<ApiError>(&b.to_bytes()).ok());
    let mut problem = match error {
        Some(e) => {
            let mut p = Problem::from(e);
            p.status = status.as_u16();
            p.title = status.canonical_reason().unwrap_or("Error").to_string();
            p
        }
        None => Problem::new(status, status.canonical_reason().unwrap_or("Error")),
    };
    if problem.retry_after.is_none() {
        problem.retry_after = retry.and_then(|v| v.to_str().ok()?.parse().ok());
    }
    problem.into_response()
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let retry = self.retry_after;
        let body = serde_json::to_vec(&self).unwrap_or_default();
        let mut res = (status, body).into_response();
        let h = res.headers_mut();
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let Some(secs) = retry {
            h.insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        if status == StatusCode::UNAUTHORIZED {
            h.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"courseware\""),
            );
        }
        res
    }
}
