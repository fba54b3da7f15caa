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
