//! Who is calling: the session → user lookup shared by the route middleware and
//! every server function, and the helper that gives each error its HTTP status.

use axum::http::{header, HeaderValue, StatusCode};
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;
use sqlx::SqlitePool;
use tower_sessions::Session;

use super::session_store::USER_ID_KEY;
use super::{users, AppState};
use crate::error::ApiError;
use crate::model::CurrentUser;

/// The active user signed in on `session`, if any.
pub async fn session_user(pool: &SqlitePool, session: &Session) -> Result<Option<CurrentUser>, ApiError> {
    let id = session.get::<i64>(USER_ID_KEY).await.map_err(|e| {
        tracing::error!(error = %e, "reading the session failed");
        ApiError::Internal
    })?;
    let Some(id) = id else { return Ok(None) };
    users::active_user(pool, id).await.map_err(internal)
}

/// The session of the current server-function request.
pub async fn session() -> Result<Session, ApiError> {
    leptos_axum::extract::<Session>().await.map_err(|e| {
        tracing::error!(error = %e, "session layer missing");
        ApiError::Internal
    })
}

/// The signed-in user, or 401.
pub async fn require_user() -> Result<(AppState, CurrentUser), ApiError> {
    let state = AppState::current()?;
    let session = session().await?;
    match session_user(&state.pool, &session).await? {
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

/// Logs an unexpected database error and hides it behind [`ApiError::Internal`].
pub fn internal(e: sqlx::Error) -> ApiError {
    tracing::error!(error = %e, "database error");
    ApiError::Internal
}

/// Gives a server function's error its HTTP status (and `Retry-After` for 429).
/// Every server function passes its result through here.
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
