//! The sign-in page. After signing in the user returns to `next` when it is a
//! path on this site.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::auth::Login as LoginFn;
use leptos::server_fn::ServerFn;

use crate::components::widgets::{form_error, submit_to};
use crate::APP_NAME;

#[component]
pub fn Login() -> impl IntoView {
    let action = ServerAction::<LoginFn>::new();
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    let error = move || form_error(action.value().get());

    view! {
        <Title text="Sign in"/>
        <main class="centered">
            <div class="card narrow auth">
                <div class="brand big"><span class="brand-mark" aria-hidden="true">"C"</span>{APP_NAME}</div>
                <h1>"Sign in"</h1>
                <form method="post" action=LoginFn::url() on:submit=submit_to(action, |f| LoginFn {
                    email: f.text("email"),
                    password: f.text("password"),
                    next: f.optional("next"),
                })>
                    <input type="hidden" name="next" prop:value=next/>
                    <label for="email">"Email"</label>
                    <input id="email" name="email" type="email" autocomplete="username" required autofocus/>
                    <label for="password">"Password"</label>
                    <input id="password" name="password" type="password" autocomplete="current-password" required/>
                    {move || error().map(|e| view! { <p class="notice notice-error" role="alert" data-testid="login-error">{e}</p> })}
                    <button type="submit" class="btn btn-primary" disabled=move || action.pending().get()>
                        {move || if action.pending().get() { "Signing in…" } else { "Sign in" }}
                    </button>
                </form>
            </div>
        </main>
    }
}
