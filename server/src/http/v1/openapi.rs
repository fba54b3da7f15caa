//! The OpenAPI 3.1 document: generated from the handlers' and types'
//! annotations (utoipa), with the few touches a generator cannot make
//! (the server, links from a started course, a whole example, the token
//! scheme).

use axum::http::header;
use axum::response::IntoResponse;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::problem::Problem;
use super::{batches, catalogue, content, courses, files, renders, webhooks};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Courseware API",
        description = "Start training courses from outlines and templates, follow them, and fetch the decks. \
                       Authenticate with `Authorization: Bearer cw_…` (a token from the API tokens page); \
                       errors are RFC 9457 problem details."
    ),
    paths(
        courses::start,
        courses::list,
        courses::get,
        courses::delete,
        courses::cancel,
        courses::retry,
        courses::restore,
        courses::events,
        courses::deck,
        courses::spec,
        courses::qa,
        content::get_content,
        content::change_content,
        content::rebuild,
        content::versions,
        content::diff,
        content::get_review,
        content::review,
        content::comments,
        content::add_comment,
        content::translate,
        content::regenerate,
        renders::pdf,
        renders::slide,
        batches::start,
        batches::get,
        batches::cancel,
        webhooks::create,
        webhooks::list,
        webhooks::delete,
        webhooks::deliveries,
        webhooks::resend,
        catalogue::templates,
        files::upload_template,
        files::parse_outline,
        catalogue::usage,
    ),
    components(schemas(Problem)),
    modifiers(&TokenAuth),
    tags(
        (name = "courses", description = "Courses: start, follow, manage, download"),
        (name = "editing", description = "A built course edited, rebuilt as versions, compared, reviewed, commented on and translated"),
        (name = "batches", description = "A catalogue's courses started, followed and cancelled together"),
        (name = "webhooks", description = "Endpoints told when courses and batches end (Standard Webhooks)"),
        (name = "catalogue", description = "Templates on offer and the AI writer's spend"),
    )
)]
pub struct ApiDoc;

struct TokenAuth;

impl Modify for TokenAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        // Paths are absolute on the server that serves the document.
        openapi.servers = Some(vec![utoipa::openapi::server::Server::new("/")]);
        link_started_course(openapi);
        example_course(openapi);
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("cw_<prefix>_<secret>")
                    .description(Some("An API token from the API tokens page"))
                    .build(),
            ),
        );
    }
}

/// Links from a started course or batch (or a new webhook) to what can be done with it
/// next, so a client (or a tester) can follow the id the answer carries.
fn link_started_course(openapi: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::link::LinkBuilder;
    use utoipa::openapi::RefOr;
    // (path, status, where the id is, [(link name, operation)])
    type Next<'a> = (&'a str, &'a str, &'a str, &'a [(&'a str, &'a str)]);
    let next: [Next; 3] = [
        (
            "/api/v1/courses",
            "202",
            "$response.body#/id",
            &[
                ("get", "get_course"),
                ("cancel", "cancel_course"),
                ("retry", "retry_course"),
                ("delete", "delete_course"),
                ("deck", "course_deck"),
                ("events", "course_events"),
                ("spec", "course_spec"),
                ("qa", "course_qa"),
            ],
        ),
        (
            "/api/v1/batches",
            "202",
            "$response.body#/id",
            &[("get", "get_batch"), ("cancel", "cancel_batch")],
        ),
        (
            "/api/v1/webhooks",
            "201",
            "$response.body#/endpoint/id",
            &[("deliveries", "webhook_deliveries"), ("delete", "delete_webhook")],
        ),
    ];
    for (path, status, id, links) in next {
        let started = openapi
            .paths
            .paths
            .get_mut(path)
            .and_then(|item| item.post.as_mut())
            .and_then(|op| op.responses.responses.get_mut(status));
        if let Some(RefOr::T(response)) = started {
            for (name, operation) in links {
                let link = LinkBuilder::new()
                    .operation_id(*operation)
                    .parameter("id", id)
                    .build();
                response.links.insert(name.to_string(), RefOr::T(link));
            }
        }
    }
}

/// A whole spec to start a course with, as the request body's example.
fn example_course(openapi: &mut utoipa::openapi::OpenApi) {
    let body = openapi
        .paths
        .paths
        .get_mut("/api/v1/courses")
        .and_then(|item| item.post.as_mut())
        .and_then(|op| op.request_body.as_mut())
        .and_then(|body| body.content.get_mut("application/json"));
    if let Some(content) = body {
        content.example = Some(serde_json::json!({
            "schema": 1,
            "title": "Working at height",
            "days": 1,
            "language": "en",
            "template": "Ocean.pptx",
            "writer": "offline",
            "outline": {
                "title": "Working at height",
                "modules": [{
                    "title": "Ladders",
                    "topics": [
                        {"title": "Footing", "points": [{"text": "Check the feet", "level": 0}]},
                        {"title": "Angle", "points": [{"text": "One in four", "level": 0}]}
                    ]
                }]
            }
        }));
    }
}

/// The OpenAPI 3.1 document, as generated.
pub fn document() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

/// The document as served: utoipa 5.5 writes a link's `operationId` as
/// `operation_id` (Redocly's lint caught it), so links are mended here.
pub fn document_json() -> serde_json::Value {
    let mut doc = serde_json::to_value(document()).unwrap_or_default();
    let links = doc["paths"]
        .as_object_mut()
        .into_iter()
        .flat_map(|paths| paths.values_mut())
        .filter_map(|item| item.as_object_mut())
        .flat_map(|item| item.values_mut())
        .filter_map(|op| op.get_mut("responses").and_then(|r| r.as_object_mut()))
        .flat_map(|responses| responses.values_mut())
        .filter_map(|response| response.get_mut("links").and_then(|l| l.as_object_mut()))
        .flat_map(|links| links.values_mut())
        .filter_map(|link| link.as_object_mut());
    for link in links {
        if let Some(id) = link.remove("operation_id") {
            link.insert("operationId".into(), id);
        }
    }
    doc
}

pub async fn openapi_json() -> impl IntoResponse {
    let body = serde_json::to_string_pretty(&document_json()).unwrap_or_default();
    ([(header::CONTENT_TYPE, "application/json")], body)
}
