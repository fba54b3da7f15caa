//! Browser-only helpers: raw-body uploads with `fetch` and the live
//! progress stream with `EventSource`. Compiled for the `hydrate` build only.

use wasm_bindgen::{closure::Closure, JsCast};
use wasm_bindgen_futures::JsFuture;
use web_sys::{EventSource, MessageEvent, RequestInit};

use types::error::ApiError;

/// A picked file's text (at most `max` bytes), read in the browser.
pub async fn file_text(file: web_sys::File, max: f64) -> Result<String, String> {
    if file.size() > max {
        return Err(format!(
            "The file is larger than {} MB.",
            (max / 1_048_576.0).round()
        ));
    }
    JsFuture::from(file.text())
        .await
        .ok()
        .and_then(|t| t.as_string())
        .ok_or_else(|| "The file could not be read.".to_string())
}

/// POSTs a file as the raw request body; returns the response text on
/// success or the error message the server gave.
pub async fn upload(path: &str, file: web_sys::File) -> Result<String, String> {
    let window = web_sys::window().ok_or("no window")?;
    let init = RequestInit::new();
    init.set_method("POST");
    init.set_body(&file);
    let headers = web_sys::Headers::new().map_err(|_| "headers")?;
    let _ = headers.set("x-file-name", &file.name());
    init.set_headers(&headers);
    let resp = JsFuture::from(window.fetch_with_str_and_init(path, &init))
        .await
        .map_err(|_| "The upload did not reach the server.".to_string())?;
    let resp: web_sys::Response = resp.dyn_into().map_err(|_| "bad response")?;
    let text = JsFuture::from(resp.text().map_err(|_| "bad body")?)
        .await
        .ok()
        .and_then(|t| t.as_string())
        .unwrap_or_default();
    if resp.ok() {
        Ok(text)
    } else if resp.status() == 401 {
        Err(ApiError::Unauthorized.to_string())
    } else {
        // The raw routes answer with the same `ApiError` JSON as server functions.
        let msg = crate::codec::parse::<ApiError>(&text)
            .map(|e| e.to_string())
            .unwrap_or_else(|_| format!("The upload failed ({}).", resp.status()));
        Err(msg)
    }
}

/// An open progress stream; closes when dropped.
pub struct Stream {
    source: EventSource,
    _on_update: Closure<dyn FnMut(MessageEvent)>,
}

impl Drop for Stream {
    fn drop(&mut self) {
        self.source.close();
    }
}

/// Subscribes to a job's updates. The browser reconnects on its own after
/// a drop; the server starts each connection with a snapshot.
pub fn follow(job: &str, mut on_update: impl FnMut(types::jobs::JobUpdate) + 'static) -> Option<Stream> {
    let source = EventSource::new(&format!("/api/jobs/{job}/events")).ok()?;
    let own = source.clone();
    let handler = Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| {
        if let Some(data) = ev.data().as_string() {
            if let Ok(u) = crate::codec::parse::<types::jobs::JobUpdate>(&data) {
                let end = u.status.is_terminal();
                on_update(u);
                // The server ends the stream with the job; without this the
                // browser would reconnect to it every few seconds.
                if end {
                    own.close();
                }
            }
        }
    });
    source
        .add_event_listener_with_callback("update", handler.as_ref().unchecked_ref())
        .ok()?;
    Some(Stream {
        source,
        _on_update: handler,
    })
}

/// Sends the browser to a URL (a download link).
pub fn go(url: &str) {
    if let Some(w) = web_sys::window() {
        let _ = w.location().set_href(url);
    }
}

/// Keeps Tab inside the dialog `root` (a focus trap): Tab on its last
/// control goes to the first, Shift+Tab on the first to the last, and a
/// focus that has left the dialog is brought back.
pub fn keep_tab_inside(root: &web_sys::Element, ev: &web_sys::KeyboardEvent) {
    const CONTROLS: &str = "button:not([disabled]), a[href], input:not([disabled]), select, textarea, [tabindex]:not([tabindex='-1'])";
    let Ok(list) = root.query_selector_all(CONTROLS) else {
        return;
    };
    let controls: Vec<web_sys::HtmlElement> = (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.dyn_into().ok())
        .collect();
    let (Some(first), Some(last)) = (controls.first(), controls.last()) else {
        ev.prevent_default();
        return;
    };
    let active = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.active_element());
    let is = |e: &web_sys::HtmlElement| {
        active
            .as_ref()
            .is_some_and(|a| a == e.unchecked_ref::<web_sys::Element>())
    };
    let inside = active
        .as_ref()
        .is_some_and(|a| a != root && root.contains(Some(a)));
    let to = if ev.shift_key() {
        (is(first) || !inside).then_some(last)
    } else {
        (is(last) || !inside).then_some(first)
    };
    if let Some(to) = to {
        ev.prevent_default();
        let _ = to.focus();
    }
}
