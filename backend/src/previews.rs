//! Slide previews of a finished deck: LibreOffice (headless) turns the deck
//! into a PDF once, `pdftoppm` turns the PDF into page images at two sizes,
//! and all of it is kept under `DATA_DIR/previews/<job>/` — made on first
//! view, kept as long as the job (deleting the job's folder is the
//! janitor's business with the deck).
//!
//! Bounded like every other expensive step: one conversion per core at a
//! time, a time limit (`RENDER_TIMEOUT_SECONDS`) after which the converter
//! is killed, a private LibreOffice profile per conversion (so two never
//! share one and a crashed one leaves nothing behind). A failure — or no
//! LibreOffice on the machine, as in the container image — never touches
//! the job: previews are then "not available" and the deck downloads as
//! ever.

use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock, Mutex};
use std::time::Duration;

use tokio::process::Command;
use tokio::sync::Semaphore;

use crate::AppState;

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

    fn prefix(self) -> &'static str {
        match self {
            Size::Thumb => "thumb",
            Size::Large => "large",
        }
    }

    fn pixels(self) -> &'static str {
        match self {
            Size::Thumb => "320",
            Size::Large => "1280",
        }
    }
}

/// Why a job has no previews.
#[derive(Debug, thiserror::Error)]
pub enum PreviewError {
    #[error("the job has no finished deck")]
    NoDeck,
    #[error("previews are not available: {0}")]
    Unavailable(String),
}

/// Conversions running at once: one per core.
static GATE: LazyLock<Semaphore> =
    LazyLock::new(|| Semaphore::new(std::thread::available_parallelism().map_or(1, |n| n.get())));

/// One conversion per job at a time; later callers wait for it and use it.
static BUILDING: LazyLock<Mutex<std::collections::HashMap<String, Arc<tokio::sync::Mutex<()>>>>> =
    LazyLock::new(Default::default);

fn root(state: &AppState) -> PathBuf {
    state.config.data_dir.join("previews")
}

fn folder(state: &AppState, id: &str) -> PathBuf {
    root(state).join(id)
}

/// The PDF of a job's deck, once rendered.
pub fn pdf_path(state: &AppState, id: &str) -> PathBuf {
    folder(state, id).join("deck.pdf")
}

/// The picture of page `n` (from 1), once rendered.
pub fn page_path(state: &AppState, id: &str, n: usize, size: Size) -> PathBuf {
    folder(state, id).join(format!("{}-{n}.png", size.prefix()))
}

/// The number of pages of a job's rendered deck, rendering it first when
/// it has not been (waiting for a conversion already running).
pub async fn ensure(state: &AppState, id: &str) -> Result<usize, PreviewError> {
    if let Some(n) = rendered(state, id).await {
        return Ok(n);
    }
    let lock = {
        let mut map = BUILDING.lock().unwrap_or_else(|p| p.into_inner());
        map.entry(id.to_owned()).or_default().clone()
    };
    let _one = lock.lock().await;
    if let Some(n) = rendered(state, id).await {
        return Ok(n);
    }
    let result = render(state, id).await;
    BUILDING.lock().unwrap_or_else(|p| p.into_inner()).remove(id);
    result
}

async fn rendered(state: &AppState, id: &str) -> Option<usize> {
    let text = tokio::fs::read_to_string(folder(state, id).join("pages"))
        .await
        .ok()?;
    text.trim().parse().ok()
}

fn tool(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")?
        .to_str()?
        .split(':')
        .map(|d| Path::new(d).join(name))
        .find(|p| p.is_file())
}

async fn run(mut cmd: Command, what: &str, limit: Duration) -> Result<(), PreviewError> {
    cmd.kill_on_drop(true)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped());
    let child = cmd
        .spawn()
        .map_err(|e| PreviewError::Unavailable(format!("{what} could not start ({e})")))?;
    match tokio::time::timeout(limit, child.wait_with_output()).await {
        Err(_) => Err(PreviewError::Unavailable(format!(
            "{what} took longer than {} s and was stopped",
            limit.as_secs()
        ))),
        Ok(Err(e)) => Err(PreviewError::Unavailable(format!("{what} failed ({e})"))),
        Ok(Ok(out)) if !out.status.success() => {
            let err = String::from_utf8_lossy(&out.stderr);
            tracing::warn!(tool = what, stderr = %err.chars().take(400).collect::<String>(), "preview tool failed");
            Err(PreviewError::Unavailable(format!("{what} failed")))
        }
        Ok(Ok(_)) => Ok(()),
    }
}

