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
            <p>"This part of Courseware has not been built yet."</p>
        </section>
    }
}
