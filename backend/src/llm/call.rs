//! One model call, whichever API answers it: the request, the reply with
//! its tokens, the errors (and which of them are worth a retry), and reading
//! an API's response. The provider modules speak their wire formats in
//! these terms.

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// The HTTP client and model settings a provider module sends with.
pub(crate) struct Wire<'a> {
    pub http: &'a reqwest::Client,
    pub model: &'a str,
    pub max_output_tokens: u32,
}

/// Tokens of one call (or a sum of calls).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Usage {
    /// Input tokens billed at the full rate (cached tokens excluded).
    pub input: u64,
    pub output: u64,
    /// Input tokens written to the prompt cache.
    pub cache_write: u64,
    /// Input tokens read from the prompt cache.
    pub cache_read: u64,
}

impl Usage {
    pub fn total(&self) -> u64 {
        self.input + self.output + self.cache_write + self.cache_read
    }
}

/// One message of a conversation (user or assistant).
#[derive(Debug, Clone)]
pub struct Message {
    pub role: &'static str,
    pub content: String,
}

/// A request for a structured answer.
#[derive(Debug, Clone)]
pub struct Request {
    /// Context shared by every call of a job (marked for prompt caching).
    pub context: String,
    /// The task's own instructions and data.
    pub messages: Vec<Message>,
    /// Name of the answer's "tool" (Anthropic) or schema (OpenAI).
    pub tool: &'static str,
    pub schema: serde_json::Value,
    /// What the call is for, recorded with its tokens ("module 3", "review").
    pub purpose: String,
}

/// A model's answer: the JSON text it produced and what it cost.
#[derive(Debug, Clone)]
pub struct Reply {
    pub json: String,
    pub usage: Usage,
}

/// Why a call did not produce an answer.
#[derive(Debug, Clone, thiserror::Error)]
pub enum LlmError {
    #[error("the model API answered {status}: {message}")]
    Status {
        status: u16,
        message: String,
        retry_after: Option<Duration>,
    },
    #[error("the model API could not be reached: {0}")]
    Network(String),
    #[error("the model API did not answer in time")]
    Timeout,
    #[error("the model API's answer could not be read: {0}")]
    Protocol(String),
    #[error("the job used {used} tokens, over its budget of {budget} (LLM_JOB_TOKEN_BUDGET)")]
    Budget { used: u64, budget: u64 },
    #[error("the token usage could not be recorded: {0}")]
    Record(String),
}

impl LlmError {
    /// What users may read in a job's log: the kind of failure and the
    /// status, never the provider's own text (which can echo request
    /// content, account details or key fragments). The full error goes to
    /// the server log.
    pub fn summary(&self) -> String {
        match self {
            LlmError::Status { status, .. } => {
                let what = match status {
                    401 | 403 => "refused the credentials",
                    404 => "does not know the model",
                    408 | 504 => "timed out",
                    429 => "is rate-limiting requests",
                    500..=599 => "had an error or is overloaded",
                    _ => "refused the request",
                };
                format!("the model API {what} (HTTP {status})")
            }
            LlmError::Network(_) => "the model API could not be reached".into(),
            LlmError::Timeout => "the model API did not answer in time".into(),
            LlmError::Protocol(_) => "the model API's answer could not be read".into(),
            LlmError::Budget { .. } => self.to_string(),
            LlmError::Record(_) => "the token usage could not be recorded".into(),
        }
    }

    /// Worth another try: rate limits, overload, server errors, network trouble.
    pub fn retryable(&self) -> bool {
        match self {
            LlmError::Status { status, .. } => {
                matches!(status, 408 | 409 | 429 | 500 | 502 | 503 | 504 | 529)
            }
            LlmError::Network(_) | LlmError::Timeout => true,
            _ => false,
        }
    }

    pub(crate) fn from_reqwest(e: reqwest::Error) -> Self {
        if e.is_timeout() {
            LlmError::Timeout
        } else {
            // Without the URL: it may carry a key for some providers.
            LlmError::Network(e.without_url().to_string())
        }
    }
}

/// Reads `retry-after` (seconds, or an HTTP date) from a response.
fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let v = headers.get(reqwest::header::RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = v.parse::<f64>() {
        return (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs.min(600.0)));
    }
    let when = time::OffsetDateTime::parse(v, &time::format_description::well_known::Rfc2822).ok()?;
    let secs = (when - time::OffsetDateTime::now_utc()).as_seconds_f64();
    Some(Duration::from_secs_f64(secs.clamp(0.0, 600.0)))
}

/// A non-success response turned into an error, with the API's own message
/// when it gives one (never the request, which holds the key).
async fn status_error(res: reqwest::Response) -> LlmError {
    let status = res.status().as_u16();
    let retry_after = retry_after(res.headers());
    let body = res.text().await.unwrap_or_default();
    let message = serde_json::from_str::<serde_json::Value>(&body)
        .ok()
        .and_then(|v| {
            v["error"]["message"]
                .as_str()
                .or(v["error"].as_str())
                .or(v["message"].as_str())
                .map(String::from)
        })
        .unwrap_or_else(|| body.chars().take(200).collect());
    LlmError::Status {
        status,
        message,
        retry_after,
    }
}

/// A successful response's JSON body, or why there is none.
pub(super) async fn read_json(res: reqwest::Response) -> Result<serde_json::Value, LlmError> {
    if !res.status().is_success() {
        return Err(status_error(res).await);
    }
    res.json().await.map_err(|e| {
        if e.is_timeout() {
            LlmError::Timeout
        } else {
            LlmError::Protocol(e.without_url().to_string())
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let mut h = reqwest::header::HeaderMap::new();
        h.insert(reqwest::header::RETRY_AFTER, "3".parse().expect("header"));
        assert_eq!(retry_after(&h), Some(Duration::from_secs(3)));
        let later = time::OffsetDateTime::now_utc() + time::Duration::seconds(30);
        let date = later
            .format(&time::format_description::well_known::Rfc2822)
            .expect("format");
        h.insert(reqwest::header::RETRY_AFTER, date.parse().expect("header"));
        let d = retry_after(&h).expect("date");
        assert!(
            d > Duration::from_secs(25) && d <= Duration::from_secs(31),
            "{d:?}"
        );
        h.insert(reqwest::header::RETRY_AFTER, "soon".parse().expect("header"));
        assert_eq!(retry_after(&h), None);
    }

    #[test]
    fn which_errors_are_retried() {
        let s = |status| LlmError::Status {
            status,
            message: String::new(),
            retry_after: None,
        };
        for code in [429, 500, 502, 503, 529] {
            assert!(s(code).retryable(), "{code}");
        }
        for code in [400, 401, 403, 404] {
            assert!(!s(code).retryable(), "{code}");
        }
        assert!(LlmError::Timeout.retryable());
        assert!(!LlmError::Budget { used: 2, budget: 1 }.retryable());
    }
}
