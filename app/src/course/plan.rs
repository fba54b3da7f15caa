//! From an outline to a deck plan, with the offline (non-AI) writer.
//!
//! Structure: a title slide; per day an agenda; per module a section
//! header, learning objectives, one content slide per topic (the engine adds
//! continuation slides when a topic's points do not fit), a recap and a short
//! quiz; a closing slide. Modules are spread over the days by weight,
//! keeping their order. The offline writer only rearranges the outline's own
//! words — it invents no facts — so the result is a draft, and says so.

use deck::plan::{Bullet, DeckPlan, SlideContent, SlidePlan};

use std::collections::{BTreeMap, HashSet};

use super::banks::{best, words, Banks};
use super::labels::{labels, Labels};
use super::{Module, Outline, Topic};

/// What the user chose on the form.
#[derive(Debug, Clone)]
pub struct CourseOptions {
    pub days: u8,
    pub lang: String,
    /// The template has a picture-with-caption layout, so illustrations fit.
    pub picture_layout: bool,
}

/// Splits `weights` into at most `parts` contiguous groups with the smallest
/// possible largest group (linear partition, exact for these sizes).
pub fn spread(weights: &[usize], parts: usize) -> Vec<std::ops::Range<usize>> {
    let n = weights.len();
    let parts = parts.clamp(1, n.max(1));
    if n == 0 {
        return Vec::new();
    }
    let prefix: Vec<usize> = std::iter::once(0)
        .chain(weights.iter().scan(0, |s, w| {
            *s += w;
            Some(*s)
        }))
        .collect();
    let sum = |a: usize, b: usize| prefix[b] - prefix[a];
    // best[k][i]: minimal max load splitting the first i items into k groups.
    let mut best = vec![vec![usize::MAX; n + 1]; parts + 1];
    let mut cut = vec![vec![0usize; n + 1]; parts + 1];
    best[0][0] = 0;
    for k in 1..=parts {
        for i in k..=n {
            for j in (k - 1)..i {
                if best[k - 1][j] == usize::MAX {
                    continue;
                }
                let load = best[k - 1][j].max(sum(j, i));
                if load < best[k][i] {
                    best[k][i] = load;
                    cut[k][i] = j;
                }
            }
        }
    }
    let mut ranges = Vec::with_capacity(parts);
    let mut i = n;
    for k in (1..=parts).rev() {
        let j = cut[k][i];
        ranges.push(j..i);
        i = j;
    }
    ranges.reverse();
    ranges
}

fn b(text: impl Into<String>) -> Bullet {
    Bullet::Text(text.into())
}

fn objective(l: &Labels, lang: &str, i: usize, topic: &str) -> Bullet {
    let verb = l.objective_verbs[i % l.objective_verbs.len()];
    if lang == "de" {
        b(format!("{topic} {verb}"))
    } else {
        let t = lowercase_first(topic);
        b(format!("{verb} {t}"))
    }
}

fn lowercase_first(s: &str) -> String {
    // Keep acronyms and proper-looking words ("CO2", "PowerPoint") as they are.
    let mut words = s.split(' ');
    let first = words.next().unwrap_or("");
    let keep = first
        .chars()
        .skip(1)
        .any(|c| c.is_uppercase() || c.is_ascii_digit());
    let first = if keep {
        first.to_string()
    } else {
        let mut c = first.chars();
        c.next()
            .map(|f| f.to_lowercase().chain(c).collect())
            .unwrap_or_default()
    };
    std::iter::once(first.as_str())
        .chain(words)
        .collect::<Vec<_>>()
        .join(" ")
}

fn topic_notes(l: &Labels, t: &Topic) -> String {
    let points: Vec<&str> = t.points.iter().map(|p| p.text.as_str()).collect();
    if points.is_empty() {
        format!("{} {}.\n\n{}", l.notes_intro, t.title, l.notes_close)
    } else {
        format!(
            "{} {}: {}.\n\n{}",
            l.notes_intro,
            t.title,
            points.join("; "),
            l.notes_close
        )
    }
}

