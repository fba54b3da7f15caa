//! The banks the planner draws on: tagged infographic slides, drill-down
//! cards and illustrations, each folder described by a `catalogue.json`.
//!
//! Relevance is a ranked text match of the topic against each entry's tags
//! and title words, after lower-casing, dropping short and common words and
//! a trailing plural "s". What the topic's *title* says counts most: a tag
//! it names scores 3, a word of the entry's title 2. A word only its points
//! use may be incidental (one point mentions "risk" in a topic about service
//! concepts): a tag found only there scores 1, as does a generic word
//! ("service", "management", "process"…) anywhere. Entries below
//! [`THRESHOLD`] are never used — no infographic is better than an unrelated
//! one — and every pick says why ([`Relevance::explain`]).

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// Minimum relevance score: a specific tag in the topic's title, or three
/// tags in its points, or a title word and a tag…
pub const THRESHOLD: u32 = 3;

/// Words too common in course outlines to tie a bank slide to a topic on
/// their own (after normalising, see [`words`]).
const GENERIC: &[&str] = &[
    "service",
    "management",
    "process",
    "team",
    "development",
    "review",
    "control",
    "plan",
    "first",
    "week",
    "record",
    "report",
    "objective",
    "data",
    "analysis",
    "tool",
    "system",
    "standard",
    "flow",
    "check",
    "key",
    "concept",
    "principle",
    "basic",
    "introduction",
    "overview",
    "work",
    "organisation",
    "company",
    "people",
];

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

/// One entry of a slide bank's catalogue as written, its deck not yet
/// checked (what `courseware deck inspect --bank` lists).
#[derive(Debug, Clone)]
pub struct CatalogueEntry {
    pub deck: String,
    pub slide: usize,
    pub title: String,
    pub tags: Vec<String>,
    /// The deck as the planner would use it, when it is a file inside the
    /// bank's folder.
    pub path: Option<PathBuf>,
}

/// A slide bank folder's catalogue, entry by entry.
pub fn catalogue(dir: &Path) -> Result<Vec<CatalogueEntry>, String> {
    let file = dir.join("catalogue.json");
    let text = std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
    let cat: SlideCatalogue = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", file.display()))?;
    Ok(cat
        .slides
        .into_iter()
        .map(|e| CatalogueEntry {
            path: inside(dir, &e.deck),
            deck: e.deck,
            slide: e.slide,
            title: e.title,
            tags: e.tags,
        })
        .collect())
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

/// What a topic is about, as words: its title's apart from its points'.
#[derive(Debug, Clone, Default)]
pub struct TopicWords {
    pub title: HashSet<String>,
    pub points: HashSet<String>,
}

impl TopicWords {
    pub fn new<'a>(title: &str, points: impl IntoIterator<Item = &'a str>) -> Self {
        let title = words(title);
        let mut rest = HashSet::new();
        for p in points {
            rest.extend(words(p));
        }
        rest.retain(|w| !title.contains(w));
        TopicWords { title, points: rest }
    }
}

/// How well a bank entry fits a topic, and why.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Relevance {
    pub score: u32,
    /// Tags the topic's title names, then those only its points use.
    pub title_tags: Vec<String>,
    pub point_tags: Vec<String>,
    /// Words of the entry's title the topic uses.
    pub title_words: Vec<String>,
}

impl Relevance {
    /// One line for the job log: "tags risk, hazard in the topic's title;
    /// title word matrix (score 8, threshold 3)".
    pub fn explain(&self) -> String {
        let mut parts = Vec::new();
        if !self.title_tags.is_empty() {
            parts.push(format!(
                "tags {} in the topic's title",
                self.title_tags.join(", ")
            ));
        }
        if !self.point_tags.is_empty() {
            parts.push(format!("tags {} in its points", self.point_tags.join(", ")));
        }
        if !self.title_words.is_empty() {
            parts.push(format!("title words {}", self.title_words.join(", ")));
        }
        format!(
            "{} (score {}, threshold {THRESHOLD})",
            parts.join("; "),
            self.score
        )
    }
}

