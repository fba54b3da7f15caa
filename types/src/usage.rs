//! Token spend of the AI writer: per job, per day, per model, per user.

use serde::{Deserialize, Serialize};

/// Tokens and estimated cost of a set of model calls.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TokenTotals {
    pub calls: i64,
    pub input: i64,
    pub output: i64,
    /// Input tokens written to the prompt cache.
    pub cache_write: i64,
    /// Input tokens read from the prompt cache.
    pub cache_read: i64,
    /// Estimated US dollars for the priced calls.
    pub cost_usd: f64,
    /// Calls whose model has no price (their cost is not in `cost_usd`).
    pub unpriced_calls: i64,
}

impl TokenTotals {
    pub fn tokens(&self) -> i64 {
        self.input + self.output + self.cache_write + self.cache_read
    }
}

/// Token spend for the Usage page.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UsageSummary {
    /// "provider · model" when the AI writer is on.
    pub ai_writer: Option<String>,
    pub days: i64,
    pub totals: TokenTotals,
    /// Per day, newest first (days with calls only).
    pub per_day: Vec<(String, TokenTotals)>,
    pub per_model: Vec<(String, TokenTotals)>,
    pub per_user: Vec<(String, TokenTotals)>,
}
