//! `courseware import-legacy`: the previous tool's `web/data/*.json` files —
//! job history, daily activity, token usage — brought into the database.
//!
//! Each file is read whole (they are small: ~1 KB per job), each row checked
//! on its own: a bad row is reported with its index and reason and skipped,
//! the rest go in. Every imported row is recorded in `legacy_imports` under
//! its own key, so a second run imports nothing new. Imported jobs belong to
//! a disabled "Imported" account (the history shows them as imported; only
//! administrators may delete them).

use std::collections::HashMap;
use std::path::Path;

use crate::db::Pool;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::db::{jobs as db_jobs, now_rfc3339};
use crate::llm::{Prices, Usage};

/// The account imported jobs belong to.
pub const IMPORTED_EMAIL: &str = "imported@courseware.invalid";
pub const IMPORTED_NAME: &str = "Imported (previous tool)";

/// Largest file read, in bytes.
pub const MAX_FILE_BYTES: u64 = 512 << 20;

/// What happened to one file's rows.
#[derive(Debug, Default)]
pub struct Report {
    pub imported: usize,
    pub present: usize,
    /// (row index, reason)
    pub skipped: Vec<(usize, String)>,
    /// Lines worth telling (e.g. decks whose file is gone).
    pub notes: Vec<String>,
}

impl Report {
    pub fn line(&self, what: &str) -> String {
        format!(
            "{what}: {} imported, {} skipped, {} already present",
            self.imported,
            self.skipped.len(),
            self.present
        )
    }
}

/// Reads a JSON file (bounded).
pub fn read_json(path: &Path) -> anyhow::Result<Value> {
    let size = std::fs::metadata(path)?.len();
    anyhow::ensure!(size <= MAX_FILE_BYTES, "{} is larger than 512 MB", path.display());
    let text = std::fs::read(path)?;
    serde_json::from_slice(&text).map_err(|e| anyhow::anyhow!("{} is not JSON: {e}", path.display()))
}

/// The id of the account imported jobs belong to (created disabled, with no
/// usable password, the first time).
async fn imported_owner(pool: &Pool) -> Result<i64, sqlx::Error> {
    crate::on_db!(pool, pool => {
        sqlx::query(
            "INSERT INTO users (email, name, password_hash, is_admin, is_active, created_at)
             VALUES ($1, $2, '!', FALSE, FALSE, $3) ON CONFLICT DO NOTHING",
        )
        .bind(IMPORTED_EMAIL)
        .bind(IMPORTED_NAME)
        .bind(now_rfc3339())
        .execute(pool)
        .await?;
        sqlx::query_scalar("SELECT id FROM users WHERE lower(email) = lower($1)")
            .bind(IMPORTED_EMAIL)
            .fetch_one(pool)
            .await
    })
}

/// An old timestamp as stored: naive ISO times are UTC; RFC 3339 is kept.
fn timestamp(v: &Value) -> Option<String> {
    let s = v.as_str()?.trim();
    if s.is_empty() {
        return None;
    }
    use time::format_description::well_known::Rfc3339;
    if let Ok(t) = time::OffsetDateTime::parse(s, &Rfc3339) {
        return Some(crate::db::rfc3339(t.to_offset(time::UtcOffset::UTC)));
    }
    let naive = s.replace(' ', "T");
    let (date_time, _) = naive.split_once('.').unwrap_or((naive.as_str(), ""));
    let fmt = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]");
    if let Ok(t) = time::PrimitiveDateTime::parse(date_time, &fmt) {
        return Some(crate::db::rfc3339(t.assume_utc()));
    }
    let date = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(s, &date)
        .ok()
        .map(|d| crate::db::rfc3339(d.midnight().assume_utc()))
}