/// Relevance of an entry (tags, title) to a topic.
pub fn relevance(topic: &TopicWords, tags: &[String], title: &str) -> Relevance {
    let weight = |w: &str, strong: u32| if GENERIC.contains(&w) { 1 } else { strong };
    let mut r = Relevance::default();
    for tag in tags {
        let tw = words(tag);
        if let Some(w) = tw.iter().find(|w| topic.title.contains(*w)) {
            r.score += weight(w, 3);
            r.title_tags.push(tag.clone());
        } else if tw.iter().any(|w| topic.points.contains(w)) {
            r.score += 1;
            r.point_tags.push(tag.clone());
        }
    }
    let mut own: Vec<String> = words(title).into_iter().collect();
    own.sort();
    for w in own {
        if topic.title.contains(&w) {
            r.score += weight(&w, 2);
            r.title_words.push(w);
        } else if topic.points.contains(&w) {
            r.score += 1;
            r.title_words.push(w);
        }
    }
    r
}

/// The best entry at or above the threshold, skipping used ones, with why.
pub fn best<'b, T>(
    items: &'b [T],
    used: &HashSet<usize>,
    topic: &TopicWords,
    key: impl Fn(&T) -> (&[String], &str),
) -> Option<(usize, &'b T, Relevance)> {
    items
        .iter()
        .enumerate()
        .filter(|(i, _)| !used.contains(i))
        .map(|(i, it)| {
            let (tags, title) = key(it);
            (relevance(topic, tags, title), i, it)
        })
        .filter(|(r, _, _)| r.score >= THRESHOLD)
        // Highest score; ties go to catalogue order.
        .max_by(|a, b| a.0.score.cmp(&b.0.score).then(b.1.cmp(&a.1)))
        .map(|(r, i, it)| (i, it, r))
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
            slide(
                "Risk matrix",
                &["safety", "risk", "assessment", "hazard", "control"],
            ),
            slide("Journey map", &["customer", "journey", "service", "experience"]),
            slide("Emergency flow", &["safety", "fire", "evacuation"]),
            slide(
                "Message loop",
                &["communication", "feedback", "message", "listening"],
            ),
        ];
        fn key(s: &BankSlide) -> (&[String], &str) {
            (s.tags.as_slice(), s.title.as_str())
        }
        let topic = TopicWords::new(
            "Evacuation",
            ["Leave by the nearest exit when the fire alarm sounds"],
        );
        let used = HashSet::new();
        let (i, _, why) = best(&bank, &used, &topic, key).expect("a match");
        assert_eq!(i, 2);
        assert_eq!(why.title_tags, vec!["evacuation".to_string()]);
        assert_eq!(why.point_tags, vec!["fire".to_string()]);
        assert_eq!(
            why.explain(),
            "tags evacuation in the topic's title; tags fire in its points (score 4, threshold 3)"
        );
        // Used entries are skipped; unrelated topics get nothing.
        let used: HashSet<usize> = [2].into();
        assert!(best(&bank, &used, &topic, key).is_none());
        let unrelated = TopicWords::new("Quarterly budget spreadsheet formulas", []);
        assert!(best(&bank, &HashSet::new(), &unrelated, key).is_none());
        // What users saw: a risk matrix in a topic on service concepts whose
        // one point mentions risk, a message loop among guiding principles
        // whose points mention feedback, a journey map for "service".
        let concepts = TopicWords::new(
            "Key concepts of service management",
            ["Value, outcomes, costs and risks", "Products and services"],
        );
        assert!(best(&bank, &HashSet::new(), &concepts, key).is_none());
        let principles = TopicWords::new(
            "The seven guiding principles",
            [
                "Progress iteratively with feedback",
                "Collaborate and promote visibility",
            ],
        );
        assert!(best(&bank, &HashSet::new(), &principles, key).is_none());
        // A topic about risk, by its title, gets the matrix.
        let risk = TopicWords::new("Risk assessment", ["Likelihood and severity"]);
        assert_eq!(best(&bank, &HashSet::new(), &risk, key).map(|(i, ..)| i), Some(0));
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
