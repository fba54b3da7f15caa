//! OpenAI-compatible chat completions: a JSON-schema response format where
//! the server supports it, JSON mode (validated afterwards) where it does not.

use serde_json::{json, Value};

use super::call::{read_json, LlmError, Reply, Request, Usage, Wire};
use crate::secret::Secret;

pub async fn send(
    llm: &Wire<'_>,
    base: &str,
    key: Option<&Secret>,
    req: &Request,
    with_schema: bool,
) -> Result<Reply, LlmError> {
    let mut messages = vec![json!({ "role": "system", "content": req.context })];
    messages.extend(
        req.messages
            .iter()
            .map(|m| json!({ "role": m.role, "content": m.content })),
    );
    let response_format = if with_schema {
        json!({ "type": "json_schema", "json_schema": { "name": req.tool, "schema": req.schema, "strict": false } })
    } else {
        json!({ "type": "json_object" })
    };
    if !with_schema {
        // JSON mode needs the shape spelled out in the conversation.
        if let Some(last) = messages.last_mut() {
            let text = format!(
                "{}\n\nAnswer with one JSON object matching this JSON schema:\n{}",
                last["content"].as_str().unwrap_or(""),
                req.schema
            );
            last["content"] = Value::String(text);
        }
    }
    let body = json!({
        "model": llm.model,
        "max_tokens": llm.max_output_tokens,
        "messages": messages,
        "response_format": response_format,
    });
    let mut rb = llm.http.post(format!("{base}/chat/completions")).json(&body);
    if let Some(key) = key {
        rb = rb.bearer_auth(key.expose());
    }
    let res = rb.send().await.map_err(LlmError::from_reqwest)?;
    parse(&read_json(res).await?)
}

/// The message content and usage; cached prompt tokens are split out of the input.
pub fn parse(v: &Value) -> Result<Reply, LlmError> {
    let u = &v["usage"];
    let prompt = u["prompt_tokens"].as_u64().unwrap_or(0);
    let cached = u["prompt_tokens_details"]["cached_tokens"].as_u64().unwrap_or(0);
    let usage = Usage {
        input: prompt.saturating_sub(cached),
        output: u["completion_tokens"].as_u64().unwrap_or(0),
        cache_write: 0,
        cache_read: cached,
    };
    let json = v["choices"][0]["message"]["content"]
        .as_str()
        .ok_or_else(|| LlmError::Protocol("the response has no message content".into()))?;
    Ok(Reply {
        json: json.to_string(),
        usage,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_and_cached_tokens_are_read() {
        let v = json!({
            "choices": [{"message": {"role": "assistant", "content": "{\"a\":1}"}}],
            "usage": {"prompt_tokens": 1000, "completion_tokens": 50, "prompt_tokens_details": {"cached_tokens": 800}}
        });
        let r = parse(&v).expect("parse");
        assert_eq!(r.json, r#"{"a":1}"#);
        assert_eq!(
            (r.usage.input, r.usage.output, r.usage.cache_read),
            (200, 50, 800)
        );
        assert!(parse(&json!({"choices": []})).is_err());
    }
}
