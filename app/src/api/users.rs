//! User management, for administrators only.

use leptos::prelude::*;

use crate::error::ApiError;
use crate::model::UserSummary;

/// Every user (never their password hash).
#[server(prefix = "/api", endpoint = "admin/users")]
pub async fn list_users() -> Result<Vec<UserSummary>, ApiError> {
    use crate::server::guard::{internal, require_admin, respond};
    respond(
        async {
            let (state, _) = require_admin().await?;
            crate::server::users::list(&state.pool).await.map_err(internal)
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
    #[server(default)] is_admin: bool,
) -> Result<UserSummary, ApiError> {
    use crate::server::guard::respond;
    respond(ssr::create_user(email, name, password, is_admin).await)
}

/// Sets a new password for a user and ends their sessions.
#[server(prefix = "/api", endpoint = "admin/users/password")]
pub async fn reset_password(user_id: i64, password: String) -> Result<(), ApiError> {
    use crate::server::guard::respond;
    respond(ssr::reset_password(user_id, password).await)
}

/// Enables or disables a user and grants or removes administrator rights.
/// Disabling ends the user's sessions at once. Nobody can disable or demote
/// themself, and the last active administrator stays one.
#[server(prefix = "/api", endpoint = "admin/users/update")]
pub async fn update_user(user_id: i64, is_active: bool, is_admin: bool) -> Result<UserSummary, ApiError> {
    use crate::server::guard::respond;
    respond(ssr::update_user(user_id, is_active, is_admin).await)
}

#[cfg(feature = "ssr")]
mod ssr {
    use crate::error::ApiError;
    use crate::model::UserSummary;
    use crate::server::guard::{internal, require_admin};
    use crate::server::session_store::SqliteSessionStore;
    use crate::server::{password, users};
    use crate::validate::{Email, PersonName};

    pub async fn create_user(
        email: String,
        name: String,
        password: String,
        is_admin: bool,
    ) -> Result<UserSummary, ApiError> {
        let (state, admin) = require_admin().await?;
        let email = Email::parse(&email)?;
        let name = PersonName::parse(&name)?;
        password::check_policy(&password)?;
        let hash = password::hash(password).await?;
        match users::create(&state.pool, email.as_ref(), name.as_ref(), &hash, is_admin)
            .await
            .map_err(internal)?
        {
            users::Created::Id(id) => {
                tracing::info!(by = admin.id, user_id = id, is_admin, "user created");
                users::get(&state.pool, id)
                    .await
                    .map_err(internal)?
                    .ok_or(ApiError::Internal)
            }
            users::Created::EmailTaken => Err(ApiError::invalid(
                "email",
                "A user with this email already exists.",
            )),
        }
    }

    pub async fn reset_password(user_id: i64, password: String) -> Result<(), ApiError> {
        let (state, admin) = require_admin().await?;
        password::check_policy(&password)?;
        let hash = password::hash(password).await?;
        if !users::set_password(&state.pool, user_id, &hash)
            .await
            .map_err(internal)?
        {
            return Err(ApiError::NotFound);
        }
        if user_id != admin.id {
            SqliteSessionStore::delete_for_user(&state.pool, user_id)
                .await
                .map_err(internal)?;
        }
        tracing::info!(by = admin.id, user_id, "password reset");
        Ok(())
    }

    pub async fn update_user(user_id: i64, is_active: bool, is_admin: bool) -> Result<UserSummary, ApiError> {
        let (state, admin) = require_admin().await?;
        if user_id == admin.id && (!is_active || !is_admin) {
            return Err(ApiError::Conflict(
                "You cannot disable or demote yourself.".into(),
            ));
        }
        if users::get(&state.pool, user_id)
            .await
            .map_err(internal)?
            .is_none()
        {
            return Err(ApiError::NotFound);
        }
        if !users::set_flags(&state.pool, user_id, is_active, is_admin)
            .await
            .map_err(internal)?
        {
            return Err(ApiError::Conflict(
                "At least one active administrator must remain.".into(),
            ));
        }
        if !is_active {
            let ended = SqliteSessionStore::delete_for_user(&state.pool, user_id)
                .await
                .map_err(internal)?;
            tracing::info!(by = admin.id, user_id, sessions_ended = ended, "user disabled");
        } else {
            tracing::info!(by = admin.id, user_id, is_admin, "user updated");
        }
        users::get(&state.pool, user_id)
            .await
            .map_err(internal)?
            .ok_or(ApiError::NotFound)
    }
}