fn text(row: &Value, key: &str) -> Option<String> {
    match row.get(key)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn number(row: &Value, key: &str) -> Option<f64> {
    match row.get(key)? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

struct OldJob {
    legacy_id: String,
    title: String,
    template: String,
    days: i64,
    language: String,
    status: &'static str,
    interrupted: bool,
    progress: i64,
    log_message: Option<String>,
    slides: Option<i64>,
    score: Option<i64>,
    verdict: Option<String>,
    seconds: Option<f64>,
    output_local: Option<String>,
    created_at: String,
    completed_at: Option<String>,
}

fn old_job(row: &Value) -> Result<OldJob, String> {
    if !row.is_object() {
        return Err("not an object".into());
    }
    let legacy_id = text(row, "id")
        .or_else(|| text(row, "job_id"))
        .filter(|s| !s.trim().is_empty())
        .ok_or("no id or job_id")?;
    let (status, interrupted) = match text(row, "status").as_deref().map(str::trim) {
        Some("complete" | "completed" | "done") => ("complete", false),
        Some("failed" | "error") => ("failed", false),
        Some("queued" | "running" | "pending") => ("failed", true),
        Some(other) => return Err(format!("unknown status {other:?}")),
        None => return Err("no status".into()),
    };
    let days = number(row, "duration_days").map_or(1, |d| d as i64);
    if !(1..=10).contains(&days) {
        return Err(format!("duration_days {days} is outside 1–10"));
    }
    let created_at = timestamp(row.get("created_at").unwrap_or(&Value::Null))
        .ok_or("created_at is missing or not a date")?;
    let title = text(row, "course_title").unwrap_or_default();
    let title = if title.trim().is_empty() {
        "(untitled)".to_string()
    } else {
        title
            .trim()
            .chars()
            .take(types::limits::MAX_TITLE_CHARS)
            .collect()
    };
    Ok(OldJob {
        legacy_id: legacy_id.trim().to_string(),
        title,
        template: text(row, "template_name").unwrap_or_else(|| "(unknown template)".into()),
        days,
        language: text(row, "language").unwrap_or_else(|| "en".into()),
        status,
        interrupted,
        progress: number(row, "progress").map_or(0, |p| (p as i64).clamp(0, 100)),
        log_message: text(row, "log_message"),
        slides: number(row, "slide_count").map(|n| n as i64),
        score: number(row, "qa_score").map(|n| n as i64),
        verdict: text(row, "qa_verdict"),
        seconds: number(row, "duration_sec"),
        output_local: text(row, "output_local").filter(|s| !s.trim().is_empty()),
        created_at,
        completed_at: row.get("completed_at").and_then(timestamp),
    })
}

/// Imports the history file's jobs. With `outputs`, each job's old deck
/// (named in `output_local`, looked up by file name in that folder) is
/// copied into storage so it downloads.
pub async fn import_history(
    state: &crate::AppState,
    rows: &Value,
    outputs: Option<&Path>,
) -> anyhow::Result<Report> {
    crate::on_db!(&state.pool, pool => {
        let rows = rows
            .as_array()
            .ok_or_else(|| anyhow::anyhow!("the history file is not a JSON array"))?;
        let owner = imported_owner(&state.pool).await?;
        let mut report = Report::default();
        let now = now_rfc3339();
        for (i, row) in rows.iter().enumerate() {
            let job = match old_job(row) {
                Ok(j) => j,
                Err(why) => {
                    report.skipped.push((i, why));
                    continue;
                }
            };
            let known: Option<String> =
                sqlx::query_scalar("SELECT target FROM legacy_imports WHERE kind = 'job' AND key = $1")
                    .bind(&job.legacy_id)
                    .fetch_optional(pool)
                    .await?;
            if known.is_some() {
                report.present += 1;
                continue;
            }
            let id = db_jobs::new_id();
            // The old deck, copied into storage under the new id.
            let mut output = None;
            let mut deck_note = None;
            if job.status == "complete" {
                if let (Some(old), Some(dir)) = (&job.output_local, outputs) {
                    let file = Path::new(old).file_name().map(|n| dir.join(n));
                    match file.map(std::fs::read) {
                        Some(Ok(bytes)) => output = Some(state.storage.put(&format!("{id}.pptx"), bytes).await?),
                        _ => {
                            deck_note = Some("The deck file was not found when this job was imported.");
                            report
                                .notes
                                .push(format!("row {i} ({}): deck {old} not found", job.legacy_id));
                        }
                    }
                } else if job.output_local.is_some() {
                    deck_note = Some("The deck was not imported (no --outputs folder was given).");
                }
            }
            let mut tx = pool.begin().await?;
            sqlx::query(
                "INSERT INTO jobs (id, user_id, course_title, template_name, template_path, duration_days, language,
                               outline_json, status, progress, log_message, slide_count, qa_score, qa_verdict,
                               duration_sec, output_local, created_at, completed_at, error)
             VALUES ($1, $2, $3, $4, '', $5, $6, '{\"title\":\"\",\"modules\":[]}', $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
            )
            .bind(id.as_str())
            .bind(owner)
            .bind(&job.title)
            .bind(&job.template)
            .bind(job.days)
            .bind(&job.language)
            .bind(job.status)
            .bind(if job.status == "complete" { 100_i64 } else { job.progress })
            .bind(&job.log_message)
            .bind(job.slides)
            .bind(job.score)
            .bind(&job.verdict)
            .bind(job.seconds)
            .bind(&output)
            .bind(&job.created_at)
            .bind(&job.completed_at)
            .bind(job.interrupted.then_some("interrupted before import"))
            .execute(&mut *tx)
            .await?;
            let mut lines = vec![(
                "info",
                format!("Imported from the previous tool (job {})", job.legacy_id),
            )];
            if job.interrupted {
                lines.push(("error", "interrupted before import".to_string()));
            }
            if let Some(n) = deck_note {
                lines.push(("warning", n.to_string()));
            }
            for (level, message) in lines {
                sqlx::query(
                    "INSERT INTO job_events (job_id, at, level, progress, message) VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(id.as_str())
                .bind(&job.created_at)
                .bind(level)
                .bind(job.progress)
                .bind(message)
                .execute(&mut *tx)
                .await?;
            }
            sqlx::query("INSERT INTO legacy_imports (kind, key, target, imported_at) VALUES ('job', $1, $2, $3)")
                .bind(&job.legacy_id)
                .bind(id.as_str())
                .bind(&now)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            report.imported += 1;
        }
        Ok(report)
    })
}

/// Imports daily activity: an object keyed by ISO date with `{courses,
/// slides}`, or an array of `{date, courses, slides}`. Each day's counts are
/// added to that day once.
pub async fn import_activity(pool: &Pool, value: &Value) -> anyhow::Result<Report> {
    crate::on_db!(pool, pool => {
        let days: Vec<(String, &Value)> = match value {
            Value::Object(map) => map.iter().map(|(k, v)| (k.clone(), v)).collect(),
            Value::Array(rows) => rows
                .iter()
                .map(|r| (r.get("date").and_then(Value::as_str).unwrap_or("").to_string(), r))
                .collect(),
            _ => anyhow::bail!("the activity file is neither an object nor an array"),
        };
        let mut report = Report::default();
        let now = now_rfc3339();
        let fmt = time::macros::format_description!("[year]-[month]-[day]");
        for (i, (date, counts)) in days.into_iter().enumerate() {
            let date = date.trim().get(..10).unwrap_or("").to_string();
            if time::Date::parse(&date, &fmt).is_err() {
                report.skipped.push((i, format!("{date:?} is not an ISO date")));
                continue;
            }
            let (Some(courses), Some(slides)) = (number(counts, "courses"), number(counts, "slides")) else {
                report.skipped.push((i, "courses or slides missing".into()));
                continue;
            };
            if courses < 0.0 || slides < 0.0 {
                report.skipped.push((i, "negative counts".into()));
                continue;
            }
            let mut tx = pool.begin().await?;
            let fresh = sqlx::query(
                "INSERT INTO legacy_imports (kind, key, imported_at) VALUES ('activity', $1, $2) ON CONFLICT DO NOTHING",
            )
            .bind(&date)
            .bind(&now)
            .execute(&mut *tx)
            .await?
            .rows_affected()
                == 1;
            if !fresh {
                report.present += 1;
                continue;
            }
            sqlx::query(
                "INSERT INTO daily_activity (date, courses, slides) VALUES ($1, $2, $3)
                 ON CONFLICT (date) DO UPDATE SET courses = daily_activity.courses + excluded.courses, slides = daily_activity.slides + excluded.slides",
            )
            .bind(&date)
            .bind(courses as i64)
            .bind(slides as i64)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            report.imported += 1;
        }
        Ok(report)
    })
}

/// Imports token usage rows, priced with `prices`.
pub async fn import_tokens(pool: &Pool, value: &Value, prices: &Prices) -> anyhow::Result<Report> {
    crate::on_db!(pool, pool => {
        let rows = value
            .as_array()
            .ok_or_else(|| anyhow::anyhow!("the tokens file is not a JSON array"))?;
        let mut report = Report::default();
        let now = now_rfc3339();
        let jobs: HashMap<String, String> =
            sqlx::query_as::<_, (String, String)>("SELECT key, target FROM legacy_imports WHERE kind = 'job'")
                .fetch_all(pool)
                .await?
                .into_iter()
                .collect();
        for (i, row) in rows.iter().enumerate() {
            let Some(model) = text(row, "model").filter(|m| !m.trim().is_empty()) else {
                report.skipped.push((i, "no model".into()));
                continue;
            };
            let Some(at) = row.get("timestamp").and_then(timestamp) else {
                report
                    .skipped
                    .push((i, "timestamp is missing or not a date".into()));
                continue;
            };
            let count = |k: &str| number(row, k).unwrap_or(0.0);
            let (input, output, cw, cr) = (
                count("input_tokens"),
                count("output_tokens"),
                count("cache_creation_tokens"),
                count("cache_read_tokens"),
            );
            if [input, output, cw, cr].iter().any(|n| *n < 0.0 || !n.is_finite()) {
                report
                    .skipped
                    .push((i, "negative or invalid token counts".into()));
                continue;
            }
            let legacy_job = text(row, "job_id");
            let key = {
                let mut h = Sha256::new();
                h.update(format!(
                    "{legacy_job:?}|{at}|{model}|{input}|{output}|{cw}|{cr}|{i}"
                ));
                h.finalize()
                    .iter()
                    .map(|b| format!("{b:02x}"))
                    .collect::<String>()
            };
            let usage = Usage {
                input: input as u64,
                output: output as u64,
                cache_write: cw as u64,
                cache_read: cr as u64,
            };
            let cost = prices.cost(&model, &usage);
            let provider = if model.contains("claude") {
                "anthropic"
            } else if model.contains("gpt") || model.starts_with('o') {
                "openai"
            } else {
                "unknown"
            };
            let job_id = legacy_job.as_ref().and_then(|j| jobs.get(j)).cloned();
            let mut tx = pool.begin().await?;
            let fresh = sqlx::query(
                "INSERT INTO legacy_imports (kind, key, imported_at) VALUES ('tokens', $1, $2) ON CONFLICT DO NOTHING",
            )
            .bind(&key)
            .bind(&now)
            .execute(&mut *tx)
            .await?
            .rows_affected()
                == 1;
            if !fresh {
                report.present += 1;
                continue;
            }
            sqlx::query(
                "INSERT INTO token_usage (job_id, user_id, at, provider, model, purpose, input_tokens, output_tokens,
                                      cache_creation_tokens, cache_read_tokens, cost_usd)
             VALUES ($1, NULL, $2, $3, $4, 'imported', $5, $6, $7, $8, $9)",
            )
            .bind(&job_id)
            .bind(&at)
            .bind(provider)
            .bind(&model)
            .bind(input as i64)
            .bind(output as i64)
            .bind(cw as i64)
            .bind(cr as i64)
            .bind(cost)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            report.imported += 1;
        }
        Ok(report)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_timestamps_become_utc() {
        let v = |s: &str| timestamp(&Value::String(s.into()));
        assert_eq!(v("2025-03-04T05:06:07").as_deref(), Some("2025-03-04T05:06:07Z"));
        assert_eq!(
            v("2025-03-04 05:06:07.123456").as_deref(),
            Some("2025-03-04T05:06:07Z")
        );
        assert_eq!(
            v("2025-03-04T05:06:07+02:00").as_deref(),
            Some("2025-03-04T03:06:07Z")
        );
        assert_eq!(v("2025-03-04").as_deref(), Some("2025-03-04T00:00:00Z"));
        assert_eq!(v("yesterday"), None);
    }

    #[test]
    fn old_jobs_map_their_fields() {
        let j = old_job(&serde_json::json!({"job_id": "abc-1", "course_title": "", "status": "running", "duration_days": 2, "created_at": "2025-01-01T10:00:00"})).expect("row");
        assert_eq!(
            (j.legacy_id.as_str(), j.title.as_str(), j.status, j.interrupted),
            ("abc-1", "(untitled)", "failed", true)
        );
        assert!(old_job(&serde_json::json!({"id": "x", "status": "complete", "duration_days": 40, "created_at": "2025-01-01"})).is_err());
        assert!(old_job(&serde_json::json!({"status": "complete", "created_at": "2025-01-01"})).is_err());
        assert!(old_job(&serde_json::json!("nope")).is_err());
    }
}
