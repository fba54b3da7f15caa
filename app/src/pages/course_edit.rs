//! Editing a finished course on its job page: the words of one slide (in
//! the large view), the course's versions with "Rebuild", another template,
//! "Make this the current version" and what changed between two versions;
//! the course's review and the comments on a slide.

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use crate::api::courses::{
    add_comment, compare_versions, course_comments, course_content, course_review, course_versions,
    decide_review, make_current, rebuild_course, resolve_comment, rewrite_content, save_content,
    submit_for_review, translate_course,
};
use crate::api::jobs::{list_templates, template_report};
use crate::components::widgets::ErrorNotice;
use types::content::{
    Comment, ContentChange, ContentSave, ContentView, Line, Review, SlideText, VersionDiff,
};
use types::ApiError;

/// Bumped by every saved edit on the page, so the versions card asks again
/// whether the course's words differ from its newest version.
#[derive(Clone, Copy)]
pub struct Edits(pub RwSignal<u32>);

/// Lines as typed: one per line, two leading spaces (or a tab) per indent level.
fn parse_lines(text: &str) -> Vec<Line> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let indent: usize = l
                .chars()
                .take_while(|c| c.is_whitespace())
                .map(|c| if c == '\t' { 2 } else { 1 })
                .sum();
            Line {
                text: l.trim().to_owned(),
                level: u8::try_from(indent / 2).unwrap_or(4).min(4),
            }
        })
        .collect()
}

