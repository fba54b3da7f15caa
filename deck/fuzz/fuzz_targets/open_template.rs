//! Feeds arbitrary bytes to the template reader and, when they open, to the
//! lint and the invariant checker: none may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(t) = deck::Template::from_bytes(data) {
        let _ = t.layouts.len();
        let _ = deck::check::check(t.package());
    }
    let _ = deck::lint::lint(data);
});
