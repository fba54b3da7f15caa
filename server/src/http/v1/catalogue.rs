//! What a course can be made with, and what making them has cost:
//! `/api/v1/templates` and `/api/v1/usage`.

use axum::extract::{Query, State};
use axum::Json;
use backend::AppState;
use serde::{Deserialize, Serialize};
use types::templates::TemplateCard;
use types::usage::TokenTotals;
use utoipa::{IntoParams, ToSchema};

use super::auth::Reader;
use super::problem::Problem;

/// The templates a course may be started with (`template` in a spec).
#[utoipa::path(
    get, path = "/api/v1/templates", tag = "catalogue", operation_id = "list_templates",
    responses(
        (status = 200, description = "The templates on offer", body = Vec<TemplateCard>),
        (status = 401, description = "No working token", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = []))
)]
pub async fn templates(State(state): State<AppState>, Reader(_caller): Reader) -> Json<Vec<TemplateCard>> {
    Json(backend::templates::cards(&state).await)
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UsageQuery {
    /// How many days back, today included (1–365, default 30).
    #[param(minimum = 1, maximum = 365)]
    days: Option<u32>,
}

/// Tokens and estimated cost of one group of model calls.
#[derive(Debug, Serialize, ToSchema)]
pub struct UsageRow {
    /// A day (YYYY-MM-DD), a model or a user, by the list it is in.
    pub name: String,
    pub totals: TokenTotals,
}

/// The team's spend on the AI writer over the last `days` days.
#[derive(Debug, Serialize, ToSchema)]
pub struct UsageReport {
    /// "provider · model" when the AI writer is on.
    pub ai_writer: Option<String>,
    pub days: i64,
    pub totals: TokenTotals,
    pub per_day: Vec<UsageRow>,
    pub per_model: Vec<UsageRow>,
    pub per_user: Vec<UsageRow>,
}

/// Tokens and estimated cost of the AI writer's calls, per day, model and user.
#[utoipa::path(
    get, path = "/api/v1/usage", tag = "catalogue", operation_id = "get_usage",
    params(UsageQuery),
    responses(
        (status = 200, description = "The spend", body = UsageReport),
        (status = 400, description = "A query parameter is unreadable", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No working token", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`days` is out of range", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = []))
)]
pub async fn usage(
    State(state): State<AppState>,
    Reader(_caller): Reader,
    query: Result<Query<UsageQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<UsageReport>, Problem> {
    let Query(q) = query.map_err(|e| Problem::new(axum::http::StatusCode::BAD_REQUEST, e.body_text()))?;
    let days = q.days.unwrap_or(30);
    if !(1..=365).contains(&days) {
        return Err(
            Problem::new(axum::http::StatusCode::UNPROCESSABLE_ENTITY, "days is 1 to 365.").about("days"),
        );
    }
    let summary = backend::llm::spend::report(&state, i64::from(days)).await?;
    let rows = |list: Vec<(String, TokenTotals)>| {
        list.into_iter()
            .map(|(name, totals)| UsageRow { name, totals })
            .collect()
    };
    Ok(Json(UsageReport {
        ai_writer: summary.ai_writer,
        days: summary.days,
        totals: summary.totals,
        per_day: rows(summary.per_day),
        per_model: rows(summary.per_model),
        per_user: rows(summary.per_user),
    }))
}
