//! `GET /health`: version and the state of each dependency, as JSON. Public,
//! for load balancers and the test harness; it reveals no configuration.
//! Cheap by design: one database ping; the storage probes are remembered
//! for 30 s (`backend::health`).

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use backend::{db, AppState};
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
    let db_ok = db::ping(&state.pool).await;
    let storage = state.storage_health.check(&state).await;
    let (local_ok, s3_ok) = (storage.local, storage.s3);
    let storage_ok = local_ok && s3_ok.unwrap_or(true);
    // Object storage down is degraded, not down: decks stay local until it is back.
    let code = if db_ok && local_ok {
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
