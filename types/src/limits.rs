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

/// Jobs listed by the history endpoint.
pub const HISTORY_ROWS: i64 = 100;

/// Longest history search text, in characters.
pub const MAX_SEARCH_CHARS: usize = 200;
