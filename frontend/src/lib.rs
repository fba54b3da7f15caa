#![recursion_limit = "512"]
//! The WebAssembly entry point. Everything else lives in `app`; this crate only
//! hands the server-rendered page over to the browser.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // `hydrate_lazy`: the pages are lazily loaded routes (see `app::lazy_page`).
    leptos::mount::hydrate_lazy(app::App);
}
