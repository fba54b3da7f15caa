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

use crate::banks::{best, relevance, Banks, TopicWords, THRESHOLD};
use crate::content::{self, Candidate, ModuleText};
use crate::labels::{labels, Labels};
use crate::schedule::{share, Clock, Schedule};
use types::outline::{Module, Outline, Topic};

/// What the user chose on the form, and what the template can show.
#[derive(Debug, Clone)]
pub struct CourseOptions {
    pub days: u8,
    pub lang: String,
    /// The template has a picture-with-caption layout, so illustrations fit.
    pub picture_layout: bool,
    /// The template has a two-content layout: contrasts, long lists and
    /// activities go in two columns.
    pub two_columns: bool,
    /// The shape of each course day.
    pub schedule: Schedule,
    /// The smallest size a title may shrink to, pt (`MIN_TITLE_PT`; unset:
    /// the engine's 24 pt, see `deck::build::DEFAULT_MIN_TITLE_PT`).
    pub min_title_pt: Option<f64>,
}

impl CourseOptions {
    /// Options for a template with every kind of layout and the default day.
    pub fn new(days: u8, lang: &str) -> Self {
        CourseOptions {
            days,
            lang: lang.to_owned(),
            picture_layout: false,
            two_columns: true,
            schedule: Schedule::default(),
            min_title_pt: None,
        }
    }
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

fn topic_words(t: &Topic) -> TopicWords {
    TopicWords::new(&t.title, t.points.iter().map(|p| p.text.as_str()))
}

/// Bank slides picked for the deck: each infographic at most once.
struct Picker<'b> {
    banks: &'b Banks,
    used_info: HashSet<usize>,
    used_images: HashSet<usize>,
    /// Why each bank entry was picked, for the job log.
    picks: Vec<String>,
}

