//! Webhooks: register an endpoint (its signing secret shown once), see
//! each endpoint's deliveries and send one again, remove an endpoint.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;

use crate::api::webhooks::{list_webhooks, webhook_deliveries, CreateWebhook, RemoveWebhook, ResendWebhook};
use crate::components::widgets::{
    field_error, focus_refused, form_error, submit_to, AskFirst, ErrorNotice, PageHeader,
};
use types::webhooks::{Delivery, Endpoint, MAX_URL_CHARS};

#[component]
pub fn Webhooks() -> impl IntoView {
    let create = ServerAction::<CreateWebhook>::new();
    let remove = ServerAction::<RemoveWebhook>::new();
    let resend = ServerAction::<ResendWebhook>::new();
    let shown = RwSignal::new(None::<i64>);
    let endpoints = Resource::<_, crate::codec::Json>::new_with_options(
        move || (create.version().get(), remove.version().get()),
        |_| list_webhooks(),
        false,
    );
    let err = move |f| field_error(create.value().get(), f);
    Effect::new(move |_| focus_refused("create-webhook", create.value().get()));

    view! {
        <Title text="Webhooks"/>
        <PageHeader title="Webhooks"
            lead="Courseware tells your LMS or scheduler when a course completes or fails, or a batch is done: a signed POST (Standard Webhooks), retried for a day until your endpoint answers 2xx."/>
        {move || match create.value().get() {
            Some(Ok(made)) => Some(view! {
                <section class="card notice notice-ok" role="status" data-testid="new-webhook">
                    <h2>"Copy the signing secret now"</h2>
                    <p>"It is shown only this once. Verify each delivery's webhook-signature header with it."</p>
                    <p><code class="token-secret" data-testid="webhook-secret">{made.secret}</code></p>
                </section>
            }.into_any()),
            _ => None,
        }}
        {move || form_error(remove.value().get()).map(|m| view! { <p class="notice notice-error" role="alert">{m}</p> })}
        <Transition fallback=|| view! { <p class="muted">"Loading endpoints…"</p> }>
            {move || Suspend::new(async move {
                match endpoints.await {
                    Ok(list) if list.is_empty() => view! { <p class="muted">"No endpoints yet."</p> }.into_any(),
                    Ok(list) => view! { <EndpointTable endpoints=list remove shown/> }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Transition>
        {move || shown.get().map(|id| view! { <DeliveryLog id resend/> })}
        <section class="card">
            <h2>"Add an endpoint"</h2>
            <form class="grid-form" data-testid="create-webhook" method="post" action=CreateWebhook::url() on:submit=submit_to(create, |f| CreateWebhook {
                url: f.text("url"),
                completed: f.optional("completed"),
                failed: f.optional("failed"),
                batch: f.optional("batch"),
            })>
                <div>
                    <label for="webhook-url">"URL"</label>
                    <input id="webhook-url" name="url" type="url" required maxlength=MAX_URL_CHARS.to_string() placeholder="https://lms.example.com/hooks/courseware"/>
                    {move || err("url").map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
                </div>
                <fieldset>
                    <legend>"Events"</legend>
                    <label><input type="checkbox" name="completed" value="on" checked/>" A course completes"</label>
                    <label><input type="checkbox" name="failed" value="on" checked/>" A course fails"</label>
                    <label><input type="checkbox" name="batch" value="on"/>" A batch is done"</label>
                    {move || err("events").map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
                </fieldset>
                {move || form_error(create.value().get()).map(|m| view! { <p class="notice notice-error">{m}</p> })}
                <button type="submit" class="btn btn-primary">"Add endpoint"</button>
            </form>
        </section>
    }
}

#[component]
fn EndpointTable(
    endpoints: Vec<Endpoint>,
    remove: ServerAction<RemoveWebhook>,
    shown: RwSignal<Option<i64>>,
) -> impl IntoView {
    view! {
        <div class="card table-wrap">
            <table class="table" data-testid="webhooks-table">
                <thead><tr><th>"URL"</th><th>"Events"</th><th>"Owner"</th><th>"Waiting"</th><th>"Failed"</th><th></th></tr></thead>
                <tbody>
                    {endpoints.into_iter().map(|e| {
                        let id = e.id;
                        view! {
                            <tr>
                                <td><code>{e.url.clone()}</code></td>
                                <td>{e.events.0.join(", ")}</td>
                                <td>{e.owner_email.clone()}</td>
                                <td>{e.pending}</td>
                                <td>{e.failed}</td>
                                <td class="actions">
                                    <button class="btn btn-small" on:click=move |_| shown.set(Some(id))>"Deliveries"</button>
                                    <AskFirst label="Remove" question=format!("Remove the webhook to {}? Nothing more is sent there.", e.url)
                                        on_yes=move |()| {
                                            shown.set(None);
                                            remove.dispatch(RemoveWebhook { id: id.to_string() });
                                        }/>
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn DeliveryLog(id: i64, resend: ServerAction<ResendWebhook>) -> impl IntoView {
    let log = Resource::<_, crate::codec::Json>::new_with_options(
        move || resend.version().get(),
        move |_| webhook_deliveries(id.to_string()),
        false,
    );
    view! {
        <section class="card" data-testid="webhook-log">
            <h2>"Deliveries"</h2>
            {move || form_error(resend.value().get()).map(|m| view! { <p class="notice notice-error" role="alert">{m}</p> })}
            <Transition fallback=|| view! { <p class="muted">"Loading deliveries…"</p> }>
                {move || Suspend::new(async move {
                    match log.await {
                        Ok(list) if list.is_empty() => view! { <p class="muted">"Nothing sent yet."</p> }.into_any(),
                        Ok(list) => view! { <DeliveryTable id deliveries=list resend/> }.into_any(),
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn DeliveryTable(id: i64, deliveries: Vec<Delivery>, resend: ServerAction<ResendWebhook>) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table class="table">
                <thead><tr><th>"Event"</th><th>"Message"</th><th>"State"</th><th>"Attempts"</th><th>"Last answer"</th><th>"Made"</th><th></th></tr></thead>
                <tbody>
                    {deliveries.into_iter().map(|d| {
                        let delivery = d.id;
                        let answer = match (d.last_status, d.last_error.clone()) {
                            (_, Some(why)) => why,
                            (Some(code), None) => code.to_string(),
                            (None, None) => "—".to_string(),
                        };
                        view! {
                            <tr>
                                <td>{d.event.clone()}</td>
                                <td><code>{d.message_id.clone()}</code></td>
                                <td>{d.status.clone()}</td>
                                <td>{d.attempts}</td>
                                <td>{answer}</td>
                                <td>{d.created_at.clone()}</td>
                                <td class="actions">
                                    <button class="btn btn-small" on:click=move |_| {
                                        resend.dispatch(ResendWebhook { id: id.to_string(), delivery: delivery.to_string() });
                                    }>"Send again"</button>
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
