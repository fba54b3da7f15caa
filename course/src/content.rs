//! What a writer produces for one module — the words on its slides — and
//! the checks any writer's output must pass before it reaches the deck.
//!
//! Two writers fill [`ModuleText`]: the offline writer below (it only
//! rearranges the outline's own words) and the AI writer
//! (`server::llm::writer`), whose JSON answers are parsed into the same type
//! and validated with [`ModuleText::validate`]. The planner assembles the
//! deck from one `ModuleText` per module, whoever wrote it.

use serde::{Deserialize, Serialize};

use crate::labels::Labels;
use types::outline::{Module, Topic};

pub const MAX_TITLE: usize = 100;
pub const MAX_BULLET: usize = 220;
pub const MAX_NOTES: usize = 3000;
pub const MAX_BULLETS: usize = 9;

/// The text of one module.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModuleText {
    /// Learning objectives (1–6).
    pub objectives: Vec<String>,
    /// One content slide per topic, in the outline's order.
    pub slides: Vec<TopicText>,
    /// Recap bullets (1–8).
    pub recap: Vec<String>,
    /// Quiz questions (0–5).
    #[serde(default)]
    pub quiz: Vec<Question>,
    /// Infographics chosen from the candidates offered for this module; `None`
    /// lets the planner rank the bank itself (the offline writer's choice).
    #[serde(default)]
    pub infographics: Option<Vec<InfographicPick>>,
    /// The module's exercise; `None` (texts stored before activities
    /// existed) gets the offline writer's.
    #[serde(default)]
    pub activity: Option<ActivityText>,
}

/// A module's activity or exercise: what the groups do and the debrief.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActivityText {
    pub title: String,
    /// The task, step by step (1–5).
    pub steps: Vec<String>,
    /// Debrief questions (1–4).
    pub debrief: Vec<String>,
    /// Facilitator notes.
    pub notes: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TopicText {
    pub title: String,
    pub bullets: Vec<BulletText>,
    pub notes: String,
}

/// A bullet; AI answers may give plain strings (level 0).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum BulletText {
    Plain(String),
    Leveled { text: String, level: u8 },
}

