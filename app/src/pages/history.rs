//! History: the whole team's jobs, newest first, filterable, a page at a
//! time ("Show older" adds the next page below).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::api::jobs::{list_jobs, restore_job};
use crate::components::widgets::{ErrorNotice, PageHeader};
use leptos_router::hooks::{use_navigate, use_query_map};
use types::jobs::{JobStatus, JobSummary};

#[component]
pub fn History() -> impl IntoView {
    let status = RwSignal::new(String::new());
    let search = RwSignal::new(String::new());
    let pending = RwSignal::new(String::new());
    let given = |s: String| (!s.is_empty()).then_some(s);
    let jobs = Resource::<_, crate::codec::Json>::new_with_options(
        move || (status.get(), search.get()),
        move |(s, q)| list_jobs(given(s), given(q), None),
        false,
    );
    // Older pages loaded below the first, and where the next one starts
    // (`None` until "Show older" is first used: the first page's own).
    let older = RwSignal::new(Vec::<JobSummary>::new());
    let older_next = RwSignal::new(None::<Option<String>>);
    let loading = RwSignal::new(false);
    let more_error = RwSignal::new(None::<types::error::ApiError>);
    // A new filter starts from the newest again.
    Effect::new(move |_| {
        let _ = (status.get(), search.get());
        older.set(Vec::new());
        older_next.set(None);
        more_error.set(None);
    });
    let show_older = move |cursor: String| {
        loading.set(true);
        leptos::task::spawn_local(async move {
            let r = list_jobs(
                given(status.get_untracked()),
                given(search.get_untracked()),
                Some(cursor),
            )
            .await;
            match r {
                Ok(page) => {
                    older.update(|o| o.extend(page.jobs));
                    older_next.set(Some(page.next));
                    more_error.set(None);
                }
                Err(e) => more_error.set(Some(e)),
            }
            loading.set(false);
        });
    };
    view! {
        <Title text="History"/>
        <PageHeader title="History" lead="Every course the team has generated, newest first."/>
        <DeletedNotice/>
        <div class="filters">
            <select aria-label="Status" on:change=move |ev| status.set(event_target_value(&ev))>
                <option value="">"All statuses"</option>
                {JobStatus::ALL.map(|s| view! { <option value=s.as_str()>{s.as_str()}</option> }).collect_view()}
                <option value="in_review">"in review"</option>
                <option value="approved">"approved"</option>
                <option value="deleted">"recently deleted"</option>
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
                    Ok(page) if page.jobs.is_empty() && status.get_untracked() == "deleted" => view! {
                        <section class="card empty" data-testid="history-no-match"><p>"No deleted courses are waiting: a deleted course can be restored here for a while after its delete."</p></section>
                    }.into_any(),
                    Ok(page) if page.jobs.is_empty() && (!status.get_untracked().is_empty() || !search.get_untracked().is_empty()) => view! {
                        <section class="card empty" data-testid="history-no-match"><p>"No courses match this status or search."</p></section>
                    }.into_any(),
                    Ok(page) if page.jobs.is_empty() => view! { <section class="card empty"><p>"No courses yet."</p><A href="/new">"Create the first one"</A></section> }.into_any(),
                    Ok(page) => {
                        let (first, first_next) = (page.jobs, page.next);
                        let next = move || older_next.get().unwrap_or_else(|| first_next.clone());
                        view! {
                            {move || view! { <JobTable jobs=first.iter().cloned().chain(older.get()).collect() deleted=status.get_untracked() == "deleted"/> }}
                            {move || more_error.get().map(|e| view! { <ErrorNotice error=e/> })}
                            {move || next().map(|cursor| view! {
                                <p class="more">
                                    <button type="button" class="btn" data-testid="history-more" disabled=move || loading.get()
                                        on:click=move |_| show_older(cursor.clone())>
                                        {move || if loading.get() { "Loading…" } else { "Show older courses" }}
                                    </button>
                                </p>
                            })}
                        }.into_any()
                    }
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// Jobs as a table; `deleted` lists deleted courses still kept, each with
/// "Restore" instead of a link to a page that no longer shows.
#[component]
pub fn JobTable(jobs: Vec<JobSummary>, #[prop(optional)] deleted: bool) -> impl IntoView {
    let error = RwSignal::new(None::<types::error::ApiError>);
    let restore = move |id: String| {
        let navigate = use_navigate();
        leptos::task::spawn_local(async move {
            match restore_job(id.clone()).await {
                Ok(()) => navigate(&format!("/jobs/{id}"), Default::default()),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        {move || error.get().map(|e| view! { <ErrorNotice error=e/> })}
        <div class="card table-wrap">
            <table class="table" data-testid="history-table">
                <thead><tr><th>"Course"</th><th>"Status"</th><th>"Slides"</th><th>"QA"</th><th>"Owner"</th><th>"Created"</th>
                    {deleted.then(|| view! { <th><span class="sr-only">"Restore"</span></th> })}</tr></thead>
                <tbody>
                    {jobs.into_iter().map(|j| {
                        let id = j.id.clone();
                        let restore_label = format!("Restore {}", j.course_title);
                        view! {
                            <tr>
                                <td>{if deleted {
                                    view! { <span>{j.course_title.clone()}</span> }.into_any()
                                } else {
                                    view! { <A href=format!("/jobs/{}", j.id)>{j.course_title.clone()}</A> }.into_any()
                                }}</td>
                                <td>
                                    <span class=format!("badge badge-{}", j.status.as_str())>{j.status.as_str()}</span>
                                    {(j.version > 1).then(|| view! { " "<span class="badge" title="Version">{format!("v{}", j.version)}</span> })}
                                    {(j.review != "draft").then(|| view! { " "<span class=format!("badge badge-{}", j.review) data-testid="review-badge">{j.review.replace('_', " ")}</span> })}
                                </td>
                                <td>{j.slide_count.map(|n| n.to_string()).unwrap_or_default()}</td>
                                <td>{j.qa_score.map(|n| format!("{n}")).unwrap_or_default()}</td>
                                <td>{j.owner_name.clone()}</td>
                                <td>{j.created_at.replace('T', " ").trim_end_matches('Z').to_string()}</td>
                                {deleted.then(|| view! {
                                    <td><button type="button" class="btn btn-small" aria-label=restore_label
                                        on:click=move |_| restore(id.clone())>"Restore"</button></td>
                                })}
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// After a delete (`?deleted=ID&keep=MINUTES`): says so, with "Undo" while
/// the course is kept; the undo brings it back and opens it again.
#[component]
fn DeletedNotice() -> impl IntoView {
    let query = use_query_map();
    let deleted = move || query.read().get("deleted").filter(|d| !d.is_empty());
    let keep = move || {
        query
            .read()
            .get("keep")
            .and_then(|k| k.parse::<u64>().ok())
            .unwrap_or(0)
    };
    let error = RwSignal::new(None::<types::error::ApiError>);
    let undo = move |_| {
        let Some(id) = deleted() else { return };
        let navigate = use_navigate();
        leptos::task::spawn_local(async move {
            match restore_job(id.clone()).await {
                Ok(()) => navigate(&format!("/jobs/{id}"), Default::default()),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    move || {
        deleted().map(|_| {
            let keep = keep();
            view! {
                <div class="notice notice-ok deleted" role="status" data-testid="deleted-notice">
                    {if keep == 0 {
                        view! { <span>"The course was deleted."</span> }.into_any()
                    } else {
                        view! {
                            <span>{format!("The course was deleted. You can undo this for {} (also from \"recently deleted\" here). ", how_long(keep))}</span>
                            <button type="button" class="btn btn-small" data-testid="undo-delete" on:click=undo>"Undo"</button>
                        }.into_any()
                    }}
                    {move || error.get().map(|e| view! { <span class="field-error" role="alert">{format!(" {e}")}</span> })}
                </div>
            }
        })
    }
}

/// Minutes as people say them: "60 minutes", "2 hours", "1 day".
fn how_long(minutes: u64) -> String {
    match minutes {
        m if m >= 1440 && m % 1440 == 0 => format!("{} day{}", m / 1440, if m == 1440 { "" } else { "s" }),
        m if m >= 120 && m % 60 == 0 => format!("{} hours", m / 60),
        1 => "1 minute".to_string(),
        m => format!("{m} minutes"),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_undo_time_reads_as_people_say_it() {
        for (minutes, said) in [
            (1, "1 minute"),
            (60, "60 minutes"),
            (90, "90 minutes"),
            (120, "2 hours"),
            (1440, "1 day"),
            (4320, "3 days"),
        ] {
            assert_eq!(super::how_long(minutes), said);
        }
    }
}
