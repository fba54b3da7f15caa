//! Language-model access for the AI writer: the Anthropic Messages API and
//! OpenAI-compatible chat completions over `reqwest`, with timeouts, retries
//! (exponential backoff with full jitter, `retry-after` honoured), a
//! process-wide concurrency limit and token accounting through a [`Meter`]
//! that travels with each job's calls.
//!
//! Nothing here is needed to run Courseware: with `LLM_PROVIDER=none` (the
//! default) no client is built and the offline writer does everything.

mod anthropic;
mod openai;
pub mod prices;
pub mod usage;
pub mod writer;

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Semaphore;

pub use prices::Prices;
pub use usage::{Meter, Usage};

pub use crate::secret::Secret;

/// Which API the AI writer talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ProviderKind {
    /// No AI: the offline writer writes every course.
    None,
    /// The Anthropic Messages API.
    Anthropic,
    /// An OpenAI-compatible chat-completions server (OpenAI, OpenRouter, Ollama, llama.cpp, vLLM).
    Openai,
}

/// AI settings (all optional; `LLM_PROVIDER=none` switches AI off).
#[derive(Debug, Clone, clap::Args)]
pub struct LlmConfig {
    /// none, anthropic or openai.
    #[arg(long, env = "LLM_PROVIDER", value_enum, default_value = "none")]
    pub llm_provider: ProviderKind,
    /// Model name; defaults to claude-sonnet-4-5 (anthropic) or gpt-4o-mini (openai).
    #[arg(long, env = "LLM_MODEL")]
    pub llm_model: Option<String>,
    /// Anthropic API key (a secret: never logged or shown).
    #[arg(long, env = "ANTHROPIC_API_KEY", hide_env_values = true)]
    pub anthropic_api_key: Option<Secret>,
    /// Anthropic API address (for proxies and tests).
    #[arg(long, env = "ANTHROPIC_BASE_URL", default_value = "https://api.anthropic.com")]
    pub anthropic_base_url: String,
    /// OpenAI-compatible API address, up to and including `/v1`.
    #[arg(long, env = "OPENAI_BASE_URL", default_value = "https://api.openai.com/v1")]
    pub openai_base_url: String,
    /// OpenAI-compatible API key (may be empty for a local server).
    #[arg(long, env = "OPENAI_API_KEY", hide_env_values = true)]
    pub openai_api_key: Option<Secret>,
    /// Model calls in flight at once, across all jobs.
    #[arg(long, env = "LLM_MAX_CONCURRENCY", default_value_t = 24)]
    pub llm_max_concurrency: usize,
    /// Retries of one call on 429, 5xx, 529 and network errors.
    #[arg(long, env = "LLM_MAX_RETRIES", default_value_t = 5)]
    pub llm_max_retries: u32,
    /// First retry delay in milliseconds (doubles each time, with jitter).
    #[arg(long, env = "LLM_RETRY_BASE_MS", default_value_t = 1000)]
    pub llm_retry_base_ms: u64,
    /// Connect timeout per call, in seconds.
    #[arg(long, env = "LLM_CONNECT_TIMEOUT_SECONDS", default_value_t = 10)]
    pub llm_connect_timeout_seconds: u64,
    /// Read timeout per call (no bytes for this long), in seconds.
    #[arg(long, env = "LLM_READ_TIMEOUT_SECONDS", default_value_t = 300)]
    pub llm_read_timeout_seconds: u64,
    /// Most output tokens asked for per call.
    #[arg(long, env = "LLM_MAX_OUTPUT_TOKENS", default_value_t = 8000)]
    pub llm_max_output_tokens: u32,
    /// Tokens (input + output + cache) one job may spend; 0 = no limit.
    #[arg(long, env = "LLM_JOB_TOKEN_BUDGET", default_value_t = 2_000_000)]
    pub llm_job_token_budget: u64,
    /// JSON file of per-model prices overriding the built-in table.
    #[arg(long, env = "LLM_PRICES_FILE")]
    pub llm_prices_file: Option<PathBuf>,
    /// Ask the model to review the finished course (content and coherence, 1–5).
    #[arg(long, env = "LLM_REVIEW", default_value_t = true, action = clap::ArgAction::Set)]
    pub llm_review: bool,
}

