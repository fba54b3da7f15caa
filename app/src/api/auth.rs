//! Signing in and out, the current user, and first-run set-up.

use leptos::prelude::*;

use crate::error::ApiError;
use crate::model::CurrentUser;

/// The signed-in user (401 when signed out).
#[server(prefix = "/api", endpoint = "me")]
pub async fn me() -> Result<CurrentUser, ApiError> {
    use crate::server::guard::{require_user, respond};
    respond(require_user().await.map(|(_, user)| user))
}

/// Signs in and sends the browser to `next` (a same-site path) or `/`.
#[server(prefix = "/api", endpoint = "login")]
pub async fn login(email: String, password: String, next: Option<String>) -> Result<(), ApiError> {
    use crate::server::guard::respond;
    respond(ssr::login(email, password, next).await)
}

/// Ends the session (deletes it from the store) and goes to the sign-in page.
#[server(prefix = "/api", endpoint = "logout")]
pub async fn logout() -> Result<(), ApiError> {
    use crate::server::guard::{respond, session};
    respond(
        async {
            let session = session().await?;
            session.flush().await.map_err(|e| {
                tracing::error!(error = %e, "deleting session failed");
                ApiError::Internal
            })?;
            leptos_axum::redirect("/login");
            Ok(())
        }
        .await,
    )
}

/// Creates the first administrator; only works while there are no users.
#[server(prefix = "/api", endpoint = "setup")]
pub async fn setup_admin(email: String, name: String, password: String) -> Result<(), ApiError> {
    use crate::server::guard::respond;
    respond(ssr::setup_admin(email, name, password).await)
}

#[cfg(feature = "ssr")]
mod ssr {
    use std::net::SocketAddr;

    use axum::extract::ConnectInfo;

    use crate::error::ApiError;
    use crate::model::is_safe_next;
    use crate::server::guard::{internal, session};
    use crate::server::session_store::USER_ID_KEY;
    use crate::server::{password, users, AppState};
    use crate::validate::{Email, PersonName};

    pub async fn login(email: String, password: String, next: Option<String>) -> Result<(), ApiError> {
        let state = AppState::current()?;
        let client = leptos_axum::extract::<ConnectInfo<SocketAddr>>()
            .await
            .ok()
            .map(|ConnectInfo(addr)| addr.ip());
        let email = email.trim().to_string();
        if let Some(retry_after) = state.throttle.check(&email, client) {
            tracing::warn!(?client, "sign-in throttled");
            return Err(ApiError::TooManyRequests { retry_after });
        }
        let creds = users::credentials(&state.pool, &email).await.map_err(internal)?;
        // Always run one argon2 verification, against a dummy hash when the
        // email is unknown, so timing does not reveal which emails exist.
        let (id, active, hash) = match creds {
            Some(c) => (Some(c.id), c.is_active, Some(c.password_hash)),
            None => (None, false, None),
        };
        let ok = password::verify(password, hash).await && active;
        let Some(user_id) = id.filter(|_| ok) else {
            state.throttle.record_failure(&email, client);
            return Err(ApiError::BadCredentials);
        };
        state.throttle.record_success(&email);
        let session = session().await?;
        // A fresh id at sign-in defeats session fixation.
        session.cycle_id().await.map_err(|e| {
            tracing::error!(error = %e, "cycling session id failed");
            ApiError::Internal
        })?;
        session.insert(USER_ID_KEY, user_id).await.map_err(|e| {
            tracing::error!(error = %e, "writing session failed");
            ApiError::Internal
        })?;
        users::touch_last_login(&state.pool, user_id)
            .await
            .map_err(internal)?;
        tracing::info!(user_id, "signed in");
        let next = next.filter(|n| is_safe_next(n)).unwrap_or_else(|| "/".into());
        leptos_axum::redirect(&next);
        Ok(())
    }

    pub async fn setup_admin(email: String, name: String, password: String) -> Result<(), ApiError> {
        let state = AppState::current()?;
        if users::count(&state.pool).await.map_err(internal)? > 0 {
            return Err(ApiError::NotFound);
        }
        let email = Email::parse(&email)?;
        let name = PersonName::parse(&name)?;
        password::check_policy(&password)?;
        let hash = password::hash(password).await?;
        match users::create_first_admin(&state.pool, email.as_ref(), name.as_ref(), &hash)
            .await
            .map_err(internal)?
        {
            Some(id) => {
                tracing::info!(user_id = id, "first administrator created through /setup");
                leptos_axum::redirect("/login");
                Ok(())
            }
            None => Err(ApiError::NotFound),
        }
    }
}
