//! Parsing outlines from DOCX, Markdown and plain text into an [`Outline`].
//!
//! Each format is first reduced to a list of lines with a structural rank
//! (smaller = higher: headings 1–6, numbered items by depth, list items
//! below them by indentation). One tree builder then maps the distinct ranks
//! present onto modules, topics and points — so "Module 2:" / "1.1" numbering,
//! heading styles and indentation all land in the same shape. The format is
//! recognized by content, never by file name.

use types::limits::{MAX_OUTLINE_LINES, MAX_OUTLINE_TEXT_CHARS, MAX_POINT_LEVEL};
use types::outline::{Module, Outline, Point, Topic};

/// Why an outline could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OutlineError {
    #[error("the file is empty or has no outline text")]
    Empty,
    #[error("this file type is not supported; upload .docx, .md or .txt")]
    Unsupported,
    #[error("the PDF could not be read (it may be scanned or protected); upload .docx, .md or .txt instead")]
    Pdf,
    #[error("the Word document could not be read: {0}")]
    Docx(String),
    #[error("the text is not valid UTF-8")]
    Encoding,
    /// Over one of the outline limits; the text says which.
    #[error("{0}")]
    TooLarge(String),
}

/// The formats recognized by content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Docx,
    Pdf,
    Markdown,
    Text,
}

/// Recognizes the format of uploaded bytes by content.
pub fn sniff(bytes: &[u8]) -> Result<Format, OutlineError> {
    if bytes.starts_with(b"%PDF-") {
        return Ok(Format::Pdf);
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return Ok(Format::Docx);
    }
    // Binary files (images, executables, other office formats) contain NULs.
    if bytes.contains(&0) {
        return Err(OutlineError::Unsupported);
    }
    let text = std::str::from_utf8(strip_bom(bytes)).map_err(|_| OutlineError::Encoding)?;
    let markdown = text.lines().any(|l| {
        let t = l.trim_start();
        t.starts_with('#') && t.trim_start_matches('#').starts_with(' ')
    });
    Ok(if markdown { Format::Markdown } else { Format::Text })
}

fn strip_bom(b: &[u8]) -> &[u8] {
    b.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(b)
}

/// Parses an outline from uploaded bytes of any supported format.
pub fn parse(bytes: &[u8]) -> Result<Outline, OutlineError> {
    parse_with(bytes, pdf_text)
}

/// [`parse`], with PDF text extraction done by `pdf` — the server runs it in
/// a child process with time and memory limits, since a crafted PDF can
/// overflow the extractor's stack (which no `catch_unwind` survives).
pub fn parse_with(
    bytes: &[u8],
    pdf: impl FnOnce(&[u8]) -> Result<String, OutlineError>,
) -> Result<Outline, OutlineError> {
    let lines = match sniff(bytes)? {
        Format::Pdf => text_lines(&clean_pdf_text(pdf(bytes)?)?),
        Format::Docx => docx_lines(bytes)?,
        Format::Markdown => {
            markdown_lines(std::str::from_utf8(strip_bom(bytes)).map_err(|_| OutlineError::Encoding)?)
        }
        Format::Text => {
            text_lines(std::str::from_utf8(strip_bom(bytes)).map_err(|_| OutlineError::Encoding)?)
        }
    };
    if lines.len() > MAX_OUTLINE_LINES {
        return Err(OutlineError::TooLarge(format!(
            "The outline has {} lines; at most {MAX_OUTLINE_LINES} are read.",
            lines.len()
        )));
    }
    let outline = build(lines)?;
    outline.check_limits().map_err(OutlineError::TooLarge)?;
    Ok(outline)
}

/// One structural line: rank (smaller = higher) and text. `title` marks an
/// explicit document title.
#[derive(Debug, Clone, PartialEq)]
struct Line {
    rank: u8,
    text: String,
    title: bool,
}

const RANK_MODULE_WORD: u8 = 1;
const RANK_LIST: u8 = 20;
const RANK_PLAIN: u8 = 12;

fn clean(s: &str) -> String {
    let s: String = s
        .chars()
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .filter(|c| !c.is_control())
        .collect();
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(MAX_OUTLINE_TEXT_CHARS)
        .collect()
}

