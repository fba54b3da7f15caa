//! `courseware migrate` (apply pending migrations) and `courseware
//! migrate-db` (copy an installation's database into another, empty one,
//! checked by counting every table on both sides).

use backend::Config;

#[derive(clap::Args)]
pub struct CopyArgs {
    /// The database to copy: sqlite://path/to/courseware.db or postgres://…
    #[arg(long, value_parser = backend::db::Target::parse)]
    from: backend::db::Target,
    /// The empty database to fill: postgres://… or sqlite://…
    #[arg(long, value_parser = backend::db::Target::parse)]
    to: backend::db::Target,
}

pub async fn migrate(config: Config) -> anyhow::Result<()> {
    let target = config.database()?;
    let pool = backend::db::connect(&target).await?;
    backend::db::migrate(&pool).await?;
    println!("migrations applied to {}", target.describe());
    Ok(())
}

pub async fn copy(args: CopyArgs) -> anyhow::Result<()> {
    let CopyArgs { from, to } = args;
    let started = std::time::Instant::now();
    if let backend::db::Target::Sqlite(path) = &from {
        anyhow::ensure!(path.is_file(), "there is no database at {}", path.display());
    }
    let source = backend::db::connect(&from).await?;
    let target = backend::db::connect(&to).await?;
    backend::db::migrate(&source).await?;
    backend::db::migrate(&target).await?;
    let counts = backend::db::copy::copy(&source, &target).await?;
    let total: u64 = counts.iter().map(|c| c.1).sum();
    for (table, n) in &counts {
        println!("{table:<18} {n:>8} rows, the same on both sides");
    }
    println!(
        "copied {} into {}: {total} rows in {:.1} s",
        from.describe(),
        to.describe(),
        started.elapsed().as_secs_f64()
    );
    source.close().await;
    target.close().await;
    Ok(())
}
