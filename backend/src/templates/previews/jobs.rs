//! A finished job's previews: drawn at completion or on first view, the
//! grid's overview while the thumbnails arrive, a page picture or the PDF
//! (from the bucket on another replica), the speaker notes beside them, and
//! removal with the job.

use super::convert::{charge, drawable, notes_of, once, render, JobDeck, BUILDING, LAST_ERROR};
use super::store::{
    failure_file, fetch_marker, folder, known, object_key, page_name, remote, PreviewError, Size,
};
use crate::AppState;
use std::path::PathBuf;
use std::time::Duration;
use types::validate::JobId;

/// The number of pages of a job's deck in PDF, converting it first when it
/// has not been (waiting for a conversion already running); `NoDeck` for a
/// job that is gone or deleted. Previews of a
/// deck in object storage are fetched from there before converting anew.
/// The pictures come after (see [`super::pages::fill`] and [`page_file`]).
pub async fn ensure(state: &AppState, id: &JobId, user: Option<i64>) -> Result<usize, PreviewError> {
    // Only a job that is there: a deleted one (kept for its undo) shows no
    // pictures or PDF, even those drawn before.
    match crate::db::jobs::access(&state.pool, id).await {
        Ok(Some(_)) => {}
        Ok(None) => return Err(PreviewError::NoDeck),
        Err(e) => {
            return Err(PreviewError::Unavailable(format!(
                "the job could not be read ({e})"
            )))
        }
    }
    let dir = folder(state, id);
    if let Some(known) = known(&dir).await {
        return known;
    }
    once(&dir, async {
        let store = remote(state, id).await?;
        if let Some(s3) = &store {
            if let Some(n) = fetch_marker(s3, &object_key(s3, id, "pages"), &dir).await {
                // The bucket's marker goes last: every thumbnail is there.
                let _ = tokio::fs::write(dir.join(super::pages::DONE), "").await;
                return Ok(n);
            }
        }
        charge(state, user)?;
        render(state, &dir, id.as_str(), JobDeck { state, id }).await
    })
    .await
}

/// Forgets a job's failed conversion, so the next view tries again.
pub async fn forget_failure(state: &AppState, id: &JobId) {
    let _ = tokio::fs::remove_file(failure_file(&folder(state, id))).await;
}

/// The picture of page `n` (from 1) of a job's deck: converted, fetched
/// from the bucket or drawn when need be; `None` past the last page.
pub async fn page_file(
    state: &AppState,
    id: &JobId,
    n: usize,
    size: Size,
    user: Option<i64>,
) -> Result<Option<PathBuf>, PreviewError> {
    let pages = ensure(state, id, user).await?;
    if n == 0 || n > pages {
        return Ok(None);
    }
    let dir = folder(state, id);
    let name = page_name(n, size);
    let path = dir.join(&name);
    if path.is_file() {
        return Ok(Some(path));
    }
    let store = remote(state, id).await?;
    if let Some(s3) = &store {
        if s3.download_to(&object_key(s3, id, &name), &path).await.is_ok() && path.is_file() {
            return Ok(Some(path));
        }
        // Not drawn yet anywhere: draw it here, from the bucket's PDF when
        // this replica has none.
        if !dir.join("deck.pdf").is_file() {
            s3.download_to(&object_key(s3, id, "deck.pdf"), &dir.join("deck.pdf"))
                .await
                .map_err(|e| PreviewError::Unavailable(format!("the PDF could not be fetched ({e:#})")))?;
        }
    }
    super::pages::draw_one(state, &dir, n, size).await?;
    if let Some(s3) = &store {
        if let Err(e) = s3.put_file(&object_key(s3, id, &name), &path, "image/png").await {
            tracing::warn!(job = %id, error = %format!("{e:#}"), "could not store a page picture in the bucket");
        }
    }
    Ok(Some(path))
}

/// Where a job's PDF is delivered from.
pub enum Pdf {
    /// This server's copy.
    Local(PathBuf),
    /// A presigned link to the copy beside the deck in the bucket.
    Presigned(String),
}

/// A job's PDF, rendered first when need be; `disposition` names the download.
pub async fn pdf(
    state: &AppState,
    id: &JobId,
    disposition: &str,
    user: Option<i64>,
) -> Result<Pdf, PreviewError> {
    ensure(state, id, user).await?;
    if let Some(s3) = remote(state, id).await? {
        let key = object_key(&s3, id, "deck.pdf");
        if matches!(s3.head(&key).await, Ok(Some(_))) {
            let ttl = Duration::from_secs(state.config.presigned_url_ttl.max(1));
            return s3
                .presign_get(&key, ttl, Some(disposition))
                .await
                .map(Pdf::Presigned)
                .map_err(|e| PreviewError::Unavailable(format!("the PDF could not be linked ({e:#})")));
        }
    }
    Ok(Pdf::Local(folder(state, id).join("deck.pdf")))
}

