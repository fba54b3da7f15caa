//! Prometheus metrics through `prometheus-client`: counters the process keeps
//! (HTTP requests, object-storage uploads) and gauges read from the database
//! when scraped (jobs by status, job durations, queue depth, token spend by
//! model). Each scrape builds one registry — the process's own families
//! (shared handles) beside families filled from a fresh read — and encodes
//! it in the OpenMetrics text format.

use prometheus_client::encoding::{text, EncodeLabelSet};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;
use std::sync::atomic::AtomicU64;

use crate::db::Pool;

/// The content type of [`Metrics::render`]'s text.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// Request duration buckets, in seconds.
const HTTP_BUCKETS: [f64; 11] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

/// Job duration buckets, in seconds.
const JOB_BUCKETS: [f64; 9] = [0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0, 600.0];

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct HttpLabels {
    route: String,
    method: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StatusLabel {
    status: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ModelLabel {
    model: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct TokenLabels {
    model: String,
    kind: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ConnectionState {
    state: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct BuildLabels {
    version: &'static str,
    engine: &'static str,
}

type HistogramFamily<L> = Family<L, Histogram, fn() -> Histogram>;

fn http_histogram() -> Histogram {
    Histogram::new(HTTP_BUCKETS)
}

/// What the process counts itself.
pub struct Metrics {
    http_requests: Family<HttpLabels, Counter>,
    http_duration: HistogramFamily<HttpLabels>,
    /// Decks moved to object storage.
    pub s3_uploads: Counter,
    /// Attempts to move a deck to object storage that failed.
    pub s3_upload_failures: Counter,
}

impl Default for Metrics {
    fn default() -> Self {
        Self {
            http_requests: Family::default(),
            http_duration: Family::new_with_constructor(http_histogram),
            s3_uploads: Counter::default(),
            s3_upload_failures: Counter::default(),
        }
    }
}

/// This process's workers, as the gauges report them.
#[derive(Debug, Clone, Copy)]
pub struct Workers {
    pub busy: usize,
    pub total: usize,
}

impl Metrics {
    /// Counts one answered request. `route` is the matched route pattern
    /// (never the raw path, so labels stay few).
    pub fn observe_http(&self, route: &str, method: &str, status: u16, seconds: f64) {
        let labels = HttpLabels {
            route: route.to_owned(),
            method: method.to_owned(),
            status,
        };
        self.http_requests.get_or_create(&labels).inc();
        self.http_duration.get_or_create(&labels).observe(seconds);
    }

    /// Every metric family, read now.
    pub async fn render(&self, pool: &Pool, workers: Workers) -> crate::Result<String> {
        let db = crate::db::metrics::read(pool).await?;
        let mut r = Registry::default();
        r.register(
            "courseware_http_requests",
            "HTTP requests answered, by route, method and status",
            self.http_requests.clone(),
        );
        r.register(
            "courseware_http_request_duration_seconds",
            "Time to answer HTTP requests",
            self.http_duration.clone(),
        );

        let jobs = Family::<StatusLabel, Gauge>::default();
        for status in types::jobs::JobStatus::ALL {
            let n = db.jobs_by_status.get(status.as_str()).copied().unwrap_or(0);
            jobs.get_or_create(&StatusLabel {
                status: status.as_str(),
            })
            .set(n);
        }
        r.register("courseware_jobs", "Jobs in the history, by status", jobs);
        let durations = Histogram::new(JOB_BUCKETS);
        for d in &db.job_durations {
            durations.observe(*d);
        }
        r.register(
            "courseware_job_duration_seconds",
            "Time from start to finish of completed jobs",
            durations,
        );
        r.register(
            "courseware_queue_depth",
            "Jobs waiting for a worker",
            gauge(db.queue_depth),
        );
        r.register(
            "courseware_workers_busy",
            "Workers running a job in this process",
            gauge(count(workers.busy)),
        );
        r.register(
            "courseware_workers",
            "Job workers in this process",
            gauge(count(workers.total.max(1))),
        );

        let calls = Family::<ModelLabel, Counter>::default();
        let tokens = Family::<TokenLabels, Counter>::default();
        let cost = Family::<ModelLabel, Counter<f64, AtomicU64>>::default();
        for u in &db.llm {
            let model = ModelLabel {
                model: u.model.clone(),
            };
            calls.get_or_create(&model).inc_by(unsigned(u.calls));
            for (kind, n) in [
                ("input", u.input),
                ("output", u.output),
                ("cache_creation", u.cache_creation),
                ("cache_read", u.cache_read),
            ] {
                tokens
                    .get_or_create(&TokenLabels {
                        model: u.model.clone(),
                        kind,
                    })
                    .inc_by(unsigned(n));
            }
            cost.get_or_create(&model).inc_by(u.cost.max(0.0));
        }
        r.register(
            "courseware_llm_calls",
            "Model API calls recorded, by model",
            calls,
        );
        r.register("courseware_llm_tokens", "Tokens spent, by model and kind", tokens);
        r.register(
            "courseware_llm_cost_usd",
            "Estimated spend in US dollars, by model",
            cost,
        );

        r.register(
            "courseware_s3_uploads",
            "Decks moved to object storage by this process",
            self.s3_uploads.clone(),
        );
        r.register(
            "courseware_s3_upload_failures",
            "Failed attempts to move a deck to object storage",
            self.s3_upload_failures.clone(),
        );

        let connections = Family::<ConnectionState, Gauge>::default();
        let (size, idle) = pool.connections();
        connections
            .get_or_create(&ConnectionState { state: "idle" })
            .set(i64::from(idle));
        connections
            .get_or_create(&ConnectionState { state: "in_use" })
            .set(i64::from(size.saturating_sub(idle)));
        r.register(
            "courseware_db_connections",
            "Database pool connections, by state",
            connections,
        );
        let build = Family::<BuildLabels, Gauge>::default();
        build
            .get_or_create(&BuildLabels {
                version: env!("CARGO_PKG_VERSION"),
                engine: deck::ENGINE_VERSION,
            })
            .set(1);
        r.register(
            "courseware_build_info",
            "Version of the server and the deck engine",
            build,
        );

        let mut out = String::new();
        text::encode(&mut out, &r).map_err(|e| anyhow::anyhow!("encoding metrics: {e}"))?;
        Ok(out)
    }
}

/// A gauge set to `value`.
fn gauge(value: i64) -> Gauge {
    let g = Gauge::default();
    g.set(value);
    g
}

fn count(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn unsigned(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_observations_fill_cumulative_buckets() {
        let m = Metrics::default();
        m.observe_http("/api/jobs", "POST", 200, 0.003);
        m.observe_http("/api/jobs", "POST", 200, 0.2);
        let mut r = Registry::default();
        r.register("t", "t", m.http_duration.clone());
        let mut out = String::new();
        text::encode(&mut out, &r).expect("encode");
        let line = |le: &str| {
            out.lines()
                .find(|l| l.contains(&format!("le=\"{le}\"")))
                .unwrap_or_else(|| panic!("no bucket {le} in {out}"))
                .rsplit(' ')
                .next()
                .map(str::to_owned)
        };
        assert_eq!(line("0.005").as_deref(), Some("1"), "≤ 5 ms");
        assert_eq!(line("0.25").as_deref(), Some("2"), "≤ 250 ms");
        assert!(
            out.contains("t_count{route=\"/api/jobs\",method=\"POST\",status=\"200\"} 2"),
            "{out}"
        );
    }
}
