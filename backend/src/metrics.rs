//! Prometheus metrics: counters the process keeps (HTTP requests, object
//! storage uploads) and gauges read from the database when scraped (jobs by
//! status, job durations, queue depth, token spend by model). Rendered in the
//! Prometheus text format by [`render`]; no metrics library needed for this.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use crate::AppState;

/// Request duration buckets, in seconds.
const HTTP_BUCKETS: [f64; 11] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

/// Job duration buckets, in seconds.
const JOB_BUCKETS: [f64; 9] = [0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0, 600.0];

#[derive(Default, Clone)]
struct Histogram {
    buckets: [u64; HTTP_BUCKETS.len()],
    count: u64,
    sum: f64,
}

/// What the process counts itself.
#[derive(Default)]
pub struct Metrics {
    http: Mutex<BTreeMap<(String, String, u16), Histogram>>,
    /// Decks moved to object storage.
    pub s3_uploads: AtomicU64,
    /// Attempts to move a deck to object storage that failed.
    pub s3_upload_failures: AtomicU64,
}

impl Metrics {
    /// Counts one answered request. `route` is the matched route pattern
    /// (never the raw path, so labels stay few).
    pub fn observe_http(&self, route: &str, method: &str, status: u16, seconds: f64) {
        let mut http = self.http.lock().unwrap_or_else(|p| p.into_inner());
        let h = http
            .entry((route.to_owned(), method.to_owned(), status))
            .or_default();
        for (i, le) in HTTP_BUCKETS.iter().enumerate() {
            if seconds <= *le {
                h.buckets[i] += 1;
            }
        }
        h.count += 1;
        h.sum += seconds;
    }
}

