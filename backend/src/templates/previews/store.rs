//! Where a deck's previews are kept: a folder per job (and per template)
//! under `DATA_DIR/previews/`, the page pictures' names, what a folder says
//! about an earlier drawing (done, or failed and why), the bucket's copy
//! when object storage is on, and the scratch folders conversions work in.

use crate::AppState;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use types::validate::JobId;

/// Which picture of a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Size {
    /// 320 pixels on the long side, for the grid.
    Thumb,
    /// 1280 pixels on the long side, for the large view.
    Large,
}

impl Size {
    pub fn parse(s: Option<&str>) -> Option<Size> {
        match s.unwrap_or("thumb") {
            "thumb" => Some(Size::Thumb),
            "large" => Some(Size::Large),
            _ => None,
        }
    }

    pub(crate) fn prefix(self) -> &'static str {
        match self {
            Size::Thumb => "thumb",
            Size::Large => "large",
        }
    }

    pub(crate) fn pixels(self) -> &'static str {
        match self {
            Size::Thumb => "320",
            Size::Large => "1280",
        }
    }
}

/// Why a job (or a template) has no previews.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PreviewError {
    #[error("the job has no finished deck")]
    NoDeck,
    /// This server does not draw previews (turned off, no LibreOffice) or
    /// could not get at the file: nothing to remember.
    #[error("previews are not available: {0}")]
    Unavailable(String),
    /// The conversion itself failed or timed out. Remembered: later views
    /// say so without converting again, until someone asks to try again.
    #[error("the slides could not be drawn: {0}")]
    Failed(String),
    /// Too many conversions are waiting; try again after the seconds.
    #[error("the server is busy drawing other decks; try again in a minute")]
    Busy { retry_after: u64 },
    /// The user's hourly allowance of conversions is used up.
    #[error("you have asked for many previews in the last hour; try again in {} minutes", retry_after.div_ceil(60))]
    OverAllowance { retry_after: u64 },
}

impl PreviewError {
    /// Whether trying again may help (the page offers a button).
    pub fn retryable(&self) -> bool {
        matches!(
            self,
            PreviewError::Failed(_) | PreviewError::Busy { .. } | PreviewError::OverAllowance { .. }
        )
    }
}

pub(crate) fn root(state: &AppState) -> PathBuf {
    state.config.data_dir.join("previews")
}

pub(crate) fn folder(state: &AppState, id: &JobId) -> PathBuf {
    root(state).join(id.as_str())
}

/// Where a template's preview pages are kept (`key` from [`super::template_key`]).
pub(crate) fn template_folder(state: &AppState, key: &str) -> PathBuf {
    root(state).join("templates").join(key)
}

pub(crate) fn page_name(n: usize, size: Size) -> String {
    format!("{}-{n}.png", size.prefix())
}

/// The S3 key of one of a job's preview files, beside its deck.
pub(crate) fn object_key(s3: &crate::storage::s3::S3, id: &JobId, file: &str) -> String {
    format!(
        "{}.previews/{file}",
        s3.output_key(id.as_str()).trim_end_matches(".pptx")
    )
}

/// The object store, when the job's deck is kept there (its previews are
/// kept beside it; the local folder is then a cache).
pub(crate) async fn remote(
    state: &AppState,
    id: &JobId,
) -> Result<Option<Arc<crate::storage::s3::S3>>, PreviewError> {
    let deck = crate::db::jobs::complete_deck(&state.pool, id)
        .await
        .map_err(|e| PreviewError::Unavailable(format!("the job could not be read ({e})")))?
        .ok_or(PreviewError::NoDeck)?;
    Ok(match (deck.output_s3_key, &state.s3) {
        (Some(_), Some(s3)) => Some(s3.clone()),
        _ => None,
    })
}

async fn rendered(dir: &Path) -> Option<usize> {
    let text = tokio::fs::read_to_string(dir.join("pages")).await.ok()?;
    text.trim().parse().ok()
}

/// Where a failed conversion of `dir` is remembered (beside it, so a
/// finished folder never holds one).
pub(crate) fn failure_file(dir: &Path) -> PathBuf {
    let mut name = dir.file_name().unwrap_or_default().to_os_string();
    name.push(".failed");
    dir.with_file_name(name)
}

/// The reason a conversion of `dir` failed before, if it did.
async fn remembered_failure(dir: &Path) -> Option<String> {
    let text = tokio::fs::read_to_string(failure_file(dir)).await.ok()?;
    Some(text.chars().take(300).collect())
}

/// Checks what is known of `dir` before any conversion: drawn (pages), or
/// failed before (the reason).
pub(crate) async fn known(dir: &Path) -> Option<Result<usize, PreviewError>> {
    if let Some(n) = rendered(dir).await {
        return Some(Ok(n));
    }
    remembered_failure(dir)
        .await
        .map(|why| Err(PreviewError::Failed(why)))
}

/// Reads a remote `pages` marker into a fresh local folder (its pictures
/// are fetched one by one when asked for).
pub(crate) async fn fetch_marker(s3: &crate::storage::s3::S3, key: &str, dir: &Path) -> Option<usize> {
    s3.head(key).await.ok()??;
    let file = dir.join("pages");
    s3.download_to(key, &file).await.ok()?;
    let n = rendered(dir).await;
    if n.is_none() {
        let _ = tokio::fs::remove_file(&file).await;
    }
    n
}

/// Stores a job's PDF, notes and thumbnails beside its deck; the `pages`
/// marker goes last, so a marker in the bucket means all of them are there.
/// (Large pictures follow one by one, as they are drawn.)
pub(crate) async fn upload(
    s3: &crate::storage::s3::S3,
    id: &JobId,
    dir: &Path,
    pages: usize,
) -> anyhow::Result<()> {
    s3.put_file(
        &object_key(s3, id, "deck.pdf"),
        &dir.join("deck.pdf"),
        "application/pdf",
    )
    .await?;
    for n in 1..=pages {
        let name = page_name(n, Size::Thumb);
        s3.put_file(&object_key(s3, id, &name), &dir.join(&name), "image/png")
            .await?;
    }
    s3.put_file(
        &object_key(s3, id, "notes.json"),
        &dir.join("notes.json"),
        "application/json",
    )
    .await?;
    s3.put_file(&object_key(s3, id, "pages"), &dir.join("pages"), "text/plain")
        .await?;
    Ok(())
}

/// A conversion's own folder (deck, profile, output), removed however the
/// conversion ends.
pub(crate) struct WorkDir(PathBuf);

impl WorkDir {
    pub(crate) async fn new(root: &Path, id: &str) -> std::io::Result<WorkDir> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let dir = root.join(format!(".render-{id}-{}-{nanos}", std::process::id()));
        tokio::fs::create_dir(&dir).await?;
        Ok(WorkDir(dir))
    }

    pub(crate) fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for WorkDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