/// "Module 2: Prevention" and friends (any of the four UI languages).
fn module_word(text: &str) -> Option<String> {
    const WORDS: &[&str] = &[
        "module",
        "day",
        "part",
        "chapter",
        "section",
        "unit",
        "lesson",
        "jour",
        "partie",
        "chapitre",
        "modul",
        "tag",
        "teil",
        "kapitel",
        "día",
        "dia",
        "parte",
        "capítulo",
        "capitulo",
        "unidad",
    ];
    let lower = text.to_lowercase();
    let word = WORDS.iter().find(|w| lower.starts_with(*w))?;
    let rest = text[word.len()..].trim_start();
    let digits = rest
        .chars()
        .take_while(|c| c.is_ascii_digit() || c.is_ascii_uppercase() && "IVX".contains(*c))
        .count();
    if digits == 0 {
        return None;
    }
    let after = rest[digits..]
        .trim_start_matches([':', '.', '-', '–', '—', ')', ' '])
        .trim();
    Some(if after.is_empty() {
        clean(text)
    } else {
        clean(after)
    })
}

/// "1.", "1)", "1.2", "1.2.3 " → (depth, rest).
fn numbered(text: &str) -> Option<(u8, String)> {
    let mut depth = 0u8;
    let mut chars = text.char_indices().peekable();
    let mut end = 0;
    loop {
        let start = end;
        while let Some((i, c)) = chars.peek().copied() {
            if c.is_ascii_digit() {
                chars.next();
                end = i + 1;
            } else {
                break;
            }
        }
        if end == start {
            return None;
        }
        depth += 1;
        match chars.peek().copied() {
            Some((i, '.')) => {
                chars.next();
                end = i + 1;
                if chars.peek().is_some_and(|(_, c)| c.is_ascii_digit()) {
                    continue;
                }
                break;
            }
            Some((i, ')')) => {
                end = i + 1;
                break;
            }
            Some((_, ' ')) if depth > 1 => break,
            _ => return None,
        }
    }
    let rest = text[end..].trim();
    (!rest.is_empty()).then(|| (depth, clean(rest)))
}

fn bullet(text: &str) -> Option<&str> {
    for b in ["- ", "* ", "+ ", "• ", "◦ ", "▪ ", "– ", "· "] {
        if let Some(r) = text.strip_prefix(b) {
            return Some(r);
        }
    }
    None
}

/// Indentation width (a tab counts 4).
fn indent(line: &str) -> usize {
    line.chars()
        .take_while(|c| c.is_whitespace())
        .map(|c| if c == '\t' { 4 } else { 1 })
        .sum()
}

/// Turns indentation widths into nesting levels 0, 1, 2… in order of appearance.
struct Levels(Vec<usize>);

impl Levels {
    fn level(&mut self, width: usize) -> u8 {
        while self.0.last().is_some_and(|w| *w > width) {
            self.0.pop();
        }
        if self.0.last() != Some(&width) {
            self.0.push(width);
        }
        (self.0.len() - 1).min(6) as u8
    }
}

/// Text of a PDF, page by page, in this process. The extractor can panic on
/// malformed input, so a panic is caught and reported as an unreadable PDF
/// (a stack overflow cannot be: see [`parse_with`]).
pub fn pdf_text(bytes: &[u8]) -> Result<String, OutlineError> {
    let owned = bytes.to_vec();
    std::panic::catch_unwind(move || pdf_extract::extract_text_from_mem(&owned))
        .map_err(|_| OutlineError::Pdf)?
        .map_err(|_| OutlineError::Pdf)
}

fn clean_pdf_text(text: String) -> Result<String, OutlineError> {
    // Extractors mark layout with runs of blank lines and form feeds.
    let cleaned: String = text.replace('\u{c}', "\n");
    if cleaned.trim().is_empty() {
        return Err(OutlineError::Pdf);
    }
    Ok(cleaned)
}