impl Picker<'_> {
    /// The offline choice: the most relevant unused entry above the threshold.
    fn infographic(&mut self, t: &Topic) -> Option<SlidePlan> {
        let (i, s, why) = best(&self.banks.infographics, &self.used_info, &topic_words(t), |s| {
            (s.tags.as_slice(), s.title.as_str())
        })?;
        self.picks
            .push(format!("“{}” in “{}”: {}", s.title, t.title, why.explain()));
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
        .map(|(_, c, _)| c)
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
        let w = TopicWords::new(&m.title, m.topics.iter().map(|t| t.title.as_str()));
        let (i, img, why) = best(&self.banks.illustrations, &self.used_images, &w, |s| {
            (s.tags.as_slice(), s.title.as_str())
        })?;
        self.used_images.insert(i);
        self.picks.push(format!(
            "picture “{}” for “{}”: {}",
            img.title,
            m.title,
            why.explain()
        ));
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
            .map(|(i, s)| (relevance(&w, &s.tags, &s.title).score, i))
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

/// Words of speaker notes a slide of `minutes` should have at least: about
/// eight a minute (notes are prompts for the trainer, not a script), from a
/// short line for a one-minute slide to a page for a long exercise.
pub fn notes_words_for(minutes: u16) -> usize {
    (usize::from(minutes) * 8).clamp(15, 120)
}

/// Speaker notes: the slide's minutes, then `body`, then facilitation cues
/// until the notes are as long as the time asks (see [`notes_words_for`]).
fn timed_notes(l: &Labels, minutes: u16, body: &str) -> String {
    let minutes = minutes.max(1);
    let time = if minutes == 1 {
        l.one_minute.to_string()
    } else {
        l.minutes.replace("{n}", &minutes.to_string())
    };
    let mut out = format!("{time}\n\n{}", body.trim());
    let want = notes_words_for(minutes);
    for cue in l.cues {
        if out.split_whitespace().count() >= want {
            break;
        }
        out.push_str("\n\n");
        out.push_str(cue);
    }
    out
}

fn norm(t: &str) -> String {
    t.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// A topic's two sides when it is a contrast: "A vs B" in its title, or
/// exactly two top-level points that each have sub-points.
fn contrast(title: &str, bullets: &[Bullet]) -> Option<SlideContent> {
    let top: Vec<usize> = (0..bullets.len()).filter(|&i| bullets[i].level() == 0).collect();
    if top.len() == 2 && top[0] == 0 && top[1] >= 2 && top[1] + 1 < bullets.len() {
        let side = |from: usize, to: usize| -> Vec<Bullet> {
            bullets[from..to]
                .iter()
                .map(|b| Bullet::Text(b.text().to_owned()))
                .collect()
        };
        return Some(SlideContent::TwoColumn {
            title: title.to_owned(),
            left_heading: bullets[0].text().to_owned(),
            left: side(1, top[1]),
            right_heading: bullets[top[1]].text().to_owned(),
            right: side(top[1] + 1, bullets.len()),
        });
    }
    let lower = title.to_lowercase();
    let (a, b) = [" vs. ", " vs ", " versus "]
        .iter()
        .find_map(|sep| lower.find(sep).map(|i| (i, i + sep.len())))?;
    if bullets.len() < 2 || bullets.iter().any(|b| b.level() > 0) {
        return None;
    }
    let half = bullets.len().div_ceil(2);
    Some(SlideContent::TwoColumn {
        title: title.to_owned(),
        left_heading: title[..a].trim().to_owned(),
        left: bullets[..half].to_vec(),
        right_heading: title[b..].trim().to_owned(),
        right: bullets[half..].to_vec(),
    })
}

/// A list split into two columns when that reads better: only short,
/// top-level points, `min` to ten of them.
fn two_columns(title: &str, bullets: &[Bullet], min: usize) -> Option<SlideContent> {
    if bullets.len() < min.max(2)
        || bullets.len() > 10
        || bullets
            .iter()
            .any(|b| b.level() > 0 || b.text().chars().count() > 120)
    {
        return None;
    }
    let half = bullets.len().div_ceil(2);
    Some(SlideContent::TwoColumn {
        title: title.to_owned(),
        left_heading: String::new(),
        left: bullets[..half].to_vec(),
        right_heading: String::new(),
        right: bullets[half..].to_vec(),
    })
}

/// Minutes a module's parts get: section (with its picture), objectives,
/// each topic by its points, the activity (a quarter of the module, at
/// least ten minutes when there is time), recap and quiz.
struct ModuleTimes {
    section: u16,
    objectives: u16,
    topics: Vec<u16>,
    activity: u16,
    recap: u16,
    quiz: u16,
}

fn module_times(minutes: u16, m: &Module) -> ModuleTimes {
    let activity = if minutes >= 40 {
        ((minutes / 4).max(10) / 5 * 5).min(minutes / 2)
    } else {
        (minutes / 4).max(1)
    };
    let mut weights: Vec<u32> = vec![2, 3, 3, 5];
    weights.extend(m.topics.iter().map(|t| 3 + 2 * t.points.len().min(10) as u32));
    let shares = share(minutes.saturating_sub(activity), &weights, 1, 1);
    ModuleTimes {
        section: shares[0],
        objectives: shares[1],
        recap: shares[2],
        quiz: shares[3],
        topics: shares[4..].to_vec(),
        activity,
    }
}

/// Builds the deck plan from one [`ModuleText`] per module (any writer's):
/// a title slide; per day a timed agenda; per module a section header
/// (with its times), objectives, one slide per topic (a discussion with
/// prompts when the topic has nothing to show, two columns for contrasts
/// and long lists), bank slides, an activity, a recap and a quiz; a closing
/// slide. Every slide has speaker notes with its minutes.
pub fn plan_with(outline: &Outline, opts: &CourseOptions, banks: &Banks, texts: &[ModuleText]) -> DeckPlan {
    plan_explained(outline, opts, banks, texts).0
}

/// [`plan_with`], also saying why each bank slide and picture was picked
/// (one line each, for the job log).
pub fn plan_explained(
    outline: &Outline,
    opts: &CourseOptions,
    banks: &Banks,
    texts: &[ModuleText],
) -> (DeckPlan, Vec<String>) {
    let mut picker = Picker {
        banks,
        used_info: HashSet::new(),
        used_images: HashSet::new(),
        picks: Vec::new(),
    };
    let l = labels(&opts.lang);
    let days = usize::from(opts.days.clamp(1, 10));
    let weights: Vec<usize> = outline.modules.iter().map(Outline::weight).collect();
    let groups = spread(&weights, days);
    let subtitle = l.days_course(opts.days.clamp(1, 10));
    let schedule = &opts.schedule;
    let teaching = schedule.teaching_minutes();
    let module_label = |n: usize, m: &Module| format!("{} {n}: {}", l.module, m.title);
    let list = |items: &[String]| items.join("; ");

    let mut slides = Vec::new();
    let mut number = 0usize;
    let last_day = groups.len().saturating_sub(1);
    for (d, range) in groups.iter().enumerate() {
        let day = d + 1;
        let modules = &outline.modules[range.clone()];
        let opening: u16 = if d == 0 { 15 } else { 10 };
        let closing: u16 = if d == last_day { 15 } else { 0 };
        let day_weights: Vec<u32> = modules.iter().map(|m| Outline::weight(m) as u32).collect();
        let minutes = share(teaching.saturating_sub(opening + closing), &day_weights, 5, 15);
        let mut items: Vec<(String, u16)> = vec![(
            if d == 0 {
                l.welcome.to_string()
            } else {
                l.review_day.replace("{n}", &d.to_string())
            },
            opening,
        )];
        for (k, (m, min)) in modules.iter().zip(&minutes).enumerate() {
            items.push((module_label(number + k + 1, m), *min));
        }
        if closing > 0 {
            items.push((l.close_item.to_string(), closing));
        }
        let slots = schedule.lay_out(&items);
        let agenda: Vec<String> = slots
            .iter()
            .map(|x| {
                let what = match x.pause {
                    Some(true) => l.lunch.to_string(),
                    Some(false) => l.break_.to_string(),
                    None if x.continued => format!("{} {}", x.label, l.continued),
                    None => x.label.clone(),
                };
                format!("{}–{}  {what}", Clock(x.start), Clock(x.end))
            })
            .collect();
        // When a module runs: from its first slot to its last.
        let span = |label: &str| {
            let mine: Vec<&crate::schedule::Slot> = slots.iter().filter(|x| x.label == label).collect();
            match (mine.first(), mine.last()) {
                (Some(a), Some(b)) => format!("{}–{}", Clock(a.start), Clock(b.end)),
                _ => String::new(),
            }
        };
        if d == 0 {
            let title_minutes = opening - 5;
            let names: Vec<String> = outline.modules.iter().map(|m| m.title.clone()).collect();
            slides.push(
                SlidePlan::new(SlideContent::Title {
                    title: outline.title.clone(),
                    subtitle: subtitle.clone(),
                })
                .with_notes(timed_notes(
                    l,
                    title_minutes,
                    &l.title_notes
                        .replace("{title}", &outline.title)
                        .replace("{list}", &list(&names)),
                )),
            );
        }
        let agenda_minutes = if d == 0 { 5 } else { opening };
        slides.push(
            SlidePlan::new(SlideContent::Agenda {
                title: if groups.len() > 1 {
                    format!("{} — {} {day}", l.agenda, l.day)
                } else {
                    l.agenda.to_string()
                },
                items: agenda.iter().map(b).collect(),
            })
            .with_notes(timed_notes(
                l,
                agenda_minutes,
                &l.agenda_notes.replace("{list}", &list(&agenda)),
            )),
        );
        for ((mi, m), module_minutes) in range.clone().zip(modules).zip(minutes.iter().copied()) {
            number += 1;
            let label = module_label(number, m);
            let when = span(&label);
            let times = module_times(module_minutes, m);
            let fallback;
            let text = match texts.get(mi) {
                Some(t) => t,
                None => {
                    let others: Vec<&Module> =
                        outline.modules.iter().filter(|o| !std::ptr::eq(*o, m)).collect();
                    fallback = content::offline(l, &opts.lang, m, &others);
                    &fallback
                }
            };
            let topic_names: Vec<String> = m.topics.iter().map(|t| t.title.clone()).collect();
            let picture = if opts.picture_layout {
                picker.illustration(m)
            } else {
                None
            };
            let (section_minutes, picture_minutes) = match &picture {
                Some(_) if times.section >= 2 => (times.section - 1, 1),
                _ => (times.section, 1),
            };
            slides.push(
                SlidePlan::new(SlideContent::Section {
                    title: label.clone(),
                    subtitle: if groups.len() > 1 {
                        format!("{} {day} · {when}", l.day)
                    } else {
                        when.clone()
                    },
                })
                .with_notes(timed_notes(
                    l,
                    section_minutes,
                    &l.section_notes
                        .replace("{title}", &m.title)
                        .replace("{time}", &format!("{when}, {module_minutes} min"))
                        .replace("{list}", &list(&topic_names)),
                )),
            );
            let mut content_run = 0usize;
            if let Some(p) = picture {
                slides.push(p.with_notes(timed_notes(
                    l,
                    picture_minutes,
                    &l.picture_notes.replace("{title}", &m.title),
                )));
            }
            slides.push(
                SlidePlan::new(SlideContent::Bullets {
                    title: l.objectives.into(),
                    bullets: text.objectives.iter().map(b).collect(),
                })
                .with_notes(timed_notes(
                    l,
                    times.objectives,
                    &format!("{} {}.", l.objectives_lead, list(&text.objectives)),
                )),
            );
            content_run += 1;
            let mut bare: Option<BareTopics> = None;
            for (ti, t) in m.topics.iter().enumerate() {
                let topic_minutes = times.topics.get(ti).copied().unwrap_or(1);
                let st = text.slides.get(ti);
                let bullets: Vec<Bullet> = st
                    .map(|st| {
                        st.bullets
                            .iter()
                            .filter(|x| norm(x.text()) != norm(&t.title) && !x.text().trim().is_empty())
                            .map(|x| match x.level() {
                                0 => b(x.text()),
                                level => Bullet::Leveled {
                                    text: x.text().into(),
                                    level,
                                },
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                let mut extra: Vec<SlidePlan> = Vec::new();
                extra.extend(picker.drilldown(t));
                match &text.infographics {
                    None => extra.extend(
                        picker
                            .infographic(t)
                            .map(|s| s.with_notes(l.bank_notes.replace("{title}", &t.title))),
                    ),
                    Some(picks) => {
                        if let Some(p) = picks.iter().find(|p| p.topic == ti) {
                            extra.extend(
                                picker
                                    .clone_infographic(p.id, t)
                                    .map(|s| s.with_notes(format!("{}: {}", t.title, p.reason))),
                            );
                        }
                    }
                }
                let mut weights = vec![3u32];
                weights.extend(extra.iter().map(|_| 1u32));
                let split = share(topic_minutes, &weights, 1, 1);
                let main = if bullets.is_empty() {
                    // Nothing to show: the module's one discussion, with
                    // facilitator prompts, takes this topic's time. Its
                    // slide sits where the first such topic is and is
                    // written once the module's topics are all known.
                    match &mut bare {
                        Some(d) => {
                            d.topics.push(t.title.clone());
                            d.minutes = d.minutes.saturating_add(split[0]);
                            None
                        }
                        None => {
                            bare = Some(BareTopics {
                                at: slides.len(),
                                topics: vec![t.title.clone()],
                                minutes: split[0],
                            });
                            Some(SlidePlan::new(SlideContent::Bullets {
                                title: String::new(),
                                bullets: Vec::new(),
                            }))
                        }
                    }
                } else {
                    let title = st.map(|s| s.title.clone()).unwrap_or_else(|| t.title.clone());
                    let notes = st.map(|s| s.notes.clone()).unwrap_or_default();
                    // Two columns for contrasts, for long lists, and to break
                    // a run of one-column slides (after five in a row).
                    let min = if content_run >= 5 { 2 } else { 6 };
                    let columns = opts
                        .two_columns
                        .then(|| contrast(&title, &bullets).or_else(|| two_columns(&title, &bullets, min)))
                        .flatten();
                    let content = columns.unwrap_or(SlideContent::Bullets { title, bullets });
                    Some(SlidePlan::new(content).with_notes(timed_notes(l, split[0], &notes)))
                };
                if let Some(main) = main {
                    content_run = if matches!(main.content, SlideContent::Bullets { .. }) {
                        content_run + 1
                    } else {
                        0
                    };
                    slides.push(main);
                }
                for (e, minutes) in extra.into_iter().zip(split.iter().skip(1)) {
                    let body = e.notes.clone();
                    slides.push(e.with_notes(timed_notes(l, *minutes, &body)));
                    content_run = 0;
                }
            }
            if let Some(d) = bare.take() {
                slides[d.at] = d.slide(l, &m.title);
            }
            let group_minutes = times.activity.saturating_sub(2 + times.activity / 3).max(1);
            let activity = text
                .activity
                .clone()
                .unwrap_or_else(|| content::offline_activity(l, m, number - 1, group_minutes));
            let activity_content = if opts.two_columns {
                SlideContent::TwoColumn {
                    title: activity.title.clone(),
                    left_heading: l.task.into(),
                    left: activity.steps.iter().map(b).collect(),
                    right_heading: l.debrief.into(),
                    right: activity.debrief.iter().map(b).collect(),
                }
            } else {
                let mut items: Vec<Bullet> = activity.steps.iter().map(b).collect();
                items.push(b(l.debrief));
                items.extend(activity.debrief.iter().map(|q| Bullet::Leveled {
                    text: q.clone(),
                    level: 1,
                }));
                SlideContent::Bullets {
                    title: activity.title.clone(),
                    bullets: items,
                }
            };
            slides.push(SlidePlan::new(activity_content).with_notes(timed_notes(
                l,
                times.activity,
                &activity.notes,
            )));
            slides.push(
                SlidePlan::new(SlideContent::Bullets {
                    title: format!("{}: {}", l.recap, m.title),
                    bullets: text.recap.iter().map(b).collect(),
                })
                .with_notes(timed_notes(
                    l,
                    times.recap,
                    &l.recap_notes.replace("{title}", &m.title),
                )),
            );
            let quiz = if text.quiz.is_empty() {
                let others: Vec<&Module> = outline.modules.iter().filter(|o| !std::ptr::eq(*o, m)).collect();
                content::quiz(l, m, &others)
            } else {
                text.quiz.clone()
            };
            let mut bullets = Vec::new();
            let mut answers = vec![l.quiz_notes.to_string()];
            for (qi, q) in quiz.iter().enumerate() {
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
                    title: format!("{}: {}", l.quiz, m.title),
                    bullets,
                })
                .with_notes(timed_notes(l, times.quiz, &answers.join("\n\n"))),
            );
        }
    }
    slides.push(
        SlidePlan::new(SlideContent::Closing {
            title: l.questions.into(),
            subtitle: l.thanks.into(),
        })
        .with_notes(timed_notes(l, 15, l.closing_notes)),
    );
    let plan = DeckPlan {
        title: Some(outline.title.clone()),
        lang: Some(l.lang_tag.into()),
        slides,
    };
    (plan, picker.picks)
}

fn letter(k: usize) -> char {
    char::from(b'A' + u8::try_from(k.min(25)).unwrap_or(0))
}

/// The topics of one module that have no points, gathered into the
/// module's one discussion slide (at `at`), instead of a slide each with
/// the same three prompts.
struct BareTopics {
    at: usize,
    topics: Vec<String>,
    minutes: u16,
}

impl BareTopics {
    /// Most topics named on the slide; the notes name them all.
    const SHOWN: usize = 6;

    /// One topic: the three prompts about it. Several: a prompt about each,
    /// the prompts taking turns, so no two lines read alike. Prompts suit
    /// the kind of topic (a concept, a risk, a process, a practice; see
    /// [`Labels::prompts_for`]).
    fn slide(&self, l: &Labels, module: &str) -> SlidePlan {
        let (title, bullets): (String, Vec<Bullet>) = match self.topics.as_slice() {
            [one] => (
                format!("{}: {one}", l.discussion),
                l.prompts_for(one)
                    .iter()
                    .map(|p| b(p.replace("{topic}", one)))
                    .collect(),
            ),
            many => (
                format!("{}: {module}", l.discussion),
                many.iter()
                    .take(Self::SHOWN)
                    .enumerate()
                    .map(|(i, t)| {
                        let prompts = l.prompts_for(t);
                        b(prompts[i % prompts.len()].replace("{topic}", t))
                    })
                    .collect(),
            ),
        };
        SlidePlan::new(SlideContent::Bullets { title, bullets }).with_notes(timed_notes(
            l,
            self.minutes,
            &l.discussion_notes.replace("{title}", &self.topics.join("; ")),
        ))
    }
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

    fn opts(days: u8, lang: &str) -> CourseOptions {
        CourseOptions::new(days, lang)
    }

    /// The minutes a slide's notes start with ("About 5 minutes.", "About a minute.").
    fn minutes(notes: &str) -> u16 {
        if notes.starts_with("About a minute.") {
            return 1;
        }
        notes
            .split_whitespace()
            .find_map(|w| w.parse().ok())
            .unwrap_or_else(|| panic!("no minutes in {notes:?}"))
    }

    #[test]
    fn every_topic_appears_and_days_add_agendas() {
        let o = outline(4);
        let one = plan_course(&o, &opts(1, "en"), &Banks::default());
        let two = plan_course(&o, &opts(2, "en"), &Banks::default());
        let json = serde_json::to_string(&one).expect("json");
        for t in o.topic_titles() {
            assert!(json.contains(t), "{t} missing");
        }
        assert_eq!(two.slides.len(), one.slides.len() + 1, "one more agenda");
        assert!(
            matches!(&one.slides[0].content, SlideContent::Title { subtitle, .. } if subtitle == "1-day course")
        );
        let said: Vec<String> = ["en", "fr", "de", "es"]
            .iter()
            .flat_map(|lang| [1, 3].map(|n| labels(lang).days_course(n)))
            .collect();
        assert_eq!(
            said,
            [
                "1-day course",
                "3-day course",
                "1 jour de formation",
                "3 jours de formation",
                "1-tägiger Kurs",
                "3-tägiger Kurs",
                "Curso de 1 día",
                "Curso de 3 días"
            ]
        );
        // title + agenda + 4 × (section + objectives + 3 topics + activity + recap + quiz) + closing
        assert_eq!(one.slides.len(), 1 + 1 + 4 * 8 + 1);
        assert!(matches!(
            one.slides.last().map(|s| &s.content),
            Some(SlideContent::Closing { .. })
        ));
    }

    #[test]
    fn every_slide_has_timed_notes_whose_length_follows_the_time() {
        for days in [1u8, 2, 3] {
            let p = plan_course(&outline(5), &opts(days, "en"), &Banks::default());
            let mut total = 0u32;
            for (i, s) in p.slides.iter().enumerate() {
                assert!(s.notes.starts_with("About "), "slide {}: {:?}", i + 1, s.notes);
                let m = minutes(&s.notes);
                assert!(m >= 1, "slide {}", i + 1);
                let words = s.notes.split_whitespace().count();
                assert!(
                    words >= notes_words_for(m).min(60),
                    "slide {}: {m} min but {words} words",
                    i + 1
                );
                total += u32::from(m);
            }
            // Every teaching minute of every day is on some slide.
            let teaching = u32::from(Schedule::default().teaching_minutes()) * u32::from(days);
            assert_eq!(total, teaching, "{days} days");
        }
    }

    #[test]
    fn agendas_show_the_days_times_with_breaks_and_lunch() {
        let p = plan_course(&outline(4), &opts(2, "en"), &Banks::default());
        let agendas: Vec<&Vec<Bullet>> = p
            .slides
            .iter()
            .filter_map(|s| match &s.content {
                SlideContent::Agenda { items, .. } => Some(items),
                _ => None,
            })
            .collect();
        assert_eq!(agendas.len(), 2);
        for items in agendas {
            let lines: Vec<&str> = items.iter().map(Bullet::text).collect();
            assert!(lines[0].starts_with("09:00–"), "{lines:?}");
            assert!(
                lines
                    .iter()
                    .any(|l| l.contains("Lunch") && l.starts_with("12:30–13:30")),
                "{lines:?}"
            );
            assert!(lines.iter().any(|l| l.ends_with("Break")), "{lines:?}");
            assert!(lines.last().is_some_and(|l| l.contains("–17:00")), "{lines:?}");
        }
        // A shorter day and no lunch: the times follow.
        let short = CourseOptions {
            schedule: Schedule::parse("08:30", "12:30", "", "10:15/15").expect("schedule"),
            ..opts(1, "en")
        };
        let p = plan_course(&outline(2), &short, &Banks::default());
        let SlideContent::Agenda { items, .. } = &p.slides[1].content else {
            panic!("agenda")
        };
        assert!(items[0].text().starts_with("08:30–"));
        assert!(items.iter().all(|b| !b.text().contains("Lunch")));
        assert!(
            items.last().is_some_and(|b| b.text().starts_with("12:15–12:30")),
            "{items:?}"
        );
    }

    #[test]
    fn a_day_too_short_for_its_modules_still_lists_each_one() {
        let tight = CourseOptions {
            schedule: Schedule::parse("09:00", "10:00", "none", "none").expect("schedule"),
            ..opts(1, "en")
        };
        let p = plan_course(&outline(12), &tight, &Banks::default());
        let SlideContent::Agenda { items, .. } = &p.slides[1].content else {
            panic!("agenda")
        };
        for m in 1..=12 {
            assert!(
                items.iter().any(|b| b.text().contains(&format!("Module {m}: "))),
                "module {m} missing: {items:?}"
            );
        }
        assert!(p.slides.iter().all(|s| !s.notes.starts_with("About 0")));
    }

    #[test]
    fn topics_without_points_become_discussions_and_still_get_a_quiz() {
        let mut o = outline(2);
        for m in &mut o.modules {
            for t in &mut m.topics {
                t.points.clear();
            }
        }
        for lang in ["en", "fr", "de", "es"] {
            let p = plan_course(&o, &opts(1, lang), &Banks::default());
            let l = labels(lang);
            assert!(p.slides.iter().all(|s| !crate::qa::is_filler(&s.content)));
            let discussions = p
                .slides
                .iter()
                .filter(|s| matches!(&s.content, SlideContent::Bullets { title, .. } if title.starts_with(l.discussion)))
                .count();
            // One discussion per module, a prompt about each of its
            // three topics, no two alike (before: a slide per topic with
            // the same three prompts).
            assert_eq!(discussions, 2, "{lang}");
            for d in p.slides.iter().filter(|s| matches!(&s.content, SlideContent::Bullets { title, .. } if title.starts_with(l.discussion))) {
                let SlideContent::Bullets { bullets, .. } = &d.content else { unreachable!() };
                assert_eq!(bullets.len(), 3, "{lang}: {bullets:?}");
                let frames: std::collections::HashSet<String> = bullets
                    .iter()
                    .map(|b| b.text().split_whitespace().take(3).collect::<Vec<_>>().join(" "))
                    .collect();
                assert_eq!(frames.len(), 3, "{lang}: {bullets:?}");
            }
            let quizzes: Vec<&SlidePlan> = p
                .slides
                .iter()
                .filter(|s| matches!(&s.content, SlideContent::Bullets { title, .. } if title.starts_with(l.quiz)))
                .collect();
            assert_eq!(quizzes.len(), 2, "{lang}: a quiz per module");
            for q in quizzes {
                let SlideContent::Bullets { bullets, .. } = &q.content else {
                    unreachable!()
                };
                assert!(bullets.len() >= 3, "{lang}: {bullets:?}");
            }
            let activities = p
                .slides
                .iter()
                .filter(|s| matches!(&s.content, SlideContent::TwoColumn { title, .. } if title.starts_with(l.activity)))
                .count();
            assert_eq!(activities, 2, "{lang}: an activity per module");
        }
    }

    #[test]
    fn contrasts_and_long_lists_go_in_two_columns_when_the_template_has_them() {
        let mut o = outline(1);
        o.modules[0].topics[0].title = "Manual vs automatic".into();
        o.modules[0].topics[1].points = (0..7)
            .map(|p| Point {
                text: format!("Short point {p}"),
                level: 0,
            })
            .collect();
        let p = plan_course(&o, &opts(1, "en"), &Banks::default());
        let headed = p.slides.iter().any(|s| {
            matches!(&s.content, SlideContent::TwoColumn { left_heading, right_heading, .. }
                if left_heading == "Manual" && right_heading == "automatic")
        });
        assert!(headed, "{:#?}", p.slides);
        assert!(p.slides.iter().any(
            |s| matches!(&s.content, SlideContent::TwoColumn { title, left_heading, .. }
            if title == "Topic 0.1" && left_heading.is_empty())
        ));
        let without = CourseOptions {
            two_columns: false,
            ..opts(1, "en")
        };
        let p = plan_course(&o, &without, &Banks::default());
        assert!(p
            .slides
            .iter()
            .all(|s| !matches!(s.content, SlideContent::TwoColumn { .. })));
    }

    #[test]
    fn labels_follow_the_language() {
        let fr = plan_course(&outline(1), &opts(1, "fr"), &Banks::default());
        assert!(matches!(&fr.slides[1].content, SlideContent::Agenda { title, .. } if title == "Programme"));
        assert_eq!(fr.lang.as_deref(), Some("fr-FR"));
        assert!(fr.slides.iter().all(|s| s.notes.starts_with("Environ ")));
        let de = plan_course(&outline(1), &opts(1, "de"), &Banks::default());
        let json = serde_json::to_string(&de).expect("json");
        assert!(json.contains("Lernziele") && json.contains("Topic 0.0 erklären"));
        assert!(json.contains("Mittagspause") && json.contains("Etwa "));
    }

    #[test]
    fn the_quiz_answer_is_always_among_the_options() {
        let p = plan_course(&outline(3), &opts(1, "en"), &Banks::default());
        let quiz = p
            .slides
            .iter()
            .find(|s| matches!(&s.content, SlideContent::Bullets { title, .. } if title.starts_with("Check your understanding")))
            .expect("quiz");
        let SlideContent::Bullets { bullets, .. } = &quiz.content else {
            unreachable!()
        };
        for answer in quiz.notes.split("\n\n").filter(|a| a.starts_with("Answer")) {
            let right = answer.split(" — ").nth(1).expect("answer text");
            assert!(bullets.iter().any(|b| b.text().ends_with(right)), "{answer}");
        }
    }
}