fn label(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

/// Every metric family, in the Prometheus text format.
pub async fn render(state: &AppState) -> crate::Result<String> {
    let mut out = String::new();
    let m = &state.metrics;

    out.push_str(
        "# HELP courseware_http_requests_total HTTP requests answered, by route, method and status.\n",
    );
    out.push_str("# TYPE courseware_http_requests_total counter\n");
    let http = m.http.lock().unwrap_or_else(|p| p.into_inner()).clone();
    for ((route, method, status), h) in &http {
        let _ = writeln!(
            out,
            "courseware_http_requests_total{{route=\"{}\",method=\"{}\",status=\"{status}\"}} {}",
            label(route),
            label(method),
            h.count
        );
    }
    out.push_str("# HELP courseware_http_request_duration_seconds Time to answer HTTP requests.\n");
    out.push_str("# TYPE courseware_http_request_duration_seconds histogram\n");
    for ((route, method, status), h) in &http {
        let labels = format!(
            "route=\"{}\",method=\"{}\",status=\"{status}\"",
            label(route),
            label(method)
        );
        for (i, le) in HTTP_BUCKETS.iter().enumerate() {
            let _ = writeln!(
                out,
                "courseware_http_request_duration_seconds_bucket{{{labels},le=\"{le}\"}} {}",
                h.buckets[i]
            );
        }
        let _ = writeln!(
            out,
            "courseware_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
            h.count
        );
        let _ = writeln!(
            out,
            "courseware_http_request_duration_seconds_sum{{{labels}}} {}",
            h.sum
        );
        let _ = writeln!(
            out,
            "courseware_http_request_duration_seconds_count{{{labels}}} {}",
            h.count
        );
    }

    let db = crate::db::metrics::read(&state.pool, &JOB_BUCKETS).await?;
    out.push_str("# HELP courseware_jobs Jobs in the history, by status.\n# TYPE courseware_jobs gauge\n");
    for status in types::jobs::JobStatus::ALL {
        let n = db.jobs_by_status.get(status.as_str()).copied().unwrap_or(0);
        let _ = writeln!(out, "courseware_jobs{{status=\"{}\"}} {n}", status.as_str());
    }
    out.push_str("# HELP courseware_job_duration_seconds Time from start to finish of completed jobs.\n");
    out.push_str("# TYPE courseware_job_duration_seconds histogram\n");
    for (le, n) in JOB_BUCKETS.iter().zip(&db.job_duration_buckets) {
        let _ = writeln!(out, "courseware_job_duration_seconds_bucket{{le=\"{le}\"}} {n}");
    }
    let _ = writeln!(
        out,
        "courseware_job_duration_seconds_bucket{{le=\"+Inf\"}} {}",
        db.job_duration_count
    );
    let _ = writeln!(out, "courseware_job_duration_seconds_sum {}", db.job_duration_sum);
    let _ = writeln!(
        out,
        "courseware_job_duration_seconds_count {}",
        db.job_duration_count
    );
    out.push_str(
        "# HELP courseware_queue_depth Jobs waiting for a worker.\n# TYPE courseware_queue_depth gauge\n",
    );
    let _ = writeln!(out, "courseware_queue_depth {}", db.queue_depth);
    out.push_str("# HELP courseware_workers_busy Workers running a job in this process.\n# TYPE courseware_workers_busy gauge\n");
    let _ = writeln!(out, "courseware_workers_busy {}", state.jobs.busy());
    out.push_str("# HELP courseware_workers Job workers in this process.\n# TYPE courseware_workers gauge\n");
    let _ = writeln!(
        out,
        "courseware_workers {}",
        state.config.worker_concurrency.max(1)
    );

    out.push_str("# HELP courseware_llm_calls_total Model API calls recorded, by model.\n# TYPE courseware_llm_calls_total counter\n");
    for u in &db.llm {
        let _ = writeln!(
            out,
            "courseware_llm_calls_total{{model=\"{}\"}} {}",
            label(&u.model),
            u.calls
        );
    }
    out.push_str("# HELP courseware_llm_tokens_total Tokens spent, by model and kind.\n# TYPE courseware_llm_tokens_total counter\n");
    for u in &db.llm {
        for (kind, n) in [
            ("input", u.input),
            ("output", u.output),
            ("cache_creation", u.cache_creation),
            ("cache_read", u.cache_read),
        ] {
            let _ = writeln!(
                out,
                "courseware_llm_tokens_total{{model=\"{}\",kind=\"{kind}\"}} {n}",
                label(&u.model)
            );
        }
    }
    out.push_str("# HELP courseware_llm_cost_usd_total Estimated spend in US dollars, by model.\n# TYPE courseware_llm_cost_usd_total counter\n");
    for u in &db.llm {
        let _ = writeln!(
            out,
            "courseware_llm_cost_usd_total{{model=\"{}\"}} {}",
            label(&u.model),
            u.cost
        );
    }

    out.push_str("# HELP courseware_s3_uploads_total Decks moved to object storage by this process.\n# TYPE courseware_s3_uploads_total counter\n");
    let _ = writeln!(
        out,
        "courseware_s3_uploads_total {}",
        m.s3_uploads.load(Ordering::Relaxed)
    );
    out.push_str("# HELP courseware_s3_upload_failures_total Failed attempts to move a deck to object storage.\n# TYPE courseware_s3_upload_failures_total counter\n");
    let _ = writeln!(
        out,
        "courseware_s3_upload_failures_total {}",
        m.s3_upload_failures.load(Ordering::Relaxed)
    );

    out.push_str("# HELP courseware_db_connections Database pool connections, by state.\n# TYPE courseware_db_connections gauge\n");
    let (size, idle) = state.pool.connections();
    let _ = writeln!(out, "courseware_db_connections{{state=\"idle\"}} {idle}");
    let _ = writeln!(
        out,
        "courseware_db_connections{{state=\"in_use\"}} {}",
        size.saturating_sub(idle)
    );
    out.push_str("# HELP courseware_build_info Version of the server and the deck engine.\n# TYPE courseware_build_info gauge\n");
    let _ = writeln!(
        out,
        "courseware_build_info{{version=\"{}\",engine=\"{}\"}} 1",
        env!("CARGO_PKG_VERSION"),
        deck::ENGINE_VERSION
    );
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_observations_fill_cumulative_buckets() {
        let m = Metrics::default();
        m.observe_http("/api/jobs", "POST", 200, 0.003);
        m.observe_http("/api/jobs", "POST", 200, 0.2);
        let http = m.http.lock().expect("lock");
        let h = &http[&("/api/jobs".to_string(), "POST".to_string(), 200)];
        assert_eq!(h.count, 2);
        assert_eq!(h.buckets[0], 1, "≤ 5 ms");
        assert_eq!(h.buckets[5], 2, "≤ 250 ms");
        assert!((h.sum - 0.203).abs() < 1e-9);
    }
}
