//! Placeholders as a layout or master declares them: where they sit, their
//! own paragraph styles and insets, and the colour of their text. The
//! bottom layer under [`crate::template`] (which classifies layouts by
//! them) and [`crate::readability`] (which rates the text in them).

use serde::Serialize;

use crate::xml::Element;

/// A rectangle in EMU.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Rect {
    pub x: i64,
    pub y: i64,
    pub cx: i64,
    pub cy: i64,
}

/// A placeholder on a layout.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Placeholder {
    /// `title`, `body`, `obj` (no type given), `pic`, `ctrTitle`, `subTitle`, `dt`…
    pub ph_type: String,
    pub idx: Option<u32>,
    pub name: String,
    /// Position, from the layout or inherited from the master.
    pub rect: Option<Rect>,
    /// Paragraph styles from the shape's own `a:lstStyle`, levels 1–9.
    #[serde(skip)]
    pub levels: Vec<PartialLevel>,
    /// Text insets (left, right, top, bottom) from `a:bodyPr`, EMU.
    #[serde(skip)]
    pub insets: [Option<i64>; 4],
    /// The text runs vertically (`a:bodyPr vert`), as in East Asian layouts.
    pub vertical: bool,
    /// Properties of the placeholder's sample paragraphs per level. PowerPoint
    /// ignores them, but LibreOffice (and templates it saved, which may have
    /// no `p:txStyles`) renders with them; fitting takes the larger of both.
    #[serde(skip)]
    pub hints: Vec<PartialLevel>,
    /// The colour element of its first level's text (`a:lvl1pPr/a:defRPr`
    /// fill, else its sample text's), resolved per master for readability.
    #[serde(skip)]
    pub color: Option<Element>,
    /// Its position was repaired (see `template::repair_geometry`): slides must
    /// state it rather than inherit the layout's.
    #[serde(skip)]
    pub explicit: bool,
}

/// The first colour element of a level-1 text fill in a placeholder's body.
fn text_color(body: Option<&Element>) -> Option<Element> {
    let body = body?;
    let from_style = body
        .path(&["lstStyle", "lvl1pPr", "defRPr", "solidFill"])
        .and_then(|f| f.elements().next());
    let from_sample = || {
        body.elements()
            .filter(|e| e.local() == "p")
            .flat_map(|p| p.elements().filter(|r| r.local() == "r"))
            .find_map(|r| r.path(&["rPr", "solidFill"]))
            .and_then(|f| f.elements().next())
    };
    from_style.or_else(from_sample).cloned()
}

/// Reads the sample paragraphs of a placeholder's text body as level hints.
fn paragraph_hints(body: Option<&Element>) -> Vec<PartialLevel> {
    let mut out = vec![PartialLevel::default(); 9];
    let Some(body) = body else { return out };
    for p in body.elements().filter(|e| e.local() == "p") {
        let ppr = p.child("pPr");
        let lvl = ppr
            .and_then(|x| x.attr("lvl"))
            .and_then(|v| v.parse::<usize>().ok())
            .unwrap_or(0)
            .min(8);
        let rpr = p
            .elements()
            .find(|e| e.local() == "r")
            .and_then(|r| r.child("rPr"))
            .or_else(|| p.child("endParaRPr"));
        // Sample text's boldness is the designer's example, not a style.
        let hint = PartialLevel {
            bold: None,
            ..PartialLevel::read(ppr, rpr)
        };
        if out[lvl] == PartialLevel::default() {
            out[lvl] = hint;
        }
    }
    out
}

/// A paragraph level's text properties where a part sets them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PartialLevel {
    pub size_pt: Option<f64>,
    pub typeface: Option<String>,
    pub bold: Option<bool>,
    pub line_spacing: Option<f64>,
    pub space_before_pt: Option<f64>,
    pub indent: Option<i64>,
}

impl PartialLevel {
    /// Reads paragraph properties (`ppr`: line spacing, space before,
    /// indent) and run properties (`rpr`: size, Latin typeface, bold).
    fn read(ppr: Option<&Element>, rpr: Option<&Element>) -> PartialLevel {
        let number = |e: Option<&Element>, path: &[&str], attr: &str| {
            e.and_then(|x| x.path(path))
                .and_then(|x| x.attr(attr))
                .and_then(|v| v.parse::<f64>().ok())
        };
        PartialLevel {
            size_pt: number(rpr, &[], "sz").map(|v| v / 100.0),
            typeface: rpr
                .and_then(|r| r.child("latin"))
                .and_then(|l| l.attr("typeface"))
                .map(str::to_owned),
            bold: rpr.and_then(|r| r.attr("b")).map(|b| b == "1" || b == "true"),
            line_spacing: number(ppr, &["lnSpc", "spcPct"], "val").map(|v| v / 100_000.0),
            space_before_pt: number(ppr, &["spcBef", "spcPts"], "val").map(|v| v / 100.0),
            indent: ppr.and_then(|x| x.attr("marL")).and_then(|v| v.parse().ok()),
        }
    }

