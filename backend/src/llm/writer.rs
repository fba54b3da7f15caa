//! The AI writer: one structured call per module (run in parallel by the
//! caller, bounded by the client's concurrency limit), validated against
//! the plan's rules and repaired at most twice; and the AI review of a
//! finished course.

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{Llm, LlmError, Message, Meter, Request};
use course::content::{Candidate, ModuleText};
use types::outline::{Module, Outline};

/// Repairs after the first answer, at most.
pub const MAX_REPAIRS: u32 = 2;

pub fn language_name(lang: &str) -> &'static str {
    match lang {
        "fr" => "French",
        "de" => "German",
        "es" => "Spanish",
        _ => "English",
    }
}

/// The context every call of a job shares (and the API may cache).
pub fn course_context(outline: &Outline, days: u8, lang: &str) -> String {
    let mut s = format!(
        "You write instructor-led corporate training courses as slide decks.\n\
         Course: \"{}\" — {days} day(s), written in {}.\n\n\
         Rules for everything you write:\n\
         - Write only in {}.\n\
         - Slide titles: at most 8 words. Bullets: 2 to 6 per slide, each at most 15 words, no full stop at the end.\n\
         - Speaker notes: 60 to 150 words of full sentences the trainer can say, adding explanation and an example.\n\
         - Stay within the outline's scope. Never invent statistics, quotations, laws or named sources.\n\
         - Keep the outline's terms; explain jargon once.\n\n\
         The whole course outline (modules, topics, points):\n",
        outline.title,
        language_name(lang),
        language_name(lang)
    );
    for (mi, m) in outline.modules.iter().enumerate() {
        s.push_str(&format!("Module {}: {}\n", mi + 1, m.title));
        for t in &m.topics {
            s.push_str(&format!("  - {}\n", t.title));
            for p in &t.points {
                s.push_str(&format!(
                    "{}    · {}\n",
                    "  ".repeat(usize::from(p.level)),
                    p.text
                ));
            }
        }
    }
    s
}

