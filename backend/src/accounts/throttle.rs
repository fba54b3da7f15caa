//! Sign-in throttling that slows guessing without locking owners out.
//!
//! Failures are counted per (account, address), per address, and per
//! account; each count has its own allowance, past which every further
//! failure doubles the wait before the next attempt (30 s, 1 min, 2 min…
//! up to `LOGIN_LOCKOUT_SECONDS`) — a back-off, not a wall. An attempt is counted
//! *before* its password is checked (so a burst cannot slip hundreds of
//! argon2 checks past the limit while the first ones are still hashing); a
//! success takes its count back. Refused attempts are not counted and cost
//! no hashing.
//!
//! - (account, address): the allowance (`LOGIN_MAX_FAILURES`).
//! - address: four times that, across accounts (one office behind a NAT is
//!   as common as one attacker). IPv6 counts per /64.
//! - account: ten times that, across addresses (guessing from many).
//!
//! An address that has signed in to an account before keeps its own
//! allowance for that account: neither the address's nor the account's
//! count holds it back, so a stranger's failures — from anywhere — never
//! lock the owner out of their usual place. Administrators can see current
//! locks and clear them (`locks`, `clear`).
//!
//! Counts live in memory, per server process: a restart forgets them, which
//! errs on the side of letting users in; with several replicas each keeps
//! its own (a guesser spread over N replicas gets N allowances).

use std::collections::HashMap;
use std::net::{IpAddr, Ipv6Addr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Who an attempt is counted against.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Pair(String, IpAddr),
    Client(IpAddr),
    Account(String),
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    attempts: u32,
    /// The last counted attempt (for the back-off), or when a window began.
    since: Instant,
}

/// How long a successful (address, account) pair is remembered.
const KNOWN_FOR: Duration = Duration::from_secs(30 * 24 * 3600);

/// Most entries kept in each map before expired ones are swept.
const MAX_ENTRIES: usize = 100_000;

/// The first wait past an allowance; each further failure doubles it.
const FIRST_WAIT: Duration = Duration::from_secs(30);

/// Sign-in attempt counters.
#[derive(Debug)]
pub struct LoginThrottle {
    max_failures: u32,
    /// The longest wait, and how long a count is kept after its last attempt.
    lockout: Duration,
    entries: Mutex<HashMap<Key, Entry>>,
    known: Mutex<HashMap<(IpAddr, String), Instant>>,
}

