//! Validated input types ("parse, don't validate"): once a value is an
//! [`Email`], a [`CourseTitle`] or a [`JobId`] it is known to be well-formed,
//! and the error names the form field it belongs to. The browser's forms, the
//! server functions, the raw HTTP routes and the CLI all parse through these,
//! so each rule is written once.

use serde::{Deserialize, Serialize};

use crate::error::ApiError;
use crate::limits;

/// A trimmed, plausible email address (one `@`, a dot in the domain, no spaces).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, ApiError> {
        let s = raw.trim();
        let bad = || ApiError::invalid("email", "Enter a valid email address.");
        if s.len() > 254 || s.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(bad());
        }
        let (local, domain) = s.split_once('@').ok_or_else(bad)?;
        if local.is_empty()
            || domain.contains('@')
            || !domain.contains('.')
            || domain.starts_with('.')
            || domain.ends_with('.')
        {
            return Err(bad());
        }
        Ok(Self(s.to_owned()))
    }
}

impl AsRef<str> for Email {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// A display name: 1–100 characters after trimming, no control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonName(String);

impl PersonName {
    pub fn parse(raw: &str) -> Result<Self, ApiError> {
        let s = raw.trim();
        if s.is_empty() {
            return Err(ApiError::invalid("name", "Enter a name."));
        }
        if s.chars().count() > 100 || s.chars().any(char::is_control) {
            return Err(ApiError::invalid("name", "Use at most 100 ordinary characters."));
        }
        Ok(Self(s.to_owned()))
    }
}

impl AsRef<str> for PersonName {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// A course title: 1–[`limits::MAX_TITLE_CHARS`] characters after trimming.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CourseTitle(String);

impl CourseTitle {
    pub fn parse(raw: &str) -> Result<Self, ApiError> {
        let s = raw.trim();
        if s.is_empty() {
            return Err(ApiError::invalid("title", "Enter a course title."));
        }
        // Counted as sent, spaces around it included: the limit the API's
        // schema states.
        if raw.chars().count() > limits::MAX_TITLE_CHARS {
            return Err(ApiError::invalid(
                "title",
                format!("Use at most {} characters.", limits::MAX_TITLE_CHARS),
            ));
        }
        Ok(Self(s.to_owned()))
    }
}

impl AsRef<str> for CourseTitle {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// A course length in days, within [`limits::COURSE_DAYS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CourseDays(u8);

/// A whole number from a form field, or a 422 naming the field.
pub fn number_field<T: std::str::FromStr>(field: &str, value: &str) -> Result<T, ApiError> {
    value.trim().parse().map_err(|_| {
        ApiError::invalid(
            field,
            format!("Enter a whole number (got {:?}).", truncate(value, 20)),
        )
    })
}

/// A yes/no form field (`true`/`false`, `on`/`off`, `1`/`0`; empty is no),
/// or a 422 naming the field.
pub fn flag_field(field: &str, value: &str) -> Result<bool, ApiError> {
    match value.trim() {
        "true" | "on" | "1" | "yes" => Ok(true),
        "false" | "off" | "0" | "no" | "" => Ok(false),
        other => Err(ApiError::invalid(
            field,
            format!("Expected true or false (got {:?}).", truncate(other, 20)),
        )),
    }
}

fn truncate(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}

impl CourseDays {
    /// From the form's text: a whole number in [`limits::COURSE_DAYS`].
    pub fn parse_text(days: &str) -> Result<Self, ApiError> {
        let n: u64 = number_field("days", days)?;
        Self::parse(u8::try_from(n).unwrap_or(u8::MAX))
    }

    pub fn parse(days: u8) -> Result<Self, ApiError> {
        if limits::COURSE_DAYS.contains(&days) {
            Ok(Self(days))
        } else {
            Err(ApiError::invalid(
                "days",
                format!(
                    "Choose between {} and {} days.",
                    limits::COURSE_DAYS.start(),
                    limits::COURSE_DAYS.end()
                ),
            ))
        }
    }

