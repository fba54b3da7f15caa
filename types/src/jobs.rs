//! Generation jobs as the dashboard sees them.

use serde::{Deserialize, Serialize};

/// A job's lifecycle state (stored as lower-case text).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "sqlx",
    derive(sqlx::Type),
    sqlx(rename_all = "lowercase", type_name = "text")
)]
pub enum JobStatus {
    Queued,
    Running,
    Complete,
    Failed,
    Cancelled,
}

impl JobStatus {
    /// Every state, in lifecycle order.
    pub const ALL: [JobStatus; 5] = [
        Self::Queued,
        Self::Running,
        Self::Complete,
        Self::Failed,
        Self::Cancelled,
    ];

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
#[cfg_attr(feature = "sqlx", derive(sqlx::FromRow))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct JobSummary {
    pub id: String,
    pub owner_name: String,
    pub course_title: String,
    pub template_name: String,
    pub duration_days: i64,
    pub language: String,
    pub status: JobStatus,
    pub progress: i64,
    pub log_message: Option<String>,
    pub slide_count: Option<i64>,
    pub qa_score: Option<i64>,
    pub qa_verdict: Option<String>,
    pub duration_sec: Option<f64>,
    pub created_at: String,
    pub completed_at: Option<String>,
    pub error: Option<String>,
    /// Which build of its course this is (1 for the first; an edited course
    /// is built again as 2, 3, …).
    #[serde(default = "first_version")]
    pub version: i64,
    /// The course's review: `draft`, `in_review` or `approved`.
    #[serde(default = "draft")]
    pub review: String,
}

fn draft() -> String {
    "draft".into()
}

fn first_version() -> i64 {
    1
}

/// One page of the team's history, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryPage {
    pub jobs: Vec<JobSummary>,
    /// Where the next (older) page starts; `None` on the last page.
    pub next: Option<String>,
}

/// A line of a job's log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "sqlx", derive(sqlx::FromRow))]
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

/// A job with its log, for the job page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobDetail {
    pub job: JobSummary,
    pub events: Vec<JobEvent>,
    /// The QA report as JSON (score, verdict, findings per slide), once complete.
    pub qa_report: Option<String>,
    /// Whether the caller may cancel, retry or delete it (owner or admin).
    pub can_manage: bool,
    /// Tokens and estimated cost of the job's model calls (zero for the offline writer).
    pub usage: crate::usage::TokenTotals,
    /// The QA findings in plain words ([`plain_findings`]), worst first.
    #[serde(default)]
    pub plain_findings: Vec<String>,
}

/// Today's figures and daily activity for the dashboard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    pub courses_today: i64,
    pub slides_today: i64,
    pub running: i64,
    pub failed_today: i64,
    /// (date, courses, slides) for the last 90 days, oldest first, days without activity included.
    pub days: Vec<(String, i64, i64)>,
}

/// A complete job's quality report, stored with the job as JSON and shown on
/// the job page: the deck lint, the AI review when there was one, and the
/// combined score. Fields a report of an older version lacks read as empty.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct QaReport {
    pub slides: usize,
    /// The combined score (the lint score alone without an AI review).
    pub score: u8,
    /// pass, review or fail.
    pub verdict: String,
    pub findings: Vec<QaFinding>,
    pub lint_score: u8,
    pub lint_verdict: String,
    /// "ai" or "offline".
    pub writer: String,
    pub review: Option<QaReview>,
    /// Modules (from 1) the offline writer wrote after the AI writer gave up.
    pub fallback_modules: Vec<usize>,
    /// What the deck's score is made of (absent in reports made before it was).
    #[serde(default)]
    pub breakdown: Option<QaBreakdown>,
}

/// The parts of a deck's QA score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QaBreakdown {
    /// The lint score, 0–100.
    pub lint: u8,
    /// Share of the outline's topics and points found in the deck, 0–1.
    pub coverage: f64,
    /// Share of slides with speaker notes, 0–1.
    pub notes: f64,
    /// Share of slides on the layout the template's designer meant, 0–1.
    pub intent: f64,
}

/// One lint finding.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QaFinding {
    /// From 1; 0 for a finding about the whole deck.
    pub slide: usize,
    /// error, warning or info.
    pub severity: String,
    pub code: String,
    pub message: String,
}

/// The AI reviewer's view of the whole course.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QaReview {
    /// 1–5.
    pub content: u8,
    /// 1–5.
    pub coherence: u8,
    pub summary: String,
    pub suggestions: Vec<String>,
}

