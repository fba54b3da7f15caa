//! The deck lint: per-slide findings and a deck score, used by the QA step
//! and `courseware deck lint`.
//!
//! Findings: text that overflows its box even at its written shrink, body
//! text under a 4.5:1 contrast ratio with what lies behind it or sitting on
//! a decoration of its layout or master (errors; see [`crate::readability`]);
//! shapes off the slide, overlapping filled placeholders, pictures without
//! alternative text, a title shrunk below 24 pt (`small_title`, unless the
//! template's own title size is smaller), too many bullets (> 8) or words
//! (> 90), a slide whose
//! only text repeats its title, no notes page or empty speaker notes
//! (warnings); empty placeholders (info). Findings about the whole deck
//! (a stale slide count in `docProps/app.xml`) have slide number 0.
//!
//! Score: each slide scores `max(0, 100 − 25·errors − 8·warnings − 2·infos)`;
//! the deck score is the mean over slides, rounded. Verdict: `fail` when the
//! score is below 60 or more than 10% of slides have an error; otherwise
//! `review` when the score is below 85 or any slide has an error; else `pass`.

use serde::Serialize;

use crate::fit::{text_height, Shrink};
use crate::opc::{self, slides_of};
use crate::template::{Layout, Rect, Template};
use crate::text::{paragraph_level, paragraph_text};
use crate::xml::Element;
use crate::DeckError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    /// 1-based slide number.
    pub slide: usize,
    pub severity: Severity,
    pub code: &'static str,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Pass,
    Review,
    Fail,
}

#[derive(Debug, Clone, Serialize)]
pub struct LintReport {
    pub slides: usize,
    pub score: u8,
    pub verdict: Verdict,
    pub findings: Vec<Finding>,
}

const MAX_BULLETS: usize = 8;
const MAX_WORDS: usize = 90;

