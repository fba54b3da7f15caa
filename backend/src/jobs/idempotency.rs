//! `Idempotency-Key` for starting a course: a client that retries a start
//! after a timeout gets the course its first request started, not a
//! second one. Keys are the caller's own (two users may use the same key),
//! last a day, and are bound to the request's spec: the same key with
//! another spec is refused. The key is claimed before the course is
//! started, so two requests racing with one key start one course.

use sha2::{Digest, Sha256};
use types::account::CurrentUser;
use types::spec::CourseSpec;
use types::validate::JobId;
use types::ApiError;

use crate::db::idempotency as db;
use crate::{AppState, Result};

/// How long a key is remembered.
pub const KEY_HOURS: i64 = 24;

/// The longest key accepted (as the IETF draft's examples, a UUID fits
/// with room to spare).
pub const MAX_KEY_CHARS: usize = 255;

/// The header's name, which is also the field named in its errors.
pub const HEADER: &str = "Idempotency-Key";

/// A course started, or found again for a repeated key.
#[derive(Debug)]
pub struct Started {
    pub id: JobId,
    /// The key had already started this course.
    pub replayed: bool,
}

/// Starts the course of `spec`, once per `key` when one is given.
pub async fn start_once(
    state: &AppState,
    user: &CurrentUser,
    spec: CourseSpec,
    key: Option<&str>,
) -> Result<Started> {
    let Some(key) = key else {
        let id = super::start_spec(state, user, spec).await?;
        return Ok(Started { id, replayed: false });
    };
    check_key(key)?;
    let fingerprint = fingerprint(&spec);
    let now = time::OffsetDateTime::now_utc();
    let stale = crate::db::rfc3339(now - time::Duration::hours(KEY_HOURS));
    let pool = &state.pool;
    if !db::claim(pool, user.id, key, &fingerprint, &crate::db::rfc3339(now), &stale).await? {
        return replay(state, user, key, &fingerprint).await;
    }
    match super::start_spec(state, user, spec).await {
        Ok(id) => {
            db::bind(pool, user.id, key, id.as_str()).await?;
            Ok(Started { id, replayed: false })
        }
        Err(e) => {
            // Nothing started: the key may be used again.
            db::release(pool, user.id, key).await?;
            Err(e)
        }
    }
}

async fn replay(state: &AppState, user: &CurrentUser, key: &str, fingerprint: &str) -> Result<Started> {
    // The claim may have been released or its course deleted in between.
    let used = db::used(&state.pool, user.id, key).await?.ok_or_else(|| {
        ApiError::Conflict("A request with this Idempotency-Key has just ended; send it again.".into())
    })?;
    if used.body_sha256 != fingerprint {
        return Err(ApiError::invalid(
            HEADER,
            "This key was used within the last 24 hours with another course spec; use a new key for a new course.",
        )
        .into());
    }
    let id = used.job_id.as_deref().and_then(JobId::parse).ok_or_else(|| {
        ApiError::Conflict(
            "A request with this Idempotency-Key is still being handled; try again shortly.".into(),
        )
    })?;
    Ok(Started { id, replayed: true })
}

fn check_key(key: &str) -> Result<()> {
    let printable = key.bytes().all(|b| (0x21..=0x7e).contains(&b));
    if key.is_empty() || key.len() > MAX_KEY_CHARS || !printable {
        return Err(ApiError::invalid(
            HEADER,
            format!("A key is 1 to {MAX_KEY_CHARS} visible ASCII characters (a UUID is a good choice)."),
        )
        .into());
    }
    Ok(())
}

/// The spec as the server read it: the same course sent with other
/// spacing or key order is the same body.
fn fingerprint(spec: &CourseSpec) -> String {
    let bytes = serde_json::to_vec(spec).unwrap_or_default();
    Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Forgets keys older than a day (the janitor's pass).
pub async fn expire(state: &AppState) -> Result<u64> {
    let before = crate::db::rfc3339(time::OffsetDateTime::now_utc() - time::Duration::hours(KEY_HOURS));
    Ok(db::expire(&state.pool, &before).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_visible_ascii_of_bounded_length() {
        assert!(check_key("4f1c2a9e-5b7d-4c1e-9a3b-2d6f8e0c1b5a").is_ok());
        assert!(check_key("").is_err());
        assert!(check_key("has space").is_err());
        assert!(check_key("naïve").is_err());
        assert!(check_key(&"k".repeat(MAX_KEY_CHARS)).is_ok());
        assert!(check_key(&"k".repeat(MAX_KEY_CHARS + 1)).is_err());
    }
}