    pub fn get(self) -> u8 {
        self.0
    }
}

/// Languages a course can be written in: (code, name in that language).
pub const LANGUAGES: &[(&str, &str)] = &[
    ("en", "English"),
    ("fr", "Français"),
    ("de", "Deutsch"),
    ("es", "Español"),
];

/// One of the [`LANGUAGES`], by code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Language(&'static str);

impl Language {
    pub fn parse(code: &str) -> Result<Self, ApiError> {
        LANGUAGES
            .iter()
            .find(|(c, _)| *c == code)
            .map(|(c, _)| Self(c))
            .ok_or_else(|| ApiError::invalid("language", "Choose one of the offered languages."))
    }

    /// Every language code, for command-line choices.
    pub fn codes() -> impl Iterator<Item = &'static str> {
        LANGUAGES.iter().map(|(c, _)| *c)
    }

    pub fn code(self) -> &'static str {
        self.0
    }
}

/// A job's id: [`JobId::LEN`] characters from [`JobId::ALPHABET`] (no 0/o,
/// 1/l look-alikes). Made by the backend; parsed from every URL that names a job.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct JobId(String);

impl JobId {
    pub const LEN: usize = 8;
    pub const ALPHABET: &'static [u8] = b"abcdefghijkmnpqrstuvwxyz23456789";

    /// `None` unless `raw` is shaped like an id this server makes.
    pub fn parse(raw: &str) -> Option<Self> {
        (raw.len() == Self::LEN && raw.bytes().all(|b| Self::ALPHABET.contains(&b)))
            .then(|| Self(raw.to_owned()))
    }

    /// An id from `LEN` random indexes into the alphabet (the caller brings
    /// the randomness, so this crate needs no RNG).
    pub fn from_indexes(mut next: impl FnMut(usize) -> usize) -> Self {
        Self(
            (0..Self::LEN)
                .map(|_| Self::ALPHABET[next(Self::ALPHABET.len()) % Self::ALPHABET.len()] as char)
                .collect(),
        )
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for JobId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for JobId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for JobId {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        Self::parse(&s).ok_or_else(|| format!("not a job id: {s:?}"))
    }
}

impl From<JobId> for String {
    fn from(id: JobId) -> String {
        id.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        assert_eq!(
            Email::parse("  Ada@Example.org ").map(|e| e.0),
            Ok("Ada@Example.org".into())
        );
        for bad in [
            "",
            "ada",
            "ada@",
            "@x.org",
            "a b@x.org",
            "a@x",
            "a@@x.org",
            "a@.x",
            "a@x.",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn names() {
        assert!(PersonName::parse(" Ada Lovelace ").is_ok());
        assert!(PersonName::parse("  ")
            .unwrap_err()
            .field_message("name")
            .is_some());
        assert!(PersonName::parse(&"x".repeat(101)).is_err());
    }

    #[test]
    fn course_fields() {
        assert_eq!(
            CourseTitle::parse("  Fire safety ").map(|t| t.0),
            Ok("Fire safety".into())
        );
        assert!(CourseTitle::parse(" ")
            .unwrap_err()
            .field_message("title")
            .is_some());
        assert!(CourseTitle::parse(&"x".repeat(201)).is_err());
        assert!(CourseTitle::parse(&"é".repeat(200)).is_ok());
        assert!(CourseDays::parse(0).is_err());
        assert_eq!(CourseDays::parse(10).map(CourseDays::get), Ok(10));
        assert!(CourseDays::parse(11).unwrap_err().field_message("days").is_some());
        assert_eq!(Language::parse("fr").map(Language::code), Ok("fr"));
        assert!(Language::parse("xx").is_err());
        assert_eq!(Language::codes().count(), LANGUAGES.len());
    }

    #[test]
    fn job_ids() {
        let mut n = 0;
        let id = JobId::from_indexes(|len| {
            n += 7;
            n % len
        });
        assert_eq!(id.as_str().len(), JobId::LEN);
        assert_eq!(JobId::parse(id.as_str()), Some(id));
        for bad in [
            "",
            "abcdefg",
            "abcdefghj",
            "ABCDEFGH",
            "abcdefg0",
            "abcd/../",
            "abcdefgl",
        ] {
            assert!(JobId::parse(bad).is_none(), "{bad:?}");
        }
    }
}
