//! Prices per million tokens, by model-name prefix (the longest matching
//! prefix wins, so dated model ids such as `claude-sonnet-4-5-20250929`
//! find their family). Built-in figures are Anthropic's list prices for
//! Claude models as published in 2025 — check them against the current list
//! and override or extend with `LLM_PRICES_FILE`, a JSON object
//! `{"model-prefix": {"input": 3, "output": 15, "cache_write": 3.75, "cache_read": 0.3}}`.
//! A model without a price records its tokens with no cost.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use super::call::Usage;

/// US dollars per million tokens.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
pub struct Price {
    pub input: f64,
    pub output: f64,
    #[serde(default)]
    pub cache_write: f64,
    #[serde(default)]
    pub cache_read: f64,
}

#[derive(Debug, Clone)]
pub struct Prices(BTreeMap<String, Price>);

const fn p(input: f64, output: f64, cache_write: f64, cache_read: f64) -> Price {
    Price {
        input,
        output,
        cache_write,
        cache_read,
    }
}

const BUILT_IN: &[(&str, Price)] = &[
    ("claude-opus-4-5", p(5.0, 25.0, 6.25, 0.50)),
    ("claude-opus-4-1", p(15.0, 75.0, 18.75, 1.50)),
    ("claude-opus-4", p(15.0, 75.0, 18.75, 1.50)),
    ("claude-sonnet-4-5", p(3.0, 15.0, 3.75, 0.30)),
    ("claude-sonnet-4", p(3.0, 15.0, 3.75, 0.30)),
    ("claude-3-7-sonnet", p(3.0, 15.0, 3.75, 0.30)),
    ("claude-haiku-4-5", p(1.0, 5.0, 1.25, 0.10)),
    ("claude-3-5-haiku", p(0.80, 4.0, 1.0, 0.08)),
    ("claude-3-haiku", p(0.25, 1.25, 0.30, 0.03)),
];

impl Default for Prices {
    fn default() -> Self {
        Prices(BUILT_IN.iter().map(|(k, v)| ((*k).to_string(), *v)).collect())
    }
}

impl Prices {
    /// The built-in table with a file's entries added or replaced.
    pub fn with_overrides(path: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| anyhow::anyhow!("cannot read LLM_PRICES_FILE {}: {e}", path.display()))?;
        let extra: BTreeMap<String, Price> = serde_json::from_str(&text)
            .map_err(|e| anyhow::anyhow!("LLM_PRICES_FILE {} is not a price table: {e}", path.display()))?;
        let mut prices = Prices::default();
        prices.0.extend(extra);
        Ok(prices)
    }

    pub fn of(&self, model: &str) -> Option<Price> {
        self.0
            .iter()
            .filter(|(prefix, _)| model.starts_with(prefix.as_str()))
            .max_by_key(|(prefix, _)| prefix.len())
            .map(|(_, p)| *p)
    }

    /// Estimated cost of `usage` on `model`, in US dollars.
    pub fn cost(&self, model: &str, usage: &Usage) -> Option<f64> {
        let p = self.of(model)?;
        let m = |n: u64, per: f64| n as f64 * per / 1_000_000.0;
        Some(
            m(usage.input, p.input)
                + m(usage.output, p.output)
                + m(usage.cache_write, p.cache_write)
                + m(usage.cache_read, p.cache_read),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn longest_prefix_wins_and_cache_tokens_count() {
        let prices = Prices::default();
        assert_eq!(prices.of("claude-opus-4-5-20251101").map(|p| p.input), Some(5.0));
        assert_eq!(prices.of("claude-opus-4-20250514").map(|p| p.input), Some(15.0));
        assert!(prices.of("gpt-4o").is_none());
        let usage = Usage {
            input: 1_000_000,
            output: 100_000,
            cache_write: 200_000,
            cache_read: 2_000_000,
        };
        // 3.00 + 1.50 + 0.75 + 0.60
        let cost = prices.cost("claude-sonnet-4-5", &usage).expect("priced");
        assert!((cost - 5.85).abs() < 1e-9, "{cost}");
    }

    #[test]
    fn a_file_adds_and_replaces_prices() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("prices.json");
        std::fs::write(
            &path,
            r#"{"llama3": {"input": 0, "output": 0}, "claude-sonnet-4-5": {"input": 2, "output": 10}}"#,
        )
        .expect("write");
        let prices = Prices::with_overrides(&path).expect("load");
        assert_eq!(prices.of("llama3.1:8b").map(|p| p.output), Some(0.0));
        assert_eq!(prices.of("claude-sonnet-4-5").map(|p| p.input), Some(2.0));
        std::fs::write(&path, "not json").expect("write");
        assert!(Prices::with_overrides(&path).is_err());
    }
}
