//! API tokens as their owners (and administrators) see them. The secret is
//! never part of these types except in [`CreatedToken`], the one answer that
//! shows it.

use serde::{Deserialize, Serialize};

/// What a token may do: `read` looks, `write` also starts, cancels, retries
/// and deletes courses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TokenScope {
    Read,
    Write,
}

impl TokenScope {
    pub fn as_str(self) -> &'static str {
        match self {
            TokenScope::Read => "read",
            TokenScope::Write => "write",
        }
    }

    pub fn parse(text: &str) -> Option<TokenScope> {
        match text {
            "read" => Some(TokenScope::Read),
            "write" => Some(TokenScope::Write),
            _ => None,
        }
    }
}

/// Longest token name.
pub const MAX_TOKEN_NAME: usize = 80;
/// Longest lifetime a token may be given, in days (none: until revoked).
pub const MAX_TOKEN_DAYS: u32 = 366;
/// Tokens one user may hold that are neither revoked nor expired.
pub const MAX_LIVE_TOKENS: i64 = 20;

/// One row of the token list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "sqlx", derive(sqlx::FromRow))]
pub struct TokenSummary {
    pub id: i64,
    pub name: String,
    /// `read` or `write`.
    pub scope: String,
    /// The start of the token (`cw_<prefix>`), enough to recognise it.
    pub prefix: String,
    pub owner_email: String,
    /// RFC 3339, UTC.
    pub created_at: String,
    pub last_used_at: Option<String>,
    pub expires_at: Option<String>,
    pub revoked_at: Option<String>,
    /// `active`, `expired` or `revoked` when listed.
    #[cfg_attr(feature = "sqlx", sqlx(default))]
    pub state: String,
}

impl TokenSummary {
    /// `active`, `expired` or `revoked`, as of `now` (RFC 3339).
    pub fn state_at(&self, now: &str) -> &'static str {
        if self.revoked_at.is_some() {
            "revoked"
        } else if self.expires_at.as_deref().is_some_and(|e| e <= now) {
            "expired"
        } else {
            "active"
        }
    }
}

/// The answer to making a token: the secret, shown this once, and its row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedToken {
    pub token: String,
    pub summary: TokenSummary,
}