    pub(crate) fn or(&self, other: &PartialLevel) -> PartialLevel {
        PartialLevel {
            size_pt: self.size_pt.or(other.size_pt),
            typeface: self.typeface.clone().or_else(|| other.typeface.clone()),
            bold: self.bold.or(other.bold),
            line_spacing: self.line_spacing.or(other.line_spacing),
            space_before_pt: self.space_before_pt.or(other.space_before_pt),
            indent: self.indent.or(other.indent),
        }
    }
}

/// Reads `a:lvl1pPr`…`a:lvl9pPr` children of a list style element.
pub fn parse_levels(list: Option<&Element>) -> Vec<PartialLevel> {
    let mut out = vec![PartialLevel::default(); 9];
    let Some(list) = list else { return out };
    for e in list.elements() {
        let Some(n) = e
            .local()
            .strip_prefix("lvl")
            .and_then(|r| r.strip_suffix("pPr"))
            .and_then(|d| d.parse::<usize>().ok())
        else {
            continue;
        };
        if !(1..=9).contains(&n) {
            continue;
        }
        out[n - 1] = PartialLevel::read(Some(e), e.child("defRPr"));
    }
    out
}

fn parse_insets(body_pr: Option<&Element>) -> [Option<i64>; 4] {
    let get = |a: &str| body_pr.and_then(|b| b.attr(a)).and_then(crate::ooxml::coordinate);
    [get("lIns"), get("rIns"), get("tIns"), get("bIns")]
}
impl Placeholder {
    pub(crate) fn is_furniture(&self) -> bool {
        matches!(self.ph_type.as_str(), "dt" | "ftr" | "sldNum" | "hdr")
    }
    pub fn is_title(&self) -> bool {
        matches!(self.ph_type.as_str(), "title" | "ctrTitle")
    }
    pub fn is_content(&self) -> bool {
        matches!(
            self.ph_type.as_str(),
            "body" | "obj" | "tbl" | "chart" | "dgm" | "media" | "clipArt"
        )
    }
}

pub(crate) fn parse_rect(sp_pr: Option<&Element>) -> Option<Rect> {
    let xfrm = sp_pr?.child("xfrm")?;
    let off = xfrm.child("off")?;
    let ext = xfrm.child("ext")?;
    let at = |e: &Element, a: &str| e.attr(a).and_then(crate::ooxml::coordinate);
    let size = |e: &Element, a: &str| e.attr(a).and_then(crate::ooxml::extent);
    Some(Rect {
        x: at(off, "x")?,
        y: at(off, "y")?,
        cx: size(ext, "cx")?,
        cy: size(ext, "cy")?,
    })
}

/// Placeholders in a layout or master shape tree.
pub fn placeholders(root: &Element) -> Vec<Placeholder> {
    let Some(tree) = root.path(&["cSld", "spTree"]) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for shape in tree.descendants() {
        if !matches!(shape.local(), "sp" | "pic" | "graphicFrame") {
            continue;
        }
        let nv = shape.elements().find(|e| e.local().starts_with("nv"));
        let Some(ph) = nv.and_then(|nv| nv.child("nvPr")).and_then(|p| p.child("ph")) else {
            continue;
        };
        let name = nv
            .and_then(|nv| nv.child("cNvPr"))
            .and_then(|c| c.attr("name"))
            .unwrap_or("")
            .to_owned();
        let body = shape.child("txBody");
        out.push(Placeholder {
            ph_type: ph.attr("type").unwrap_or("obj").to_owned(),
            idx: ph.attr("idx").and_then(|i| i.parse().ok()),
            name,
            rect: parse_rect(shape.child("spPr").or_else(|| shape.child("xfrm").map(|_| shape))),
            levels: parse_levels(body.and_then(|b| b.child("lstStyle"))),
            insets: parse_insets(body.and_then(|b| b.child("bodyPr"))),
            vertical: body
                .and_then(|b| b.child("bodyPr"))
                .and_then(|b| b.attr("vert"))
                .is_some_and(|v| v != "horz"),
            hints: paragraph_hints(body),
            color: text_color(body),
            explicit: false,
        });
    }
    out
}
