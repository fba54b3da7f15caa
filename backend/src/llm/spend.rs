//! Token spend for the Usage page: team totals per day, model and user.

use types::usage::UsageSummary;

use crate::db::usage::{self, Group};
use crate::{AppState, Result};

/// "provider · model" when the AI writer is on.
pub fn writer_name(state: &AppState) -> Option<String> {
    state
        .llm
        .as_ref()
        .map(|l| format!("{} · {}", l.provider, l.model))
}

/// Spend over the last `days` days (clamped to 1–365).
pub async fn report(state: &AppState, days: i64) -> Result<UsageSummary> {
    let days = days.clamp(1, 365);
    let since = (time::OffsetDateTime::now_utc() - time::Duration::days(days - 1))
        .date()
        .to_string();
    let pool = &state.pool;
    let totals = usage::totals(pool, Group::All, &since)
        .await?
        .into_iter()
        .next()
        .map(|(_, t)| t)
        .unwrap_or_default();
    Ok(UsageSummary {
        ai_writer: writer_name(state),
        days,
        totals,
        per_day: usage::totals(pool, Group::Day, &since).await?,
        per_model: usage::totals(pool, Group::Model, &since).await?,
        per_user: usage::totals(pool, Group::User, &since).await?,
    })
}