fn show_lines(lines: &[Line]) -> String {
    lines
        .iter()
        .map(|l| format!("{}{}", "  ".repeat(usize::from(l.level)), l.text))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The editor of deck slide `n` of job `id`: the content slide it shows,
/// saved against the revision it was loaded at.
#[component]
pub fn SlideEditor(id: String, n: usize, editing: RwSignal<bool>) -> impl IntoView {
    let content = Resource::<_, crate::codec::Json>::new_with_options(
        {
            let id = id.clone();
            move || id.clone()
        },
        course_content,
        false,
    );
    let id = StoredValue::new(id);
    view! {
        <Suspense fallback=|| view! { <p class="muted">"Loading the slide's words…"</p> }>
            {move || Suspend::new(async move {
                match content.await {
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    Ok(c) => {
                        let found = c
                            .deck_slides
                            .get(n - 1)
                            .and_then(|sid| c.slides.iter().find(|s| &s.id == sid))
                            .cloned();
                        match found {
                            None => view! { <p class="muted">"This slide continues the one before: edit that one."</p> }.into_any(),
                            Some(slide) => view! { <SlideForm id=id.get_value() slide revision=c.revision editing/> }.into_any(),
                        }
                    }
                }
            })}
        </Suspense>
    }
}

#[component]
fn SlideForm(id: String, slide: SlideText, revision: i64, editing: RwSignal<bool>) -> impl IntoView {
    let revision = RwSignal::new(revision);
    let title = RwSignal::new(slide.title.clone());
    let subtitle = RwSignal::new(slide.subtitle.clone().unwrap_or_default());
    let bullets = RwSignal::new(slide.bullets.as_deref().map(show_lines).unwrap_or_default());
    let right = RwSignal::new(slide.right.as_deref().map(show_lines).unwrap_or_default());
    let notes = RwSignal::new(slide.notes.clone());
    let new_title = RwSignal::new(String::new());
    let said = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<ApiError>);
    let (has_sub, has_list, has_right) = (
        slide.subtitle.is_some(),
        slide.bullets.is_some(),
        slide.right.is_some(),
    );
    let bank = slide.kind == "clone";
    let in_module = slide.module.is_some() && slide.kind != "section";
    let edits = use_context::<Edits>();
    let id = StoredValue::new(id);
    let slide = StoredValue::new(slide);
    let send = move |change: ContentChange, done: &'static str| {
        let save = ContentSave {
            revision: revision.get_untracked(),
            change,
        };
        leptos::task::spawn_local(async move {
            match save_content(id.get_value(), save).await {
                Ok(c) => {
                    revision.set(c.revision);
                    error.set(None);
                    said.set(Some(done.to_owned()));
                    if let Some(Edits(n)) = edits {
                        n.update(|n| *n += 1);
                    }
                }
                Err(e) => {
                    said.set(None);
                    crate::components::widgets::focus_refused("slide-edit", Some(Err::<(), _>(e.clone())));
                    error.set(Some(e));
                }
            }
        });
    };
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut s = slide.get_value();
        s.title = title.get_untracked();
        s.subtitle = has_sub.then(|| subtitle.get_untracked());
        s.bullets = has_list.then(|| parse_lines(&bullets.get_untracked()));
        s.right = has_right.then(|| parse_lines(&right.get_untracked()));
        s.notes = notes.get_untracked();
        send(
            ContentChange::Edit { slide: s },
            "Saved. Rebuild the course to see it in the deck.",
        );
    };
    let slide_id = move || slide.with_value(|s| s.id.clone());
    let module = slide.with_value(|s| s.module);
    let instruction = RwSignal::new(String::new());
    // The AI writer's words replace the form's (and the working copy's).
    let rewrite = move |whole_module: bool| {
        let (sid, words) = (
            slide_id(),
            Some(instruction.get_untracked()).filter(|i| !i.trim().is_empty()),
        );
        let (one, all) = if whole_module {
            (None, module)
        } else {
            (Some(sid.clone()), None)
        };
        said.set(Some("The AI writer is rewriting it…".into()));
        leptos::task::spawn_local(async move {
            match rewrite_content(id.get_value(), revision.get_untracked(), one, all, words).await {
                Ok(c) => {
                    revision.set(c.revision);
                    if let Some(s) = c.slides.iter().find(|s| s.id == sid) {
                        title.set(s.title.clone());
                        subtitle.set(s.subtitle.clone().unwrap_or_default());
                        bullets.set(s.bullets.as_deref().map(show_lines).unwrap_or_default());
                        right.set(s.right.as_deref().map(show_lines).unwrap_or_default());
                        notes.set(s.notes.clone());
                    }
                    error.set(None);
                    said.set(Some(
                        "Rewritten and saved. Rebuild the course to see it in the deck.".into(),
                    ));
                    if let Some(Edits(n)) = edits {
                        n.update(|n| *n += 1);
                    }
                }
                Err(e) => {
                    said.set(None);
                    error.set(Some(e));
                }
            }
        });
    };
    view! {
        <form class="slide-edit" data-testid="slide-edit" on:submit=save>
            {(!bank).then(|| view! {
                <label>"Title"<input name="title" type="text" maxlength="200" prop:value=title on:input=move |ev| title.set(event_target_value(&ev))/></label>
            })}
            {has_sub.then(|| view! {
                <label>"Subtitle"<input name="subtitle" type="text" maxlength="200" prop:value=subtitle on:input=move |ev| subtitle.set(event_target_value(&ev))/></label>
            })}
            {has_list.then(|| view! {
                <label>{if has_right { "Left column" } else { "Bullets" }}
                    <span class="muted">" (one per line; two spaces indent a line)"</span>
                    <textarea name="bullets" rows="6" data-testid="edit-bullets" prop:value=bullets on:input=move |ev| bullets.set(event_target_value(&ev))></textarea>
                </label>
            })}
            {has_right.then(|| view! {
                <label>"Right column"<textarea name="right" rows="5" prop:value=right on:input=move |ev| right.set(event_target_value(&ev))></textarea></label>
            })}
            {bank.then(|| view! { <p class="muted">"A slide from the bank: its notes can be changed here, its design in the bank deck."</p> })}
            <label>"Speaker notes"<textarea name="notes" rows="5" data-testid="edit-notes" prop:value=notes on:input=move |ev| notes.set(event_target_value(&ev))></textarea></label>
            <div class="actions">
                <button type="submit" class="btn btn-primary" data-testid="edit-save">"Save"</button>
                <button type="button" class="btn" on:click=move |_| editing.set(false)>"Done"</button>
            </div>
            {in_module.then(|| view! {
                <div class="actions">
                    <button type="button" class="btn" on:click=move |_| send(ContentChange::Move { id: slide_id(), by: -1 }, "Moved up. Rebuild to see it in the deck.")>"Move up"</button>
                    <button type="button" class="btn" on:click=move |_| send(ContentChange::Move { id: slide_id(), by: 1 }, "Moved down. Rebuild to see it in the deck.")>"Move down"</button>
                    <button type="button" class="btn btn-danger" on:click=move |_| send(ContentChange::Remove { id: slide_id() }, "Removed. Rebuild to see it in the deck.")>"Remove slide"</button>
                </div>
                <div class="actions">
                    <label>"New slide after this one"<input name="after" type="text" maxlength="200" placeholder="Its title" prop:value=new_title on:input=move |ev| new_title.set(event_target_value(&ev))/></label>
                    <button type="button" class="btn" on:click=move |_| {
                        let t = new_title.get_untracked();
                        send(ContentChange::Add { after: slide_id(), title: t }, "Slide added. Rebuild to see it in the deck.");
                        new_title.set(String::new());
                    }>"Add slide"</button>
                </div>
            })}
            <div class="actions">
                <label>"Instruction for the AI writer (optional)"<input name="instruction" type="text" maxlength="500" placeholder="shorter; add an example from retail" prop:value=instruction on:input=move |ev| instruction.set(event_target_value(&ev))/></label>
                <button type="button" class="btn" data-testid="rewrite-slide" on:click=move |_| rewrite(false)>"Rewrite this slide"</button>
                {module.map(|_| view! { <button type="button" class="btn" on:click=move |_| rewrite(true)>"Rewrite this module"</button> })}
            </div>
            <p role="status" data-testid="edit-said">{move || said.get()}</p>
            {move || error.get().map(|e| view! { <ErrorNotice error=e/> })}
        </form>
    }
}

