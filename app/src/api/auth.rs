//! Signing in and out, the current user, and first-run set-up.

use leptos::prelude::*;
use types::account::CurrentUser;
use types::ApiError;

/// The signed-in user (401 when signed out).
#[server(prefix = "/api", endpoint = "me")]
pub async fn me() -> Result<CurrentUser, ApiError> {
    use crate::api::caller::{require_user, respond};
    respond(require_user().await.map(|(_, user)| user))
}

/// Signs in and sends the browser to `next` (a same-site path) or `/`.
#[server(prefix = "/api", endpoint = "login")]
pub async fn login(email: String, password: String, next: Option<String>) -> Result<(), ApiError> {
    use crate::api::caller::{respond, session, state};
    use axum::extract::ConnectInfo;
    use std::net::SocketAddr;
    respond(
        async {
            let state = state()?;
            let client = leptos_axum::extract::<ConnectInfo<SocketAddr>>()
                .await
                .ok()
                .map(|ConnectInfo(addr)| addr.ip());
            let session = session().await?;
            backend::accounts::sign_in(&state, &session, &email, password, client).await?;
            let next = next
                .filter(|n| types::account::is_safe_next(n))
                .unwrap_or_else(|| "/".into());
            leptos_axum::redirect(&next);
            Ok(())
        }
        .await,
    )
}

/// Ends the session (deletes it from the store) and goes to the sign-in page.
#[server(prefix = "/api", endpoint = "logout")]
pub async fn logout() -> Result<(), ApiError> {
    use crate::api::caller::{respond, session};
    respond(
        async {
            backend::accounts::sign_out(&session().await?).await?;
            leptos_axum::redirect("/login");
            Ok(())
        }
        .await,
    )
}

/// Creates the first administrator; only works while there are no users.
#[server(prefix = "/api", endpoint = "setup")]
pub async fn setup_admin(email: String, name: String, password: String) -> Result<(), ApiError> {
    use crate::api::caller::{respond, state};
    respond(
        async {
            backend::accounts::set_up_first_admin(&state()?, &email, &name, password).await?;
            leptos_axum::redirect("/login");
            Ok(())
        }
        .await,
    )
}
