#![recursion_limit = "512"]
//! The WebAssembly entry point. Everything else lives in `app`; this crate only
//! hands the server-rendered page over to the browser.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}
