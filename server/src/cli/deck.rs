//! `courseware deck …`: the document engine from the command line.

use std::path::PathBuf;

use anyhow::Context;
use clap::Subcommand;
use deck::build::DirResolver;
use deck::{BuildOptions, DeckPlan, Template};

#[derive(Subcommand)]
pub enum DeckCommand {
    /// List a template's layouts with their classification and placeholders;
    /// with --bank, a slide bank folder's slides with their tags.
    Inspect {
        /// A template (.pptx, .potx), or with --bank a bank folder (its
        /// catalogue.json and decks).
        template: PathBuf,
        /// The path is a slide bank: list each slide, its tags and the text
        /// its deck really has on that slide.
        #[arg(long)]
        bank: bool,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Build a deck from a JSON plan (format: see deck/src/plan.rs or the README).
    Build {
        plan: PathBuf,
        #[arg(long)]
        template: PathBuf,
        #[arg(short, long)]
        output: PathBuf,
        /// dcterms:modified to write (RFC 3339); unset keeps the template's.
        #[arg(long)]
        timestamp: Option<String>,
    },
    /// Check a deck: package invariants, per-slide findings and a score.
    Lint {
        deck: PathBuf,
        #[arg(long)]
        json: bool,
    },
}

/// The layout chosen for each role, with why (a sample slide or the
/// classification), as `deck inspect` shows it.
fn role_map(t: &Template) -> Vec<serde_json::Value> {
    t.role_choices()
        .into_iter()
        .map(|c| {
            serde_json::json!({
                "role": c.role,
                "layout": c.layout.map(|i| t.layouts[i].name.clone()),
                "master": c.layout.map(|i| t.master_name(&t.layouts[i].master)),
                "because": c.because.describe(),
            })
        })
        .collect()
}

/// `deck inspect --bank`: each catalogue entry, its tags, and the first
/// line its deck really has on that slide (or why it cannot be used).
fn inspect_bank(dir: &std::path::Path, json: bool) -> anyhow::Result<()> {
    let entries = course::banks::catalogue(dir).map_err(anyhow::Error::msg)?;
    let mut opened: std::collections::HashMap<PathBuf, Result<Vec<Vec<String>>, String>> = Default::default();
    let mut rows = Vec::new();
    for e in &entries {
        let seen = match &e.path {
            None => Err(format!("{} is not a file in this folder", e.deck)),
            Some(p) => opened
                .entry(p.clone())
                .or_insert_with(|| {
                    std::fs::read(p)
                        .map_err(|err| err.to_string())
                        .and_then(|b| deck::lint::slide_paragraphs(&b).map_err(|err| err.to_string()))
                })
                .clone()
                .and_then(|slides| {
                    slides
                        .get(e.slide.wrapping_sub(1))
                        .map(|paras| paras.first().cloned().unwrap_or_default())
                        .ok_or_else(|| format!("{} has {} slides, not {}", e.deck, slides.len(), e.slide))
                }),
        };
        rows.push(serde_json::json!({
            "deck": e.deck,
            "slide": e.slide,
            "title": e.title,
            "tags": e.tags,
            "first_line": seen.as_ref().ok(),
            "problem": seen.as_ref().err(),
        }));
    }
    if json {
        println!("{}", serde_json::to_string_pretty(&rows)?);
        return Ok(());
    }
    println!("{}  {} bank slides", dir.display(), entries.len());
    for (e, r) in entries.iter().zip(&rows) {
        println!(
            "  {}#{:<3} {:<28} tags: {}",
            e.deck,
            e.slide,
            e.title,
            e.tags.join(", ")
        );
        match (r["first_line"].as_str(), r["problem"].as_str()) {
            (_, Some(p)) => println!("        NOT USABLE: {p}"),
            (Some(line), None) => println!("        on the slide: {line}"),
            _ => {}
        }
    }
    Ok(())
}

pub fn run(cmd: DeckCommand) -> anyhow::Result<()> {
    match cmd {
        DeckCommand::Inspect {
            template: dir,
            bank: true,
            json,
        } => inspect_bank(&dir, json),
        DeckCommand::Inspect { template, json, .. } => {
            let t = Template::open(&template).with_context(|| format!("opening {}", template.display()))?;
            let roles = role_map(&t);
            if json {
                let out = serde_json::json!({
                    "slide_size": { "cx": t.slide_size.0, "cy": t.slide_size.1 },
                    "was_template": t.was_template,
                    "theme": t.theme,
                    "layouts": t.layouts,
                    "intent": t.intent,
                    "roles": roles,
                });
                println!("{}", serde_json::to_string_pretty(&out)?);
            } else {
                println!(
                    "{}  {} x {} EMU, {} layouts{}",
                    template.display(),
                    t.slide_size.0,
                    t.slide_size.1,
                    t.layouts.len(),
                    if t.was_template { " (template)" } else { "" }
                );
                println!(
                    "  {} masters, {} sample slides; layouts chosen for each role:",
                    t.masters.len(),
                    t.intent.sample_slides
                );
                for r in &roles {
                    println!(
                        "    {:<11} {:<32} master {:<16} ({})",
                        r["role"].as_str().unwrap_or(""),
                        r["layout"].as_str().unwrap_or("-"),
                        r["master"].as_str().unwrap_or("-"),
                        r["because"].as_str().unwrap_or("")
                    );
                }
                println!("  layouts (kind, name, master, placeholders, lowest text contrast):");
                for l in &t.layouts {
                    let ph: Vec<String> = l
                        .placeholders
                        .iter()
                        .map(|p| match p.idx {
                            Some(i) => format!("{}#{i}", p.ph_type),
                            None => p.ph_type.clone(),
                        })
                        .collect();
                    let worst = l
                        .readability
                        .iter()
                        .min_by(|a, b| a.contrast.unwrap_or(21.0).total_cmp(&b.contrast.unwrap_or(21.0)));
                    let reading = match worst {
                        None => String::new(),
                        Some(r) => format!(
                            "{}{}{}",
                            r.contrast
                                .map_or("on a picture".to_string(), |c| format!("{c:.1}:1")),
                            r.over_decoration
                                .as_deref()
                                .map(|d| format!(", text over {}", deck::readability::describe_decoration(d)))
                                .unwrap_or_default(),
                            if l.readable() { "" } else { "  LOW READABILITY" }
                        ),
                    };
                    println!(
                        "    {:<16} {:<28} {:<16} {:<28} {}",
                        format!("{:?}", l.kind),
                        l.name,
                        t.master_name(&l.master),
                        ph.join(" "),
                        reading
                    );
                }
            }
            Ok(())
        }
        DeckCommand::Build {
            plan,
            template,
            output,
            timestamp,
        } => {
            let started = std::time::Instant::now();
            let text =
                std::fs::read_to_string(&plan).with_context(|| format!("reading {}", plan.display()))?;
            let p: DeckPlan =
                serde_json::from_str(&text).with_context(|| format!("parsing {}", plan.display()))?;
            let t = Template::open(&template).with_context(|| format!("opening {}", template.display()))?;
            let base = plan.parent().map(PathBuf::from).unwrap_or_default();
            let bytes = deck::build(
                &t,
                &p,
                &DirResolver::new(base),
                &BuildOptions {
                    timestamp,
                    ..BuildOptions::default()
                },
            )?;
            std::fs::write(&output, &bytes).with_context(|| format!("writing {}", output.display()))?;
            println!(
                "{}: {} planned slides, {} KB, {:.0} ms",
                output.display(),
                p.slides.len(),
                bytes.len() / 1024,
                started.elapsed().as_secs_f64() * 1000.0
            );
            Ok(())
        }
        DeckCommand::Lint { deck: path, json } => {
            let bytes = std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
            let violations = deck::check::check_bytes(&bytes)?;
            let report = deck::lint::lint(&bytes)?;
            if json {
                let out = serde_json::json!({ "invariants": violations, "report": report });
                println!("{}", serde_json::to_string_pretty(&out)?);
            } else {
                for v in &violations {
                    println!("invariant: {v}");
                }
                for f in &report.findings {
                    println!(
                        "slide {:>3}  {:<7} {:<18} {}",
                        f.slide,
                        format!("{:?}", f.severity).to_lowercase(),
                        f.code,
                        f.message
                    );
                }
                println!(
                    "{} slides, score {}/100, verdict {:?}, {} invariant violations",
                    report.slides,
                    report.score,
                    report.verdict,
                    violations.len()
                );
            }
            anyhow::ensure!(
                violations.is_empty(),
                "the package breaks {} invariants",
                violations.len()
            );
            Ok(())
        }
    }
}
