//! Where a finished job's deck is, as one question: delivering it for a
//! download (a presigned object-storage URL, or the local bytes) and removing
//! it with its job. Callers never branch on local versus object storage.

use crate::AppState;
use types::validate::JobId;

/// How a stored deck reaches the person downloading it.
pub enum Delivery {
    /// A presigned object-storage URL, valid for `ttl`.
    Presigned { url: String, ttl: std::time::Duration },
    /// The bytes, read from the local folder.
    Bytes(Vec<u8>),
}

/// Why a deck cannot be delivered.
#[derive(Debug, thiserror::Error)]
pub enum DeliveryError {
    #[error("the deck is in object storage, which is not configured on this server")]
    NoBucket,
    #[error("object storage could not sign a link: {0}")]
    Presign(String),
    #[error("the deck file is missing: {0}")]
    Missing(std::io::Error),
}

/// Delivers a complete job's deck from wherever it is kept: object storage
/// when it has been moved there, else the local copy (older jobs, jobs
/// waiting for their upload, and local storage). `disposition` is the
/// Content-Disposition the download should carry.
pub async fn deliver(
    state: &AppState,
    local: Option<&str>,
    s3_key: Option<&str>,
    disposition: &str,
) -> Result<Delivery, DeliveryError> {
    if let (Some(key), Some(s3)) = (s3_key, &state.s3) {
        let ttl = std::time::Duration::from_secs(state.config.presigned_url_ttl.max(1));
        return s3
            .presign_get(key, ttl, Some(disposition))
            .await
            .map(|url| Delivery::Presigned { url, ttl })
            .map_err(|e| DeliveryError::Presign(format!("{e:#}")));
    }
    let Some(path) = local else {
        return Err(DeliveryError::NoBucket);
    };
    state
        .storage
        .get(path)
        .await
        .map(Delivery::Bytes)
        .map_err(DeliveryError::Missing)
}

/// Removes a deleted job's deck from wherever it is kept. Failures are
/// logged, not returned: the job is gone either way and the janitor sweeps
/// stray local files.
pub async fn remove(state: &AppState, id: &JobId, local: Option<&str>, s3_key: Option<&str>) {
    crate::templates::previews::remove(state, id).await;
    if let Some(path) = local {
        if let Err(e) = state.storage.delete(path).await {
            tracing::warn!(job = %id, error = %e, "could not remove the deck file");
        }
    }
    if let (Some(key), Some(s3)) = (s3_key, &state.s3) {
        if let Err(e) = s3.delete(key).await {
            tracing::warn!(job = %id, error = %format!("{e:#}"), "could not remove the deck object");
        }
    }
}
