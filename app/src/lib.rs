//! Courseware's UI: routes, pages, components and the server functions they
//! call, compiled for the server (feature `ssr`) and the browser (feature
//! `hydrate`). Server functions are thin adapters over the `backend` crate
//! (see [`api`]); the types they share with the browser are in `types`.

#![recursion_limit = "512"]

pub mod api;
#[cfg(feature = "hydrate")]
pub mod client;
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
