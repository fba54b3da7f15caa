//! The MCP tools. Each answers with structured JSON; what the caller can fix
//! (a wrong field, a course not ready, an unknown id) comes back as a tool
//! error whose text says what to do, so an assistant can correct itself.

use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::{CallToolResult, ContentBlock};
use rmcp::service::RequestContext;
use rmcp::{tool, tool_router, ErrorData, RoleServer};
use serde::Deserialize;
use serde_json::{json, Value};
use types::limits::MAX_OUTLINE_BYTES;
use types::outline::Outline;
use types::spec::{CourseSpec, SPEC_SCHEMA};
use types::validate::JobId;
use types::ApiError;

use super::server::{course_view, internal, Courseware};

#[derive(Debug, Deserialize, rmcp::schemars::JsonSchema)]
#[schemars(crate = "rmcp::schemars")]
pub struct ParseOutline {
    /// The outline as Markdown or plain text: headings (or numbered lines)
    /// for modules, `-` bullets for topics, indented bullets for sub-points.
    pub text: String,
}

#[derive(Debug, Deserialize, rmcp::schemars::JsonSchema)]
#[schemars(crate = "rmcp::schemars")]
pub struct GenerateCourse {
    /// The course title (1–200 characters).
    pub title: String,
    /// The course length in days (1–10).
    pub days: u8,
    /// A `template` value from list_templates.
    pub template: String,
    /// The outline as Markdown or plain text (as parse_outline reads it).
    pub outline: String,
    /// The course language: en, fr, de or es (default en).
    pub language: Option<String>,
}

#[derive(Debug, Deserialize, rmcp::schemars::JsonSchema)]
#[schemars(crate = "rmcp::schemars")]
pub struct CourseRef {
    /// The course id that generate_course answered.
    pub id: String,
}

/// What the caller can fix, as a tool error.
fn refused(message: impl Into<String>) -> CallToolResult {
    CallToolResult::error(vec![ContentBlock::text(message.into())])
}

/// A backend outcome as a tool answer: the caller's mistakes as tool errors
/// with the server's own words, the rest as an internal error.
fn answer(outcome: backend::Result<Value>) -> Result<CallToolResult, ErrorData> {
    match outcome {
        Ok(value) => Ok(CallToolResult::structured(value)),
        Err(backend::Error::Api(ApiError::Internal)) => Err(internal("internal error")),
        Err(backend::Error::Api(e @ ApiError::Invalid { .. })) => {
            let field = match &e {
                ApiError::Invalid { field, .. } if !field.is_empty() => format!("{field}: "),
                _ => String::new(),
            };
            Ok(refused(format!("{field}{e}")))
        }
        Err(backend::Error::Api(e)) => Ok(refused(e.to_string())),
        Err(e) => Err(internal(e)),
    }
}

/// Reads an outline text for `user` under the same allowance as uploads.
async fn read_outline(state: &backend::AppState, user: i64, text: String) -> backend::Result<Outline> {
    if text.len() > MAX_OUTLINE_BYTES {
        return Err(ApiError::TooLarge(format!(
            "The outline is larger than {} MB.",
            MAX_OUTLINE_BYTES >> 20
        ))
        .into());
    }
    if text.trim().is_empty() {
        return Err(ApiError::invalid("outline", "The outline is empty.").into());
    }
    Ok(backend::jobs::outlines::read(state, user, text.into_bytes()).await?)
}

fn course_id(raw: &str) -> backend::Result<JobId> {
    JobId::parse(raw.trim()).ok_or_else(|| {
        ApiError::invalid(
            "id",
            "No such course: an id is the 8 characters generate_course answered.",
        )
        .into()
    })
}

#[tool_router(router = tool_router, vis = "pub(super)")]
impl Courseware {
    /// The router of this server's tools.
    pub(super) fn tools() -> rmcp::handler::server::router::tool::ToolRouter<Self> {
        Self::tool_router()
    }

    #[tool(
        description = "List the PowerPoint templates a course can be made with. Pass a template's `template` value to generate_course."
    )]
    async fn list_templates(&self, ctx: RequestContext<RoleServer>) -> Result<CallToolResult, ErrorData> {
        self.caller(&ctx).await?;
        let cards = backend::templates::cards(&self.state).await;
        let list: Vec<Value> = cards
            .iter()
            .map(|c| json!({ "template": c.choice, "layouts": c.layouts }))
            .collect();
        Ok(CallToolResult::structured(json!({ "templates": list })))
    }

    #[tool(
        description = "Read an outline (Markdown or plain text) into the module and topic tree a course is made from, with the problems worth fixing first. Nothing is kept."
    )]
    async fn parse_outline(
        &self,
        Parameters(args): Parameters<ParseOutline>,
        ctx: RequestContext<RoleServer>,
    ) -> Result<CallToolResult, ErrorData> {
        let caller = self.caller(&ctx).await?;
        let outcome = read_outline(&self.state, caller.user.id, args.text)
            .await
            .map(|outline| {
                let problems = outline.problems();
                json!({ "outline": outline, "problems": problems })
            });
        answer(outcome)
    }

    #[tool(
        description = "Start making a course deck from an outline in a template. Answers the course's id at once; the deck is built in the background: poll course_status, then call download_link. Needs a write token."
    )]
    async fn generate_course(
        &self,
        Parameters(args): Parameters<GenerateCourse>,
        ctx: RequestContext<RoleServer>,
    ) -> Result<CallToolResult, ErrorData> {
        let caller = self.writer(&ctx).await?;
        let outcome = async {
            let outline = read_outline(&self.state, caller.user.id, args.outline).await?;
            let spec = CourseSpec {
                schema: SPEC_SCHEMA,
                title: args.title,
                days: args.days,
                language: args.language.unwrap_or_else(|| "en".into()),
                template: args.template,
                outline,
                writer: "offline".into(),
                timetable: None,
            };
            let started =
                backend::jobs::idempotency::start_once(&self.state, &caller.user, spec, None).await?;
            let detail = backend::jobs::detail(&self.state, &caller.user, &started.id).await?;
            Ok(course_view(self, &detail, &ctx).await)
        }
        .await;
        answer(outcome)
    }

    #[tool(
        description = "A course's state: queued, running (with progress 0–100 and the current step), complete (slides, QA score, a download link) or failed (the reason)."
    )]
    async fn course_status(
        &self,
        Parameters(args): Parameters<CourseRef>,
        ctx: RequestContext<RoleServer>,
    ) -> Result<CallToolResult, ErrorData> {
        let caller = self.caller(&ctx).await?;
        let outcome = async {
            let id = course_id(&args.id)?;
            let detail = backend::jobs::detail(&self.state, &caller.user, &id).await?;
            Ok(course_view(self, &detail, &ctx).await)
        }
        .await;
        answer(outcome)
    }

    #[tool(
        description = "A link to download a complete course's .pptx deck, valid for a limited time (expires_in_seconds)."
    )]
    async fn download_link(
        &self,
        Parameters(args): Parameters<CourseRef>,
        ctx: RequestContext<RoleServer>,
    ) -> Result<CallToolResult, ErrorData> {
        self.caller(&ctx).await?;
        let outcome = async {
            let id = course_id(&args.id)?;
            let path = backend::jobs::download_link(&self.state, &id).await?;
            Ok(json!({
                "id": id.as_str(),
                "url": self.absolute(&path, &ctx),
                "expires_in_seconds": self.state.config.presigned_url_ttl,
            }))
        }
        .await;
        answer(outcome)
    }
}
