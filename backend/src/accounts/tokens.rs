//! API tokens: made by a signed-in user for themself, shown once, kept as a
//! lookup prefix and the SHA-256 of the secret; `Authorization: Bearer
//! cw_<prefix>_<secret>` authenticates calls to `/api/v1` and `/mcp`.
//!
//! Every request looks the token up in the database — nothing is cached —
//! so a revocation, an expiry or a disabled owner takes effect on the next
//! request on every replica.

use rand::distributions::{Alphanumeric, DistString};
use sha2::{Digest, Sha256};
use types::account::CurrentUser;
use types::tokens::{
    CreatedToken, TokenScope, TokenSummary, MAX_LIVE_TOKENS, MAX_TOKEN_DAYS, MAX_TOKEN_NAME,
};
use types::ApiError;

use crate::db::{self, now_rfc3339, tokens, users};
use crate::{AppState, Result};

/// Characters of the lookup prefix and of the secret.
const PREFIX_LEN: usize = 8;
const SECRET_LEN: usize = 40;
/// How often a token's "last used" time is written (not on every call).
const TOUCH_EVERY_SECONDS: i64 = 60;

/// A caller authenticated by a token.
#[derive(Debug, Clone)]
pub struct TokenCaller {
    pub user: CurrentUser,
    pub scope: TokenScope,
    pub token_id: i64,
}

/// Makes a token for `user`; its secret is in the answer and nowhere else.
pub async fn create(
    state: &AppState,
    user: &CurrentUser,
    name: &str,
    scope: &str,
    days: Option<u32>,
) -> Result<CreatedToken> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > MAX_TOKEN_NAME || name.chars().any(char::is_control) {
        return Err(ApiError::invalid(
            "name",
            format!("Give the token a name of 1 to {MAX_TOKEN_NAME} characters."),
        )
        .into());
    }
    let scope =
        TokenScope::parse(scope).ok_or_else(|| ApiError::invalid("scope", "The scope is read or write."))?;
    if days.is_some_and(|d| d == 0 || d > MAX_TOKEN_DAYS) {
        return Err(ApiError::invalid(
            "days",
            format!("A token lasts 1 to {MAX_TOKEN_DAYS} days, or until revoked."),
        )
        .into());
    }
    let now = time::OffsetDateTime::now_utc();
    let created_at = db::rfc3339(now);
    if tokens::count_live(&state.pool, user.id, &created_at).await? >= MAX_LIVE_TOKENS {
        return Err(ApiError::Conflict(format!(
            "You have {MAX_LIVE_TOKENS} working tokens: revoke one you no longer use first."
        ))
        .into());
    }
    let expires_at = days.map(|d| db::rfc3339(now + time::Duration::days(i64::from(d))));
    let mut rng = rand::rngs::OsRng;
    let prefix = Alphanumeric.sample_string(&mut rng, PREFIX_LEN);
    let secret = Alphanumeric.sample_string(&mut rng, SECRET_LEN);
    let id = tokens::insert(
        &state.pool,
        &tokens::NewToken {
            user_id: user.id,
            name,
            scope: scope.as_str(),
            prefix: &prefix,
            secret_sha256: &digest(&secret),
            created_at: &created_at,
            expires_at: expires_at.as_deref(),
        },
    )
    .await?;
    tracing::info!(
        user_id = user.id,
        token_id = id,
        scope = scope.as_str(),
        "API token made"
    );
    let mut summary = tokens::summary(&state.pool, id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("token {id} vanished"))?;
    summary.state = summary.state_at(&created_at).to_string();
    Ok(CreatedToken {
        token: format!("cw_{prefix}_{secret}"),
        summary,
    })
}

