//! A job: its parameters, a progress bar and log fed live by the server's
//! event stream, the QA report, and download / retry / cancel / delete.

use leptos::prelude::*;

use crate::pages::usage::{cost, grouped};
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_params_map};

use crate::api::jobs::{cancel_job, delete_job, download_link, get_job, retry_job, slide_previews};
use crate::components::widgets::{ErrorNotice, PageHeader};
use types::jobs::{JobEvent, JobStatus, QaFinding, QaReport as Report, SlidePreviews};

#[component]
pub fn JobPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let version = RwSignal::new(0u32);
    let detail = Resource::<_, crate::codec::Json>::new_with_options(
        move || (id(), version.get()),
        |(id, _)| get_job(id),
        false,
    );
    // Live state from the event stream (falls back to the loaded detail).
    let live_status = RwSignal::new(None::<JobStatus>);
    let live_progress = RwSignal::new(None::<i64>);
    let live_log = RwSignal::new(Vec::<JobEvent>::new());
    let action_error = RwSignal::new(None::<types::error::ApiError>);
    provide_context(crate::pages::course_edit::Edits(RwSignal::new(0)));
    // Effects run in the browser only: this turns true after hydration.
    let in_browser = RwSignal::new(false);
    Effect::new(move |_| in_browser.set(true));
    // Delete asks first: the course, its deck and its pictures go (kept a
    // while for an undo, offered on the history page it leads to).
    let confirming_delete = RwSignal::new(false);
    let keep_button = NodeRef::<leptos::html::Button>::new();
    // The question takes the focus (on "Keep it": the safe answer) when it
    // appears, so a keyboard user hears it and Enter does no harm.
    Effect::new(move |_| {
        if let Some(el) = keep_button.get() {
            request_animation_frame(move || {
                let _ = el.focus();
            });
        }
    });

    #[cfg(feature = "hydrate")]
    {
        // One stream per job id while the page is open.
        let stream = StoredValue::new_local(None::<crate::client::Stream>);
        Effect::new(move |_| {
            let job = id();
            let _ = version.get();
            live_log.set(Vec::new());
            let s = crate::client::follow(&job, move |u| {
                live_status.set(Some(u.status));
                live_progress.set(Some(u.progress));
                if let Some(e) = u.event {
                    live_log.update(|l| l.push(e));
                }
                if u.status.is_terminal() {
                    // Reload for the QA report and final figures.
                    detail.refetch();
                }
            });
            stream.set_value(s);
        });
    }

    let run = move |which: &'static str| {
        let job = id();
        let navigate = use_navigate();
        leptos::task::spawn_local(async move {
            let r = match which {
                "cancel" => cancel_job(job).await,
                "retry" => retry_job(job).await,
                // To the history, which offers the undo while it is kept.
                "delete" => match delete_job(job.clone()).await {
                    Ok(keep) => {
                        navigate(&format!("/history?deleted={job}&keep={keep}"), Default::default());
                        return;
                    }
                    Err(e) => Err(e),
                },
                _ => Ok(()),
            };
            match r {
                Ok(()) => {
                    action_error.set(None);
                    live_status.set(None);
                    live_progress.set(None);
                    version.update(|v| *v += 1);
                }
                Err(e) => action_error.set(Some(e)),
            }
        });
    };
    let download = move |_| {
        let job = id();
        leptos::task::spawn_local(async move {
            match download_link(job).await {
                #[cfg(feature = "hydrate")]
                Ok(url) => crate::client::go(&url),
                #[cfg(not(feature = "hydrate"))]
                Ok(_) => {}
                Err(e) => action_error.set(Some(e)),
            }
        });
    };

    view! {
        <Title text="Job"/>
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    Ok(d) => {
                        let j = d.job.clone();
                        let loaded = j.status;
                        let status = move || live_status.get().unwrap_or(loaded);
                        let progress = move || live_progress.get().unwrap_or(j.progress).clamp(0, 100);
                        let log = {
                            let initial = d.events.clone();
                            move || {
                                let mut all = initial.clone();
                                for e in live_log.get() {
                                    if !all.contains(&e) {
                                        all.push(e);
                                    }
                                }
                                all
                            }
                        };
                        let can = d.can_manage;
                        let job_id_for_spec = j.id.clone();
                        let qa: Option<Report> = d.qa_report.as_deref().and_then(|r| crate::codec::parse(r).ok());
                        let plain = d.plain_findings.clone();
                        view! {
                            <PageHeader title=j.course_title.clone() lead=format!("Job {} · {} · {} day(s) · {} · by {}", j.id, j.template_name, j.duration_days, j.language, j.owner_name)/>
                            <section class="card">
                                <div class="job-status">
                                    <span class=move || format!("badge badge-{}", status().as_str()) data-testid="job-status">{move || status().as_str()}</span>
                                    <span class="muted" data-testid="job-progress-text">{move || format!("{}%", progress())}</span>
                                </div>
                                <div class="progress" role="progressbar" aria-label="Progress" aria-valuemin="0" aria-valuemax="100" aria-valuenow=move || progress().to_string()>
                                    <div class="progress-bar" style=move || format!("width: {}%", progress())></div>
                                </div>
                                <div class="actions">
                                    {move || (status() == JobStatus::Complete).then(|| view! {
                                        <button type="button" class="btn btn-primary" data-testid="download" on:click=download>"Download .pptx"</button>
                                    })}
                                    <a class="btn" data-testid="spec-download" href=format!("/api/jobs/{}/spec", job_id_for_spec.clone()) download="">"Download spec"</a>
                                    {move || (can && matches!(status(), JobStatus::Queued | JobStatus::Running)).then(|| view! {
                                        <button type="button" class="btn" on:click=move |_| run("cancel")>"Cancel"</button>
                                    })}
                                    {move || (can && matches!(status(), JobStatus::Failed | JobStatus::Cancelled)).then(|| view! {
                                        <button type="button" class="btn" on:click=move |_| run("retry")>"Retry"</button>
                                    })}
                                    {move || (can && status().is_terminal() && !confirming_delete.get()).then(|| view! {
                                        <button type="button" class="btn btn-danger" data-testid="delete" on:click=move |_| confirming_delete.set(true)>"Delete"</button>
                                    })}
                                </div>
                                {move || confirming_delete.get().then(|| view! {
                                    <div class="notice notice-warning confirm" role="alertdialog" aria-labelledby="confirm-delete-text" data-testid="confirm-delete">
                                        <p id="confirm-delete-text">"Delete this course? Its deck, PDF and slide pictures go with it, for everyone on the team. Right after, you can still undo it for a while."</p>
                                        <div class="actions">
                                            <button type="button" class="btn btn-danger" on:click=move |_| run("delete")>"Delete"</button>
                                            <button type="button" class="btn" node_ref=keep_button on:click=move |_| confirming_delete.set(false)>"Keep it"</button>
                                        </div>
                                    </div>
                                })}
                                {move || action_error.get().map(|e| view! { <ErrorNotice error=e/> })}
                                {j.error.clone().map(|e| view! { <p class="notice notice-error">{e}</p> })}
                            </section>
                            <section class="card">
                                <h2>"Log"</h2>
                                <ol class="log" data-testid="job-log" tabindex="0" aria-label="Job log">
                                    {move || log().into_iter().map(|e| view! {
                                        <li class=format!("log-{}", e.level)><span class="muted">{e.at.get(11..19).unwrap_or("").to_string()}</span>" "{e.message}</li>
                                    }).collect_view()}
                                </ol>
                            </section>
                            {(d.usage.calls > 0).then(|| {
                                let u = d.usage.clone();
                                view! {
                                    <section class="card" data-testid="job-usage">
                                        <h2>"AI usage"</h2>
                                        <p>
                                            {format!("{} model calls · {} tokens (input {}, output {}, cache write {}, cache read {}) · estimated cost {}",
                                                u.calls, grouped(u.tokens()), grouped(u.input), grouped(u.output), grouped(u.cache_write), grouped(u.cache_read), cost(&u))}
                                        </p>
                                    </section>
                                }
                            })}
                            {
                                let for_slides = qa.as_ref().map(|q| q.findings.clone()).unwrap_or_default();
                                let slides_id = j.id.clone();
                                move || (status() == JobStatus::Complete).then(|| view! { <Slides id=slides_id.clone() findings=for_slides.clone() can/> })
                            }
                            {
                                let versions_id = j.id.clone();
                                // Drawn in the browser only, once the page is
                                // hydrated: the card is a chunk of its own, and
                                // its data is asked for when it arrives.
                                move || (in_browser.get() && status().is_terminal()).then(|| {
                                    let id = versions_id.clone();
                                    view! { <Suspense fallback=|| ()>{move || Suspend::new(versions_card(id.clone(), can))}</Suspense> }
                                })
                            }
                            {qa.map(|qa| view! { <QaReport qa plain=plain.clone()/> })}
                        }.into_any()
                    }
                }
            })}
        </Transition>
    }
}

