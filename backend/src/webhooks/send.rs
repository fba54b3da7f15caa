//! Sending deliveries: any replica's loop claims the deliveries that are
//! due (with a lease, so a replica that dies mid-send leaves them to the
//! others), signs each as the Standard Webhooks specification says, posts
//! it to the checked addresses, and records the outcome — delivered on a
//! 2xx, else retried with doubling waits for 24 hours, then failed.

use std::time::Duration;

use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use tokio::sync::watch;

use super::destination;
use crate::db::webhooks::{self as db, Due, Outcome};
use crate::AppState;

/// How long a message is retried.
const GIVE_UP_AFTER: time::Duration = time::Duration::hours(24);

/// The longest wait between attempts.
const MAX_WAIT_SECONDS: u64 = 3600;

/// How long one attempt may take, the receiver's answer included.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(15);

/// Deliveries claimed at once.
const BATCH: i64 = 16;

/// `v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">` under the
/// endpoint's secret (`whsec_<base64 key>`).
pub fn sign(secret: &str, message_id: &str, timestamp: i64, body: &str) -> String {
    let key = secret.strip_prefix("whsec_").unwrap_or(secret);
    let key = base64::engine::general_purpose::STANDARD
        .decode(key)
        .unwrap_or_else(|_| key.as_bytes().to_vec());
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).expect("HMAC takes any key length");
    mac.update(format!("{message_id}.{timestamp}.{body}").as_bytes());
    format!(
        "v1,{}",
        base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
    )
}

/// A new endpoint secret: `whsec_` and 32 random bytes in base64.
pub fn new_secret() -> String {
    let bytes: [u8; 32] = rand::random();
    format!(
        "whsec_{}",
        base64::engine::general_purpose::STANDARD.encode(bytes)
    )
}

/// Runs until `stop`: claims what is due every second and sends it.
pub async fn run(state: AppState, mut stop: watch::Receiver<bool>) {
    let worker = format!("webhooks-{}", state.jobs.instance);
    loop {
        let sent = match pass(&state, &worker).await {
            Ok(n) => n,
            Err(e) => {
                tracing::warn!(error = %e, "webhook delivery pass failed");
                0
            }
        };
        if sent == BATCH as usize {
            continue;
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(1)) => {}
            _ = stop.changed() => return,
        }
    }
}

/// One pass: the deliveries due now, sent side by side. How many.
pub async fn pass(state: &AppState, worker: &str) -> crate::Result<usize> {
    let now = time::OffsetDateTime::now_utc();
    let lease = crate::db::rfc3339(now + time::Duration::seconds(60));
    let due = db::claim(&state.pool, worker, &crate::db::rfc3339(now), &lease, BATCH).await?;
    let n = due.len();
    let attempts = due.into_iter().map(|d| async move {
        let outcome = attempt(state, &d).await;
        if let Err(e) = record(state, &d, outcome).await {
            tracing::warn!(delivery = d.id, error = %e, "recording a webhook attempt failed");
        }
    });
    futures_util::future::join_all(attempts).await;
    Ok(n)
}

/// What one attempt came to: the receiver's status, or why there was none.
type Attempted = Result<u16, String>;

async fn attempt(state: &AppState, d: &Due) -> Attempted {
    let dest = destination::check(&d.url, &state.config.webhook_allow_hosts, Duration::from_secs(5)).await?;
    let mut client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(ATTEMPT_TIMEOUT)
        .user_agent(concat!("Courseware-Webhooks/", env!("CARGO_PKG_VERSION")));
    if dest.host.parse::<std::net::IpAddr>().is_err() {
        // Connect to the addresses that were checked, not a second lookup's.
        client = client.resolve_to_addrs(&dest.host, &dest.addrs);
    }
    let client = client.build().map_err(|e| format!("no HTTP client: {e}"))?;
    let timestamp = time::OffsetDateTime::now_utc().unix_timestamp();
    let response = client
        .post(dest.url)
        .header("content-type", "application/json")
        .header("webhook-id", &d.message_id)
        .header("webhook-timestamp", timestamp.to_string())
        .header(
            "webhook-signature",
            sign(&d.secret, &d.message_id, timestamp, &d.payload),
        )
        .body(d.payload.clone())
        .send()
        .await
        .map_err(|e| {
            if e.is_timeout() {
                "the receiver did not answer in time".to_string()
            } else {
                format!("could not reach the receiver: {}", without_url(&e))
            }
        })?;
    Ok(response.status().as_u16())
}

/// reqwest's error text without the URL (it may carry a token in its query).
fn without_url(e: &reqwest::Error) -> String {
    let mut text = e.to_string();
    if let Some(url) = e.url() {
        text = text.replace(url.as_str(), "the endpoint");
    }
    text
}

async fn record(state: &AppState, d: &Due, outcome: Attempted) -> crate::Result<()> {
    let (status, error) = match outcome {
        Ok(code) if (200..300).contains(&code) => {
            tracing::info!(delivery = d.id, endpoint = d.endpoint_id, event = %d.event, "webhook delivered");
            db::record(
                &state.pool,
                d.id,
                Outcome::Delivered {
                    status: i64::from(code),
                },
            )
            .await?;
            return Ok(());
        }
        Ok(code) if (300..400).contains(&code) => (
            Some(i64::from(code)),
            format!("answered {code}; redirects are not followed"),
        ),
        Ok(code) => (Some(i64::from(code)), format!("answered {code}")),
        Err(why) => (None, why),
    };
    let base = state.config.webhook_retry_seconds.max(1);
    let wait = base
        .saturating_mul(1 << d.attempts.clamp(0, 20))
        .min(MAX_WAIT_SECONDS);
    let next = time::OffsetDateTime::now_utc() + time::Duration::seconds(wait as i64);
    let created = time::OffsetDateTime::parse(&d.created_at, &time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| time::OffsetDateTime::now_utc());
    tracing::info!(delivery = d.id, endpoint = d.endpoint_id, attempt = d.attempts + 1, %error, "webhook not delivered");
    let outcome = if next > created + GIVE_UP_AFTER {
        Outcome::Failed {
            status,
            error: &error,
        }
    } else {
        Outcome::Retry {
            status,
            error: &error,
            next_at: &crate::db::rfc3339(next),
        }
    };
    db::record(&state.pool, d.id, outcome).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_follow_the_standard_webhooks_example() {
        // The specification's published example.
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let body = r#"{"test": 2432232314}"#;
        assert_eq!(
            sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        );
        assert!(new_secret().starts_with("whsec_"));
        assert_ne!(new_secret(), new_secret());
    }
}
