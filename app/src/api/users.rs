//! User management, for administrators only.

use leptos::prelude::*;
use types::account::UserSummary;
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
