//! What every page shares: the product's name and the mark the end-to-end
//! tests wait for once a page is hydrated.

use leptos::prelude::*;

/// The name shown in the header, titles and logs.
pub const APP_NAME: &str = "Courseware";

/// Marks `<body>` once the page has been hydrated (the end-to-end tests wait
/// for it). Called where each page is built; effects run only in the browser
/// and after the view they belong to, so with lazily loaded pages this is
/// after the page's chunk has arrived, not merely the layout.
pub fn mark_hydrated() {
    Effect::new(move |_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
}
