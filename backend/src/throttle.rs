//! Sign-in throttling: failed attempts counted per email and per client
//! address. Past the limit, further attempts are refused with a wait time
//! (429 + `Retry-After`) without checking the password; a success clears the
//! email's count.
//!
//! Counts live in memory: a restart forgets them, which errs on the side of
//! letting users in. One process serves the app, so one map is the truth.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Who a failure is counted against.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Email(String),
    Client(IpAddr),
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    failures: u32,
    /// When the window of counted failures started (or the lockout began).
    since: Instant,
}

/// Failed sign-in counters.
#[derive(Debug)]
pub struct LoginThrottle {
    max_failures: u32,
    lockout: Duration,
    entries: Mutex<HashMap<Key, Entry>>,
}

impl LoginThrottle {
    /// `max_failures` per email; a client address gets four times as many,
    /// since an office may sit behind one address.
    pub fn new(max_failures: u32, lockout: Duration) -> Self {
        Self {
            max_failures: max_failures.max(1),
            lockout,
            entries: Mutex::new(HashMap::new()),
        }
    }

    fn keys(email: &str, client: Option<IpAddr>) -> Vec<(Key, u32)> {
        let mut keys = vec![(Key::Email(email.trim().to_lowercase()), 1)];
        if let Some(ip) = client {
            keys.push((Key::Client(ip), 4));
        }
        keys
    }

    /// Seconds to wait if this email or client is currently throttled.
    pub fn check(&self, email: &str, client: Option<IpAddr>) -> Option<u64> {
        let now = Instant::now();
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        let mut wait = None;
        for (key, factor) in Self::keys(email, client) {
            let Some(entry) = entries.get(&key).copied() else {
                continue;
            };
            let elapsed = now.duration_since(entry.since);
            if elapsed >= self.lockout {
                entries.remove(&key);
            } else if entry.failures >= self.max_failures * factor {
                let left = (self.lockout - elapsed).as_secs().max(1);
                wait = Some(wait.map_or(left, |w: u64| w.max(left)));
            }
        }
        wait
    }

    /// Counts one failed attempt.
    pub fn record_failure(&self, email: &str, client: Option<IpAddr>) {
        let now = Instant::now();
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        for (key, _) in Self::keys(email, client) {
            let entry = entries.entry(key).or_insert(Entry {
                failures: 0,
                since: now,
            });
            if now.duration_since(entry.since) >= self.lockout {
                *entry = Entry {
                    failures: 0,
                    since: now,
                };
            }
            entry.failures += 1;
        }
        // Keep the map bounded under a spray of random emails.
        if entries.len() > 100_000 {
            let lockout = self.lockout;
            entries.retain(|_, e| now.duration_since(e.since) < lockout);
        }
    }

    /// Clears the email's count after a successful sign-in.
    pub fn record_success(&self, email: &str) {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries.remove(&Key::Email(email.trim().to_lowercase()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_after_the_limit_and_success_clears_it() {
        let t = LoginThrottle::new(3, Duration::from_secs(60));
        let ip: IpAddr = "10.0.0.1".parse().expect("ip");
        for _ in 0..3 {
            assert_eq!(t.check("A@x.io", Some(ip)), None);
            t.record_failure("a@x.io", Some(ip));
        }
        let wait = t.check("a@x.io", Some(ip)).expect("throttled");
        assert!((1..=60).contains(&wait));
        // Another email from the same client is still allowed (client limit is 12).
        assert_eq!(t.check("b@x.io", Some(ip)), None);
        t.record_success("a@x.io");
        assert_eq!(t.check("a@x.io", Some(ip)), None);
    }

    #[test]
    fn a_client_spraying_many_emails_is_throttled() {
        let t = LoginThrottle::new(2, Duration::from_secs(60));
        let ip: IpAddr = "10.0.0.2".parse().expect("ip");
        for i in 0..8 {
            t.record_failure(&format!("u{i}@x.io"), Some(ip));
        }
        assert!(t.check("fresh@x.io", Some(ip)).is_some());
        assert_eq!(t.check("fresh@x.io", None), None);
    }
}
