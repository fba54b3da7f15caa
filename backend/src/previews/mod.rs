//! Slide previews of a finished deck: LibreOffice (headless) turns the deck
//! into a PDF once, `pdftoppm` turns the PDF into page pictures — the
//! thumbnails in small batches right after (the job page's grid fills as
//! they come, see [`pages`]), a large picture when someone opens a slide —
//! and all of it is kept under `DATA_DIR/previews/<job>/`. A job's previews
//! are drawn as soon as it completes (`PREVIEWS_ON_COMPLETION`), else on
//! first view; kept as long as the job (deleting the job's folder is the
//! janitor's business with the deck).
//!
//! Bounded like every other expensive step: one conversion per core at a
//! time, a time limit (`RENDER_TIMEOUT_SECONDS`) after which the converter
//! is killed, a private LibreOffice profile per conversion (so two never
//! share one and a crashed one leaves nothing behind). A failure — or no
//! LibreOffice on the machine, as in the container image — never touches
//! the job: previews are then "not available" and the deck downloads as
//! ever.

mod contrast;
mod pages;
pub mod sandbox;

use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock, Mutex};
use std::time::Duration;

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

/// How long a client should wait before asking again when the queue is full.
const BUSY_RETRY_SECONDS: u64 = 30;

/// Conversions running at once: one per core.
static GATE: LazyLock<Semaphore> =
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
static BUILDING: LazyLock<Mutex<std::collections::HashMap<PathBuf, Arc<tokio::sync::Mutex<()>>>>> =
    LazyLock::new(Default::default);

fn root(state: &AppState) -> PathBuf {
    state.config.data_dir.join("previews")
}

fn folder(state: &AppState, id: &str) -> PathBuf {
    root(state).join(id)
}

/// Where a template's preview pages are kept (`key` from [`template_key`]).
fn template_folder(state: &AppState, key: &str) -> PathBuf {
    root(state).join("templates").join(key)
}

fn page_name(n: usize, size: Size) -> String {
    format!("{}-{n}.png", size.prefix())
}

/// The S3 key of one of a job's preview files, beside its deck.
fn object_key(s3: &crate::s3::S3, id: &str, file: &str) -> String {
    format!("{}.previews/{file}", s3.output_key(id).trim_end_matches(".pptx"))
}

/// The object store, when the job's deck is kept there (its previews are
/// kept beside it; the local folder is then a cache).
async fn remote(state: &AppState, id: &str) -> Result<Option<Arc<crate::s3::S3>>, PreviewError> {
    let deck = crate::db::jobs::complete_deck(&state.pool, id)
        .await
        .map_err(|e| PreviewError::Unavailable(format!("the job could not be read ({e})")))?
        .ok_or(PreviewError::NoDeck)?;
    Ok(match (deck.output_s3_key, &state.s3) {
        (Some(_), Some(s3)) => Some(s3.clone()),
        _ => None,
    })
}

/// The number of pages of a job's deck in PDF, converting it first when it
/// has not been (waiting for a conversion already running). Previews of a
/// deck in object storage are fetched from there before converting anew.
/// The pictures come after (see [`pages::fill`] and [`page_file`]).
pub async fn ensure(state: &AppState, id: &str, user: Option<i64>) -> Result<usize, PreviewError> {
    let dir = folder(state, id);
    if let Some(known) = known(&dir).await {
        return known;
    }
    once(&dir, async {
        let store = remote(state, id).await?;
        if let Some(s3) = &store {
            if let Some(n) = fetch_marker(s3, &object_key(s3, id, "pages"), &dir).await {
                // The bucket's marker goes last: every thumbnail is there.
                let _ = tokio::fs::write(dir.join(pages::DONE), "").await;
                return Ok(n);
            }
        }
        charge(state, user)?;
        render(state, &dir, id, JobDeck { state, id }).await
    })
    .await
}