impl BulletText {
    pub fn text(&self) -> &str {
        match self {
            BulletText::Plain(t) | BulletText::Leveled { text: t, .. } => t,
        }
    }
    pub fn level(&self) -> u8 {
        match self {
            BulletText::Plain(_) => 0,
            BulletText::Leveled { level, .. } => *level,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Question {
    pub question: String,
    pub options: Vec<String>,
    /// Index of the right option.
    pub answer: usize,
}

/// An infographic the writer chose for a topic, with its reason.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InfographicPick {
    /// Index of the topic in the module.
    pub topic: usize,
    /// The candidate's id (its index in the tagged bank).
    pub id: usize,
    pub reason: String,
}

/// An infographic offered to the writer for one topic.
#[derive(Debug, Clone, Serialize)]
pub struct Candidate {
    pub id: usize,
    pub topic: usize,
    pub title: String,
    pub tags: Vec<String>,
}

fn check_text(errors: &mut Vec<String>, at: &str, text: &str, max: usize) {
    let n = text.chars().count();
    if text.trim().is_empty() {
        errors.push(format!("{at} is empty"));
    } else if n > max {
        errors.push(format!("{at} has {n} characters; at most {max} are allowed"));
    }
}

fn check_count(errors: &mut Vec<String>, at: &str, n: usize, min: usize, max: usize) {
    if n < min || n > max {
        errors.push(format!(
            "{at} has {n} items; between {min} and {max} are required"
        ));
    }
}

impl ModuleText {
    /// Every way this text breaks the plan's rules for `module`, as messages
    /// a model can act on; empty when the text is acceptable.
    pub fn validate(&self, module: &Module, candidates: &[Candidate]) -> Vec<String> {
        let mut e = Vec::new();
        check_count(&mut e, "objectives", self.objectives.len(), 1, 6);
        for (i, o) in self.objectives.iter().enumerate() {
            check_text(&mut e, &format!("objectives[{i}]"), o, MAX_BULLET);
        }
        if self.slides.len() != module.topics.len() {
            e.push(format!(
                "slides has {} items; exactly {} are required, one per topic in order",
                self.slides.len(),
                module.topics.len()
            ));
        }
        for (i, s) in self.slides.iter().enumerate() {
            check_text(&mut e, &format!("slides[{i}].title"), &s.title, MAX_TITLE);
            check_count(
                &mut e,
                &format!("slides[{i}].bullets"),
                s.bullets.len(),
                1,
                MAX_BULLETS,
            );
            for (k, b) in s.bullets.iter().enumerate() {
                check_text(&mut e, &format!("slides[{i}].bullets[{k}]"), b.text(), MAX_BULLET);
                if b.level() > 2 {
                    e.push(format!("slides[{i}].bullets[{k}].level must be 0, 1 or 2"));
                }
            }
            check_text(&mut e, &format!("slides[{i}].notes"), &s.notes, MAX_NOTES);
        }
        check_count(&mut e, "recap", self.recap.len(), 1, 8);
        for (i, r) in self.recap.iter().enumerate() {
            check_text(&mut e, &format!("recap[{i}]"), r, MAX_BULLET);
        }
        check_count(&mut e, "quiz", self.quiz.len(), 0, 5);
        for (i, q) in self.quiz.iter().enumerate() {
            check_text(&mut e, &format!("quiz[{i}].question"), &q.question, MAX_BULLET);
            check_count(&mut e, &format!("quiz[{i}].options"), q.options.len(), 2, 5);
            for (k, o) in q.options.iter().enumerate() {
                check_text(&mut e, &format!("quiz[{i}].options[{k}]"), o, MAX_BULLET);
            }
            if q.answer >= q.options.len() {
                e.push(format!(
                    "quiz[{i}].answer is {}; it must index one of the {} options",
                    q.answer,
                    q.options.len()
                ));
            }
        }
        if let Some(a) = &self.activity {
            check_text(&mut e, "activity.title", &a.title, MAX_TITLE);
            check_count(&mut e, "activity.steps", a.steps.len(), 1, 5);
            for (i, t) in a.steps.iter().enumerate() {
                check_text(&mut e, &format!("activity.steps[{i}]"), t, MAX_BULLET);
            }
            check_count(&mut e, "activity.debrief", a.debrief.len(), 1, 4);
            for (i, t) in a.debrief.iter().enumerate() {
                check_text(&mut e, &format!("activity.debrief[{i}]"), t, MAX_BULLET);
            }
            check_text(&mut e, "activity.notes", &a.notes, MAX_NOTES);
        }
        if let Some(picks) = &self.infographics {
            let mut topics = std::collections::HashSet::new();
            for (i, p) in picks.iter().enumerate() {
                if !candidates.iter().any(|c| c.id == p.id && c.topic == p.topic) {
                    e.push(format!(
                        "infographics[{i}] names id {} for topic {}, which is not one of the candidates offered for that topic",
                        p.id, p.topic
                    ));
                }
                if !topics.insert(p.topic) {
                    e.push(format!("infographics[{i}]: at most one infographic per topic"));
                }
                check_text(
                    &mut e,
                    &format!("infographics[{i}].reason"),
                    &p.reason,
                    MAX_BULLET,
                );
            }
        }
        e
    }

    /// The JSON schema of the answer asked of a model.
    pub fn schema() -> serde_json::Value {
        let text = serde_json::json!({ "type": "string" });
        let texts = serde_json::json!({ "type": "array", "items": text });
        serde_json::json!({
            "type": "object",
            "required": ["objectives", "slides", "recap", "quiz", "infographics", "activity"],
            "additionalProperties": false,
            "properties": {
                "objectives": texts,
                "slides": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["title", "bullets", "notes"],
                        "additionalProperties": false,
                        "properties": {
                            "title": text,
                            "bullets": texts,
                            "notes": text
                        }
                    }
                },
                "recap": texts,
                "quiz": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["question", "options", "answer"],
                        "additionalProperties": false,
                        "properties": {
                            "question": text,
                            "options": texts,
                            "answer": { "type": "integer", "minimum": 0 }
                        }
                    }
                },
                "activity": {
                    "type": "object",
                    "required": ["title", "steps", "debrief", "notes"],
                    "additionalProperties": false,
                    "properties": {
                        "title": text,
                        "steps": texts,
                        "debrief": texts,
                        "notes": text
                    }
                },
                "infographics": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["topic", "id", "reason"],
                        "additionalProperties": false,
                        "properties": {
                            "topic": { "type": "integer", "minimum": 0 },
                            "id": { "type": "integer", "minimum": 0 },
                            "reason": text
                        }
                    }
                }
            }
        })
    }
}

