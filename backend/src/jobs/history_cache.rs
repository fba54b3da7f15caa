//! Recent answers of the shared history, per filter, valid for one change
//! version of the jobs (`db::jobs::version`, kept by database triggers, so
//! any writer invalidates them). Bounded: at most [`MAX_ENTRIES`] filters;
//! a new version or a full cache starts empty.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use types::jobs::{HistoryPage, JobStatus};

use crate::db::jobs::browse::After;

/// Distinct filters kept at once (searches are free text).
pub const MAX_ENTRIES: usize = 64;

/// A filter and page: status, trimmed search text, where the page starts,
/// whether it lists deleted courses (whose: see `db::jobs::browse`) and
/// the review state asked for.
pub type Filter = (
    Option<JobStatus>,
    Option<String>,
    Option<After>,
    Option<Option<i64>>,
    Option<&'static str>,
);

/// Answers kept for one version.
type Answers = HashMap<Filter, Arc<HistoryPage>>;

#[derive(Default)]
pub struct HistoryCache {
    inner: Mutex<(i64, Answers)>,
}

impl HistoryCache {
    /// The rows for `filter` if they were read at `version`.
    pub fn get(&self, version: i64, filter: &Filter) -> Option<Arc<HistoryPage>> {
        let inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        (inner.0 == version)
            .then(|| inner.1.get(filter).cloned())
            .flatten()
    }

    /// Keeps rows read at `version` (dropping everything of other versions).
    pub fn put(&self, version: i64, filter: Filter, rows: Arc<HistoryPage>) {
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        if inner.0 != version || inner.1.len() >= MAX_ENTRIES {
            *inner = (version, HashMap::new());
        }
        inner.1.insert(filter, rows);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn empty() -> HistoryPage {
        HistoryPage {
            jobs: Vec::new(),
            next: None,
        }
    }

    #[test]
    fn answers_live_for_one_version_and_the_cache_stays_bounded() {
        let c = HistoryCache::default();
        let all: Filter = (None, None, None, None, None);
        c.put(3, all.clone(), Arc::new(empty()));
        assert!(c.get(3, &all).is_some());
        assert!(c.get(4, &all).is_none(), "a newer version must miss");
        for i in 0..(MAX_ENTRIES + 5) {
            c.put(
                3,
                (None, Some(i.to_string()), None, None, None),
                Arc::new(empty()),
            );
        }
        let kept = (0..MAX_ENTRIES + 5)
            .filter(|i| c.get(3, &(None, Some(i.to_string()), None, None, None)).is_some())
            .count();
        assert!(kept <= MAX_ENTRIES);
        c.put(4, all.clone(), Arc::new(empty()));
        assert!(c.get(3, &all).is_none(), "an older version is gone");
    }
}
