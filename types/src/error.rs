//! The one error type that crosses the wire between server functions and the
//! browser. It carries only what a user may see: internal causes are logged on
//! the server and replaced by a generic message before they get here.

use serde::{Deserialize, Serialize};

/// What went wrong, as the dashboard needs to know it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum ApiError {
    /// No valid session: the dashboard sends the user to the sign-in page.
    #[error("Please sign in to continue.")]
    Unauthorized,
    /// Signed in, but the action needs an administrator.
    #[error("You do not have permission to do that.")]
    Forbidden,
    /// A thing the caller named does not exist (or is not theirs to see).
    #[error("Not found.")]
    NotFound,
    /// A form field failed validation; `field` names the input it belongs to.
    #[error("{message}")]
    Invalid { field: String, message: String },
    /// Sign-in failed; the same text whether the email or the password was wrong.
    #[error("Incorrect email or password.")]
    BadCredentials,
    /// The right password for an account an administrator disabled: said
    /// only to someone who knows the password.
    #[error("This account is disabled. Ask an administrator to enable it again.")]
    AccountDisabled,
    /// Too many attempts or requests; try again after `retry_after` seconds.
    #[error("Too many attempts. Try again in {retry_after} seconds.")]
    TooManyRequests { retry_after: u64 },
    /// The server is at capacity for this kind of work; try again after
    /// `retry_after` seconds.
    #[error("The server is busy. Please try again in {retry_after} seconds.")]
    Busy { retry_after: u64 },
    /// The request is over a size limit; the text says which.
    #[error("{0}")]
    TooLarge(String),
    /// A conflict with existing data, e.g. an email already in use.
    #[error("{0}")]
    Conflict(String),
    /// Something failed on the server; details are in the server log only.
    #[error("Something went wrong on the server. Please try again.")]
    Internal,
    /// The request never reached the server or its answer was unreadable.
    #[error("Could not reach the server: {0}")]
    Transport(String),
}

impl ApiError {
    /// A validation error for one named form field.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Self::Invalid {
            field: field.to_owned(),
            message: message.into(),
        }
    }

    /// The message for `field` when this error is about that field.
    pub fn field_message(&self, field: &str) -> Option<String> {
        match self {
            Self::Invalid { field: f, message } if f == field => Some(message.clone()),
            _ => None,
        }
    }

    /// Seconds the client should wait before trying again, if any.
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            Self::TooManyRequests { retry_after } | Self::Busy { retry_after } => Some(*retry_after),
            _ => None,
        }
    }

    /// The HTTP status that goes with this error.
    pub fn status(&self) -> u16 {
        match self {
            Self::Unauthorized => 401,
            Self::Forbidden => 403,
            Self::NotFound => 404,
            Self::Invalid { .. } => 422,
            Self::BadCredentials => 401,
            Self::AccountDisabled => 403,
            Self::TooManyRequests { .. } => 429,
            Self::Conflict(_) => 409,
            Self::Busy { .. } => 503,
            Self::TooLarge(_) => 413,
            Self::Internal | Self::Transport(_) => 500,
        }
    }
}

/// Marks the field an argument's decoding error is about (see
/// [`field_error_text`] and [`named_field_error`]).
const FIELD_MARK: char = '\u{1e}';

/// An argument decoding error's text that keeps the field it is about:
/// `path` as serde_path_to_error gives it (`days`, `outline.modules[2]`, `.`).
pub fn field_error_text(path: &str, error: &impl std::fmt::Display) -> String {
    format!("{FIELD_MARK}{path}{FIELD_MARK}{error}")
}

/// The field error an argument's decoding error (from [`field_error_text`],
/// with whatever the decoder appended) stands for: the top-level field named
/// (a missing field names itself), the decoder's words without positions.
pub fn named_field_error(text: &str) -> Option<ApiError> {
    let (_, rest) = text.split_once(FIELD_MARK)?;
    let (path, message) = rest.split_once(FIELD_MARK)?;
    let message = message.split(" at line ").next().unwrap_or(message).trim();
    let top = path
        .split(['.', '['])
        .find(|p| !p.is_empty())
        .map(str::to_owned)
        .or_else(|| {
            message
                .strip_prefix("missing field `")
                .and_then(|m| m.split('`').next())
                .map(str::to_owned)
        })
        .unwrap_or_default();
    let shown = if top.is_empty() {
        format!("The request could not be read: {message}.")
    } else {
        format!("{top} could not be read: {message}.")
    };
    Some(ApiError::invalid(&top, shown))
}

/// How the error travels through Leptos's server functions (JSON, both ways).
/// Only the UI crate switches this on; the backend has no Leptos.
#[cfg(feature = "leptos")]
mod server_fn_codec {
    use leptos::server_fn::codec::JsonEncoding;
    use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};

    use crate::error::{named_field_error, ApiError};

    impl FromServerFnError for ApiError {
        type Encoder = JsonEncoding;

        fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
            match value {
                ServerFnErrorErr::Args(m) | ServerFnErrorErr::MissingArg(m) => {
                    named_field_error(&m).unwrap_or_else(|| Self::invalid("", m))
                }
                // In the browser, an answer that cannot be decoded; on the
                // server, a request that cannot be: the caller's to fix.
                ServerFnErrorErr::Deserialization(m) if !cfg!(target_arch = "wasm32") => {
                    named_field_error(&m)
                        .unwrap_or_else(|| Self::invalid("", format!("The request could not be read: {m}")))
                }
                ServerFnErrorErr::Request(m)
                | ServerFnErrorErr::Deserialization(m)
                | ServerFnErrorErr::Serialization(m) => Self::Transport(m),
                _ => Self::Internal,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_decoding_error_names_its_top_level_field() {
        let said = |path: &str, inner: &str| {
            named_field_error(&format!("{} at line 1 column 9", field_error_text(path, &inner)))
                .expect("marked")
        };
        let e = said("days", "invalid value: integer `300`, expected u8");
        assert_eq!(
            e,
            ApiError::invalid(
                "days",
                "days could not be read: invalid value: integer `300`, expected u8."
            )
        );
        assert!(
            matches!(said("outline.modules[2].title", "invalid type"), ApiError::Invalid { field, .. } if field == "outline")
        );
        assert!(
            matches!(said(".", "missing field `title`"), ApiError::Invalid { field, .. } if field == "title")
        );
        assert_eq!(named_field_error("no marks here"), None);
    }

    #[test]
    fn bad_credentials_never_says_which_part_was_wrong() {
        let text = ApiError::BadCredentials.to_string();
        assert!(!text.to_lowercase().contains("unknown"));
        assert!(!text.to_lowercase().contains("no such"));
        assert_eq!(text, "Incorrect email or password.");
        // Only the right password for a disabled account hears why.
        let disabled = ApiError::AccountDisabled;
        assert_eq!(disabled.status(), 403);
        assert!(disabled.to_string().starts_with("This account is disabled."));
    }

    #[test]
    fn field_messages_belong_to_their_field() {
        let e = ApiError::invalid("email", "Enter an email address.");
        assert_eq!(
            e.field_message("email").as_deref(),
            Some("Enter an email address.")
        );
        assert_eq!(e.field_message("password"), None);
        assert_eq!(e.status(), 422);
    }

    #[cfg(feature = "leptos")]
    #[test]
    fn errors_survive_the_json_round_trip() {
        use leptos::server_fn::error::FromServerFnError;
        let e = ApiError::TooManyRequests { retry_after: 42 };
        let bytes = e.ser();
        assert_eq!(ApiError::de(bytes), e);
    }
}
