//! Language-model access for the AI writer: the Anthropic Messages API and
//! OpenAI-compatible chat completions over `reqwest`, with timeouts, retries
//! (exponential backoff with full jitter, `retry-after` honoured), a
//! process-wide concurrency limit and token accounting through a [`Meter`]
//! that travels with each job's calls.
//!
//! Nothing here is needed to run Courseware: with `LLM_PROVIDER=none` (the
//! default) no client is built and the offline writer does everything.

mod anthropic;
pub mod call;
mod openai;
pub mod prices;
pub mod rewrite;
pub mod settings;
pub mod spend;
pub mod usage;
pub mod writer;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Semaphore;

pub use call::{LlmError, Message, Reply, Request, Usage};
pub use prices::Prices;
pub use settings::{LlmConfig, ProviderKind};
pub use usage::Meter;

use call::Wire;

pub use crate::secret::Secret;

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
                        .record(
                            &self.prices,
                            self.provider,
                            &self.model,
                            &req.purpose,
                            &reply.usage,
                        )
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

    fn wire(&self) -> Wire<'_> {
        Wire {
            http: &self.http,
            model: &self.model,
            max_output_tokens: self.max_output_tokens,
        }
    }

    async fn send(&self, req: &Request) -> Result<Reply, LlmError> {
        match &self.api {
            Api::Anthropic { base, key } => anthropic::send(&self.wire(), base, key, req).await,
            Api::OpenAi {
                base,
                key,
                schema_supported,
            } => {
                let with_schema = schema_supported.load(Ordering::Relaxed);
                match openai::send(&self.wire(), base, key.as_ref(), req, with_schema).await {
                    // Servers without structured outputs reject the field with a 400.
                    Err(LlmError::Status {
                        status: 400, message, ..
                    }) if with_schema && message.to_lowercase().contains("response_format") => {
                        tracing::info!("the server does not support json_schema; using JSON mode");
                        schema_supported.store(false, Ordering::Relaxed);
                        openai::send(&self.wire(), base, key.as_ref(), req, false).await
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
}
