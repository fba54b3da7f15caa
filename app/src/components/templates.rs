//! What a template will look like, on New course: a card per offered
//! template with its title and content slides, and the intake report of an
//! uploaded one, to accept or to put aside before any job starts.

use leptos::prelude::*;
use types::templates::{Pictures, TemplateCard, TemplateReport};

use crate::api::jobs::{template_pictures, template_report};
use crate::components::widgets::urlencode;

/// A page of a template's preview deck (1 title, 2 section, 3 content,
/// 4 two columns, 5 closing).
fn page_src(choice: &str, n: usize, size: &str) -> String {
    format!(
        "/api/templates/preview/{n}.png?template={}&size={size}",
        urlencode(choice)
    )
}

fn display_name(choice: &str) -> String {
    choice
        .trim_end_matches(".pptx")
        .trim_end_matches(".potx")
        .to_string()
}

/// The offered templates as cards; picking one selects it in `template`.
/// Where this server draws no pictures — or a picture fails to load — a
/// card lists the template's layouts instead of showing empty boxes.
#[component]
pub fn TemplateGallery(cards: Vec<TemplateCard>, template: RwSignal<String>) -> impl IntoView {
    view! {
        <ul class="template-gallery" data-testid="template-gallery" aria-label="Templates">
            {cards.into_iter().map(|card| {
                let choice = card.choice;
                let name = display_name(&choice);
                let (c1, c2) = (choice.clone(), choice.clone());
                let broken = RwSignal::new(!card.pictures);
                let label = name.clone();
                let shown = card.layouts.len().min(4);
                let more = card.layouts.len() - shown;
                let layouts = format!(
                    "{} layouts: {}{}",
                    card.layouts.len(),
                    card.layouts[..shown].join(", "),
                    if more > 0 { format!(" and {more} more") } else { String::new() }
                );
                view! {
                    <li>
                        <button type="button" class="template-card" aria-pressed=move || (template.get() == c1).to_string()
                            on:click=move |_| template.set(c2.clone())>
                            {move || if broken.get() {
                                view! { <span class="template-layouts" data-testid="template-layouts">{layouts.clone()}</span> }.into_any()
                            } else {
                                view! {
                                    <span class="template-thumbs">
                                        <img loading="lazy" width="160" height="90" src=page_src(&choice, 1, "thumb") alt=format!("{name}: title slide") on:error=move |_| broken.set(true)/>
                                        <img loading="lazy" width="160" height="90" src=page_src(&choice, 3, "thumb") alt=format!("{name}: content slide") on:error=move |_| broken.set(true)/>
                                    </span>
                                }.into_any()
                            }}
                            <span class="template-name">{label}</span>
                        </button>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}

/// A template's pictures as they come: a line while they are drawn (asking
/// again every second and a half), the pages once drawn, one line when they
/// cannot be (with "Try again" when that may help). Nothing waits for them.
#[component]
fn IntakePictures(
    choice: String,
    first: Pictures,
    pages: Vec<types::templates::PreviewPage>,
) -> impl IntoView {
    let pictures = RwSignal::new(first);
    let choice = StoredValue::new(choice);
    let ask = move |retry: bool| {
        leptos::task::spawn_local(async move {
            let Some(choice) = choice.try_get_value() else {
                return;
            };
            if let Ok(p) = template_pictures(choice, retry).await {
                pictures.try_set(p);
            }
        });
    };
    Effect::new(move |_| {
        if pictures.get() == Pictures::Drawing {
            set_timeout(move || ask(false), std::time::Duration::from_millis(1500));
        }
    });
    move || {
        match pictures.get() {
        Pictures::Drawing => view! {
            <p class="muted" role="status" data-testid="intake-drawing">"Drawing the slides… (you can use the template already)"</p>
        }.into_any(),
        Pictures::Unavailable { reason, retry } => view! {
            <p class="notice notice-info" data-testid="intake-no-previews">
                {format!("No pictures of this template: {reason}. Everything else works.")}
                {retry.then(|| view! { " " <button type="button" class="btn" on:click=move |_| { pictures.set(Pictures::Drawing); ask(true); }>"Try again"</button> })}
            </p>
        }.into_any(),
        Pictures::Ready { pages: n } => view! {
            <ul class="thumbs intake-thumbs" data-testid="intake-thumbs">
                {pages.iter().take(n).map(|p| view! {
                    <li class="thumb-static">
                        <img loading="lazy" width="320" height="180" src=page_src(&choice.get_value(), p.n, "thumb") alt=format!("Preview: {}", p.role)/>
                        <span>{p.role.clone()}</span>
                    </li>
                }).collect_view()}
            </ul>
        }.into_any(),
    }
    }
}

/// The intake report of an uploaded template, with "Use this template" and
/// "Pick another".
#[component]
pub fn IntakeReport(
    choice: String,
    #[prop(into)] on_accept: Callback<()>,
    #[prop(into)] on_reject: Callback<()>,
) -> impl IntoView {
    view! {
        <section class="card intake" data-testid="intake-report" aria-labelledby="intake-title">
            <h2 id="intake-title">"Template check"</h2>
            <Suspense fallback=|| view! { <p class="muted" role="status">"Reading the template…"</p> }>
                {move || {
                    let choice = choice.clone();
                    Suspend::new(async move { report(choice, on_accept, on_reject).await })
                }}
            </Suspense>
        </section>
    }
}

/// The report, read and drawn by code in a chunk of its own: only someone
/// who uploads a template fetches it (shown only after an upload, so never
/// in server-rendered HTML).
#[lazy]
async fn report(choice: String, on_accept: Callback<()>, on_reject: Callback<()>) -> AnyView {
    match template_report(choice).await {
        Ok(r) => view! { <ReportBody r on_accept on_reject/> }.into_any(),
        Err(e) => view! {
            <p class="field-error" data-testid="intake-error">{e.to_string()}</p>
            <button type="button" class="btn" on:click=move |_| on_reject.run(())>"Pick another"</button>
        }
        .into_any(),
    }
}

#[component]
fn ReportBody(r: TemplateReport, on_accept: Callback<()>, on_reject: Callback<()>) -> impl IntoView {
    let choice = r.choice.clone();
    let flagged = r.roles.iter().filter(|x| x.attention).count();
    view! {
        <p data-testid="intake-summary">
            {format!(
                "{} slides, {} layouts on {} master{}, {} sample slide{}. {}",
                r.aspect, r.layouts, r.masters.len(), if r.masters.len() == 1 { "" } else { "s" },
                r.sample_slides, if r.sample_slides == 1 { "" } else { "s" },
                if flagged == 0 { "Every kind of slide has a layout made for it.".to_string() }
                else { format!("{flagged} kind{} of slide need{} a look.", if flagged == 1 { "" } else { "s" }, if flagged == 1 { "s" } else { "" }) }
            )}
        </p>
        <IntakePictures choice=choice.clone() first=r.pictures.clone() pages=r.pages.clone()/>
        <table class="table" data-testid="intake-roles">
            <caption>"Layout for each kind of slide"</caption>
            <thead><tr><th scope="col">"Slide"</th><th scope="col">"Layout"</th><th scope="col">"Master"</th><th scope="col">"Why"</th></tr></thead>
            <tbody>
                {r.roles.into_iter().map(|row| view! {
                    <tr class:attention=row.attention>
                        <th scope="row">{row.role}</th>
                        <td>{row.layout.unwrap_or_else(|| "—".into())}</td>
                        <td>{row.master.unwrap_or_else(|| "—".into())}</td>
                        <td>{row.because}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
        <p data-testid="intake-masters-summary">{
            let used = r.masters.iter().filter(|m| !m.used_for.is_empty()).count();
            match (r.masters.len(), used) {
                (1, _) => "All its layouts come from one slide master.".to_string(),
                (n, 0) => format!("Its layouts come from {n} slide masters."),
                (n, u) => format!("Its layouts come from {n} slide masters; the designer's own sample slides use {u} of them, and Courseware follows that choice."),
            }
        }</p>
        {(!r.advice.is_empty()).then(|| view! {
            <h3>"Readability"</h3>
            <div data-testid="intake-advice">{r.advice.into_iter().map(|a| view! { <p>{a}</p> }).collect_view()}</div>
        })}
        <details class="detail" data-testid="intake-detail">
            <summary>{format!("Technical detail: {} master{}{}", r.masters.len(), if r.masters.len() == 1 { "" } else { "s" },
                if r.warnings.is_empty() { String::new() } else { format!(", {} layout finding{}", r.warnings.len(), if r.warnings.len() == 1 { "" } else { "s" }) })}</summary>
            <h4>"Masters"</h4>
            <ul data-testid="intake-masters">
                {r.masters.into_iter().map(|m| view! {
                    <li>{format!("{} — {} layout{}{}", m.name, m.layouts, if m.layouts == 1 { "" } else { "s" },
                        if m.used_for.is_empty() { ", not used by the sample slides".to_string() }
                        else { format!(", the designer's samples use it for: {}", m.used_for.join(", ")) })}</li>
                }).collect_view()}
            </ul>
            {(!r.warnings.is_empty()).then(|| view! {
                <h4>"Layout findings"</h4>
                <ul class="warnings" data-testid="intake-warnings">
                    {r.warnings.into_iter().map(|w| view! { <li>{w}</li> }).collect_view()}
                </ul>
            })}
        </details>
        <div class="actions">
            <button type="button" class="btn btn-primary" data-testid="intake-accept" on:click=move |_| on_accept.run(())>"Use this template"</button>
            <button type="button" class="btn" data-testid="intake-reject" on:click=move |_| on_reject.run(())>"Pick another"</button>
        </div>
    }
}
