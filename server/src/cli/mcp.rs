//! `courseware mcp`: the MCP server (`crate::mcp`) over stdin and stdout,
//! for an assistant that starts it as a child process. It opens the same
//! database and storage as the server (same configuration) and acts for the
//! token in `COURSEWARE_TOKEN`. Courses it starts are built by the running
//! server's workers, as if started from the page; logs go to stderr.

use anyhow::Context;
use backend::accounts::tokens;
use backend::Config;
use rmcp::ServiceExt;

use crate::mcp::{Courseware, Credentials};
use crate::startup;

pub async fn run(config: Config) -> anyhow::Result<()> {
    let token = std::env::var("COURSEWARE_TOKEN")
        .ok()
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty())
        .context("set COURSEWARE_TOKEN to an API token (make one on the API tokens page)")?;
    let bind = config.bind;
    let state = startup::prepare(config).await?;
    if tokens::authenticate(&state, &token).await?.is_none() {
        anyhow::bail!(
            "COURSEWARE_TOKEN is not a working API token (revoked, expired, of a disabled user, or mistyped)"
        );
    }
    let sqlite = matches!(state.config.database()?, backend::db::Target::Sqlite(_));
    if sqlite
        && matches!(
            backend::ops::backup::lock_data_dir(&state.config.data_dir),
            Ok(Some(_))
        )
    {
        tracing::warn!(
            data_dir = %state.config.data_dir.display(),
            "no server is running on this data directory: courses started here wait in the queue until one starts"
        );
    }
    let server = Courseware::new(state.clone(), Credentials::Token(token.into()))
        .with_fallback_base(format!("http://{bind}"));
    let running = server
        .serve(rmcp::transport::stdio())
        .await
        .context("starting the MCP session on stdin/stdout")?;
    let _ = running.waiting().await;
    state.pool.close().await;
    Ok(())
}
