//! Test doubles of the model APIs at the network's edge: wiremock servers
//! that answer like the Anthropic Messages API or an OpenAI-compatible
//! server, writing a valid module from the JSON block in the prompt — and a
//! script hook to inject errors, delays and bad answers per call.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Api {
    Anthropic,
    OpenAi,
}

/// A per-call override: given the call number (0-based) and the request
/// body, answer differently (`None` = the normal good answer).
pub type Script = Arc<dyn Fn(usize, &Value) -> Option<ResponseTemplate> + Send + Sync>;

pub struct Fake {
    api: Api,
    calls: Arc<AtomicUsize>,
    script: Script,
}

/// Tokens the fake reports per call: the first call writes the prompt
/// cache, later ones read it.
pub const INPUT: u64 = 100;
pub const OUTPUT: u64 = 200;
pub const CACHE: u64 = 1000;

/// The prompt's text (the last user message).
pub fn prompt(api: Api, body: &Value) -> String {
    let msgs = body["messages"].as_array().cloned().unwrap_or_default();
    let _ = api;
    msgs.iter()
        .rev()
        .find(|m| m["role"] == "user")
        .and_then(|m| m["content"].as_str())
        .unwrap_or("")
        .to_string()
}

/// Which tool/schema the call asks for: "write_module" or "review_course".
pub fn tool(api: Api, body: &Value) -> String {
    match api {
        Api::Anthropic => body["tool_choice"]["name"].as_str().unwrap_or("").into(),
        Api::OpenAi => body["response_format"]["json_schema"]["name"]
            .as_str()
            .map(String::from)
            .unwrap_or_else(|| {
                if prompt(api, body).contains("Review this course") {
                    "review_course".into()
                } else if prompt(api, body).contains("The slides, as JSON") {
                    "rewrite_slides".into()
                } else {
                    "write_module".into()
                }
            }),
    }
}

/// A valid module answer for the module described in the prompt.
pub fn module_answer(prompt: &str) -> Value {
    let start = prompt.find("```json").map(|i| i + 7).unwrap_or(0);
    let end = prompt[start..]
        .find("```")
        .map(|i| start + i)
        .unwrap_or(prompt.len());
    let data: Value = serde_json::from_str(prompt[start..end].trim()).unwrap_or(Value::Null);
    let topics = data["topics"].as_array().cloned().unwrap_or_default();
    let cands = data["infographic_candidates"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let slides: Vec<Value> = topics
        .iter()
        .map(|t| {
            let title = t["title"].as_str().unwrap_or("");
            json!({
                "title": format!("AI: {title}"),
                "bullets": [format!("Why {title} matters"), format!("How to apply {title}"), "Common mistakes to avoid"],
                "notes": format!("AI notes. Explain {title} with a short example from the workplace, then ask the group for their own.")
            })
        })
        .collect();
    let picks: Vec<Value> = cands
        .first()
        .map(|c| vec![json!({"topic": c["topic"], "id": c["id"], "reason": "Shows the steps at a glance"})])
        .unwrap_or_default();
    json!({
        "objectives": ["Explain the key ideas", "Apply them on the job"],
        "slides": slides,
        "recap": ["AI recap one", "AI recap two", "AI recap three"],
        "quiz": [{"question": "Which is right?", "options": ["This one", "Not this", "Nor this"], "answer": 0}],
        "infographics": picks
    })
}

/// German words enough for a language detector to judge (8+ distinct words).
pub const GERMAN_LINE: &str =
    "Die Teilnehmer lernen die wichtigsten Regeln für den sicheren Umgang im Betrieb kennen";

/// The slides of a rewrite prompt given back with new words: in German
/// when the prompt asks for a translation into German, else marked
/// "Rewritten" — same ids, same order, same number of lines.
pub fn rewrite_answer(prompt: &str) -> Value {
    let start = prompt.find("```json").map(|i| i + 7).unwrap_or(0);
    let end = prompt[start..]
        .find("```")
        .map(|i| start + i)
        .unwrap_or(prompt.len());
    let slides: Vec<Value> = serde_json::from_str(prompt[start..end].trim()).unwrap_or_default();
    let german = prompt.contains("into German");
    let lines = |v: &Value, f: &dyn Fn(&str) -> String| -> Value {
        Value::Array(
            v.as_array()
                .into_iter()
                .flatten()
                .map(|l| json!({ "text": f(l["text"].as_str().unwrap_or("")), "level": l["level"].as_u64().unwrap_or(0).min(2) }))
                .collect(),
        )
    };
    let answered: Vec<Value> = slides
        .iter()
        .map(|s| {
            let (title, notes) = (s["title"].as_str().unwrap_or(""), s["notes"].as_str().unwrap_or(""));
            let sub = s["subtitle"].as_str().unwrap_or("");
            if german {
                json!({
                    "id": s["id"], "title": format!("Thema {}", s["id"].as_str().unwrap_or("")),
                    "subtitle": if sub.is_empty() { String::new() } else { "Ein Kurs für alle Mitarbeiter".into() },
                    "bullets": lines(&s["bullets"], &|_| GERMAN_LINE.to_string()),
                    "right": lines(&s["right"], &|_| GERMAN_LINE.to_string()),
                    "notes": "Der Trainer erklärt die Schritte an einem Beispiel aus dem Betrieb und fragt die Gruppe nach ihren Erfahrungen."
                })
            } else {
                json!({
                    "id": s["id"], "title": format!("Rewritten: {}", title.chars().take(150).collect::<String>()),
                    "subtitle": sub,
                    "bullets": lines(&s["bullets"], &|t| format!("Shorter: {}", t.chars().take(300).collect::<String>())),
                    "right": lines(&s["right"], &|t| format!("Shorter: {}", t.chars().take(300).collect::<String>())),
                    "notes": format!("Rewritten notes. {}", notes.chars().take(9000).collect::<String>())
                })
            }
        })
        .collect();
    json!({ "slides": answered })
}

pub fn review_answer() -> Value {
    json!({"content": 4, "coherence": 5, "summary": "A clear, well-ordered course.", "suggestions": ["Add a case study"]})
}

/// A successful response carrying `answer`, in the API's own shape.
pub fn ok(api: Api, call: usize, answer: &Value) -> ResponseTemplate {
    let (cw, cr) = if call == 0 { (CACHE, 0) } else { (0, CACHE) };
    let body = match api {
        Api::Anthropic => json!({
            "id": format!("msg_{call}"), "type": "message", "role": "assistant", "model": "claude-sonnet-4-5",
            "content": [{"type": "tool_use", "id": format!("toolu_{call}"), "name": "x", "input": answer}],
            "stop_reason": "tool_use",
            "usage": {"input_tokens": INPUT, "output_tokens": OUTPUT,
                      "cache_creation_input_tokens": cw, "cache_read_input_tokens": cr}
        }),
        Api::OpenAi => json!({
            "id": format!("chatcmpl-{call}"), "object": "chat.completion",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": answer.to_string()}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": INPUT + cr, "completion_tokens": OUTPUT, "total_tokens": INPUT + cr + OUTPUT,
                      "prompt_tokens_details": {"cached_tokens": cr}}
        }),
    };
    ResponseTemplate::new(200).set_body_json(body)
}

