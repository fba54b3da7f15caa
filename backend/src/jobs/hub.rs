//! Fan-out of job updates to the live progress streams of this process.

use std::collections::HashMap;
use std::sync::Mutex;

use tokio::sync::broadcast;
use types::jobs::JobUpdate;

/// One broadcast channel per followed job; dropped when the job ends.
#[derive(Default)]
pub struct JobHub {
    senders: Mutex<HashMap<String, broadcast::Sender<JobUpdate>>>,
}

impl JobHub {
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
