//! Generation jobs as the dashboard sees them.

use serde::{Deserialize, Serialize};

/// A job's lifecycle state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum JobStatus {
    Queued,
    Running,
    Complete,
    Failed,
    Cancelled,
}

impl JobStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Running => "running",
            Self::Complete => "complete",
            Self::Failed => "failed",
            Self::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "queued" => Self::Queued,
            "running" => Self::Running,
            "complete" => Self::Complete,
            "failed" => Self::Failed,
            "cancelled" => Self::Cancelled,
            _ => return None,
        })
    }

    /// No more progress will come.
    pub fn is_terminal(self) -> bool {
        matches!(self, Self::Complete | Self::Failed | Self::Cancelled)
    }
}

/// One row of the shared history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct JobSummary {
    pub id: String,
    pub owner_name: String,
    pub course_title: String,
    pub template_name: String,
    pub duration_days: i64,
    pub language: String,
    pub status: String,
    pub progress: i64,
    pub log_message: Option<String>,
    pub slide_count: Option<i64>,
    pub qa_score: Option<i64>,
    pub qa_verdict: Option<String>,
    pub duration_sec: Option<f64>,
    pub created_at: String,
    pub completed_at: Option<String>,
    pub error: Option<String>,
}

/// A line of a job's log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct JobEvent {
    pub at: String,
    pub level: String,
    pub progress: i64,
    pub message: String,
}

/// What the live progress stream sends: the job's state after an event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobUpdate {
    pub status: JobStatus,
    pub progress: i64,
    pub event: Option<JobEvent>,
}

/// Tokens and estimated cost of a set of model calls.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
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
