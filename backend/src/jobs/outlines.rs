//! Reading an uploaded or pasted outline: the user's hourly allowance, the
//! size limit, then the parser (`course::parse`, linear time) on a blocking
//! thread behind the parse gate, so neither a large paste nor a burst of
//! them holds up the async runtime or piles up threads.

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
    /// Over the user's allowance or the server's capacity (429/503).
    #[error("{0}")]
    Refused(ApiError),
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
            Rejected::Refused(e) => e.into(),
            Rejected::TooLarge => ApiError::TooLarge(Rejected::TooLarge.to_string()).into(),
            other => ApiError::invalid("outline", other.to_string()).into(),
        }
    }
}

/// Reads `bytes` (any supported format, recognized by content) for `user`.
pub async fn read(
    state: &crate::AppState,
    user: i64,
    bytes: impl AsRef<[u8]> + Send + 'static,
) -> Result<Outline, Rejected> {
    if let Err(retry_after) = state.outline_reads.hit(user) {
        return Err(Rejected::Refused(ApiError::TooManyRequests { retry_after }));
    }
    parse(bytes).await
}

/// Reads the outline received in the file at `path` for `user`: the file is
/// loaded only once a place at the parse gate is free, so uploads waiting
/// for one hold disk, not memory.
pub async fn read_file(
    state: &crate::AppState,
    user: i64,
    path: &std::path::Path,
) -> Result<Outline, Rejected> {
    if let Err(retry_after) = state.outline_reads.hit(user) {
        return Err(Rejected::Refused(ApiError::TooManyRequests { retry_after }));
    }
    let _place = crate::gate::PARSE.enter().await.map_err(Rejected::Refused)?;
    let bytes = tokio::fs::read(path)
        .await
        .map_err(|e| Rejected::Crashed(format!("reading the received outline: {e}")))?;
    parse_admitted(bytes).await
}

/// Parses `bytes` (any supported format, recognized by content). A PDF's
/// text is extracted by a child process (see [`pdf_text_isolated`]).
pub async fn parse(bytes: impl AsRef<[u8]> + Send + 'static) -> Result<Outline, Rejected> {
    let _place = crate::gate::PARSE.enter().await.map_err(Rejected::Refused)?;
    parse_admitted(bytes).await
}

/// [`parse`] for a caller that holds a place at the parse gate.
async fn parse_admitted(bytes: impl AsRef<[u8]> + Send + 'static) -> Result<Outline, Rejected> {
    if bytes.as_ref().len() > MAX_OUTLINE_BYTES {
        return Err(Rejected::TooLarge);
    }
    let pdf_text = match course::parse::sniff(bytes.as_ref()) {
        Ok(course::parse::Format::Pdf) => Some(pdf_text_isolated(bytes.as_ref()).await),
        _ => None,
    };
    tokio::task::spawn_blocking(move || {
        course::parse::parse_with(bytes.as_ref(), |_| pdf_text.unwrap_or(Err(OutlineError::Pdf)))
    })
    .await
    .map_err(|e| Rejected::Crashed(e.to_string()))?
    .map_err(Rejected::Unreadable)
}

/// Wall-clock limit on extracting a PDF's text.
pub const PDF_TIME_LIMIT: std::time::Duration = std::time::Duration::from_secs(20);

/// Address-space limit of the extracting process, in bytes.
pub const PDF_MEMORY_LIMIT: u64 = 1 << 30;

/// Largest text taken back from the extracting process.
const PDF_MAX_TEXT: usize = 16 << 20;

/// The program that extracts PDF text: this executable (`courseware
/// pdf-text`), unless `COURSEWARE_PDF_HELPER` names another (the test
/// harness, whose own executable is a test runner, names the real binary).
fn pdf_helper() -> Option<std::path::PathBuf> {
    std::env::var_os("COURSEWARE_PDF_HELPER")
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::current_exe().ok())
}

/// Extracts a PDF's text in a child process: `courseware pdf-text`, under
/// `prlimit` (address space and CPU time) when the system has it, killed
/// after [`PDF_TIME_LIMIT`]. A crash, a stack overflow, a runaway
/// allocation or a hang of the extractor ends that process, not the server.
pub async fn pdf_text_isolated(bytes: &[u8]) -> Result<String, OutlineError> {
    use std::process::Stdio;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let Some(helper) = pdf_helper() else {
        return Err(OutlineError::Pdf);
    };
    let prlimit = ["/usr/bin/prlimit", "/bin/prlimit"]
        .into_iter()
        .map(std::path::Path::new)
        .find(|p| p.is_file());
    let mut cmd = match prlimit {
        Some(p) => {
            let mut c = tokio::process::Command::new(p);
            c.arg(format!("--as={PDF_MEMORY_LIMIT}"))
                .arg(format!("--cpu={}", PDF_TIME_LIMIT.as_secs()))
                .arg("--")
                .arg(&helper);
            c
        }
        None => tokio::process::Command::new(&helper),
    };
    cmd.arg("pdf-text")
        .env_clear()
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true);
    let mut child = cmd.spawn().map_err(|e| {
        tracing::error!(error = %e, helper = %helper.display(), "could not start the PDF reader");
        OutlineError::Pdf
    })?;
    let mut stdin = child.stdin.take().ok_or(OutlineError::Pdf)?;
    let mut stdout = child.stdout.take().ok_or(OutlineError::Pdf)?;
    let input = bytes.to_vec();
    let run = async move {
        let write = async move {
            let _ = stdin.write_all(&input).await;
            drop(stdin);
        };
        let read = async move {
            let mut out = Vec::new();
            let _ = (&mut stdout)
                .take(PDF_MAX_TEXT as u64 + 1)
                .read_to_end(&mut out)
                .await;
            out
        };
        let ((), out) = tokio::join!(write, read);
        let status = child.wait().await;
        (status, out)
    };
    match tokio::time::timeout(PDF_TIME_LIMIT, run).await {
        Ok((Ok(status), out)) if status.success() && out.len() <= PDF_MAX_TEXT => {
            String::from_utf8(out).map_err(|_| OutlineError::Pdf)
        }
        Ok((status, _)) => {
            tracing::warn!(?status, "the PDF reader failed on an upload");
            Err(OutlineError::Pdf)
        }
        Err(_) => {
            tracing::warn!("the PDF reader ran out of time on an upload; killed");
            Err(OutlineError::Pdf)
        }
    }
}

/// Which course language (en, fr, de, es) the outline's own words are in,
/// when that can be told (see `course::language`): the New course page
/// warns when it is not the course's and the offline writer would not
/// translate.
pub fn language(outline: &Outline) -> Option<&'static str> {
    course::language::of_outline(outline)
}
