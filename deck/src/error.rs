//! The engine's one error type.

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
