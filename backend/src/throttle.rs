//! Sign-in throttling: attempts counted per email and per client address.
//!
//! An attempt is counted *before* its password is checked (so a burst cannot
//! slip hundreds of argon2 checks past the limit while the first ones are
//! still hashing); a success takes its count back. Past the limit, further
//! attempts are refused with a wait time (429 + `Retry-After`) without any
//! hashing.
//!
//! A client address is an office behind one NAT as often as one attacker, so
//! it gets four times the email limit, IPv6 addresses count per /64 (one
//! subscriber's block), and an account that has signed in successfully from
//! an address before is not held back by that address's count (its own
//! count still applies): a burst from the same office cannot lock the real
//! administrator out.
//!
//! Counts live in memory: a restart forgets them, which errs on the side of
//! letting users in. One process serves the app, so one map is the truth.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv6Addr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Who an attempt is counted against.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Email(String),
    Client(IpAddr),
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    attempts: u32,
    /// When the window of counted attempts started (or the lockout began).
    since: Instant,
}

/// How long a successful (address, account) pair is remembered.
const KNOWN_FOR: Duration = Duration::from_secs(30 * 24 * 3600);

/// Most entries kept in each map before expired ones are swept.
const MAX_ENTRIES: usize = 100_000;

/// Sign-in attempt counters.
#[derive(Debug)]
pub struct LoginThrottle {
    max_failures: u32,
    lockout: Duration,
    entries: Mutex<HashMap<Key, Entry>>,
    known: Mutex<HashMap<(IpAddr, String), Instant>>,
}

/// The address an attempt is counted against: IPv4 as is, IPv6 by its /64.
pub fn client_group(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::V6(Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
    }
}

fn email_key(email: &str) -> String {
    email.trim().to_lowercase()
}

impl LoginThrottle {
    /// `max_failures` per email; a client address gets four times as many.
    pub fn new(max_failures: u32, lockout: Duration) -> Self {
        Self {
            max_failures: max_failures.max(1),
            lockout,
            entries: Mutex::new(HashMap::new()),
            known: Mutex::new(HashMap::new()),
        }
    }

    fn keys(&self, email: &str, client: Option<IpAddr>) -> Vec<(Key, u32)> {
        let email = email_key(email);
        let mut keys = Vec::with_capacity(2);
        if let Some(ip) = client.map(client_group) {
            let known = self.known.lock().unwrap_or_else(|p| p.into_inner());
            let is_known = known
                .get(&(ip, email.clone()))
                .is_some_and(|at| at.elapsed() < KNOWN_FOR);
            if !is_known {
                keys.push((Key::Client(ip), self.max_failures.saturating_mul(4)));
            }
        }
        keys.push((Key::Email(email), self.max_failures));
        keys
    }

    /// Counts an attempt for `email` from `client`, or refuses it with the
    /// seconds to wait when the email or the client is over its limit. The
    /// check and the count happen under one lock, so concurrent attempts
    /// cannot all pass the check before any is counted.
    pub fn attempt(&self, email: &str, client: Option<IpAddr>) -> Result<(), u64> {
        let keys = self.keys(email, client);
        let now = Instant::now();
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        let mut wait: Option<u64> = None;
        for (key, limit) in &keys {
            let Some(entry) = entries.get(key).copied() else {
                continue;
            };
            let elapsed = now.duration_since(entry.since);
            if elapsed >= self.lockout {
                entries.remove(key);
            } else if entry.attempts >= *limit {
                let left = (self.lockout - elapsed).as_secs().max(1);
                wait = Some(wait.map_or(left, |w| w.max(left)));
            }
        }
        if let Some(wait) = wait {
            return Err(wait);
        }
        for (key, _) in keys {
            let entry = entries.entry(key).or_insert(Entry {
                attempts: 0,
                since: now,
            });
            entry.attempts += 1;
        }
        if entries.len() > MAX_ENTRIES {
            let lockout = self.lockout;
            entries.retain(|_, e| now.duration_since(e.since) < lockout);
        }
        Ok(())
    }

