//! New course: title, length, language, template, and an outline that is
//! read on the server and shown as a tree to edit before generating.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::api::jobs::{list_templates, outline_language, parse_outline_text, start_job};
use crate::components::templates::{IntakeReport, TemplateGallery};
use crate::components::widgets::{ErrorNotice, PageHeader};
use types::error::ApiError;
use types::outline::{Module, Outline, Point, Topic};
use types::validate::LANGUAGES;

#[component]
pub fn NewCourse() -> impl IntoView {
    let templates = Resource::<_, crate::codec::Json>::new_with_options(|| (), |_| list_templates(), false);
    let title = RwSignal::new(String::new());
    let days = RwSignal::new(1u8);
    let language = RwSignal::new("en".to_string());
    // The course day; blank parts take the server's settings.
    let day_start = RwSignal::new(String::new());
    let day_end = RwSignal::new(String::new());
    let lunch = RwSignal::new(String::new());
    let breaks = RwSignal::new(String::new());
    let template = RwSignal::new(String::new());
    let uploaded_template = RwSignal::new(None::<(String, String)>);
    // An uploaded template is used only once its intake report is accepted.
    let accepted = RwSignal::new(true);
    let pending_intake = move || template.get().starts_with("upload:") && !accepted.get();
    let outline = RwSignal::new(None::<Outline>);
    let has_outline = Memo::new(move |_| outline.with(Option::is_some));
    let pasted = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let navigate = use_navigate();

    let field = move |f: &'static str| move || error.get().and_then(|e| e.field_message(f));

    // The language the outline is written in, asked of the server once the
    // outline has stopped changing for a moment (a new file, an edit).
    let outline_lang = RwSignal::new(None::<String>);
    let asked = StoredValue::new(0u32);
    Effect::new(move |_| {
        let Some(o) = outline.get() else {
            outline_lang.set(None);
            return;
        };
        let n = asked.get_value() + 1;
        asked.set_value(n);
        set_timeout(
            move || {
                if asked.try_get_value() != Some(n) {
                    return;
                }
                leptos::task::spawn_local(async move {
                    if let Ok(lang) = outline_language(o).await {
                        outline_lang.try_set(lang);
                    }
                });
            },
            std::time::Duration::from_millis(400),
        );
    });

    let read_pasted = move |_| {
        let text = pasted.get_untracked();
        busy.set(true);
        leptos::task::spawn_local(async move {
            match parse_outline_text(text).await {
                Ok(o) => {
                    if title.get_untracked().is_empty() {
                        title.set(o.title.clone());
                    }
                    outline.set(Some(o));
                    error.set(None);
                }
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };

    #[allow(unused_variables)]
    let upload_outline = move |ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        {
            let Some(file) = picked_file(&ev) else {
                return;
            };
            busy.set(true);
            leptos::task::spawn_local(async move {
                match crate::client::upload("/api/outline/upload", file).await {
                    Ok(text) => match crate::codec::parse::<Outline>(&text) {
                        Ok(o) => {
                            if title.get_untracked().is_empty() {
                                title.set(o.title.clone());
                            }
                            outline.set(Some(o));
                            error.set(None);
                        }
                        Err(_) => error.set(Some(ApiError::invalid(
                            "outline",
                            "The server's answer was unreadable.",
                        ))),
                    },
                    Err(m) => error.set(Some(ApiError::invalid("outline", m))),
                }
                busy.set(false);
            });
        }
    };

    #[allow(unused_variables)]
    let upload_template = move |ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        {
            let Some(file) = picked_file(&ev) else {
                return;
            };
            busy.set(true);
            leptos::task::spawn_local(async move {
                match crate::client::upload("/api/templates/upload", file).await {
                    Ok(text) => {
                        let up: UploadedTemplate = crate::codec::parse(&text).unwrap_or_default();
                        let choice = up.template;
                        let name = up.name.unwrap_or_else(|| "Uploaded template".into());
                        accepted.set(false);
                        template.set(choice.clone());
                        uploaded_template.set(Some((choice, name)));
                        error.set(None);
                    }
                    Err(m) => error.set(Some(ApiError::invalid("template", m))),
                }
                busy.set(false);
            });
        }
    };

    // A spec fills the form: a file exported from a job or from this form,
    // or the course being changed (`?version_of=ID`).
    let fill = move |spec: types::spec::CourseSpec| {
        title.set(spec.title.clone());
        days.set(spec.days);
        language.set(spec.language.clone());
        if spec.template.starts_with("upload:") {
            uploaded_template.set(Some((spec.template.clone(), "Template from the spec".into())));
            accepted.set(false);
        }
        template.set(spec.template.clone());
        let t = spec.timetable.clone();
        day_start.set(t.as_ref().map(|t| t.start.clone()).unwrap_or_default());
        day_end.set(t.as_ref().map(|t| t.end.clone()).unwrap_or_default());
        lunch.set(t.as_ref().map(|t| t.lunch.clone()).unwrap_or_default());
        breaks.set(t.as_ref().map(|t| t.breaks.clone()).unwrap_or_default());
        outline.set(Some(spec.outline));
        error.set(None);
    };
    // Changing a built course: its spec fills the form, and Generate writes
    // it again as the course's next version.
    let version_of = use_query_map()
        .with_untracked(|q| q.get("version_of"))
        .filter(|v| !v.is_empty());
    if let Some(id) = version_of.clone() {
        Effect::new(move |_| {
            let id = id.clone();
            leptos::task::spawn_local(async move {
                match crate::api::courses::course_spec(id).await {
                    Ok(spec) => fill(spec),
                    Err(e) => error.set(Some(e)),
                }
            });
        });
    }
    let spec_error = RwSignal::new(None::<String>);
    #[allow(unused_variables)]
    let import_spec = move |ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        {
            let Some(file) = picked_file(&ev) else {
                return;
            };
            leptos::task::spawn_local(async move {
                let text = match crate::client::file_text(file, types::limits::MAX_FORM_BYTES as f64).await {
                    Ok(t) => t,
                    Err(m) => return spec_error.set(Some(m)),
                };
                let spec = match read_spec(text).await {
                    Ok(s) => s,
                    Err(m) => return spec_error.set(Some(m)),
                };
                fill(spec);
                spec_error.set(None);
            });
        }
    };
    // The form as a spec: what Generate sends, and the spec file offered
    // for download as it stands.
    let form_spec = move || types::spec::CourseSpec {
        schema: types::spec::SPEC_SCHEMA,
        title: title.get(),
        days: days.get(),
        language: language.get(),
        template: template.get(),
        // A point added and left blank is not part of the course.
        outline: outline
            .get()
            .map(|mut o| {
                o.modules
                    .iter_mut()
                    .flat_map(|m| m.topics.iter_mut())
                    .for_each(|t| t.points.retain(|p| !p.text.trim().is_empty()));
                o
            })
            .unwrap_or_default(),
        writer: "offline".into(),
        timetable: {
            let t = types::spec::Timetable {
                start: day_start.get(),
                end: day_end.get(),
                lunch: lunch.get(),
                breaks: breaks.get(),
            };
            (!(t.start.is_empty() && t.end.is_empty() && t.lunch.is_empty() && t.breaks.is_empty()))
                .then_some(t)
        },
    };
    let spec_href = move || {
        let spec = form_spec();
        let json = serde_json::to_string_pretty(&spec).unwrap_or_default();
        format!(
            "data:application/json;charset=utf-8,{}",
            crate::components::widgets::urlencode(&json)
        )
    };
    let spec_name = move || {
        // Today's date and eight random hex digits (in the browser; the link
        // only exists once an outline is loaded, after hydration).
        #[cfg(feature = "hydrate")]
        let (date, hex) = {
            let iso = String::from(web_sys::js_sys::Date::new_0().to_iso_string());
            let hex: String = (0..8)
                .map(|_| {
                    char::from(b"0123456789abcdef"[(web_sys::js_sys::Math::random() * 16.0) as usize % 16])
                })
                .collect();
            (iso.get(..10).unwrap_or("0000-00-00").to_string(), hex)
        };
        #[cfg(not(feature = "hydrate"))]
        let (date, hex) = ("0000-00-00".to_string(), "00000000".to_string());
        types::spec::CourseSpec {
            schema: types::spec::SPEC_SCHEMA,
            title: title.get(),
            days: 1,
            language: String::new(),
            template: String::new(),
            outline: Outline::default(),
            writer: String::new(),
            timetable: None,
        }
        .file_name(&date, &hex)
    };

    // A refusal is shown beside its field, and the focus goes there (the
    // page scrolls to it; a screen reader reads the field and its message).
    let refuse = move |e: ApiError| {
        focus_field(&e);
        error.set(Some(e));
    };
    let version_of_for_generate = version_of.clone();
    let changing = version_of.is_some();
    let generate = move |_| {
        if outline.get_untracked().is_none() {
            refuse(ApiError::invalid("outline", "Upload or paste an outline first."));
            return;
        }
        let navigate = navigate.clone();
        let spec = untrack(form_spec);
        busy.set(true);
        let again = version_of_for_generate.clone();
        leptos::task::spawn_local(async move {
            let started = match again {
                Some(id) => crate::api::courses::regenerate_course(id, types::spec::SpecArg(spec)).await,
                None => start_job(types::spec::SpecArg(spec)).await,
            };
            match started {
                Ok(id) => navigate(&format!("/jobs/{id}"), Default::default()),
                Err(e) => {
                    refuse(e);
                    busy.set(false);
                }
            }
        });
    };

    let writer = Resource::<_, crate::codec::Json>::new_with_options(
        || (),
        |_| crate::api::usage::writer_info(),
        false,
    );
    view! {
        <Title text="New course"/>
        <PageHeader title="New course" lead="Upload an outline, check its structure, pick a template and a length; Courseware builds the deck."/>
        {changing.then(|| view! {
            <p class="notice notice-warning" data-testid="changing-course">
                "Changing a built course: edit its outline, timetable, length or template below. It is written again as the course's next version; words edited by hand stay in the older versions."
            </p>
        })}
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                match writer.await {
                    Ok(Some(w)) => view! {
                        <p class="notice notice-info" data-testid="ai-note">
                            {format!("AI writer: {w}. Each module is written by the model and checked; a module it cannot write is drafted offline and flagged.")}
                        </p>
                    }.into_any(),
                    _ => view! {
                        <p class="notice notice-info" data-testid="offline-note">
                            "No AI writer is configured: the deck is a draft built from your outline's own words. Review it before use."
                        </p>
                    }.into_any(),
                }
            })}
        </Transition>
        <section class="card">
            <div class="grid-form">
                <div>
                    <label for="title">"Course title"</label>
                    <input id="title" maxlength="200" prop:value=move || title.get() on:input=move |ev| title.set(event_target_value(&ev))/>
                    {move || field("title")().map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
                </div>
                <div>
                    <label for="days">"Length"</label>
                    <select id="days" on:change=move |ev| days.set(event_target_value(&ev).parse().unwrap_or(1))>
                        {(1..=10u8).map(|d| view! { <option value=d.to_string() selected=move || days.get() == d>{format!("{d} day{}", if d == 1 { "" } else { "s" })}</option> }).collect_view()}
                    </select>
                    {move || field("days")().map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
                </div>
                // The offline writer keeps the outline's words: a course in
                // another language than the outline's would mix the two.
                {move || {
                    let offline = !matches!(writer.get(), Some(Ok(Some(_))));
                    let course = language.get();
                    outline_lang.get().filter(|l| offline && *l != course).map(|l| {
                        view! {
                            <p class="notice notice-warning span-all" role="status" data-testid="language-mismatch">
                                {format!("This outline is written in {}. Without an AI writer nothing is translated: a course in {} keeps the outline's {} words under {} headings, and its QA report flags those slides. Choose {} as the language, or upload an outline written in {}.",
                                    english_name(&l), english_name(&course), english_name(&l), english_name(&course), english_name(&l), english_name(&course))}
                            </p>
                        }
                    })
                }}
                // A long course from a short outline is allowed, but said.
                {move || outline.with(|o| o.as_ref().and_then(|o| o.thin_for(days.get()))).map(|m| view! {
                    <p class="notice notice-warning span-all" role="status" data-testid="thin-outline">{m}</p>
                })}
                <div>
                    <label for="language">"Language"</label>
                    <select id="language" on:change=move |ev| language.set(event_target_value(&ev))>
                        {LANGUAGES.iter().map(|(code, name)| view! { <option value=*code selected=move || language.get() == *code>{*name}</option> }).collect_view()}
                    </select>
                    {move || field("language")().map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
                </div>
                <fieldset class="timetable" data-testid="timetable">
                    <legend>"Course day (optional: blank parts take the usual day, e.g. 09:00–17:00)"</legend>
                    <label for="day_start">"Starts"</label>
                    <input id="day_start" type="time" prop:value=move || day_start.get() on:input=move |ev| day_start.set(event_target_value(&ev))/>
                    <label for="day_end">"Ends"</label>
                    <input id="day_end" type="time" prop:value=move || day_end.get() on:input=move |ev| day_end.set(event_target_value(&ev))/>
                    <label for="lunch">"Lunch (HH:MM/minutes)"</label>
                    <input id="lunch" maxlength="20" placeholder="12:30/60" prop:value=move || lunch.get() on:input=move |ev| lunch.set(event_target_value(&ev))/>
                    <label for="breaks">"Breaks (HH:MM/minutes, comma-separated)"</label>
                    <input id="breaks" maxlength="100" placeholder="10:30/15,15:00/15" prop:value=move || breaks.get() on:input=move |ev| breaks.set(event_target_value(&ev))/>
                    {move || field("timetable")().map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
                </fieldset>
                <div>
                    <label for="template">"Template"</label>
                    <select id="template" on:change=move |ev| template.set(event_target_value(&ev))>
                        <option value="" selected=move || template.get().is_empty()>"Choose a template…"</option>
                        <Suspense fallback=|| ()>
                            {move || Suspend::new(async move {
                                templates.await.unwrap_or_default().into_iter().map(|card| {
                                    let t = card.choice;
                                    let v = t.clone();
                                    view! { <option value=t.clone() selected=move || template.get() == v>{t.trim_end_matches(".pptx").trim_end_matches(".potx").to_string()}</option> }
                                }).collect_view()
                            })}
                        </Suspense>
                        {move || uploaded_template.get().map(|(choice, name)| {
                            let c = choice.clone();
                            view! { <option value=choice selected=move || template.get() == c>{format!("{name} (uploaded)")}</option> }
                        })}
                    </select>
                    <label class="file-label">"or upload a .pptx/.potx (max 50 MB) "
                        <input type="file" accept=".pptx,.potx" data-testid="template-file" on:change=upload_template/>
                    </label>
                    {move || field("template")().map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
                </div>
            </div>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let cards = templates.await.unwrap_or_default();
                    view! { <TemplateGallery cards template/> }
                })}
            </Suspense>
        </section>
        {move || pending_intake().then(|| view! {
            <IntakeReport choice=template.get()
                on_accept=move |_| accepted.set(true)
                on_reject=move |_| { uploaded_template.set(None); template.set(String::new()); accepted.set(true); }/>
        })}
        <section class="card">
            <h2>"Outline"</h2>
            <div class="grid-form">
                <div>
                    <label for="outline-file">"Upload a Word, PDF, Markdown or text file (max 10 MB)"</label>
                    <input id="outline-file" type="file" accept=".docx,.md,.txt,.pdf" on:change=upload_outline/>
                </div>
                <div>
                    <label for="outline-text">"or paste it"</label>
                    <textarea id="outline-text" rows="4" prop:value=move || pasted.get() on:input=move |ev| pasted.set(event_target_value(&ev))></textarea>
                    <button type="button" class="btn btn-small" on:click=read_pasted disabled=move || busy.get()>"Read pasted outline"</button>
                </div>
            </div>
            {move || field("outline")().map(|m| view! { <p class="field-error" role="alert" data-testid="outline-error">{m}</p> })}
            {move || has_outline.get().then(|| view! {
                <Suspense fallback=|| ()>{Suspend::new(async move { outline_editor(outline).await })}</Suspense>
            })}
        </section>
        <section class="card">
            <h2>"Course spec"</h2>
            <p class="muted">"A spec file holds this whole form — title, length, language, template and the edited outline — to make the course again or share it."</p>
            <div class="grid-form">
                <div>
                    <label for="spec-file">"Import a spec (.json)"</label>
                    <input id="spec-file" type="file" accept=".json,application/json" data-testid="spec-file" on:change=import_spec/>
                    {move || spec_error.get().map(|m| view! { <p class="field-error" data-testid="spec-error">{m}</p> })}
                </div>
                <div>
                    {move || outline.get().is_some().then(|| view! {
                        <a class="btn" data-testid="spec-export" href=spec_href download=spec_name>"Export this form as a spec"</a>
                    })}
                </div>
            </div>
        </section>
        {move || match error.get() {
            Some(ApiError::Invalid { .. }) | None => None,
            Some(e) => Some(view! { <ErrorNotice error=e/> }),
        }}
        {move || pending_intake().then(|| view! {
            <p class="notice notice-info" data-testid="intake-pending">"Accept the uploaded template's check above, or pick another, to generate."</p>
        })}
        <button type="button" class="btn btn-primary btn-large" on:click=generate disabled=move || busy.get() || outline.get().is_none() || pending_intake()>
            {move || match (busy.get(), changing) {
                (true, _) => "Working…",
                (false, true) => "Write it again as a new version",
                (false, false) => "Generate deck",
            }}
        </button>
    }
}

