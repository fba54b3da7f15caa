//! `courseware import-legacy`: the previous tool's JSON files (job history,
//! daily activity, token usage) into the database; bad rows reported and
//! skipped, a second run imports nothing new.

use backend::Config;

use crate::startup;

#[derive(clap::Args)]
pub struct ImportArgs {
    /// The history file: an array of job objects.
    #[arg(long)]
    history: Option<std::path::PathBuf>,
    /// The daily activity file: {date: {courses, slides}} or [{date, courses, slides}].
    #[arg(long)]
    activity: Option<std::path::PathBuf>,
    /// The token usage file: an array of usage rows.
    #[arg(long)]
    tokens: Option<std::path::PathBuf>,
    /// The old tool's output folder: decks named in `output_local` are copied into storage.
    #[arg(long)]
    outputs: Option<std::path::PathBuf>,
}

pub async fn run(args: ImportArgs, config: Config) -> anyhow::Result<()> {
    let ImportArgs {
        history,
        activity,
        tokens,
        outputs,
    } = args;
    anyhow::ensure!(
        history.is_some() || activity.is_some() || tokens.is_some(),
        "give at least one of --history, --activity, --tokens"
    );
    let prices = match &config.llm.llm_prices_file {
        Some(p) => backend::llm::Prices::with_overrides(p)?,
        None => backend::llm::Prices::default(),
    };
    let state = startup::prepare(config).await?;
    let started = std::time::Instant::now();
    let show = |what: &str, r: &backend::ops::legacy::Report| {
        println!("{}", r.line(what));
        for (i, why) in r.skipped.iter().take(50) {
            println!("  skipped row {i}: {why}");
        }
        if r.skipped.len() > 50 {
            println!("  … and {} more skipped rows", r.skipped.len() - 50);
        }
        for n in r.notes.iter().take(50) {
            println!("  note: {n}");
        }
    };
    if let Some(f) = &history {
        let v = backend::ops::legacy::read_json(f)?;
        let r = backend::ops::legacy::import_history(&state, &v, outputs.as_deref()).await?;
        show(&format!("history ({})", f.display()), &r);
    }
    if let Some(f) = &activity {
        let v = backend::ops::legacy::read_json(f)?;
        let r = backend::ops::legacy::import_activity(&state.pool, &v).await?;
        show(&format!("activity ({})", f.display()), &r);
    }
    if let Some(f) = &tokens {
        let v = backend::ops::legacy::read_json(f)?;
        let r = backend::ops::legacy::import_tokens(&state.pool, &v, &prices).await?;
        show(&format!("tokens ({})", f.display()), &r);
    }
    println!("done in {:.1} s", started.elapsed().as_secs_f64());
    state.pool.close().await;
    Ok(())
}
