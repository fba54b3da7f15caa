//! Which of the course languages (en, fr, de, es) a text is written in, for
//! QA's `mixed_language` finding and the offline writer's warning that it
//! does not translate. `whatlang`'s trigram model, asked to choose among our
//! four languages only, and trusted only on texts long enough to tell.

use deck::build::BuiltSlide;
use deck::lint::{Finding, Severity};
use deck::{DeckPlan, SlideContent};
use types::outline::Outline;
use whatlang::{Detector, Lang};

/// Fewer words than this and a text is not judged (a title, a short
/// bullet list full of names and product words reads as anything).
pub const MIN_WORDS: usize = 8;

/// Fewer different words (of three letters or more) than this and a text is
/// not judged either: a few words said again and again ("Point 1 about
/// safety. Point 2 about safety…") read as any language to a trigram model.
pub const MIN_DISTINCT_WORDS: usize = 8;

const LANGS: [(Lang, &str, &str); 4] = [
    (Lang::Eng, "en", "English"),
    (Lang::Fra, "fr", "French"),
    (Lang::Deu, "de", "German"),
    (Lang::Spa, "es", "Spanish"),
];

/// At most this many characters of a text are read: a whole outline (up to
/// megabytes) tells its language in its first pages as well as in all of them.
pub const MAX_CHARS: usize = 20_000;

/// The detector, made once (its allowlist is the four course languages).
fn detector() -> &'static Detector {
    static DETECTOR: std::sync::OnceLock<Detector> = std::sync::OnceLock::new();
    DETECTOR.get_or_init(|| Detector::with_allowlist(LANGS.iter().map(|(l, _, _)| *l).collect()))
}

/// The course language `text` is written in ("en", "fr", "de", "es"), when
/// it is long enough and the model is sure; `None` otherwise. Only the
/// first [`MAX_CHARS`] characters are read.
pub fn detect(text: &str) -> Option<&'static str> {
    let text = match text.char_indices().nth(MAX_CHARS) {
        Some((end, _)) => &text[..end],
        None => text,
    };
    if text.split_whitespace().count() < MIN_WORDS {
        return None;
    }
    let distinct: std::collections::HashSet<String> = text
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| w.chars().count() >= 3)
        .map(str::to_lowercase)
        .collect();
    if distinct.len() < MIN_DISTINCT_WORDS {
        return None;
    }
    let info = detector().detect(text)?;
    if !info.is_reliable() {
        return None;
    }
    LANGS
        .iter()
        .find(|(l, _, _)| *l == info.lang())
        .map(|(_, code, _)| *code)
}

/// A course language's name in English ("de" → "German").
pub fn name(code: &str) -> &str {
    LANGS
        .iter()
        .find(|(_, c, _)| *c == code)
        .map_or(code, |(_, _, n)| n)
}

/// The language the outline's own words are in (titles and points).
pub fn of_outline(outline: &Outline) -> Option<&'static str> {
    let mut text = String::new();
    for m in &outline.modules {
        if text.len() > MAX_CHARS * 4 {
            break;
        }
        text.push_str(&m.title);
        text.push_str(". ");
        for t in &m.topics {
            text.push_str(&t.title);
            text.push_str(". ");
            for p in &t.points {
                text.push_str(&p.text);
                text.push_str(". ");
            }
        }
    }
    detect(&text)
}

/// What a slide shows as text: its title and its bullets, cells or cards
/// (not its notes, which hold the planner's timing line in the course's
/// language whatever the content is).
fn shown_text(content: &SlideContent) -> Option<String> {
    let parts: Vec<&str> = match content {
        SlideContent::Bullets { title, bullets } => std::iter::once(title.as_str())
            .chain(bullets.iter().map(|b| b.text()))
            .collect(),
        SlideContent::TwoColumn {
            title, left, right, ..
        } => std::iter::once(title.as_str())
            .chain(left.iter().chain(right).map(|b| b.text()))
            .collect(),
        SlideContent::Table { title, rows, .. } => std::iter::once(title.as_str())
            .chain(rows.iter().flatten().map(String::as_str))
            .collect(),
        _ => return None,
    };
    Some(parts.join(". "))
}

/// One `mixed_language` warning per slide whose text is surely in another
/// of the course languages than `course` (the deck's slide numbers, as
/// built). Labels the planner adds ("Learning objectives") are in the
/// course's language; a slide whose own words are not reads as two
/// languages to the room.
pub fn mixed(plan: &DeckPlan, built: &[BuiltSlide], course: &str) -> Vec<Finding> {
    let mut out = Vec::new();
    for (p, s) in plan.slides.iter().enumerate() {
        let Some(found) = shown_text(&s.content).and_then(|t| detect(&t)) else {
            continue;
        };
        if found == course {
            continue;
        }
        let Some(deck_slide) = built.iter().position(|b| b.plan_slide == p) else {
            continue;
        };
        out.push(Finding {
            slide: deck_slide + 1,
            severity: Severity::Warning,
            code: "mixed_language",
            message: format!(
                "the slide's text is in {}, not in {} (the course's language)",
                name(found),
                name(course)
            ),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_four_languages_are_told_apart_and_short_texts_are_not_judged() {
        for (text, lang) in [
            ("Explain why agile teams plan in short iterations and review their work with the customer every week", "en"),
            ("Expliquer pourquoi les équipes agiles planifient en courtes itérations et revoient leur travail avec le client", "fr"),
            ("Erklären, warum agile Teams in kurzen Iterationen planen und ihre Arbeit jede Woche mit dem Kunden prüfen", "de"),
            ("Explicar por qué los equipos ágiles planifican en iteraciones cortas y revisan su trabajo con el cliente cada semana", "es"),
        ] {
            assert_eq!(detect(text), Some(lang), "{text}");
        }
        assert_eq!(detect("Why agile"), None, "too short to tell");
        // A text of megabytes is judged on its first pages (no cut inside a character).
        let long = "Erklären, warum agile Teams in kurzen Iterationen planen und ihre Arbeit prüfen. "
            .repeat(50_000);
        assert_eq!(detect(&long), Some("de"));
        assert_eq!(
            detect("Point 1 about safety. Point 2 about safety. Point 3 about safety."),
            None,
            "too few different words to tell"
        );
        assert_eq!(name("de"), "German");
    }

    #[test]
    fn an_english_outline_is_read_as_english() {
        let o = Outline {
            title: "Fire safety".into(),
            modules: vec![types::outline::Module {
                title: "How fires start".into(),
                topics: vec![types::outline::Topic {
                    title: "The fire triangle".into(),
                    points: vec![
                        types::outline::Point {
                            text: "Heat, fuel and oxygen must all be present".into(),
                            level: 0,
                        },
                        types::outline::Point {
                            text: "Remove one and the fire goes out".into(),
                            level: 0,
                        },
                    ],
                }],
            }],
        };
        assert_eq!(of_outline(&o), Some("en"));
    }
}
