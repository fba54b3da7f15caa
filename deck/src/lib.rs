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
mod error;
pub mod fit;
pub mod lint;
pub mod measure;
pub mod ooxml;
pub mod opc;
pub mod placeholder;
pub mod plan;
pub mod readability;
pub mod template;
pub mod text;
pub mod xml;

pub use build::{build, BuildOptions, Resolver};
pub use error::DeckError;
pub use plan::{Bullet, DeckPlan, SlideContent, SlidePlan};
pub use template::{Because, LayoutKind, Role, RoleChoice, Template};

/// Version of the engine, reported by `/health` and `courseware --version`.
pub const ENGINE_VERSION: &str = env!("CARGO_PKG_VERSION");

#[cfg(test)]
mod tests {
    #[test]
    fn version_is_the_crate_version() {
        assert_eq!(super::ENGINE_VERSION, env!("CARGO_PKG_VERSION"));
    }
}
