//! Generation jobs: start, follow, cancel, retry, delete; the shared history
//! and the dashboard snapshot.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::course::Outline;
use crate::error::ApiError;
use crate::jobs::{JobEvent, JobSummary};

/// A job with its log, for the job page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobDetail {
    pub job: JobSummary,
    pub events: Vec<JobEvent>,
    /// The QA report as JSON (score, verdict, findings per slide), once complete.
    pub qa_report: Option<String>,
    /// Whether the caller may cancel, retry or delete it (owner or admin).
    pub can_manage: bool,
    /// Tokens and estimated cost of the job's model calls (zero for the offline writer).
    pub usage: crate::jobs::TokenTotals,
}

/// Today's figures and daily activity for the dashboard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    pub courses_today: i64,
    pub slides_today: i64,
    pub running: i64,
    pub failed_today: i64,
    /// (date, courses, slides) for the last 90 days, oldest first, days without activity included.
    pub days: Vec<(String, i64, i64)>,
}

/// Names of the sample templates on offer.
#[server(prefix = "/api", endpoint = "templates")]
pub async fn list_templates() -> Result<Vec<String>, ApiError> {
    use crate::server::guard::{require_user, respond};
    respond(
        async {
            let (state, _) = require_user().await?;
            Ok(sample_template_names(&state.config.sample_templates_dir))
        }
        .await,
    )
}

/// Parses pasted outline text into the tree the user reviews.
#[server(prefix = "/api", endpoint = "outline/parse")]
pub async fn parse_outline_text(text: String) -> Result<Outline, ApiError> {
    use crate::server::guard::{require_user, respond};
    respond(
        async {
            require_user().await?;
            if text.len() > 10 << 20 {
                return Err(ApiError::invalid("outline", "The outline is larger than 10 MB."));
            }
            crate::course::parse::parse(text.as_bytes())
                .map_err(|e| ApiError::invalid("outline", e.to_string()))
        }
        .await,
    )
}

/// Queues a generation job; returns its id.
#[server(prefix = "/api", endpoint = "jobs/start")]
pub async fn start_job(
    title: String,
    days: u8,
    language: String,
    template: String,
    outline: String,
) -> Result<String, ApiError> {
    use crate::server::guard::respond;
    respond(ssr::start_job(title, days, language, template, outline).await)
}

