//! Reading an uploaded or pasted outline: the size limit, then the parser
//! (`course::parse`) on a blocking thread so a large paste never holds up
//! the async runtime.

use course::parse::OutlineError;
use types::limits::MAX_OUTLINE_BYTES;
use types::outline::Outline;
use types::ApiError;

/// Why an outline was refused.
#[derive(Debug, thiserror::Error)]
pub enum Rejected {
    #[error("The outline is larger than 10 MB.")]
    TooLarge,
    #[error(transparent)]
    Unreadable(OutlineError),
    #[error("reading the outline stopped unexpectedly: {0}")]
    Crashed(String),
}

impl Rejected {
    /// Whether the file is of a kind we do not read at all (vs. a readable
    /// kind with bad content).
    pub fn is_unsupported_type(&self) -> bool {
        matches!(
            self,
            Self::Unreadable(OutlineError::Unsupported | OutlineError::Encoding)
        )
    }
}

impl From<Rejected> for crate::Error {
    fn from(r: Rejected) -> Self {
        match r {
            Rejected::Crashed(why) => anyhow::anyhow!(why).into(),
            other => ApiError::invalid("outline", other.to_string()).into(),
        }
    }
}

/// Parses `bytes` (any supported format, recognized by content).
pub async fn parse(bytes: impl AsRef<[u8]> + Send + 'static) -> Result<Outline, Rejected> {
    if bytes.as_ref().len() > MAX_OUTLINE_BYTES {
        return Err(Rejected::TooLarge);
    }
    tokio::task::spawn_blocking(move || course::parse::parse(bytes.as_ref()))
        .await
        .map_err(|e| Rejected::Crashed(e.to_string()))?
        .map_err(Rejected::Unreadable)
}
