//! The New course page (not built yet: it says so plainly).

use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::widgets::PageHeader;

#[component]
pub fn NewCourse() -> impl IntoView {
    view! {
        <Title text="New course"/>
        <PageHeader title="New course" lead="Upload an outline, pick a template and a length; Courseware builds the deck."/>
        <section class="card empty">
            <h2>"Not available yet"</h2>
            <p>"This part of Courseware has not been built yet."</p>
        </section>
    }
}