fn quiz(l: &Labels, module: &Module, others: &[&Module]) -> (Vec<Bullet>, String) {
    let mut bullets = Vec::new();
    let mut answers = Vec::new();
    let distractors: Vec<&str> = others
        .iter()
        .flat_map(|m| {
            m.topics
                .iter()
                .flat_map(|t| t.points.iter().map(|p| p.text.as_str()))
        })
        .collect();
    for (qi, t) in module
        .topics
        .iter()
        .filter(|t| !t.points.is_empty())
        .take(3)
        .enumerate()
    {
        bullets.push(b(l.quiz_frame.replace("{topic}", &t.title)));
        let right = t.points[qi % t.points.len()].text.as_str();
        let mut options: Vec<&str> = vec![right];
        for k in 0..2 {
            if !distractors.is_empty() {
                let d = distractors[(qi * 7 + k * 3 + module.title.len()) % distractors.len()];
                if !options.contains(&d) {
                    options.push(d);
                }
            }
        }
        // Deterministic shuffle: rotate by the question number.
        let rot = qi % options.len();
        options.rotate_left(rot);
        for (k, o) in options.iter().enumerate() {
            bullets.push(Bullet::Leveled {
                text: format!("{}. {o}", (b'A' + k as u8) as char),
                level: 1,
            });
        }
        let letter = (b'A' + options.iter().position(|o| *o == right).unwrap_or(0) as u8) as char;
        answers.push(format!("{} {}: {letter} — {right}", l.answer, qi + 1));
    }
    (bullets, answers.join("\n\n"))
}

/// Whether a topic has enough depth for a drill-down card.
fn has_depth(t: &Topic) -> bool {
    t.points.len() >= 6 || t.points.iter().any(|p| p.level >= 1)
}

fn topic_words(t: &Topic) -> HashSet<String> {
    let mut w = words(&t.title);
    for p in &t.points {
        w.extend(words(&p.text));
    }
    w
}

/// Bank slides picked for the deck: each infographic at most once.
struct Picker<'b> {
    banks: &'b Banks,
    used_info: HashSet<usize>,
    used_images: HashSet<usize>,
}

impl Picker<'_> {
    fn infographic(&mut self, t: &Topic) -> Option<SlidePlan> {
        let (i, s) = best(&self.banks.infographics, &self.used_info, &topic_words(t), |s| {
            (s.tags.as_slice(), s.title.as_str())
        })?;
        self.used_info.insert(i);
        let mut replace = BTreeMap::new();
        replace.insert("{{topic}}".to_string(), t.title.clone());
        Some(SlidePlan::new(SlideContent::Clone {
            deck: s.deck.to_string_lossy().into(),
            slide: s.slide,
            replace,
        }))
    }

    fn drilldown(&self, t: &Topic) -> Option<SlidePlan> {
        if !has_depth(t) || self.banks.drilldowns.is_empty() {
            return None;
        }
        // The most relevant card, else the first (general) one.
        let none = HashSet::new();
        let card = best(&self.banks.drilldowns, &none, &topic_words(t), |s| {
            (s.tags.as_slice(), s.title.as_str())
        })
        .map(|(_, c)| c)
        .or_else(|| self.banks.drilldowns.first())?;
        let mut replace = BTreeMap::new();
        replace.insert("{{topic}}".to_string(), t.title.clone());
        let top: Vec<&str> = t
            .points
            .iter()
            .filter(|p| p.level == 0)
            .map(|p| p.text.as_str())
            .collect();
        for k in 0..3 {
            replace.insert(
                format!("{{{{point{}}}}}", k + 1),
                top.get(k).copied().unwrap_or("").to_string(),
            );
        }
        Some(SlidePlan::new(SlideContent::Clone {
            deck: card.deck.to_string_lossy().into(),
            slide: card.slide,
            replace,
        }))
    }

    fn illustration(&mut self, m: &Module) -> Option<SlidePlan> {
        let mut w = words(&m.title);
        for t in &m.topics {
            w.extend(words(&t.title));
        }
        let (i, img) = best(&self.banks.illustrations, &self.used_images, &w, |s| {
            (s.tags.as_slice(), s.title.as_str())
        })?;
        self.used_images.insert(i);
        Some(SlidePlan::new(SlideContent::Picture {
            title: m.title.clone(),
            image: img.path.to_string_lossy().into(),
            caption: String::new(),
            alt: img.title.clone(),
        }))
    }
}

