//! The AI writer's settings, parsed with the rest of the configuration
//! (`LLM_*`, `ANTHROPIC_*`, `OPENAI_*`; documented in `.env.example`).

use std::path::PathBuf;

use crate::secret::Secret;

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
