//! Pictures of a template for its intake report and card: a small deck
//! built on the template (one slide per main layout role), drawn once and
//! kept per template until it changes; leftovers of removed templates are
//! swept.

use super::convert::{charge, drawable, once, render, Bytes, BUILDING, LAST_ERROR};
use super::store::{failure_file, known, page_name, root, template_folder, PreviewError, Size};
use crate::AppState;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

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
        super::pages::draw(&dir, 1, pages, Size::Thumb, limit, &state.converters)
            .await
            .map_err(PreviewError::Failed)?;
        Ok(pages)
    })
    .await
}

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
        super::pages::draw_one(state, &dir, n, size).await?;
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
        crate::templates::catalogue::sample_names(&state.config.sample_templates_dir)
            .iter()
            .filter_map(|n| template_key(&state.config.sample_templates_dir.join(n)))
            .collect();
    if let Ok(uploads) = std::fs::read_dir(crate::templates::catalogue::uploads_dir(&state.config)) {
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

#[cfg(test)]
mod tests {
    use super::*;

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
