//! Keeping a finished deck: moved to object storage before the job
//! completes when a bucket is configured (the local copy then goes), else
//! left in the data folder.

use super::steps::{note, Done};
use crate::AppState;
use types::validate::JobId;

/// On PostgreSQL with a bucket, the deck goes to object storage before the
/// job completes: a replica that died between completing and its uploader's
/// next pass would otherwise leave the only copy on its own disk. If the
/// bucket cannot take it now, the job completes with the local copy and the
/// uploader retries, as on SQLite.
pub(crate) async fn store_before_completing(state: &AppState, id: &JobId, location: &str) -> Option<String> {
    let s3 = state.s3.as_ref().filter(|_| state.pool.as_sqlite().is_none())?;
    let key = s3.output_key(id.as_str());
    match crate::storage::offload::put_deck(state, s3, location, &key).await {
        Ok(size) => {
            state.metrics.s3_uploads.inc();
            let msg = format!("Stored in object storage ({:.1} MB)", size as f64 / 1e6);
            let _ = note(state, id, "info", 95, &msg).await;
            Some(key)
        }
        Err(e) => {
            tracing::warn!(job = %id, error = %e, "uploading the deck failed; the job completes with the local copy");
            None
        }
    }
}

/// After a job whose deck is already in the bucket the local copy is never
/// needed: the job refers to the object, or this run did not count. When the
/// completion was not recorded, the object goes too (no job refers to it) —
/// unless another worker took the job over: its run writes the same key.
pub(crate) async fn forget_local_copy(state: &AppState, id: &JobId, done: &Done, result: &crate::Result<()>) {
    if let Err(e) = state.storage.delete(&done.location).await {
        tracing::warn!(job = %id, error = %e, "could not remove the local copy; the janitor will");
    }
    let taken_over = matches!(result, Err(crate::Error::Db(sqlx::Error::RowNotFound)));
    if let (Err(_), false, Some(s3), Some(key)) = (result, taken_over, &state.s3, &done.s3_key) {
        let _ = s3.delete(key).await;
    }
}
