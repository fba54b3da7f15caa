//! Request guards that run before any page or server function:
//!
//! * [`require_session`]: default deny. Every path needs a signed-in, active
//!   user unless it is on [`PUBLIC_PATHS`] or under [`PUBLIC_PREFIXES`]. Signed
//!   out, pages redirect to `/login?next=…` and API calls get 401; admin paths
//!   get 403 for non-admins. Server functions check again themselves (they
//!   need to know who is calling), so a guard mistake is not a hole.
//! * [`same_origin`]: state-changing requests must come from our own origin.

use app::components::widgets::urlencode;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use backend::accounts;
use backend::AppState;
use tower_sessions::Session;
use types::ApiError;

use super::error::api_error;

/// Paths anyone may reach (exact match).
pub const PUBLIC_PATHS: &[&str] = &[
    "/health",
    "/ready",
    "/metrics",
    "/login",
    "/setup",
    "/api/login",
    "/api/logout",
    "/api/setup",
    "/favicon.svg",
    "/favicon.ico",
    "/robots.txt",
];

/// Where the REST API lives (`http::v1`): the session guard and the
/// origin check leave it to the token checks of its handlers.
pub const API_PREFIX: &str = "/api/v1/";

/// The MCP server's streamable HTTP endpoint (`http::mcp`), token-checked
/// like the REST API.
pub const MCP_PATH: &str = "/mcp";

/// Whether `path` is checked by bearer token instead of the session.
pub fn token_checked(path: &str) -> bool {
    path.starts_with(API_PREFIX) || path == MCP_PATH
}

/// Path prefixes anyone may reach: the browser bundle and stylesheet.
pub const PUBLIC_PREFIXES: &[&str] = &["/pkg/"];

/// Path prefixes only administrators may reach.
pub const ADMIN_PREFIXES: &[&str] = &["/admin/", "/api/admin/"];

/// Paths that exist only while the database has no users.
const SETUP_PATHS: &[&str] = &["/setup", "/api/setup"];

pub fn is_public(path: &str) -> bool {
    PUBLIC_PATHS.contains(&path) || PUBLIC_PREFIXES.iter().any(|p| path.starts_with(p))
}

/// A signed, expiring download link (`/api/jobs/{id}/download?exp=…&sig=…`):
/// the signature is the credential, checked by its handler, as a presigned
/// S3 link is — so an assistant or a colleague can fetch the deck.
fn is_signed_link(path: &str, query: Option<&str>) -> bool {
    let signed = query.is_some_and(|q| q.split('&').any(|p| p.starts_with("sig=")));
    signed
        && path
            .strip_prefix("/api/jobs/")
            .and_then(|rest| rest.strip_suffix("/download"))
            .is_some_and(|id| !id.is_empty() && !id.contains('/'))
}

fn is_admin_path(path: &str) -> bool {
    ADMIN_PREFIXES
        .iter()
        .any(|p| path == p.trim_end_matches('/') || path.starts_with(p))
}

fn is_api(path: &str) -> bool {
    path.starts_with("/api/")
}

fn html_error(status: StatusCode, title: &str, message: &str) -> Response {
    let body = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title} · Courseware</title>\
         <link rel=\"stylesheet\" href=\"/pkg/courseware.css\"></head><body><main class=\"centered\">\
         <div class=\"card narrow\"><h1>{title}</h1><p>{message}</p><a class=\"btn\" href=\"/\">Go to the dashboard</a>\
         </div></main></body></html>"
    );
    (status, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response()
}

