//! What the MCP server says it is, and the team's finished courses as
//! resources (`courseware://courses/{id}`, newest first).

use rmcp::model::{
    Implementation, ListResourcesResult, PaginatedRequestParams, ReadResourceRequestParams,
    ReadResourceResponse, ReadResourceResult, Resource, ResourceContents, ServerCapabilities, ServerConfig,
};
use rmcp::service::RequestContext;
use rmcp::{tool_handler, ErrorData, RoleServer, ServerHandler};
use types::jobs::JobStatus;
use types::validate::JobId;

use super::server::{course_uri, course_view, internal, Courseware, RESOURCE_PREFIX};

/// Finished courses listed as resources, newest first.
const RESOURCES_LISTED: i64 = 50;

#[tool_handler(router = self.tool_router)]
impl ServerHandler for Courseware {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().enable_resources().build())
            .with_server_info(Implementation::new("courseware", env!("CARGO_PKG_VERSION")))
            .with_instructions(
                "Courseware turns a course outline into a PowerPoint training deck in the team's template. \
                 Call list_templates, check an outline with parse_outline, start a course with generate_course, \
                 poll course_status until it is complete, then get a download_link. Finished courses are resources.",
            )
    }

    async fn list_resources(
        &self,
        _request: Option<PaginatedRequestParams>,
        ctx: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, ErrorData> {
        self.caller(&ctx).await?;
        let filter = backend::db::jobs::browse::Filter {
            status: Some(JobStatus::Complete),
            ..Default::default()
        };
        let (courses, _) = backend::jobs::page(&self.state, &filter, None, RESOURCES_LISTED)
            .await
            .map_err(internal)?;
        let resources = courses
            .into_iter()
            .map(|c| {
                Resource::new(course_uri(&c.id), c.id.clone())
                    .with_title(c.course_title.clone())
                    .with_description(format!(
                        "{} · {} day(s) · {} slides · by {}",
                        c.template_name,
                        c.duration_days,
                        c.slide_count.unwrap_or(0),
                        c.owner_name
                    ))
                    .with_mime_type("application/json")
            })
            .collect();
        Ok(ListResourcesResult::with_all_items(resources))
    }

    async fn read_resource(
        &self,
        request: ReadResourceRequestParams,
        ctx: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, ErrorData> {
        let caller = self.caller(&ctx).await?;
        let not_found = || ErrorData::resource_not_found(format!("No course at {}.", request.uri), None);
        let id = request
            .uri
            .strip_prefix(RESOURCE_PREFIX)
            .and_then(JobId::parse)
            .ok_or_else(not_found)?;
        let detail = match backend::jobs::detail(&self.state, &caller.user, &id).await {
            Ok(detail) => detail,
            Err(backend::Error::Api(types::ApiError::NotFound)) => return Err(not_found()),
            Err(e) => return Err(internal(e)),
        };
        let body = course_view(self, &detail, &ctx).await;
        let text = serde_json::to_string_pretty(&body).map_err(internal)?;
        let contents = ResourceContents::text(text, request.uri.clone()).with_mime_type("application/json");
        Ok(ReadResourceResult::new(vec![contents]).into())
    }
}