/// What the model is told about one module (the JSON block also lets a
/// test double answer without guessing).
pub fn module_prompt(index: usize, total: usize, module: &Module, candidates: &[Candidate]) -> String {
    let data = json!({
        "module": index + 1,
        "title": module.title,
        "topics": module.topics.iter().enumerate().map(|(i, t)| json!({
            "index": i,
            "title": t.title,
            "points": t.points.iter().map(|p| &p.text).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "infographic_candidates": candidates,
    });
    format!(
        "Write module {} of {total}, \"{}\".\n\n```json\n{data:#}\n```\n\n\
         Answer with:\n\
         - objectives: 2 to 5 learning objectives, each starting with an action verb.\n\
         - slides: exactly one slide per topic, in the same order (slides[i] is topic i), with title, bullets and notes.\n\
         - recap: 3 to 5 bullets summarising the module.\n\
         - quiz: 2 or 3 multiple-choice questions with 3 or 4 options each and `answer`, the index of the right option; ask about the module's points, or its topics when it has none.\n\
         - activity: one exercise for the whole module: a title, 2 to 4 steps the groups follow (say how many minutes for the group work), 2 or 3 debrief questions, and facilitator notes.\n\
         - A topic without points gets discussion prompts as bullets; never a bullet that only repeats the slide title.\n\
         - infographics: for a topic with candidates, the one candidate (`topic` and `id`) that really illustrates it, with a one-line reason; leave a topic out when none fits. An empty list is fine.",
        index + 1,
        module.title
    )
}

/// Why a module was not written by the model.
#[derive(Debug)]
pub enum ModuleError {
    /// The job cannot go on (budget spent, usage not recordable).
    Fatal(LlmError),
    /// This module falls back to the offline writer.
    GiveUp(String),
}

/// A module's accepted text and the number of calls it took.
pub async fn write_module(
    llm: &Llm,
    meter: &Meter,
    context: &str,
    index: usize,
    total: usize,
    module: &Module,
    candidates: &[Candidate],
) -> Result<(ModuleText, u32), ModuleError> {
    let prompt = module_prompt(index, total, module, candidates);
    let mut content = prompt.clone();
    for attempt in 0..=MAX_REPAIRS {
        let req = Request {
            context: context.to_string(),
            messages: vec![Message {
                role: "user",
                content: content.clone(),
            }],
            tool: "write_module",
            schema: ModuleText::schema(),
            purpose: if attempt == 0 {
                format!("module {}", index + 1)
            } else {
                format!("module {} repair {attempt}", index + 1)
            },
        };
        let reply = match llm.call(&req, meter).await {
            Ok(r) => r,
            Err(e @ (LlmError::Budget { .. } | LlmError::Record(_))) => return Err(ModuleError::Fatal(e)),
            Err(e) => {
                tracing::warn!(error = %e, "model call failed");
                return Err(ModuleError::GiveUp(e.summary()));
            }
        };
        let errors = match serde_json::from_str::<ModuleText>(&reply.json) {
            Ok(text) => {
                let errors = text.validate(module, candidates);
                if errors.is_empty() {
                    return Ok((text, attempt + 1));
                }
                errors
            }
            Err(e) => vec![format!("the answer is not JSON of the required shape: {e}")],
        };
        tracing::info!(
            module = index + 1,
            attempt,
            problems = errors.len(),
            "module answer rejected"
        );
        if attempt == MAX_REPAIRS {
            return Err(ModuleError::GiveUp(format!(
                "the answer still failed validation after {MAX_REPAIRS} repairs: {}",
                errors.join("; ")
            )));
        }
        let previous: String = reply.json.chars().take(30_000).collect();
        content = format!(
            "{prompt}\n\nYour previous answer was:\n```json\n{previous}\n```\n\
             It was rejected for these reasons:\n- {}\n\n\
             Answer again with the complete, corrected answer.",
            errors.join("\n- ")
        );
    }
    Err(ModuleError::GiveUp("no answer".into()))
}

/// The AI review of a finished course.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Review {
    /// 1–5: accurate, specific, covers the outline at the right depth.
    pub content: u8,
    /// 1–5: logical order, consistent terms, objectives/recap/quiz match the slides.
    pub coherence: u8,
    pub summary: String,
    #[serde(default)]
    pub suggestions: Vec<String>,
}

fn review_schema() -> serde_json::Value {
    json!({
        "type": "object",
        "required": ["content", "coherence", "summary", "suggestions"],
        "additionalProperties": false,
        "properties": {
            "content": { "type": "integer", "minimum": 1, "maximum": 5 },
            "coherence": { "type": "integer", "minimum": 1, "maximum": 5 },
            "summary": { "type": "string" },
            "suggestions": { "type": "array", "items": { "type": "string" } }
        }
    })
}

/// Asks the model to grade the course's text (`digest`: the slides as text).
pub async fn review(llm: &Llm, meter: &Meter, context: &str, digest: &str) -> Result<Review, LlmError> {
    let digest: String = digest.chars().take(60_000).collect();
    let req = Request {
        context: context.to_string(),
        messages: vec![Message {
            role: "user",
            content: format!(
                "Review this course as a senior instructional designer. The slides, in order:\n\n{digest}\n\n\
                 Grade two things from 1 to 5 with this rubric:\n\
                 content — 5: accurate, specific and covers every outline topic at the right depth; \
                 3: mostly right but generic or uneven; 1: wrong, empty or off-topic.\n\
                 coherence — 5: logical order, consistent terms, objectives, recaps and quizzes match the slides; \
                 3: some jumps or mismatches; 1: disjointed.\n\
                 Give a one-paragraph summary and at most 5 concrete suggestions."
            ),
        }],
        tool: "review_course",
        schema: review_schema(),
        purpose: "review".into(),
    };
    let reply = llm.call(&req, meter).await?;
    let r: Review = serde_json::from_str(&reply.json)
        .map_err(|e| LlmError::Protocol(format!("the review is not of the required shape: {e}")))?;
    if !(1..=5).contains(&r.content) || !(1..=5).contains(&r.coherence) {
        return Err(LlmError::Protocol(
            "the review's grades are not between 1 and 5".into(),
        ));
    }
    Ok(r)
}

/// The combined QA score (0–100): 60% the deck engine's lint score, 40% the
/// AI review mapped from 2–10 (content + coherence) onto 0–100. Without a
/// review the lint score stands alone. Verdict: `fail` below 60 or when the
/// lint failed; `review` below 85, when any module fell back to the offline
/// writer, or when the lint asked for review; otherwise `pass`.
pub fn combine(
    lint_score: u8,
    lint_verdict: &str,
    review: Option<&Review>,
    fallbacks: usize,
) -> (u8, String) {
    let score = match review {
        Some(r) => {
            let ai = f64::from(r.content + r.coherence - 2) / 8.0 * 100.0;
            (0.6 * f64::from(lint_score) + 0.4 * ai).round() as u8
        }
        None => lint_score,
    };
    let verdict = if score < 60 || lint_verdict == "fail" {
        "fail"
    } else if score < 85 || fallbacks > 0 || lint_verdict == "review" {
        "review"
    } else {
        "pass"
    };
    (score, verdict.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(content: u8, coherence: u8) -> Review {
        Review {
            content,
            coherence,
            summary: String::new(),
            suggestions: vec![],
        }
    }

    #[test]
    fn the_combined_score_follows_the_documented_formula() {
        assert_eq!(combine(100, "pass", Some(&r(5, 5)), 0), (100, "pass".into()));
        // 0.6 × 90 + 0.4 × 50 = 74
        assert_eq!(combine(90, "pass", Some(&r(3, 3)), 0), (74, "review".into()));
        assert_eq!(combine(95, "pass", None, 0), (95, "pass".into()));
        // A fallback module never passes.
        assert_eq!(combine(100, "pass", Some(&r(5, 5)), 1), (100, "review".into()));
        assert_eq!(combine(70, "pass", Some(&r(1, 1)), 0), (42, "fail".into()));
    }

    #[test]
    fn the_module_prompt_carries_the_topics_and_candidates() {
        let m = Module {
            title: "Hazards".into(),
            topics: vec![types::outline::Topic {
                title: "Fire".into(),
                points: vec![],
            }],
        };
        let c = [Candidate {
            id: 4,
            topic: 0,
            title: "Evacuation flow".into(),
            tags: vec!["fire".into()],
        }];
        let p = module_prompt(1, 3, &m, &c);
        assert!(p.contains("module 2 of 3") || p.contains("Write module 2 of 3"));
        assert!(p.contains("\"Evacuation flow\"") && p.contains("\"Fire\""));
    }
}
