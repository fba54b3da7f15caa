//! Webhook endpoints: each user registers and removes their own (an
//! administrator sees everyone's), reads an endpoint's delivery log and
//! sends a message again.

use leptos::prelude::*;
use types::webhooks::{CreatedEndpoint, Delivery, Endpoint};
use types::ApiError;

/// The caller's endpoints (everyone's for an administrator), newest first.
#[server(prefix = "/api", endpoint = "webhooks")]
pub async fn list_webhooks() -> Result<Vec<Endpoint>, ApiError> {
    use crate::api::caller::{require_user, respond};
    respond(
        async {
            let (state, user) = require_user().await?;
            Ok(backend::webhooks::list(&state, &user).await?)
        }
        .await,
    )
}

/// Registers an endpoint for the events ticked; the answer holds its
/// signing secret, shown this once.
#[server(prefix = "/api", endpoint = "webhooks/create")]
pub async fn create_webhook(
    url: String,
    #[server(default)] completed: Option<String>,
    #[server(default)] failed: Option<String>,
    #[server(default)] batch: Option<String>,
) -> Result<CreatedEndpoint, ApiError> {
    use crate::api::caller::{require_user, respond};
    respond(
        async {
            let (state, user) = require_user().await?;
            let ticked = [
                (completed, "course.completed"),
                (failed, "course.failed"),
                (batch, "batch.completed"),
            ];
            let events = ticked
                .into_iter()
                .filter(|(on, _)| on.as_deref().is_some_and(|v| !v.is_empty()))
                .map(|(_, e)| e.to_string())
                .collect();
            let new = types::webhooks::NewEndpoint { url, events };
            Ok(backend::webhooks::create(&state, &user, &new).await?)
        }
        .await,
    )
}

/// Removes an endpoint and its delivery log.
#[server(prefix = "/api", endpoint = "webhooks/remove")]
pub async fn remove_webhook(id: String) -> Result<(), ApiError> {
    use crate::api::caller::{require_user, respond};
    respond(
        async {
            let (state, user) = require_user().await?;
            let id = types::validate::number_field("id", &id)?;
            Ok(backend::webhooks::remove(&state, &user, id).await?)
        }
        .await,
    )
}

/// An endpoint's latest deliveries, newest first.
#[server(prefix = "/api", endpoint = "webhooks/deliveries")]
pub async fn webhook_deliveries(id: String) -> Result<Vec<Delivery>, ApiError> {
    use crate::api::caller::{require_user, respond};
    respond(
        async {
            let (state, user) = require_user().await?;
            let id = types::validate::number_field("id", &id)?;
            Ok(backend::webhooks::deliveries(&state, &user, id).await?)
        }
        .await,
    )
}

/// Sends a message again (same id and body, due now).
#[server(prefix = "/api", endpoint = "webhooks/resend")]
pub async fn resend_webhook(id: String, delivery: String) -> Result<(), ApiError> {
    use crate::api::caller::{require_user, respond};
    respond(
        async {
            let (state, user) = require_user().await?;
            let id = types::validate::number_field("id", &id)?;
            let delivery = types::validate::number_field("delivery", &delivery)?;
            backend::webhooks::resend(&state, &user, id, delivery).await?;
            Ok(())
        }
        .await,
    )
}
