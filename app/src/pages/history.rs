//! History: the latest 100 jobs of the whole team, filterable.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::api::jobs::list_jobs;
use crate::components::widgets::{ErrorNotice, PageHeader};
use types::jobs::{JobStatus, JobSummary};

#[component]
pub fn History() -> impl IntoView {
    let status = RwSignal::new(String::new());
    let search = RwSignal::new(String::new());
    let pending = RwSignal::new(String::new());
    let jobs = Resource::<_, crate::codec::Json>::new_with_options(
        move || (status.get(), search.get()),
        |(s, q)| list_jobs((!s.is_empty()).then_some(s), (!q.is_empty()).then_some(q)),
        false,
    );
    view! {
        <Title text="History"/>
        <PageHeader title="History" lead="Every course the team has generated, newest first."/>
        <div class="filters">
            <select aria-label="Status" on:change=move |ev| status.set(event_target_value(&ev))>
                <option value="">"All statuses"</option>
                {JobStatus::ALL.map(|s| view! { <option value=s.as_str()>{s.as_str()}</option> }).collect_view()}
            </select>
            <input type="search" placeholder="Search titles" aria-label="Search titles" on:input=move |ev| {
                // Searches as you type, once the typing pauses.
                let typed = event_target_value(&ev);
                pending.set(typed.clone());
                set_timeout(
                    move || {
                        if pending.try_get_untracked().as_deref() == Some(typed.as_str()) {
                            search.set(typed);
                        }
                    },
                    std::time::Duration::from_millis(300),
                );
            }/>
        </div>
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match jobs.await {
                    Ok(list) if list.is_empty() && (!status.get_untracked().is_empty() || !search.get_untracked().is_empty()) => view! {
                        <section class="card empty" data-testid="history-no-match"><p>"No courses match this status or search."</p></section>
                    }.into_any(),
                    Ok(list) if list.is_empty() => view! { <section class="card empty"><p>"No courses yet."</p><A href="/new">"Create the first one"</A></section> }.into_any(),
                    Ok(list) => view! { <JobTable jobs=list/> }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
pub fn JobTable(jobs: Vec<JobSummary>) -> impl IntoView {
    view! {
        <div class="card table-wrap">
            <table class="table" data-testid="history-table">
                <thead><tr><th>"Course"</th><th>"Status"</th><th>"Slides"</th><th>"QA"</th><th>"Owner"</th><th>"Created"</th></tr></thead>
                <tbody>
                    {jobs.into_iter().map(|j| view! {
                        <tr>
                            <td><A href=format!("/jobs/{}", j.id)>{j.course_title}</A></td>
                            <td><span class=format!("badge badge-{}", j.status.as_str())>{j.status.as_str()}</span></td>
                            <td>{j.slide_count.map(|n| n.to_string()).unwrap_or_default()}</td>
                            <td>{j.qa_score.map(|n| format!("{n}")).unwrap_or_default()}</td>
                            <td>{j.owner_name}</td>
                            <td>{j.created_at.replace('T', " ").trim_end_matches('Z').to_string()}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
