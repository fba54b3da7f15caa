//! Feeds arbitrary bytes to the outline reader — Markdown, plain text, Word
//! and the PDF text path — and checks what comes out: no panic, and a tree
//! that is within the outline limits whenever one is returned. Run with
//! `-timeout=1`, so any input slower than a second is reported.
//!
//! PDF text *extraction* is not fuzzed here: the server runs it in a child
//! process because the extractor can overflow its stack; here the PDF path
//! gets the input's own bytes as its "extracted" text.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let result = course::parse::parse_with(data, |b| Ok(String::from_utf8_lossy(b).into_owned()));
    if let Ok(outline) = result {
        assert!(outline.check_limits().is_ok());
        assert!(!outline.modules.is_empty());
    }
});
