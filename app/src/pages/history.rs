//! The History page (not built yet: it says so plainly).

use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::widgets::PageHeader;

#[component]
pub fn History() -> impl IntoView {
    view! {
        <Title text="History"/>
        <PageHeader title="History" lead="Every course the team has generated, newest first."/>
        <section class="card empty">
            <h2>"Not available yet"</h2>
            <p>"This part of Courseware has not been built yet."</p>
        </section>
    }
}
