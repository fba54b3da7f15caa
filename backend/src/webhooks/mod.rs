//! Webhooks: a user registers endpoints (a URL and the events wanted) and
//! gets a signing secret once; when one of their courses completes or
//! fails, or a batch of theirs finishes, a delivery is written for each
//! endpoint that wants the event and sent by [`send`] — at least once,
//! signed, retried for a day, surviving restarts and replicas. Each
//! endpoint keeps a delivery log, and a message can be sent again.
//!
//! * [`destination`]: where a webhook may go (public addresses only,
//!   unless `WEBHOOK_ALLOW_HOSTS` says otherwise);
//! * [`send`]: the delivery loop and the signature.

pub mod destination;
pub mod send;

use std::time::Duration;

use types::account::CurrentUser;
use types::jobs::JobStatus;
use types::validate::JobId;
use types::webhooks::{
    CreatedEndpoint, Delivery, Endpoint, EventList, NewEndpoint, EVENTS, MAX_ENDPOINTS, MAX_URL_CHARS,
};
use types::ApiError;

use crate::db::jobs::batches as batch_db;
use crate::db::webhooks as db;
use crate::{AppState, Result};

/// Deliveries a log shows.
const LOG_LENGTH: i64 = 100;

/// Registers an endpoint for `user`: the URL checked (and resolved) now,
/// so a mistake is told at once; the secret shown this once.
pub async fn create(state: &AppState, user: &CurrentUser, new: &NewEndpoint) -> Result<CreatedEndpoint> {
    let url = new.url.trim();
    if url.is_empty() || url.chars().count() > MAX_URL_CHARS {
        return Err(ApiError::invalid("url", format!("A URL is 1 to {MAX_URL_CHARS} characters.")).into());
    }
    destination::check(url, &state.config.webhook_allow_hosts, Duration::from_secs(5))
        .await
        .map_err(|why| ApiError::invalid("url", why))?;
    let mut events: Vec<String> = Vec::new();
    for e in &new.events {
        if !EVENTS.contains(&e.as_str()) {
            return Err(ApiError::invalid("events", format!("Events are {}.", EVENTS.join(", "))).into());
        }
        if !events.contains(e) {
            events.push(e.clone());
        }
    }
    if events.is_empty() {
        return Err(ApiError::invalid("events", "Choose at least one event.").into());
    }
    if db::count(&state.pool, user.id).await? >= MAX_ENDPOINTS {
        return Err(ApiError::Conflict(format!(
            "You have {MAX_ENDPOINTS} webhook endpoints; remove one first."
        ))
        .into());
    }
    let secret = send::new_secret();
    let id = db::insert(&state.pool, user.id, url, &EventList(events).stored(), &secret).await?;
    tracing::info!(endpoint = id, user_id = user.id, "webhook endpoint registered");
    let (endpoint, _) = db::get(&state.pool, id).await?.ok_or(ApiError::NotFound)?;
    Ok(CreatedEndpoint { endpoint, secret })
}

/// The caller's endpoints (an administrator's: everyone's).
pub async fn list(state: &AppState, user: &CurrentUser) -> Result<Vec<Endpoint>> {
    Ok(db::list(&state.pool, (!user.is_admin).then_some(user.id)).await?)
}

/// An endpoint the caller may manage: their own, or any for an admin.
async fn owned(state: &AppState, user: &CurrentUser, id: i64) -> Result<Endpoint> {
    match db::get(&state.pool, id).await? {
        Some((endpoint, owner)) if owner == user.id || user.is_admin => Ok(endpoint),
        _ => Err(ApiError::NotFound.into()),
    }
}

pub async fn remove(state: &AppState, user: &CurrentUser, id: i64) -> Result<()> {
    owned(state, user, id).await?;
    db::delete(&state.pool, id).await?;
    Ok(())
}

/// The endpoint's latest deliveries, newest first.
pub async fn deliveries(state: &AppState, user: &CurrentUser, id: i64) -> Result<Vec<Delivery>> {
    owned(state, user, id).await?;
    Ok(db::deliveries(&state.pool, id, LOG_LENGTH).await?)
}

/// Sends a message again (a new delivery with the same id and body).
pub async fn resend(state: &AppState, user: &CurrentUser, id: i64, delivery: i64) -> Result<i64> {
    owned(state, user, id).await?;
    Ok(db::resend(&state.pool, id, delivery)
        .await?
        .ok_or(ApiError::NotFound)?)
}

/// Writes the deliveries a job's end calls for: `course.completed` or
/// `course.failed` to its owner's endpoints, and `batch.completed` when it
/// was the last open course of a batch. Failures are logged: the job's
/// end stands either way.
pub async fn job_ended(state: &AppState, id: &JobId, status: JobStatus) {
    if let Err(e) = events_for(state, id, status).await {
        tracing::warn!(job = %id, error = %e, "writing webhook deliveries failed");
    }
}

async fn events_for(state: &AppState, id: &JobId, status: JobStatus) -> Result<()> {
    let Some((owner, batch)) = batch_db::owner_and_batch(&state.pool, id.as_str()).await? else {
        return Ok(());
    };
    let event = match status {
        JobStatus::Complete => Some("course.completed"),
        JobStatus::Failed => Some("course.failed"),
        _ => None,
    };
    if let Some(event) = event {
        if let Some(course) = crate::db::jobs::summary(&state.pool, id).await? {
            let data = serde_json::json!({
                "course": course,
                "batch_id": batch,
                "links": {
                    "course": format!("/api/v1/courses/{}", id.as_str()),
                    "deck": format!("/api/v1/courses/{}/deck", id.as_str()),
                },
            });
            emit(state, owner, event, data).await?;
        }
    }
    if let Some(batch) = batch {
        if batch_db::complete_if_done(&state.pool, &batch).await? {
            let Some(batch_id) = JobId::parse(&batch) else {
                return Ok(());
            };
            let (courses, counts) = batch_db::courses(&state.pool, &batch_id).await?;
            let data = serde_json::json!({
                "batch_id": batch,
                "total": courses.len(),
                "counts": counts,
                "links": { "batch": format!("/api/v1/batches/{batch}") },
            });
            emit(state, owner, "batch.completed", data).await?;
        }
    }
    Ok(())
}

/// Queues `event` with `data` for every endpoint of `owner` that wants it.
async fn emit(state: &AppState, owner: i64, event: &str, data: serde_json::Value) -> Result<()> {
    let endpoints = db::subscribed(&state.pool, owner, event).await?;
    if endpoints.is_empty() {
        return Ok(());
    }
    let message_id = format!("msg_{}", crate::db::jobs::new_id().as_str().repeat(3));
    let payload = serde_json::json!({
        "type": event,
        "timestamp": crate::db::now_rfc3339(),
        "data": data,
    })
    .to_string();
    db::enqueue(&state.pool, &endpoints, &message_id, event, &payload).await?;
    Ok(())
}
