//! Moving finished decks to object storage, and the janitor.
//!
//! A deck is always written locally first and the job completes with that
//! copy. With a bucket configured, the uploader then copies it to
//! `S3_OUTPUTS_PREFIX<job id>.pptx`, checks the object is there at full
//! size, records `output_s3_key` and only then removes the local copy. If
//! the service is unreachable the deck stays local (and downloadable) and
//! the upload is retried with a doubling wait — nothing is lost.
//!
//! On PostgreSQL (several replicas) the worker uploads the deck itself
//! before it completes the job, so a replica that dies right after a job
//! does not strand the deck on its disk; the uploader only retries what
//! that first attempt could not send.
//!
//! The janitor deletes temporary outputs older than an hour (partial
//! writes, copies already uploaded, decks of deleted jobs) and uploaded
//! templates older than `UPLOAD_RETENTION_HOURS` that no waiting job needs.

use std::collections::HashSet;
use std::path::Path;
use std::time::{Duration, SystemTime};

use tokio::sync::watch;

use crate::db::jobs as db;
use crate::AppState;

pub const PPTX: &str = "application/vnd.openxmlformats-officedocument.presentationml.presentation";

/// Uploads every complete deck that is still only local. Returns (uploaded, failed).
pub async fn upload_pending(state: &AppState) -> (usize, usize) {
    let Some(s3) = &state.s3 else { return (0, 0) };
    let rows = match db::local_only_decks(&state.pool).await {
        Ok(r) => r,
        Err(e) => {
            tracing::warn!(error = %e, "listing decks to upload");
            return (0, 1);
        }
    };
    let (mut ok, mut failed) = (0, 0);
    for (id, local) in rows {
        // With replicas, a deck still local is on the disk of the replica
        // that built it: that one uploads it, the others skip it.
        let here = state.storage.file(&local).is_ok_and(|f| f.is_file());
        if !here && state.pool.as_sqlite().is_none() {
            continue;
        }
        let key = s3.output_key(id.as_str());
        match put_deck(state, s3, &local, &key).await {
            Ok(size) => {
                match db::moved_to_object_storage(&state.pool, &id, &local, &key, size).await {
                    Ok(true) => {
                        if let Err(e) = state.storage.delete(&local).await {
                            tracing::warn!(job = %id, error = %e, "could not remove the local copy; the janitor will");
                        }
                        tracing::info!(job = %id, key = %key, size, "deck uploaded");
                        state.metrics.s3_uploads.inc();
                        ok += 1;
                    }
                    // The job was deleted meanwhile: do not leave its object behind.
                    Ok(false) => {
                        let _ = s3.delete(&key).await;
                    }
                    Err(e) => {
                        tracing::warn!(job = %id, error = %e, "recording the upload failed");
                        failed += 1;
                    }
                }
            }
            Err(e) => {
                tracing::warn!(job = %id, error = %e, "uploading the deck failed; it stays local for now");
                state.metrics.s3_upload_failures.inc();
                failed += 1;
            }
        }
    }
    (ok, failed)
}

/// Copies the local deck at `local` to `key` and confirms the object is
/// there at full size. Returns its size.
pub async fn put_deck(
    state: &AppState,
    s3: &crate::storage::s3::S3,
    local: &str,
    key: &str,
) -> anyhow::Result<u64> {
    let file = state.storage.file(local)?;
    let size = s3.put_file(key, &file, PPTX).await?;
    match s3.head(key).await? {
        Some((n, _)) if n == size => Ok(size),
        other => anyhow::bail!("the uploaded object is not complete ({other:?})"),
    }
}

/// Runs [`upload_pending`] after each completed job and, while uploads fail,
/// again after a wait that doubles from `S3_UPLOAD_RETRY_SECONDS` to 5 minutes.
pub async fn uploader(state: AppState, mut stop: watch::Receiver<bool>) {
    let base = Duration::from_secs(state.config.s3.s3_upload_retry_seconds.max(1));
    let mut wait = base;
    loop {
        let (_, failed) = upload_pending(&state).await;
        let sleep = if failed > 0 {
            let w = wait;
            wait = (wait * 2).min(Duration::from_secs(300));
            w
        } else {
            wait = base;
            Duration::from_secs(300)
        };
        tokio::select! {
            _ = state.jobs.uploads.notified() => {}
            _ = tokio::time::sleep(sleep) => {}
            _ = stop.changed() => return,
        }
    }
}

fn older_than(path: &Path, age: Duration) -> bool {
    std::fs::metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| SystemTime::now().duration_since(t).ok())
        .is_some_and(|d| d > age)
}

/// Removes the files directly in `dir` older than `age`, except those whose
/// file name is in `keep` (names, not paths: the database may record the
/// same file under another spelling of the data folder); returns how many.
fn remove_old(dir: &Path, keep: &HashSet<String>, age: Duration) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            p.is_file() && !keep.contains(name) && older_than(p, age)
        })
        .filter(|p| std::fs::remove_file(p).is_ok())
        .count()
}

