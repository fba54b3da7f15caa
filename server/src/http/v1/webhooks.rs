//! `/api/v1/webhooks`: endpoints that hear when courses and batches end,
//! their delivery logs, and sending a message again.

use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use backend::AppState;
use serde::Serialize;
use types::webhooks::{CreatedEndpoint, Delivery, Endpoint, NewEndpoint};
use utoipa::ToSchema;

use super::auth::{Reader, Writer};
use super::problem::Problem;

fn endpoint_id(id: &str) -> Result<i64, Problem> {
    id.parse().ok().filter(|n| *n > 0).ok_or_else(Problem::not_found)
}

/// Registers an endpoint. Its signing secret is in this answer only.
#[utoipa::path(
    post, path = "/api/v1/webhooks", tag = "webhooks", operation_id = "create_webhook",
    request_body = NewEndpoint,
    responses(
        (status = 201, description = "Registered; `secret` is shown this once", body = CreatedEndpoint),
        (status = 400, description = "The body is not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No working token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A read token", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "As many endpoints as allowed", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The body is too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A bad URL (or one to a private address) or event; `field` names it", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = []))
)]
pub async fn create(
    State(state): State<AppState>,
    Writer(caller): Writer,
    body: Result<Json<NewEndpoint>, JsonRejection>,
) -> Result<Response, Problem> {
    let Json(new) = body?;
    let created = backend::webhooks::create(&state, &caller.user, &new).await?;
    Ok((StatusCode::CREATED, Json(created)).into_response())
}

/// The caller's endpoints (an administrator's token: everyone's).
#[utoipa::path(
    get, path = "/api/v1/webhooks", tag = "webhooks", operation_id = "list_webhooks",
    responses(
        (status = 200, description = "The endpoints, newest first", body = Vec<Endpoint>),
        (status = 401, description = "No working token", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = []))
)]
pub async fn list(
    State(state): State<AppState>,
    Reader(caller): Reader,
) -> Result<Json<Vec<Endpoint>>, Problem> {
    Ok(Json(backend::webhooks::list(&state, &caller.user).await?))
}

/// Removes an endpoint and its delivery log.
#[utoipa::path(
    delete, path = "/api/v1/webhooks/{id}", tag = "webhooks", operation_id = "delete_webhook",
    params(("id" = i64, Path, description = "The endpoint's id")),
    responses(
        (status = 204, description = "Removed"),
        (status = 401, description = "No working token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A read token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such endpoint of the caller's", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = []))
)]
pub async fn delete(
    State(state): State<AppState>,
    Writer(caller): Writer,
    Path(id): Path<String>,
) -> Result<StatusCode, Problem> {
    backend::webhooks::remove(&state, &caller.user, endpoint_id(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The endpoint's latest 100 deliveries, newest first.
#[utoipa::path(
    get, path = "/api/v1/webhooks/{id}/deliveries", tag = "webhooks", operation_id = "webhook_deliveries",
    params(("id" = i64, Path, description = "The endpoint's id")),
    responses(
        (status = 200, description = "The delivery log", body = Vec<Delivery>),
        (status = 401, description = "No working token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such endpoint of the caller's", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = []))
)]
pub async fn deliveries(
    State(state): State<AppState>,
    Reader(caller): Reader,
    Path(id): Path<String>,
) -> Result<Json<Vec<Delivery>>, Problem> {
    Ok(Json(
        backend::webhooks::deliveries(&state, &caller.user, endpoint_id(&id)?).await?,
    ))
}

/// A queued delivery.
#[derive(Debug, Serialize, ToSchema)]
pub struct Resent {
    /// The new delivery's id (the message keeps its `webhook-id`).
    pub delivery: i64,
}

/// Sends a message again: a new delivery, due now, with the same
/// `webhook-id` and body.
#[utoipa::path(
    post, path = "/api/v1/webhooks/{id}/deliveries/{delivery}/resend", tag = "webhooks", operation_id = "resend_webhook",
    params(
        ("id" = i64, Path, description = "The endpoint's id"),
        ("delivery" = i64, Path, description = "The delivery to send again"),
    ),
    responses(
        (status = 202, description = "Queued", body = Resent),
        (status = 401, description = "No working token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A read token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such endpoint or delivery of the caller's", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = []))
)]
pub async fn resend(
    State(state): State<AppState>,
    Writer(caller): Writer,
    Path((id, delivery)): Path<(String, String)>,
) -> Result<Response, Problem> {
    let delivery = endpoint_id(&delivery)?;
    let queued = backend::webhooks::resend(&state, &caller.user, endpoint_id(&id)?, delivery).await?;
    Ok((StatusCode::ACCEPTED, Json(Resent { delivery: queued })).into_response())
}
