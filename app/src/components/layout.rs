//! The frame around every signed-in page: header with the user and sign-out,
//! navigation, and the page itself.

use leptos::prelude::*;
use leptos_router::components::{Outlet, A};

use crate::api::auth::{me, Logout};
use leptos::server_fn::ServerFn;

use crate::components::widgets::{submit_to, ErrorNotice};
use crate::APP_NAME;

/// The signed-in user as the header shows them; a page that changes them
/// (the account page's name) refetches it.
#[derive(Clone, Copy)]
pub struct SignedInUser(
    pub Resource<Result<types::account::CurrentUser, types::ApiError>, crate::codec::Json>,
);

#[component]
pub fn Layout() -> impl IntoView {
    let user = Resource::<_, crate::codec::Json>::new_with_options(|| (), |_| me(), false);
    provide_context(SignedInUser(user));
    let logout = ServerAction::<Logout>::new();
    // Collapsing the navigation is a purely client-side interaction: it only
    // works once the page has hydrated.
    let (nav_open, set_nav_open) = signal(true);

    view! {
        <div class="app" class:nav-collapsed=move || !nav_open.get()>
            <header class="topbar">
                <button
                    class="nav-toggle"
                    type="button"
                    aria-label="Toggle navigation"
                    aria-expanded=move || nav_open.get().to_string()
                    on:click=move |_| set_nav_open.update(|open| *open = !*open)
                >
                    <span class="bars" aria-hidden="true"></span>
                </button>
                <A href="/" attr:class="brand">
                    <span class="brand-mark" aria-hidden="true">"C"</span>
                    {APP_NAME}
                </A>
                <div class="topbar-right">
                    <Suspense fallback=|| ()>
                        {move || Suspend::new(async move {
                            match user.await {
                                Ok(u) => view! {
                                    <A href="/account" attr:class="user-name" attr:data-testid="user-name" attr:title="Your account">{u.name}</A>
                                    <form class="inline" method="post" action=Logout::url() on:submit=submit_to(logout, |_| Logout {})>
                                        <button type="submit" class="btn btn-quiet">"Sign out"</button>
                                    </form>
                                }.into_any(),
                                Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                            }
                        })}
                    </Suspense>
                </div>
            </header>
            <nav class="sidebar" aria-label="Main">
                <A href="/" exact=true>"Dashboard"</A>
                <A href="/new">"New course"</A>
                <A href="/history">"History"</A>
                <A href="/usage">"Usage"</A>
                <A href="/tokens">"API tokens"</A>
                <A href="/webhooks">"Webhooks"</A>
                <A href="/account">"Your account"</A>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        user.await.ok().filter(|u| u.is_admin).map(|_| view! {
                            <A href="/admin/users" attr:data-testid="admin-link">"Admin"</A>
                        })
                    })}
                </Suspense>
            </nav>
            <main class="content">
                <Outlet/>
            </main>
        </div>
    }
}
