//! `courseware migrate-db`: copies an installation's database into another
//! (typically the embedded SQLite file into PostgreSQL when a team moves to
//! replicas), table by table in one transaction on the target, and checks
//! the copy by counting every table on both sides.
//!
//! The target must have the current schema (the migrations are applied
//! first) and no data: an installation is moved once, not merged.

use sqlx::{Column, Row};

use super::{on_db, Pool};

/// How a column is read from the source and written to the target.
#[derive(Clone, Copy)]
enum Kind {
    Int,
    Real,
    Text,
    Blob,
    /// 0/1 in SQLite, BOOLEAN in PostgreSQL.
    Flag,
}

use Kind::*;

/// Every table with data, parents before children, each in its insertion
/// order (so jobs started in the same second keep their order).
/// A table: its name, the order its rows are read in, its columns.
type Table = (&'static str, &'static str, &'static [(&'static str, Kind)]);

const TABLES: &[Table] = &[
    (
        "users",
        "id",
        &[
            ("id", Int),
            ("email", Text),
            ("name", Text),
            ("password_hash", Text),
            ("is_admin", Flag),
            ("is_active", Flag),
            ("created_at", Text),
            ("last_login_at", Text),
        ],
    ),
    (
        "sessions",
        "id",
        &[
            ("id", Text),
            ("data", Blob),
            ("expiry_date", Int),
            ("user_id", Int),
        ],
    ),
    (
        "batches",
        "created_at, id",
        &[
            ("id", Text),
            ("user_id", Int),
            ("name", Text),
            ("created_at", Text),
            ("cancelled_at", Text),
            ("completed_at", Text),
        ],
    ),
    (
        "jobs",
        "rowid",
        &[
            ("id", Text),
            ("user_id", Int),
            ("course_title", Text),
            ("template_name", Text),
            ("template_path", Text),
            ("duration_days", Int),
            ("language", Text),
            ("outline_json", Text),
            ("status", Text),
            ("progress", Int),
            ("log_message", Text),
            ("slide_count", Int),
            ("qa_score", Int),
            ("qa_verdict", Text),
            ("qa_report", Text),
            ("duration_sec", Real),
            ("output_local", Text),
            ("output_s3_key", Text),
            ("created_at", Text),
            ("started_at", Text),
            ("completed_at", Text),
            ("attempts", Int),
            ("error", Text),
            ("cancel_requested", Flag),
            ("timetable", Text),
            ("batch_id", Text),
            ("deleted_at", Text),
            ("course_id", Text),
            ("version", Int),
            ("origin", Text),
        ],
    ),
    (
        "job_queue",
        "enqueued_at, job_id",
        &[
            ("job_id", Text),
            ("enqueued_at", Text),
            ("claimed_by", Text),
            ("claimed_at", Text),
            ("lease_until", Text),
        ],
    ),
    (
        "job_events",
        "id",
        &[
            ("id", Int),
            ("job_id", Text),
            ("at", Text),
            ("level", Text),
            ("progress", Int),
            ("message", Text),
        ],
    ),
    (
        "daily_activity",
        "date",
        &[("date", Text), ("courses", Int), ("slides", Int)],
    ),
    (
        "token_usage",
        "id",
        &[
            ("id", Int),
            ("job_id", Text),
            ("user_id", Int),
            ("at", Text),
            ("provider", Text),
            ("model", Text),
            ("purpose", Text),
            ("input_tokens", Int),
            ("output_tokens", Int),
            ("cache_creation_tokens", Int),
            ("cache_read_tokens", Int),
            ("cost_usd", Real),
        ],
    ),
    (
        "job_module_texts",
        "job_id, module",
        &[
            ("job_id", Text),
            ("module", Int),
            ("input_hash", Text),
            ("text_json", Text),
            ("written_at", Text),
        ],
    ),
    (
        "job_content",
        "job_id",
        &[("job_id", Text), ("content", Text), ("deck_slides", Text)],
    ),
    (
        "course_drafts",
        "course_id",
        &[
            ("course_id", Text),
            ("content", Text),
            ("revision", Int),
            ("updated_by", Int),
            ("updated_at", Text),
        ],
    ),
    (
        "course_reviews",
        "course_id",
        &[
            ("course_id", Text),
            ("state", Text),
            ("reviewer_id", Int),
            ("submitted_by", Int),
            ("submitted_at", Text),
            ("decided_by", Int),
            ("decided_at", Text),
            ("approved_job", Text),
            ("note", Text),
        ],
    ),
    (
        "slide_comments",
        "id",
        &[
            ("id", Int),
            ("course_id", Text),
            ("slide_id", Text),
            ("job_id", Text),
            ("version", Int),
            ("parent_id", Int),
            ("user_id", Int),
            ("body", Text),
            ("created_at", Text),
            ("resolved_at", Text),
            ("resolved_by", Int),
        ],
    ),
    (
        "api_tokens",
        "id",
        &[
            ("id", Int),
            ("user_id", Int),
            ("name", Text),
            ("scope", Text),
            ("prefix", Text),
            ("secret_sha256", Text),
            ("created_at", Text),
            ("last_used_at", Text),
            ("expires_at", Text),
            ("revoked_at", Text),
        ],
    ),
    (
        "idempotency_keys",
        "user_id, key",
        &[
            ("user_id", Int),
            ("key", Text),
            ("body_sha256", Text),
            ("job_id", Text),
            ("created_at", Text),
        ],
    ),
    (
        "webhook_endpoints",
        "id",
        &[
            ("id", Int),
            ("user_id", Int),
            ("url", Text),
            ("events", Text),
            ("secret", Text),
            ("created_at", Text),
            ("disabled_at", Text),
        ],
    ),
    (
        "webhook_deliveries",
        "id",
        &[
            ("id", Int),
            ("endpoint_id", Int),
            ("message_id", Text),
            ("event", Text),
            ("payload", Text),
            ("status", Text),
            ("attempts", Int),
            ("next_at", Text),
            ("created_at", Text),
            ("delivered_at", Text),
            ("last_status", Int),
            ("last_error", Text),
            ("claimed_by", Text),
            ("lease_until", Text),
        ],
    ),
    (
        "legacy_imports",
        "kind, key",
        &[
            ("kind", Text),
            ("key", Text),
            ("target", Text),
            ("imported_at", Text),
        ],
    ),
];

