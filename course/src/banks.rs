//! The banks the planner draws on: tagged infographic slides, drill-down
//! cards and illustrations, each folder described by a `catalogue.json`.
//!
//! Relevance is a ranked text match: the topic's words (title and points)
//! against each entry's tags (3 points per tag) and title words (1 point
//! each), after lower-casing, dropping short and common words and a trailing
//! plural "s". Entries below [`THRESHOLD`] are never used — no infographic is
//! better than an unrelated one.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// Minimum relevance score: at least one tag, or three title words.
pub const THRESHOLD: u32 = 3;

#[derive(Debug, Clone)]
pub struct BankSlide {
    pub deck: PathBuf,
    /// 1-based slide number in `deck`.
    pub slide: usize,
    pub title: String,
    pub tags: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Illustration {
    pub path: PathBuf,
    pub title: String,
    pub tags: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Banks {
    pub infographics: Vec<BankSlide>,
    pub drilldowns: Vec<BankSlide>,
    pub illustrations: Vec<Illustration>,
}

#[derive(Deserialize)]
struct SlideCatalogue {
    slides: Vec<SlideEntry>,
}

#[derive(Deserialize)]
struct SlideEntry {
    deck: String,
    slide: usize,
    title: String,
    #[serde(default)]
    tags: Vec<String>,
}

#[derive(Deserialize)]
struct ImageCatalogue {
    images: Vec<ImageEntry>,
}

#[derive(Deserialize)]
struct ImageEntry {
    file: String,
    title: String,
    #[serde(default)]
    tags: Vec<String>,
}

/// A catalogue entry must name a file inside its own folder.
fn inside(dir: &Path, name: &str) -> Option<PathBuf> {
    let ok = !name.is_empty() && !name.contains(['/', '\\']) && !name.starts_with('.');
    // Absolute, so the plan does not depend on the working directory.
    ok.then(|| dir.join(name))
        .filter(|p| p.is_file())
        .and_then(|p| std::fs::canonicalize(p).ok())
}

fn slides(dir: &Path) -> Vec<BankSlide> {
    let Ok(text) = std::fs::read_to_string(dir.join("catalogue.json")) else {
        return Vec::new();
    };
    let Ok(cat) = serde_json::from_str::<SlideCatalogue>(&text) else {
        tracing::warn!(dir = %dir.display(), "unreadable bank catalogue; bank not used");
        return Vec::new();
    };
    cat.slides
        .into_iter()
        .filter_map(|e| {
            Some(BankSlide {
                deck: inside(dir, &e.deck)?,
                slide: e.slide,
                title: e.title,
                tags: e.tags,
            })
        })
        .collect()
}

impl Banks {
    /// Loads the three catalogues; a missing or broken one leaves that bank empty.
    pub fn load(tagged: &Path, drilldown: &Path, illustrations: &Path) -> Self {
        let images = std::fs::read_to_string(illustrations.join("catalogue.json"))
            .ok()
            .and_then(|t| serde_json::from_str::<ImageCatalogue>(&t).ok())
            .map(|c| {
                c.images
                    .into_iter()
                    .filter_map(|e| {
                        Some(Illustration {
                            path: inside(illustrations, &e.file)?,
                            title: e.title,
                            tags: e.tags,
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        Banks {
            infographics: slides(tagged),
            drilldowns: slides(drilldown),
            illustrations: images,
        }
    }
}

const STOP: &[&str] = &[
    "the", "and", "for", "with", "your", "you", "are", "our", "how", "what", "why", "who", "when", "from",
    "into", "this", "that", "will", "can", "not", "all", "any", "its", "their", "about", "des", "les", "une",
    "der", "die", "das", "und", "los", "las", "con", "para",
];

/// Normalized content words of a text.
pub fn words(text: &str) -> HashSet<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .map(str::to_lowercase)
        .filter(|w| w.chars().count() > 2 && !STOP.contains(&w.as_str()))
        .map(|w| {
            if w.len() > 4 && w.ends_with('s') && !w.ends_with("ss") {
                w[..w.len() - 1].to_string()
            } else {
                w
            }
        })
        .collect()
}

/// Relevance of an entry (tags, title) to a set of topic words.
pub fn score(topic: &HashSet<String>, tags: &[String], title: &str) -> u32 {
    let tag_hits = tags
        .iter()
        .filter(|t| words(t).iter().any(|w| topic.contains(w)))
        .count() as u32;
    let title_hits = words(title).iter().filter(|w| topic.contains(*w)).count() as u32;
    3 * tag_hits + title_hits
}

/// The best entry at or above the threshold, skipping used ones.
pub fn best<'b, T>(
    items: &'b [T],
    used: &HashSet<usize>,
    topic: &HashSet<String>,
    key: impl Fn(&T) -> (&[String], &str),
) -> Option<(usize, &'b T)> {
    items
        .iter()
        .enumerate()
        .filter(|(i, _)| !used.contains(i))
        .map(|(i, it)| {
            let (tags, title) = key(it);
            (score(topic, tags, title), i, it)
        })
        .filter(|(s, _, _)| *s >= THRESHOLD)
        // Highest score; ties go to catalogue order.
        .max_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)))
        .map(|(_, i, it)| (i, it))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slide(title: &str, tags: &[&str]) -> BankSlide {
        BankSlide {
            deck: PathBuf::new(),
            slide: 1,
            title: title.into(),
            tags: tags.iter().map(|t| t.to_string()).collect(),
        }
    }

    #[test]
    fn relevance_ranks_by_tags_and_titles_with_a_threshold() {
        let bank = vec![
            slide("Risk matrix", &["safety", "risk"]),
            slide("Journey map", &["customer", "journey"]),
            slide("Emergency flow", &["safety", "fire", "evacuation"]),
        ];
        fn key(s: &BankSlide) -> (&[String], &str) {
            (s.tags.as_slice(), s.title.as_str())
        }
        let topic = words("Evacuation: leave by the nearest exit when the fire alarm sounds");
        let used = HashSet::new();
        assert_eq!(best(&bank, &used, &topic, key).map(|(i, _)| i), Some(2));
        // Used entries are skipped; unrelated topics get nothing.
        let used: HashSet<usize> = [2].into();
        assert_eq!(best(&bank, &used, &topic, key).map(|(i, _)| i), None);
        let unrelated = words("Quarterly budget spreadsheet formulas");
        assert!(best(&bank, &HashSet::new(), &unrelated, key).is_none());
        assert!(words("Risks and Hazards").contains("risk"));
        assert!(!words("the and for").iter().any(|_| true));
    }

    #[test]
    fn the_shipped_samples_load() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../server/samples");
        let b = Banks::load(
            &root.join("banks/tagged"),
            &root.join("banks/drilldown"),
            &root.join("illustrations"),
        );
        assert!(b.infographics.len() >= 24);
        let tags: HashSet<&str> = b
            .infographics
            .iter()
            .filter_map(|s| s.tags.first().map(String::as_str))
            .collect();
        assert!(tags.len() >= 8, "{tags:?}");
        assert!(b.drilldowns.len() >= 6);
        assert!(b.illustrations.len() >= 10);
        let missing = Banks::load(
            Path::new("/nonexistent"),
            Path::new("/nonexistent"),
            Path::new("/nonexistent"),
        );
        assert!(missing.infographics.is_empty() && missing.illustrations.is_empty());
    }
}
