//! Which templates a job can use: the samples shipped with the server and
//! the ones users upload (kept under generated names, never the client's),
//! and the check an upload passes before it is kept.

use crate::Config;
use std::path::{Path, PathBuf};

/// Where uploaded templates are kept.
pub fn uploads_dir(config: &Config) -> PathBuf {
    config.data_dir.join("uploads").join("templates")
}

/// `.pptx`/`.potx` files directly in the samples folder, by name.
pub fn sample_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .filter(|e| e.file_type().map(|t| t.is_file()).unwrap_or(false))
                .filter_map(|e| e.file_name().into_string().ok())
                .filter(|n| (n.ends_with(".pptx") || n.ends_with(".potx")) && !n.starts_with('.'))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// Resolves a template choice from the form: a sample's file name, or
/// `upload:<generated>.pptx` for an uploaded one. Never a client path.
pub fn resolve(config: &Config, choice: &str) -> Option<PathBuf> {
    if let Some(file) = choice.strip_prefix("upload:") {
        let ok =
            file.len() == 21 && file.ends_with(".pptx") && file[..16].bytes().all(|b| b.is_ascii_lowercase());
        let path = uploads_dir(config).join(file);
        return (ok && path.is_file()).then_some(path);
    }
    sample_names(&config.sample_templates_dir)
        .iter()
        .any(|n| n == choice)
        .then(|| config.sample_templates_dir.join(choice))
}

/// Where the name a person knows an uploaded template by (its file's name,
/// as sent) is kept: beside it, as `<generated>.pptx.name`.
pub fn upload_name_file(dir: &Path, file: &str) -> PathBuf {
    dir.join(format!("{file}.name"))
}

/// The name a person knows an uploaded template by, if it was sent with it.
pub fn upload_name(config: &Config, choice: &str) -> Option<String> {
    let file = choice.strip_prefix("upload:")?;
    resolve(config, choice)?;
    let name = std::fs::read_to_string(upload_name_file(&uploads_dir(config), file)).ok()?;
    let name = name.trim();
    (!name.is_empty()).then(|| name.to_owned())
}

/// Longest name kept for an uploaded template.
const MAX_UPLOAD_NAME: usize = 100;

/// Checks an uploaded template (received in the file at `received`) by
/// opening it on a blocking thread behind the template gate — refusing macro
/// projects, ActiveX controls and links to outside files, which would travel
/// into every deck made from it — then stores it under a generated name.
/// `name` (the file's name as sent, without control characters) is kept
/// beside it for the job history. Returns the choice to start a job with
/// and the number of layouts found.
pub async fn store_upload(
    config: &Config,
    received: &Path,
    name: Option<&str>,
) -> crate::Result<(String, usize)> {
    let _place = crate::gate::TEMPLATE.enter().await?;
    let data = tokio::fs::read(received).await?;
    let layouts = tokio::task::spawn_blocking(move || check_template(&data))
        .await
        .map_err(|e| anyhow::anyhow!("opening the template stopped: {e}"))??;
    let dir = uploads_dir(config);
    let generated: String = (0..16)
        .map(|_| (b'a' + rand::random::<u8>() % 26) as char)
        .collect();
    let file = format!("{generated}.pptx");
    let tmp = dir.join(format!(".{file}.part"));
    let result = async {
        tokio::fs::create_dir_all(&dir).await?;
        tokio::fs::copy(received, &tmp).await?;
        tokio::fs::rename(&tmp, dir.join(&file)).await
    }
    .await;
    if let Err(e) = result {
        let _ = tokio::fs::remove_file(&tmp).await;
        return Err(e.into());
    }
    let shown: String = name
        .unwrap_or_default()
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_UPLOAD_NAME)
        .collect();
    if !shown.trim().is_empty() {
        // Only the history's wording depends on it: a failure is logged.
        if let Err(e) = tokio::fs::write(upload_name_file(&dir, &file), shown.trim()).await {
            tracing::warn!(error = %e, "keeping an uploaded template's name failed");
        }
    }
    Ok((format!("upload:{file}"), layouts))
}

/// Opens a template's bytes as the builder will; the number of layouts, or
/// the reason (for the user) it cannot be used.
pub fn check_template(data: &[u8]) -> crate::Result<usize> {
    Ok(open_checked(data)?.layouts.len())
}

/// Opens a template's bytes as the builder will, refusing active content
/// (macros, controls, linked files); the reason is worded for the user.
pub(crate) fn open_checked(data: &[u8]) -> crate::Result<deck::Template> {
    let unusable = |why: String| types::ApiError::invalid("template", why);
    let pkg = deck::opc::Package::from_bytes(data, deck::opc::Limits::upload())
        .map_err(|e| unusable(format!("This is not a usable PowerPoint template: {e}")))?;
    let active = pkg.active_content();
    if !active.is_empty() {
        let shown: Vec<&str> = active.iter().take(3).map(String::as_str).collect();
        let more = active.len().saturating_sub(3);
        return Err(unusable(format!(
            "This template contains {}{}. Save a copy as a plain .pptx or .potx without macros, \
             controls or linked files, and upload that.",
            shown.join(", "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            }
        ))
        .into());
    }
    Ok(deck::Template::from_package(pkg)
        .map_err(|e| unusable(format!("This is not a usable PowerPoint template: {e}")))?)
}
