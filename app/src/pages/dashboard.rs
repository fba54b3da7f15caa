//! The landing page: today's snapshot, daily activity and recent jobs.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::api::jobs::{dashboard, list_jobs};
use crate::components::widgets::{ErrorNotice, PageHeader};
use crate::pages::history::JobTable;

#[component]
pub fn Dashboard() -> impl IntoView {
    let snap = Resource::<_, crate::codec::Json>::new_with_options(|| (), |_| dashboard(), false);
    let recent =
        Resource::<_, crate::codec::Json>::new_with_options(|| (), |_| list_jobs(None, None, None), false);
    let range = RwSignal::new(30usize);
    view! {
        <Title text="Dashboard"/>
        <PageHeader title="Dashboard" lead="Today's courses, slides and jobs at a glance."/>
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                match snap.await {
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    Ok(s) => {
                        let days = s.days.clone();
                        view! {
                            <section class="cards" data-testid="snapshot">
                                <div class="card stat"><span class="stat-label">"Courses today"</span><span class="stat-value" data-testid="courses-today">{s.courses_today}</span></div>
                                <div class="card stat"><span class="stat-label">"Slides today"</span><span class="stat-value" data-testid="slides-today">{s.slides_today}</span></div>
                                <div class="card stat"><span class="stat-label">"Running or queued"</span><span class="stat-value">{s.running}</span></div>
                                <div class="card stat"><span class="stat-label">"Failed today"</span><span class="stat-value">{s.failed_today}</span></div>
                            </section>
                            <section class="card">
                                <div class="chart-head">
                                    <h2>"Daily activity"</h2>
                                    <div class="segmented">
                                        <button type="button" class:active=move || range.get() == 30 on:click=move |_| range.set(30)>"30 days"</button>
                                        <button type="button" class:active=move || range.get() == 90 on:click=move |_| range.set(90)>"90 days"</button>
                                    </div>
                                </div>
                                {move || {
                                    let n = range.get();
                                    let shown: Vec<(String, i64, i64)> = days.iter().skip(days.len().saturating_sub(n)).cloned().collect();
                                    view! {
                                        <Chart days=shown.clone() pick=|d| d.1 label="Courses per day"/>
                                        <Chart days=shown pick=|d| d.2 label="Slides per day"/>
                                    }
                                }}
                            </section>
                        }.into_any()
                    }
                }
            })}
        </Transition>
        <ReviewLists/>
        <section>
            <h2>"Recent jobs"</h2>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match recent.await {
                        Ok(page) if page.jobs.is_empty() => view! {
                            <section class="card empty"><p>"No courses yet."</p><A href="/new">"Create the first one"</A></section>
                        }.into_any(),
                        Ok(page) => view! { <JobTable jobs=page.jobs.into_iter().take(10).collect()/> }.into_any(),
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// Courses waiting for my review and new comments on my courses (shown
/// only when there is something in them).
#[component]
fn ReviewLists() -> impl IntoView {
    let inbox = Resource::<_, crate::codec::Json>::new_with_options(
        || (),
        |_| crate::api::courses::my_reviews(),
        false,
    );
    let list = |items: Vec<types::content::InboxItem>, comments: bool| {
        items
            .into_iter()
            .map(|i| {
                let what = if comments { format!("{}: “{}”", i.who, i.body) } else { format!("asked by {}", i.who) };
                view! {
                    <li><A href=format!("/jobs/{}", i.job)>{i.course_title}</A>" — "{what}" "<span class="muted">{i.at.get(..16).unwrap_or_default().replace('T', " ")}</span></li>
                }
            })
            .collect_view()
    };
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let Ok(b) = inbox.await else { return None };
                (!b.waiting_for_me.is_empty() || !b.comments_on_mine.is_empty()).then(|| view! {
                    <section class="cards reviews">
                        {(!b.waiting_for_me.is_empty()).then(|| view! {
                            <div class="card" data-testid="waiting-for-me"><h2>"Waiting for my review"</h2><ul>{list(b.waiting_for_me.clone(), false)}</ul></div>
                        })}
                        {(!b.comments_on_mine.is_empty()).then(|| view! {
                            <div class="card" data-testid="comments-on-mine"><h2>"Comments on my courses"</h2><ul>{list(b.comments_on_mine.clone(), true)}</ul></div>
                        })}
                    </section>
                })
            })}
        </Transition>
    }
}

/// A bar chart as inline SVG: one bar per day.
#[component]
fn Chart(
    days: Vec<(String, i64, i64)>,
    pick: fn(&(String, i64, i64)) -> i64,
    label: &'static str,
) -> impl IntoView {
    let max = days.iter().map(pick).max().unwrap_or(0).max(1);
    let n = days.len().max(1);
    let w = 100.0 / n as f64;
    let total: i64 = days.iter().map(pick).sum();
    view! {
        <figure class="chart">
            <figcaption>{format!("{label} · {total} in {n} days")}</figcaption>
            <svg viewBox="0 0 100 30" preserveAspectRatio="none" role="img" aria-label=label>
                {days.iter().enumerate().map(|(i, d)| {
                    let v = pick(d);
                    let h = 28.0 * v as f64 / max as f64;
                    view! {
                        <rect x=format!("{:.3}", i as f64 * w + w * 0.1) y=format!("{:.3}", 30.0 - h) width=format!("{:.3}", w * 0.8) height=format!("{:.3}", h)>
                            <title>{format!("{}: {v}", d.0)}</title>
                        </rect>
                    }
                }).collect_view()}
            </svg>
        </figure>
    }
}
