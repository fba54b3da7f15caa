//! Logging: readable lines in development, JSON in production; one span per
//! request carrying its request id.

use axum::http::{HeaderValue, Request};
use backend::config::LogFormat;
use tower_http::request_id::{MakeRequestId, RequestId};
use tracing_subscriber::EnvFilter;

/// Installs the global subscriber. `RUST_LOG` overrides the default filter.
pub fn init(format: LogFormat) {
    init_to(format, std::io::stdout);
}

/// As [`init`], writing to stderr: for `courseware mcp`, whose stdout is
/// the protocol.
pub fn init_stderr(format: LogFormat) {
    init_to(format, std::io::stderr);
}

fn init_to<W>(format: LogFormat, writer: W)
where
    W: for<'a> tracing_subscriber::fmt::MakeWriter<'a> + Send + Sync + 'static,
{
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_sessions=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_writer(writer);
    // `try_init` fails only if a subscriber is already set (tests); that is fine.
    let _ = match format {
        LogFormat::Pretty => builder.try_init(),
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
    };
}

/// Request ids: a random per-process prefix and a counter — unique, short, and
/// cheap to make.
#[derive(Clone)]
pub struct RequestIds {
    prefix: u32,
    next: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl Default for RequestIds {
    fn default() -> Self {
        Self {
            prefix: rand::random(),
            next: Default::default(),
        }
    }
}

impl MakeRequestId for RequestIds {
    fn make_request_id<B>(&mut self, _: &Request<B>) -> Option<RequestId> {
        let n = self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        HeaderValue::from_str(&format!("{:08x}-{n:x}", self.prefix))
            .ok()
            .map(RequestId::new)
    }
}

/// Longest `x-request-id` taken from a client (a UUID is 36).
pub const MAX_REQUEST_ID: usize = 64;

/// Whether a client's `x-request-id` may be kept: short and plain (letters,
/// digits, `-`, `_`, `.`, `:`), so it cannot forge or bloat log lines.
pub fn plain_request_id(id: &[u8]) -> bool {
    !id.is_empty()
        && id.len() <= MAX_REQUEST_ID
        && id
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
}

/// Drops a client's `x-request-id` that is not [`plain_request_id`], so a
/// new one is made for the request.
pub async fn screen_request_id(
    mut req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let headers = req.headers_mut();
    let plain = {
        let mut all = headers.get_all("x-request-id").iter();
        match (all.next(), all.next()) {
            (Some(one), None) => plain_request_id(one.as_bytes()),
            (None, _) => true,
            _ => false,
        }
    };
    if !plain {
        headers.remove("x-request-id");
    }
    next.run(req).await
}

/// The span every request runs in. The path is cut to 200 characters (the
/// router refuses longer ones anyway, but the line is written first).
pub fn request_span<B>(req: &Request<B>) -> tracing::Span {
    let id = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-");
    let path = req.uri().path();
    let path = match path.char_indices().nth(200) {
        Some((i, _)) => &path[..i],
        None => path,
    };
    let method = crate::http::metrics::method_label(req.method());
    tracing::info_span!("request", request_id = id, method = method, path = path)
}
