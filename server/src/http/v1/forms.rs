//! `multipart/form-data` bodies, for callers that have files rather than
//! trees: a course started with its outline as a file (`POST
//! /api/v1/courses`), and a batch from a zip of outline files with shared
//! settings (`POST /api/v1/batches`). The parts become the same
//! `CourseSpec` a JSON body is, and go down the same path.

use axum::body::Bytes;
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::{header, HeaderMap, StatusCode};
use types::outline::Outline;
use types::spec::{CourseSpec, Timetable, SPEC_SCHEMA};
use types::ApiError;
use utoipa::ToSchema;

use super::problem::Problem;

/// A course's settings as form parts, with its outline as a file; no other
/// parts are taken.
#[derive(ToSchema, serde::Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct CourseForm {
    /// The course title (1–200 characters).
    title: String,
    /// The course length in days (1–10).
    days: u8,
    /// A template from `GET /api/v1/templates`.
    template: String,
    /// `en`, `fr`, `de` or `es` (default `en`).
    language: Option<String>,
    /// The outline file (Markdown, text, DOCX or PDF), at most 10 MB.
    #[schema(value_type = String, format = Binary)]
    outline: Vec<u8>,
    /// The course day's start (`HH:MM`); the four timetable parts are optional.
    day_start: Option<String>,
    day_end: Option<String>,
    /// `HH:MM/minutes`, or `none`.
    lunch: Option<String>,
    /// `HH:MM/minutes,…`, or `none`.
    breaks: Option<String>,
}

/// A batch's shared settings as form parts, with a zip of outline files;
/// each file is one course, titled by its outline (or its file name). No
/// other parts are taken.
#[derive(ToSchema, serde::Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct BatchForm {
    /// A name for people (absent: "Batch of N courses").
    name: Option<String>,
    /// Every course's length in days (1–10).
    days: u8,
    /// A template from `GET /api/v1/templates`.
    template: String,
    /// `en`, `fr`, `de` or `es` (default `en`).
    language: Option<String>,
    /// A zip of up to 500 outline files (Markdown, text, DOCX or PDF).
    #[schema(value_type = String, format = Binary)]
    outlines: Vec<u8>,
    day_start: Option<String>,
    day_end: Option<String>,
    lunch: Option<String>,
    breaks: Option<String>,
}

/// Longest text part read (a title is at most 200 characters).
const MAX_TEXT_PART: usize = 1000;

/// The text parts a course's and a batch's forms share; each also takes
/// one of its own (`title` for a course, `name` for a batch, whose
/// courses are titled by their outlines).
const SHARED_PARTS: &[&str] = &[
    "days",
    "template",
    "language",
    "day_start",
    "day_end",
    "lunch",
    "breaks",
];

/// A form's parts: its settings and its one file.
#[derive(Default)]
pub struct Received {
    texts: Vec<(&'static str, String)>,
    pub file: Option<(Option<String>, Bytes)>,
}

impl Received {
    fn text(&self, name: &str) -> Option<String> {
        self.texts
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    }

    /// The batch's name, if given.
    pub fn name(&self) -> Option<String> {
        self.text("name")
    }

    /// A course spec of these settings and `outline`; its title is the
    /// `title` part, else `fallback_title` (the outline's own, in a batch).
    pub fn spec(&self, outline: Outline, fallback_title: Option<String>) -> Result<CourseSpec, Problem> {
        let days = match self.text("days") {
            None => {
                return Err(ApiError::invalid("days", "Say how many days the course lasts (1 to 10).").into())
            }
            Some(d) => d.parse::<u8>().map_err(|_| {
                Problem::from(ApiError::invalid("days", "days is a whole number from 1 to 10."))
            })?,
        };
        let parts = ["day_start", "day_end", "lunch", "breaks"].map(|p| self.text(p));
        let timetable = parts.iter().any(Option::is_some).then(|| {
            let [start, end, lunch, breaks] = parts.map(Option::unwrap_or_default);
            Timetable {
                start,
                end,
                lunch,
                breaks,
            }
        });
        Ok(CourseSpec {
            schema: SPEC_SCHEMA,
            title: self.text("title").or(fallback_title).unwrap_or_default(),
            days,
            language: self.text("language").unwrap_or_else(|| "en".into()),
            template: self.text("template").unwrap_or_default(),
            outline,
            writer: "offline".into(),
            timetable,
        })
    }
}

/// Whether the request's body is a form with files.
pub fn is_multipart(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim_start()
                .to_ascii_lowercase()
                .starts_with("multipart/form-data")
        })
}

/// Reads a form whose one file part is `file_part` and whose text parts
/// are `own_part` and the [`SHARED_PARTS`]. The body was bounded by `limits::bound_body`
/// before it got here; the parts are bounded again one by one. Unknown or
/// repeated parts are refused by name.
pub async fn read(
    req: Request,
    file_part: &'static str,
    own_part: &'static str,
) -> Result<Received, Problem> {
    let unreadable = |why: String| {
        Problem::new(
            StatusCode::BAD_REQUEST,
            format!("The form could not be read: {why}"),
        )
    };
    let mut form = Multipart::from_request(req, &())
        .await
        .map_err(|e| unreadable(e.body_text()))?;
    let mut got = Received::default();
    while let Some(field) = form.next_field().await.map_err(|e| unreadable(e.body_text()))? {
        let name = field.name().unwrap_or_default().to_owned();
        if name == file_part {
            if got.file.is_some() {
                return Err(ApiError::invalid(file_part, "Send one file.").into());
            }
            let file_name = field.file_name().map(str::to_owned);
            let bytes = field.bytes().await.map_err(|e| unreadable(e.body_text()))?;
            got.file = Some((file_name, bytes));
            continue;
        }
        let Some(known) = std::iter::once(own_part)
            .chain(SHARED_PARTS.iter().copied())
            .find(|p| *p == name)
        else {
            let shown: String = name.chars().take(40).collect();
            return Err(
                ApiError::invalid(&shown, format!("`{shown}` is not a part this form takes.")).into(),
            );
        };
        if got.texts.iter().any(|(n, _)| *n == known) {
            return Err(ApiError::invalid(known, "Send each part once.").into());
        }
        let text = field.text().await.map_err(|e| unreadable(e.body_text()))?;
        if text.chars().count() > MAX_TEXT_PART {
            return Err(ApiError::invalid(known, format!("{known} is too long.")).into());
        }
        got.texts.push((known, text));
    }
    Ok(got)
}
