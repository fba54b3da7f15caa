//! Contrast measured on a finished job's rendered slides (`deck::measure`):
//! once its thumbnails are drawn, the deck is drawn once more with its text
//! taken out, and every text box's colour is compared with the pixels
//! behind it. Boxes that read badly — a photo or a gradient behind the text,
//! which the geometric check can only call "unknown" — become QA findings
//! `low_contrast_measured` in the job's report, per slide, with the ratio
//! measured. Contained and bounded like every drawing; a failure only means
//! no measurement (logged), never a changed job.

use std::path::Path;
use std::time::Duration;
use types::validate::JobId;

use deck::measure::{measure, Pixels, TextBox};
use types::jobs::{QaFinding, QaReport};

use super::convert::{convert, JobDeck, Source, GATE};
use super::sandbox;
use super::store::{folder, WorkDir};
use crate::AppState;

/// Marker: the folder's deck has been measured (its content: the findings).
const MEASURED: &str = "measured";

/// Width in pixels of the pages measured: enough for a box's tenth.
const WIDTH: &str = "480";

/// Measures a job's deck once and adds what it finds to its QA report.
pub(super) async fn measure_job(state: &AppState, id: &JobId) {
    let dir = folder(state, id);
    if dir.join(MEASURED).is_file() || !dir.is_dir() {
        return;
    }
    let started = std::time::Instant::now();
    match findings(state, id, &dir).await {
        Ok(found) => {
            let n = found.len();
            if let Err(e) = add_to_report(state, id, found).await {
                tracing::warn!(job = %id, error = %e, "measured contrast not recorded");
                return;
            }
            let _ = tokio::fs::write(dir.join(MEASURED), n.to_string()).await;
            tracing::info!(job = %id, findings = n, secs = started.elapsed().as_secs_f64(), "contrast measured");
        }
        Err(why) => tracing::warn!(job = %id, reason = %why, "contrast not measured"),
    }
}

/// Draws the deck without its text and measures every text box on it.
async fn findings(state: &AppState, id: &JobId, dir: &Path) -> Result<Vec<QaFinding>, String> {
    let soffice = sandbox::tool("soffice").ok_or("LibreOffice is not installed")?;
    let pdftoppm = sandbox::tool("pdftoppm").ok_or("pdftoppm is not installed")?;
    let limit = Duration::from_secs(state.config.render_timeout_seconds.max(1));
    let _place = GATE.acquire().await.map_err(|_| "shutting down".to_string())?;
    let work = WorkDir::new(dir.parent().unwrap_or(dir), &format!("measure-{id}"))
        .await
        .map_err(|e| format!("no temporary folder ({e})"))?;
    let original = work.path().join("original.pptx");
    JobDeck { state, id }
        .write(&original)
        .await
        .map_err(|e| e.to_string())?;
    let bytes = tokio::fs::read(&original).await.map_err(|e| e.to_string())?;
    let (boxes, size, textless) = tokio::task::spawn_blocking(move || {
        let size = deck::Template::from_bytes(&bytes)
            .map_err(|e| e.to_string())?
            .slide_size;
        let boxes = deck::measure::text_boxes(&bytes).map_err(|e| e.to_string())?;
        let textless = deck::measure::without_text(&bytes).map_err(|e| e.to_string())?;
        Ok::<_, String>((boxes, size, textless))
    })
    .await
    .map_err(|e| e.to_string())??;
    let deck_file = work.path().join("deck.pptx");
    tokio::fs::write(&deck_file, textless)
        .await
        .map_err(|e| e.to_string())?;
    // Background work: it takes only the CPU that drawings people wait for leave.
    let low = sandbox::Priority::Low;
    convert(&soffice, low, work.path(), &deck_file, limit, &state.converters).await?;
    let args: Vec<std::ffi::OsString> = vec![
        "-scale-to".into(),
        WIDTH.into(),
        work.path().join("out/deck.pdf").into(),
        work.path().join("page").into(),
    ];
    sandbox::run_with(
        &pdftoppm,
        &args,
        "pdftoppm",
        work.path(),
        limit,
        &state.converters,
        low,
    )
    .await
    .map_err(|f| f.to_string())?;
    let mut pages: Vec<(usize, std::path::PathBuf)> = Vec::new();
    let mut entries = tokio::fs::read_dir(work.path())
        .await
        .map_err(|e| e.to_string())?;
    while let Ok(Some(e)) = entries.next_entry().await {
        let name = e.file_name().to_string_lossy().to_string();
        if let Some(n) = name
            .strip_prefix("page-")
            .and_then(|r| r.strip_suffix(".ppm"))
            .and_then(|d| d.parse().ok())
        {
            pages.push((n, e.path()));
        }
    }
    let mut found = Vec::new();
    for (n, path) in pages {
        let on_page: Vec<&TextBox> = boxes.iter().filter(|b| b.slide == n).collect();
        if on_page.is_empty() {
            continue;
        }
        let Some(pixels) = tokio::fs::read(&path)
            .await
            .ok()
            .and_then(|b| Pixels::from_ppm(&b))
        else {
            continue;
        };
        for b in on_page {
            if let Some(m) = measure(b, &pixels, size) {
                found.extend(finding(b, m));
            }
        }
    }
    Ok(found)
}

/// A box whose hardest-to-read tenth is under its minimum: an error when
/// half of it is, else a warning.
fn finding(b: &TextBox, m: deck::measure::Measured) -> Option<QaFinding> {
    let min = b.minimum();
    (m.worst < min).then(|| QaFinding {
        slide: b.slide,
        severity: if m.median < min { "error" } else { "warning" }.into(),
        code: "low_contrast_measured".into(),
        message: format!(
            "text in {} reaches only {:.1}:1 against what is drawn behind it on the rendered slide ({min}:1 is needed; half the box reaches {:.1}:1)",
            b.name, m.worst, m.median
        ),
    })
}

/// Adds the findings to the job's report, leaving out boxes the geometric
/// check already reported; the verdict drops to review on a new error.
async fn add_to_report(state: &AppState, id: &JobId, found: Vec<QaFinding>) -> crate::Result<()> {
    for _ in 0..3 {
        let Some(before) = crate::db::jobs::access(&state.pool, id)
            .await?
            .and_then(|a| a.qa_report)
        else {
            return Ok(());
        };
        let Ok(mut report) = serde_json::from_str::<QaReport>(&before) else {
            return Ok(());
        };
        let known = |f: &QaFinding| {
            report.findings.iter().any(|r| {
                r.slide == f.slide
                    && matches!(
                        r.code.as_str(),
                        "low_contrast" | "over_decoration" | "low_contrast_measured"
                    )
                    && f.message
                        .split(" reaches")
                        .next()
                        .is_some_and(|head| r.message.starts_with(head))
            })
        };
        let new: Vec<QaFinding> = found.iter().filter(|f| !known(f)).cloned().collect();
        if new.is_empty() {
            return Ok(());
        }
        if new.iter().any(|f| f.severity == "error") && report.verdict == "pass" {
            report.verdict = "review".into();
        }
        report.findings.extend(new);
        report.findings.sort_by_key(|f| f.slide);
        let after = serde_json::to_string(&report).map_err(|e| crate::Error::Other(e.into()))?;
        if crate::db::jobs::replace_report(&state.pool, id, &before, &after).await? {
            return Ok(());
        }
    }
    Ok(())
}
