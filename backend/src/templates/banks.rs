//! `courseware banks upload` and `banks sync`: the bank folders (tagged
//! infographics, drill-down cards, sample templates, illustrations, with
//! subfolders) to and from `S3_BANKS_PREFIX`. Unchanged files are skipped by
//! comparing SHA-256 hashes (kept as object metadata); a sync writes each
//! file to a temporary name and renames it, so a failed sync never leaves
//! half a file.

use std::path::{Component, Path, PathBuf};

use crate::storage::s3::{file_sha256, S3};
use crate::Config;

/// The bank folders and their names under the prefix (and under `BANKS_ROOT`).
pub fn sets(config: &Config) -> Vec<(&'static str, PathBuf)> {
    vec![
        ("tagged", config.banks.tagged_bank_dir.clone()),
        ("drilldown", config.banks.drill_down_bank_dir.clone()),
        ("templates", config.sample_templates_dir.clone()),
        ("illustrations", config.banks.illustrations_dir.clone()),
    ]
}

/// Files and bytes moved and skipped.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    pub moved: usize,
    pub moved_bytes: u64,
    pub skipped: usize,
    pub skipped_bytes: u64,
}

impl Summary {
    pub fn line(&self, verb: &str) -> String {
        format!(
            "{verb} {} files ({:.2} MB), skipped {} unchanged files ({:.2} MB)",
            self.moved,
            self.moved_bytes as f64 / 1e6,
            self.skipped,
            self.skipped_bytes as f64 / 1e6
        )
    }
}

/// Every regular file under `dir` (hidden files and partial downloads left out), sorted.
fn walk(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d)? {
            let e = e?;
            let name = e.file_name().to_string_lossy().to_string();
            if name.starts_with('.') {
                continue;
            }
            let t = e.file_type()?;
            if t.is_dir() {
                stack.push(e.path());
            } else if t.is_file() {
                out.push(e.path());
            }
        }
    }
    out.sort();
    Ok(out)
}

fn content_type(path: &Path) -> &'static str {
    match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("pptx") => crate::storage::offload::PPTX,
        Some("potx") => "application/vnd.openxmlformats-officedocument.presentationml.template",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("json") => "application/json",
        Some("md" | "txt") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// Uploads the local bank folders, skipping objects whose hash matches.
pub async fn upload(s3: &S3, config: &Config) -> anyhow::Result<Summary> {
    let mut s = Summary::default();
    for (name, dir) in sets(config) {
        if !dir.is_dir() {
            tracing::warn!(dir = %dir.display(), "bank folder missing; skipped");
            continue;
        }
        for file in walk(&dir)? {
            let rel = file.strip_prefix(&dir)?;
            let rel = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            let key = format!("{}{name}/{rel}", s3.banks_prefix);
            let size = std::fs::metadata(&file)?.len();
            let local = file_sha256(&file).await?;
            let same =
                matches!(s3.head(&key).await?, Some((n, Some(remote))) if n == size && remote == local);
            if same {
                s.skipped += 1;
                s.skipped_bytes += size;
            } else {
                s3.put_file(&key, &file, content_type(&file)).await?;
                s.moved += 1;
                s.moved_bytes += size;
            }
        }
    }
    Ok(s)
}

/// A bucket key's path below the prefix, if it is a plain relative path.
fn safe_relative(rel: &str) -> Option<PathBuf> {
    let p = Path::new(rel);
    let ok = !rel.is_empty()
        && !rel.contains('\\')
        && p.components()
            .all(|c| matches!(c, Component::Normal(n) if !n.to_string_lossy().starts_with('.')));
    ok.then(|| p.to_path_buf())
}

/// Downloads the banks into `root`, skipping files already present and unchanged.
pub async fn sync(s3: &S3, root: &Path) -> anyhow::Result<Summary> {
    let mut s = Summary::default();
    for obj in s3.list(&s3.banks_prefix).await? {
        let rel = obj.key.strip_prefix(&s3.banks_prefix).unwrap_or(&obj.key);
        if rel.ends_with('/') {
            continue; // a folder marker
        }
        let Some(rel) = safe_relative(rel) else {
            tracing::warn!(key = %obj.key, "unsafe key in the bank bucket; skipped");
            continue;
        };
        let dest = root.join(rel);
        let same = if dest.is_file() && std::fs::metadata(&dest)?.len() == obj.size {
            let local = file_sha256(&dest).await?;
            matches!(s3.head(&obj.key).await?, Some((_, Some(remote))) if remote == local)
        } else {
            false
        };
        if same {
            s.skipped += 1;
            s.skipped_bytes += obj.size;
        } else {
            s.moved_bytes += s3.download_to(&obj.key, &dest).await?;
            s.moved += 1;
        }
    }
    Ok(s)
}

/// Points the configuration at the synced copies under `root`.
pub fn use_synced(config: &mut Config, root: &Path) {
    config.banks.tagged_bank_dir = root.join("tagged");
    config.banks.drill_down_bank_dir = root.join("drilldown");
    config.sample_templates_dir = root.join("templates");
    config.banks.illustrations_dir = root.join("illustrations");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_relative_keys_are_synced() {
        assert!(safe_relative("tagged/deck.pptx").is_some());
        assert!(safe_relative("tagged/sub/x.png").is_some());
        for bad in [
            "",
            "../x",
            "tagged/../../x",
            "/etc/passwd",
            "a\\b",
            "tagged/.hidden",
            "./x",
        ] {
            assert!(safe_relative(bad).is_none(), "{bad}");
        }
    }
}
