//! Password hashing (argon2id) and the password policy.
//!
//! Hashing costs ~20 MB and tens of milliseconds by design, so it always runs
//! on the blocking pool. A hash is kept in [`PasswordHash`], which has no
//! `Serialize` impl and a redacted `Debug`, so it cannot leak into a response
//! or a log line by accident.

use argon2::password_hash::{rand_core::OsRng, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use std::sync::OnceLock;

use types::account::MIN_PASSWORD_LEN;
use types::error::ApiError;

/// A PHC-format argon2id hash as stored in `users.password_hash`.
#[derive(Clone, sqlx::Type)]
#[sqlx(transparent)]
pub struct PasswordHash(String);

impl std::fmt::Debug for PasswordHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PasswordHash(..)")
    }
}

impl PasswordHash {
    /// The stored text, for writing to the database.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Hashes `password` with argon2id and a fresh salt, off the async executor.
pub async fn hash(password: String) -> Result<PasswordHash, ApiError> {
    tokio::task::spawn_blocking(move || hash_blocking(&password))
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "password hashing task failed");
            ApiError::Internal
        })?
}

fn hash_blocking(password: &str) -> Result<PasswordHash, ApiError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| PasswordHash(h.to_string()))
        .map_err(|e| {
            tracing::error!(error = %e, "argon2 hashing failed");
            ApiError::Internal
        })
}

/// Checks `password` against `hash`; with `None` it checks against a dummy hash
/// so that an unknown email costs the same time as a wrong password.
pub async fn verify(password: String, hash: Option<PasswordHash>) -> bool {
    tokio::task::spawn_blocking(move || {
        let stored = match &hash {
            Some(h) => h.0.as_str(),
            None => dummy_hash(),
        };
        let ok = argon2::password_hash::PasswordHash::new(stored)
            .map(|parsed| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok()
            })
            .unwrap_or(false);
        ok && hash.is_some()
    })
    .await
    .unwrap_or(false)
}

/// A real hash of a random secret, computed once, with the same parameters as
/// real hashes so verification against it takes the same time.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        let secret: [u8; 16] = rand::random();
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(&secret, &salt)
            .map(|h| h.to_string())
            .unwrap_or_default()
    })
}

/// Common passwords refused outright (lower-case, one per line).
const COMMON_PASSWORDS: &str = include_str!("common_passwords.txt");

/// The password policy: at least [`MIN_PASSWORD_LEN`] characters and not a
/// well-known password. Returns the message to show next to the field.
pub fn check_policy(password: &str) -> Result<(), ApiError> {
    if password.chars().count() < MIN_PASSWORD_LEN {
        return Err(ApiError::invalid(
            "password",
            format!("Use at least {MIN_PASSWORD_LEN} characters."),
        ));
    }
    if password.len() > 1024 {
        return Err(ApiError::invalid("password", "Use at most 1024 bytes."));
    }
    let lower = password.to_lowercase();
    if COMMON_PASSWORDS.lines().any(|p| p.trim() == lower) {
        return Err(ApiError::invalid(
            "password",
            "That password is too common; choose another.",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_refuses_short_and_common_passwords() {
        assert!(check_policy("short").is_err());
        assert!(check_policy("Password123").is_err());
        assert!(check_policy("qwertyuiop").is_err());
        assert!(check_policy("correct horse battery").is_ok());
    }

    #[tokio::test]
    async fn hashes_verify_and_never_print() {
        let h = hash("a long enough secret".into()).await.expect("hash");
        assert!(h.as_str().starts_with("$argon2id$"));
        assert_eq!(format!("{h:?}"), "PasswordHash(..)");
        assert!(verify("a long enough secret".into(), Some(h.clone())).await);
        assert!(!verify("wrong secret here".into(), Some(h)).await);
        assert!(!verify("a long enough secret".into(), None).await);
    }
}
