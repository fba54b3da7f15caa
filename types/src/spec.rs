//! A course spec as a file: everything the New course form holds — title,
//! length, language, the template chosen, the edited outline tree — so a
//! course can be made again, shared, or generated from the command line.
//! Files are named `Title_YYYY-MM-DD_8hex.json` and carry a schema version.

use serde::{Deserialize, Serialize};

use crate::outline::Outline;
use crate::validate::{CourseDays, CourseTitle, Language};
use crate::ApiError;

/// The spec format this build writes and reads.
pub const SPEC_SCHEMA: u32 = 1;

/// A course spec (schema 1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CourseSpec {
    /// The format version: 1.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 1))]
    pub schema: u32,
    /// The course title (1–200 characters, not only spaces).
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 1, max_length = 200, pattern = r"\S")
    )]
    pub title: String,
    /// The course length in days.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 10))]
    pub days: u8,
    /// Language code (`en`, `fr`, `de`, `es`).
    #[cfg_attr(feature = "openapi", schema(pattern = "^(en|fr|de|es)$"))]
    pub language: String,
    /// The template: a sample's file name, or `upload:<name>.pptx` for an
    /// uploaded one (which only the server that has it can use).
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 300))]
    pub template: String,
    pub outline: Outline,
    /// Which writer made it: `offline` or `ai` (informational; the server's
    /// configuration decides).
    #[serde(default = "offline")]
    pub writer: String,
    /// The course's own day, when it has one (absent: the server's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timetable: Option<Timetable>,
}

/// A course day as the New course form has it: `HH:MM` start and end,
/// lunch `HH:MM/minutes` and breaks `HH:MM/minutes,…` (empty or `none`:
/// none). The server checks that the parts fit together.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Timetable {
    pub start: String,
    pub end: String,
    #[serde(default)]
    pub lunch: String,
    #[serde(default)]
    pub breaks: String,
}

impl Timetable {
    /// Longest part accepted (the form's own limits are shorter).
    pub const MAX_PART: usize = 200;

    /// The form kept with a job: `start|end|lunch|breaks`.
    pub fn to_stored(&self) -> String {
        format!("{}|{}|{}|{}", self.start, self.end, self.lunch, self.breaks)
    }

    /// A job's stored timetable (see [`Self::to_stored`]).
    pub fn from_stored(s: &str) -> Option<Timetable> {
        let mut p = s.splitn(4, '|');
        Some(Timetable {
            start: p.next()?.to_owned(),
            end: p.next()?.to_owned(),
            lunch: p.next()?.to_owned(),
            breaks: p.next()?.to_owned(),
        })
    }
}

/// A spec as an argument that must be read as a whole (the New course
/// page's start, sent as JSON): a field that cannot be read is named in
/// the error (see [`crate::error::named_field_error`]), as the REST API
/// names it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(transparent)]
pub struct SpecArg(pub CourseSpec);

impl<'de> Deserialize<'de> for SpecArg {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        serde_path_to_error::deserialize(d).map(SpecArg).map_err(|e| {
            let path = e.path().to_string();
            <D::Error as serde::de::Error>::custom(crate::error::field_error_text(&path, e.inner()))
        })
    }
}

fn offline() -> String {
    "offline".into()
}

impl CourseSpec {
    /// Every field error, each naming its field (empty when the spec is usable).
    pub fn problems(&self) -> Vec<ApiError> {
        let mut out = Vec::new();
        if let Some(t) = &self.timetable {
            let parts = [&t.start, &t.end, &t.lunch, &t.breaks];
            if parts
                .iter()
                .any(|p| p.len() > Timetable::MAX_PART || p.contains('|'))
            {
                out.push(ApiError::invalid(
                    "timetable",
                    "The timetable's parts are too long or malformed.",
                ));
            }
        }
        if self.schema != SPEC_SCHEMA {
            out.push(ApiError::invalid(
                "schema",
                format!(
                    "This spec is format {}; this version reads format {SPEC_SCHEMA}.",
                    self.schema
                ),
            ));
        }
        if let Err(e) = CourseTitle::parse(&self.title) {
            out.push(e);
        }
        if let Err(e) = CourseDays::parse(self.days) {
            out.push(e);
        }
        if let Err(e) = Language::parse(&self.language) {
            out.push(e);
        }
        if self.template.trim().is_empty() {
            out.push(ApiError::invalid("template", "The spec names no template."));
        }
        if self.outline.modules.is_empty() || self.outline.modules.iter().all(|m| m.topics.is_empty()) {
            out.push(ApiError::invalid(
                "outline",
                "The outline has no modules or topics.",
            ));
        } else if let Err(m) = self.outline.check_limits() {
            out.push(ApiError::invalid("outline", m));
        }
        out
    }

    /// The file name for this spec: the title made file-safe (ASCII letters
    /// and digits, `_` for the rest), the date
    /// (`YYYY-MM-DD`) and eight hex digits.
    pub fn file_name(&self, date: &str, hex8: &str) -> String {
        let mut safe: String = self
            .title
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        while safe.contains("__") {
            safe = safe.replace("__", "_");
        }
        let safe: String = safe.trim_matches('_').chars().take(60).collect();
        let safe = if safe.is_empty() {
            "Course".to_string()
        } else {
            safe
        };
        format!("{safe}_{date}_{hex8}.json")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outline::{Module, Topic};

    fn spec() -> CourseSpec {
        CourseSpec {
            schema: SPEC_SCHEMA,
            title: "Fire safety: the basics".into(),
            days: 2,
            language: "en".into(),
            template: "Forest.pptx".into(),
            timetable: None,
            outline: Outline {
                title: "Fire".into(),
                modules: vec![Module {
                    title: "M".into(),
                    topics: vec![Topic {
                        title: "T".into(),
                        points: vec![],
                    }],
                }],
            },
            writer: "offline".into(),
        }
    }

    #[test]
    fn a_good_spec_has_no_problems_and_a_safe_name() {
        assert!(spec().problems().is_empty());
        assert_eq!(
            spec().file_name("2026-11-24", "0a1b2c3d"),
            "Fire_safety_the_basics_2026-11-24_0a1b2c3d.json"
        );
    }

    #[test]
    fn every_bad_field_is_named() {
        let mut s = spec();
        s.schema = 9;
        s.days = 40;
        s.language = "xx".into();
        s.outline.modules.clear();
        let fields: Vec<String> = s
            .problems()
            .iter()
            .filter_map(|e| match e {
                ApiError::Invalid { field, .. } => Some(field.clone()),
                _ => None,
            })
            .collect();
        assert_eq!(fields, ["schema", "days", "language", "outline"]);
    }
}
