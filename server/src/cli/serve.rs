//! `courseware serve` (the default): apply migrations and serve the web app.

use anyhow::Context;
use backend::Config;

use crate::startup;

pub async fn run(config: Config) -> anyhow::Result<()> {
    let bind = config.bind;
    let state = startup::prepare(config).await?;
    let listener = startup::listen(bind).with_context(|| format!("could not listen on {bind}"))?;
    let addr = listener.local_addr()?;
    tracing::info!("Courseware is running at http://{addr}");
    println!("Courseware is running at http://{addr}");
    startup::serve(listener, state, startup::shutdown_signal()).await
}