/// The course's versions, with what can be done with them.
#[component]
pub fn Versions(id: String, can: bool) -> impl IntoView {
    let versions = Resource::<_, crate::codec::Json>::new_with_options(
        {
            let id = id.clone();
            move || id.clone()
        },
        course_versions,
        false,
    );
    let edits = use_context::<Edits>().map(|Edits(n)| n);
    let content = Resource::<_, crate::codec::Json>::new_with_options(
        {
            let id = id.clone();
            move || (id.clone(), edits.map(|n| n.get()))
        },
        |(id, _)| course_content(id),
        false,
    );
    let error = RwSignal::new(None::<ApiError>);
    let diff = RwSignal::new(None::<VersionDiff>);
    let template = RwSignal::new(String::new());
    let language = RwSignal::new(String::new());
    // The template's intake report comes first: its warnings are read
    // before the course is built on it.
    let report = Resource::<_, crate::codec::Json>::new_with_options(
        move || template.get(),
        |t| async move {
            match t.is_empty() {
                true => Ok(None),
                false => template_report(t).await.map(Some),
            }
        },
        false,
    );
    let templates = Resource::<_, crate::codec::Json>::new_with_options(|| (), |_| list_templates(), false);
    let go_to = move |r: Result<String, ApiError>| match r {
        Ok(new) => use_navigate()(&format!("/jobs/{new}"), Default::default()),
        Err(e) => error.set(Some(e)),
    };
    let id = StoredValue::new(id);
    let rebuild = move |on: Option<String>| {
        leptos::task::spawn_local(async move { go_to(rebuild_course(id.get_value(), on).await) });
    };
    let restore = move |job: String| {
        leptos::task::spawn_local(async move { go_to(make_current(job).await) });
    };
    let compare = move |from: String, to: String| {
        leptos::task::spawn_local(async move {
            match compare_versions(from, to).await {
                Ok(d) => diff.set(Some(d)),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <ReviewPanel id=id.get_value() can/>
        <section class="card" data-testid="versions">
            <h2>"Versions"</h2>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let changed = matches!(content.await, Ok(ContentView { changed: true, .. }));
                    (can && changed).then(|| view! {
                        <p class="notice notice-warning" data-testid="edited">
                            "The course's words were changed since this version was built. "
                            <button type="button" class="btn btn-primary" data-testid="rebuild" on:click=move |_| rebuild(None)>"Rebuild"</button>
                        </p>
                    })
                })}
            </Suspense>
            <Suspense fallback=|| view! { <p class="muted">"Loading versions…"</p> }>
                {move || Suspend::new(async move {
                    match versions.await {
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                        Ok(list) => {
                            let last = list.last().map(|v| v.version).unwrap_or(0);
                            let rows = list.iter().enumerate().map(|(i, v)| {
                                let previous = i.checked_sub(1).and_then(|p| list.get(p)).map(|p| p.job.clone());
                                let (job, job2) = (v.job.clone(), v.job.clone());
                                let here = v.job == id.get_value();
                                view! {
                                    <tr class:current=here>
                                        <td><a href=format!("/jobs/{}", v.job)>{format!("v{}", v.version)}</a>{here.then_some(" (this page)")}</td>
                                        <td>{v.origin.clone()}</td>
                                        <td>{v.template_name.clone()}</td>
                                        <td>{v.qa_score.map(|s| s.to_string()).unwrap_or_else(|| "—".into())}</td>
                                        <td>{v.created_at.get(..16).unwrap_or_default().replace('T', " ")}</td>
                                        <td class="actions">
                                            {previous.map(|p| view! {
                                                <button type="button" class="btn" data-testid="compare" on:click=move |_| compare(p.clone(), job.clone())>"Changes"</button>
                                            })}
                                            {(can && v.version < last).then(|| view! {
                                                <button type="button" class="btn" data-testid="make-current" on:click=move |_| restore(job2.clone())>"Make current"</button>
                                            })}
                                        </td>
                                    </tr>
                                }
                            }).collect_view();
                            view! {
                                <div class="table-wrap">
                                    <table class="table wrap versions">
                                        <thead><tr><th>"Version"</th><th>"How"</th><th>"Template"</th><th>"QA"</th><th>"Started"</th><th><span class="sr-only">"Actions"</span></th></tr></thead>
                                        <tbody>{rows}</tbody>
                                    </table>
                                </div>
                            }.into_any()
                        }
                    }
                })}
            </Suspense>
            {move || diff.get().map(|d| view! { <DiffView d/> })}
            {can.then(|| view! {
                <p><a class="btn" data-testid="change-outline" href=format!("/new?version_of={}", id.get_value())>"Change the outline or timetable"</a></p>
                <div class="actions">
                    <label>"Another template"
                        <select name="template" on:change=move |ev| template.set(event_target_value(&ev))>
                            <option value="">"Choose…"</option>
                            <Suspense fallback=|| ()>
                                {move || Suspend::new(async move {
                                    templates.await.unwrap_or_default().into_iter().map(|t| view! {
                                        <option value=t.choice.clone()>{t.choice.clone()}</option>
                                    }).collect_view()
                                })}
                            </Suspense>
                        </select>
                    </label>
                    <Suspense fallback=|| ()>
                        {move || Suspend::new(async move {
                            match report.await {
                                Ok(Some(r)) if r.advice.is_empty() && r.warnings.is_empty() => view! {
                                    <p class="muted" data-testid="retemplate-report">{format!("{}: {} layouts, no readability warnings.", r.choice, r.layouts)}</p>
                                }.into_any(),
                                Ok(Some(r)) => view! {
                                    <div class="notice notice-warning" data-testid="retemplate-report">
                                        <p><strong>{format!("{}: {} layouts.", r.choice, r.layouts)}</strong></p>
                                        {r.advice.iter().map(|a| view! { <p>{a.clone()}</p> }).collect_view()}
                                        <details class="detail"><summary>"Technical detail"</summary>
                                            <ul>{r.warnings.iter().map(|w| view! { <li>{w.clone()}</li> }).collect_view()}</ul>
                                        </details>
                                    </div>
                                }.into_any(),
                                Ok(None) => ().into_any(),
                                Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                            }
                        })}
                    </Suspense>
                    <button type="button" class="btn" data-testid="retemplate" on:click=move |_| {
                        let t = template.get_untracked();
                        if !t.is_empty() {
                            rebuild(Some(t));
                        }
                    }>"Build on this template"</button>
                </div>
            })}
            <div class="actions">
                <label>"Translate into"
                    <select name="translate" on:change=move |ev| language.set(event_target_value(&ev))>
                        <option value="">"Choose…"</option>
                        <option value="en">"English"</option>
                        <option value="fr">"French"</option>
                        <option value="de">"German"</option>
                        <option value="es">"Spanish"</option>
                    </select>
                </label>
                <button type="button" class="btn" data-testid="translate" on:click=move |_| {
                    let to = language.get_untracked();
                    if !to.is_empty() {
                        leptos::task::spawn_local(async move { go_to(translate_course(id.get_value(), to).await) });
                    }
                }>"Translate (a new course)"</button>
            </div>
            {move || error.get().map(|e| view! { <ErrorNotice error=e/> })}
        </section>
    }
}