/// Lints a written deck.
pub fn lint(bytes: &[u8]) -> Result<LintReport, DeckError> {
    let tpl = Template::from_bytes(bytes)?;
    let pkg = tpl.package();
    let (_, slides) = slides_of(pkg)?;
    let (w, h) = tpl.slide_size;
    let mut findings = Vec::new();
    for (i, slide) in slides.iter().enumerate() {
        let n = i + 1;
        let root = pkg.xml(slide)?;
        let layout = pkg
            .rels(slide)?
            .into_iter()
            .find(|r| r.kind() == "slideLayout")
            .and_then(|r| opc::resolve(slide, &r.target).ok())
            .and_then(|part| tpl.layouts.iter().find(|l| l.part == part));
        let mut f = |severity, code, message: String| {
            findings.push(Finding {
                slide: n,
                severity,
                code,
                message,
            })
        };
        let Some(tree) = root.path(&["cSld", "spTree"]) else {
            continue;
        };
        let notes = pkg
            .rels(slide)?
            .into_iter()
            .find(|r| r.kind() == "notesSlide")
            .and_then(|r| opc::resolve(slide, &r.target).ok());
        match notes {
            None => f(
                Severity::Warning,
                "missing_notes",
                "the slide has no notes page".into(),
            ),
            Some(part) => {
                if notes_text(pkg, &part).trim().is_empty() {
                    f(
                        Severity::Warning,
                        "empty_notes",
                        "the speaker notes are empty".into(),
                    );
                }
            }
        }
        let mut filled: Vec<(String, Rect)> = Vec::new();
        let mut words = 0;
        let mut title_text = String::new();
        let mut body_paras: Vec<String> = Vec::new();
        for shape in tree.descendants() {
            let kind = shape.local();
            if !matches!(kind, "sp" | "pic" | "graphicFrame" | "cxnSp") {
                continue;
            }
            let nv = shape.elements().find(|e| e.local().starts_with("nv"));
            let c_nv = nv.and_then(|n| n.child("cNvPr"));
            let name = c_nv.and_then(|c| c.attr("name")).unwrap_or("shape").to_owned();
            let ph = nv.and_then(|n| n.child("nvPr")).and_then(|p| p.child("ph"));
            let layout_ph = ph.and_then(|ph| layout.and_then(|l| match_placeholder(l, ph)));
            let rect = own_rect(shape).or_else(|| layout_ph.and_then(|p| p.rect));

            if let Some(r) = rect {
                let tol_x = w / 100;
                let tol_y = h / 100;
                if r.x < -tol_x || r.y < -tol_y || r.x + r.cx > w + tol_x || r.y + r.cy > h + tol_y {
                    f(
                        Severity::Warning,
                        "off_slide",
                        format!("{name} extends beyond the slide"),
                    );
                }
            }
            if kind == "pic"
                && c_nv
                    .and_then(|c| c.attr("descr"))
                    .is_none_or(|d| d.trim().is_empty())
            {
                f(
                    Severity::Warning,
                    "missing_alt_text",
                    format!("{name} has no alternative text"),
                );
            }
            let Some(body) = shape.child("txBody") else {
                if kind == "sp" && ph.is_some() {
                    f(Severity::Info, "empty_placeholder", format!("{name} is empty"));
                }
                continue;
            };
            let paras: Vec<(String, u8, Option<f64>)> = body
                .elements()
                .filter(|p| p.local() == "p")
                .map(|p| {
                    let lvl = paragraph_level(p);
                    let sz = p
                        .elements()
                        .filter(|r| r.local() == "r")
                        .filter_map(|r| r.child("rPr")?.attr("sz")?.parse::<f64>().ok())
                        .fold(None, |m: Option<f64>, v| Some(m.map_or(v, |m| m.max(v))));
                    (paragraph_text(p), lvl, sz.map(|s| s / 100.0))
                })
                .collect();
            let text_paras: Vec<&(String, u8, Option<f64>)> =
                paras.iter().filter(|p| !p.0.trim().is_empty()).collect();
            if text_paras.is_empty() {
                if ph.is_some() {
                    f(Severity::Info, "empty_placeholder", format!("{name} is empty"));
                }
                continue;
            }
            words += text_paras
                .iter()
                .map(|p| p.0.split_whitespace().count())
                .sum::<usize>();
            let is_title = ph.is_some_and(|p| matches!(p.attr("type"), Some("title" | "ctrTitle")));
            let is_body =
                ph.is_some_and(|p| !matches!(p.attr("type"), Some("title" | "ctrTitle" | "subTitle")));
            if is_title {
                title_text = text_paras
                    .iter()
                    .map(|p| p.0.as_str())
                    .collect::<Vec<_>>()
                    .join(" ");
            } else {
                body_paras.extend(text_paras.iter().map(|p| p.0.clone()));
            }
            if let Some(r) = layout_ph.and_then(|lph| {
                let key = crate::readability::placeholder_key(lph);
                layout?.readability.iter().find(|r| r.placeholder == key)
            }) {
                if r.problem && is_body {
                    match &r.over_decoration {
                        Some(d) => f(
                            Severity::Error,
                            "over_decoration",
                            format!(
                                "text in {name} sits on {} of the {}",
                                crate::readability::describe_decoration(d),
                                r.over_source.as_deref().unwrap_or("layout or master")
                            ),
                        ),
                        None => f(
                            Severity::Error,
                            "low_contrast",
                            format!(
                                "text in {name} has a contrast of {:.1}:1 with what lies behind it (#{} on #{}; at least 4.5:1 is needed)",
                                r.contrast.unwrap_or(1.0),
                                r.text,
                                r.behind.as_deref().unwrap_or("?")
                            ),
                        ),
                    }
                }
            }
            if is_body && text_paras.len() > MAX_BULLETS {
                f(
                    Severity::Warning,
                    "too_many_bullets",
                    format!(
                        "{name} has {} bullets (more than {MAX_BULLETS})",
                        text_paras.len()
                    ),
                );
            }
            if let (Some(r), Some(l), Some(lph)) = (rect, layout, layout_ph) {
                filled.push((name.clone(), r));
                let mut lph = lph.clone();
                lph.rect = Some(r);
                let style = tpl.text_style(l, &lph);
                let shrink = written_shrink(body);
                let items: Vec<(&str, u8)> = paras.iter().map(|p| (p.0.as_str(), p.1)).collect();
                let explicit: Vec<Option<f64>> = paras.iter().map(|p| p.2).collect();
                let styles = |lvl: u8| style.level(lvl);
                // Explicit run sizes win over the inherited style.
                let need = if explicit.iter().any(Option::is_some) {
                    paras
                        .iter()
                        .map(|p| {
                            let mut st = style.level(p.1);
                            if let Some(sz) = p.2 {
                                st.size_pt = sz;
                            }
                            text_height(&[(p.0.as_str(), p.1)], &|_| st, style.area, shrink)
                                + (st.space_before_pt * 12_700.0) as i64
                        })
                        .sum::<i64>()
                } else {
                    text_height(&items, &styles, style.area, shrink)
                };
                // A title drawn below the minimum size (unless the designer
                // chose a smaller one) cannot be read from the back of a room.
                let drawn = paras
                    .first()
                    .and_then(|p| p.2)
                    .unwrap_or_else(|| style.level(0).size_pt * f64::from(shrink.font_scale) / 100_000.0);
                let min = crate::text::DEFAULT_MIN_TITLE_PT.min(style.level(0).size_pt);
                if is_title && drawn + 0.05 < min {
                    f(
                        Severity::Warning,
                        "small_title",
                        format!("the title is drawn at {drawn:.0} pt (below {min:.0} pt): hard to read from the back of the room"),
                    );
                }
                if need > style.area.height + style.area.height / 50 {
                    f(
                        Severity::Error,
                        "overflow",
                        format!(
                            "text in {name} needs {:.0}% of its box height",
                            need as f64 * 100.0 / style.area.height as f64
                        ),
                    );
                }
            }
        }
        for (a, (na, ra)) in filled.iter().enumerate() {
            for (nb, rb) in filled.iter().skip(a + 1) {
                let ix = (ra.x + ra.cx).min(rb.x + rb.cx) - ra.x.max(rb.x);
                let iy = (ra.y + ra.cy).min(rb.y + rb.cy) - ra.y.max(rb.y);
                let smaller = (ra.cx * ra.cy).min(rb.cx * rb.cy).max(1);
                if ix > 0 && iy > 0 && (ix as f64 * iy as f64) > 0.1 * smaller as f64 {
                    findings.push(Finding {
                        slide: n,
                        severity: Severity::Warning,
                        code: "overlap",
                        message: format!("{na} and {nb} overlap"),
                    });
                }
            }
        }
        let norm = |t: &str| t.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
        if body_paras.len() == 1 && !title_text.trim().is_empty() && norm(&body_paras[0]) == norm(&title_text)
        {
            findings.push(Finding {
                slide: n,
                severity: Severity::Warning,
                code: "title_repeated",
                message: "the slide's only text repeats its title".into(),
            });
        }
        if words > MAX_WORDS {
            findings.push(Finding {
                slide: n,
                severity: Severity::Warning,
                code: "too_many_words",
                message: format!("{words} words on one slide (more than {MAX_WORDS})"),
            });
        }
    }
    if let Some(n) = stated_slide_count(pkg)? {
        if n != slides.len().to_string() {
            findings.push(Finding {
                slide: 0,
                severity: Severity::Info,
                code: "stale_slide_count",
                message: format!("docProps/app.xml says {n} slides; the deck has {}", slides.len()),
            });
        }
    }
    Ok(score(slides.len(), findings))
}