/// Runs `make` for `dir` unless another caller is making it; then waits
/// for that one and uses its result.
async fn once(
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

async fn rendered(dir: &Path) -> Option<usize> {
    let text = tokio::fs::read_to_string(dir.join("pages")).await.ok()?;
    text.trim().parse().ok()
}

/// Where a failed conversion of `dir` is remembered (beside it, so a
/// finished folder never holds one).
fn failure_file(dir: &Path) -> PathBuf {
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
async fn known(dir: &Path) -> Option<Result<usize, PreviewError>> {
    if let Some(n) = rendered(dir).await {
        return Some(Ok(n));
    }
    remembered_failure(dir)
        .await
        .map(|why| Err(PreviewError::Failed(why)))
}

/// Forgets a job's failed conversion, so the next view tries again.
pub async fn forget_failure(state: &AppState, id: &str) {
    let _ = tokio::fs::remove_file(failure_file(&folder(state, id))).await;
}

/// Counts a conversion against `user`'s hourly allowance (none for work
/// the server starts itself).
fn charge(state: &AppState, user: Option<i64>) -> Result<(), PreviewError> {
    match user {
        Some(u) => state
            .renders
            .hit(u)
            .map_err(|retry_after| PreviewError::OverAllowance { retry_after }),
        None => Ok(()),
    }
}

/// Reads a remote `pages` marker into a fresh local folder (its pictures
/// are fetched one by one when asked for).
async fn fetch_marker(s3: &crate::s3::S3, key: &str, dir: &Path) -> Option<usize> {
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
async fn upload(s3: &crate::s3::S3, id: &str, dir: &Path, pages: usize) -> anyhow::Result<()> {
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

/// The picture of page `n` (from 1) of a job's deck: converted, fetched
/// from the bucket or drawn when need be; `None` past the last page.
pub async fn page_file(
    state: &AppState,
    id: &str,
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
    pages::draw_one(state, &dir, n, size).await?;
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
    id: &str,
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

/// Writes the deck to convert into a work folder.
trait Source {
    async fn write(self, dest: &Path) -> Result<(), PreviewError>;
}

struct JobDeck<'a> {
    state: &'a AppState,
    id: &'a str,
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

struct Bytes(Vec<u8>);

impl Source for Bytes {
    async fn write(self, dest: &Path) -> Result<(), PreviewError> {
        tokio::fs::write(dest, self.0)
            .await
            .map_err(|e| PreviewError::Unavailable(format!("could not write the deck ({e})")))
    }
}

/// Converts the deck `source` writes into `dest` (PDF, pictures at two
/// sizes, a `pages` marker), which appears complete or not at all.
async fn render(
    state: &AppState,
    dest: &Path,
    label: &str,
    source: impl Source,
) -> Result<usize, PreviewError> {
    drawable(state)?;
    let (Some(soffice), Some(_)) = (sandbox::tool("soffice"), sandbox::tool("pdftoppm")) else {
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
        sandbox::Priority::Normal,
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

/// Draws a deck file in `work` (an absolute folder of its own) the way
/// every preview is drawn — contained, no network — without any check of
/// the deck first: for tests that show the containment holds on its own.
pub async fn draw_unchecked(deck_file: &Path, work: &Path, limit: Duration) -> Result<usize, String> {
    let Some(soffice) = sandbox::tool("soffice") else {
        return Err("LibreOffice is not installed".into());
    };
    let groups = sandbox::Groups::default();
    let pages = convert(
        &soffice,
        sandbox::Priority::Normal,
        work,
        deck_file,
        limit,
        &groups,
    )
    .await?;
    pages::draw(&work.join("out"), 1, pages, Size::Thumb, limit, &groups).await?;
    Ok(pages)
}

/// The conversion proper, in `work`: deck → PDF (LibreOffice), its page
/// count (pdfinfo), the notes and a `pages` marker, all in `work/out`. The
/// number of pages, or why there are none (a failure worth remembering).
async fn convert(
    soffice: &Path,
    priority: sandbox::Priority,
    work: &Path,
    deck_file: &Path,
    limit: Duration,
    groups: &sandbox::Groups,
) -> Result<usize, String> {
    let started = std::time::Instant::now();
    let notes = match tokio::fs::read(deck_file).await {
        Ok(bytes) => tokio::task::spawn_blocking(move || notes_of(&bytes))
            .await
            .unwrap_or_default(),
        Err(_) => Vec::new(),
    };
    let profile = sandbox::office_profile(&work.join("profile")).map_err(|e| e.to_string())?;
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
    sandbox::run_with(
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
    let pages = pages::count(&pdf, work, limit.saturating_sub(started.elapsed()), groups).await?;
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

/// The kinds of slide a template preview shows, in page order.
pub const TEMPLATE_PAGES: [(deck::Role, &str); 5] = [
    (deck::Role::Title, "Title slide"),
    (deck::Role::Section, "Section"),
    (deck::Role::Content, "Content"),
    (deck::Role::Comparison, "Two columns"),
    (deck::Role::Closing, "Closing"),
];

/// A short deck with one slide of each kind in [`TEMPLATE_PAGES`], built
/// on the template as a job's deck would be.
fn preview_deck(template: &deck::Template) -> Result<Vec<u8>, deck::DeckError> {
    use deck::{Bullet, SlideContent, SlidePlan};
    let bullets = |items: &[&str]| {
        items
            .iter()
            .map(|t| Bullet::Text((*t).into()))
            .collect::<Vec<_>>()
    };
    let slide = |content: SlideContent| SlidePlan::new(content).with_notes("A preview of the template.");
    let plan = deck::DeckPlan {
        title: Some("Template preview".into()),
        lang: None,
        slides: vec![
            slide(SlideContent::Title {
                title: "Course title".into(),
                subtitle: "A one-day course · 09:00–17:00".into(),
            }),
            slide(SlideContent::Section {
                title: "Module 1: Getting started".into(),
                subtitle: "09:15–10:30".into(),
            }),
            slide(SlideContent::Bullets {
                title: "A content slide".into(),
                bullets: bullets(&[
                    "Each point of the outline becomes a line like this one",
                    "Sub-points sit under their point",
                    "Speaker notes carry the detail and the timing",
                    "Long lists continue on a second slide",
                ]),
            }),
            slide(SlideContent::TwoColumn {
                title: "Before vs after".into(),
                left_heading: "Before".into(),
                left: bullets(&["Manual steps", "Scattered notes"]),
                right_heading: "After".into(),
                right: bullets(&["One checklist", "Shared templates"]),
            }),
            slide(SlideContent::Closing {
                title: "Questions?".into(),
                subtitle: "Thank you".into(),
            }),
        ],
    };
    deck::build(template, &plan, &NoAssets, &deck::BuildOptions::default())
}

/// The preview deck has no pictures or bank slides.
struct NoAssets;

impl deck::Resolver for NoAssets {
    fn image(&self, name: &str) -> Result<Vec<u8>, deck::DeckError> {
        Err(deck::DeckError::Asset {
            name: name.to_owned(),
            reason: "not part of a template preview".into(),
        })
    }

    fn deck(&self, name: &str) -> Result<Arc<deck::opc::Package>, deck::DeckError> {
        Err(deck::DeckError::Asset {
            name: name.to_owned(),
            reason: "not part of a template preview".into(),
        })
    }
}

/// The folder name of a template's previews: an uploaded template's own
/// generated name, or a sample's name, size and time (so a replaced sample
/// is rendered again).
pub fn template_key(path: &Path) -> Option<String> {
    let name = path.file_name()?.to_str()?;
    if let Some(stem) = name.strip_suffix(".pptx").filter(|s| {
        path.parent().and_then(|p| p.file_name()) == Some("templates".as_ref())
            && s.len() == 16
            && s.bytes().all(|b| b.is_ascii_lowercase())
    }) {
        return Some(format!("u-{stem}"));
    }
    let meta = std::fs::metadata(path).ok()?;
    let modified = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_secs());
    use sha2::Digest;
    let digest = sha2::Sha256::digest(format!("{name}\n{}\n{modified}", meta.len()));
    Some(format!(
        "s-{}",
        digest
            .iter()
            .take(8)
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    ))
}

/// Renders a template's preview deck once (`path` from `templates::resolve`);
/// the number of pages.
pub async fn ensure_template(
    state: &AppState,
    path: &Path,
    user: Option<i64>,
) -> Result<usize, PreviewError> {
    let key = template_key(path).ok_or_else(|| PreviewError::Unavailable("the template is gone".into()))?;
    let dir = template_folder(state, &key);
    if let Some(known) = known(&dir).await {
        return known;
    }
    once(&dir, async {
        drawable(state)?;
        charge(state, user)?;
        let path = path.to_owned();
        let bytes = tokio::task::spawn_blocking(move || {
            let template = deck::Template::open(&path).map_err(|e| e.to_string())?;
            preview_deck(&template).map_err(|e| e.to_string())
        })
        .await
        .map_err(|e| PreviewError::Unavailable(format!("building the preview stopped ({e})")))?
        .map_err(|e| PreviewError::Unavailable(format!("the preview could not be built ({e})")))?;
        let pages = render(state, &dir, &key, Bytes(bytes)).await?;
        // A handful of pages: the thumbnails at once, in one run.
        let limit = Duration::from_secs(state.config.render_timeout_seconds.max(1));
        pages::draw(&dir, 1, pages, Size::Thumb, limit, &state.converters)
            .await
            .map_err(PreviewError::Failed)?;
        Ok(pages)
    })
    .await
}

/// Whether this server draws previews at all; the reason when it does not.
pub fn drawable(state: &AppState) -> Result<(), PreviewError> {
    if !state.config.previews {
        return Err(PreviewError::Unavailable(
            "they are turned off on this server (PREVIEWS=false)".into(),
        ));
    }
    if sandbox::tool("soffice").is_none() || sandbox::tool("pdftoppm").is_none() {
        return Err(PreviewError::Unavailable(
            "LibreOffice and poppler's pdftoppm are not installed on this server".into(),
        ));
    }
    Ok(())
}

/// A background drawing's error that is not remembered on disk (busy, over
/// the allowance), kept until the next look so the page can say it.
static LAST_ERROR: LazyLock<Mutex<std::collections::HashMap<PathBuf, PreviewError>>> =
    LazyLock::new(Default::default);

/// What is known of a template's pictures, never waiting for them: drawn,
/// being drawn (started now in the background when nobody has), or not
/// available and why. The template check and the New course form use it,
/// so nothing a user does waits for LibreOffice.
pub async fn template_pictures(
    state: &AppState,
    path: &Path,
    user: Option<i64>,
) -> types::templates::Pictures {
    use types::templates::Pictures;
    let unavailable = |e: PreviewError| Pictures::Unavailable {
        retry: e.retryable(),
        reason: match e {
            PreviewError::Unavailable(why) => why,
            other => other.to_string(),
        },
    };
    let Some(key) = template_key(path) else {
        return unavailable(PreviewError::Unavailable("the template is gone".into()));
    };
    let dir = template_folder(state, &key);
    match known(&dir).await {
        Some(Ok(pages)) => return Pictures::Ready { pages },
        Some(Err(e)) => return unavailable(e),
        None => {}
    }
    if let Err(e) = drawable(state) {
        return unavailable(e);
    }
    if let Some(e) = LAST_ERROR.lock().unwrap_or_else(|p| p.into_inner()).remove(&dir) {
        return unavailable(e);
    }
    let running = BUILDING
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .contains_key(&dir);
    if !running {
        let (state, path) = (state.clone(), path.to_owned());
        tokio::spawn(async move {
            if let Err(e) = ensure_template(&state, &path, user).await {
                if !matches!(e, PreviewError::Failed(_)) {
                    LAST_ERROR.lock().unwrap_or_else(|p| p.into_inner()).insert(
                        template_folder(&state, &template_key(&path).unwrap_or_default()),
                        e,
                    );
                }
            }
        });
    }
    Pictures::Drawing
}

/// Forgets a template's failed drawing, so the next look tries again.
pub async fn forget_template_failure(state: &AppState, path: &Path) {
    if let Some(key) = template_key(path) {
        let dir = template_folder(state, &key);
        LAST_ERROR.lock().unwrap_or_else(|p| p.into_inner()).remove(&dir);
        let _ = tokio::fs::remove_file(failure_file(&dir)).await;
    }
}

/// The picture of page `n` of a template's preview, rendered when need be.
pub async fn template_page(
    state: &AppState,
    path: &Path,
    n: usize,
    size: Size,
    user: Option<i64>,
) -> Result<Option<PathBuf>, PreviewError> {
    let pages = ensure_template(state, path, user).await?;
    if n == 0 || n > pages {
        return Ok(None);
    }
    let key = template_key(path).ok_or_else(|| PreviewError::Unavailable("the template is gone".into()))?;
    let dir = template_folder(state, &key);
    let file = dir.join(page_name(n, size));
    if !file.is_file() {
        pages::draw_one(state, &dir, n, size).await?;
    }
    Ok(Some(file))
}

/// Removes template previews whose template is gone (an expired upload, a
/// replaced sample). Returns how many went.
pub fn sweep_templates(state: &AppState) -> usize {
    let dir = root(state).join("templates");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return 0;
    };
    let mut live: std::collections::HashSet<String> =
        crate::templates::sample_names(&state.config.sample_templates_dir)
            .iter()
            .filter_map(|n| template_key(&state.config.sample_templates_dir.join(n)))
            .collect();
    if let Ok(uploads) = std::fs::read_dir(crate::templates::uploads_dir(&state.config)) {
        live.extend(uploads.flatten().filter_map(|e| template_key(&e.path())));
    }
    entries
        .flatten()
        .filter(|e| {
            let name = e.file_name().to_string_lossy().to_string();
            let key = name.strip_suffix(".failed").unwrap_or(&name);
            !name.starts_with('.') && !live.contains(key)
        })
        .filter(|e| match e.file_type() {
            Ok(t) if t.is_dir() => std::fs::remove_dir_all(e.path()).is_ok(),
            _ => std::fs::remove_file(e.path()).is_ok(),
        })
        .count()
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

/// Removes a job's previews (with its deck), here and in the bucket.
pub async fn remove(state: &AppState, id: &str) {
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
    id: &str,
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
            p.drawn = pages::drawn(&dir, pages);
            // Until the filler is done: thumbnails, their copies in the
            // bucket, the marker.
            p.drawing = !pages::done(&dir);
            if p.drawing && !pages::filling(&dir) {
                let (state, id) = (state.clone(), id.to_owned());
                tokio::spawn(async move { pages::fill(&state, &id, pages).await });
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
fn start(state: &AppState, id: &str, user: Option<i64>) {
    let dir = folder(state, id);
    let running = BUILDING
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .contains_key(&dir);
    if running || pages::filling(&dir) {
        return;
    }
    let (state, id) = (state.clone(), id.to_owned());
    tokio::spawn(async move {
        match ensure(&state, &id, user).await {
            Ok(pages) => pages::fill(&state, &id, pages).await,
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
pub fn prepare(state: &AppState, id: &str) {
    if state.config.previews_on_completion && drawable(state).is_ok() {
        start(state, id, None);
    }
}

/// The notes kept with a job's previews (fetched from the bucket when the
/// local copy is missing).
async fn notes(state: &AppState, id: &str) -> Option<Vec<String>> {
    let path = folder(state, id).join("notes.json");
    if !path.is_file() {
        let s3 = remote(state, id).await.ok()??;
        s3.download_to(&object_key(&s3, id, "notes.json"), &path)
            .await
            .ok()?;
    }
    serde_json::from_slice(&tokio::fs::read(&path).await.ok()?).ok()
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

    #[test]
    fn template_keys_name_uploads_by_their_generated_name() {
        let dir = tempfile::tempdir().expect("tmp");
        let uploads = dir.path().join("templates");
        std::fs::create_dir_all(&uploads).expect("dir");
        let upload = uploads.join("abcdefghijklmnop.pptx");
        std::fs::write(&upload, b"x").expect("write");
        assert_eq!(template_key(&upload).as_deref(), Some("u-abcdefghijklmnop"));
        let sample = dir.path().join("Ocean.pptx");
        std::fs::write(&sample, b"one").expect("write");
        let first = template_key(&sample).expect("key");
        assert!(first.starts_with("s-") && first.len() == 18, "{first}");
        std::fs::write(&sample, b"changed").expect("write");
        assert_ne!(
            template_key(&sample).expect("key"),
            first,
            "a replaced sample is drawn again"
        );
        assert_eq!(template_key(&dir.path().join("gone.pptx")), None);
    }
}
