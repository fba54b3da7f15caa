//! Password hashing (argon2id) and the password policy.
//!
//! Hashing costs ~20 MB and tens of milliseconds by design, so it runs on a
//! few threads of its own, one check per core at a time. A hash is kept in [`PasswordHash`], which has no
//! `Serialize` impl and a redacted `Debug`, so it cannot leak into a response
//! or a log line by accident.

use argon2::password_hash::{rand_core::OsRng, Output, PasswordHasher, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use std::sync::{Arc, LazyLock, Mutex, OnceLock};

use types::account::MIN_PASSWORD_LEN;
use types::error::ApiError;
use types::limits::MAX_PASSWORD_BYTES;

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

/// A job for the argon2 threads.
type Task = Box<dyn FnOnce() + Send>;

/// Argon2 runs on its own threads, one per place at the argon2 gate, not on
/// the blocking pool: each check allocates ~19 MB, and the allocator keeps
/// such blocks per thread, so spreading checks over the blocking pool's
/// many threads left hundreds of MB resident after a burst.
static ARGON2_THREADS: LazyLock<Mutex<std::sync::mpsc::Sender<Task>>> = LazyLock::new(|| {
    let (tx, rx) = std::sync::mpsc::channel::<Task>();
    let rx = Arc::new(Mutex::new(rx));
    for i in 0..crate::gate::ARGON2.places() {
        let rx = rx.clone();
        let spawned = std::thread::Builder::new()
            .name(format!("argon2-{i}"))
            .spawn(move || loop {
                let task = rx.lock().unwrap_or_else(|p| p.into_inner()).recv();
                match task {
                    Ok(task) => task(),
                    Err(_) => return,
                }
            });
        if let Err(e) = spawned {
            tracing::error!(error = %e, "could not start an argon2 thread");
        }
    }
    Mutex::new(tx)
});

/// Runs `f` on an argon2 thread (after passing the argon2 gate).
async fn on_argon2_thread<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T, ApiError> {
    let _place = crate::gate::ARGON2.enter().await?;
    let (tx, rx) = tokio::sync::oneshot::channel();
    let task: Task = Box::new(move || {
        let _ = tx.send(f());
    });
    let sent = ARGON2_THREADS
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .send(task)
        .is_ok();
    if !sent {
        tracing::error!("the argon2 threads are gone");
        return Err(ApiError::Internal);
    }
    rx.await.map_err(|_| {
        tracing::error!("an argon2 task stopped without an answer");
        ApiError::Internal
    })
}

/// Hashes `password` with argon2id and a fresh salt, on an argon2 thread
/// (`Busy` when every place at the gate stays taken).
pub async fn hash(password: String) -> Result<PasswordHash, ApiError> {
    on_argon2_thread(move || hash_blocking(&password)).await?
}

thread_local! {
    /// This thread's argon2 working memory (~19 MB at the default cost),
    /// allocated once and reused: a fresh allocation per check left the
    /// allocator holding hundreds of MB after a burst (measured: +19.5 MB
    /// resident per check until ~10 checks, on one thread).
    static BLOCKS: std::cell::RefCell<Vec<argon2::Block>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Runs argon2 with `params` into `out`, in this thread's reused memory.
fn argon2_into(argon: &Argon2<'_>, params: &Params, pwd: &[u8], salt: &[u8], out: &mut [u8]) -> bool {
    BLOCKS.with(|blocks| {
        let mut blocks = blocks.borrow_mut();
        let need = params.block_count();
        if blocks.len() < need {
            blocks.resize(need, argon2::Block::default());
        }
        argon
            .hash_password_into_with_memory(pwd, salt, out, &mut blocks[..need])
            .is_ok()
    })
}

fn hash_blocking(password: &str) -> Result<PasswordHash, ApiError> {
    let failed = |what: &str| {
        tracing::error!(what, "argon2 hashing failed");
        ApiError::Internal
    };
    let salt = SaltString::generate(&mut OsRng);
    let mut salt_bytes = [0u8; 64];
    let salt_raw = salt
        .as_salt()
        .decode_b64(&mut salt_bytes)
        .map_err(|_| failed("salt"))?;
    let params = Params::default();
    let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    if !argon2_into(&argon, &params, password.as_bytes(), salt_raw, &mut out) {
        return Err(failed("hash"));
    }
    let phc = argon2::password_hash::PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: (&params).try_into().map_err(|_| failed("params"))?,
        salt: Some(salt.as_salt()),
        hash: Some(Output::new(&out).map_err(|_| failed("output"))?),
    };
    Ok(PasswordHash(phc.to_string()))
}

/// Whether `password` matches the PHC-format argon2 hash `stored`.
fn verify_blocking(password: &[u8], stored: &str) -> bool {
    let Ok(parsed) = argon2::password_hash::PasswordHash::new(stored) else {
        return false;
    };
    let (Ok(algorithm), Ok(params), Some(salt), Some(expected)) = (
        Algorithm::try_from(parsed.algorithm),
        Params::try_from(&parsed),
        parsed.salt,
        parsed.hash,
    ) else {
        return false;
    };
    let version = parsed
        .version
        .map_or(Ok(Version::V0x13), Version::try_from)
        .unwrap_or(Version::V0x13);
    let mut salt_bytes = [0u8; 64];
    let Ok(salt_raw) = salt.decode_b64(&mut salt_bytes) else {
        return false;
    };
    let argon = Argon2::new(algorithm, version, params.clone());
    let mut out = vec![0u8; expected.len()];
    if !argon2_into(&argon, &params, password, salt_raw, &mut out) {
        return false;
    }
    // `Output`'s equality is constant-time.
    Output::new(&out).is_ok_and(|got| got == expected)
}

/// Checks `password` against `hash`; with `None` it checks against a dummy hash
/// so that an unknown email costs the same time as a wrong password. Passes
/// the argon2 gate first (`Busy` when every place stays taken).
pub async fn verify(password: String, hash: Option<PasswordHash>) -> Result<bool, ApiError> {
    on_argon2_thread(move || {
        let stored = match &hash {
            Some(h) => h.0.as_str(),
            None => dummy_hash(),
        };
        verify_blocking(password.as_bytes(), stored) && hash.is_some()
    })
    .await
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
    if password.len() > MAX_PASSWORD_BYTES {
        return Err(ApiError::invalid(
            "password",
            format!("Use at most {MAX_PASSWORD_BYTES} bytes."),
        ));
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
        let h_for_check = h.clone();
        assert!(h.as_str().starts_with("$argon2id$"));
        assert_eq!(format!("{h:?}"), "PasswordHash(..)");
        assert_eq!(
            verify("a long enough secret".into(), Some(h.clone())).await,
            Ok(true)
        );
        assert_eq!(verify("wrong secret here".into(), Some(h)).await, Ok(false));
        assert_eq!(verify("a long enough secret".into(), None).await, Ok(false));
        // Hashes made by the argon2 crate's own API verify too (and ours verify there).
        let theirs = Argon2::default()
            .hash_password(b"another long secret", &SaltString::generate(&mut OsRng))
            .expect("hash")
            .to_string();
        assert!(verify_blocking(b"another long secret", &theirs));
        assert!(!verify_blocking(b"another long secreT", &theirs));
        use argon2::PasswordVerifier;
        let ours = argon2::password_hash::PasswordHash::new(h_for_check.as_str()).expect("phc");
        assert!(Argon2::default()
            .verify_password(b"a long enough secret", &ours)
            .is_ok());
    }
}
