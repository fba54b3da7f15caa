//! The typed description of a deck to build. The generation pipeline makes
//! one from an outline; `courseware deck build` reads one from JSON:
//!
//! ```json
//! { "slides": [
//!     { "kind": "title", "title": "Safety basics", "subtitle": "Day 1", "notes": "Welcome everyone." },
//!     { "kind": "bullets", "title": "Why it matters",
//!       "bullets": ["Fewer incidents", { "text": "Lower cost", "level": 1 }] },
//!     { "kind": "picture", "title": "The site", "image": "site.png", "caption": "Plant 2", "alt": "Aerial photo" },
//!     { "kind": "clone", "deck": "bank/infographics.pptx", "slide": 3, "replace": { "{{topic}}": "Safety" } }
//! ] }
//! ```
//!
//! `image` and `deck` are names the caller's [`crate::Resolver`] understands
//! (the CLI resolves them as paths relative to the plan file).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct DeckPlan {
    /// Document title (docProps/core.xml); the first title slide's title when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Language tag for text runs, e.g. `en-GB`, `fr-FR`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    pub slides: Vec<SlidePlan>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SlidePlan {
    #[serde(flatten)]
    pub content: SlideContent,
    /// Speaker notes (every slide gets a notes page, empty if none).
    #[serde(default)]
    pub notes: String,
    /// Use the layout with this name instead of the one chosen by kind.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub layout: Option<String>,
}

impl SlidePlan {
    pub fn new(content: SlideContent) -> Self {
        Self {
            content,
            notes: String::new(),
            layout: None,
        }
    }

    pub fn with_notes(mut self, notes: impl Into<String>) -> Self {
        self.notes = notes.into();
        self
    }
}

/// A bullet: plain text (level 0) or text with an indent level 0–4.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Bullet {
    Text(String),
    Leveled { text: String, level: u8 },
}

impl Bullet {
    pub fn text(&self) -> &str {
        match self {
            Bullet::Text(t) | Bullet::Leveled { text: t, .. } => t,
        }
    }
    pub fn level(&self) -> u8 {
        match self {
            Bullet::Text(_) => 0,
            Bullet::Leveled { level, .. } => (*level).min(4),
        }
    }
}

impl From<&str> for Bullet {
    fn from(s: &str) -> Self {
        Bullet::Text(s.to_owned())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SlideContent {
    Title {
        title: String,
        #[serde(default)]
        subtitle: String,
    },
    Agenda {
        title: String,
        items: Vec<Bullet>,
    },
    Section {
        title: String,
        #[serde(default)]
        subtitle: String,
    },
    /// The last slide ("Questions?", "Thank you"): on the designer's
    /// closing layout, else their title slide's.
    Closing {
        title: String,
        #[serde(default)]
        subtitle: String,
    },
    Bullets {
        title: String,
        bullets: Vec<Bullet>,
    },
    TwoColumn {
        title: String,
        #[serde(default)]
        left_heading: String,
        left: Vec<Bullet>,
        #[serde(default)]
        right_heading: String,
        right: Vec<Bullet>,
    },
    Picture {
        title: String,
        image: String,
        #[serde(default)]
        caption: String,
        /// Alternative text for screen readers.
        #[serde(default)]
        alt: String,
    },
    Table {
        title: String,
        header: Vec<String>,
        rows: Vec<Vec<String>>,
    },
    Quote {
        text: String,
        #[serde(default)]
        attribution: String,
    },
    Clone {
        deck: String,
        /// 1-based slide number in the source deck.
        slide: usize,
        /// Text tokens to replace, e.g. `{"{{topic}}": "Fire safety"}`.
        #[serde(default)]
        replace: BTreeMap<String, String>,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_example_parses() {
        let src = include_str!("plan.rs");
        let start = src.find("//! ```json").expect("example") + "//! ```json".len();
        let end = src[start..].find("//! ```").expect("end") + start;
        let json: String = src[start..end]
            .lines()
            .map(|l| l.trim_start_matches("//!"))
            .collect::<Vec<_>>()
            .join("\n");
        let plan: DeckPlan = serde_json::from_str(&json).expect("example plan parses");
        assert_eq!(plan.slides.len(), 4);
        assert!(
            matches!(&plan.slides[1].content, SlideContent::Bullets { bullets, .. } if bullets[1].level() == 1)
        );
        assert_eq!(plan.slides[0].notes, "Welcome everyone.");
    }
}