/// The file chosen in a file input's change event.
#[cfg(feature = "hydrate")]
fn picked_file(ev: &leptos::ev::Event) -> Option<web_sys::File> {
    use wasm_bindgen::JsCast;
    let input = ev.target()?.dyn_into::<web_sys::HtmlInputElement>().ok()?;
    input.files()?.get(0)
}

/// What the template upload answers (the choice to send with the job).
#[cfg(feature = "hydrate")]
#[derive(Default, serde::Deserialize)]
struct UploadedTemplate {
    #[serde(default)]
    template: String,
    #[serde(default)]
    name: Option<String>,
}

/// A spec file's text read and checked, in a chunk of its own (only an
/// import needs it): the spec, or what is wrong with it.
#[lazy]
fn read_spec(text: String) -> Result<types::spec::CourseSpec, String> {
    let spec: types::spec::CourseSpec =
        crate::codec::parse(&text).map_err(|_| "This is not a course spec file.".to_string())?;
    let problems: Vec<String> = spec.problems().iter().map(|e| e.to_string()).collect();
    if problems.is_empty() {
        Ok(spec)
    } else {
        Err(problems.join(" "))
    }
}

/// The editor, in a chunk of its own: fetched when the first outline has
/// been read (never in server-rendered HTML: the page starts without one).
#[lazy]
fn outline_editor(outline: RwSignal<Option<Outline>>) -> AnyView {
    view! { <OutlineEditor outline/> }.into_any()
}

