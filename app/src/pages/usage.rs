//! The Usage page (not built yet: it says so plainly).

use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::widgets::PageHeader;

#[component]
pub fn Usage() -> impl IntoView {
    view! {
        <Title text="Usage"/>
        <PageHeader title="Usage" lead="Courses, slides and AI token spend per day."/>
        <section class="card empty">
            <h2>"Not available yet"</h2>
            <p>"Token usage and cost arrive with the AI writer. With the offline writer no tokens are spent; daily courses and slides are on the dashboard."</p>
        </section>
    }
}
