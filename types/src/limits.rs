//! Every size and range limit on what users send, in one place. The browser
//! shows them, the backend enforces them, the CLI applies the same ones.

use std::ops::RangeInclusive;

/// Largest outline file or pasted outline, in bytes.
pub const MAX_OUTLINE_BYTES: usize = 10 << 20;

/// Largest uploaded template, in bytes.
pub const MAX_TEMPLATE_BYTES: usize = 50 << 20;

/// Longest course title, in characters.
pub const MAX_TITLE_CHARS: usize = 200;

/// Allowed course lengths, in days.
pub const COURSE_DAYS: RangeInclusive<u8> = 1..=10;

/// Jobs on one page of the history ("Show older" loads the next).
pub const HISTORY_ROWS: i64 = 25;

/// Longest history search text, in characters.
pub const MAX_SEARCH_CHARS: usize = 200;

/// Most modules in one course outline.
pub const MAX_MODULES: usize = 100;

/// Most topics in one course outline (all modules together).
pub const MAX_TOPICS: usize = 1_000;

/// Most points under one topic.
pub const MAX_POINTS_PER_TOPIC: usize = 50;

/// Most points in one course outline (all topics together).
pub const MAX_POINTS: usize = 10_000;

/// Longest title or point text in an outline, in characters (longer text is cut).
pub const MAX_OUTLINE_TEXT_CHARS: usize = 500;

/// Deepest point level under a topic (0 = top-level bullet).
pub const MAX_POINT_LEVEL: u8 = 4;

/// Most lines read from one outline file or paste.
pub const MAX_OUTLINE_LINES: usize = 50_000;

/// Longest email address accepted anywhere, in bytes (RFC 5321's path limit).
pub const MAX_EMAIL_BYTES: usize = 254;

/// Longest password accepted anywhere, in bytes.
pub const MAX_PASSWORD_BYTES: usize = 1024;

/// Largest JSON body a server function accepts (a reviewed outline fits easily).
pub const MAX_FORM_BYTES: usize = 4 << 20;

/// Courses one user may have queued or running at once.
pub const MAX_ACTIVE_JOBS_PER_USER: i64 = 5;

/// Courses one user may start per hour.
pub const MAX_JOB_STARTS_PER_HOUR: i64 = 30;

/// Outlines uploaded or pasted for reading, per user per hour.
pub const MAX_OUTLINE_READS_PER_HOUR: u32 = 120;

/// Templates uploaded per user per hour (each may be up to
/// [`MAX_TEMPLATE_BYTES`] on disk until the janitor's retention ends).
pub const MAX_TEMPLATE_UPLOADS_PER_HOUR: u32 = 20;

/// Preview conversions (one LibreOffice run each: a deck's slides or a
/// template's pictures; views of drawn pictures are free) one user may
/// cause per hour.
pub const MAX_RENDERS_PER_HOUR: u32 = 60;

/// Live progress streams one user may hold open at once.
pub const MAX_STREAMS_PER_USER: usize = 8;

/// At most this many characters in a comment or a review note.
pub const MAX_COMMENT_CHARS: usize = 2_000;

/// At most this many comments (with replies) on one course.
pub const MAX_COMMENTS_PER_COURSE: i64 = 2_000;