/// Tables whose ids the target numbers itself afterwards (identity columns).
const IDENTITIES: &[&str] = &[
    "users",
    "job_events",
    "token_usage",
    "api_tokens",
    "webhook_endpoints",
    "webhook_deliveries",
    "slide_comments",
];

/// One value as read.
enum Value {
    Int(Option<i64>),
    Real(Option<f64>),
    Text(Option<String>),
    Blob(Option<Vec<u8>>),
    Flag(Option<bool>),
}

/// Rows copied per table, in [`TABLES`] order.
pub type Counts = Vec<(&'static str, u64)>;

/// Copies everything from `from` into the empty `to`; returns the rows per
/// table, counted again on both sides after the copy.
pub async fn copy(from: &Pool, to: &Pool) -> anyhow::Result<Counts> {
    for (table, ..) in TABLES {
        let n = count(to, table).await?;
        anyhow::ensure!(
            n == 0,
            "the target already holds data ({n} rows in {table}); migrate-db copies into an empty database"
        );
    }
    on_db!(to, target => {
        let mut tx = target.begin().await?;
        for (table, order, columns) in TABLES {
            let rows = read(from, table, order, columns).await?;
            let names: Vec<&str> = columns.iter().map(|c| c.0).collect();
            let marks: Vec<String> = (1..=columns.len()).map(|i| format!("${i}")).collect();
            let sql = format!("INSERT INTO {table} ({}) VALUES ({})", names.join(", "), marks.join(", "));
            for row in rows {
                let mut q = sqlx::query(&sql);
                for v in row {
                    q = match v {
                        Value::Int(v) => q.bind(v),
                        Value::Real(v) => q.bind(v),
                        Value::Text(v) => q.bind(v),
                        Value::Blob(v) => q.bind(v),
                        Value::Flag(v) => q.bind(v),
                    };
                }
                q.execute(&mut *tx).await?;
            }
        }
        tx.commit().await?;
        anyhow::Ok(())
    })?;
    if let Pool::Postgres(pg) = to {
        // The next user, event and token row continue after the copied ids.
        for table in IDENTITIES {
            sqlx::query(&format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
            ))
            .execute(pg)
            .await?;
        }
    }
    let mut counts = Vec::new();
    for (table, ..) in TABLES {
        let (a, b) = (count(from, table).await?, count(to, table).await?);
        anyhow::ensure!(a == b, "{table}: {a} rows in the source but {b} in the copy");
        counts.push((*table, a));
    }
    Ok(counts)
}

async fn count(pool: &Pool, table: &str) -> Result<u64, sqlx::Error> {
    let sql = format!("SELECT COUNT(*) FROM {table}");
    let n: i64 = on_db!(pool, pool => sqlx::query_scalar(&sql).fetch_one(pool).await?);
    Ok(n as u64)
}

async fn read(
    pool: &Pool,
    table: &str,
    order: &str,
    columns: &[(&str, Kind)],
) -> Result<Vec<Vec<Value>>, sqlx::Error> {
    let names: Vec<&str> = columns.iter().map(|c| c.0).collect();
    // Jobs in the order they were made (ties within a second included).
    let order = match (table, pool) {
        ("jobs", Pool::Sqlite(_)) => "rowid",
        ("jobs", Pool::Postgres(_)) => "seq",
        _ => order,
    };
    let sql = format!("SELECT {} FROM {table} ORDER BY {order}", names.join(", "));
    on_db!(pool, pool => {
        let rows = sqlx::query(&sql).fetch_all(pool).await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let mut values = Vec::with_capacity(columns.len());
            for (i, (_, kind)) in columns.iter().enumerate() {
                debug_assert_eq!(row.column(i).name(), columns[i].0);
                values.push(match kind {
                    Int => Value::Int(row.try_get(i)?),
                    Real => Value::Real(row.try_get(i)?),
                    Text => Value::Text(row.try_get(i)?),
                    Blob => Value::Blob(row.try_get(i)?),
                    Flag => Value::Flag(row.try_get(i)?),
                });
            }
            out.push(values);
        }
        Ok(out)
    })
}
