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
    #[arg(long, required_unless_present = "spec")]
    pub outline: Option<PathBuf>,
    /// A course spec file (exported from a job): title, days, language,
    /// template and the edited outline. `--days`, `--lang` and `--title`
    /// given as well override it; `--template` too (else the spec's sample
    /// template is looked up in `--templates-dir`).
    #[arg(long, conflicts_with = "outline")]
    pub spec: Option<PathBuf>,
    /// Template: .pptx or .potx.
    #[arg(long, required_unless_present = "spec")]
    pub template: Option<PathBuf>,
    /// Where a spec's sample template is looked up.
    #[arg(
        long,
        env = "SAMPLE_TEMPLATES_DIR",
        default_value = "server/samples/templates"
    )]
    pub templates_dir: PathBuf,
    /// Course length in days (1–10; default 1, or the spec's).
    #[arg(long, value_parser = clap::value_parser!(u8).range(1..=10))]
    pub days: Option<u8>,
    /// Language of the deck's labels and writing: en, fr, de or es (default en, or the spec's).
    #[arg(long, value_parser = clap::builder::PossibleValuesParser::new(Language::codes()))]
    pub lang: Option<String>,
    /// Course title (defaults to the outline's own title).
    #[arg(long)]
    pub title: Option<String>,
    /// Where to write the deck.
    #[arg(short, long)]
    pub output: PathBuf,
    #[command(flatten)]
    pub banks: backend::config::BankDirs,
    #[command(flatten)]
    pub day: backend::config::DayPlan,
    /// Also write a JSON report (slides, QA score and findings, timings).
    #[arg(long)]
    pub report: Option<PathBuf>,
}

/// Reads and checks a spec file; the error lists every bad field.
fn read_spec(path: &std::path::Path) -> anyhow::Result<types::spec::CourseSpec> {
    let size = std::fs::metadata(path)
        .with_context(|| format!("reading {}", path.display()))?
        .len();
    anyhow::ensure!(size <= MAX_OUTLINE_BYTES as u64, "the spec is larger than 10 MB");
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let spec: types::spec::CourseSpec =
        serde_json::from_slice(&bytes).with_context(|| format!("{} is not a course spec", path.display()))?;
    let problems = spec.problems();
    if !problems.is_empty() {
        let lines: Vec<String> = problems
            .iter()
            .map(|e| match e {
                types::ApiError::Invalid { field, message } => format!("{field}: {message}"),
                other => other.to_string(),
            })
            .collect();
        anyhow::bail!("{} cannot be used:\n  {}", path.display(), lines.join("\n  "));
    }
    Ok(spec)
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
    let (mut outline, spec) = match (&args.spec, &args.outline) {
        (Some(path), _) => {
            let spec = read_spec(path)?;
            (spec.outline.clone(), Some(spec))
        }
        (None, Some(path)) => {
            let size = std::fs::metadata(path)
                .with_context(|| format!("reading {}", path.display()))?
                .len();
            anyhow::ensure!(
                size <= MAX_OUTLINE_BYTES as u64,
                "the outline is larger than 10 MB"
            );
            let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
            let outline =
                course::parse::parse(&bytes).with_context(|| format!("parsing {}", path.display()))?;
            (outline, None)
        }
        (None, None) => anyhow::bail!("give --outline or --spec"),
    };
    if let Some(s) = &spec {
        outline.title = s.title.clone();
    }
    if let Some(t) = args.title.as_deref().filter(|t| !t.trim().is_empty()) {
        let title = CourseTitle::parse(t).map_err(|e| anyhow::anyhow!("the title: {e}"))?;
        outline.title = title.as_ref().to_owned();
    }
    let days = args.days.or(spec.as_ref().map(|s| s.days)).unwrap_or(1);
    let lang = args
        .lang
        .clone()
        .or(spec.as_ref().map(|s| s.language.clone()))
        .unwrap_or_else(|| "en".into());
    let template_path = match (&args.template, &spec) {
        (Some(t), _) => t.clone(),
        (None, Some(s)) => {
            anyhow::ensure!(
                !s.template.starts_with("upload:"),
                "the spec's template was uploaded to a server; give --template with the file"
            );
            let name = std::path::Path::new(&s.template)
                .file_name()
                .context("the spec's template has no file name")?;
            args.templates_dir.join(name)
        }
        (None, None) => anyhow::bail!("give --template"),
    };
    let t_parse = started.elapsed();

    p.step(20, "opening the template");
    let template =
        Template::open(&template_path).with_context(|| format!("opening {}", template_path.display()))?;
    p.step(35, "planning the course");
    let banks = args.banks.load();
    // A spec's own timetable, else the flags' (or COURSE_*) day.
    let day = spec
        .as_ref()
        .and_then(|s| s.timetable.as_ref())
        .map(backend::config::DayPlan::from_timetable)
        .unwrap_or_else(|| args.day.clone());
    let schedule = day
        .schedule()
        .map_err(|e| anyhow::anyhow!("the course day: {e}"))?;
    let options = pipeline::options(&template, days, &lang, schedule);
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
    let qa = generated.qa;
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
        qa.score,
        qa.verdict,
        deck_bytes.len() / 1024,
        elapsed.as_secs_f64()
    );
    println!("layouts: {}", generated.layouts);
    println!("note: written by the offline writer (no AI) — a draft to review and complete.");
    if let Some(path) = &args.report {
        let json = serde_json::json!({
            "course_title": outline.title,
            "days": days,
            "language": lang,
            "writer": "offline",
            "modules": outline.modules.len(),
            "topics": outline.topic_titles().count(),
            "slides": report.slides,
            "qa": qa,
            "lint": report,
            "layouts": generated.layouts,
            "seconds": { "parse": t_parse.as_secs_f64(), "build": t_build.as_secs_f64(), "total": elapsed.as_secs_f64() },
        });
        std::fs::write(path, serde_json::to_vec_pretty(&json)?)
            .with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}
