//! Courseware's UI: routes, pages, components and the server functions they
//! call, compiled for the server (feature `ssr`) and the browser (feature
//! `hydrate`). Server functions are thin adapters over the `backend` crate
//! (see [`api`]); the types they share with the browser are in `types`.

#![recursion_limit = "512"]

pub mod api;
#[cfg(feature = "hydrate")]
pub mod client;
pub mod codec;
pub mod components;
pub mod pages;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::path;

use components::layout::Layout;
use pages::{
    admin_users::AdminUsers, dashboard::Dashboard, history::History, job::JobPage, login::Login,
    new_course::NewCourse, not_found::NotFound, setup::Setup, usage::Usage,
};

/// The name shown in the header, titles and logs.
pub const APP_NAME: &str = "Courseware";

/// The HTML document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    content_security_policy();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <link rel="stylesheet" href="/pkg/courseware.css"/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The page's Content-Security-Policy: scripts only from our origin or
/// carrying this response's nonce (the hydration script), WebAssembly
/// allowed to compile, nothing framed, nothing posted elsewhere. The server
/// provides the nonce for each page render.
#[cfg(feature = "ssr")]
fn content_security_policy() {
    use leptos::nonce::use_nonce;
    let Some(nonce) = use_nonce() else { return };
    let policy = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; \
         font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    );
    if let (Some(opts), Ok(value)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        axum::http::HeaderValue::from_str(&policy),
    ) {
        opts.insert_header(axum::http::header::CONTENT_SECURITY_POLICY, value);
    }
}

/// The app: every route and the layout around the signed-in pages.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // Effects run only in the browser, so this marks the moment hydration is done
    // (the end-to-end tests wait for it).
    Effect::new(move |_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
    view! {
        <Title formatter=|page: String| if page.is_empty() { APP_NAME.to_string() } else { format!("{page} · {APP_NAME}") }/>
        <Router>
            <Routes fallback=NotFound>
                <Route path=path!("/login") view=Login/>
                <Route path=path!("/setup") view=Setup/>
                <ParentRoute path=path!("") view=Layout>
                    <Route path=path!("/") view=Dashboard/>
                    <Route path=path!("/new") view=NewCourse/>
                    <Route path=path!("/history") view=History/>
                    <Route path=path!("/jobs/:id") view=JobPage/>
                    <Route path=path!("/usage") view=Usage/>
                    <Route path=path!("/admin/users") view=AdminUsers/>
                </ParentRoute>
            </Routes>
        </Router>
    }
}
