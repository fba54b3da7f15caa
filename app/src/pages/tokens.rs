//! API tokens: make one (shown once), see when each was last used, revoke.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;

use crate::api::tokens::{list_tokens, CreateToken, RevokeToken};
use crate::components::widgets::{
    field_error, focus_refused, form_error, submit_to, AskFirst, ErrorNotice, PageHeader,
};
use types::tokens::{TokenSummary, MAX_TOKEN_DAYS, MAX_TOKEN_NAME};

#[component]
pub fn Tokens() -> impl IntoView {
    let create = ServerAction::<CreateToken>::new();
    let revoke = ServerAction::<RevokeToken>::new();
    let tokens = Resource::<_, crate::codec::Json>::new_with_options(
        move || (create.version().get(), revoke.version().get()),
        |_| list_tokens(),
        false,
    );
    let err = move |f| field_error(create.value().get(), f);
    Effect::new(move |_| focus_refused("create-token", create.value().get()));

    view! {
        <Title text="API tokens"/>
        <PageHeader title="API tokens"
            lead="Tokens let scripts, schedulers, an LMS or an AI assistant use Courseware as you: send `Authorization: Bearer <token>` to /api/v1."/>
        <p class="muted">"The reference: "<a href="/api/v1/docs">"API reference"</a>" · "<a href="/api/v1/openapi.json">"openapi.json"</a></p>
        {move || match create.value().get() {
            Some(Ok(made)) => Some(view! {
                <section class="card notice notice-ok" role="status" data-testid="new-token">
                    <h2>"Copy your new token now"</h2>
                    <p>"It is shown only this once; Courseware keeps only a hash of it."</p>
                    <p><code class="token-secret" data-testid="token-secret">{made.token}</code></p>
                </section>
            }.into_any()),
            _ => None,
        }}
        {move || form_error(revoke.value().get()).map(|m| view! { <p class="notice notice-error" role="alert">{m}</p> })}
        <Transition fallback=|| view! { <p class="muted">"Loading tokens…"</p> }>
            {move || Suspend::new(async move {
                match tokens.await {
                    Ok(list) if list.is_empty() => view! { <p class="muted">"No tokens yet."</p> }.into_any(),
                    Ok(list) => view! { <TokenTable tokens=list revoke/> }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Transition>
        <section class="card">
            <h2>"Make a token"</h2>
            <form class="grid-form" data-testid="create-token" method="post" action=CreateToken::url() on:submit=submit_to(create, |f| CreateToken {
                name: f.text("name"),
                scope: f.text("scope"),
                days: f.text("days"),
            })>
                <div>
                    <label for="token-name">"Name"</label>
                    <input id="token-name" name="name" required maxlength=MAX_TOKEN_NAME.to_string() placeholder="Nightly catalogue build"/>
                    {move || err("name").map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
                </div>
                <div>
                    <label for="token-scope">"Scope"</label>
                    <select id="token-scope" name="scope">
                        <option value="read">"read — look only"</option>
                        <option value="write">"write — also start, cancel and delete courses"</option>
                    </select>
                    {move || err("scope").map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
                </div>
                <div>
                    <label for="token-days">"Expires after (days)"</label>
                    <input id="token-days" name="days" type="number" min="1" max=MAX_TOKEN_DAYS.to_string() placeholder="never"/>
                    {move || err("days").map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
                </div>
                {move || form_error(create.value().get()).map(|m| view! { <p class="notice notice-error">{m}</p> })}
                <button type="submit" class="btn btn-primary">"Make token"</button>
            </form>
        </section>
    }
}

#[component]
fn TokenTable(tokens: Vec<TokenSummary>, revoke: ServerAction<RevokeToken>) -> impl IntoView {
    view! {
        <div class="card table-wrap">
            <table class="table" data-testid="tokens-table">
                <thead><tr><th>"Name"</th><th>"Token"</th><th>"Scope"</th><th>"Owner"</th><th>"Made"</th><th>"Last used"</th><th>"Expires"</th><th>"State"</th><th></th></tr></thead>
                <tbody>
                    {tokens.into_iter().map(|t| {
                        let state = t.state.clone();
                        let id = t.id;
                        view! {
                            <tr class:inactive=state != "active">
                                <td>{t.name.clone()}</td>
                                <td><code>{format!("{}…", t.prefix)}</code></td>
                                <td>{t.scope.clone()}</td>
                                <td>{t.owner_email.clone()}</td>
                                <td>{t.created_at.clone()}</td>
                                <td>{t.last_used_at.clone().unwrap_or_else(|| "never".into())}</td>
                                <td>{t.expires_at.clone().unwrap_or_else(|| "never".into())}</td>
                                <td>{state.clone()}</td>
                                <td class="actions">
                                    {(state == "active").then(|| view! {
                                        <AskFirst label="Revoke" question=format!("Revoke “{}”? Whatever uses it stops working at once.", t.name)
                                            on_yes=move |()| { revoke.dispatch(RevokeToken { id: id.to_string() }); }/>
                                    })}
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
