//! First-run set-up: creates the first administrator. The server only serves
//! this page while the database has no users.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::auth::SetupAdmin;
use leptos::server_fn::ServerFn;

use crate::components::widgets::{field_error, focus_refused, form_error, submit_to};
use types::account::MIN_PASSWORD_LEN;

#[component]
pub fn Setup() -> impl IntoView {
    let action = ServerAction::<SetupAdmin>::new();
    let err = move |f| field_error(action.value().get(), f);
    Effect::new(move |_| focus_refused("setup", action.value().get()));
    // The link the server log prints carries the code; it can also be typed.
    let code = leptos_router::hooks::use_query_map()
        .get_untracked()
        .get("code")
        .unwrap_or_default();
    view! {
        <Title text="Set up"/>
        <main class="centered">
            <div class="card narrow auth">
                <h1>"Welcome to Courseware"</h1>
                <p>"Create the first administrator account. This page disappears once it exists."</p>
                <form data-testid="setup" method="post" action=SetupAdmin::url() on:submit=submit_to(action, |f| SetupAdmin {
                    code: f.text("code"),
                    email: f.text("email"),
                    name: f.text("name"),
                    password: f.text("password"),
                })>
                    <label for="code">"Set-up code"</label>
                    <input id="code" name="code" required autocomplete="off" value=code
                        aria-describedby="code-help"/>
                    <p id="code-help" class="muted">"The server prints this code in its log when it starts."</p>
                    {move || err("code").map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
                    <label for="name">"Your name"</label>
                    <input id="name" name="name" required/>
                    {move || err("name").map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
                    <label for="email">"Email"</label>
                    <input id="email" name="email" type="email" required/>
                    {move || err("email").map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
                    <label for="password">"Password"</label>
                    <input id="password" name="password" type="password" autocomplete="new-password"
                        minlength=MIN_PASSWORD_LEN.to_string() required/>
                    {move || err("password").map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
                    {move || form_error(action.value().get()).map(|m| view! { <p class="notice notice-error">{m}</p> })}
                    <button type="submit" class="btn btn-primary">"Create administrator"</button>
                </form>
            </div>
        </main>
    }
}
