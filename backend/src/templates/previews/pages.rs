//! Page pictures of a converted deck, drawn by `pdftoppm` from the PDF kept
//! in the deck's previews folder: the thumbnails in small batches right
//! after the conversion — the first few alone, so the job page's grid starts
//! filling at once — and a large picture (or a thumbnail not drawn yet) when
//! someone asks for it. Every picture is drawn in a work folder and renamed
//! into place, so a reader never sees half a file; two drawings of the same
//! page are harmless.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{LazyLock, Mutex};
use std::time::Duration;
use types::validate::JobId;

use tokio::sync::Semaphore;

use super::sandbox;
use super::store::{folder, page_name, remote, upload, PreviewError, Size, WorkDir};
use crate::AppState;

/// Marker: every thumbnail of the folder is drawn (here, or in the bucket
/// for a folder fetched from there).
pub(super) const DONE: &str = "done";

/// Thumbnails drawn by the first run (the grid's first row), then per run.
const FIRST_BATCH: usize = 3;
const BATCH: usize = 10;

/// pdftoppm runs at once: one per core. Apart from the conversion gate, so
/// pictures of converted decks keep coming while LibreOffice works on others.
static GATE: LazyLock<Semaphore> =
    LazyLock::new(|| Semaphore::new(std::thread::available_parallelism().map_or(1, |n| n.get())));

/// Folders whose thumbnails are being drawn (one filler each).
static FILLING: LazyLock<Mutex<HashSet<PathBuf>>> = LazyLock::new(Default::default);

/// Draws pages `first..=last` of `dir/deck.pdf` at `size` into `dir`.
pub(super) async fn draw(
    dir: &Path,
    first: usize,
    last: usize,
    size: Size,
    limit: Duration,
    groups: &sandbox::Groups,
) -> Result<(), String> {
    let pdftoppm = sandbox::tool("pdftoppm").ok_or("poppler's pdftoppm is not installed")?;
    let _place = GATE.acquire().await.map_err(|_| "shutting down".to_string())?;
    let work = WorkDir::new(dir.parent().unwrap_or(dir), "pages")
        .await
        .map_err(|e| format!("no temporary folder ({e})"))?;
    let args: Vec<std::ffi::OsString> = vec![
        "-png".into(),
        "-scale-to".into(),
        size.pixels().into(),
        "-f".into(),
        first.to_string().into(),
        "-l".into(),
        last.to_string().into(),
        dir.join("deck.pdf").into(),
        work.path().join(size.prefix()).into(),
    ];
    sandbox::run(&pdftoppm, &args, "pdftoppm", work.path(), limit, groups)
        .await
        .map_err(|f| f.to_string())?;
    // pdftoppm numbers pages with as many digits as the PDF's last page
    // needs (thumb-01.png…): name them plainly, in place.
    let mut entries = tokio::fs::read_dir(work.path())
        .await
        .map_err(|e| e.to_string())?;
    while let Ok(Some(e)) = entries.next_entry().await {
        let name = e.file_name().to_string_lossy().to_string();
        let Some(n) = name
            .strip_prefix(size.prefix())
            .and_then(|r| r.strip_prefix('-'))
            .and_then(|r| r.strip_suffix(".png"))
            .and_then(|d| d.parse::<usize>().ok())
        else {
            continue;
        };
        tokio::fs::rename(e.path(), dir.join(page_name(n, size)))
            .await
            .map_err(|e| format!("could not keep a page picture ({e})"))?;
    }
    Ok(())
}

/// Draws one page that someone asked for and nobody has drawn yet.
pub(super) async fn draw_one(state: &AppState, dir: &Path, n: usize, size: Size) -> Result<(), PreviewError> {
    let limit = Duration::from_secs(state.config.render_timeout_seconds.max(1));
    draw(dir, n, n, size, limit, &state.converters)
        .await
        .map_err(PreviewError::Failed)?;
    if dir.join(page_name(n, size)).is_file() {
        Ok(())
    } else {
        Err(PreviewError::Failed(
            "pdftoppm drew no picture of the page".into(),
        ))
    }
}

