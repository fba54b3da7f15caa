//! Small presentational helpers.

use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_location;

use types::error::ApiError;

/// A page heading with an optional one-line description.
#[component]
pub fn PageHeader(
    #[prop(into)] title: String,
    #[prop(optional, into)] lead: Option<String>,
) -> impl IntoView {
    view! {
        <header class="page-header">
            <h1>{title}</h1>
            {lead.map(|l| view! { <p class="lead">{l}</p> })}
        </header>
    }
}

/// Shows an error from a server function. A 401 sends the user to sign in and
/// back to where they were afterwards.
#[component]
pub fn ErrorNotice(error: ApiError) -> impl IntoView {
    match error {
        ApiError::Unauthorized => {
            let loc = use_location();
            let next = format!("{}{}", loc.pathname.get_untracked(), loc.search.get_untracked());
            let to = format!("/login?next={}", urlencode(&next));
            view! { <Redirect path=to/> }.into_any()
        }
        other => view! { <p class="notice notice-error" role="alert">{other.to_string()}</p> }.into_any(),
    }
}

/// The error text for one form field, if the last submission failed on it.
pub fn field_error(result: Option<Result<impl Clone, ApiError>>, field: &'static str) -> Option<String> {
    match result {
        Some(Err(e)) => e.field_message(field),
        _ => None,
    }
}

/// The message for errors not tied to a field.
pub fn form_error<T>(result: Option<Result<T, ApiError>>) -> Option<String> {
    match result {
        Some(Err(ApiError::Invalid { field, .. })) if !field.is_empty() => None,
        Some(Err(e)) => Some(e.to_string()),
        _ => None,
    }
}

/// When `result` refuses a named field, moves the focus to the input of
/// that name in the form `data-testid=form` (its message is drawn beside it
/// with role="alert", so it is announced): every form's errors are both
/// heard and reached. Call from an `Effect` on the action's value.
pub fn focus_refused<T>(form: &str, result: Option<Result<T, ApiError>>) {
    let Some(Err(ApiError::Invalid { field, .. })) = result else {
        return;
    };
    // Field names are identifiers the server chose; anything else is not
    // looked up (it would not be a safe selector).
    if field.is_empty() || !field.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        return;
    }
    if let Ok(Some(input)) =
        document().query_selector(&format!("form[data-testid='{form}'] [name='{field}']"))
    {
        use leptos::wasm_bindgen::JsCast;
        if let Ok(input) = input.dyn_into::<leptos::web_sys::HtmlElement>() {
            let _ = input.focus();
        }
    }
}

/// A button for a destructive action that asks in place first: `label`
/// becomes "`question` [label] [Keep]", the focus on "Keep" (the safe
/// answer), and only the second `label` runs `on_yes`.
#[component]
pub fn AskFirst(label: &'static str, question: String, #[prop(into)] on_yes: Callback<()>) -> impl IntoView {
    let asking = RwSignal::new(false);
    let keep = NodeRef::<leptos::html::Button>::new();
    Effect::new(move |_| {
        if let Some(el) = keep.get() {
            let _ = el.focus();
        }
    });
    move || {
        if asking.get() {
            view! {
                <span class="confirm-inline" role="alertdialog" aria-label=question.clone() data-testid="ask-first">
                    {format!("{question} ")}
                    <button type="button" class="btn btn-small btn-danger" on:click=move |_| { asking.set(false); on_yes.run(()); }>{label}</button>
                    <button type="button" class="btn btn-small" node_ref=keep on:click=move |_| asking.set(false)>"Keep"</button>
                </span>
            }
            .into_any()
        } else {
            view! { <button type="button" class="btn btn-small" on:click=move |_| asking.set(true)>{label}</button> }.into_any()
        }
    }
}

/// Percent-encodes a string for use in a query parameter.
pub fn urlencode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// The fields of a submitted form, read by name.
pub struct Fields(#[cfg(feature = "hydrate")] web_sys::FormData);

impl Fields {
    /// A field's text; "" when the form has no such field (as for an
    /// unticked checkbox, which a browser does not post).
    pub fn text(&self, name: &str) -> String {
        self.optional(name).unwrap_or_default()
    }

    /// A field's text, `None` when absent or empty.
    pub fn optional(&self, name: &str) -> Option<String> {
        #[cfg(feature = "hydrate")]
        return self.0.get(name).as_string().filter(|v| !v.is_empty());
        #[cfg(not(feature = "hydrate"))]
        {
            let _ = name;
            None
        }
    }
}

/// The submit handler of a `<form method="post" action=S::url()>` posting to
/// a server function: what Leptos's `ActionForm` does, but the arguments are
/// read from the fields by name (`args`) instead of decoding the whole form
/// with serde_qs, whose deserializer alone was ~48 KiB of the browser bundle.
/// Without JavaScript (or before hydration) the browser posts the form itself.
pub fn submit_to<S>(
    action: ServerAction<S>,
    args: impl Fn(&Fields) -> S + 'static,
) -> impl FnMut(leptos::ev::SubmitEvent) + 'static
where
    S: leptos::server_fn::ServerFn + Clone + Send + Sync + 'static,
    S::Output: Send + Sync + 'static,
    S::Error: Send + Sync + 'static,
{
    move |ev: leptos::ev::SubmitEvent| {
        if ev.default_prevented() {
            return;
        }
        ev.prevent_default();
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let form = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlFormElement>().ok());
            if let Some(data) = form.and_then(|f| web_sys::FormData::new_with_form(&f).ok()) {
                action.dispatch(args(&Fields(data)));
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (&action, &args);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn urlencode_keeps_paths_readable_and_escapes_the_rest() {
        assert_eq!(
            super::urlencode("/history?q=a b&x=1"),
            "/history%3Fq%3Da%20b%26x%3D1"
        );
    }
}