    /// After a successful sign-in: clears the email's count, takes this
    /// attempt back from the client's, and remembers the pair.
    pub fn succeeded(&self, email: &str, client: Option<IpAddr>) {
        let email = email_key(email);
        {
            let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
            entries.remove(&Key::Email(email.clone()));
            if let Some(ip) = client.map(client_group) {
                if let Some(e) = entries.get_mut(&Key::Client(ip)) {
                    e.attempts = e.attempts.saturating_sub(1);
                }
            }
        }
        if let Some(ip) = client.map(client_group) {
            let now = Instant::now();
            let mut known = self.known.lock().unwrap_or_else(|p| p.into_inner());
            known.insert((ip, email), now);
            if known.len() > MAX_ENTRIES {
                known.retain(|_, at| now.duration_since(*at) < KNOWN_FOR);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> Option<IpAddr> {
        Some(s.parse().expect("ip"))
    }

    #[test]
    fn locks_after_the_limit_and_success_clears_it() {
        let t = LoginThrottle::new(3, Duration::from_secs(60));
        for _ in 0..3 {
            assert_eq!(t.attempt("A@x.io", ip("10.0.0.1")), Ok(()));
        }
        let wait = t.attempt("a@x.io", ip("10.0.0.1")).expect_err("throttled");
        assert!((1..=60).contains(&wait));
        // Another email from the same client is still allowed (client limit is 12).
        assert_eq!(t.attempt("b@x.io", ip("10.0.0.1")), Ok(()));
        t.succeeded("a@x.io", ip("10.0.0.1"));
        assert_eq!(t.attempt("a@x.io", ip("10.0.0.1")), Ok(()));
    }

    #[test]
    fn a_client_spraying_many_emails_is_throttled_but_known_accounts_are_not() {
        let t = LoginThrottle::new(2, Duration::from_secs(60));
        // The administrator signed in from the office address before.
        assert_eq!(t.attempt("admin@x.io", ip("10.0.0.2")), Ok(()));
        t.succeeded("admin@x.io", ip("10.0.0.2"));
        for i in 0..8 {
            assert_eq!(t.attempt(&format!("u{i}@x.io"), ip("10.0.0.2")), Ok(()));
        }
        assert!(t.attempt("fresh@x.io", ip("10.0.0.2")).is_err());
        assert_eq!(t.attempt("fresh@x.io", None), Ok(()));
        assert_eq!(t.attempt("admin@x.io", ip("10.0.0.2")), Ok(()));
    }

    #[test]
    fn hourly_allowance_is_per_user() {
        let h = Hourly::new(2);
        assert_eq!(h.hit(1), Ok(()));
        assert_eq!(h.hit(1), Ok(()));
        assert!(h.hit(1).is_err());
        assert_eq!(h.hit(2), Ok(()));
    }

    #[test]
    fn ipv6_counts_per_64_block() {
        let t = LoginThrottle::new(1, Duration::from_secs(60));
        for i in 0..4 {
            assert_eq!(
                t.attempt(&format!("u{i}@x.io"), ip(&format!("2001:db8:1:2::{i}"))),
                Ok(())
            );
        }
        assert!(t.attempt("u9@x.io", ip("2001:db8:1:2:ffff::1")).is_err());
        assert_eq!(t.attempt("u9@x.io", ip("2001:db8:1:3::1")), Ok(()));
        assert_eq!(
            client_group("::ffff:10.1.2.3".parse().expect("ip")),
            "10.1.2.3".parse::<IpAddr>().expect("ip")
        );
    }
}

/// A fixed-window hourly allowance per user (uploads, outline reads).
#[derive(Debug)]
pub struct Hourly {
    per_hour: u32,
    counts: Mutex<HashMap<i64, Entry>>,
}

impl Hourly {
    pub fn new(per_hour: u32) -> Self {
        Self {
            per_hour: per_hour.max(1),
            counts: Mutex::new(HashMap::new()),
        }
    }

    /// Counts one use by `user`, or refuses it with the seconds until the
    /// user's hour is over.
    pub fn hit(&self, user: i64) -> Result<(), u64> {
        const HOUR: Duration = Duration::from_secs(3600);
        let now = Instant::now();
        let mut counts = self.counts.lock().unwrap_or_else(|p| p.into_inner());
        if counts.len() > MAX_ENTRIES {
            counts.retain(|_, e| now.duration_since(e.since) < HOUR);
        }
        let entry = counts.entry(user).or_insert(Entry {
            attempts: 0,
            since: now,
        });
        if now.duration_since(entry.since) >= HOUR {
            *entry = Entry {
                attempts: 0,
                since: now,
            };
        }
        if entry.attempts >= self.per_hour {
            return Err((HOUR - now.duration_since(entry.since)).as_secs().max(1));
        }
        entry.attempts += 1;
        Ok(())
    }
}
