//! Your account: your name and your password. Changing the password asks
//! for the current one and signs you out everywhere else.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;

use crate::api::auth::{me, ChangePassword, RenameMe};
use crate::components::layout::SignedInUser;
use crate::components::widgets::{
    field_error, focus_refused, form_error, submit_to, ErrorNotice, PageHeader,
};
use types::account::MIN_PASSWORD_LEN;

#[component]
pub fn Account() -> impl IntoView {
    let rename = ServerAction::<RenameMe>::new();
    let password = ServerAction::<ChangePassword>::new();
    let user = Resource::<_, crate::codec::Json>::new_with_options(|| (), |_| me(), false);
    let password_form = NodeRef::<leptos::html::Form>::new();
    // The header shows the new name at once; a changed password leaves the
    // form empty, so nobody reads it off the screen.
    Effect::new(move |_| {
        if matches!(rename.value().get(), Some(Ok(_))) {
            if let Some(SignedInUser(u)) = use_context::<SignedInUser>() {
                u.refetch();
            }
        }
    });
    Effect::new(move |_| {
        if matches!(password.value().get(), Some(Ok(_))) {
            if let Some(form) = password_form.get_untracked() {
                form.reset();
            }
        }
    });
    // A refused field takes the focus (its message is announced beside it).
    Effect::new(move |_| focus_refused("rename", rename.value().get()));
    Effect::new(move |_| focus_refused("change-password", password.value().get()));
    let name_err = move || field_error(rename.value().get(), "name");
    let pw_err = move |f| field_error(password.value().get(), f);

    view! {
        <Title text="Your account"/>
        <PageHeader title="Your account" lead="Your name as the team sees it, and your password."/>
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match user.await {
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    Ok(u) => view! {
                        <section class="card" data-testid="account">
                            <p>"Signed in as "<strong data-testid="account-email">{u.email.clone()}</strong>
                                {if u.is_admin { " · administrator" } else { " · member" }}</p>
                            <h2>"Name"</h2>
                            <form class="grid-form" data-testid="rename" method="post" action=RenameMe::url()
                                on:submit=submit_to(rename, |f| RenameMe { name: f.text("name") })>
                                <div>
                                    <label for="account-name">"Name"</label>
                                    <input id="account-name" name="name" required autocomplete="name" value=u.name.clone()
                                        aria-invalid=move || name_err().is_some().to_string() aria-describedby="account-name-error"/>
                                    <p class="field-error" id="account-name-error" role="alert">{name_err}</p>
                                </div>
                                {move || form_error(rename.value().get()).map(|m| view! { <p class="notice notice-error" role="alert">{m}</p> })}
                                {move || matches!(rename.value().get(), Some(Ok(_))).then(|| view! {
                                    <p class="notice notice-ok" role="status" data-testid="rename-done">"Name saved."</p>
                                })}
                                <button type="submit" class="btn btn-primary" disabled=move || rename.pending().get()>"Save name"</button>
                            </form>
                        </section>
                    }.into_any(),
                }
            })}
        </Transition>
        <section class="card">
            <h2>"Password"</h2>
            <p class="muted">"Changing it signs you out on every other browser and device; this one stays signed in."</p>
            <form class="grid-form" data-testid="change-password" method="post" action=ChangePassword::url() node_ref=password_form
                on:submit=submit_to(password, |f| ChangePassword { current: f.text("current"), new: f.text("new") })>
                <div>
                    <label for="current-password">"Current password"</label>
                    <input id="current-password" name="current" type="password" autocomplete="current-password" required
                        aria-invalid=move || pw_err("current").is_some().to_string() aria-describedby="current-password-error"/>
                    <p class="field-error" id="current-password-error" role="alert">{move || pw_err("current")}</p>
                </div>
                <div>
                    <label for="new-password">"New password"</label>
                    <input id="new-password" name="new" type="password" autocomplete="new-password" required
                        minlength=MIN_PASSWORD_LEN.to_string()
                        aria-invalid=move || pw_err("new").is_some().to_string() aria-describedby="new-password-error"/>
                    <p class="field-error" id="new-password-error" role="alert">{move || pw_err("new")}</p>
                </div>
                {move || form_error(password.value().get()).map(|m| view! { <p class="notice notice-error" role="alert">{m}</p> })}
                {move || match password.value().get() {
                    Some(Ok(ended)) => Some(view! {
                        <p class="notice notice-ok" role="status" data-testid="password-done">{
                            match ended {
                                0 => "Password changed.".to_string(),
                                1 => "Password changed; 1 other session was signed out.".to_string(),
                                n => format!("Password changed; {n} other sessions were signed out."),
                            }
                        }</p>
                    }),
                    _ => None,
                }}
                <button type="submit" class="btn btn-primary" disabled=move || password.pending().get()>"Change password"</button>
            </form>
        </section>
    }
}
