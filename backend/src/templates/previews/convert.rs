//! Turning a deck into a PDF and counting its pages: one LibreOffice run
//! per core at a time (a short queue, then "busy, retry later"), one
//! drawing per folder however many ask (the others wait for its result),
//! each user's hourly allowance of drawings, and whether this machine can
//! draw at all.

use super::store::{failure_file, known, PreviewError, WorkDir};
use crate::AppState;
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock, Mutex};
use std::time::Duration;
use tokio::sync::Semaphore;
use types::validate::JobId;

/// How long a client should wait before asking again when the queue is full.
const BUSY_RETRY_SECONDS: u64 = 30;

/// Conversions running at once: one per core.
pub(crate) static GATE: LazyLock<Semaphore> =
    LazyLock::new(|| Semaphore::new(std::thread::available_parallelism().map_or(1, |n| n.get())));

/// Decks waiting for a conversion at most (different decks: callers for
/// the same one share its conversion). Past it a deck's previews are "not
/// available" for now, so a user opening page after page cannot queue
/// renders without end.
const MAX_WAITING: usize = 16;

static WAITING: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// A place in the queue for a conversion, given back when dropped.
struct Waiting;

impl Waiting {
    fn join(waiting: &'static std::sync::atomic::AtomicUsize, max: usize) -> Option<Waiting> {
        use std::sync::atomic::Ordering;
        let before = waiting.fetch_add(1, Ordering::SeqCst);
        if before >= max {
            waiting.fetch_sub(1, Ordering::SeqCst);
            return None;
        }
        Some(Waiting)
    }
}

impl Drop for Waiting {
    fn drop(&mut self) {
        WAITING.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
    }
}

/// One conversion per folder at a time; later callers wait for it and use it.
pub(crate) static BUILDING: LazyLock<Mutex<std::collections::HashMap<PathBuf, Arc<tokio::sync::Mutex<()>>>>> =
    LazyLock::new(Default::default);

/// Runs `make` for `dir` unless another caller is making it; then waits
/// for that one and uses its result.
pub(crate) async fn once(
    dir: &Path,
    make: impl std::future::Future<Output = Result<usize, PreviewError>>,
) -> Result<usize, PreviewError> {
    let lock = {
        let mut map = BUILDING.lock().unwrap_or_else(|p| p.into_inner());
        map.entry(dir.to_owned()).or_default().clone()
    };
    // The caller's one handle on the lock (the list holds the other), so
    // the last caller out sees two and takes the folder off the list.
    let listed = Listed { dir, lock };
    let _one = listed.lock.lock().await;
    if let Some(known) = known(dir).await {
        return known;
    }
    make.await
}

/// A caller's place in [`BUILDING`]: the last one out — done, or given up
/// (a client that went away) — takes the folder off the list, so "being
/// drawn" never outlives the drawing.
struct Listed<'a> {
    dir: &'a Path,
    lock: Arc<tokio::sync::Mutex<()>>,
}

impl Drop for Listed<'_> {
    fn drop(&mut self) {
        let mut map = BUILDING.lock().unwrap_or_else(|p| p.into_inner());
        let alone = map
            .get(self.dir)
            .is_some_and(|l| Arc::ptr_eq(l, &self.lock) && Arc::strong_count(l) <= 2);
        if alone {
            map.remove(self.dir);
        }
    }
}

/// Counts a conversion against `user`'s hourly allowance (none for work
/// the server starts itself).
pub(crate) fn charge(state: &AppState, user: Option<i64>) -> Result<(), PreviewError> {
    match user {
        Some(u) => state
            .renders
            .hit(u)
            .map_err(|retry_after| PreviewError::OverAllowance { retry_after }),
        None => Ok(()),
    }
}

/// Writes the deck to convert into a work folder.
pub(crate) trait Source {
    async fn write(self, dest: &Path) -> Result<(), PreviewError>;
}

pub(crate) struct JobDeck<'a> {
    pub(crate) state: &'a AppState,
    pub(crate) id: &'a JobId,
}

impl Source for JobDeck<'_> {
    async fn write(self, dest: &Path) -> Result<(), PreviewError> {
        let state = self.state;
        let deck = crate::db::jobs::complete_deck(&state.pool, self.id)
            .await
            .map_err(|e| PreviewError::Unavailable(format!("the job could not be read ({e})")))?
            .ok_or(PreviewError::NoDeck)?;
        if let Some(local) = deck.output_local.as_deref() {
            if let Ok(bytes) = state.storage.get(local).await {
                return tokio::fs::write(dest, bytes)
                    .await
                    .map_err(|e| PreviewError::Unavailable(format!("could not write the deck ({e})")));
            }
        }
        match (deck.output_s3_key.as_deref(), &state.s3) {
            (Some(key), Some(s3)) => s3
                .download_to(key, dest)
                .await
                .map(|_| ())
                .map_err(|e| PreviewError::Unavailable(format!("the deck could not be fetched ({e:#})"))),
            _ => Err(PreviewError::NoDeck),
        }
    }
}