/// A count that currently makes attempts wait, for administrators.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lock {
    pub account: Option<String>,
    pub address: Option<IpAddr>,
    pub failures: u32,
    pub seconds_left: u64,
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
    /// `max_failures` per (account, address); an address gets four times
    /// as many across accounts, an account ten times across addresses.
    /// `lockout` is the longest wait.
    pub fn new(max_failures: u32, lockout: Duration) -> Self {
        Self {
            max_failures: max_failures.max(1),
            lockout: lockout.max(Duration::from_secs(1)),
            entries: Mutex::new(HashMap::new()),
            known: Mutex::new(HashMap::new()),
        }
    }

    fn limit(&self, key: &Key) -> u32 {
        match key {
            Key::Pair(..) => self.max_failures,
            Key::Client(_) => self.max_failures.saturating_mul(4),
            Key::Account(_) => self.max_failures.saturating_mul(10),
        }
    }

    fn keys(&self, email: &str, client: Option<IpAddr>) -> Vec<Key> {
        let email = email_key(email);
        let Some(ip) = client.map(client_group) else {
            return vec![Key::Account(email)];
        };
        let known = self
            .known
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&(ip, email.clone()))
            .is_some_and(|at| at.elapsed() < KNOWN_FOR);
        if known {
            vec![Key::Pair(email, ip)]
        } else {
            vec![Key::Pair(email.clone(), ip), Key::Client(ip), Key::Account(email)]
        }
    }

    /// How long an entry still makes attempts wait (zero: not at all).
    fn wait(&self, key: &Key, entry: &Entry, now: Instant) -> Duration {
        let limit = self.limit(key);
        if entry.attempts < limit {
            return Duration::ZERO;
        }
        let doublings = (entry.attempts - limit).min(30);
        let backoff = FIRST_WAIT
            .min(self.lockout)
            .saturating_mul(1u32 << doublings)
            .min(self.lockout);
        backoff.saturating_sub(now.duration_since(entry.since))
    }

    /// Counts an attempt for `email` from `client`, or refuses it with the
    /// seconds to wait while one of its counts is backing off. The check
    /// and the count happen under one lock, so concurrent attempts cannot
    /// all pass the check before any is counted.
    pub fn attempt(&self, email: &str, client: Option<IpAddr>) -> Result<(), u64> {
        let keys = self.keys(email, client);
        let now = Instant::now();
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        let mut wait = Duration::ZERO;
        for key in &keys {
            let Some(entry) = entries.get(key).copied() else {
                continue;
            };
            if now.duration_since(entry.since) >= self.lockout {
                entries.remove(key);
            } else {
                wait = wait.max(self.wait(key, &entry, now));
            }
        }
        if !wait.is_zero() {
            return Err(wait.as_secs_f64().ceil().max(1.0) as u64);
        }
        for key in keys {
            let entry = entries.entry(key).or_insert(Entry {
                attempts: 0,
                since: now,
            });
            entry.attempts = entry.attempts.saturating_add(1);
            entry.since = now;
        }
        if entries.len() > MAX_ENTRIES {
            let lockout = self.lockout;
            entries.retain(|_, e| now.duration_since(e.since) < lockout);
        }
        Ok(())
    }

    /// After a successful sign-in: clears the pair's count, takes this
    /// attempt back from the address's and the account's, and remembers
    /// the pair.
    pub fn succeeded(&self, email: &str, client: Option<IpAddr>) {
        let email = email_key(email);
        let ip = client.map(client_group);
        {
            let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
            let mut take_back = |key: Key| {
                if let Some(e) = entries.get_mut(&key) {
                    e.attempts = e.attempts.saturating_sub(1);
                }
            };
            take_back(Key::Account(email.clone()));
            if let Some(ip) = ip {
                take_back(Key::Client(ip));
                entries.remove(&Key::Pair(email.clone(), ip));
            }
        }
        if let Some(ip) = ip {
            let now = Instant::now();
            let mut known = self.known.lock().unwrap_or_else(|p| p.into_inner());
            known.insert((ip, email), now);
            if known.len() > MAX_ENTRIES {
                known.retain(|_, at| now.duration_since(*at) < KNOWN_FOR);
            }
        }
    }

    /// The counts that make attempts wait now, longest wait first.
    pub fn locks(&self) -> Vec<Lock> {
        let now = Instant::now();
        let entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        let mut locks: Vec<Lock> = entries
            .iter()
            .filter_map(|(key, entry)| {
                let left = self.wait(key, entry, now);
                if left.is_zero() {
                    return None;
                }
                let (account, address) = match key {
                    Key::Pair(a, ip) => (Some(a.clone()), Some(*ip)),
                    Key::Client(ip) => (None, Some(*ip)),
                    Key::Account(a) => (Some(a.clone()), None),
                };
                Some(Lock {
                    account,
                    address,
                    failures: entry.attempts,
                    seconds_left: left.as_secs_f64().ceil() as u64,
                })
            })
            .collect();
        locks.sort_by_key(|l| std::cmp::Reverse(l.seconds_left));
        locks
    }

    /// Clears every count of `account` (when given) and of `address` (when
    /// given); how many went.
    pub fn clear(&self, account: Option<&str>, address: Option<IpAddr>) -> usize {
        let account = account.map(email_key);
        let address = address.map(client_group);
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        let before = entries.len();
        entries.retain(|key, _| {
            let (a, ip) = match key {
                Key::Pair(a, ip) => (Some(a), Some(ip)),
                Key::Client(ip) => (None, Some(ip)),
                Key::Account(a) => (Some(a), None),
            };
            let hit_account = account.is_some() && a == account.as_ref();
            let hit_address = address.is_some() && ip == address.as_ref();
            !(hit_account || hit_address)
        });
        before - entries.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> Option<IpAddr> {
        Some(s.parse().expect("ip"))
    }

    #[test]
    fn waits_past_the_allowance_and_success_clears_it() {
        let t = LoginThrottle::new(3, Duration::from_secs(60));
        for _ in 0..3 {
            assert_eq!(t.attempt("A@x.io", ip("10.0.0.1")), Ok(()));
        }
        let wait = t.attempt("a@x.io", ip("10.0.0.1")).expect_err("throttled");
        assert_eq!(wait, 30, "the first wait is half a minute, not the whole lockout");
        // Another email from the same client is still allowed (client limit is 12).
        assert_eq!(t.attempt("b@x.io", ip("10.0.0.1")), Ok(()));
        t.succeeded("a@x.io", ip("10.0.0.1"));
        assert_eq!(t.attempt("a@x.io", ip("10.0.0.1")), Ok(()));
    }

    #[test]
    fn each_failure_past_the_allowance_doubles_the_wait_up_to_the_lockout() {
        let t = LoginThrottle::new(2, Duration::from_secs(600));
        let key = Key::Pair("a@x.io".into(), "10.0.0.9".parse().expect("ip"));
        let now = Instant::now();
        let waits: Vec<u64> = (0..9)
            .map(|attempts| t.wait(&key, &Entry { attempts, since: now }, now).as_secs())
            .collect();
        assert_eq!(waits, vec![0, 0, 30, 60, 120, 240, 480, 600, 600]);
        // Time passes: the wait counts from the last failure.
        let earlier = now - Duration::from_secs(50);
        let entry = Entry {
            attempts: 3,
            since: earlier,
        };
        assert_eq!(t.wait(&key, &entry, now).as_secs(), 10);
    }

    #[test]
    fn strangers_cannot_lock_the_owner_out_of_a_known_address() {
        let t = LoginThrottle::new(5, Duration::from_secs(900));
        // The owner signed in from home before.
        assert_eq!(t.attempt("owner@x.io", ip("10.0.0.7")), Ok(()));
        t.succeeded("owner@x.io", ip("10.0.0.7"));
        // 50 wrong passwords from one address, and more from many.
        for _ in 0..50 {
            let _ = t.attempt("owner@x.io", ip("192.0.2.1"));
        }
        for i in 0..200 {
            let _ = t.attempt("owner@x.io", ip(&format!("198.51.100.{i}")));
        }
        assert!(
            t.attempt("owner@x.io", ip("192.0.2.1")).is_err(),
            "the guesser waits"
        );
        assert!(
            t.attempt("owner@x.io", ip("203.0.113.5")).is_err(),
            "a new address waits once the account has many failures"
        );
        assert_eq!(
            t.attempt("owner@x.io", ip("10.0.0.7")),
            Ok(()),
            "the owner's own address does not"
        );
        // An administrator sees the locks and clears the account's.
        let locks = t.locks();
        assert!(locks
            .iter()
            .any(|l| l.account.as_deref() == Some("owner@x.io") && l.address.is_none()));
        assert!(t.clear(Some("Owner@x.io"), None) > 0);
        assert_eq!(t.attempt("owner@x.io", ip("203.0.113.5")), Ok(()));
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
        assert_eq!(t.attempt("fresh2@x.io", None), Ok(()));
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