/// The slide count `docProps/app.xml` states, if it states one.
fn stated_slide_count(pkg: &opc::Package) -> Result<Option<String>, DeckError> {
    let Some(app) = pkg
        .rels("/")?
        .into_iter()
        .find(|r| r.rel_type.ends_with("/extended-properties"))
    else {
        return Ok(None);
    };
    let name = opc::resolve("/", &app.target)?;
    Ok(pkg
        .xml(&name)
        .ok()
        .and_then(|root| root.child("Slides").map(|e| e.text().trim().to_owned())))
}

/// Every slide's non-empty paragraphs, shape by shape in drawing order
/// (the title first on slides the engine writes): what a reader sees.
pub fn slide_paragraphs(bytes: &[u8]) -> Result<Vec<Vec<String>>, DeckError> {
    let pkg = opc::Package::from_bytes(bytes, opc::Limits::default())?;
    let (_, slides) = slides_of(&pkg)?;
    slides
        .iter()
        .map(|slide| {
            let root = pkg.xml(slide)?;
            Ok(root
                .descendants()
                .into_iter()
                .filter(|e| e.name == "a:p")
                .map(paragraph_text)
                .filter(|t| !t.trim().is_empty())
                .collect())
        })
        .collect()
}

/// The text of a notes page's body placeholder (its notes, not the slide image).
pub fn notes_text(pkg: &opc::Package, part: &str) -> String {
    let Ok(root) = pkg.xml(part) else {
        return String::new();
    };
    let Some(tree) = root.path(&["cSld", "spTree"]) else {
        return String::new();
    };
    let mut out = String::new();
    for shape in tree.descendants().into_iter().filter(|e| e.local() == "sp") {
        let is_body = shape
            .path(&["nvSpPr", "nvPr", "ph"])
            .is_some_and(|ph| ph.attr("type") == Some("body"));
        if !is_body {
            continue;
        }
        if let Some(body) = shape.child("txBody") {
            for p in body.elements().filter(|p| p.local() == "p") {
                out.push_str(&paragraph_text(p));
                out.push('\n');
            }
        }
    }
    out
}

