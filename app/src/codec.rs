//! How resources travel from the server-rendered page to the browser.
//!
//! Leptos's default resource codec decodes with `serde_json::from_str`,
//! server functions decode with `serde_json::from_slice`: every type a page
//! loads then has its deserializer in the bundle twice (one per reader).
//! This codec reads resources through the same `from_slice`, so each type's
//! deserializer is compiled once. Browser code that parses JSON does too.

use leptos::prelude::codee;

/// JSON, decoded from bytes.
pub struct Json;

impl<T: serde::Serialize> codee::Encoder<T> for Json {
    type Error = serde_json::Error;
    type Encoded = String;

    fn encode(val: &T) -> Result<String, serde_json::Error> {
        serde_json::to_string(val)
    }
}

impl<T: serde::de::DeserializeOwned> codee::Decoder<T> for Json {
    type Error = serde_json::Error;
    type Encoded = str;

    fn decode(val: &str) -> Result<T, serde_json::Error> {
        serde_json::from_slice(val.as_bytes())
    }
}

/// Parses JSON text in the browser (see the module note).
pub fn parse<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, serde_json::Error> {
    serde_json::from_slice(text.as_bytes())
}
