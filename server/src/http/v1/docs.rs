//! `/api/v1/docs`: the API reference as a plain page, drawn from the
//! OpenAPI document on the server — no script and nothing from elsewhere,
//! so the site's Content-Security-Policy stays as it is.

use axum::response::Html;
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::{RefOr, Required};

fn esc(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn operation(html: &mut String, method: &str, path: &str, op: &Operation) {
    let summary = op.summary.as_deref().or(op.description.as_deref()).unwrap_or("");
    html.push_str(&format!(
        "<section class=\"card api-op\"><h3><code class=\"method\">{}</code> <code>{}</code></h3><p>{}</p>",
        method.to_uppercase(),
        esc(path),
        esc(summary)
    ));
    if let Some(params) = op.parameters.as_ref().filter(|p| !p.is_empty()) {
        html.push_str("<table><thead><tr><th>Parameter</th><th>In</th><th>Required</th><th>About</th></tr></thead><tbody>");
        for p in params {
            let place = match p.parameter_in {
                ParameterIn::Path => "path",
                ParameterIn::Query => "query",
                ParameterIn::Header => "header",
                ParameterIn::Cookie => "cookie",
            };
            let required = matches!(p.required, Required::True);
            html.push_str(&format!(
                "<tr><td><code>{}</code></td><td>{place}</td><td>{}</td><td>{}</td></tr>",
                esc(&p.name),
                if required { "yes" } else { "no" },
                esc(p.description.as_deref().unwrap_or(""))
            ));
        }
        html.push_str("</tbody></table>");
    }
    if let Some(body) = &op.request_body {
        for (kind, content) in &body.content {
            let schema = match &content.schema {
                Some(RefOr::Ref(r)) => r.ref_location.rsplit('/').next().unwrap_or("").to_string(),
                _ => String::new(),
            };
            html.push_str(&format!(
                "<p>Body: <code>{}</code> {}</p>",
                esc(kind),
                esc(&schema)
            ));
        }
    }
    html.push_str("<ul class=\"api-responses\">");
    for (status, response) in &op.responses.responses {
        let text = match response {
            RefOr::T(r) => r.description.clone(),
            RefOr::Ref(r) => r.ref_location.clone(),
        };
        html.push_str(&format!("<li><code>{}</code> {}</li>", esc(status), esc(&text)));
    }
    html.push_str("</ul></section>");
}

pub async fn page() -> Html<String> {
    let doc = super::openapi::document();
    let mut html = String::from(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>API reference · Courseware</title>\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <link rel=\"stylesheet\" href=\"/pkg/courseware.css\"></head><body><main class=\"page api-docs\">",
    );
    html.push_str(&format!(
        "<h1>{} <small>v{}</small></h1><p>{}</p>\
         <p>The machine-readable document: <a href=\"/api/v1/openapi.json\">/api/v1/openapi.json</a> (OpenAPI {}).</p>",
        esc(&doc.info.title),
        esc(&doc.info.version),
        esc(doc.info.description.as_deref().unwrap_or("")),
        "3.1"
    ));
    for (path, item) in &doc.paths.paths {
        let ops = [
            ("get", &item.get),
            ("post", &item.post),
            ("put", &item.put),
            ("patch", &item.patch),
            ("delete", &item.delete),
        ];
        for (method, op) in ops {
            if let Some(op) = op {
                operation(&mut html, method, path, op);
            }
        }
    }
    html.push_str("</main></body></html>");
    Html(html)
}
