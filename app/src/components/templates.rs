//! What a template will look like, on New course: a card per offered
//! template with its title and content slides, and the intake report of an
//! uploaded one, to accept or to put aside before any job starts.

use leptos::prelude::*;
use types::templates::TemplateReport;

use crate::api::jobs::template_report;
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
#[component]
pub fn TemplateGallery(names: Vec<String>, template: RwSignal<String>) -> impl IntoView {
    view! {
        <ul class="template-gallery" data-testid="template-gallery" aria-label="Templates">
            {names.into_iter().map(|choice| {
                let name = display_name(&choice);
                let (c1, c2) = (choice.clone(), choice.clone());
                view! {
                    <li>
                        <button type="button" class="template-card" aria-pressed=move || (template.get() == c1).to_string()
                            on:click=move |_| template.set(c2.clone())>
                            <span class="template-thumbs">
                                <img loading="lazy" width="160" height="90" src=page_src(&choice, 1, "thumb") alt=format!("{name}: title slide")/>
                                <img loading="lazy" width="160" height="90" src=page_src(&choice, 3, "thumb") alt=format!("{name}: content slide")/>
                            </span>
                            <span class="template-name">{name.clone()}</span>
                        </button>
                    </li>
                }
            }).collect_view()}
        </ul>
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
            <Suspense fallback=|| view! { <p class="muted" role="status">"Reading the template and drawing its slides…"</p> }>
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
        {match r.unavailable.clone() {
            Some(why) => view! { <p class="notice notice-info" data-testid="intake-no-previews">{why}</p> }.into_any(),
            None => view! {
                <ul class="thumbs intake-thumbs" data-testid="intake-thumbs">
                    {r.pages.iter().map(|p| view! {
                        <li class="thumb-static">
                            <img loading="lazy" width="320" height="180" src=page_src(&choice, p.n, "thumb") alt=format!("Preview: {}", p.role)/>
                            <span>{p.role.clone()}</span>
                        </li>
                    }).collect_view()}
                </ul>
            }.into_any(),
        }}
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
        <h3>"Masters"</h3>
        <ul data-testid="intake-masters">
            {r.masters.into_iter().map(|m| view! {
                <li>{format!("{} — {} layout{}{}", m.name, m.layouts, if m.layouts == 1 { "" } else { "s" },
                    if m.used_for.is_empty() { ", not used by the sample slides".to_string() }
                    else { format!(", the designer's samples use it for: {}", m.used_for.join(", ")) })}</li>
            }).collect_view()}
        </ul>
        {(!r.warnings.is_empty()).then(|| view! {
            <h3>"Readability"</h3>
            <ul class="warnings" data-testid="intake-warnings">
                {r.warnings.into_iter().map(|w| view! { <li>{w}</li> }).collect_view()}
            </ul>
        })}
        <div class="actions">
            <button type="button" class="btn btn-primary" data-testid="intake-accept" on:click=move |_| on_accept.run(())>"Use this template"</button>
            <button type="button" class="btn" data-testid="intake-reject" on:click=move |_| on_reject.run(())>"Pick another"</button>
        </div>
    }
}