pub(crate) struct Bytes(pub(crate) Vec<u8>);

impl Source for Bytes {
    async fn write(self, dest: &Path) -> Result<(), PreviewError> {
        tokio::fs::write(dest, self.0)
            .await
            .map_err(|e| PreviewError::Unavailable(format!("could not write the deck ({e})")))
    }
}

/// Converts the deck `source` writes into `dest` (PDF, pictures at two
/// sizes, a `pages` marker), which appears complete or not at all.
pub(crate) async fn render(
    state: &AppState,
    dest: &Path,
    label: &str,
    source: impl Source,
) -> Result<usize, PreviewError> {
    drawable(state)?;
    let (Some(soffice), Some(_)) = (super::sandbox::tool("soffice"), super::sandbox::tool("pdftoppm")) else {
        return Err(PreviewError::Unavailable(
            "LibreOffice and poppler's pdftoppm are not installed on this server".into(),
        ));
    };
    let limit = Duration::from_secs(state.config.render_timeout_seconds.max(1));
    let Some(_queued) = Waiting::join(&WAITING, MAX_WAITING) else {
        tracing::warn!(what = %label, "too many decks waiting to be rendered; refused for now");
        return Err(PreviewError::Busy {
            retry_after: BUSY_RETRY_SECONDS,
        });
    };
    let _place = GATE
        .acquire()
        .await
        .map_err(|_| PreviewError::Unavailable("shutting down".into()))?;
    let started = std::time::Instant::now();
    // Work beside the finished folders, so the last step is a rename.
    let parent = dest.parent().unwrap_or(dest);
    tokio::fs::create_dir_all(parent)
        .await
        .map_err(|e| PreviewError::Unavailable(format!("no previews folder ({e})")))?;
    let work = WorkDir::new(parent, label)
        .await
        .map_err(|e| PreviewError::Unavailable(format!("no temporary folder ({e})")))?;
    let deck_file = work.path().join("deck.pptx");
    source.write(&deck_file).await?;
    match convert(
        &soffice,
        super::sandbox::Priority::Normal,
        work.path(),
        &deck_file,
        limit,
        &state.converters,
    )
    .await
    {
        Ok(pages) => {
            let out = work.path().join("out");
            // The finished folder appears at once, under its real name.
            let _ = tokio::fs::remove_dir_all(dest).await;
            tokio::fs::rename(&out, dest)
                .await
                .map_err(|e| PreviewError::Unavailable(format!("could not keep the previews ({e})")))?;
            let _ = tokio::fs::remove_file(failure_file(dest)).await;
            tracing::info!(what = %label, pages, secs = started.elapsed().as_secs_f64(), "previews rendered");
            Ok(pages)
        }
        Err(why) => {
            tracing::warn!(what = %label, reason = %why, secs = started.elapsed().as_secs_f64(), "previews failed; remembered");
            let _ = tokio::fs::write(failure_file(dest), &why).await;
            Err(PreviewError::Failed(why))
        }
    }
}

/// The conversion proper, in `work`: deck → PDF (LibreOffice), its page
/// count (pdfinfo), the notes and a `pages` marker, all in `work/out`. The
/// number of pages, or why there are none (a failure worth remembering).
pub(crate) async fn convert(
    soffice: &Path,
    priority: super::sandbox::Priority,
    work: &Path,
    deck_file: &Path,
    limit: Duration,
    groups: &super::sandbox::Groups,
) -> Result<usize, String> {
    let started = std::time::Instant::now();
    let notes = match tokio::fs::read(deck_file).await {
        Ok(bytes) => tokio::task::spawn_blocking(move || notes_of(&bytes))
            .await
            .unwrap_or_default(),
        Err(_) => Vec::new(),
    };
    let profile = super::sandbox::office_profile(&work.join("profile")).map_err(|e| e.to_string())?;
    let office_args: Vec<std::ffi::OsString> = vec![
        profile,
        "--headless".into(),
        "--norestore".into(),
        "--nolockcheck".into(),
        "--convert-to".into(),
        "pdf".into(),
        "--outdir".into(),
        work.into(),
        deck_file.into(),
    ];
    super::sandbox::run_with(
        soffice,
        &office_args,
        "LibreOffice",
        work,
        limit,
        groups,
        priority,
    )
    .await
    .map_err(|f| f.to_string())?;
    let pdf = work.join("deck.pdf");
    if !pdf.is_file() {
        return Err("LibreOffice wrote no PDF".into());
    }
    let out = work.join("out");
    tokio::fs::create_dir(&out)
        .await
        .map_err(|e| format!("no output folder ({e})"))?;
    let pages = count(&pdf, work, limit.saturating_sub(started.elapsed()), groups).await?;
    if pages == 0 {
        return Err("the PDF has no pages".into());
    }
    tokio::fs::rename(&pdf, out.join("deck.pdf"))
        .await
        .map_err(|e| e.to_string())?;
    tokio::fs::write(
        out.join("notes.json"),
        serde_json::to_vec(&notes).unwrap_or_default(),
    )
    .await
    .map_err(|e| e.to_string())?;
    tokio::fs::write(out.join("pages"), pages.to_string())
        .await
        .map_err(|e| e.to_string())?;
    Ok(pages)
}

