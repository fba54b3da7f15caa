//! The AI writer's part of a job: each module's text, reused from an
//! earlier attempt when its module and language are unchanged, else written
//! (modules in parallel), reviewed, and kept for a retry.

use super::steps::{note, stage, Stop};
use crate::db::jobs as db;
use crate::llm::writer::{self, ModuleError};
use crate::llm::{Llm, Meter};
use crate::AppState;
use course::banks::Banks;
use course::content::ModuleText;
use course::plan::{candidates, offline_texts, CourseOptions};
use types::outline::Outline;
use types::validate::JobId;

/// Hash of what a module's text depends on: stored text is reused only for
/// the same module in the same language.
fn module_hash(module: &types::outline::Module, lang: &str) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(lang.as_bytes());
    h.update([0]);
    h.update(serde_json::to_vec(module).unwrap_or_default());
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Every module's text from the AI writer: stored text from an earlier run
/// is reused, the rest is written in parallel (bounded by the client's
/// concurrency limit). A module the model cannot write falls back to the
/// offline writer with a warning; its index is returned.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn ai_texts(
    state: &AppState,
    id: &JobId,
    llm: &Llm,
    meter: &Meter,
    context: &str,
    outline: &Outline,
    options: &CourseOptions,
    banks: &Banks,
) -> Result<(Vec<ModuleText>, Vec<usize>), Stop> {
    use futures_util::stream::{FuturesUnordered, StreamExt};
    let n = outline.modules.len();
    let hashes: Vec<String> = outline
        .modules
        .iter()
        .map(|m| module_hash(m, &options.lang))
        .collect();
    let mut texts: Vec<Option<ModuleText>> = vec![None; n];
    let stored = db::module_texts(&state.pool, id).await?;
    for (module, hash, json) in stored {
        let Ok(i) = usize::try_from(module) else { continue };
        if i < n && hashes[i] == hash {
            texts[i] = serde_json::from_str(&json).ok();
        }
    }
    let resumed = texts.iter().filter(|t| t.is_some()).count();
    let todo = n - resumed;
    let msg = if resumed > 0 {
        format!(
            "Writing {todo} modules with {} ({resumed} kept from the previous run)",
            llm.model
        )
    } else {
        format!("Writing {todo} modules with {}", llm.model)
    };
    stage(state, id, 22, &msg).await?;

    let offline = offline_texts(outline, &options.lang);
    let mut pending = FuturesUnordered::new();
    for (i, m) in outline.modules.iter().enumerate() {
        if texts[i].is_some() {
            continue;
        }
        let cands = candidates(m, banks);
        pending.push(async move {
            let r = writer::write_module(llm, meter, context, i, n, m, &cands).await;
            (i, r)
        });
    }
    let mut fallbacks = Vec::new();
    let mut fatal: Option<crate::llm::LlmError> = None;
    let mut done = 0usize;
    while let Some((i, result)) = pending.next().await {
        done += 1;
        let pct = u8::try_from(22 + 48 * done / todo.max(1)).unwrap_or(70);
        match result {
            Ok((text, calls)) => {
                let json = serde_json::to_string(&text).unwrap_or_default();
                db::save_module_text(&state.pool, id, i, &hashes[i], &json).await?;
                let how = if calls == 1 {
                    String::new()
                } else {
                    format!(" after {} repairs", calls - 1)
                };
                note(
                    state,
                    id,
                    "info",
                    pct,
                    &format!("Module {} written by the AI writer{how} ({done}/{todo})", i + 1),
                )
                .await?;
                texts[i] = Some(text);
                if let Err(e) = meter.check() {
                    fatal.get_or_insert(e);
                }
            }
            Err(ModuleError::GiveUp(reason)) => {
                tracing::warn!(module = i + 1, %reason, "module falls back to the offline writer");
                note(
                    state,
                    id,
                    "warning",
                    pct,
                    &format!(
                        "Module {}: the AI writer gave up ({reason}); the offline writer wrote it",
                        i + 1
                    ),
                )
                .await?;
                texts[i] = Some(offline[i].clone());
                fallbacks.push(i);
            }
            // Modules already answered still land (they are paid for); the
            // rest stop at their budget check.
            Err(ModuleError::Fatal(e)) => {
                fatal.get_or_insert(e);
            }
        }
    }
    if let Some(e) = fatal {
        tracing::error!(error = %e, "AI writer stopped");
        return Err(Stop::Failed(format!("The AI writer stopped: {}.", e.summary())));
    }
    fallbacks.sort_unstable();
    let texts = texts
        .into_iter()
        .enumerate()
        .map(|(i, t)| t.unwrap_or_else(|| offline[i].clone()))
        .collect();
    Ok((texts, fallbacks))
}