/// A finished job's slide previews, for the job page.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SlidePreviews {
    /// Pages of the deck in PDF (0 while it is converted, or when previews
    /// are not available).
    pub pages: usize,
    /// Thumbnails drawn so far, from the first page on.
    #[serde(default)]
    pub drawn: usize,
    /// Still being drawn: ask again in a moment.
    #[serde(default)]
    pub drawing: bool,
    /// Why there are none, when there are none.
    pub unavailable: Option<String>,
    /// Whether trying again may help (a failed or refused drawing).
    #[serde(default)]
    pub retry: bool,
    /// Each slide's speaker notes, in order.
    pub notes: Vec<String>,
}

/// The findings in plain words: one line per kind of problem, the most
/// serious first, with the slides it is on (" — slides 4, 9 and 12").
/// Made on the server (the job page shows the lines as they come).
pub fn plain_findings(findings: &[QaFinding]) -> Vec<String> {
    let rank = |s: &str| match s {
        "error" => 0,
        "warning" => 1,
        _ => 2,
    };
    let mut kinds: Vec<(usize, &'static str, Vec<usize>)> = Vec::new();
    for f in findings {
        let what = plain_words(&f.code);
        match kinds.iter_mut().find(|(_, w, _)| *w == what) {
            Some((r, _, slides)) => {
                *r = (*r).min(rank(&f.severity));
                if f.slide > 0 && !slides.contains(&f.slide) {
                    slides.push(f.slide);
                }
            }
            None => kinds.push((
                rank(&f.severity),
                what,
                (f.slide > 0).then_some(f.slide).into_iter().collect(),
            )),
        }
    }
    kinds.sort_by_key(|(r, _, _)| *r);
    kinds
        .into_iter()
        .map(|(_, what, mut slides)| {
            slides.sort_unstable();
            let list: Vec<String> = slides.iter().take(12).map(|n| n.to_string()).collect();
            let more = slides.len().saturating_sub(12);
            let on = match (list.as_slice(), more) {
                ([], _) => String::new(),
                ([one], _) => format!(" — slide {one}"),
                (many, 0) => format!(
                    " — slides {} and {}",
                    many[..many.len() - 1].join(", "),
                    many[many.len() - 1]
                ),
                (many, more) => format!(" — slides {} and {more} more", many.join(", ")),
            };
            format!("{what}{on}")
        })
        .collect()
}

/// What a finding's code means for the person teaching from the deck.
fn plain_words(code: &str) -> &'static str {
    match code {
        "overflow" => "Text is too long for its box and may be cut off",
        "off_slide" => "Something sits partly off the slide",
        "overlap" => "Text boxes overlap each other",
        "over_decoration" => "Text runs over a picture or shape of the template",
        "low_contrast" => "Text is hard to read against what lies behind it",
        "too_many_bullets" | "too_many_words" => "A slide holds more text than people read at a glance",
        "small_title" => "A title is set smaller than the template's usual size",
        "missing_notes" | "empty_notes" => "A slide has no speaker notes",
        "missing_alt_text" => "A picture has no description for screen readers",
        "title_repeated" => "Two slides have the same title",
        "not_covered" => "Part of the outline is not in the deck",
        "layout_intent" => "A slide is not on the layout the template's designer meant for it",
        "layout_monotony" | "repetitive_slides" => "Many slides in a row look alike",
        "mixed_language" => "A slide's text is in another language than the course's",
        "stale_slide_count" => "A slide count in the text no longer matches the deck",
        _ => "Other findings",
    }
}

#[cfg(test)]
mod plain_tests {
    use super::QaFinding;

    fn f(slide: usize, severity: &str, code: &str) -> QaFinding {
        QaFinding {
            slide,
            severity: severity.into(),
            code: code.into(),
            message: "technical".into(),
        }
    }

    #[test]
    fn findings_read_as_kinds_of_problem_with_their_slides_the_worst_first() {
        let said = super::plain_findings(&[
            f(9, "warning", "too_many_words"),
            f(4, "error", "overflow"),
            f(2, "warning", "too_many_bullets"),
            f(12, "error", "overflow"),
            f(4, "error", "overflow"),
            f(0, "info", "layout_monotony"),
            f(7, "info", "something_new"),
        ]);
        assert_eq!(
            said,
            [
                "Text is too long for its box and may be cut off — slides 4 and 12",
                "A slide holds more text than people read at a glance — slides 2 and 9",
                "Many slides in a row look alike",
                "Other findings — slide 7",
            ]
        );
        let many: Vec<QaFinding> = (1..=15).map(|n| f(n, "warning", "missing_notes")).collect();
        assert_eq!(
            super::plain_findings(&many)[0],
            "A slide has no speaker notes — slides 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 and 3 more"
        );
    }
}
