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
    use backend::accounts::address::ClientAddr;
    respond(
        async {
            let state = state()?;
            // The server's client-address layer put it there (behind trusted
            // proxies, the address they forwarded).
            let client = leptos_axum::extract::<axum::Extension<ClientAddr>>()
                .await
                .ok()
                .map(|axum::Extension(ClientAddr(ip))| ip);
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

/// Creates the first administrator; only works while there are no users, and
/// only with the set-up code the server printed in its log.
#[server(prefix = "/api", endpoint = "setup")]
pub async fn setup_admin(
    code: String,
    email: String,
    name: String,
    password: String,
) -> Result<(), ApiError> {
    use crate::api::caller::{respond, state};
    respond(
        async {
            backend::accounts::set_up_first_admin(&state()?, &code, &email, &name, password).await?;
            leptos_axum::redirect("/login");
            Ok(())
        }
        .await,
    )
}

/// Changes the signed-in user's own name.
#[server(prefix = "/api", endpoint = "account/name")]
pub async fn rename_me(name: String) -> Result<CurrentUser, ApiError> {
    use crate::api::caller::{require_user, respond};
    respond(
        async {
            let (state, user) = require_user().await?;
            Ok(backend::accounts::rename_self(&state, &user, &name).await?)
        }
        .await,
    )
}

/// Changes the signed-in user's own password (the current one first) and
/// ends their other sessions; answers how many ended.
#[server(prefix = "/api", endpoint = "account/password")]
pub async fn change_password(current: String, new: String) -> Result<u64, ApiError> {
    use crate::api::caller::{require_user, respond, session};
    use backend::accounts::address::ClientAddr;
    respond(
        async {
            let (state, user) = require_user().await?;
            let client = leptos_axum::extract::<axum::Extension<ClientAddr>>()
                .await
                .ok()
                .map(|axum::Extension(ClientAddr(ip))| ip);
            let session = session().await?;
            Ok(backend::accounts::change_own_password(&state, &user, &session, current, new, client).await?)
        }
        .await,
    )
}
