//! Fan-out of job updates to the live progress streams of this process, and
//! the count of streams each user holds open.

use std::collections::HashMap;
use std::sync::Mutex;

use tokio::sync::broadcast;
use types::jobs::JobUpdate;

/// One broadcast channel per followed job; dropped when the job ends or its
/// last follower leaves.
#[derive(Default)]
pub struct JobHub {
    senders: Mutex<HashMap<String, broadcast::Sender<JobUpdate>>>,
    streams: Mutex<HashMap<i64, usize>>,
}

impl JobHub {
    /// Counts one more open stream for `user`, unless they already hold
    /// `max`. Pair with [`JobHub::close_stream`].
    pub fn open_stream(&self, user: i64, max: usize) -> bool {
        let mut streams = self.streams.lock().unwrap_or_else(|p| p.into_inner());
        let n = streams.entry(user).or_insert(0);
        if *n >= max {
            return false;
        }
        *n += 1;
        true
    }

    pub fn close_stream(&self, user: i64) {
        let mut streams = self.streams.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(n) = streams.get_mut(&user) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                streams.remove(&user);
            }
        }
    }

    /// Drops the channel of `id` if nobody follows it any more (called
    /// when a stream ends or its client leaves).
    pub fn prune(&self, id: &str) {
        let mut map = self.senders.lock().unwrap_or_else(|p| p.into_inner());
        if map.get(id).is_some_and(|tx| tx.receiver_count() == 0) {
            map.remove(id);
        }
    }

    /// Channels currently open (for tests and metrics).
    pub fn channels(&self) -> usize {
        self.senders.lock().unwrap_or_else(|p| p.into_inner()).len()
    }

    pub fn subscribe(&self, id: &str) -> broadcast::Receiver<JobUpdate> {
        let mut map = self.senders.lock().unwrap_or_else(|p| p.into_inner());
        map.entry(id.to_owned())
            .or_insert_with(|| broadcast::channel(64).0)
            .subscribe()
    }

    pub fn publish(&self, id: &str, update: JobUpdate) {
        let mut map = self.senders.lock().unwrap_or_else(|p| p.into_inner());
        let terminal = update.status.is_terminal();
        if let Some(tx) = map.get(id) {
            let _ = tx.send(update);
        }
        if terminal {
            map.remove(id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channels_go_when_their_last_follower_leaves() {
        let hub = JobHub::default();
        let a = hub.subscribe("job1");
        let b = hub.subscribe("job1");
        drop(a);
        hub.prune("job1");
        assert_eq!(hub.channels(), 1);
        drop(b);
        hub.prune("job1");
        assert_eq!(hub.channels(), 0);
    }

    #[test]
    fn streams_per_user_are_capped() {
        let hub = JobHub::default();
        assert!(hub.open_stream(7, 2));
        assert!(hub.open_stream(7, 2));
        assert!(!hub.open_stream(7, 2));
        assert!(hub.open_stream(8, 2));
        hub.close_stream(7);
        assert!(hub.open_stream(7, 2));
    }
}