#[component]
fn DiffView(d: VersionDiff) -> impl IntoView {
    let qa = match (d.qa_before, d.qa_after) {
        (Some(a), Some(b)) => format!("QA score {a} → {b}"),
        _ => String::new(),
    };
    let template = (d.template_before != d.template_after)
        .then(|| format!("Template {} → {}", d.template_before, d.template_after));
    let nothing = d.added.is_empty() && d.removed.is_empty() && d.changed.is_empty();
    view! {
        <div class="diff" data-testid="diff" role="region" aria-label=format!("Changes from v{} to v{}", d.from, d.to)>
            <h3>{format!("From v{} to v{}", d.from, d.to)}</h3>
            <p class="muted">{qa}{template.map(|t| format!(" · {t}"))}</p>
            {nothing.then(|| view! { <p>"The slides' words are the same."</p> })}
            <ul>
                {d.added.into_iter().map(|s| view! { <li class="diff-added">"Added: "{s.title}</li> }).collect_view()}
                {d.removed.into_iter().map(|s| view! { <li class="diff-removed">"Removed: "{s.title}</li> }).collect_view()}
                {d.changed.into_iter().map(|s| view! {
                    <li class="diff-changed">
                        {format!("Changed: {}{}", s.title, if s.moved { " (moved)" } else { "" })}
                        <dl>
                            {s.fields.into_iter().map(|f| view! {
                                <dt>{f.field}</dt>
                                <dd><del>{f.before}</del><ins>{f.after}</ins></dd>
                            }).collect_view()}
                        </dl>
                    </li>
                }).collect_view()}
            </ul>
        </div>
    }
}

