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
pub mod page;
pub mod pages;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{lazy_route, path, Lazy, LazyRoute};

pub use page::{mark_hydrated, APP_NAME};

use components::layout::Layout;
use pages::{
    account::Account, admin_users::AdminUsers, dashboard::Dashboard, history::History, job::JobPage,
    login::Login, new_course::NewCourse, not_found::NotFound, setup::Setup, tokens::Tokens, usage::Usage,
    webhooks::Webhooks,
};

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
    view! {
        <Title formatter=|page: String| if page.is_empty() { APP_NAME.to_string() } else { format!("{page} · {APP_NAME}") }/>
        <Router>
            <Routes fallback=NotFound>
                <Route path=path!("/login") view={Lazy::<LoginPage>::new()}/>
                <Route path=path!("/setup") view={Lazy::<SetupPage>::new()}/>
                <ParentRoute path=path!("") view=Layout>
                    <Route path=path!("/") view={Lazy::<DashboardPage>::new()}/>
                    <Route path=path!("/new") view={Lazy::<NewCoursePage>::new()}/>
                    <Route path=path!("/history") view={Lazy::<HistoryPage>::new()}/>
                    <Route path=path!("/jobs/:id") view={Lazy::<JobDetailPage>::new()}/>
                    <Route path=path!("/usage") view={Lazy::<UsagePage>::new()}/>
                    <Route path=path!("/tokens") view={Lazy::<TokensPage>::new()}/>
                    <Route path=path!("/webhooks") view={Lazy::<WebhooksPage>::new()}/>
                    <Route path=path!("/admin/users") view={Lazy::<AdminUsersPage>::new()}/>
                    <Route path=path!("/account") view={Lazy::<AccountPage>::new()}/>
                </ParentRoute>
            </Routes>
        </Router>
    }
}

/// Declares a page as a lazily loaded route: in the browser its code is a
/// chunk of its own (split off by `scripts/build-wasm`) that is fetched the
/// first time the page is shown, so the bundle every page loads holds the
/// framework, the layout and the shared components only. A page's data is
/// loaded by the page itself: on the first view it comes with the
/// server-rendered HTML, and a later navigation fetches chunk and data one
/// after the other (a few kilobytes, cached by the browser after the first).
macro_rules! lazy_page {
    ($route:ident, $page:ident) => {
        #[doc = concat!("The `", stringify!($page), "` page, loaded on first use.")]
        pub struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            fn view(_this: Self) -> AnyView {
                mark_hydrated();
                $page().into_any()
            }
        }
    };
}

lazy_page!(LoginPage, Login);
lazy_page!(SetupPage, Setup);
lazy_page!(DashboardPage, Dashboard);
lazy_page!(NewCoursePage, NewCourse);
lazy_page!(HistoryPage, History);
lazy_page!(JobDetailPage, JobPage);
lazy_page!(UsagePage, Usage);
lazy_page!(AdminUsersPage, AdminUsers);
lazy_page!(AccountPage, Account);
lazy_page!(TokensPage, Tokens);
lazy_page!(WebhooksPage, Webhooks);