/// The tokens `user` may see: their own; an administrator's list has everyone's.
pub async fn list(state: &AppState, user: &CurrentUser) -> Result<Vec<TokenSummary>> {
    let owner = (!user.is_admin).then_some(user.id);
    let now = now_rfc3339();
    let mut list = tokens::list(&state.pool, owner).await?;
    for t in &mut list {
        t.state = t.state_at(&now).to_string();
    }
    Ok(list)
}

/// Revokes token `id` (the owner's own, or any for an administrator).
pub async fn revoke(state: &AppState, user: &CurrentUser, id: i64) -> Result<()> {
    let owner = (!user.is_admin).then_some(user.id);
    if !tokens::revoke(&state.pool, id, owner, &now_rfc3339()).await? {
        // Unknown, someone else's or revoked already: the same answer.
        return Err(ApiError::NotFound.into());
    }
    tracing::info!(user_id = user.id, token_id = id, "API token revoked");
    Ok(())
}

/// The caller behind an `Authorization` header's bearer token, if it is a
/// working token of an active user. `None` for anything else — malformed,
/// unknown, wrong secret, revoked, expired, disabled owner — so the answer
/// never tells which.
pub async fn authenticate(state: &AppState, bearer: &str) -> Result<Option<TokenCaller>> {
    let Some((prefix, secret)) = split(bearer) else {
        return Ok(None);
    };
    let Some(row) = tokens::by_prefix(&state.pool, prefix).await? else {
        return Ok(None);
    };
    if !same_digest(&digest(secret), &row.secret_sha256) {
        return Ok(None);
    }
    let now = time::OffsetDateTime::now_utc();
    let now_text = db::rfc3339(now);
    if row.revoked_at.is_some() || row.expires_at.as_deref().is_some_and(|e| e <= now_text.as_str()) {
        return Ok(None);
    }
    let Some(scope) = TokenScope::parse(&row.scope) else {
        return Ok(None);
    };
    let Some(user) = users::active_user(&state.pool, row.user_id).await? else {
        return Ok(None);
    };
    let stale = db::rfc3339(now - time::Duration::seconds(TOUCH_EVERY_SECONDS));
    if row.last_used_at.as_deref().is_none_or(|t| t < stale.as_str()) {
        tokens::touch(&state.pool, row.id, &now_text).await?;
    }
    Ok(Some(TokenCaller {
        user,
        scope,
        token_id: row.id,
    }))
}

/// `cw_<prefix>_<secret>` split into its two parts, if well formed.
fn split(token: &str) -> Option<(&str, &str)> {
    let rest = token.strip_prefix("cw_")?;
    let (prefix, secret) = rest.split_once('_')?;
    let plain = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_alphanumeric());
    (plain(prefix, PREFIX_LEN) && plain(secret, SECRET_LEN)).then_some((prefix, secret))
}

fn digest(secret: &str) -> String {
    let hash = Sha256::digest(secret.as_bytes());
    hash.iter().map(|b| format!("{b:02x}")).collect()
}

/// Compares two digests in time that does not depend on where they differ.
fn same_digest(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_well_formed_tokens_are_looked_up() {
        let secret = "a".repeat(SECRET_LEN);
        let good = format!("cw_AbCd1234_{secret}");
        assert_eq!(split(&good), Some(("AbCd1234", secret.as_str())));
        for bad in [
            String::new(),
            "cw_".into(),
            format!("xx_AbCd1234_{secret}"),
            format!("cw_AbCd123_{secret}"),
            format!("cw_AbCd1234_{secret}a"),
            format!("cw_AbCd12-4_{secret}"),
            format!("cw_AbCd1234_{}é", "a".repeat(SECRET_LEN - 2)),
        ] {
            assert_eq!(split(&bad), None, "{bad}");
        }
    }

    #[test]
    fn digests_compare_by_content() {
        let d = digest("secret");
        assert_eq!(d.len(), 64);
        assert!(same_digest(&d, &digest("secret")));
        assert!(!same_digest(&d, &digest("secreT")));
        assert!(!same_digest(&d, &d[..63]));
    }
}
