//! The landing page: today's snapshot and recent activity.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::widgets::PageHeader;

#[component]
pub fn Dashboard() -> impl IntoView {
    view! {
        <Title text="Dashboard"/>
        <PageHeader title="Dashboard" lead="Today's courses, slides and running jobs at a glance."/>
        <section class="cards">
            <div class="card stat"><span class="stat-label">"Courses today"</span><span class="stat-value">"—"</span></div>
            <div class="card stat"><span class="stat-label">"Slides today"</span><span class="stat-value">"—"</span></div>
            <div class="card stat"><span class="stat-label">"Running"</span><span class="stat-value">"—"</span></div>
            <div class="card stat"><span class="stat-label">"Failed"</span><span class="stat-value">"—"</span></div>
        </section>
        <section class="card empty">
            <h2>"Course generation is not available yet"</h2>
            <p>"Building decks from an outline arrives with the generation feature. Until then the dashboard shows no figures."</p>
        </section>
    }
}
