//! A course's content as its editors see it: each slide's words (title,
//! subtitle, bullets, notes) under a stable id, grouped by module; the
//! changes an editor can make; the versions a course was built as and what
//! changed between two of them.
//!
//! The stored document (with each slide's full plan) is the `course`
//! crate's `document::Content`; these are its views and the requests on it.

use serde::{Deserialize, Serialize};

/// One line of a list: its text and indent level (0–4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Line {
    pub text: String,
    #[serde(default)]
    pub level: u8,
}

/// The words of one slide, as the editor shows and saves them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SlideText {
    /// Stable across edits and rebuilds ("s12"): comments and diffs hold on to it.
    pub id: String,
    /// The module (0-based) the slide belongs to; `None` for the course's own
    /// slides (title, agendas, closing).
    #[serde(default)]
    pub module: Option<u16>,
    /// `title`, `agenda`, `section`, `closing`, `bullets`, `two_column`,
    /// `picture`, `table`, `quote` or `clone` (a bank slide: notes only).
    pub kind: String,
    #[serde(default)]
    pub title: String,
    /// Subtitle, or a picture's caption; `None` where the kind has none.
    #[serde(default)]
    pub subtitle: Option<String>,
    /// The list (the left column of two); `None` where the kind has none.
    #[serde(default)]
    pub bullets: Option<Vec<Line>>,
    /// The right column of two.
    #[serde(default)]
    pub right: Option<Vec<Line>>,
    #[serde(default)]
    pub notes: String,
}

/// The course's editable content: its current draft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContentView {
    /// The course (the id of its first version).
    pub course: String,
    /// Bumped by every saved change: a save names the revision it started
    /// from, and is refused when someone saved in between.
    pub revision: i64,
    /// Whether the draft differs from the newest version's content.
    pub changed: bool,
    /// Module titles, in order.
    pub modules: Vec<String>,
    pub slides: Vec<SlideText>,
    /// For each slide of the asked version's deck, the content slide it
    /// shows (a long list continues on more deck slides than it has).
    #[serde(default)]
    pub deck_slides: Vec<String>,
}

/// A change to the content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ContentChange {
    /// New words for the slide `slide.id` (its kind and module stay).
    Edit { slide: SlideText },
    /// A new bullet slide after slide `after`, in that slide's module.
    Add { after: String, title: String },
    /// Removes a slide (a module's section slide stays).
    Remove { id: String },
    /// Moves a slide one place up (`-1`) or down (`1`) within its module.
    Move { id: String, by: i8 },
}

/// A save: the change and the revision it was made on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContentSave {
    pub revision: i64,
    pub change: ContentChange,
}

/// One build of a course.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "sqlx", derive(sqlx::FromRow))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VersionSummary {
    /// The job that built it (its deck, PDF, pictures and QA report).
    pub job: String,
    /// 1, 2, …
    pub version: i64,
    /// `generated`, `rebuilt`, `restored` (an older version made current)
    /// or `retemplated`.
    pub origin: String,
    pub status: crate::jobs::JobStatus,
    pub template_name: String,
    pub qa_score: Option<i64>,
    pub slide_count: Option<i64>,
    pub created_at: String,
    /// Who started the build.
    pub made_by: String,
}

/// What changed on one slide kept from one version to the other.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SlideChange {
    pub id: String,
    /// Its title in the newer version.
    pub title: String,
    /// Each changed field: what it said before and after ("title",
    /// "subtitle", "bullets", "right", "notes"); list lines joined by newlines.
    pub fields: Vec<FieldChange>,
    /// Whether it moved within the course.
    pub moved: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldChange {
    pub field: String,
    pub before: String,
    pub after: String,
}

/// A slide that is only in one of the two versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SlideMention {
    pub id: String,
    pub title: String,
}

/// Between two versions: slides added, removed and changed, and the QA score's move.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VersionDiff {
    pub from: i64,
    pub to: i64,
    pub added: Vec<SlideMention>,
    pub removed: Vec<SlideMention>,
    pub changed: Vec<SlideChange>,
    pub qa_before: Option<i64>,
    pub qa_after: Option<i64>,
    pub template_before: String,
    pub template_after: String,
}

/// Where a course stands in review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Review {
    /// `draft`, `in_review` or `approved`.
    pub state: String,
    /// Whom the owner asked to review (`None`: anyone but them).
    pub reviewer: Option<String>,
    pub submitted_by: Option<String>,
    pub submitted_at: Option<String>,
    /// Who approved or asked for changes, and when.
    pub decided_by: Option<String>,
    pub decided_at: Option<String>,
    /// The version last approved (kept when an edit starts a new draft).
    pub approved_version: Option<i64>,
    pub approved_job: Option<String>,
    /// The reviewer's words with their decision.
    pub note: Option<String>,
}

/// A comment on a slide, or a reply in its thread.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Comment {
    pub id: i64,
    /// The content slide it is about (stable across versions).
    pub slide_id: String,
    /// The version it was made on.
    pub version: i64,
    pub author: String,
    pub body: String,
    pub created_at: String,
    /// Threads only: resolved, by whom.
    pub resolved: bool,
    pub resolved_by: Option<String>,
    /// Threads only: the replies, oldest first (replies have none).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(no_recursion))]
    pub replies: Vec<Comment>,
}

/// A course waiting for the caller's review, or a comment on the caller's course.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "sqlx", derive(sqlx::FromRow))]
pub struct InboxItem {
    /// The course's newest version (the page to open).
    pub job: String,
    pub course_title: String,
    /// Who asked for the review, or who commented.
    pub who: String,
    pub at: String,
    /// The comment's words ("" for a review request).
    pub body: String,
}

/// The dashboard's review lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReviewInbox {
    pub waiting_for_me: Vec<InboxItem>,
    pub comments_on_mine: Vec<InboxItem>,
}