/// The outline as an editable tree: rename, add, remove and reorder modules
/// and topics; edit, add and remove a topic's points. What is added takes
/// the focus, its text selected, ready to type over.
#[component]
fn OutlineEditor(outline: RwSignal<Option<Outline>>) -> impl IntoView {
    let edit = move |f: Box<dyn FnOnce(&mut Outline)>| {
        outline.update(|o| {
            if let Some(o) = o {
                f(o)
            }
        })
    };
    view! {
        <div class="tree" data-testid="outline-tree">
            {move || {
                let o = outline.get().unwrap_or_default();
                let n_modules = o.modules.len();
                o.modules.into_iter().enumerate().map(|(mi, m)| {
                    let n_topics = m.topics.len();
                    view! {
                        <div class="tree-module">
                            <div class="tree-row">
                                <span class="tree-tag">{format!("Module {}", mi + 1)}</span>
                                <input class="tree-input" aria-label=format!("Module {} title", mi + 1) value=m.title.clone()
                                    on:change=move |ev| { let v = event_target_value(&ev); edit(Box::new(move |o| o.modules[mi].title = v)); }/>
                                <button type="button" class="btn btn-small" title="Move up" disabled=mi == 0
                                    on:click=move |_| edit(Box::new(move |o| o.modules.swap(mi, mi - 1)))>"↑"</button>
                                <button type="button" class="btn btn-small" title="Move down" disabled=mi + 1 == n_modules
                                    on:click=move |_| edit(Box::new(move |o| o.modules.swap(mi, mi + 1)))>"↓"</button>
                                <button type="button" class="btn btn-small" title="Remove module" aria-label=format!("Remove module {}", mi + 1)
                                    on:click=move |_| edit(Box::new(move |o| { o.modules.remove(mi); }))>"✕"</button>
                            </div>
                            {m.topics.into_iter().enumerate().map(|(ti, t)| view! {
                                <div class="tree-topic">
                                    <div class="tree-row">
                                        <input class="tree-input" aria-label=format!("Topic {}.{} title", mi + 1, ti + 1) value=t.title.clone()
                                            on:change=move |ev| { let v = event_target_value(&ev); edit(Box::new(move |o| o.modules[mi].topics[ti].title = v)); }/>
                                        <button type="button" class="btn btn-small" title="Move up" disabled=ti == 0
                                            on:click=move |_| edit(Box::new(move |o| o.modules[mi].topics.swap(ti, ti - 1)))>"↑"</button>
                                        <button type="button" class="btn btn-small" title="Move down" disabled=ti + 1 == n_topics
                                            on:click=move |_| edit(Box::new(move |o| o.modules[mi].topics.swap(ti, ti + 1)))>"↓"</button>
                                        <button type="button" class="btn btn-small" title="Remove topic" aria-label=format!("Remove topic {}.{}", mi + 1, ti + 1)
                                            on:click=move |_| edit(Box::new(move |o| { o.modules[mi].topics.remove(ti); }))>"✕"</button>
                                    </div>
                                    <ul class="tree-points">
                                        {t.points.into_iter().enumerate().map(|(pi, p)| {
                                            let label = format!("Point {}.{}.{}", mi + 1, ti + 1, pi + 1);
                                            view! {
                                                <li class=format!("lvl{}", p.level)>
                                                    <input class="tree-input" aria-label=label.clone() value=p.text
                                                        on:change=move |ev| { let v = event_target_value(&ev); edit(Box::new(move |o| o.modules[mi].topics[ti].points[pi].text = v)); }/>
                                                    <button type="button" class="btn btn-small" title="Remove point" aria-label=format!("Remove p{}", &label[1..])
                                                        on:click=move |_| edit(Box::new(move |o| { o.modules[mi].topics[ti].points.remove(pi); }))>"✕"</button>
                                                </li>
                                            }
                                        }).collect_view()}
                                    </ul>
                                    <button type="button" class="btn btn-small btn-add btn-add-point" aria-label=format!("Add a point to topic {}.{}", mi + 1, ti + 1)
                                        on:click=move |_| {
                                            edit(Box::new(move |o| o.modules[mi].topics[ti].points.push(Point { text: String::new(), level: 0 })));
                                            let at = outline.with_untracked(|o| o.as_ref().map_or(0, |o| o.modules[mi].topics[ti].points.len()));
                                            focus_label(format!("Point {}.{}.{}", mi + 1, ti + 1, at));
                                        }>"+ Point"</button>
                                </div>
                            }).collect_view()}
                            <button type="button" class="btn btn-small btn-add"
                                on:click=move |_| {
                                    edit(Box::new(move |o| o.modules[mi].topics.push(Topic { title: "New topic".into(), points: vec![] })));
                                    focus_label(format!("Topic {}.{} title", mi + 1, n_topics + 1));
                                }>"+ Topic"</button>
                        </div>
                    }
                }).collect_view()
            }}
            <button type="button" class="btn btn-small btn-add"
                on:click=move |_| {
                    edit(Box::new(|o| o.modules.push(Module { title: "New module".into(), topics: vec![Topic { title: "New topic".into(), points: vec![] }] })));
                    let n = outline.with_untracked(|o| o.as_ref().map_or(0, |o| o.modules.len()));
                    focus_label(format!("Module {n} title"));
                }>"+ Module"</button>
        </div>
    }
}

