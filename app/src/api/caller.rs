//! Who is calling a server function, and how its error reaches the browser.
//! Server-only (`ssr`): the state and the session come from the request
//! context that the server's router provides.
//!
//! Every server function is three steps: [`require_user`] (or
//! [`require_admin`]), one backend call, `?` — and passes its result through
//! [`respond`] so the HTTP status matches the error.

use axum::http::{header, HeaderValue, StatusCode};
use backend::accounts::SignedIn;
use backend::AppState;
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;
use tower_sessions::Session;
use types::account::CurrentUser;
use types::ApiError;

/// A job id from the request, checked once here: every call below takes
/// the typed id. A string that cannot be an id names no job.
pub fn job_id(raw: &str) -> Result<types::validate::JobId, ApiError> {
    types::validate::JobId::parse(raw).ok_or(ApiError::NotFound)
}

/// The shared state, provided to every server function and page render.
pub fn state() -> Result<AppState, ApiError> {
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from the Leptos context");
        ApiError::Internal
    })
}

/// The session of the current server-function request.
pub async fn session() -> Result<Session, ApiError> {
    leptos_axum::extract::<Session>().await.map_err(|e| {
        tracing::error!(error = %e, "session layer missing");
        ApiError::Internal
    })
}

/// The signed-in user, or 401. The route guard has usually looked them up
/// already for this request; otherwise (a path the guard lets through) the
/// session is checked here.
pub async fn require_user() -> Result<(AppState, CurrentUser), ApiError> {
    let state = state()?;
    if let Ok(axum::Extension(SignedIn(user))) = leptos_axum::extract::<axum::Extension<SignedIn>>().await {
        return Ok((state, user));
    }
    let session = session().await?;
    match backend::accounts::signed_in(&state, &session).await? {
        Some(user) => Ok((state, user)),
        None => Err(ApiError::Unauthorized),
    }
}

/// The signed-in administrator, or 401/403.
pub async fn require_admin() -> Result<(AppState, CurrentUser), ApiError> {
    let (state, user) = require_user().await?;
    if user.is_admin {
        Ok((state, user))
    } else {
        Err(ApiError::Forbidden)
    }
}

/// Gives a server function's error its HTTP status (and `Retry-After` for 429).
pub fn respond<T>(result: Result<T, ApiError>) -> Result<T, ApiError> {
    if let (Err(e), Some(opts)) = (&result, use_context::<ResponseOptions>()) {
        opts.set_status(StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR));
        if let ApiError::TooManyRequests { retry_after } = e {
            if let Ok(v) = HeaderValue::from_str(&retry_after.to_string()) {
                opts.insert_header(header::RETRY_AFTER, v);
            }
        }
    }
    result
}
