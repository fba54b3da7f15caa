//! Courses, from the outline a user uploads to a checked deck — the domain
//! logic, with no runtime, database or network: parsing outlines
//! ([`parse`]), the offline writer's texts ([`content`]), picking bank slides
//! ([`banks`]), planning the deck ([`plan`]), the deck's words per language
//! ([`labels`]) and the one generation [`pipeline`] that both the server's
//! job workers and the `courseware generate` command run.
//!
//! The outline tree itself lives in `types::outline` because the browser
//! edits it too.

pub mod banks;
pub mod content;
pub mod document;
pub mod labels;
pub mod language;
pub mod parse;
pub mod pipeline;
pub mod plan;
pub mod qa;
pub mod schedule;