async fn render(state: &AppState, id: &str) -> Result<usize, PreviewError> {
    let deck = crate::db::jobs::complete_deck(&state.pool, id)
        .await
        .map_err(|e| PreviewError::Unavailable(format!("the job could not be read ({e})")))?
        .ok_or(PreviewError::NoDeck)?;
    if !state.config.previews {
        return Err(PreviewError::Unavailable(
            "they are turned off on this server (PREVIEWS=false)".into(),
        ));
    }
    let (Some(soffice), Some(pdftoppm)) = (tool("soffice"), tool("pdftoppm")) else {
        return Err(PreviewError::Unavailable(
            "LibreOffice and poppler's pdftoppm are not installed on this server".into(),
        ));
    };
    let limit = Duration::from_secs(state.config.render_timeout_seconds.max(1));
    let _place = GATE
        .acquire()
        .await
        .map_err(|_| PreviewError::Unavailable("shutting down".into()))?;
    let started = std::time::Instant::now();
    // Work beside the finished folders, so the last step is a rename.
    tokio::fs::create_dir_all(root(state))
        .await
        .map_err(|e| PreviewError::Unavailable(format!("no previews folder ({e})")))?;
    let work = WorkDir::new(&root(state), id)
        .await
        .map_err(|e| PreviewError::Unavailable(format!("no temporary folder ({e})")))?;
    let deck_file = work.path().join("deck.pptx");
    let bytes = match (
        deck.output_local.as_deref(),
        deck.output_s3_key.as_deref(),
        &state.s3,
    ) {
        (Some(local), _, _) => state.storage.get(local).await.ok(),
        _ => None,
    };
    match bytes {
        Some(b) => tokio::fs::write(&deck_file, b)
            .await
            .map_err(|e| PreviewError::Unavailable(format!("could not write the deck ({e})")))?,
        None => match (deck.output_s3_key.as_deref(), &state.s3) {
            (Some(key), Some(s3)) => {
                s3.download_to(key, &deck_file).await.map_err(|e| {
                    PreviewError::Unavailable(format!("the deck could not be fetched ({e:#})"))
                })?;
            }
            _ => return Err(PreviewError::NoDeck),
        },
    }
    let profile = work.path().join("profile");
    let mut office = Command::new(soffice);
    office
        .arg(format!("-env:UserInstallation=file://{}", profile.display()))
        .args(["--headless", "--norestore", "--convert-to", "pdf", "--outdir"])
        .arg(work.path())
        .arg(&deck_file);
    run(office, "LibreOffice", limit).await?;
    let pdf = work.path().join("deck.pdf");
    if !pdf.is_file() {
        return Err(PreviewError::Unavailable("LibreOffice wrote no PDF".into()));
    }
    let out = work.path().join("out");
    tokio::fs::create_dir(&out)
        .await
        .map_err(|e| PreviewError::Unavailable(format!("no output folder ({e})")))?;
    for size in [Size::Thumb, Size::Large] {
        let mut cmd = Command::new(&pdftoppm);
        cmd.args(["-png", "-scale-to", size.pixels()])
            .arg(&pdf)
            .arg(out.join(size.prefix()));
        let left = limit
            .saturating_sub(started.elapsed())
            .max(Duration::from_secs(1));
        run(cmd, "pdftoppm", left).await?;
    }
    // pdftoppm numbers pages with as many digits as the last needs
    // (thumb-01.png…): name them plainly.
    let mut pages = 0usize;
    let mut entries = tokio::fs::read_dir(&out)
        .await
        .map_err(|e| PreviewError::Unavailable(format!("{e}")))?;
    while let Ok(Some(e)) = entries.next_entry().await {
        let name = e.file_name().to_string_lossy().to_string();
        let Some((prefix, rest)) = name.split_once('-') else {
            continue;
        };
        let Some(n) = rest.strip_suffix(".png").and_then(|d| d.parse::<usize>().ok()) else {
            continue;
        };
        if prefix == "thumb" {
            pages = pages.max(n);
        }
        let _ = tokio::fs::rename(e.path(), out.join(format!("{prefix}-{n}.png"))).await;
    }
    if pages == 0 {
        return Err(PreviewError::Unavailable("the PDF has no pages".into()));
    }
    tokio::fs::rename(&pdf, out.join("deck.pdf"))
        .await
        .map_err(|e| PreviewError::Unavailable(format!("{e}")))?;
    tokio::fs::write(out.join("pages"), pages.to_string())
        .await
        .map_err(|e| PreviewError::Unavailable(format!("{e}")))?;
    // The finished folder appears at once, under its real name.
    let dest = folder(state, id);
    let _ = tokio::fs::remove_dir_all(&dest).await;
    tokio::fs::rename(&out, &dest)
        .await
        .map_err(|e| PreviewError::Unavailable(format!("could not keep the previews ({e})")))?;
    tracing::info!(job = %id, pages, secs = started.elapsed().as_secs_f64(), "previews rendered");
    Ok(pages)
}

/// A conversion's own folder (deck, profile, output), removed however the
/// conversion ends.
struct WorkDir(PathBuf);

impl WorkDir {
    async fn new(root: &Path, id: &str) -> std::io::Result<WorkDir> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let dir = root.join(format!(".render-{id}-{}-{nanos}", std::process::id()));
        tokio::fs::create_dir(&dir).await?;
        Ok(WorkDir(dir))
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for WorkDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Removes a job's previews (with its deck).
pub async fn remove(state: &AppState, id: &str) {
    let _ = tokio::fs::remove_dir_all(folder(state, id)).await;
}

/// What the job page shows: how many pages were rendered (rendering them
/// now if need be) and each slide's speaker notes; never an error for a
/// complete job — a failed render is "not available".
pub async fn overview(state: &AppState, id: &str) -> crate::Result<Option<types::jobs::SlidePreviews>> {
    let Some(deck) = crate::db::jobs::complete_deck(&state.pool, id).await? else {
        return Ok(None);
    };
    let (pages, unavailable) = match ensure(state, id).await {
        Ok(n) => (n, None),
        Err(e) => {
            tracing::warn!(job = %id, error = %e, "no previews");
            (0, Some(e.to_string()))
        }
    };
    let notes = match deck.output_local.as_deref() {
        Some(local) => match state.storage.get(local).await {
            Ok(bytes) => tokio::task::spawn_blocking(move || notes_of(&bytes))
                .await
                .unwrap_or_default(),
            Err(_) => Vec::new(),
        },
        None => Vec::new(),
    };
    Ok(Some(types::jobs::SlidePreviews {
        pages,
        unavailable,
        notes,
    }))
}

/// Each slide's speaker notes (empty strings where a slide has none).
fn notes_of(bytes: &[u8]) -> Vec<String> {
    let Ok(pkg) = deck::opc::Package::from_bytes(bytes, deck::opc::Limits::default()) else {
        return Vec::new();
    };
    let Ok((_, slides)) = deck::clone::slides_of(&pkg) else {
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
