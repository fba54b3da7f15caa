//! Token usage and estimated cost: team totals per day, model and user.

use leptos::prelude::*;
use types::usage::UsageSummary;
use types::ApiError;

/// Spend over the last `days` days (1–365).
#[server(prefix = "/api", endpoint = "usage")]
pub async fn usage_report(days: String) -> Result<UsageSummary, ApiError> {
    use crate::api::caller::{require_user, respond};
    respond(
        async {
            let (state, _) = require_user().await?;
            let days = types::validate::number_field("days", &days)?;
            Ok(backend::llm::spend::report(&state, days).await?)
        }
        .await,
    )
}

/// "provider · model" when the AI writer is on, for the New course form.
#[server(prefix = "/api", endpoint = "writer")]
pub async fn writer_info() -> Result<Option<String>, ApiError> {
    use crate::api::caller::{require_user, respond};
    respond(
        async {
            let (state, _) = require_user().await?;
            Ok(backend::llm::spend::writer_name(&state))
        }
        .await,
    )
}
