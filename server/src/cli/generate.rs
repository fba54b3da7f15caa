//! `courseware generate`: the generation pipeline without the server —
//! outline → course plan (offline writer) → deck → QA lint — with progress
//! on the terminal.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;
use course::pipeline::{self, Step};
use course::plan::offline_texts;
use deck::Template;
use types::limits::MAX_OUTLINE_BYTES;
use types::validate::{CourseTitle, Language};

#[derive(clap::Args)]
pub struct GenerateArgs {
    /// Outline file: .docx, .md or .txt (recognized by content).
    #[arg(long)]
    pub outline: PathBuf,
    /// Template: .pptx or .potx.
    #[arg(long)]
    pub template: PathBuf,
    /// Course length in days (1–10).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u8).range(1..=10))]
    pub days: u8,
    /// Language of the deck's labels and writing: en, fr, de or es.
    #[arg(long, default_value = "en", value_parser = clap::builder::PossibleValuesParser::new(Language::codes()))]
    pub lang: String,
    /// Course title (defaults to the outline's own title).
    #[arg(long)]
    pub title: Option<String>,
    /// Where to write the deck.
    #[arg(short, long)]
    pub output: PathBuf,
    #[command(flatten)]
    pub banks: backend::config::BankDirs,
    /// Also write a JSON report (slides, QA score and findings, timings).
    #[arg(long)]
    pub report: Option<PathBuf>,
}

struct Progress {
    tty: bool,
}

impl Progress {
    fn step(&self, pct: u8, what: &str) {
        if self.tty {
            let filled = usize::from(pct) * 30 / 100;
            eprint!(
                "\r[{}{}] {pct:>3}% {what:<40}",
                "#".repeat(filled),
                " ".repeat(30 - filled)
            );
            if pct == 100 {
                eprintln!();
            }
        } else {
            eprintln!("{pct:>3}% {what}");
        }
        let _ = std::io::stderr().flush();
    }
}

pub fn run(args: GenerateArgs) -> anyhow::Result<()> {
    let started = Instant::now();
    let p = Progress {
        tty: std::io::stderr().is_terminal(),
    };
    p.step(0, "reading the outline");
    let size = std::fs::metadata(&args.outline)
        .with_context(|| format!("reading {}", args.outline.display()))?
        .len();
    anyhow::ensure!(
        size <= MAX_OUTLINE_BYTES as u64,
        "the outline is larger than 10 MB"
    );
    let bytes =
        std::fs::read(&args.outline).with_context(|| format!("reading {}", args.outline.display()))?;
    let mut outline =
        course::parse::parse(&bytes).with_context(|| format!("parsing {}", args.outline.display()))?;
    if let Some(t) = args.title.as_deref().filter(|t| !t.trim().is_empty()) {
        let title = CourseTitle::parse(t).map_err(|e| anyhow::anyhow!("the title: {e}"))?;
        outline.title = title.as_ref().to_owned();
    }
    let t_parse = started.elapsed();

    p.step(20, "opening the template");
    let template =
        Template::open(&args.template).with_context(|| format!("opening {}", args.template.display()))?;
    p.step(35, "planning the course");
    let banks = args.banks.load();
    let options = pipeline::options(&template, args.days, &args.lang);
    let texts = offline_texts(&outline, &options.lang);
    let generated = pipeline::generate(&template, &outline, &options, &banks, &texts, |step| {
        match step {
            Step::Planned { .. } => {}
            Step::Building => p.step(55, "building the deck"),
            Step::Checking => p.step(85, "checking quality"),
        }
        Ok::<_, std::convert::Infallible>(())
    })?;
    let deck_bytes = generated.bytes;
    let report = generated.lint;
    let t_build = started.elapsed();

    std::fs::write(&args.output, &deck_bytes)
        .with_context(|| format!("writing {}", args.output.display()))?;
    p.step(100, "done");

    let elapsed = started.elapsed();
    println!(
        "{}: {} slides from {} modules / {} topics, QA {}/100 ({:?}), {} KB, {:.2} s",
        args.output.display(),
        report.slides,
        outline.modules.len(),
        outline.topic_titles().count(),
        report.score,
        report.verdict,
        deck_bytes.len() / 1024,
        elapsed.as_secs_f64()
    );
    println!("note: written by the offline writer (no AI) — a draft to review and complete.");
    if let Some(path) = &args.report {
        let json = serde_json::json!({
            "course_title": outline.title,
            "days": args.days,
            "language": args.lang,
            "writer": "offline",
            "modules": outline.modules.len(),
            "topics": outline.topic_titles().count(),
            "slides": report.slides,
            "qa": report,
            "seconds": { "parse": t_parse.as_secs_f64(), "build": t_build.as_secs_f64(), "total": elapsed.as_secs_f64() },
        });
        std::fs::write(path, serde_json::to_vec_pretty(&json)?)
            .with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}