fn markdown_lines(text: &str) -> Vec<Line> {
    let mut out = Vec::new();
    let mut levels = Levels(Vec::new());
    let mut in_code = false;
    for raw in text.lines() {
        let t = raw.trim();
        if t.starts_with("```") {
            in_code = !in_code;
            continue;
        }
        if in_code || t.is_empty() || t.starts_with("<!--") || t.starts_with("---") {
            continue;
        }
        if t.starts_with('#') {
            let level = t.chars().take_while(|c| *c == '#').count();
            let rest = t[level..].trim().trim_end_matches('#').trim();
            if level <= 6 && !rest.is_empty() {
                let rest = strip_inline_markdown(rest);
                let text =
                    module_word(&rest).unwrap_or_else(|| numbered(&rest).map_or(rest.clone(), |(_, r)| r));
                out.push(Line {
                    rank: level as u8,
                    text,
                    title: false,
                });
                levels = Levels(Vec::new());
                continue;
            }
        }
        let width = indent(raw);
        if let Some(item) = bullet(t).or_else(|| numbered(t).map(|_| t)) {
            let item = match numbered(item) {
                Some((_, r)) if item == t => r,
                _ => item.to_string(),
            };
            let level = levels.level(width);
            out.push(Line {
                rank: RANK_LIST + level,
                text: strip_inline_markdown(&item),
                title: false,
            });
        } else {
            out.push(Line {
                rank: RANK_LIST,
                text: strip_inline_markdown(t),
                title: false,
            });
        }
    }
    out
}

fn strip_inline_markdown(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '*' | '_' | '`' => {}
            '[' => {
                // [text](url) → text
                let label: String = chars.by_ref().take_while(|c| *c != ']').collect();
                out.push_str(&label);
                if chars.peek() == Some(&'(') {
                    for c in chars.by_ref() {
                        if c == ')' {
                            break;
                        }
                    }
                }
            }
            _ => out.push(c),
        }
    }
    clean(&out)
}

fn text_lines(text: &str) -> Vec<Line> {
    let mut out = Vec::new();
    let mut plain_levels = Levels(Vec::new());
    let mut bullet_levels = Levels(Vec::new());
    let mut first = true;
    for raw in text.lines() {
        let t = raw.trim();
        if t.is_empty() {
            continue;
        }
        let width = indent(raw);
        if let Some(m) = module_word(t) {
            out.push(Line {
                rank: RANK_MODULE_WORD,
                text: m,
                title: false,
            });
            bullet_levels = Levels(Vec::new());
        } else if let Some((depth, rest)) = numbered(t) {
            out.push(Line {
                rank: 1 + depth.min(6),
                text: rest,
                title: false,
            });
            bullet_levels = Levels(Vec::new());
        } else if let Some(b) = bullet(t) {
            let level = bullet_levels.level(width);
            out.push(Line {
                rank: RANK_LIST + level,
                text: clean(b),
                title: false,
            });
        } else if first && width == 0 {
            out.push(Line {
                rank: 0,
                text: clean(t),
                title: true,
            });
        } else {
            let level = plain_levels.level(width);
            out.push(Line {
                rank: RANK_PLAIN + level,
                text: clean(t),
                title: false,
            });
        }
        first = false;
    }
    out
}