fn score(slides: usize, findings: Vec<Finding>) -> LintReport {
    let mut total = 0u32;
    let mut with_error = 0usize;
    for n in 1..=slides {
        let of = |s| {
            findings
                .iter()
                .filter(|f| f.slide == n && f.severity == s)
                .count() as i32
        };
        let (e, w, i) = (of(Severity::Error), of(Severity::Warning), of(Severity::Info));
        total += (100 - 25 * e - 8 * w - 2 * i).max(0) as u32;
        with_error += usize::from(e > 0);
    }
    let score = if slides == 0 {
        0
    } else {
        (total as f64 / slides as f64).round() as u8
    };
    let verdict = if score < 60 || with_error * 10 > slides {
        Verdict::Fail
    } else if score < 85 || with_error > 0 {
        Verdict::Review
    } else {
        Verdict::Pass
    };
    LintReport {
        slides,
        score,
        verdict,
        findings,
    }
}

pub(crate) fn own_rect(shape: &Element) -> Option<Rect> {
    let xfrm = shape
        .child("spPr")
        .and_then(|s| s.child("xfrm"))
        .or_else(|| shape.child("xfrm"))?;
    let at = |e: &Element, a: &str| e.attr(a).and_then(crate::ooxml::coordinate);
    let size = |e: &Element, a: &str| e.attr(a).and_then(crate::ooxml::extent);
    let off = xfrm.child("off")?;
    let ext = xfrm.child("ext")?;
    Some(Rect {
        x: at(off, "x")?,
        y: at(off, "y")?,
        cx: size(ext, "cx")?,
        cy: size(ext, "cy")?,
    })
}

pub(crate) fn match_placeholder<'l>(
    layout: &'l Layout,
    ph: &Element,
) -> Option<&'l crate::template::Placeholder> {
    let t = ph.attr("type").unwrap_or("obj");
    let idx: Option<u32> = ph.attr("idx").and_then(|v| v.parse().ok());
    layout
        .placeholders
        .iter()
        .find(|p| idx.is_some() && p.idx == idx)
        .or_else(|| layout.placeholders.iter().find(|p| p.ph_type == t))
        .or_else(|| {
            let family = |x: &str| matches!(x, "title" | "ctrTitle");
            layout
                .placeholders
                .iter()
                .find(|p| family(&p.ph_type) && family(t))
        })
}

fn written_shrink(body: &Element) -> Shrink {
    let fit = body.child("bodyPr").and_then(|b| b.child("normAutofit"));
    let get = |a: &str, d: u32| {
        fit.and_then(|f| f.attr(a))
            .and_then(|v| v.parse().ok())
            .unwrap_or(d)
    };
    Shrink {
        font_scale: get("fontScale", 100_000),
        ln_spc_reduction: get("lnSpcReduction", 0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(slide: usize, severity: Severity) -> Finding {
        Finding {
            slide,
            severity,
            code: "x",
            message: String::new(),
        }
    }

    #[test]
    fn scoring_follows_the_documented_formula() {
        let r = score(4, vec![]);
        assert_eq!((r.score, r.verdict), (100, Verdict::Pass));
        let r = score(4, vec![f(1, Severity::Warning), f(2, Severity::Info)]);
        assert_eq!(r.score, ((92 + 98 + 100 + 100) as f64 / 4.0).round() as u8);
        assert_eq!(r.verdict, Verdict::Pass);
        // One slide of 20 with an error: review (5% of slides).
        let r = score(20, vec![f(3, Severity::Error)]);
        assert_eq!(r.verdict, Verdict::Review);
        // Errors on 3 of 10 slides: fail.
        let r = score(
            10,
            vec![
                f(1, Severity::Error),
                f(2, Severity::Error),
                f(3, Severity::Error),
            ],
        );
        assert_eq!(r.verdict, Verdict::Fail);
    }
}