/// Builds the deck plan for an outline.
pub fn plan_course(outline: &Outline, opts: &CourseOptions, banks: &Banks) -> DeckPlan {
    let mut picker = Picker {
        banks,
        used_info: HashSet::new(),
        used_images: HashSet::new(),
    };
    let l = labels(&opts.lang);
    let days = usize::from(opts.days.clamp(1, 10));
    let weights: Vec<usize> = outline.modules.iter().map(Outline::weight).collect();
    let groups = spread(&weights, days);
    let subtitle = if opts.lang == "en" {
        format!("{}-day course", opts.days.clamp(1, 10))
    } else {
        format!("{} {}", opts.days.clamp(1, 10), l.days_course)
    };

    let mut slides = vec![SlidePlan::new(SlideContent::Title {
        title: outline.title.clone(),
        subtitle,
    })
    .with_notes(format!(
        "{} — {}",
        outline.title,
        outline
            .modules
            .iter()
            .map(|m| m.title.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    ))];
    let mut number = 0usize;
    for (d, range) in groups.iter().enumerate() {
        let day = d + 1;
        let modules = &outline.modules[range.clone()];
        let agenda_title = if groups.len() > 1 {
            format!("{} — {} {day}", l.agenda, l.day)
        } else {
            l.agenda.to_string()
        };
        let items = modules
            .iter()
            .enumerate()
            .map(|(i, m)| b(format!("{} {}: {}", l.module, number + i + 1, m.title)))
            .collect();
        slides.push(SlidePlan::new(SlideContent::Agenda {
            title: agenda_title,
            items,
        }));
        for m in modules {
            number += 1;
            slides.push(SlidePlan::new(SlideContent::Section {
                title: format!("{} {number}: {}", l.module, m.title),
                subtitle: if groups.len() > 1 {
                    format!("{} {day}", l.day)
                } else {
                    String::new()
                },
            }));
            if opts.picture_layout {
                slides.extend(picker.illustration(m));
            }
            let objectives = m
                .topics
                .iter()
                .take(6)
                .enumerate()
                .map(|(i, t)| objective(l, &opts.lang, i, &t.title))
                .collect();
            slides.push(
                SlidePlan::new(SlideContent::Bullets {
                    title: l.objectives.into(),
                    bullets: objectives,
                })
                .with_notes(l.objectives_lead),
            );
            for t in &m.topics {
                let bullets = if t.points.is_empty() {
                    vec![b(t.title.clone())]
                } else {
                    t.points
                        .iter()
                        .map(|p| Bullet::Leveled {
                            text: p.text.clone(),
                            level: p.level,
                        })
                        .collect()
                };
                slides.push(
                    SlidePlan::new(SlideContent::Bullets {
                        title: t.title.clone(),
                        bullets,
                    })
                    .with_notes(topic_notes(l, t)),
                );
                slides.extend(picker.drilldown(t));
                slides.extend(picker.infographic(t));
            }
            let recap = m
                .topics
                .iter()
                .map(|t| match t.points.first() {
                    Some(p) => b(format!("{} — {}", t.title, p.text)),
                    None => b(t.title.clone()),
                })
                .collect();
            slides.push(SlidePlan::new(SlideContent::Bullets {
                title: format!("{}: {}", l.recap, m.title),
                bullets: recap,
            }));
            let others: Vec<&Module> = outline.modules.iter().filter(|o| !std::ptr::eq(*o, m)).collect();
            let (questions, answers) = quiz(l, m, &others);
            if !questions.is_empty() {
                slides.push(
                    SlidePlan::new(SlideContent::Bullets {
                        title: l.quiz.into(),
                        bullets: questions,
                    })
                    .with_notes(answers),
                );
            }
        }
    }
    slides.push(SlidePlan::new(SlideContent::Section {
        title: l.questions.into(),
        subtitle: l.thanks.into(),
    }));
    DeckPlan {
        title: Some(outline.title.clone()),
        lang: Some(l.lang_tag.into()),
        slides,
    }
}

#[cfg(test)]
mod tests {
    use super::super::banks::Banks;
    use super::super::{Point, Topic};
    use super::*;

    fn outline(modules: usize) -> Outline {
        Outline {
            title: "Fire safety".into(),
            modules: (0..modules)
                .map(|m| Module {
                    title: format!("Module title {m}"),
                    topics: (0..3)
                        .map(|t| Topic {
                            title: format!("Topic {m}.{t}"),
                            points: (0..4)
                                .map(|p| Point {
                                    text: format!("Point {m}.{t}.{p}"),
                                    level: 0,
                                })
                                .collect(),
                        })
                        .collect(),
                })
                .collect(),
        }
    }

    #[test]
    fn spread_keeps_order_and_balances() {
        assert_eq!(spread(&[1, 1, 1, 1], 2), vec![0..2, 2..4]);
        assert_eq!(spread(&[5, 1, 1, 1, 1, 1], 2), vec![0..1, 1..6]);
        assert_eq!(spread(&[3, 3], 5), vec![0..1, 1..2]);
        assert_eq!(spread(&[], 3), Vec::<std::ops::Range<usize>>::new());
    }

    #[test]
    fn every_topic_appears_and_days_add_agendas() {
        let o = outline(4);
        let one = plan_course(
            &o,
            &CourseOptions {
                days: 1,
                lang: "en".into(),
                picture_layout: false,
            },
            &Banks::default(),
        );
        let two = plan_course(
            &o,
            &CourseOptions {
                days: 2,
                lang: "en".into(),
                picture_layout: false,
            },
            &Banks::default(),
        );
        let json = serde_json::to_string(&one).expect("json");
        for t in o.topic_titles() {
            assert!(json.contains(t), "{t} missing");
        }
        assert_eq!(two.slides.len(), one.slides.len() + 1, "one more agenda");
        assert!(
            matches!(&one.slides[0].content, SlideContent::Title { subtitle, .. } if subtitle == "1-day course")
        );
        // title + agenda + 4 × (section + objectives + 3 topics + recap + quiz) + closing
        assert_eq!(one.slides.len(), 1 + 1 + 4 * 7 + 1);
    }

    #[test]
    fn labels_follow_the_language() {
        let fr = plan_course(
            &outline(1),
            &CourseOptions {
                days: 1,
                lang: "fr".into(),
                picture_layout: false,
            },
            &Banks::default(),
        );
        assert!(matches!(&fr.slides[1].content, SlideContent::Agenda { title, .. } if title == "Programme"));
        assert_eq!(fr.lang.as_deref(), Some("fr-FR"));
        let de = plan_course(
            &outline(1),
            &CourseOptions {
                days: 1,
                lang: "de".into(),
                picture_layout: false,
            },
            &Banks::default(),
        );
        let json = serde_json::to_string(&de).expect("json");
        assert!(json.contains("Lernziele") && json.contains("Topic 0.0 erklären"));
    }

    #[test]
    fn the_quiz_answer_is_always_among_the_options() {
        let p = plan_course(
            &outline(3),
            &CourseOptions {
                days: 1,
                lang: "en".into(),
                picture_layout: false,
            },
            &Banks::default(),
        );
        let quiz = p.slides.iter().find(|s| matches!(&s.content, SlideContent::Bullets { title, .. } if title == "Check your understanding")).expect("quiz");
        let SlideContent::Bullets { bullets, .. } = &quiz.content else {
            unreachable!()
        };
        for answer in quiz.notes.split("\n\n") {
            let right = answer.split(" — ").nth(1).expect("answer text");
            assert!(bullets.iter().any(|b| b.text().ends_with(right)), "{answer}");
        }
    }
}