fn docx_lines(bytes: &[u8]) -> Result<Vec<Line>, OutlineError> {
    use deck::opc::{Limits, Package};
    let limits = Limits {
        max_total_bytes: 50 << 20,
        ..Limits::upload()
    };
    let pkg = Package::from_bytes(bytes, limits).map_err(|e| OutlineError::Docx(e.to_string()))?;
    let main = pkg
        .rels("/")
        .map_err(|e| OutlineError::Docx(e.to_string()))?
        .into_iter()
        .find(|r| r.kind() == "officeDocument")
        .ok_or_else(|| OutlineError::Docx("no main document".into()))?;
    let doc_name = deck::opc::resolve("/", &main.target).map_err(|e| OutlineError::Docx(e.to_string()))?;
    if !pkg
        .content_type(&doc_name)
        .unwrap_or("")
        .contains("wordprocessingml")
    {
        return Err(OutlineError::Unsupported);
    }
    let doc = pkg
        .xml(&doc_name)
        .map_err(|e| OutlineError::Docx(e.to_string()))?;

    // styleId → (is title, heading level) from styles.xml, following basedOn.
    let mut styles: std::collections::HashMap<String, (bool, Option<u8>)> = Default::default();
    let styles_part = pkg
        .rels(&doc_name)
        .ok()
        .and_then(|rels| rels.into_iter().find(|r| r.kind() == "styles"))
        .and_then(|r| deck::opc::resolve(&doc_name, &r.target).ok());
    if let Some(root) = styles_part.and_then(|p| pkg.xml(&p).ok()) {
        let mut based: Vec<(String, String)> = Vec::new();
        for s in root.elements().filter(|e| e.local() == "style") {
            let Some(id) = s.attr("w:styleId") else { continue };
            let name = s
                .child("name")
                .and_then(|n| n.attr("w:val"))
                .unwrap_or("")
                .to_lowercase();
            let outline = s
                .path(&["pPr", "outlineLvl"])
                .and_then(|o| o.attr("w:val"))
                .and_then(|v| v.parse::<u8>().ok())
                .map(|v| v + 1);
            let heading = name
                .strip_prefix("heading ")
                .and_then(|n| n.parse::<u8>().ok())
                .or(outline);
            styles.insert(id.to_owned(), (name == "title", heading));
            if let Some(b) = s.child("basedOn").and_then(|b| b.attr("w:val")) {
                based.push((id.to_owned(), b.to_owned()));
            }
        }
        for (id, base) in based {
            if styles.get(&id).is_some_and(|(t, h)| !t && h.is_none()) {
                if let Some(v) = styles.get(&base).copied() {
                    styles.insert(id, v);
                }
            }
        }
    }

    let body = doc
        .child("body")
        .ok_or_else(|| OutlineError::Docx("no document body".into()))?;
    let mut out = Vec::new();
    for p in body.descendants().into_iter().filter(|e| e.local() == "p") {
        let text: String = p
            .descendants()
            .into_iter()
            .filter(|e| e.local() == "t" || e.local() == "tab")
            .map(|e| {
                if e.local() == "tab" {
                    " ".to_string()
                } else {
                    e.text()
                }
            })
            .collect();
        let text = clean(&text);
        if text.is_empty() {
            continue;
        }
        let ppr = p.child("pPr");
        let style = ppr
            .and_then(|x| x.child("pStyle"))
            .and_then(|s| s.attr("w:val"))
            .unwrap_or("");
        let (is_title, heading) = styles.get(style).copied().unwrap_or_else(|| {
            let l = style.to_lowercase();
            (
                l == "title",
                l.strip_prefix("heading").and_then(|n| n.parse().ok()),
            )
        });
        let own_outline = ppr
            .and_then(|x| x.child("outlineLvl"))
            .and_then(|o| o.attr("w:val"))
            .and_then(|v| v.parse::<u8>().ok())
            .map(|v| v + 1);
        let list_level = ppr
            .and_then(|x| x.path(&["numPr", "ilvl"]))
            .and_then(|i| i.attr("w:val"))
            .and_then(|v| v.parse::<u8>().ok())
            .or_else(|| ppr.and_then(|x| x.child("numPr")).map(|_| 0));
        let line = if is_title {
            Line {
                rank: 0,
                text,
                title: true,
            }
        } else if let Some(h) = heading.or(own_outline) {
            let t = module_word(&text).unwrap_or_else(|| numbered(&text).map_or(text.clone(), |(_, r)| r));
            Line {
                rank: h.clamp(1, 9),
                text: t,
                title: false,
            }
        } else if let Some(l) = list_level {
            Line {
                rank: RANK_LIST + l.min(6),
                text,
                title: false,
            }
        } else if let Some(m) = module_word(&text) {
            Line {
                rank: RANK_MODULE_WORD,
                text: m,
                title: false,
            }
        } else {
            Line {
                rank: RANK_LIST,
                text,
                title: false,
            }
        };
        out.push(line);
    }
    Ok(out)
}