/// Default-deny session guard; see the module docs.
pub async fn require_session(
    State(state): State<AppState>,
    session: Session,
    mut req: Request,
    next: Next,
) -> Response {
    let path = req.uri().path().to_owned();

    if SETUP_PATHS.contains(&path.as_str()) {
        return match accounts::any_users(&state).await {
            Ok(false) => next.run(req).await,
            Ok(true) if is_api(&path) => api_error(StatusCode::NOT_FOUND, &ApiError::NotFound),
            Ok(true) => Redirect::to("/login").into_response(),
            Err(e) => {
                tracing::error!(error = %e, "counting users failed");
                StatusCode::INTERNAL_SERVER_ERROR.into_response()
            }
        };
    }
    if is_public(&path) || token_checked(&path) || is_signed_link(&path, req.uri().query()) {
        // The REST API and MCP check their bearer tokens themselves
        // (`http::v1::auth`, `http::mcp`).
        return next.run(req).await;
    }

    let user = match accounts::signed_in(&state, &session).await {
        Ok(user) => user,
        Err(e) => {
            tracing::error!(error = %e, "reading the session failed");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let Some(user) = user else {
        if is_api(&path) || !matches!(*req.method(), Method::GET | Method::HEAD) {
            return api_error(StatusCode::UNAUTHORIZED, &ApiError::Unauthorized);
        }
        let next_path = req
            .uri()
            .path_and_query()
            .map(|p| p.as_str().to_owned())
            .unwrap_or_else(|| "/".into());
        // A first-time visitor to an empty install is sent to set-up instead.
        if matches!(accounts::any_users(&state).await, Ok(false)) {
            return Redirect::to("/setup").into_response();
        }
        return Redirect::to(&format!("/login?next={}", urlencode(&next_path))).into_response();
    };
    if is_admin_path(&path) && !user.is_admin {
        tracing::info!(user_id = user.id, path, "non-admin refused");
        return if is_api(&path) {
            api_error(StatusCode::FORBIDDEN, &ApiError::Forbidden)
        } else {
            html_error(
                StatusCode::FORBIDDEN,
                "Administrators only",
                "This page is for administrators. Ask one if you need access.",
            )
        };
    }
    accounts::keep_alive(&session).await;
    // Server functions take the user the guard just checked instead of
    // looking them up again (they still check themselves when it is absent).
    req.extensions_mut().insert(accounts::SignedIn(user));
    next.run(req).await
}

/// Refuses cross-site state-changing requests (CSRF). The session cookie is
/// `SameSite=Lax` already; this is the second lock.
pub async fn same_origin(State(state): State<AppState>, req: Request<Body>, next: Next) -> Response {
    // The REST API and MCP never read the session cookie (bearer tokens
    // only), so a page elsewhere cannot act with a signed-in user's rights there.
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS)
        || token_checked(req.uri().path())
    {
        return next.run(req).await;
    }
    if let Err(why) = check_origin(req.headers(), state.config.public_url.as_deref()) {
        tracing::warn!(path = %req.uri().path(), why, "cross-origin request refused");
        return api_error(StatusCode::FORBIDDEN, &ApiError::Forbidden);
    }
    next.run(req).await
}

/// `Ok` when the request comes from our own origin (or from a non-browser
/// client that sends none of the headers browsers always send).
pub fn check_origin(headers: &HeaderMap, public_url: Option<&str>) -> Result<(), &'static str> {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    let allowed = |origin: &str| -> bool {
        let origin = origin.trim_end_matches('/');
        if let Some(public) = public_url {
            return origin.eq_ignore_ascii_case(public.trim_end_matches('/'));
        }
        let Some(host) = host else { return false };
        let rest = origin
            .strip_prefix("http://")
            .or_else(|| origin.strip_prefix("https://"));
        rest.is_some_and(|h| h.eq_ignore_ascii_case(host))
    };
    if let Some(origin) = headers.get(header::ORIGIN) {
        let origin = origin.to_str().map_err(|_| "unreadable Origin")?;
        return if allowed(origin) {
            Ok(())
        } else {
            Err("foreign Origin")
        };
    }
    if let Some(referer) = headers.get(header::REFERER) {
        let referer = referer.to_str().map_err(|_| "unreadable Referer")?;
        let origin: String = match referer.find("://") {
            Some(i) => {
                let end = referer[i + 3..].find('/').map_or(referer.len(), |j| i + 3 + j);
                referer[..end].to_string()
            }
            None => return Err("malformed Referer"),
        };
        return if allowed(&origin) {
            Ok(())
        } else {
            Err("foreign Referer")
        };
    }
    match headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        Some("same-origin") | Some("none") | None => Ok(()),
        Some(_) => Err("cross-site Sec-Fetch-Site"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn origin_rules() {
        let h = headers(&[("host", "127.0.0.1:3000"), ("origin", "http://127.0.0.1:3000")]);
        assert!(check_origin(&h, None).is_ok());
        let h = headers(&[("host", "127.0.0.1:3000"), ("origin", "http://evil.example")]);
        assert!(check_origin(&h, None).is_err());
        let h = headers(&[("host", "127.0.0.1:3000"), ("referer", "http://evil.example/x")]);
        assert!(check_origin(&h, None).is_err());
        let h = headers(&[
            ("host", "127.0.0.1:3000"),
            ("referer", "http://127.0.0.1:3000/login?x"),
        ]);
        assert!(check_origin(&h, None).is_ok());
        let h = headers(&[("host", "127.0.0.1:3000"), ("sec-fetch-site", "cross-site")]);
        assert!(check_origin(&h, None).is_err());
        let h = headers(&[("host", "internal:3000"), ("origin", "https://cw.example.com")]);
        assert!(check_origin(&h, Some("https://cw.example.com/")).is_ok());
        assert!(check_origin(
            &headers(&[("origin", "http://internal:3000")]),
            Some("https://cw.example.com")
        )
        .is_err());
    }

    #[test]
    fn admin_paths() {
        assert!(is_admin_path("/admin"));
        assert!(is_admin_path("/admin/users"));
        assert!(is_admin_path("/api/admin/users"));
        assert!(!is_admin_path("/administrivia"));
        assert!(!is_admin_path("/api/me"));
    }
}