/// A course language's name in English, as the page's sentences say it.
fn english_name(code: &str) -> &str {
    match code {
        "en" => "English",
        "fr" => "French",
        "de" => "German",
        "es" => "Spanish",
        other => other,
    }
}

/// Focuses (and selects the text of) the tree input labelled `label` once
/// the tree has been drawn again.
fn focus_label(label: String) {
    request_animation_frame(move || {
        if let Ok(Some(el)) = document().query_selector(&format!("[aria-label='{label}']")) {
            use leptos::wasm_bindgen::JsCast;
            if let Ok(input) = el.dyn_into::<leptos::web_sys::HtmlInputElement>() {
                let _ = input.focus();
                input.select();
            }
        }
    });
}

/// Moves the focus to the input a field error is about (the browser
/// scrolls it into view). The error's message is drawn beside it.
#[allow(unused_variables)]
fn focus_field(e: &ApiError) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let ApiError::Invalid { field, .. } = e else {
            return;
        };
        let id = match field.as_str() {
            "timetable" => "day_start",
            "outline" => "outline-file",
            other => other,
        };
        let el = document()
            .get_element_by_id(id)
            .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok());
        if let Some(el) = el {
            // After the message is drawn, so the scroll shows both.
            request_animation_frame(move || {
                let _ = el.focus();
            });
        }
    }
}
