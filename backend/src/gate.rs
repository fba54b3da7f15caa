//! Bounds on expensive work. Each kind of heavy work (argon2, parsing an
//! outline, opening a template) passes a gate with a fixed number of places;
//! a request that cannot get a place within a short wait is told the server
//! is busy (503 + `Retry-After`) instead of piling up threads and memory.
//!
//! The gates are process-wide, like the cores and memory they protect.

use std::sync::LazyLock;
use std::time::Duration;

use tokio::sync::{Semaphore, SemaphorePermit};
use types::ApiError;

/// One kind of bounded work.
pub struct Gate {
    places: Semaphore,
    total: usize,
    wait: Duration,
    what: &'static str,
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}

/// Password hashing and checking: ~20 MB and tens of milliseconds each, so
/// one per core.
pub static ARGON2: LazyLock<Gate> = LazyLock::new(|| Gate::new(cores(), 5, "password checks"));

/// Parsing an outline (upload or paste) and planning a course: one per core.
pub static PARSE: LazyLock<Gate> = LazyLock::new(|| Gate::new(cores(), 10, "outline reading"));

/// Opening an uploaded template holds the whole package in memory (up to
/// the upload limits): one at a time.
pub static TEMPLATE: LazyLock<Gate> = LazyLock::new(|| Gate::new(1, 20, "template checks"));

/// Buffering a large request body (server functions over 64 KiB):
/// a handful at once bounds their memory.
pub static BIG_BODY: LazyLock<Gate> = LazyLock::new(|| Gate::new(8, 10, "large requests"));

impl Gate {
    fn new(places: usize, wait_seconds: u64, what: &'static str) -> Self {
        Self {
            places: Semaphore::new(places.max(1)),
            total: places.max(1),
            wait: Duration::from_secs(wait_seconds),
            what,
        }
    }

    /// Takes a place, waiting at most the gate's wait; `Busy` otherwise.
    pub async fn enter(&self) -> Result<SemaphorePermit<'_>, ApiError> {
        match tokio::time::timeout(self.wait, self.places.acquire()).await {
            Ok(Ok(permit)) => Ok(permit),
            _ => {
                tracing::warn!(what = self.what, "at capacity; request refused");
                Err(ApiError::Busy { retry_after: 5 })
            }
        }
    }

    /// Places in all.
    pub fn places(&self) -> usize {
        self.total
    }

    /// Places free right now (for tests and metrics).
    pub fn available(&self) -> usize {
        self.places.available_permits()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_full_gate_answers_busy_after_its_wait() {
        let gate = Gate::new(1, 0, "test");
        let held = gate.enter().await.expect("first place");
        assert_eq!(gate.available(), 0);
        let refused = gate.enter().await.err();
        assert_eq!(refused, Some(ApiError::Busy { retry_after: 5 }));
        drop(held);
        assert!(gate.enter().await.is_ok());
    }
}
