//! Admin → Users: list, create, reset passwords, enable/disable, grant admin.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::users::{clear_login_lock, list_users, login_locks, CreateUser, ResetPassword, UpdateUser};
use leptos::server_fn::ServerFn;

use crate::components::widgets::{
    field_error, focus_refused, form_error, submit_to, AskFirst, ErrorNotice, PageHeader,
};
use types::account::{UserSummary, MIN_PASSWORD_LEN};

#[component]
pub fn AdminUsers() -> impl IntoView {
    let create = ServerAction::<CreateUser>::new();
    let update = ServerAction::<UpdateUser>::new();
    let reset = ServerAction::<ResetPassword>::new();
    let users = Resource::<_, crate::codec::Json>::new_with_options(
        move || (create.version().get(), update.version().get()),
        |_| list_users(),
        false,
    );
    let err = move |f| field_error(create.value().get(), f);
    Effect::new(move |_| focus_refused("create-user", create.value().get()));
    // One outcome on show at a time: a later action's result replaces an
    // earlier one's banner (a refused "Disable" is not left standing after
    // a password reset that worked).
    Effect::new(move |_| {
        if create.version().get() + reset.version().get() > 0 {
            update.value().set(None);
        }
    });
    Effect::new(move |_| {
        if create.version().get() + update.version().get() > 0 {
            reset.value().set(None);
        }
    });

    view! {
        <Title text="Users"/>
        <PageHeader title="Users" lead="Who can sign in, and who administers Courseware."/>
        {move || form_error(update.value().get()).map(|m| view! { <p class="notice notice-error" role="alert">{m}</p> })}
        {move || match reset.value().get() {
            Some(Ok(())) => Some(view! { <p class="notice notice-ok" role="status">"Password changed; the user's sessions were ended."</p> }.into_any()),
            Some(Err(e)) => Some(view! { <p class="notice notice-error" role="alert">{e.to_string()}</p> }.into_any()),
            None => None,
        }}
        <Transition fallback=|| view! { <p class="muted">"Loading users…"</p> }>
            {move || Suspend::new(async move {
                match users.await {
                    Ok(list) => view! { <UserTable users=list update reset/> }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Transition>
        <SignInLocks/>
        <section class="card">
            <h2>"Add a user"</h2>
            <form class="grid-form" data-testid="create-user" method="post" action=CreateUser::url() on:submit=submit_to(create, |f| CreateUser {
                email: f.text("email"),
                name: f.text("name"),
                password: f.text("password"),
                is_admin: f.text("is_admin"),
            })>
                <div>
                    <label for="new-name">"Name"</label>
                    <input id="new-name" name="name" required/>
                    {move || err("name").map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
                </div>
                <div>
                    <label for="new-email">"Email"</label>
                    <input id="new-email" name="email" type="email" required/>
                    {move || err("email").map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
                </div>
                <div>
                    <label for="new-password">"Password"</label>
                    <input id="new-password" name="password" type="password" autocomplete="new-password"
                        minlength=MIN_PASSWORD_LEN.to_string() required/>
                    {move || err("password").map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
                </div>
                <label class="check"><input type="checkbox" name="is_admin" value="true"/>" Administrator"</label>
                {move || form_error(create.value().get()).map(|m| view! { <p class="notice notice-error">{m}</p> })}
                {move || matches!(create.value().get(), Some(Ok(_))).then(|| view! { <p class="notice notice-ok" role="status">"User created."</p> })}
                <button type="submit" class="btn btn-primary">"Create user"</button>
            </form>
        </section>
    }
}

#[component]
fn UserTable(
    users: Vec<UserSummary>,
    update: ServerAction<UpdateUser>,
    reset: ServerAction<ResetPassword>,
) -> impl IntoView {
    view! {
        <div class="card table-wrap">
            <table class="table" data-testid="users-table">
                <thead><tr><th>"Name"</th><th>"Email"</th><th>"Role"</th><th>"Status"</th><th>"Last sign-in"</th><th>"Actions"</th></tr></thead>
                <tbody>
                    {users.into_iter().map(|u| {
                        let id = u.id;
                        let (active, admin) = (u.is_active, u.is_admin);
                        view! {
                            <tr class:inactive=!active>
                                <td>{u.name.clone()}</td>
                                <td>{u.email.clone()}</td>
                                <td>{if admin { "Admin" } else { "Member" }}</td>
                                <td>{if active { "Active" } else { "Disabled" }}</td>
                                <td>{u.last_login_at.as_deref().map_or_else(|| "never".to_string(), readable_time)}</td>
                                <td class="actions">
                                    {
                                        let set_active = move |on: bool| {
                                            update.dispatch(UpdateUser { user_id: id.to_string(), is_active: on.to_string(), is_admin: admin.to_string() });
                                        };
                                        if active {
                                            view! { <AskFirst label="Disable" question=format!("Disable {}? They are signed out at once.", u.name) on_yes=move |()| set_active(false)/> }.into_any()
                                        } else {
                                            view! { <button class="btn btn-small" on:click=move |_| set_active(true)>"Enable"</button> }.into_any()
                                        }
                                    }
                                    <button class="btn btn-small" on:click=move |_| { update.dispatch(UpdateUser { user_id: id.to_string(), is_active: active.to_string(), is_admin: (!admin).to_string() }); }>
                                        {if admin { "Remove admin" } else { "Make admin" }}
                                    </button>
                                    <form class="inline reset" method="post" action=ResetPassword::url() on:submit=submit_to(reset, |f| ResetPassword {
                                        user_id: f.text("user_id"),
                                        password: f.text("password"),
                                    })>
                                        <input type="hidden" name="user_id" value=id.to_string()/>
                                        <input name="password" type="password" placeholder="New password" aria-label=format!("New password for {}", u.email)
                                            minlength=MIN_PASSWORD_LEN.to_string() required/>
                                        <button type="submit" class="btn btn-small">"Reset"</button>
                                    </form>
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// Accounts and addresses whose sign-in attempts wait now, each with a
/// button that lets them try again at once.
#[component]
fn SignInLocks() -> impl IntoView {
    let cleared = RwSignal::new(0u32);
    let locks =
        Resource::<_, crate::codec::Json>::new_with_options(move || cleared.get(), |_| login_locks(), false);
    view! {
        <section class="card" data-testid="sign-in-locks">
            <h2>"Sign-in locks"</h2>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match locks.await {
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                        Ok(list) if list.is_empty() => view! { <p class="muted">"Nobody is waiting to sign in."</p> }.into_any(),
                        Ok(list) => view! {
                            <ul class="locks">
                                {list.into_iter().map(|l| {
                                    let who = match (&l.account, &l.address) {
                                        (Some(a), Some(ip)) => format!("{a} from {ip}"),
                                        (Some(a), None) => format!("{a} (from any new address)"),
                                        (None, Some(ip)) => format!("{ip} (any account)"),
                                        (None, None) => String::new(),
                                    };
                                    let (account, address) = (l.account.unwrap_or_default(), l.address.unwrap_or_default());
                                    view! {
                                        <li>
                                            {format!("{who}: {} failed attempts, waits {} s more ", l.failures, l.seconds_left)}
                                            <button type="button" class="btn" on:click=move |_| {
                                                let (account, address) = (account.clone(), address.clone());
                                                leptos::task::spawn_local(async move {
                                                    let _ = clear_login_lock(account, address).await;
                                                    cleared.update(|n| *n += 1);
                                                });
                                            }>"Clear"</button>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// "2026-12-04T14:05:09.123Z" as people read it: "2026-12-04 14:05 UTC".
fn readable_time(at: &str) -> String {
    match (at.get(..10), at.get(11..16)) {
        (Some(day), Some(time)) if at.as_bytes().get(10) == Some(&b'T') => format!("{day} {time} UTC"),
        _ => at.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_sign_in_time_reads_to_the_minute() {
        assert_eq!(
            super::readable_time("2026-12-04T14:05:09.123Z"),
            "2026-12-04 14:05 UTC"
        );
        assert_eq!(super::readable_time("odd"), "odd");
    }
}