impl Default for LlmConfig {
    fn default() -> Self {
        LlmConfig {
            llm_provider: ProviderKind::None,
            llm_model: None,
            anthropic_api_key: None,
            anthropic_base_url: "https://api.anthropic.com".into(),
            openai_base_url: "https://api.openai.com/v1".into(),
            openai_api_key: None,
            llm_max_concurrency: 24,
            llm_max_retries: 5,
            llm_retry_base_ms: 1000,
            llm_connect_timeout_seconds: 10,
            llm_read_timeout_seconds: 300,
            llm_max_output_tokens: 8000,
            llm_job_token_budget: 2_000_000,
            llm_prices_file: None,
            llm_review: true,
        }
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

    fn from_reqwest(e: reqwest::Error) -> Self {
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
async fn read_json(res: reqwest::Response) -> Result<serde_json::Value, LlmError> {
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

enum Api {
    Anthropic {
        base: String,
        key: Secret,
    },
    OpenAi {
        base: String,
        key: Option<Secret>,
        /// Cleared when the server rejects `json_schema`; JSON mode is used then.
        schema_supported: AtomicBool,
    },
}

/// A configured model client, shared by all jobs.
pub struct Llm {
    api: Api,
    http: reqwest::Client,
    pub model: String,
    pub provider: &'static str,
    pub max_output_tokens: u32,
    pub review: bool,
    max_retries: u32,
    retry_base: Duration,
    slots: Arc<Semaphore>,
    pub prices: Arc<Prices>,
    pub budget: u64,
}

impl Llm {
    /// The client for `config`, or `None` when AI is off. Fails when the
    /// provider is chosen but its key or prices file is missing or broken.
    pub fn from_config(config: &LlmConfig) -> anyhow::Result<Option<Arc<Llm>>> {
        let (api, provider, default_model) = match config.llm_provider {
            ProviderKind::None => return Ok(None),
            ProviderKind::Anthropic => {
                let key = config
                    .anthropic_api_key
                    .clone()
                    .filter(|k| !k.expose().is_empty())
                    .ok_or_else(|| anyhow::anyhow!("LLM_PROVIDER=anthropic needs ANTHROPIC_API_KEY"))?;
                (
                    Api::Anthropic {
                        base: config.anthropic_base_url.trim_end_matches('/').to_string(),
                        key,
                    },
                    "anthropic",
                    "claude-sonnet-4-5",
                )
            }
            ProviderKind::Openai => (
                Api::OpenAi {
                    base: config.openai_base_url.trim_end_matches('/').to_string(),
                    key: config.openai_api_key.clone().filter(|k| !k.expose().is_empty()),
                    schema_supported: AtomicBool::new(true),
                },
                "openai",
                "gpt-4o-mini",
            ),
        };
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(config.llm_connect_timeout_seconds.max(1)))
            .read_timeout(Duration::from_secs(config.llm_read_timeout_seconds.max(1)))
            .user_agent(concat!("courseware/", env!("CARGO_PKG_VERSION")))
            .build()?;
        let prices = match &config.llm_prices_file {
            Some(path) => Prices::with_overrides(path)?,
            None => Prices::default(),
        };
        Ok(Some(Arc::new(Llm {
            api,
            http,
            model: config
                .llm_model
                .clone()
                .filter(|m| !m.is_empty())
                .unwrap_or_else(|| default_model.to_string()),
            provider,
            max_output_tokens: config.llm_max_output_tokens.max(256),
            review: config.llm_review,
            max_retries: config.llm_max_retries,
            retry_base: Duration::from_millis(config.llm_retry_base_ms.max(1)),
            slots: Arc::new(Semaphore::new(config.llm_max_concurrency.max(1))),
            prices: Arc::new(prices),
            budget: config.llm_job_token_budget,
        })))
    }

    /// One structured call, retried on transient errors, its tokens recorded
    /// through `meter` (which also enforces the job's budget).
    pub async fn call(&self, req: &Request, meter: &Meter) -> Result<Reply, LlmError> {
        let mut attempt = 0u32;
        loop {
            let result = {
                // The budget is checked once a slot is free and the slot is
                // held until the tokens are recorded, so a call waiting for a
                // slot sees every earlier call's spend.
                let _slot = self.slots.acquire().await.map_err(|_| LlmError::Timeout)?;
                meter.check()?;
                match self.send(req).await {
                    Ok(reply) => meter
                        .record(self, &req.purpose, &reply.usage)
                        .await
                        .map(|()| reply),
                    Err(e) => Err(e),
                }
            };
            match result {
                Ok(reply) => return Ok(reply),
                Err(e) if e.retryable() && attempt < self.max_retries => {
                    let wait = self.backoff(attempt, &e);
                    tracing::warn!(purpose = %req.purpose, attempt = attempt + 1, wait_ms = wait.as_millis() as u64,
                        error = %e, "model call failed; retrying");
                    attempt += 1;
                    tokio::time::sleep(wait).await;
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// Full-jitter exponential backoff, or the server's `retry-after` if longer.
    fn backoff(&self, attempt: u32, e: &LlmError) -> Duration {
        let cap = self
            .retry_base
            .saturating_mul(1 << attempt.min(8))
            .min(Duration::from_secs(60));
        let jittered = cap.mul_f64(rand::random::<f64>().max(0.1));
        match e {
            LlmError::Status {
                retry_after: Some(after),
                ..
            } => (*after).max(jittered),
            _ => jittered,
        }
    }

    async fn send(&self, req: &Request) -> Result<Reply, LlmError> {
        match &self.api {
            Api::Anthropic { base, key } => anthropic::send(self, base, key, req).await,
            Api::OpenAi {
                base,
                key,
                schema_supported,
            } => {
                let with_schema = schema_supported.load(Ordering::Relaxed);
                match openai::send(self, base, key.as_ref(), req, with_schema).await {
                    // Servers without structured outputs reject the field with a 400.
                    Err(LlmError::Status {
                        status: 400, message, ..
                    }) if with_schema && message.to_lowercase().contains("response_format") => {
                        tracing::info!("the server does not support json_schema; using JSON mode");
                        schema_supported.store(false, Ordering::Relaxed);
                        openai::send(self, base, key.as_ref(), req, false).await
                    }
                    other => other,
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_do_not_print() {
        let s: Secret = "sk-ant-very-secret".parse().expect("parse");
        assert_eq!(format!("{s:?}"), "Secret(…)");
        let c = LlmConfig {
            anthropic_api_key: Some(s),
            ..LlmConfig::default()
        };
        assert!(!format!("{c:?}").contains("very-secret"));
    }

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
