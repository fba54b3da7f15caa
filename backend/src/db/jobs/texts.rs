//! The AI writer's text per module, kept so a retried job does not pay for
//! the modules it already has.

use crate::db::{now_rfc3339, Pool};
use types::validate::JobId;

/// Module texts an earlier run of the job stored: (module, input hash, JSON).
pub async fn module_texts(pool: &Pool, id: &JobId) -> Result<Vec<(i64, String, String)>, sqlx::Error> {
    crate::on_db!(pool, pool => {
        sqlx::query_as("SELECT module, input_hash, text_json FROM job_module_texts WHERE job_id = $1")
            .bind(id.as_str())
            .fetch_all(pool)
            .await
    })
}

/// Stores one module's accepted text (replacing an older one).
pub async fn save_module_text(
    pool: &Pool,
    id: &JobId,
    module: usize,
    hash: &str,
    json: &str,
) -> Result<(), sqlx::Error> {
    crate::on_db!(pool, pool => {
        sqlx::query(
            "INSERT INTO job_module_texts (job_id, module, input_hash, text_json, written_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (job_id, module) DO UPDATE SET input_hash = excluded.input_hash,
             text_json = excluded.text_json, written_at = excluded.written_at",
        )
        .bind(id.as_str())
        .bind(i64::try_from(module).unwrap_or(0))
        .bind(hash)
        .bind(json)
        .bind(now_rfc3339())
        .execute(pool)
        .await?;
        Ok(())
    })
}
