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

use crate::banks::{best, score, words, Banks, THRESHOLD};
use crate::content::{self, Candidate, ModuleText};
use crate::labels::labels;
use types::outline::{Module, Outline, Topic};

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
    /// The offline choice: the most relevant unused entry above the threshold.
    fn infographic(&mut self, t: &Topic) -> Option<SlidePlan> {
        let (i, _) = best(&self.banks.infographics, &self.used_info, &topic_words(t), |s| {
            (s.tags.as_slice(), s.title.as_str())
        })?;
        self.clone_infographic(i, t)
    }

    /// A chosen entry, unless an earlier module already used it.
    fn clone_infographic(&mut self, i: usize, t: &Topic) -> Option<SlidePlan> {
        let s = self.banks.infographics.get(i)?;
        if !self.used_info.insert(i) {
            return None;
        }
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

/// Infographics a writer may choose from for each topic of `module`: the
/// three most relevant bank entries at or above the threshold.
pub fn candidates(module: &Module, banks: &Banks) -> Vec<Candidate> {
    let mut out = Vec::new();
    for (ti, t) in module.topics.iter().enumerate() {
        let w = topic_words(t);
        let mut ranked: Vec<(u32, usize)> = banks
            .infographics
            .iter()
            .enumerate()
            .map(|(i, s)| (score(&w, &s.tags, &s.title), i))
            .filter(|(sc, _)| *sc >= THRESHOLD)
            .collect();
        ranked.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        out.extend(ranked.into_iter().take(3).map(|(_, i)| Candidate {
            id: i,
            topic: ti,
            title: banks.infographics[i].title.clone(),
            tags: banks.infographics[i].tags.clone(),
        }));
    }
    out
}

/// The offline writer's text for every module of the course.
pub fn offline_texts(outline: &Outline, lang: &str) -> Vec<ModuleText> {
    let l = labels(lang);
    outline
        .modules
        .iter()
        .map(|m| {
            let others: Vec<&Module> = outline.modules.iter().filter(|o| !std::ptr::eq(*o, m)).collect();
            content::offline(l, lang, m, &others)
        })
        .collect()
}

/// Builds the deck plan for an outline with the offline writer.
pub fn plan_course(outline: &Outline, opts: &CourseOptions, banks: &Banks) -> DeckPlan {
    plan_with(outline, opts, banks, &offline_texts(outline, &opts.lang))
}

/// Builds the deck plan from one [`ModuleText`] per module (any writer's).
pub fn plan_with(outline: &Outline, opts: &CourseOptions, banks: &Banks, texts: &[ModuleText]) -> DeckPlan {
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
        for (mi, m) in range.clone().zip(modules) {
            number += 1;
            let text = texts.get(mi);
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
            let Some(text) = text else { continue };
            slides.push(
                SlidePlan::new(SlideContent::Bullets {
                    title: l.objectives.into(),
                    bullets: text.objectives.iter().map(b).collect(),
                })
                .with_notes(l.objectives_lead),
            );
            for (ti, t) in m.topics.iter().enumerate() {
                let Some(st) = text.slides.get(ti) else { continue };
                slides.push(
                    SlidePlan::new(SlideContent::Bullets {
                        title: st.title.clone(),
                        bullets: st
                            .bullets
                            .iter()
                            .map(|x| match x.level() {
                                0 => b(x.text()),
                                level => Bullet::Leveled {
                                    text: x.text().into(),
                                    level,
                                },
                            })
                            .collect(),
                    })
                    .with_notes(st.notes.clone()),
                );
                slides.extend(picker.drilldown(t));
                match &text.infographics {
                    None => slides.extend(picker.infographic(t)),
                    Some(picks) => {
                        if let Some(p) = picks.iter().find(|p| p.topic == ti) {
                            slides.extend(
                                picker
                                    .clone_infographic(p.id, t)
                                    .map(|s| s.with_notes(format!("{}: {}", t.title, p.reason))),
                            );
                        }
                    }
                }
            }
            slides.push(SlidePlan::new(SlideContent::Bullets {
                title: format!("{}: {}", l.recap, m.title),
                bullets: text.recap.iter().map(b).collect(),
            }));
            if !text.quiz.is_empty() {
                let mut bullets = Vec::new();
                let mut answers = Vec::new();
                for (qi, q) in text.quiz.iter().enumerate() {
                    bullets.push(b(q.question.clone()));
                    for (k, o) in q.options.iter().enumerate() {
                        bullets.push(Bullet::Leveled {
                            text: format!("{}. {o}", letter(k)),
                            level: 1,
                        });
                    }
                    let right = q.options.get(q.answer).map(String::as_str).unwrap_or("");
                    answers.push(format!("{} {}: {} — {right}", l.answer, qi + 1, letter(q.answer)));
                }
                slides.push(
                    SlidePlan::new(SlideContent::Bullets {
                        title: l.quiz.into(),
                        bullets,
                    })
                    .with_notes(answers.join("\n\n")),
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

fn letter(k: usize) -> char {
    char::from(b'A' + u8::try_from(k.min(25)).unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::banks::Banks;
    use types::outline::{Point, Topic};

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