/// Builds the tree from ranked lines; see the module docs.
fn build(mut lines: Vec<Line>) -> Result<Outline, OutlineError> {
    lines.retain(|l| !l.text.is_empty());
    if lines.is_empty() {
        return Err(OutlineError::Empty);
    }
    let mut title = String::new();
    if let Some(pos) = lines.iter().position(|l| l.title) {
        title = lines.remove(pos).text;
    } else {
        // A single top-level heading above everything else is the course title.
        let top = lines.iter().map(|l| l.rank).min().unwrap_or(0);
        let count = lines.iter().filter(|l| l.rank == top).count();
        if count == 1 && lines[0].rank == top && lines.len() > 1 && top < RANK_LIST {
            title = lines.remove(0).text;
        }
    }
    let mut ranks: Vec<u8> = lines.iter().map(|l| l.rank).collect();
    ranks.sort_unstable();
    ranks.dedup();
    if ranks.is_empty() {
        return Err(OutlineError::Empty);
    }
    // Map ranks: with one rank everything is a topic of one module; with two,
    // modules and topics — unless the lower rank is a list, then topics and points.
    // (Decided once, not per line: the outline is read in linear time.)
    let topics_and_points =
        ranks.len() == 2 && ranks[1] >= RANK_LIST && ranks[0] < RANK_LIST && ranks[0] > RANK_MODULE_WORD;
    let topics_and_points = topics_and_points && !has_module_words(&lines);
    let role = |rank: u8| -> (u8, u8) {
        let i = ranks.iter().position(|r| *r == rank).unwrap_or(0) as u8;
        match ranks.len() {
            1 => (1, 0),
            2 if topics_and_points => (i + 1, 0),
            _ => (i.min(2), i.saturating_sub(2)),
        }
    };
    let mut outline = Outline {
        title: title.clone(),
        modules: Vec::new(),
    };
    for line in &lines {
        let (kind, level) = role(line.rank);
        match kind {
            0 => outline.modules.push(Module {
                title: line.text.clone(),
                topics: Vec::new(),
            }),
            1 => {
                if outline.modules.is_empty() {
                    outline.modules.push(Module {
                        title: fallback(&title),
                        topics: Vec::new(),
                    });
                }
                if let Some(m) = outline.modules.last_mut() {
                    m.topics.push(Topic {
                        title: line.text.clone(),
                        points: Vec::new(),
                    });
                }
            }
            _ => {
                if outline.modules.is_empty() {
                    outline.modules.push(Module {
                        title: fallback(&title),
                        topics: Vec::new(),
                    });
                }
                if let Some(m) = outline.modules.last_mut() {
                    if m.topics.is_empty() {
                        let t = m.title.clone();
                        m.topics.push(Topic {
                            title: t,
                            points: Vec::new(),
                        });
                    }
                    if let Some(t) = m.topics.last_mut() {
                        t.points.push(Point {
                            text: line.text.clone(),
                            level: level.min(MAX_POINT_LEVEL),
                        });
                    }
                }
            }
        }
    }
    // A module with no topics teaches itself as one topic.
    for m in &mut outline.modules {
        if m.topics.is_empty() {
            m.topics.push(Topic {
                title: m.title.clone(),
                points: Vec::new(),
            });
        }
    }
    if outline.title.is_empty() {
        outline.title = outline
            .modules
            .first()
            .map(|m| m.title.clone())
            .unwrap_or_default();
    }
    Ok(outline)
}

fn has_module_words(lines: &[Line]) -> bool {
    lines.iter().any(|l| l.rank == RANK_MODULE_WORD)
}

