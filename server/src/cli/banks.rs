//! `courseware banks upload|sync`: the bank folders to or from object
//! storage (`S3_BANKS_PREFIX`), unchanged files skipped.

use anyhow::Context;
use backend::Config;

#[derive(clap::Subcommand)]
pub enum BanksCommand {
    /// Upload the local bank folders to S3_BANKS_PREFIX, skipping unchanged files.
    Upload,
    /// Download the banks into BANKS_ROOT, skipping files already present and unchanged.
    Sync,
}

pub async fn run(cmd: BanksCommand, config: Config) -> anyhow::Result<()> {
    let s3 = backend::storage::s3::S3::from_config(&config.s3)
        .await?
        .context("S3_BUCKET is not set: there is no bucket to copy the banks to or from")?;
    let started = std::time::Instant::now();
    let line = match cmd {
        BanksCommand::Upload => backend::templates::banks::upload(&s3, &config)
            .await?
            .line("uploaded"),
        BanksCommand::Sync => {
            let root = &config.s3.banks_root;
            let s = backend::templates::banks::sync(&s3, root).await?;
            format!("{} into {}", s.line("downloaded"), root.display())
        }
    };
    println!("{line} in {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}