/// The finished deck, slide by slide: a grid of thumbnails that fills as
/// they are drawn (lazy-loaded); a click opens the large view with the
/// slide's speaker notes and QA findings (arrow keys move, Escape closes);
/// and the PDF.
#[component]
fn Slides(id: String, findings: Vec<QaFinding>, can: bool) -> impl IntoView {
    let previews = Resource::<_, crate::codec::Json>::new_with_options(
        {
            let id = id.clone();
            move || id.clone()
        },
        |id| slide_previews(id, None),
        false,
    );
    let findings = StoredValue::new(findings);
    let id = StoredValue::new(id);
    view! {
        <section class="card" data-testid="slides">
            <h2>"Slides"</h2>
            <Suspense fallback=|| view! { <p class="muted">"Making the slide previews…"</p> }>
                {move || Suspend::new(async move {
                    match previews.await {
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                        Ok(first) => view! { <SlideGrid id=id.get_value() first findings can/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// The grid as the server draws it: while `drawing`, asks again every
/// second and shows each thumbnail as soon as it exists (a placeholder
/// until then); one line with "Try again" when there are no pictures.
#[component]
fn SlideGrid(
    id: String,
    first: SlidePreviews,
    findings: StoredValue<Vec<QaFinding>>,
    can: bool,
) -> impl IntoView {
    let state = RwSignal::new(first);
    let id = StoredValue::new(id);
    let open = RwSignal::new(None::<usize>);
    let ask = move || {
        leptos::task::spawn_local(async move {
            let Some(id) = id.try_get_value() else {
                return;
            };
            if let Ok(p) = slide_previews(id, None).await {
                state.try_set(p);
            }
        });
    };
    Effect::new(move |_| {
        if state.with(|p| p.drawing) {
            set_timeout(ask, std::time::Duration::from_millis(1000));
        }
    });
    let pages = Memo::new(move |_| state.with(|p| p.pages));
    let unavailable = Memo::new(move |_| {
        state.with(|p| (p.pages == 0 && !p.drawing).then(|| (p.unavailable.clone(), p.retry)))
    });
    // Read once when a slide opens: the grid's state changes every second
    // while drawing, and the open view (with an edit in progress) must not
    // be drawn again each time.
    let notes = move |n: usize| state.with_untracked(|p| p.notes.get(n - 1).cloned().unwrap_or_default());
    // Closing the large view gives the focus back to the thumbnail of the
    // slide it showed last, so the keyboard user is where they were.
    Effect::new(move |before: Option<Option<usize>>| {
        let now = open.get();
        if let (Some(Some(n)), None) = (before, now) {
            if let Ok(Some(thumb)) = document().query_selector(&format!("[data-thumb='{n}']")) {
                use leptos::wasm_bindgen::JsCast;
                if let Ok(thumb) = thumb.dyn_into::<leptos::web_sys::HtmlElement>() {
                    let _ = thumb.focus();
                }
            }
        }
        now
    });
    move || {
        if let Some((why, retry)) = unavailable.get() {
            return view! {
                <p class="muted" data-testid="previews-unavailable">
                    {why.unwrap_or_else(|| "Slide previews are not available.".into())}
                    {retry.then(|| view! {
                        " "
                        <button type="button" class="btn" data-testid="previews-retry" on:click=move |_| {
                            let Some(id) = id.try_get_value() else { return };
                            leptos::task::spawn_local(async move {
                                if let Ok(p) = slide_previews(id, Some(true)).await {
                                    state.try_set(p);
                                }
                            });
                        }>"Try again"</button>
                    })}
                </p>
            }
            .into_any();
        }
        let pages = pages.get();
        if pages == 0 {
            return view! { <p class="muted" role="status" data-testid="previews-drawing">"Drawing the slides…"</p> }.into_any();
        }
        view! {
            <p><a class="btn" data-testid="pdf-download" href=format!("/api/jobs/{}/pdf", id.get_value()) download="">"Download PDF"</a></p>
            {move || state.with(|p| p.drawing.then(|| view! {
                <p class="muted" role="status" data-testid="previews-progress">{format!("Drawing the slides: {} of {}…", p.drawn, p.pages)}</p>
            }))}
            <ul class="thumbs" data-testid="thumbs">
                {(1..=pages).map(|n| view! {
                    <li>
                        <button type="button" class="thumb" data-thumb=n aria-label=format!("Open slide {n}") on:click=move |_| open.set(Some(n))>
                            {move || if state.with(|p| n <= p.drawn) {
                                view! { <img loading="lazy" width="320" height="240" alt=format!("Slide {n}") src=format!("/api/jobs/{}/slides/{n}.png?size=thumb", id.get_value())/> }.into_any()
                            } else {
                                view! { <span class="thumb-pending" aria-hidden="true"></span> }.into_any()
                            }}
                            <span>{n}</span>
                        </button>
                    </li>
                }).collect_view()}
            </ul>
            {move || open.get().map(|n| {
                let mine: Vec<QaFinding> = findings.with_value(|f| {
                    f.iter().filter(|x| x.slide == n).cloned().collect()
                });
                let (note, id) = (notes(n), id.get_value());
                view! {
                    <Suspense fallback=|| ()>
                        {move || {
                            let (id, note, mine) = (id.clone(), note.clone(), mine.clone());
                            Suspend::new(async move { slide_view(id, n, pages, note, mine, open, can).await })
                        }}
                    </Suspense>
                }
            })}
        }
        .into_any()
    }
}

/// The large view, in a chunk of its own: fetched when a slide is first
/// opened (never part of the server-rendered page).
#[lazy]
async fn slide_view(
    id: String,
    n: usize,
    pages: usize,
    note: String,
    findings: Vec<QaFinding>,
    open: RwSignal<Option<usize>>,
    can: bool,
) -> AnyView {
    view! { <SlideView id n pages note findings open can/> }.into_any()
}

/// The course's versions, in a chunk of its own.
#[lazy]
async fn versions_card(id: String, can: bool) -> AnyView {
    view! { <crate::pages::course_edit::Versions id can/> }.into_any()
}

/// One slide large, its notes and findings; keyboard: ← → Escape, and Tab
/// stays inside the view.
#[component]
fn SlideView(
    id: String,
    n: usize,
    pages: usize,
    note: String,
    findings: Vec<QaFinding>,
    open: RwSignal<Option<usize>>,
    can: bool,
) -> impl IntoView {
    // Editing the slide's words: arrows then move the caret, not the slide.
    let editing = RwSignal::new(false);
    let dialog = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        if let Some(el) = dialog.get() {
            // On the next frame: a view that arrives with its chunk is in
            // the document only then.
            request_animation_frame(move || {
                let _ = el.focus();
            });
        }
    });
    let go = move |to: usize| open.set(Some(to.clamp(1, pages)));
    let on_key = move |ev: leptos::ev::KeyboardEvent| match ev.key().as_str() {
        "ArrowRight" if !editing.get_untracked() => go(n + 1),
        "ArrowLeft" if !editing.get_untracked() => go(n.saturating_sub(1)),
        "Escape" if editing.get_untracked() => editing.set(false),
        "Escape" => open.set(None),
        "Tab" => {
            // A modal view keeps the focus: Tab cycles its own buttons.
            #[cfg(feature = "hydrate")]
            if let Some(root) = dialog.get_untracked() {
                crate::client::keep_tab_inside(&root, &ev);
            }
        }
        _ => {}
    };
    // Keys are heard on the window while the view is open: each slide is a
    // view of its own, and a key pressed while the next one takes the focus
    // must not be lost.
    let keys = window_event_listener(leptos::ev::keydown, on_key);
    on_cleanup(move || keys.remove());
    view! {
        <div class="lightbox" role="dialog" aria-modal="true" aria-label=format!("Slide {n} of {pages}") tabindex="-1" node_ref=dialog data-testid="slide-view">
            <div class="lightbox-body">
                <img alt=format!("Slide {n}") src=format!("/api/jobs/{id}/slides/{n}.png?size=large")/>
                <aside>
                    <h3>{format!("Slide {n} of {pages}")}</h3>
                    <h4>"Speaker notes"</h4>
                    <p class="notes" data-testid="slide-notes">{note}</p>
                    <h4>"Findings"</h4>
                    {if findings.is_empty() {
                        view! { <p class="muted" data-testid="slide-findings">"None for this slide."</p> }.into_any()
                    } else {
                        view! {
                            <ul class="findings" data-testid="slide-findings">{findings.into_iter().map(finding).collect_view()}</ul>
                        }.into_any()
                    }}
                    <div class="actions">
                        <button type="button" class="btn" on:click=move |_| go(n.saturating_sub(1)) disabled={n <= 1}>"← Previous"</button>
                        <button type="button" class="btn" on:click=move |_| go(n + 1) disabled={n >= pages}>"Next →"</button>
                        {can.then(|| view! {
                            <button type="button" class="btn" data-testid="slide-edit-open" aria-pressed=move || editing.get().to_string() on:click=move |_| editing.update(|e| *e = !*e)>"Edit"</button>
                        })}
                        <button type="button" class="btn" data-testid="slide-close" on:click=move |_| open.set(None)>"Close"</button>
                    </div>
                    {
                        let id = id.clone();
                        move || editing.get().then(|| view! { <crate::pages::course_edit::SlideEditor id=id.clone() n editing/> })
                    }
                    <crate::pages::course_edit::SlideComments id=id.clone() n/>
                </aside>
            </div>
        </div>
    }
}

/// One finding as a list item: its severity, then its message.
fn finding(f: QaFinding) -> impl IntoView {
    view! { <li><span class=format!("sev sev-{}", f.severity)>{f.severity.clone()}</span>" "{f.message}</li> }
}

#[component]
fn QaReport(qa: Report, plain: Vec<String>) -> impl IntoView {
    let parts = qa.breakdown.as_ref().map(|b| {
        let pct = |v: f64| (v * 100.0).round();
        format!(
            "Made of: lint {}/100 · outline covered {}% · slides with notes {}% · slides on the designer's layouts {}%",
            b.lint,
            pct(b.coverage),
            pct(b.notes),
            pct(b.intent)
        )
    });
    // Findings grouped by slide, the whole deck's first.
    let mut by_slide: Vec<(usize, Vec<QaFinding>)> = Vec::new();
    for f in qa.findings.iter() {
        match by_slide.iter_mut().find(|(s, _)| *s == f.slide) {
            Some((_, v)) => v.push(f.clone()),
            None => by_slide.push((f.slide, vec![f.clone()])),
        }
    }
    by_slide.sort_by_key(|(n, _)| *n);
    let fallbacks = qa.fallback_modules.clone();
    let lint = qa.lint_score;
    let n_findings = qa.findings.len();
    view! {
        <section class="card" data-testid="qa-report">
            <h2>"Quality check"</h2>
            <p>
                <strong>{format!("{}/100", qa.score)}</strong>
                " · verdict "<span class=format!("badge badge-{}", qa.verdict)>{qa.verdict.clone()}</span>
                {format!(" · {} slides", qa.slides)}
                {format!(" · lint {lint}/100")}
            </p>
            {parts.map(|p| view! { <p class="muted" data-testid="qa-breakdown">{p}</p> })}
            {qa.review.map(|r| view! {
                <div data-testid="ai-review">
                    <p>{format!("AI review: content {}/5, coherence {}/5 — combined score = 60% deck score + 40% review.", r.content, r.coherence)}</p>
                    <p class="muted">{r.summary}</p>
                    <ul>{r.suggestions.into_iter().map(|s| view! { <li>{s}</li> }).collect_view()}</ul>
                </div>
            })}
            {(!fallbacks.is_empty()).then(|| view! {
                <p class="notice notice-warning">{format!("Written offline after the AI writer gave up: module(s) {}.",
                    fallbacks.iter().map(|m| m.to_string()).collect::<Vec<_>>().join(", "))}</p>
            })}
            <p data-testid="qa-meaning">{match qa.verdict.as_str() {
                "pass" => "Ready to teach from.",
                "fail" => "Not ready: fix what is listed below, or generate the course again.",
                _ => "Usable: look at the slides listed below before you teach from it.",
            }}</p>
            {(!plain.is_empty()).then(|| view! {
                <ul class="plain-findings" data-testid="qa-plain">
                    {plain.into_iter().map(|line| view! { <li>{line}</li> }).collect_view()}
                </ul>
            })}
            {if by_slide.is_empty() {
                view! { <p class="muted">"No findings."</p> }.into_any()
            } else {
                view! {
                    <details class="detail" data-testid="qa-detail">
                        <summary>{format!("Technical detail: {} finding{}", n_findings, if n_findings == 1 { "" } else { "s" })}</summary>
                        <div class="table-wrap"><table class="table wrap" data-testid="qa-findings">
                            <thead><tr><th>"Slide"</th><th>"Findings"</th></tr></thead>
                            <tbody>{by_slide.into_iter().map(|(n, fs)| view! {
                                <tr>
                                    <td>{if n == 0 { "Whole deck".to_string() } else { n.to_string() }}</td>
                                    <td><ul class="findings">{fs.into_iter().map(finding).collect_view()}</ul></td>
                                </tr>
                            }).collect_view()}</tbody>
                        </table></div>
                    </details>
                }.into_any()
            }}
        </section>
    }
}
