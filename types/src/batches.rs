//! Catalogue batches: many course specs started by one request, followed
//! and cancelled together, with an estimate of what they would take before
//! anything is queued.

use serde::{Deserialize, Serialize};

use crate::jobs::JobStatus;
use crate::spec::CourseSpec;

/// The most courses one batch may hold.
pub const MAX_BATCH_COURSES: usize = 500;

/// The longest batch name.
pub const MAX_BATCH_NAME: usize = 120;

/// A batch to start: its courses and, optionally, a name to know it by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BatchRequest {
    /// A name for people (absent: "Batch of N courses").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_length = 120))]
    pub name: Option<String>,
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 500))]
    pub courses: Vec<CourseSpec>,
}

/// How many of a batch's courses are in each state.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BatchCounts {
    pub queued: i64,
    pub running: i64,
    pub complete: i64,
    pub failed: i64,
    pub cancelled: i64,
}

impl BatchCounts {
    pub fn add(&mut self, status: JobStatus, n: i64) {
        match status {
            JobStatus::Queued => self.queued += n,
            JobStatus::Running => self.running += n,
            JobStatus::Complete => self.complete += n,
            JobStatus::Failed => self.failed += n,
            JobStatus::Cancelled => self.cancelled += n,
        }
    }

    /// Courses still to finish.
    pub fn open(&self) -> i64 {
        self.queued + self.running
    }
}

/// One course of a batch and how it went.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "sqlx", derive(sqlx::FromRow))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BatchCourse {
    pub id: String,
    pub course_title: String,
    pub status: JobStatus,
    pub progress: i64,
    pub slide_count: Option<i64>,
    pub qa_score: Option<i64>,
    pub error: Option<String>,
}

/// A batch: who started it, its counts per state, and each course, in the
/// order they were sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BatchSummary {
    pub id: String,
    pub name: String,
    pub owner_email: String,
    pub created_at: String,
    /// When it was cancelled, if it was.
    pub cancelled_at: Option<String>,
    /// Every course has ended (complete, failed or cancelled).
    pub finished: bool,
    pub total: i64,
    pub counts: BatchCounts,
    pub courses: Vec<BatchCourse>,
}

/// What a batch would take, answered before anything is queued
/// (`dry_run=true`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BatchEstimate {
    pub courses: i64,
    /// Slides the courses would have, as planned now.
    pub slides: i64,
    /// `offline` or `ai` (this server's writer).
    pub writer: String,
    /// Model calls the AI writer would make (0 offline).
    pub model_calls: i64,
    pub input_tokens: i64,
    pub output_tokens: i64,
    /// Estimated cost in US dollars from the price table (absent: the
    /// model has no price; 0 offline).
    pub cost_usd: Option<f64>,
    /// How the token figures were reached.
    pub basis: String,
}

/// The largest batch request body (500 specs of about 30 KB each).
pub const MAX_BATCH_BYTES: usize = 16 << 20;
