//! User management, for administrators only.

use leptos::prelude::*;
use types::account::{LoginLock, UserSummary};
use types::ApiError;

/// Every user (never their password hash).
#[server(prefix = "/api", endpoint = "admin/users")]
pub async fn list_users() -> Result<Vec<UserSummary>, ApiError> {
    use crate::api::caller::{require_admin, respond};
    respond(
        async {
            let (state, _) = require_admin().await?;
            Ok(backend::accounts::list_users(&state).await?)
        }
        .await,
    )
}

/// Creates a user.
#[server(prefix = "/api", endpoint = "admin/users/create")]
pub async fn create_user(
    email: String,
    name: String,
    password: String,
    #[server(default)] is_admin: String,
) -> Result<UserSummary, ApiError> {
    use crate::api::caller::{require_admin, respond};
    respond(
        async {
            let (state, admin) = require_admin().await?;
            let is_admin = types::validate::flag_field("is_admin", &is_admin)?;
            let user = backend::accounts::create_user(&state, &email, &name, password, is_admin).await?;
            tracing::info!(
                by = admin.id,
                user_id = user.id,
                "user created by an administrator"
            );
            Ok(user)
        }
        .await,
    )
}

/// Sets a new password for a user and ends their sessions.
#[server(prefix = "/api", endpoint = "admin/users/password")]
pub async fn reset_password(user_id: String, password: String) -> Result<(), ApiError> {
    use crate::api::caller::{require_admin, respond, session};
    respond(
        async {
            let (state, admin) = require_admin().await?;
            let user_id = types::validate::number_field("user_id", &user_id)?;
            let own = session().await?;
            Ok(backend::accounts::reset_password(&state, &admin, &own, user_id, password).await?)
        }
        .await,
    )
}

/// Enables or disables a user and grants or removes administrator rights.
/// Disabling ends the user's sessions at once. Nobody can disable or demote
/// themself, and the last active administrator stays one.
#[server(prefix = "/api", endpoint = "admin/users/update")]
pub async fn update_user(
    user_id: String,
    is_active: String,
    is_admin: String,
) -> Result<UserSummary, ApiError> {
    use crate::api::caller::{require_admin, respond};
    use types::validate::{flag_field, number_field};
    respond(
        async {
            let (state, admin) = require_admin().await?;
            let user_id = number_field("user_id", &user_id)?;
            let is_active = flag_field("is_active", &is_active)?;
            let is_admin = flag_field("is_admin", &is_admin)?;
            Ok(backend::accounts::update_user(&state, &admin, user_id, is_active, is_admin).await?)
        }
        .await,
    )
}

/// Sign-in counts that make attempts wait now, on this server.
#[server(prefix = "/api", endpoint = "admin/locks")]
pub async fn login_locks() -> Result<Vec<LoginLock>, ApiError> {
    use crate::api::caller::{require_admin, respond};
    respond(
        async {
            let (state, _) = require_admin().await?;
            Ok(state
                .throttle
                .locks()
                .into_iter()
                .take(200)
                .map(|l| LoginLock {
                    account: l.account,
                    address: l.address.map(|a| a.to_string()),
                    failures: l.failures,
                    seconds_left: l.seconds_left,
                })
                .collect())
        }
        .await,
    )
}

/// Clears the sign-in counts of an account and/or an address.
#[server(prefix = "/api", endpoint = "admin/locks/clear")]
pub async fn clear_login_lock(
    #[server(default)] account: String,
    #[server(default)] address: String,
) -> Result<usize, ApiError> {
    use crate::api::caller::{require_admin, respond};
    respond(
        async {
            let (state, admin) = require_admin().await?;
            let address = match address.trim() {
                "" => None,
                a => Some(
                    a.parse::<std::net::IpAddr>()
                        .map_err(|_| ApiError::invalid("address", "Not an IP address."))?,
                ),
            };
            let account = Some(account.trim()).filter(|a| !a.is_empty());
            if account.is_none() && address.is_none() {
                return Err(ApiError::invalid("account", "Name an account or an address."));
            }
            let cleared = state.throttle.clear(account, address);
            tracing::info!(by = admin.id, cleared, "sign-in lock cleared by an administrator");
            Ok(cleared)
        }
        .await,
    )
}
