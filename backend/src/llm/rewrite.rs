//! Rewriting a course's slides with the AI writer — one slide or a whole
//! module's, with the editor's instruction ("shorter", "add an example from
//! retail"), or every slide into another language. One call per group of
//! slides; the answer must give back the same slides (ids, in order) with
//! new words, and nothing else changes: kinds, modules, layouts, bank
//! slides' designs and every slide outside the group stay as they were.

use serde::Deserialize;
use serde_json::json;
use types::content::{Line, SlideText};

use super::call::{Message, Request};
use super::{Llm, LlmError, Meter};

/// At most this many characters of instruction.
pub const MAX_INSTRUCTION_CHARS: usize = 500;

#[derive(Deserialize)]
struct Answer {
    slides: Vec<AnsweredSlide>,
}

#[derive(Deserialize)]
struct AnsweredSlide {
    id: String,
    title: String,
    #[serde(default)]
    subtitle: String,
    #[serde(default)]
    bullets: Vec<Line>,
    #[serde(default)]
    right: Vec<Line>,
    #[serde(default)]
    notes: String,
}

fn lines_schema() -> serde_json::Value {
    json!({
        "type": "array",
        "items": {
            "type": "object",
            "required": ["text", "level"],
            "additionalProperties": false,
            "properties": {
                "text": { "type": "string" },
                "level": { "type": "integer", "minimum": 0, "maximum": 2 }
            }
        }
    })
}

fn schema() -> serde_json::Value {
    json!({
        "type": "object",
        "required": ["slides"],
        "additionalProperties": false,
        "properties": {
            "slides": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["id", "title", "subtitle", "bullets", "right", "notes"],
                    "additionalProperties": false,
                    "properties": {
                        "id": { "type": "string" },
                        "title": { "type": "string" },
                        "subtitle": { "type": "string" },
                        "bullets": lines_schema(),
                        "right": lines_schema(),
                        "notes": { "type": "string" }
                    }
                }
            }
        }
    })
}

/// What the model is shown of a slide.
fn shown(s: &SlideText) -> serde_json::Value {
    json!({
        "id": s.id,
        "kind": s.kind,
        "title": s.title,
        "subtitle": s.subtitle.clone().unwrap_or_default(),
        "bullets": s.bullets.clone().unwrap_or_default(),
        "right": s.right.clone().unwrap_or_default(),
        "notes": s.notes,
    })
}

/// `slides` with new words from the model, following `instruction`; the
/// same slides, in the same order. `purpose` names the call in the usage
/// records ("rewrite slide s12", "translate module 2").
pub async fn rewrite_slides(
    llm: &Llm,
    meter: &Meter,
    context: &str,
    slides: &[SlideText],
    instruction: &str,
    purpose: String,
) -> Result<Vec<SlideText>, LlmError> {
    let data = serde_json::to_string_pretty(&slides.iter().map(shown).collect::<Vec<_>>())
        .map_err(|e| LlmError::Protocol(e.to_string()))?;
    let prompt = format!(
        "{instruction}\n\nThe slides, as JSON:\n```json\n{data}\n```\n\n\
         Answer with every one of these slides, in the same order and with the same ids. For each: its title, \
         subtitle, bullets (levels 0–2), right column and speaker notes. A field that is empty stays empty; a \
         `clone` slide (from the bank) keeps its title and only its notes may change. Keep each list about as \
         long as it is, unless the instruction says otherwise, and keep the notes' timings (minutes)."
    );
    let req = Request {
        context: context.to_string(),
        messages: vec![Message {
            role: "user",
            content: prompt,
        }],
        tool: "rewrite_slides",
        schema: schema(),
        purpose,
    };
    let reply = llm.call(&req, meter).await?;
    let answer: Answer = serde_json::from_str(&reply.json)
        .map_err(|e| LlmError::Protocol(format!("the answer is not of the required shape: {e}")))?;
    if answer.slides.len() != slides.len() {
        return Err(LlmError::Protocol(format!(
            "the answer has {} slides; {} were sent",
            answer.slides.len(),
            slides.len()
        )));
    }
    slides
        .iter()
        .zip(answer.slides)
        .map(|(old, new)| {
            if new.id != old.id {
                return Err(LlmError::Protocol(format!(
                    "the answer gives slide {} where {} was expected",
                    new.id, old.id
                )));
            }
            let mut s = old.clone();
            if s.kind != "clone" {
                s.title = new.title;
            }
            s.subtitle = s.subtitle.as_ref().map(|_| new.subtitle);
            s.bullets = s.bullets.as_ref().map(|_| new.bullets);
            s.right = s.right.as_ref().map(|_| new.right);
            s.notes = new.notes;
            Ok(s)
        })
        .collect()
}
