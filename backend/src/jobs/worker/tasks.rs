//! The worker tasks: `WORKER_CONCURRENCY` loops that claim queued jobs, a
//! heartbeat that renews this instance's leases and takes back lapsed ones,
//! and the stop at shutdown (claiming ends; running jobs get a grace period
//! and are re-queued if they do not finish). Each claimed job runs under the
//! time limit and ends in exactly one transition.

use super::generate::execute;
use super::steps::{cancelled, Stop};
use super::store::forget_local_copy;
use crate::db::jobs::{self as db, Completed};
use crate::AppState;
use std::time::{Duration, Instant};
use tokio::sync::watch;
use tokio::task::JoinHandle;
use types::jobs::JobStatus;
use types::validate::JobId;

/// Running workers; [`Workers::shutdown`] stops them.
pub struct Workers {
    stop: watch::Sender<bool>,
    handles: Vec<JoinHandle<()>>,
    state: AppState,
}

/// Starts `n` workers.
pub fn start(state: &AppState, n: usize) -> Workers {
    let (stop, rx) = watch::channel(false);
    let mut handles: Vec<JoinHandle<()>> = (0..n.max(1))
        .map(|i| {
            tokio::spawn(worker(
                state.clone(),
                format!("w{i}-{}", state.jobs.instance),
                rx.clone(),
            ))
        })
        .collect();
    handles.push(tokio::spawn(heartbeat(state.clone(), rx.clone())));
    Workers {
        stop,
        handles,
        state: state.clone(),
    }
}

impl Workers {
    /// Stops claiming, waits up to `grace` for running jobs, re-queues the rest.
    pub async fn shutdown(self, grace: Duration) {
        let _ = self.stop.send(true);
        let deadline = tokio::time::Instant::now() + grace;
        for h in self.handles {
            let abort = h.abort_handle();
            if tokio::time::timeout_at(deadline, h).await.is_err() {
                abort.abort();
            }
        }
        let left: Vec<String> = self.state.jobs.running().keys().cloned().collect();
        for id in left.iter().filter_map(|id| JobId::parse(id)) {
            match db::requeue(&self.state.pool, &id).await {
                Ok(()) => tracing::info!(job = %id, "re-queued at shutdown"),
                Err(e) => tracing::error!(job = %id, error = %e, "could not re-queue at shutdown"),
            }
        }
    }
}

/// Every third of a lease: renews the leases of this process's jobs, then
/// re-queues jobs whose lease lapsed (a worker, process or replica that
/// stopped without finishing them), waking this process's idle workers.
async fn heartbeat(state: AppState, mut stop: watch::Receiver<bool>) {
    let every = state.jobs.lease / 3;
    loop {
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = stop.changed() => return,
        }
        if let Err(e) = db::renew(&state.pool, &state.jobs.instance, &state.jobs.lease_until()).await {
            tracing::warn!(error = %e, "renewing job leases failed");
        }
        match db::reclaim_expired(&state.pool, &crate::db::now_rfc3339()).await {
            Ok((0, 0)) => {}
            Ok((requeued, failed)) => {
                tracing::warn!(requeued, failed, "re-queued jobs whose worker stopped answering");
                state.jobs.wake.notify_waiters();
            }
            Err(e) => tracing::warn!(error = %e, "re-queueing lapsed jobs failed"),
        }
    }
}

async fn worker(state: AppState, name: String, mut stop: watch::Receiver<bool>) {
    loop {
        if *stop.borrow() {
            return;
        }
        match db::claim(&state.pool, &name, &state.jobs.lease_until()).await {
            Ok(Some(id)) => {
                state.jobs.running().insert(id.to_string(), ());
                let span = tracing::info_span!("job", job_id = %id, worker = %name);
                // Its own task: a panic anywhere in a job fails that job, and
                // this worker goes on to the next one.
                let job = {
                    let (state, id, name) = (state.clone(), id.clone(), name.clone());
                    tokio::spawn(tracing::Instrument::instrument(
                        async move { run(&state, &id, &name).await },
                        span,
                    ))
                };
                // When `shutdown` aborts this worker after the grace period,
                // the job's task goes with it (and is re-queued there).
                let _abort_with_worker = AbortOnDrop(job.abort_handle());
                let outcome = job.await;
                if let Err(e) = outcome {
                    if e.is_panic() {
                        tracing::error!(job = %id, "job panicked; failing it and carrying on");
                        let msg = "The job stopped on an internal error. It can be retried; \
                                   if it fails again, tell your administrator.";
                        if let Err(e) =
                            crate::jobs::end(&state, &id, JobStatus::Failed, "Failed", Some(msg)).await
                        {
                            tracing::error!(job = %id, error = %e, "could not record the failure");
                        }
                    }
                }
                state.jobs.running().remove(id.as_str());
            }
            Ok(None) => {
                tokio::select! {
                    _ = state.jobs.wake.notified() => {}
                    _ = tokio::time::sleep(Duration::from_secs(2)) => {}
                    _ = stop.changed() => {}
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "claiming a job failed");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    }
}

/// Aborts a task when dropped.
struct AbortOnDrop(tokio::task::AbortHandle);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

async fn run(state: &AppState, id: &JobId, worker: &str) {
    let started = Instant::now();
    let limit = state.jobs.time_limit;
    // Cancelling drops the pipeline wherever it is, in-flight model calls included.
    let work = async {
        tokio::select! {
            r = execute(state, id) => r,
            stop = cancelled(&state.pool, id) => Err(stop),
        }
    };
    let outcome = match tokio::time::timeout(limit, work).await {
        Ok(r) => r,
        Err(_) => Err(Stop::Failed(format!(
            "The job took longer than the time limit of {} s and was stopped.",
            limit.as_secs()
        ))),
    };
    let secs = started.elapsed().as_secs_f64();
    let result = match outcome {
        Ok(done) => {
            let completed = Completed {
                worker,
                slides: done.slides,
                score: done.score,
                verdict: &done.verdict,
                report: &done.report,
                location: &done.location,
                s3_key: done.s3_key.as_deref(),
                seconds: secs,
                content: done.content.as_ref().map(|(c, d)| (c.as_str(), d.as_str())),
            };
            let result = crate::jobs::complete(state, id, &completed).await;
            if done.s3_key.is_some() {
                forget_local_copy(state, id, &done, &result).await;
            }
            if result.is_ok() {
                crate::templates::previews::prepare(state, id);
            }
            result
        }
        Err(Stop::Cancelled) => crate::jobs::end(state, id, JobStatus::Cancelled, "Cancelled", None).await,
        Err(Stop::Failed(msg)) => crate::jobs::end(state, id, JobStatus::Failed, "Failed", Some(&msg)).await,
    };
    if let Err(crate::Error::Db(sqlx::Error::RowNotFound)) = &result {
        // The lease lapsed and another worker has the job now: its run counts.
        tracing::warn!("the job was taken over by another worker while this one ran it; dropping this run");
        return;
    }
    if let Err(e) = result {
        tracing::error!(error = %e, "could not record the job's outcome");
        // A job must not stay `running` forever because its finish could not
        // be written (disk full, a locked database): try once more to fail it.
        tokio::time::sleep(Duration::from_secs(1)).await;
        let msg = "The finished course could not be recorded on the server. It can be retried.";
        if let Err(e) = crate::jobs::end(state, id, JobStatus::Failed, "Failed", Some(msg)).await {
            tracing::error!(error = %e, "could not mark the job failed either; start-up recovery will");
        }
    }
}