/// Where the course stands in review, and the buttons that move it.
#[component]
pub fn ReviewPanel(id: String, can: bool) -> impl IntoView {
    let tick = RwSignal::new(0u32);
    let review = Resource::<_, crate::codec::Json>::new_with_options(
        {
            let id = id.clone();
            let edits = use_context::<Edits>().map(|Edits(n)| n);
            move || (id.clone(), tick.get(), edits.map(|n| n.get()))
        },
        |(id, ..)| course_review(id),
        false,
    );
    let reviewer = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let id = StoredValue::new(id);
    let done = move |r: Result<Review, ApiError>| match r {
        Ok(_) => {
            error.set(None);
            tick.update(|t| *t += 1);
        }
        Err(e) => error.set(Some(e)),
    };
    let submit = move |_| {
        let who = Some(reviewer.get_untracked()).filter(|r| !r.trim().is_empty());
        leptos::task::spawn_local(async move { done(submit_for_review(id.get_value(), who).await) });
    };
    let decide = move |approve: bool| {
        let words = Some(note.get_untracked()).filter(|n| !n.trim().is_empty());
        leptos::task::spawn_local(async move { done(decide_review(id.get_value(), approve, words).await) });
    };
    let when = |at: &Option<String>| {
        at.as_deref()
            .and_then(|a| a.get(..16))
            .unwrap_or_default()
            .replace('T', " ")
    };
    view! {
        <section class="card" data-testid="review">
            <h2>"Review"</h2>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let r = match review.await {
                        Ok(r) => r,
                        Err(e) => return view! { <ErrorNotice error=e/> }.into_any(),
                    };
                    let approved = r.approved_version.map(|v| match (&r.decided_by, r.state.as_str()) {
                        (Some(by), "approved") => format!("Approved as v{v} by {by} on {}.", when(&r.decided_at)),
                        _ => format!("v{v} was approved; the course has changed since, so this is a new draft."),
                    });
                    let state = match r.state.as_str() {
                        "in_review" => format!(
                            "In review: asked of {} by {} on {}.",
                            r.reviewer.clone().unwrap_or_else(|| "anyone on the team".into()),
                            r.submitted_by.clone().unwrap_or_default(),
                            when(&r.submitted_at)
                        ),
                        "approved" => String::new(),
                        _ => "Draft: not submitted for review.".to_owned(),
                    };
                    let in_review = r.state == "in_review";
                    let draft = r.state == "draft";
                    view! {
                        // One text, never empty: an empty text node would not be
                        // there to hydrate.
                        <p data-testid="review-state">{[Some(state), approved].into_iter().flatten().filter(|t| !t.is_empty()).collect::<Vec<_>>().join(" ")}</p>
                        {r.note.clone().filter(|_| !in_review).map(|n| view! { <blockquote class="note">{n}</blockquote> })}
                        {(can && draft).then(|| view! {
                            <div class="actions">
                                <label>"Reviewer's email (optional)"<input name="reviewer" type="email" maxlength="254" prop:value=reviewer on:input=move |ev| reviewer.set(event_target_value(&ev))/></label>
                                <button type="button" class="btn btn-primary" data-testid="submit-review" on:click=submit>"Submit for review"</button>
                            </div>
                        })}
                        {in_review.then(|| view! {
                            <div class="actions">
                                <label>"Note (optional)"<textarea name="note" rows="2" maxlength="2000" prop:value=note on:input=move |ev| note.set(event_target_value(&ev))></textarea></label>
                                <button type="button" class="btn btn-primary" data-testid="approve" on:click=move |_| decide(true)>"Approve"</button>
                                <button type="button" class="btn" data-testid="ask-changes" on:click=move |_| decide(false)>"Ask for changes"</button>
                            </div>
                        })}
                    }.into_any()
                })}
            </Transition>
            {move || error.get().map(|e| view! { <ErrorNotice error=e/> })}
        </section>
    }
}