// ---- the offline writer ----

fn objective(l: &Labels, lang: &str, i: usize, topic: &str) -> String {
    let verb = l.objective_verbs[i % l.objective_verbs.len()];
    if lang == "de" {
        format!("{topic} {verb}")
    } else {
        format!("{verb} {}", lowercase_first(topic))
    }
}

pub fn lowercase_first(s: &str) -> String {
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

/// Up to three questions per module: from its points (the right answer a
/// point of the topic, distractors points of other modules), or, for a
/// module without points, from its topics (distractors other modules'
/// topics; a true/false question when the course has no other module).
pub fn quiz(l: &Labels, module: &Module, others: &[&Module]) -> Vec<Question> {
    let point_distractors: Vec<&str> = others
        .iter()
        .flat_map(|m| {
            m.topics
                .iter()
                .flat_map(|t| t.points.iter().map(|p| p.text.as_str()))
        })
        .collect();
    let with_points: Vec<&Topic> = module.topics.iter().filter(|t| !t.points.is_empty()).collect();
    let seed = module.title.len();
    if !with_points.is_empty() {
        return with_points
            .into_iter()
            .take(3)
            .enumerate()
            .map(|(qi, t)| {
                let right = t.points[qi % t.points.len()].text.as_str();
                let question = l.quiz_frame.replace("{topic}", &t.title);
                if point_distractors.is_empty() {
                    return true_false(l, &question, right);
                }
                choice(question, right, &point_distractors, qi, seed)
            })
            .collect();
    }
    let topic_distractors: Vec<&str> = others
        .iter()
        .flat_map(|m| m.topics.iter().map(|t| t.title.as_str()))
        .filter(|d| !module.topics.iter().any(|t| t.title == *d))
        .collect();
    module
        .topics
        .iter()
        .take(3)
        .enumerate()
        .map(|(qi, t)| {
            if topic_distractors.is_empty() {
                true_false(l, l.topic_quiz_frame, &t.title)
            } else {
                choice(
                    l.topic_quiz_frame.to_string(),
                    &t.title,
                    &topic_distractors,
                    qi,
                    seed,
                )
            }
        })
        .collect()
}

fn choice(question: String, right: &str, distractors: &[&str], qi: usize, seed: usize) -> Question {
    let mut options: Vec<&str> = vec![right];
    for k in 0..2 {
        let d = distractors[(qi * 7 + k * 3 + seed) % distractors.len()];
        if !options.contains(&d) {
            options.push(d);
        }
    }
    if options.len() < 2 {
        options.push(distractors.iter().copied().find(|d| *d != right).unwrap_or("—"));
    }
    // Deterministic shuffle: rotate by the question number.
    let rot = qi % options.len();
    options.rotate_left(rot);
    Question {
        question,
        answer: options.iter().position(|o| *o == right).unwrap_or(0),
        options: options.into_iter().map(String::from).collect(),
    }
}

/// "Statement — true or false?" with the statement taken from the course.
fn true_false(l: &Labels, question: &str, statement: &str) -> Question {
    Question {
        question: format!("{question} {statement}"),
        options: l.true_false.iter().map(|s| s.to_string()).collect(),
        answer: 0,
    }
}

/// The offline activity of the course's `number`th module (0-based): the
/// formats take turns — groups apply a topic to a case from their work,
/// pairs teach each other, groups plan for a situation — so no two modules
/// in a row run the same exercise.
pub fn offline_activity(l: &Labels, module: &Module, number: usize, group_minutes: u16) -> ActivityText {
    let format = number % l.activity_steps.len();
    let topics: Vec<&str> = module.topics.iter().take(4).map(|t| t.title.as_str()).collect();
    let topics = if topics.is_empty() {
        module.title.clone()
    } else {
        topics.join("; ")
    };
    ActivityText {
        title: format!("{}: {}", l.activity, module.title),
        steps: l.activity_steps[format]
            .iter()
            .map(|s| {
                s.replace("{topics}", &topics)
                    .replace("{n}", &group_minutes.to_string())
            })
            .collect(),
        debrief: l.debrief_questions[format]
            .iter()
            .map(|s| s.to_string())
            .collect(),
        notes: l.activity_notes.replace("{n}", &group_minutes.to_string()),
    }
}

/// The offline writer: the module's own words, arranged. `others` are the
/// course's other modules (quiz distractors come from them). A topic
/// without points gets no bullets: the planner makes it a discussion.
pub fn offline(l: &Labels, lang: &str, module: &Module, others: &[&Module]) -> ModuleText {
    let objectives = module
        .topics
        .iter()
        .take(6)
        .enumerate()
        .map(|(i, t)| objective(l, lang, i, &t.title))
        .collect::<Vec<_>>();
    let slides = module
        .topics
        .iter()
        .map(|t| TopicText {
            title: t.title.clone(),
            bullets: t
                .points
                .iter()
                .map(|p| BulletText::Leveled {
                    text: p.text.clone(),
                    level: p.level,
                })
                .collect(),
            notes: topic_notes(l, t),
        })
        .collect();
    let recap = module
        .topics
        .iter()
        .map(|t| match t.points.first() {
            Some(p) => format!("{} — {}", t.title, p.text),
            None => t.title.clone(),
        })
        .collect();
    ModuleText {
        objectives: if objectives.is_empty() {
            vec![module.title.clone()]
        } else {
            objectives
        },
        slides,
        recap,
        quiz: quiz(l, module, others),
        infographics: None,
        activity: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::labels::labels;
    use types::outline::Point;

    fn module() -> Module {
        Module {
            title: "Fire safety".into(),
            topics: (0..3)
                .map(|t| Topic {
                    title: format!("Topic {t}"),
                    points: (0..3)
                        .map(|p| Point {
                            text: format!("Point {t}.{p}"),
                            level: 0,
                        })
                        .collect(),
                })
                .collect(),
        }
    }

    #[test]
    fn the_offline_writer_passes_its_own_checks() {
        let m = module();
        let other = module();
        let text = offline(labels("en"), "en", &m, &[&other]);
        assert_eq!(text.validate(&m, &[]), Vec::<String>::new());
        assert_eq!(text.slides.len(), 3);
    }

    #[test]
    fn validation_names_each_problem() {
        let m = module();
        let mut text = offline(labels("en"), "en", &m, &[]);
        text.slides.pop();
        text.objectives.clear();
        text.quiz = vec![Question {
            question: "Q".into(),
            options: vec!["a".into(), "b".into()],
            answer: 2,
        }];
        text.infographics = Some(vec![InfographicPick {
            topic: 0,
            id: 9,
            reason: "fits".into(),
        }]);
        let cands = [Candidate {
            id: 1,
            topic: 0,
            title: "Flow".into(),
            tags: vec![],
        }];
        let errors = text.validate(&m, &cands);
        let joined = errors.join("\n");
        assert!(joined.contains("objectives has 0 items"), "{joined}");
        assert!(joined.contains("exactly 3 are required"), "{joined}");
        assert!(joined.contains("quiz[0].answer is 2"), "{joined}");
        assert!(joined.contains("id 9 for topic 0"), "{joined}");
        assert_eq!(errors.len(), 4, "{joined}");
    }

    #[test]
    fn plain_and_leveled_bullets_parse() {
        let t: TopicText =
            serde_json::from_str(r#"{"title":"T","bullets":["a",{"text":"b","level":1}],"notes":"n"}"#)
                .expect("parse");
        assert_eq!(t.bullets[0].level(), 0);
        assert_eq!(t.bullets[1].text(), "b");
        assert_eq!(t.bullets[1].level(), 1);
    }
}
