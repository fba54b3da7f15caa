//! One MCP session's server: who the caller is (a token from the
//! environment, or the request's), and how a course and links are shown.

use std::sync::Arc;

use backend::accounts::tokens::{self, TokenCaller};
use backend::AppState;
use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer};
use serde_json::{json, Value};
use types::jobs::{JobDetail, JobStatus};
use types::tokens::TokenScope;
use types::validate::JobId;

/// The scheme of the resources this server offers.
pub const RESOURCE_PREFIX: &str = "courseware://courses/";

/// How a caller proves who they are.
#[derive(Clone)]
pub enum Credentials {
    /// `courseware mcp`: the token from the environment, checked again on
    /// every call (a revoked token stops working mid-session).
    Token(Arc<str>),
    /// `/mcp`: the HTTP layer checked the request's bearer token and put the
    /// caller into the request's extensions.
    PerRequest,
}

/// One MCP session's server.
#[derive(Clone)]
pub struct Courseware {
    pub(super) state: AppState,
    credentials: Credentials,
    /// Where download links point (`PUBLIC_URL`, else how the caller reached us).
    base_url: Option<Arc<str>>,
    pub(super) tool_router: ToolRouter<Self>,
}

impl Courseware {
    pub fn new(state: AppState, credentials: Credentials) -> Self {
        let base_url = state
            .config
            .public_url
            .as_deref()
            .map(|u| Arc::from(u.trim_end_matches('/')));
        Self {
            state,
            credentials,
            base_url,
            tool_router: Self::tools(),
        }
    }

    /// Where links point when no request tells (stdio): the listening address.
    pub fn with_fallback_base(mut self, base: String) -> Self {
        if self.base_url.is_none() {
            self.base_url = Some(Arc::from(base));
        }
        self
    }

    /// The caller of this request, or a tool error saying why there is none.
    pub(super) async fn caller(&self, ctx: &RequestContext<RoleServer>) -> Result<TokenCaller, ErrorData> {
        let refused = || {
            ErrorData::invalid_request(
                "A valid API token is required (COURSEWARE_TOKEN for `courseware mcp`, a bearer token for /mcp).",
                None,
            )
        };
        match &self.credentials {
            Credentials::Token(token) => match tokens::authenticate(&self.state, token).await {
                Ok(Some(caller)) => Ok(caller),
                Ok(None) => Err(refused()),
                Err(e) => Err(internal(e)),
            },
            Credentials::PerRequest => request_parts(ctx)
                .and_then(|parts| parts.extensions.get::<TokenCaller>().cloned())
                .ok_or_else(refused),
        }
    }

    /// The caller, who must hold a write token.
    pub(super) async fn writer(&self, ctx: &RequestContext<RoleServer>) -> Result<TokenCaller, ErrorData> {
        let caller = self.caller(ctx).await?;
        if caller.scope != TokenScope::Write {
            return Err(ErrorData::invalid_request(
                "This token may only read: use a token with the write scope to start courses.",
                None,
            ));
        }
        Ok(caller)
    }

    /// An absolute link for a server path, from `PUBLIC_URL`, the request's
    /// `Host` (HTTP) or the listening address (stdio).
    pub(super) fn absolute(&self, path: &str, ctx: &RequestContext<RoleServer>) -> String {
        if let Some(base) = &self.base_url {
            return format!("{base}{path}");
        }
        let host = request_parts(ctx)
            .and_then(|p| p.headers.get(axum::http::header::HOST))
            .and_then(|h| h.to_str().ok())
            .filter(|h| h.len() <= 255 && !h.contains(['/', '@', ' ']));
        match host {
            Some(host) => format!("http://{host}{path}"),
            None => path.to_owned(),
        }
    }
}

fn request_parts(ctx: &RequestContext<RoleServer>) -> Option<&axum::http::request::Parts> {
    ctx.extensions.get::<axum::http::request::Parts>()
}

/// A failure the caller cannot fix: logged here, said plainly there.
pub(super) fn internal(e: impl std::fmt::Display) -> ErrorData {
    tracing::error!(error = %e, "MCP request failed");
    ErrorData::internal_error("Something went wrong on the server. Please try again.", None)
}

pub(super) fn course_uri(id: &str) -> String {
    format!("{RESOURCE_PREFIX}{id}")
}

/// A course as the tools and resources show it.
pub(super) async fn course_view(
    server: &Courseware,
    detail: &JobDetail,
    ctx: &RequestContext<RoleServer>,
) -> Value {
    let job = &detail.job;
    let link = match job.status {
        JobStatus::Complete => JobId::parse(&job.id)
            .map(|id| server.absolute(&backend::jobs::sign_link(&server.state, &id), ctx)),
        _ => None,
    };
    json!({
        "id": job.id,
        "uri": course_uri(&job.id),
        "title": job.course_title,
        "template": job.template_name,
        "days": job.duration_days,
        "language": job.language,
        "status": job.status,
        "progress": job.progress,
        "message": job.log_message,
        "slides": job.slide_count,
        "qa_score": job.qa_score,
        "qa_verdict": job.qa_verdict,
        "error": job.error,
        "owner": job.owner_name,
        "created_at": job.created_at,
        "completed_at": job.completed_at,
        "download_link": link,
        "page": server.absolute(&format!("/jobs/{}", job.id), ctx),
    })
}
