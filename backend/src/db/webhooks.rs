//! The `webhook_endpoints` and `webhook_deliveries` tables: endpoints made,
//! listed and removed; deliveries owed, claimed with a lease by any
//! replica's delivery loop, and recorded as they go.

use types::webhooks::{Delivery, Endpoint};

use crate::db::{now_rfc3339, Pool};

/// An endpoint with what sending to it needs.
#[derive(Debug, sqlx::FromRow)]
pub struct Target {
    pub id: i64,
    pub url: String,
    pub secret: String,
}

pub async fn insert(
    pool: &Pool,
    user_id: i64,
    url: &str,
    events: &str,
    secret: &str,
) -> Result<i64, sqlx::Error> {
    crate::on_db!(pool, pool => {
        sqlx::query_scalar(
            "INSERT INTO webhook_endpoints (user_id, url, events, secret, created_at)
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(user_id)
        .bind(url)
        .bind(events)
        .bind(secret)
        .bind(now_rfc3339())
        .fetch_one(pool)
        .await
    })
}

pub async fn count(pool: &Pool, user_id: i64) -> Result<i64, sqlx::Error> {
    crate::on_db!(pool, pool => {
        sqlx::query_scalar("SELECT COUNT(*) FROM webhook_endpoints WHERE user_id = $1")
            .bind(user_id)
            .fetch_one(pool)
            .await
    })
}

const ENDPOINT: &str = "SELECT e.id, e.url, e.events, u.email AS owner_email, e.created_at,
        (SELECT COUNT(*) FROM webhook_deliveries d WHERE d.endpoint_id = e.id AND d.status = 'failed') AS failed,
        (SELECT COUNT(*) FROM webhook_deliveries d WHERE d.endpoint_id = e.id AND d.status = 'pending') AS pending
 FROM webhook_endpoints e JOIN users u ON u.id = e.user_id";

/// The endpoints of `user_id` (everyone's for `None`), newest first.
pub async fn list(pool: &Pool, user_id: Option<i64>) -> Result<Vec<Endpoint>, sqlx::Error> {
    let sql = format!("{ENDPOINT} WHERE $1 IS NULL OR e.user_id = $1 ORDER BY e.id DESC");
    crate::on_db!(pool, pool => {
        sqlx::query_as(&sql).bind(user_id).fetch_all(pool).await
    })
}

/// One endpoint and its owner's id.
pub async fn get(pool: &Pool, id: i64) -> Result<Option<(Endpoint, i64)>, sqlx::Error> {
    let sql = format!("{ENDPOINT} WHERE e.id = $1");
    let owner: Option<i64> = crate::on_db!(pool, pool => {
        sqlx::query_scalar("SELECT user_id FROM webhook_endpoints WHERE id = $1").bind(id).fetch_optional(pool).await
    })?;
    let Some(owner) = owner else { return Ok(None) };
    let endpoint: Option<Endpoint> = crate::on_db!(pool, pool => {
        sqlx::query_as(&sql).bind(id).fetch_optional(pool).await
    })?;
    Ok(endpoint.map(|e| (e, owner)))
}

pub async fn delete(pool: &Pool, id: i64) -> Result<(), sqlx::Error> {
    crate::on_db!(pool, pool => {
        sqlx::query("DELETE FROM webhook_endpoints WHERE id = $1").bind(id).execute(pool).await.map(drop)
    })
}

/// The endpoints of `user_id` that want `event`.
pub async fn subscribed(pool: &Pool, user_id: i64, event: &str) -> Result<Vec<i64>, sqlx::Error> {
    // Events are stored as ",a,b," so one LIKE finds a whole name.
    let pattern = format!("%,{event},%");
    crate::on_db!(pool, pool => {
        sqlx::query_scalar(
            "SELECT id FROM webhook_endpoints WHERE user_id = $1 AND disabled_at IS NULL AND events LIKE $2",
        )
        .bind(user_id)
        .bind(&pattern)
        .fetch_all(pool)
        .await
    })
}

/// Queues one message for each of `endpoints`, due now.
pub async fn enqueue(
    pool: &Pool,
    endpoints: &[i64],
    message_id: &str,
    event: &str,
    payload: &str,
) -> Result<(), sqlx::Error> {
    let now = now_rfc3339();
    crate::on_db!(pool, pool => {
        let mut tx = pool.begin().await?;
        for endpoint in endpoints {
            sqlx::query(
                "INSERT INTO webhook_deliveries (endpoint_id, message_id, event, payload, status, next_at, created_at)
                 VALUES ($1, $2, $3, $4, 'pending', $5, $5)",
            )
            .bind(endpoint)
            .bind(message_id)
            .bind(event)
            .bind(payload)
            .bind(&now)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await
    })
}

/// A delivery to attempt.
#[derive(Debug, sqlx::FromRow)]
pub struct Due {
    pub id: i64,
    pub endpoint_id: i64,
    pub message_id: String,
    pub event: String,
    pub payload: String,
    pub attempts: i64,
    pub created_at: String,
    pub url: String,
    pub secret: String,
}

/// Claims up to `limit` deliveries due at `now` for `worker` until
/// `lease_until` (a delivery whose claimer died is due again when its
/// lease lapses).
pub async fn claim(
    pool: &Pool,
    worker: &str,
    now: &str,
    lease_until: &str,
    limit: i64,
) -> Result<Vec<Due>, sqlx::Error> {
    let skip_locked = match pool {
        Pool::Sqlite(_) => "",
        Pool::Postgres(_) => " FOR UPDATE SKIP LOCKED",
    };
    crate::on_db!(pool, pool => {
        let mut tx = pool.begin().await?;
        // One statement claims: on SQLite the transaction holds the write
        // lock from its start (a read first could not be upgraded once
        // another writer commits); on PostgreSQL claimers skip each other.
        let mut ids: Vec<i64> = sqlx::query_scalar(&format!(
            "UPDATE webhook_deliveries SET claimed_by = $3, lease_until = $4
             WHERE id IN (SELECT id FROM webhook_deliveries
                          WHERE status = 'pending' AND next_at <= $1 AND (lease_until IS NULL OR lease_until < $1)
                          ORDER BY next_at, id LIMIT $2{skip_locked})
             RETURNING id"
        ))
        .bind(now)
        .bind(limit)
        .bind(worker)
        .bind(lease_until)
        .fetch_all(&mut *tx)
        .await?;
        ids.sort_unstable();
        let mut due = Vec::with_capacity(ids.len());
        for id in ids {
            let row: Due = sqlx::query_as(
                "SELECT d.id, d.endpoint_id, d.message_id, d.event, d.payload, d.attempts, d.created_at, e.url, e.secret
                 FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id WHERE d.id = $1",
            )
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
            due.push(row);
        }
        tx.commit().await?;
        Ok(due)
    })
}

/// What one attempt came to.
pub enum Outcome<'a> {
    Delivered {
        status: i64,
    },
    /// Try again at `next_at`.
    Retry {
        status: Option<i64>,
        error: &'a str,
        next_at: &'a str,
    },
    /// Out of time: no more attempts.
    Failed {
        status: Option<i64>,
        error: &'a str,
    },
}

pub async fn record(pool: &Pool, id: i64, outcome: Outcome<'_>) -> Result<(), sqlx::Error> {
    let now = now_rfc3339();
    let (status, code, error, next_at, delivered_at) = match outcome {
        Outcome::Delivered { status } => ("delivered", Some(status), None, None, Some(now.as_str())),
        Outcome::Retry {
            status,
            error,
            next_at,
        } => ("pending", status, Some(error), Some(next_at), None),
        Outcome::Failed { status, error } => ("failed", status, Some(error), None, None),
    };
    crate::on_db!(pool, pool => {
        sqlx::query(
            "UPDATE webhook_deliveries SET status = $2, attempts = attempts + 1, last_status = $3, last_error = $4,
                 next_at = COALESCE($5, next_at), delivered_at = COALESCE($6, delivered_at),
                 claimed_by = NULL, lease_until = NULL
             WHERE id = $1",
        )
        .bind(id)
        .bind(status)
        .bind(code)
        .bind(error)
        .bind(next_at)
        .bind(delivered_at)
        .execute(pool)
        .await
        .map(drop)
    })
}

/// The latest deliveries to an endpoint, newest first.
pub async fn deliveries(pool: &Pool, endpoint: i64, limit: i64) -> Result<Vec<Delivery>, sqlx::Error> {
    crate::on_db!(pool, pool => {
        sqlx::query_as(
            "SELECT id, message_id, event, status, attempts, created_at, delivered_at, next_at, last_status, last_error
             FROM webhook_deliveries WHERE endpoint_id = $1 ORDER BY id DESC LIMIT $2",
        )
        .bind(endpoint)
        .bind(limit)
        .fetch_all(pool)
        .await
    })
}

/// Queues a delivered or failed message again, due now, as a new
/// delivery of the same message (same id and body). `None` when there is
/// no such delivery for that endpoint.
pub async fn resend(pool: &Pool, endpoint: i64, delivery: i64) -> Result<Option<i64>, sqlx::Error> {
    let now = now_rfc3339();
    crate::on_db!(pool, pool => {
        sqlx::query_scalar(
            "INSERT INTO webhook_deliveries (endpoint_id, message_id, event, payload, status, next_at, created_at)
             SELECT endpoint_id, message_id, event, payload, 'pending', $3, $3
             FROM webhook_deliveries WHERE id = $2 AND endpoint_id = $1
             RETURNING id",
        )
        .bind(endpoint)
        .bind(delivery)
        .bind(&now)
        .fetch_optional(pool)
        .await
    })
}
