//! `GET /health`: version and the state of each dependency, as JSON. Public,
//! for load balancers and the test harness; it reveals no configuration.
//! Cheap by design: one database ping; the storage probes are remembered
//! for 30 s (`backend::ops::health`).

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use backend::AppState;
use serde::Serialize;

#[derive(Serialize)]
pub struct Health {
    pub status: &'static str,
    pub version: &'static str,
    pub engine: &'static str,
    pub database: &'static str,
    pub storage: &'static str,
}

pub async fn health(State(state): State<AppState>) -> (StatusCode, Json<Health>) {
    let db_ok = state.database_answers().await;
    let storage = state.storage_state().await;
    let (local_ok, s3_ok) = (storage.local, storage.s3);
    let storage_ok = local_ok && s3_ok.unwrap_or(true);
    // Liveness: only a database that does not answer makes the process
    // unhealthy. Storage trouble is "degraded" here and fails `/ready`
    // (restarting the process would not fix a full disk).
    let code = if db_ok {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (
        code,
        Json(Health {
            status: if db_ok && storage_ok { "ok" } else { "degraded" },
            version: env!("CARGO_PKG_VERSION"),
            engine: deck::ENGINE_VERSION,
            database: if db_ok { "ok" } else { "unreachable" },
            storage: match (local_ok, s3_ok) {
                (false, _) => "unwritable",
                (true, None) => "local",
                (true, Some(true)) => "s3",
                (true, Some(false)) => "unreachable",
            },
        }),
    )
}

/// `GET /ready`: 200 when the database (migrated), the data folder and
/// object storage (if configured) all work; 503 with the reasons otherwise.
/// For orchestrators' readiness probes; `/health` stays the cheap liveness check.
pub async fn ready(State(state): State<AppState>) -> (StatusCode, Json<serde_json::Value>) {
    match state.ready().await {
        Ok(()) => (StatusCode::OK, Json(serde_json::json!({ "ready": true }))),
        Err(problems) => {
            tracing::warn!(?problems, "not ready");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(serde_json::json!({ "ready": false, "problems": problems })),
            )
        }
    }
}