/// One janitor pass. Returns (outputs removed, uploads removed).
pub async fn sweep(
    state: &AppState,
    output_age: Duration,
    upload_age: Duration,
) -> anyhow::Result<(usize, usize)> {
    let outputs_dir = state.config.data_dir.join("outputs");
    // Local decks that are a job's only copy are never touched.
    let names = |locations: Vec<String>| -> HashSet<String> {
        locations
            .iter()
            .filter_map(|l| crate::storage::location_key(l))
            .map(str::to_owned)
            .collect()
    };
    let keep = names(db::local_deck_paths(&state.pool).await?);
    let outputs = remove_old(&outputs_dir, &keep, output_age);
    // Uploaded templates a queued or running job still needs are kept.
    let mut needed = names(db::templates_in_use(&state.pool).await?);
    let names_kept: Vec<String> = needed.iter().map(|t| format!("{t}.name")).collect();
    needed.extend(names_kept);
    let uploads = remove_old(&crate::templates::uploads_dir(&state.config), &needed, upload_age);
    let previews = crate::templates::previews::sweep_templates(state);
    if previews > 0 {
        tracing::info!(previews, "janitor removed previews of templates that are gone");
    }
    if outputs + uploads > 0 {
        tracing::info!(outputs, uploads, "janitor removed old files");
    }
    Ok((outputs, uploads))
}

/// Deletes finished jobs older than `JOB_RETENTION_DAYS` (when set) with
/// their decks, locally and in object storage, a batch at a time. Daily
/// activity and token usage stay (token rows keep their numbers; their job
/// reference becomes empty). Returns how many jobs went.
pub async fn expire_jobs(state: &AppState) -> anyhow::Result<usize> {
    let days = state.config.job_retention_days;
    if days == 0 {
        return Ok(0);
    }
    let before = crate::db::rfc3339(
        time::OffsetDateTime::now_utc()
            - time::Duration::days(i64::try_from(days).unwrap_or(i64::MAX / 86_400)),
    );
    let (pool, before) = (&state.pool, before.as_str());
    let removed = remove_listed(state, move |limit| db::finished_before(pool, before, limit)).await?;
    if removed > 0 {
        tracing::info!(removed, days, "jobs past their retention deleted");
    }
    Ok(removed)
}

/// Removes for good, with their decks, the deleted jobs whose undo time
/// (`DELETED_KEEP_MINUTES`) has passed. Returns how many went.
pub async fn purge_deleted(state: &AppState) -> anyhow::Result<usize> {
    let keep = i64::try_from(state.config.deleted_keep_minutes).unwrap_or(i64::MAX / 60);
    let before = crate::db::rfc3339(time::OffsetDateTime::now_utc() - time::Duration::minutes(keep));
    let (pool, before) = (&state.pool, before.as_str());
    let removed = remove_listed(state, move |limit| db::deleted_before(pool, before, limit)).await?;
    if removed > 0 {
        tracing::info!(removed, "deleted jobs past their undo time removed");
    }
    Ok(removed)
}

/// Removes the jobs `next` lists (at most its argument at a time), with
/// their decks, until a batch comes back short — or removes none, so a job
/// that cannot go (queued or running again) never keeps the loop going.
async fn remove_listed<F, Fut>(state: &AppState, next: F) -> anyhow::Result<usize>
where
    F: Fn(i64) -> Fut,
    Fut: std::future::Future<Output = Result<Vec<types::validate::JobId>, sqlx::Error>>,
{
    const BATCH: i64 = 200;
    let mut removed = 0;
    loop {
        let ids = next(BATCH).await?;
        let mut now = 0;
        for id in &ids {
            if crate::jobs::remove_finished(state, id).await? {
                now += 1;
            }
        }
        removed += now;
        if (ids.len() as i64) < BATCH || now == 0 {
            return Ok(removed);
        }
    }
}

/// Runs [`sweep`] every `JANITOR_INTERVAL_SECONDS`.
pub async fn janitor(state: AppState, mut stop: watch::Receiver<bool>) {
    let every = Duration::from_secs(state.config.janitor_interval_seconds.max(1));
    let upload_age = Duration::from_secs(state.config.upload_retention_hours.saturating_mul(3600));
    loop {
        if let Err(e) = sweep(&state, Duration::from_secs(3600), upload_age).await {
            tracing::warn!(error = %e, "janitor pass failed");
        }
        if let Err(e) = crate::jobs::idempotency::expire(&state).await {
            tracing::warn!(error = %e, "forgetting old idempotency keys failed");
        }
        // Retention deletes jobs for the whole cluster: one replica at a time.
        match crate::db::try_cluster_lock(&state.pool, crate::db::locks::RETENTION).await {
            Ok(Some(lock)) => {
                if let Err(e) = expire_jobs(&state).await {
                    tracing::warn!(error = %e, "retention pass failed");
                }
                if let Err(e) = purge_deleted(&state).await {
                    tracing::warn!(error = %e, "removing deleted jobs failed");
                }
                lock.release().await;
            }
            Ok(None) => tracing::debug!("another replica is running the retention pass"),
            Err(e) => tracing::warn!(error = %e, "taking the retention lock failed"),
        }
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = stop.changed() => return,
        }
    }
}