/// The latest 100 jobs of the whole team, optionally filtered.
#[server(prefix = "/api", endpoint = "jobs")]
pub async fn list_jobs(status: Option<String>, search: Option<String>) -> Result<Vec<JobSummary>, ApiError> {
    use crate::server::guard::{internal, require_user, respond};
    respond(
        async {
            let (state, _) = require_user().await?;
            let status = status.filter(|s| crate::jobs::JobStatus::parse(s).is_some());
            let search = search
                .map(|s| s.trim().chars().take(200).collect::<String>())
                .filter(|s| !s.is_empty());
            crate::server::jobs::history(&state.pool, status.as_deref(), search.as_deref())
                .await
                .map_err(internal)
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "jobs/get")]
pub async fn get_job(id: String) -> Result<JobDetail, ApiError> {
    use crate::server::guard::respond;
    respond(ssr::get_job(id).await)
}

/// Cancels a queued or running job (owner or admin).
#[server(prefix = "/api", endpoint = "jobs/cancel")]
pub async fn cancel_job(id: String) -> Result<(), ApiError> {
    use crate::server::guard::respond;
    respond(ssr::cancel_job(id).await)
}

/// Queues a failed or cancelled job again (owner or admin).
#[server(prefix = "/api", endpoint = "jobs/retry")]
pub async fn retry_job(id: String) -> Result<(), ApiError> {
    use crate::server::guard::respond;
    respond(ssr::retry_job(id).await)
}

/// Deletes a finished job and its file (owner or admin).
#[server(prefix = "/api", endpoint = "jobs/delete")]
pub async fn delete_job(id: String) -> Result<(), ApiError> {
    use crate::server::guard::respond;
    respond(ssr::delete_job(id).await)
}

#[server(prefix = "/api", endpoint = "dashboard")]
pub async fn dashboard() -> Result<Snapshot, ApiError> {
    use crate::server::guard::respond;
    respond(ssr::dashboard().await)
}

/// `.pptx`/`.potx` files directly in the samples folder, by name.
#[cfg(feature = "ssr")]
pub fn sample_template_names(dir: &std::path::Path) -> Vec<String> {
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

/// A signed link to download a finished job's deck, valid for `PRESIGNED_URL_TTL`.
#[server(prefix = "/api", endpoint = "jobs/link")]
pub async fn download_link(id: String) -> Result<String, ApiError> {
    use crate::server::guard::{internal, require_user, respond};
    respond(
        async {
            let (state, _) = require_user().await?;
            let status: Option<String> = sqlx::query_scalar("SELECT status FROM jobs WHERE id = ?")
                .bind(&id)
                .fetch_optional(&state.pool)
                .await
                .map_err(internal)?;
            match status.as_deref() {
                None => Err(ApiError::NotFound),
                Some("complete") => {
                    let now = time::OffsetDateTime::now_utc().unix_timestamp().max(0) as u64;
                    Ok(state.link_key.sign(&id, now, state.config.presigned_url_ttl))
                }
                Some(_) => Err(ApiError::Conflict("The deck is not ready yet.".into())),
            }
        }
        .await,
    )
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::{JobDetail, Snapshot};
    use crate::course::labels::LANGUAGES;
    use crate::course::Outline;
    use crate::error::ApiError;
    use crate::jobs::JobStatus;
    use crate::model::CurrentUser;
    use crate::server::guard::{internal, require_user};
    use crate::server::jobs::{self, NewJob};
    use crate::server::worker::finish;
    use crate::server::AppState;

    pub async fn start_job(
        title: String,
        days: u8,
        language: String,
        template: String,
        outline: String,
    ) -> Result<String, ApiError> {
        let (state, user) = require_user().await?;
        let title = title.trim().to_owned();
        if title.is_empty() {
            return Err(ApiError::invalid("title", "Enter a course title."));
        }
        if title.chars().count() > 200 {
            return Err(ApiError::invalid("title", "Use at most 200 characters."));
        }
        if !(1..=10).contains(&days) {
            return Err(ApiError::invalid("days", "Choose between 1 and 10 days."));
        }
        if !LANGUAGES.iter().any(|(code, _)| *code == language) {
            return Err(ApiError::invalid(
                "language",
                "Choose one of the offered languages.",
            ));
        }
        // Only listed samples or our own upload names: a client never supplies a path.
        let Some(path) = crate::server::template_path(&state.config, &template) else {
            return Err(ApiError::invalid(
                "template",
                "Choose one of the offered templates or upload one.",
            ));
        };
        let parsed: Outline = serde_json::from_str(&outline)
            .map_err(|_| ApiError::invalid("outline", "The outline could not be read."))?;
        if parsed.modules.is_empty() || parsed.modules.iter().all(|m| m.topics.is_empty()) {
            return Err(ApiError::invalid(
                "outline",
                "The outline has no modules or topics.",
            ));
        }
        let template_name = match template.strip_prefix("upload:") {
            Some(_) => "Uploaded template".to_string(),
            None => template.clone(),
        };
        let id = jobs::enqueue(
            &state.pool,
            &NewJob {
                user_id: user.id,
                course_title: title,
                template_name,
                template_path: path.to_string_lossy().to_string(),
                duration_days: days,
                language,
                outline_json: serde_json::to_string(&parsed).map_err(|_| ApiError::Internal)?,
            },
        )
        .await
        .map_err(internal)?;
        state.jobs.wake.notify_one();
        tracing::info!(job = %id, user_id = user.id, "job queued");
        Ok(id)
    }

    #[derive(sqlx::FromRow)]
    struct Owner {
        user_id: i64,
        status: String,
        output_local: Option<String>,
        output_s3_key: Option<String>,
        qa_report: Option<String>,
    }

    async fn owned(state: &AppState, user: &CurrentUser, id: &str) -> Result<(Owner, bool), ApiError> {
        let row: Owner = sqlx::query_as(
            "SELECT user_id, status, output_local, output_s3_key, qa_report FROM jobs WHERE id = ?",
        )
        .bind(id)
        .fetch_optional(&state.pool)
        .await
        .map_err(internal)?
        .ok_or(ApiError::NotFound)?;
        let can = row.user_id == user.id || user.is_admin;
        Ok((row, can))
    }

    pub async fn get_job(id: String) -> Result<JobDetail, ApiError> {
        let (state, user) = require_user().await?;
        let (row, can_manage) = owned(&state, &user, &id).await?;
        let job = jobs::summary(&state.pool, &id)
            .await
            .map_err(internal)?
            .ok_or(ApiError::NotFound)?;
        let events = jobs::events(&state.pool, &id).await.map_err(internal)?;
        Ok(JobDetail {
            job,
            events,
            qa_report: row.qa_report,
            can_manage,
            usage: crate::api::usage::ssr::job_totals(&state.pool, &id)
                .await
                .map_err(internal)?,
        })
    }

    pub async fn cancel_job(id: String) -> Result<(), ApiError> {
        let (state, user) = require_user().await?;
        let (row, can) = owned(&state, &user, &id).await?;
        if !can {
            return Err(ApiError::Forbidden);
        }
        match JobStatus::parse(&row.status) {
            Some(JobStatus::Queued) => {
                // Not started: cancel at once (unless a worker claims it this instant).
                sqlx::query("UPDATE jobs SET cancel_requested = 1 WHERE id = ?")
                    .bind(&id)
                    .execute(&state.pool)
                    .await
                    .map_err(internal)?;
                let claimed: Option<String> =
                    sqlx::query_scalar("SELECT claimed_by FROM job_queue WHERE job_id = ?")
                        .bind(&id)
                        .fetch_optional(&state.pool)
                        .await
                        .map_err(internal)?
                        .flatten();
                if claimed.is_none() {
                    finish(&state, &id, JobStatus::Cancelled, "Cancelled", None)
                        .await
                        .map_err(internal)?;
                }
                Ok(())
            }
            Some(JobStatus::Running) => {
                sqlx::query("UPDATE jobs SET cancel_requested = 1 WHERE id = ?")
                    .bind(&id)
                    .execute(&state.pool)
                    .await
                    .map_err(internal)?;
                Ok(())
            }
            _ => Err(ApiError::Conflict(
                "Only queued or running jobs can be cancelled.".into(),
            )),
        }
    }

    pub async fn retry_job(id: String) -> Result<(), ApiError> {
        let (state, user) = require_user().await?;
        let (row, can) = owned(&state, &user, &id).await?;
        if !can {
            return Err(ApiError::Forbidden);
        }
        if !matches!(
            JobStatus::parse(&row.status),
            Some(JobStatus::Failed | JobStatus::Cancelled)
        ) {
            return Err(ApiError::Conflict(
                "Only failed or cancelled jobs can be retried.".into(),
            ));
        }
        let now = crate::server::db::now_rfc3339();
        let mut tx = state.pool.begin().await.map_err(internal)?;
        sqlx::query(
            "UPDATE jobs SET status = 'queued', progress = 0, error = NULL, cancel_requested = 0, attempts = 0,
                 completed_at = NULL, log_message = 'Queued again' WHERE id = ?",
        )
        .bind(&id)
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
        sqlx::query("INSERT INTO job_queue (job_id, enqueued_at) VALUES (?, ?) ON CONFLICT (job_id) DO UPDATE SET claimed_by = NULL")
            .bind(&id)
            .bind(&now)
            .execute(&mut *tx)
            .await
            .map_err(internal)?;
        sqlx::query("INSERT INTO job_events (job_id, at, level, progress, message) VALUES (?, ?, 'info', 0, 'Queued again')")
            .bind(&id)
            .bind(&now)
            .execute(&mut *tx)
            .await
            .map_err(internal)?;
        tx.commit().await.map_err(internal)?;
        state.jobs.wake.notify_one();
        Ok(())
    }

    pub async fn delete_job(id: String) -> Result<(), ApiError> {
        let (state, user) = require_user().await?;
        let (row, can) = owned(&state, &user, &id).await?;
        if !can {
            return Err(ApiError::Forbidden);
        }
        if matches!(
            JobStatus::parse(&row.status),
            Some(JobStatus::Queued | JobStatus::Running)
        ) {
            return Err(ApiError::Conflict("Cancel the job before deleting it.".into()));
        }
        sqlx::query("DELETE FROM jobs WHERE id = ?")
            .bind(&id)
            .execute(&state.pool)
            .await
            .map_err(internal)?;
        if let Some(path) = row.output_local {
            if let Err(e) = state.storage.delete(&path).await {
                tracing::warn!(job = %id, error = %e, "could not remove the deck file");
            }
        }
        if let (Some(key), Some(s3)) = (row.output_s3_key, &state.s3) {
            if let Err(e) = s3.delete(&key).await {
                tracing::warn!(job = %id, error = %format!("{e:#}"), "could not remove the deck object");
            }
        }
        Ok(())
    }

    pub async fn dashboard() -> Result<Snapshot, ApiError> {
        let (state, _) = require_user().await?;
        let today = &crate::server::db::now_rfc3339()[..10];
        let (courses_today, slides_today): (i64, i64) = sqlx::query_as(
            "SELECT COALESCE(SUM(courses), 0), COALESCE(SUM(slides), 0) FROM daily_activity WHERE date = ?",
        )
        .bind(today)
        .fetch_one(&state.pool)
        .await
        .map_err(internal)?;
        let running: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM jobs WHERE status IN ('running', 'queued')")
                .fetch_one(&state.pool)
                .await
                .map_err(internal)?;
        let failed_today: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM jobs WHERE status = 'failed' AND substr(completed_at, 1, 10) = ?",
        )
        .bind(today)
        .fetch_one(&state.pool)
        .await
        .map_err(internal)?;
        let rows: Vec<(String, i64, i64)> = sqlx::query_as(
            "SELECT date, courses, slides FROM daily_activity WHERE date >= date(?, '-89 days') ORDER BY date",
        )
        .bind(today)
        .fetch_all(&state.pool)
        .await
        .map_err(internal)?;
        let mut days = Vec::with_capacity(90);
        let end = time::Date::parse(today, &time::format_description::well_known::Iso8601::DATE)
            .map_err(|_| ApiError::Internal)?;
        for back in (0..90).rev() {
            let d = end - time::Duration::days(back);
            let key = format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day());
            let (c, s) = rows.iter().find(|r| r.0 == key).map_or((0, 0), |r| (r.1, r.2));
            days.push((key, c, s));
        }
        Ok(Snapshot {
            courses_today,
            slides_today,
            running,
            failed_today,
            days,
        })
    }
}
