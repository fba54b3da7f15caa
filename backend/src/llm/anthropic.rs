//! The Anthropic Messages API: the shared course context as a cached system
//! block, the answer forced through a tool whose input schema is the plan's.

use serde_json::{json, Value};

use super::call::{read_json, LlmError, Reply, Request, Usage, Wire};
use crate::secret::Secret;

pub const VERSION: &str = "2023-06-01";

pub async fn send(llm: &Wire<'_>, base: &str, key: &Secret, req: &Request) -> Result<Reply, LlmError> {
    let body = json!({
        "model": llm.model,
        "max_tokens": llm.max_output_tokens,
        "system": [{
            "type": "text",
            "text": req.context,
            "cache_control": { "type": "ephemeral" }
        }],
        "messages": req.messages.iter().map(|m| json!({ "role": m.role, "content": m.content })).collect::<Vec<_>>(),
        "tools": [{
            "name": req.tool,
            "description": "Record the answer. Always answer by calling this tool.",
            "input_schema": req.schema,
        }],
        "tool_choice": { "type": "tool", "name": req.tool },
    });
    let res = llm
        .http
        .post(format!("{base}/v1/messages"))
        .header("x-api-key", key.expose())
        .header("anthropic-version", VERSION)
        .json(&body)
        .send()
        .await
        .map_err(LlmError::from_reqwest)?;
    parse(&read_json(res).await?)
}

/// The tool input (or, failing that, the text) and the usage of a response.
pub fn parse(v: &Value) -> Result<Reply, LlmError> {
    let u = &v["usage"];
    let n = |k: &str| u[k].as_u64().unwrap_or(0);
    let usage = Usage {
        input: n("input_tokens"),
        output: n("output_tokens"),
        cache_write: n("cache_creation_input_tokens"),
        cache_read: n("cache_read_input_tokens"),
    };
    let blocks = v["content"]
        .as_array()
        .ok_or_else(|| LlmError::Protocol("the response has no content".into()))?;
    let json = blocks
        .iter()
        .find(|b| b["type"] == "tool_use")
        .map(|b| b["input"].to_string())
        .or_else(|| {
            // A model that answered in text instead: let validation judge it.
            blocks
                .iter()
                .filter_map(|b| b["text"].as_str())
                .reduce(|a, _| a)
                .map(String::from)
        })
        .ok_or_else(|| LlmError::Protocol("the response has neither a tool call nor text".into()))?;
    Ok(Reply { json, usage })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tool_input_and_cache_tokens_are_read() {
        let v = json!({
            "content": [{"type": "text", "text": "thinking"}, {"type": "tool_use", "id": "t1", "name": "x", "input": {"a": 1}}],
            "usage": {"input_tokens": 12, "output_tokens": 34, "cache_creation_input_tokens": 500, "cache_read_input_tokens": 0}
        });
        let r = parse(&v).expect("parse");
        assert_eq!(r.json, r#"{"a":1}"#);
        assert_eq!(
            (
                r.usage.input,
                r.usage.output,
                r.usage.cache_write,
                r.usage.cache_read
            ),
            (12, 34, 500, 0)
        );
        assert!(parse(&json!({"usage": {}})).is_err());
    }
}
