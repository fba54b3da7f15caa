//! The deck engine: reads PowerPoint templates and writes course decks.
//!
//! A pure library — no async runtime, no web framework; callers run it on a
//! blocking thread. Layers, bottom up:
//!
//! * [`opc`]: the ZIP package, content types and relationships, kept as bytes.
//! * [`xml`]: a small tree for the parts the engine reads or edits.
//! * [`template`]: masters, layouts (classified by their placeholders), theme.
//! * [`plan`]: the typed description of a deck to build (also JSON for the CLI).
//! * [`build`]: turns a template and a plan into a new package.
//! * [`clone`]: copies slides (with their media, charts, notes…) from other decks.
//! * [`check`]: the package invariants every written deck must satisfy.

pub mod build;
pub mod check;
pub mod clone;
pub mod fit;
pub mod lint;
pub mod measure;
pub mod ooxml;
pub mod opc;
pub mod plan;
pub mod readability;
pub mod template;
pub mod xml;

pub use build::{build, BuildOptions, Resolver};
pub use plan::{Bullet, DeckPlan, SlideContent, SlidePlan};
pub use template::{Because, LayoutKind, Role, RoleChoice, Template};

/// Version of the engine, reported by `/health` and `courseware --version`.
pub const ENGINE_VERSION: &str = env!("CARGO_PKG_VERSION");

/// Everything that can go wrong reading or writing a deck.
#[derive(Debug, thiserror::Error)]
pub enum DeckError {
    #[error("not a PowerPoint file: {0}")]
    NotAPackage(String),
    #[error("the file is too large or too deeply nested: {0}")]
    Limit(String),
    #[error("malformed package: {0}")]
    Malformed(String),
    #[error("the package has no part {0}")]
    MissingPart(String),
    #[error("the template has no layout usable for {0}")]
    NoLayout(String),
    #[error("the plan is invalid: {0}")]
    Plan(String),
    #[error("could not read {name}: {reason}")]
    Asset { name: String, reason: String },
    #[error("could not write the deck: {0}")]
    Write(String),
}

impl DeckError {
    pub(crate) fn xml(part: &str, e: impl std::fmt::Display) -> Self {
        Self::Malformed(format!("{part}: {e}"))
    }

    pub(crate) fn malformed(part: &str, what: impl std::fmt::Display) -> Self {
        Self::Malformed(format!("{part}: {what}"))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn version_is_the_crate_version() {
        assert_eq!(super::ENGINE_VERSION, env!("CARGO_PKG_VERSION"));
    }
}