/// Removes a job's previews (with its deck), here and in the bucket.
pub async fn remove(state: &AppState, id: &JobId) {
    let _ = tokio::fs::remove_dir_all(folder(state, id)).await;
    let _ = tokio::fs::remove_file(failure_file(&folder(state, id))).await;
    if let Some(s3) = &state.s3 {
        let prefix = object_key(s3, id, "");
        match s3.list(&prefix).await {
            Ok(objects) => {
                for o in objects {
                    if let Err(e) = s3.delete(&o.key).await {
                        tracing::warn!(job = %id, error = %format!("{e:#}"), "could not remove a preview object");
                    }
                }
            }
            Err(e) => tracing::warn!(job = %id, error = %format!("{e:#}"), "could not list preview objects"),
        }
    }
}

/// What the job page shows, never waiting for LibreOffice: the pages and
/// how many thumbnails are drawn so far (drawing them now in the background
/// if nobody is, charged to `user`; the page asks again while `drawing`)
/// and each slide's speaker notes; never an error for a complete job — a
/// failed drawing is "not available", with a retry offered when trying
/// again may help.
pub async fn overview(
    state: &AppState,
    id: &JobId,
    user: Option<i64>,
) -> crate::Result<Option<types::jobs::SlidePreviews>> {
    let Some(deck) = crate::db::jobs::complete_deck(&state.pool, id).await? else {
        return Ok(None);
    };
    let dir = folder(state, id);
    let mut p = types::jobs::SlidePreviews::default();
    let refused = |p: &mut types::jobs::SlidePreviews, e: PreviewError| {
        tracing::warn!(job = %id, error = %e, "no previews");
        p.retry = e.retryable();
        p.unavailable = Some(e.to_string());
    };
    match known(&dir).await {
        Some(Ok(pages)) => {
            p.pages = pages;
            p.drawn = super::pages::drawn(&dir, pages);
            // Until the filler is done: thumbnails, their copies in the
            // bucket, the marker.
            p.drawing = !super::pages::done(&dir);
            if p.drawing && !super::pages::filling(&dir) {
                let (state, id) = (state.clone(), id.to_owned());
                tokio::spawn(async move { super::pages::fill(&state, &id, pages).await });
            }
        }
        Some(Err(e)) => refused(&mut p, e),
        None => match drawable(state) {
            Err(e) => refused(&mut p, e),
            Ok(()) => match LAST_ERROR.lock().unwrap_or_else(|e| e.into_inner()).remove(&dir) {
                Some(e) => refused(&mut p, e),
                None => {
                    start(state, id, user);
                    p.drawing = true;
                }
            },
        },
    }
    p.notes = match notes(state, id).await {
        Some(n) => n,
        // Not converted yet (or before notes were kept with the previews).
        None => match deck.output_local.as_deref() {
            Some(local) => match state.storage.get(local).await {
                Ok(bytes) => tokio::task::spawn_blocking(move || notes_of(&bytes))
                    .await
                    .unwrap_or_default(),
                Err(_) => Vec::new(),
            },
            None => Vec::new(),
        },
    };
    Ok(Some(p))
}

/// Converts a job's deck and draws its thumbnails in the background, unless
/// that is under way; a refusal that is not remembered on disk (busy, over
/// the allowance) is kept for the next [`overview`].
fn start(state: &AppState, id: &JobId, user: Option<i64>) {
    let dir = folder(state, id);
    let running = BUILDING
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .contains_key(&dir);
    if running || super::pages::filling(&dir) {
        return;
    }
    let (state, id) = (state.clone(), id.to_owned());
    tokio::spawn(async move {
        match ensure(&state, &id, user).await {
            Ok(pages) => super::pages::fill(&state, &id, pages).await,
            Err(PreviewError::Failed(_)) => {}
            Err(e) => {
                LAST_ERROR
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .insert(dir, e);
            }
        }
    });
}

/// Draws a job's previews as soon as it completes (`PREVIEWS_ON_COMPLETION`),
/// so its page shows thumbnails within seconds; the server's own work, not
/// counted against anyone's allowance.
pub fn prepare(state: &AppState, id: &JobId) {
    if state.config.previews_on_completion && drawable(state).is_ok() {
        start(state, id, None);
    }
}

/// The notes kept with a job's previews (fetched from the bucket when the
/// local copy is missing).
async fn notes(state: &AppState, id: &JobId) -> Option<Vec<String>> {
    let path = folder(state, id).join("notes.json");
    if !path.is_file() {
        let s3 = remote(state, id).await.ok()??;
        s3.download_to(&object_key(&s3, id, "notes.json"), &path)
            .await
            .ok()?;
    }
    serde_json::from_slice(&tokio::fs::read(&path).await.ok()?).ok()
}