/// A response whose answer is not the JSON asked for.
pub fn malformed(api: Api) -> ResponseTemplate {
    let body = match api {
        Api::Anthropic => json!({
            "content": [{"type": "tool_use", "id": "toolu_bad", "name": "x", "input": {"objectives": "oops"}}],
            "usage": {"input_tokens": INPUT, "output_tokens": 10}
        }),
        Api::OpenAi => json!({
            "choices": [{"message": {"role": "assistant", "content": "{\"objectives\": [\"unterminated"}}],
            "usage": {"prompt_tokens": INPUT, "completion_tokens": 10}
        }),
    };
    ResponseTemplate::new(200).set_body_json(body)
}

impl Respond for Fake {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let call = self.calls.fetch_add(1, Ordering::SeqCst);
        let body: Value = serde_json::from_slice(&req.body).unwrap_or(Value::Null);
        if let Some(r) = (self.script)(call, &body) {
            return r;
        }
        let answer = if tool(self.api, &body) == "review_course" {
            review_answer()
        } else if tool(self.api, &body) == "rewrite_slides" {
            rewrite_answer(&prompt(self.api, &body))
        } else {
            module_answer(&prompt(self.api, &body))
        };
        ok(self.api, call, &answer)
    }
}

/// A running fake API and the number of calls it has answered.
pub struct FakeServer {
    pub server: MockServer,
    pub calls: Arc<AtomicUsize>,
    pub api: Api,
}

impl FakeServer {
    pub async fn start(api: Api, script: Script) -> FakeServer {
        let server = MockServer::start().await;
        let calls = Arc::new(AtomicUsize::new(0));
        let route = match api {
            Api::Anthropic => "/v1/messages",
            Api::OpenAi => "/v1/chat/completions",
        };
        Mock::given(method("POST"))
            .and(path(route))
            .respond_with(Fake {
                api,
                calls: calls.clone(),
                script,
            })
            .mount(&server)
            .await;
        FakeServer { server, calls, api }
    }

    pub fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }

    /// Settings pointing the app at this fake.
    pub fn config(&self) -> backend::llm::LlmConfig {
        let mut c = backend::llm::LlmConfig {
            llm_retry_base_ms: 10,
            llm_read_timeout_seconds: 20,
            ..Default::default()
        };
        match self.api {
            Api::Anthropic => {
                c.llm_provider = backend::llm::ProviderKind::Anthropic;
                c.anthropic_api_key = Some("sk-ant-test-secret-key".into());
                c.anthropic_base_url = self.server.uri();
                c.llm_model = Some("claude-sonnet-4-5".into());
            }
            Api::OpenAi => {
                c.llm_provider = backend::llm::ProviderKind::Openai;
                c.openai_api_key = Some("sk-openai-test-secret".into());
                c.openai_base_url = format!("{}/v1", self.server.uri());
                c.llm_model = Some("local-model".into());
            }
        }
        c
    }

    /// Bodies of the requests received so far.
    pub async fn bodies(&self) -> Vec<(wiremock::http::HeaderMap, Value)> {
        self.server
            .received_requests()
            .await
            .unwrap_or_default()
            .into_iter()
            .map(|r| {
                (
                    r.headers.clone(),
                    serde_json::from_slice(&r.body).unwrap_or(Value::Null),
                )
            })
            .collect()
    }
}

pub fn normal() -> Script {
    Arc::new(|_, _| None)
}