/// The comment threads on deck slide `n`'s content slide: add, reply,
/// resolve, reopen.
#[component]
pub fn SlideComments(id: String, n: usize) -> impl IntoView {
    let tick = RwSignal::new(0u32);
    let data = Resource::<_, crate::codec::Json>::new_with_options(
        {
            let id = id.clone();
            move || (id.clone(), tick.get())
        },
        |(id, _)| async move {
            let content = course_content(id.clone()).await?;
            let comments = course_comments(id).await?;
            Ok::<_, ApiError>((content.deck_slides, comments))
        },
        false,
    );
    let body = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let id = StoredValue::new(id);
    let post = move |slide: String, parent: Option<i64>, text: String| {
        leptos::task::spawn_local(async move {
            match add_comment(id.get_value(), slide, parent, text).await {
                Ok(_) => {
                    error.set(None);
                    body.set(String::new());
                    tick.update(|t| *t += 1);
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let resolve = move |thread: i64, resolved: bool| {
        leptos::task::spawn_local(async move {
            match resolve_comment(id.get_value(), thread, resolved).await {
                Ok(()) => tick.update(|t| *t += 1),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <h4>"Comments"</h4>
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let (deck_slides, comments) = match data.await {
                    Ok(d) => d,
                    Err(e) => return view! { <ErrorNotice error=e/> }.into_any(),
                };
                let Some(slide) = deck_slides.get(n - 1).cloned().filter(|s| !s.is_empty()) else {
                    return view! { <p class="muted">"This slide continues the one before: comment there."</p> }.into_any();
                };
                let mine: Vec<Comment> = comments.into_iter().filter(|c| c.slide_id == slide).collect();
                let slide_for_new = slide.clone();
                view! {
                    <ul class="comments" data-testid="comments">
                        {mine.into_iter().map(|t| {
                            let reply = RwSignal::new(String::new());
                            let (thread, slide) = (t.id, slide.clone());
                            view! {
                                <li class:resolved=t.resolved data-testid="comment-thread">
                                    <p><strong>{t.author.clone()}</strong>" "<span class="muted">{format!("on v{} · {}", t.version, t.created_at.get(..16).unwrap_or_default().replace('T', " "))}</span></p>
                                    <p>{t.body.clone()}</p>
                                    <ul>{t.replies.iter().map(|r| view! { <li><strong>{r.author.clone()}</strong>": "{r.body.clone()}</li> }).collect_view()}</ul>
                                    {if t.resolved {
                                        view! {
                                            <p class="muted">{format!("Resolved by {}.", t.resolved_by.clone().unwrap_or_default())}" "
                                                <button type="button" class="btn btn-small" on:click=move |_| resolve(thread, false)>"Reopen"</button></p>
                                        }.into_any()
                                    } else {
                                        view! {
                                            <div class="actions">
                                                <label class="sr-only" for=format!("reply-{thread}")>"Reply"</label>
                                                <input id=format!("reply-{thread}") type="text" maxlength="2000" placeholder="Reply" prop:value=reply on:input=move |ev| reply.set(event_target_value(&ev))/>
                                                <button type="button" class="btn btn-small" on:click=move |_| post(slide.clone(), Some(thread), reply.get_untracked())>"Reply"</button>
                                                <button type="button" class="btn btn-small" data-testid="resolve" on:click=move |_| resolve(thread, true)>"Resolve"</button>
                                            </div>
                                        }.into_any()
                                    }}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                    <label>"Add a comment"<textarea name="comment" rows="2" maxlength="2000" data-testid="comment-body" prop:value=body on:input=move |ev| body.set(event_target_value(&ev))></textarea></label>
                    <button type="button" class="btn" data-testid="comment-add" on:click=move |_| post(slide_for_new.clone(), None, body.get_untracked())>"Comment"</button>
                }.into_any()
            })}
        </Transition>
        {move || error.get().map(|e| view! { <ErrorNotice error=e/> })}
    }
}
