//! Webhook endpoints and their deliveries, as the API and the page show
//! them. Deliveries follow the Standard Webhooks specification
//! (`webhook-id`, `webhook-timestamp`, `webhook-signature`).

use serde::{Deserialize, Serialize};

/// Events an endpoint can ask for.
pub const EVENTS: [&str; 3] = ["course.completed", "course.failed", "batch.completed"];

/// Endpoints one user may register.
pub const MAX_ENDPOINTS: i64 = 20;

/// The longest endpoint URL.
pub const MAX_URL_CHARS: usize = 2000;

/// Event names, kept as `,a,b,` in the database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
pub struct EventList(pub Vec<String>);

impl EventList {
    pub fn stored(&self) -> String {
        format!(",{},", self.0.join(","))
    }
}

impl From<String> for EventList {
    fn from(stored: String) -> Self {
        EventList(
            stored
                .split(',')
                .filter(|e| !e.is_empty())
                .map(str::to_owned)
                .collect(),
        )
    }
}

/// An endpoint to register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewEndpoint {
    /// Where to POST events (http or https).
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 2000))]
    pub url: String,
    /// Any of `course.completed`, `course.failed`, `batch.completed`.
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 3))]
    pub events: Vec<String>,
}

/// A registered endpoint (never its secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "sqlx", derive(sqlx::FromRow))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Endpoint {
    pub id: i64,
    pub url: String,
    #[cfg_attr(feature = "sqlx", sqlx(try_from = "String"))]
    pub events: EventList,
    pub owner_email: String,
    pub created_at: String,
    /// Deliveries that ran out of attempts.
    pub failed: i64,
    /// Deliveries still to make.
    pub pending: i64,
}

/// An endpoint just registered: the only time its secret is shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedEndpoint {
    pub endpoint: Endpoint,
    /// `whsec_…`: verify each delivery's `webhook-signature` with it.
    pub secret: String,
}

/// One delivery of a message to an endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "sqlx", derive(sqlx::FromRow))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Delivery {
    pub id: i64,
    /// The `webhook-id` header: the same for every attempt of a message.
    pub message_id: String,
    pub event: String,
    /// `pending`, `delivered` or `failed`.
    pub status: String,
    pub attempts: i64,
    pub created_at: String,
    pub delivered_at: Option<String>,
    /// When the next attempt is due (pending).
    pub next_at: String,
    /// The receiver's last HTTP status.
    pub last_status: Option<i64>,
    /// Why the last attempt did not deliver.
    pub last_error: Option<String>,
}