/// Whether the folder's thumbnails are all drawn and stored.
pub(super) fn done(dir: &Path) -> bool {
    dir.join(DONE).is_file()
}

/// Thumbnails there are, from the first on (the grid shows that many).
pub(super) fn drawn(dir: &Path, pages: usize) -> usize {
    if dir.join(DONE).is_file() {
        return pages;
    }
    (1..=pages)
        .take_while(|&n| dir.join(page_name(n, Size::Thumb)).is_file())
        .count()
}

/// A folder's place in [`FILLING`], given back when dropped.
struct Filling(PathBuf);

impl Filling {
    fn claim(dir: &Path) -> Option<Filling> {
        let mut set = FILLING.lock().unwrap_or_else(|p| p.into_inner());
        set.insert(dir.to_owned()).then(|| Filling(dir.to_owned()))
    }
}

impl Drop for Filling {
    fn drop(&mut self) {
        FILLING.lock().unwrap_or_else(|p| p.into_inner()).remove(&self.0);
    }
}

/// Whether a filler is drawing `dir`'s thumbnails now.
pub(super) fn filling(dir: &Path) -> bool {
    FILLING.lock().unwrap_or_else(|p| p.into_inner()).contains(dir)
}

/// Draws a converted job's thumbnails batch by batch (those not there yet),
/// then stores them with the PDF beside a deck kept in the bucket, then
/// marks the folder [`DONE`], then measures the contrast of its text on the
/// drawn slides (see [`super::contrast`]). One filler per folder; a batch that fails
/// ends the filling (its pages are drawn when asked for, or say why not).
pub(super) async fn fill(state: &AppState, id: &JobId, pages: usize) {
    let dir = folder(state, id);
    let Some(_mine) = Filling::claim(&dir) else {
        return;
    };
    if dir.join(DONE).is_file() {
        return;
    }
    let started = std::time::Instant::now();
    let limit = Duration::from_secs(state.config.render_timeout_seconds.max(1));
    let mut first = 1;
    while first <= pages {
        let batch = if first == 1 { FIRST_BATCH } else { BATCH };
        let last = (first + batch - 1).min(pages);
        let missing = (first..=last).any(|n| !dir.join(page_name(n, Size::Thumb)).is_file());
        if missing {
            if let Err(why) = draw(&dir, first, last, Size::Thumb, limit, &state.converters).await {
                tracing::warn!(job = %id, first, last, reason = %why, "thumbnails could not be drawn");
                break;
            }
        }
        first = last + 1;
    }
    if !dir.is_dir() {
        return; // the job went while its pictures were drawn
    }
    let drawn = drawn(&dir, pages);
    tracing::info!(job = %id, pages, drawn, secs = started.elapsed().as_secs_f64(), "thumbnails drawn");
    if drawn == pages {
        if let Ok(Some(s3)) = remote(state, id).await {
            if let Err(e) = upload(&s3, id, &dir, pages).await {
                // The local copy still serves this replica; another draws its own.
                tracing::warn!(job = %id, error = %format!("{e:#}"), "could not store previews in the bucket");
            }
        }
    }
    let _ = tokio::fs::write(dir.join(DONE), "").await;
    super::contrast::measure_job(state, id).await;
}

/// Draws a deck file in `work` (an absolute folder of its own) the way
/// every preview is drawn — contained, no network — without any check of
/// the deck first: for tests that show the containment holds on its own.
pub async fn draw_unchecked(deck_file: &Path, work: &Path, limit: Duration) -> Result<usize, String> {
    let Some(soffice) = sandbox::tool("soffice") else {
        return Err("LibreOffice is not installed".into());
    };
    let groups = sandbox::Groups::default();
    let pages = super::convert::convert(
        &soffice,
        sandbox::Priority::Normal,
        work,
        deck_file,
        limit,
        &groups,
    )
    .await?;
    draw(&work.join("out"), 1, pages, Size::Thumb, limit, &groups).await?;
    Ok(pages)
}