fn fallback(title: &str) -> String {
    if title.is_empty() {
        "Introduction".into()
    } else {
        title.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(o: &Outline) -> Vec<(String, Vec<(String, usize)>)> {
        o.modules
            .iter()
            .map(|m| {
                (
                    m.title.clone(),
                    m.topics
                        .iter()
                        .map(|t| (t.title.clone(), t.points.len()))
                        .collect(),
                )
            })
            .collect()
    }

    #[test]
    fn markdown_headings_and_lists() {
        let md = "# Fire Safety\n\n## Module 1: Why fires start\n\n### The fire triangle\n- Heat\n  - Hot work\n- Fuel\n\n### Common causes\n1. Wiring\n2. Smoking\n\n## Prevention\n### Housekeeping\n- Clear exits\n";
        let o = parse(md.as_bytes()).expect("parse");
        assert_eq!(o.title, "Fire Safety");
        assert_eq!(
            shape(&o),
            vec![
                (
                    "Why fires start".into(),
                    vec![("The fire triangle".into(), 3), ("Common causes".into(), 2)]
                ),
                ("Prevention".into(), vec![("Housekeeping".into(), 1)]),
            ]
        );
        assert_eq!(
            o.modules[0].topics[0].points[1],
            Point {
                text: "Hot work".into(),
                level: 1
            }
        );
    }

    #[test]
    fn plain_text_numbering_and_module_words() {
        let txt = "Fire Safety for Site Leads\n\nModule 1: Why fires start\n1.1 The fire triangle\n  - Heat\n  - Fuel\n1.2 Common causes\nModule 2: Prevention\n2.1 Housekeeping\n  - Clear exits\n    - Weekly checks\n";
        let o = parse(txt.as_bytes()).expect("parse");
        assert_eq!(o.title, "Fire Safety for Site Leads");
        assert_eq!(
            shape(&o),
            vec![
                (
                    "Why fires start".into(),
                    vec![("The fire triangle".into(), 2), ("Common causes".into(), 0)]
                ),
                ("Prevention".into(), vec![("Housekeeping".into(), 2)]),
            ]
        );
        assert_eq!(o.modules[1].topics[0].points[1].level, 1);
    }

    #[test]
    fn plain_text_numbers_and_indentation() {
        let txt = "Course\n1. Basics\n   Terms\n      A term\n   History\n2. Practice\n   Drills\n";
        let o = parse(txt.as_bytes()).expect("parse");
        assert_eq!(
            shape(&o),
            vec![
                ("Basics".into(), vec![("Terms".into(), 1), ("History".into(), 0)]),
                ("Practice".into(), vec![("Drills".into(), 0)])
            ]
        );
    }

    #[test]
    fn a_flat_list_becomes_one_module_of_topics() {
        let o = parse(b"Induction\n- Welcome\n- Site tour\n- Safety rules\n").expect("parse");
        assert_eq!(o.title, "Induction");
        assert_eq!(o.modules.len(), 1);
        assert_eq!(o.modules[0].topics.len(), 3);
    }

    #[test]
    fn bad_input_is_a_clear_error() {
        assert_eq!(parse(b""), Err(OutlineError::Empty));
        assert_eq!(parse(b"   \n\n"), Err(OutlineError::Empty));
        assert_eq!(parse(b"%PDF-1.7 ..."), Err(OutlineError::Pdf));
        assert_eq!(
            parse(b"%PDF-1.4\n1 0 obj << >> endobj trailer << /Root 1 0 R >>"),
            Err(OutlineError::Pdf)
        );
        assert_eq!(parse(&[0xff, 0xfe, 0x41]), Err(OutlineError::Encoding));
        assert_eq!(parse(&[0xff, 0xfe, 0x00]), Err(OutlineError::Unsupported));
        assert!(matches!(
            parse(b"PK\x03\x04not really a zip"),
            Err(OutlineError::Docx(_))
        ));
        assert_eq!(parse(b"bin\0ary"), Err(OutlineError::Unsupported));
    }

    #[test]
    fn outlines_over_the_limits_are_refused_by_name() {
        // Two ranks, many lines: read once, then refused for its topic count.
        let two_ranks = format!("T\n{}", "1. a\n- b\n".repeat(20_000));
        match parse(two_ranks.as_bytes()) {
            Err(OutlineError::TooLarge(m)) => assert!(m.contains("20000 topics"), "{m}"),
            other => panic!("expected TooLarge, got {other:?}"),
        }
        let modules: String = (0..150).map(|i| format!("# Module {i}\n## Topic\n")).collect();
        match parse(modules.as_bytes()) {
            Err(OutlineError::TooLarge(m)) => assert!(m.contains("150 modules"), "{m}"),
            other => panic!("expected TooLarge, got {other:?}"),
        }
        let lines = "x\n".repeat(60_000);
        match parse(lines.as_bytes()) {
            Err(OutlineError::TooLarge(m)) => assert!(m.contains("60000 lines"), "{m}"),
            other => panic!("expected TooLarge, got {other:?}"),
        }
    }

    #[test]
    fn pdf_text_with_numbering_heuristics() {
        let pdf = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../server/samples/outlines/onboarding-new-starters.pdf"
        ))
        .expect("sample");
        let txt = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../server/samples/outlines/onboarding-new-starters.txt"
        ))
        .expect("sample");
        let from_pdf = parse(&pdf).expect("pdf");
        let from_txt = parse(&txt).expect("txt");
        assert_eq!(from_pdf.title, "Onboarding for New Starters");
        assert_eq!(shape(&from_pdf), shape(&from_txt));
    }

    #[test]
    fn numbering_detection() {
        assert_eq!(numbered("1. Intro"), Some((1, "Intro".into())));
        assert_eq!(numbered("1.2 Intro"), Some((2, "Intro".into())));
        assert_eq!(numbered("1.2.3. Deep"), Some((3, "Deep".into())));
        assert_eq!(numbered("3) Item"), Some((1, "Item".into())));
        assert_eq!(numbered("2026 was a year"), None);
        assert_eq!(module_word("Module 2: Prevention").as_deref(), Some("Prevention"));
        assert_eq!(module_word("Day 3 - Practice").as_deref(), Some("Practice"));
        assert_eq!(module_word("Modules are great"), None);
    }
}