/// Whether this server draws previews at all; the reason when it does not.
pub fn drawable(state: &AppState) -> Result<(), PreviewError> {
    if !state.config.previews {
        return Err(PreviewError::Unavailable(
            "they are turned off on this server (PREVIEWS=false)".into(),
        ));
    }
    if super::sandbox::tool("soffice").is_none() || super::sandbox::tool("pdftoppm").is_none() {
        return Err(PreviewError::Unavailable(
            "LibreOffice and poppler's pdftoppm are not installed on this server".into(),
        ));
    }
    Ok(())
}

/// A background drawing's error that is not remembered on disk (busy, over
/// the allowance), kept until the next look so the page can say it.
pub(crate) static LAST_ERROR: LazyLock<Mutex<std::collections::HashMap<PathBuf, PreviewError>>> =
    LazyLock::new(Default::default);

/// The number of pages of a PDF, as pdfinfo reads it (contained like every
/// converter run).
async fn count(
    pdf: &Path,
    work: &Path,
    limit: Duration,
    groups: &super::sandbox::Groups,
) -> Result<usize, String> {
    let pdfinfo = super::sandbox::tool("pdfinfo").ok_or("poppler's pdfinfo is not installed")?;
    let out = super::sandbox::run(
        &pdfinfo,
        &[pdf.into()],
        "pdfinfo",
        work,
        limit.max(Duration::from_secs(1)),
        groups,
    )
    .await
    .map_err(|f| f.to_string())?;
    String::from_utf8_lossy(&out)
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .ok_or_else(|| "pdfinfo did not say how many pages the PDF has".to_string())
}

/// Each slide's speaker notes (empty strings where a slide has none).
pub(crate) fn notes_of(bytes: &[u8]) -> Vec<String> {
    let Ok(pkg) = deck::opc::Package::from_bytes(bytes, deck::opc::Limits::default()) else {
        return Vec::new();
    };
    let Ok((_, slides)) = deck::opc::slides_of(&pkg) else {
        return Vec::new();
    };
    slides
        .iter()
        .map(|s| {
            pkg.rels(s)
                .ok()
                .and_then(|rels| rels.into_iter().find(|r| r.kind() == "notesSlide"))
                .and_then(|r| deck::opc::resolve(s, &r.target).ok())
                .map(|n| deck::lint::notes_text(&pkg, &n).trim().to_owned())
                .unwrap_or_default()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_render_queue_refuses_past_its_length_and_frees_places() {
        // The process-wide counter, so the test holds its own places only.
        let held: Vec<Waiting> = (0..MAX_WAITING)
            .map_while(|_| Waiting::join(&WAITING, MAX_WAITING))
            .collect();
        assert_eq!(held.len(), MAX_WAITING);
        assert!(
            Waiting::join(&WAITING, MAX_WAITING).is_none(),
            "a full queue refuses"
        );
        drop(held);
        assert_eq!(WAITING.load(std::sync::atomic::Ordering::SeqCst), 0);
        assert!(Waiting::join(&WAITING, MAX_WAITING).is_some(), "places come back");
    }

    #[tokio::test]
    async fn a_finished_or_failed_drawing_leaves_the_list_of_drawings() {
        let dir = tempfile::tempdir().expect("tmp");
        let listed = |d: &Path| BUILDING.lock().unwrap_or_else(|p| p.into_inner()).contains_key(d);
        let ok = dir.path().join("ok");
        assert_eq!(once(&ok, async { Ok(3) }).await, Ok(3));
        assert!(!listed(&ok), "a finished drawing is off the list");
        let failed = dir.path().join("failed");
        let err = once(&failed, async { Err(PreviewError::Failed("no".into())) }).await;
        assert_eq!(err, Err(PreviewError::Failed("no".into())));
        assert!(!listed(&failed), "so a retry can start another");
    }
}
