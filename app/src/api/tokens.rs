//! API tokens: each user makes and revokes their own; administrators see
//! and revoke everyone's.

use leptos::prelude::*;
use types::tokens::{CreatedToken, TokenSummary};
use types::ApiError;

/// The caller's tokens (everyone's for an administrator), newest first.
#[server(prefix = "/api", endpoint = "tokens")]
pub async fn list_tokens() -> Result<Vec<TokenSummary>, ApiError> {
    use crate::api::caller::{require_user, respond};
    respond(
        async {
            let (state, user) = require_user().await?;
            Ok(backend::accounts::tokens::list(&state, &user).await?)
        }
        .await,
    )
}

/// Makes a token; the answer holds its secret, shown this once.
/// `days` blank: the token lasts until revoked.
#[server(prefix = "/api", endpoint = "tokens/create")]
pub async fn create_token(
    name: String,
    scope: String,
    #[server(default)] days: String,
) -> Result<CreatedToken, ApiError> {
    use crate::api::caller::{require_user, respond};
    respond(
        async {
            let (state, user) = require_user().await?;
            let days = match days.trim() {
                "" => None,
                d => Some(d.parse::<u32>().map_err(|_| {
                    ApiError::invalid("days", "Days is a whole number, or blank for no end.")
                })?),
            };
            Ok(backend::accounts::tokens::create(&state, &user, &name, &scope, days).await?)
        }
        .await,
    )
}

/// Revokes a token: it stops working on the next request.
#[server(prefix = "/api", endpoint = "tokens/revoke")]
pub async fn revoke_token(id: String) -> Result<(), ApiError> {
    use crate::api::caller::{require_user, respond};
    respond(
        async {
            let (state, user) = require_user().await?;
            let id = types::validate::number_field("id", &id)?;
            Ok(backend::accounts::tokens::revoke(&state, &user, id).await?)
        }
        .await,
    )
}
