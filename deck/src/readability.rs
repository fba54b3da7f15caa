//! Readability of a layout's text boxes: the contrast between the text's
//! resolved colour and what lies behind it, and whether the box sits partly
//! on a decoration (a filled shape or a picture of the layout or its master).
//!
//! An estimate, not a renderer: colours are resolved through the master's
//! colour map and its theme (scheme colours with `lumMod`/`lumOff`/`tint`/
//! `shade`), backgrounds through slide → layout → master, and each
//! decoration counts as one flat colour (a gradient as its worst stop, a
//! picture as unknown). Good enough to tell white text on white from white
//! text on a dark band, and a bullet list over a big coloured shape from one
//! on a plain page.

use serde::Serialize;

use crate::placeholder::{parse_rect, Placeholder, Rect};
use crate::xml::Element;

/// WCAG 2's minimum for body text.
pub const MIN_BODY_CONTRAST: f64 = 4.5;
/// WCAG 2's minimum for large text (titles).
pub const MIN_TITLE_CONTRAST: f64 = 3.0;

/// An sRGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    pub const WHITE: Rgb = Rgb(255, 255, 255);
    pub const BLACK: Rgb = Rgb(0, 0, 0);

    pub fn hex(s: &str) -> Option<Rgb> {
        let s = s.trim_start_matches('#');
        if s.len() != 6 || !s.is_ascii() {
            return None;
        }
        let p = |i: usize| u8::from_str_radix(&s[i..i + 2], 16).ok();
        Some(Rgb(p(0)?, p(2)?, p(4)?))
    }

    pub fn to_hex(self) -> String {
        format!("{:02X}{:02X}{:02X}", self.0, self.1, self.2)
    }

    /// WCAG relative luminance.
    pub fn luminance(self) -> f64 {
        let c = |v: u8| {
            let s = f64::from(v) / 255.0;
            if s <= 0.039_28 {
                s / 12.92
            } else {
                ((s + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * c(self.0) + 0.7152 * c(self.1) + 0.0722 * c(self.2)
    }

    /// WCAG contrast ratio, 1–21.
    pub fn contrast(self, other: Rgb) -> f64 {
        let (a, b) = (self.luminance(), other.luminance());
        let (hi, lo) = if a > b { (a, b) } else { (b, a) };
        (hi + 0.05) / (lo + 0.05)
    }

    fn to_hsl(self) -> (f64, f64, f64) {
        let (r, g, b) = (
            f64::from(self.0) / 255.0,
            f64::from(self.1) / 255.0,
            f64::from(self.2) / 255.0,
        );
        let max = r.max(g).max(b);
        let min = r.min(g).min(b);
        let l = (max + min) / 2.0;
        if (max - min).abs() < f64::EPSILON {
            return (0.0, 0.0, l);
        }
        let d = max - min;
        let s = if l > 0.5 {
            d / (2.0 - max - min)
        } else {
            d / (max + min)
        };
        let h = if (max - r).abs() < f64::EPSILON {
            ((g - b) / d).rem_euclid(6.0)
        } else if (max - g).abs() < f64::EPSILON {
            (b - r) / d + 2.0
        } else {
            (r - g) / d + 4.0
        };
        (h * 60.0, s, l)
    }

    fn from_hsl(h: f64, s: f64, l: f64) -> Rgb {
        let c = (1.0 - (2.0 * l - 1.0).abs()) * s;
        let x = c * (1.0 - ((h / 60.0).rem_euclid(2.0) - 1.0).abs());
        let m = l - c / 2.0;
        let (r, g, b) = match (h / 60.0) as i32 {
            0 => (c, x, 0.0),
            1 => (x, c, 0.0),
            2 => (0.0, c, x),
            3 => (0.0, x, c),
            4 => (x, 0.0, c),
            _ => (c, 0.0, x),
        };
        let q = |v: f64| ((v + m) * 255.0).round().clamp(0.0, 255.0) as u8;
        Rgb(q(r), q(g), q(b))
    }

    fn mix(self, other: Rgb, t: f64) -> Rgb {
        let m = |a: u8, b: u8| (f64::from(a) * (1.0 - t) + f64::from(b) * t).round() as u8;
        Rgb(m(self.0, other.0), m(self.1, other.1), m(self.2, other.2))
    }
}

/// A master's colour context: its theme's scheme and its colour map
/// (`bg1` → `lt1`, `tx1` → `dk1`, …), with a layout's override applied.
#[derive(Debug, Clone, Default)]
pub struct Palette {
    pub scheme: Vec<(String, Rgb)>,
    pub map: Vec<(String, String)>,
}

impl Palette {
    pub fn new(scheme: &[(String, String)], clr_map: Option<&Element>) -> Palette {
        let mut p = Palette {
            scheme: scheme
                .iter()
                .filter_map(|(n, h)| Some((n.clone(), Rgb::hex(h)?)))
                .collect(),
            map: Vec::new(),
        };
        p.apply_map(clr_map);
        p
    }

    /// A `p:clrMap` or `a:overrideClrMapping` element.
    pub fn apply_map(&mut self, clr_map: Option<&Element>) {
        if let Some(m) = clr_map {
            for (k, v) in &m.attrs {
                self.map.retain(|(a, _)| a != k);
                self.map.push((k.clone(), v.clone()));
            }
        }
    }

    fn scheme_color(&self, name: &str) -> Option<Rgb> {
        let defaults = [("bg1", "lt1"), ("tx1", "dk1"), ("bg2", "lt2"), ("tx2", "dk2")];
        let mapped = self
            .map
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .or_else(|| defaults.iter().find(|(k, _)| *k == name).map(|(_, v)| *v))
            .unwrap_or(name);
        self.scheme.iter().find(|(n, _)| n == mapped).map(|(_, c)| *c)
    }

    /// The colour of a colour element (`a:srgbClr`, `a:schemeClr`, …) with its
    /// luminance transforms; `ph` stands for `phClr`.
    pub fn color(&self, e: &Element, ph: Option<Rgb>) -> Option<Rgb> {
        let base = match e.local() {
            "srgbClr" => Rgb::hex(e.attr("val")?)?,
            "sysClr" => Rgb::hex(e.attr("lastClr").unwrap_or(match e.attr("val") {
                Some("window") => "FFFFFF",
                _ => "000000",
            }))?,
            "schemeClr" => match e.attr("val")? {
                "phClr" => ph?,
                v => self.scheme_color(v)?,
            },
            "prstClr" => match e.attr("val")? {
                "white" => Rgb::WHITE,
                "black" => Rgb::BLACK,
                "red" => Rgb(255, 0, 0),
                "blue" => Rgb(0, 0, 255),
                "green" => Rgb(0, 128, 0),
                "yellow" => Rgb(255, 255, 0),
                "gray" | "grey" => Rgb(128, 128, 128),
                _ => return None,
            },
            "scrgbClr" => {
                let p = |a: &str| e.attr(a).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0) / 100_000.0;
                let q = |v: f64| (v.clamp(0.0, 1.0).powf(1.0 / 2.2) * 255.0).round() as u8;
                Rgb(q(p("r")), q(p("g")), q(p("b")))
            }
            _ => return None,
        };
        let mut c = base;
        let pct = |x: &Element| {
            x.attr("val")
                .and_then(|v| v.parse::<f64>().ok())
                .map(|v| v / 100_000.0)
        };
        let (mut lum_mod, mut lum_off) = (None, None);
        for t in e.elements() {
            match t.local() {
                "lumMod" => lum_mod = pct(t),
                "lumOff" => lum_off = pct(t),
                "tint" => c = Rgb::WHITE.mix(c, pct(t).unwrap_or(1.0)),
                "shade" => c = Rgb::BLACK.mix(c, pct(t).unwrap_or(1.0)),
                _ => {}
            }
        }
        if lum_mod.is_some() || lum_off.is_some() {
            let (h, s, l) = c.to_hsl();
            let l = (l * lum_mod.unwrap_or(1.0) + lum_off.unwrap_or(0.0)).clamp(0.0, 1.0);
            c = Rgb::from_hsl(h, s, l);
        }
        Some(c)
    }

    /// The first colour element under `parent`.
    pub fn color_in(&self, parent: &Element, ph: Option<Rgb>) -> Option<Rgb> {
        parent.elements().find_map(|c| self.color(c, ph))
    }
}

/// What a fill looks like, as far as contrast goes.
#[derive(Debug, Clone, PartialEq)]
pub enum Fill {
    /// One colour (a gradient: its stops, the worst one counts).
    Colors(Vec<Rgb>),
    /// A picture or pattern: its colours are not known here.
    Picture,
    None,
}

/// The fill of a shape's `spPr`, `p:bgPr`, or `None` when it sets none.
pub fn fill_of(props: &Element, palette: &Palette, ph: Option<Rgb>) -> Option<Fill> {
    for f in props.elements() {
        match f.local() {
            "noFill" => return Some(Fill::None),
            "solidFill" => {
                return Some(
                    palette
                        .color_in(f, ph)
                        .map_or(Fill::None, |c| Fill::Colors(vec![c])),
                );
            }
            "gradFill" => {
                let stops: Vec<Rgb> = f
                    .descendants()
                    .into_iter()
                    .filter(|g| g.local() == "gs")
                    .filter_map(|g| palette.color_in(g, ph))
                    .collect();
                return Some(if stops.is_empty() {
                    Fill::None
                } else {
                    Fill::Colors(stops)
                });
            }
            "blipFill" | "pattFill" => return Some(Fill::Picture),
            "grpFill" => return Some(Fill::None),
            _ => {}
        }
    }
    None
}

/// A part's own background (`p:cSld/p:bg`), if it has one.
pub fn background_of(root: &Element, palette: &Palette) -> Option<Fill> {
    let bg = root.path(&["cSld", "bg"])?;
    if let Some(pr) = bg.child("bgPr") {
        return fill_of(pr, palette, None);
    }
    let r = bg.child("bgRef")?;
    Some(
        palette
            .color_in(r, None)
            .map_or(Fill::None, |c| Fill::Colors(vec![c])),
    )
}

/// How a finding names a decoration: as the designer named it, in quotes;
/// an unnamed one (many stock themes leave names empty) by what it is.
pub fn describe_decoration(name: &str) -> String {
    match name.trim() {
        "" => "an unnamed filled shape".to_owned(),
        n => format!("“{n}”"),
    }
}

/// A shape of a layout or master that is not a placeholder and has a visible fill.
#[derive(Debug, Clone)]
pub struct Decoration {
    pub name: String,
    pub rect: Rect,
    pub fill: Fill,
    /// Where it is drawn, as findings name it: `master slideMaster2`,
    /// `layout “Title and Content” (slideLayout13)`.
    pub source: String,
}

/// Decorations of one part taken into account: every text box is compared
/// with each, so a crafted master with thousands of shapes must not make
/// opening it quadratic. Real masters have a handful.
pub const MAX_DECORATIONS: usize = 64;

/// The decorations in a part's shape tree, in drawing order (the first
/// [`MAX_DECORATIONS`]); `source` names the part in findings.
pub fn decorations(root: &Element, palette: &Palette, source: &str) -> Vec<Decoration> {
    let Some(tree) = root.path(&["cSld", "spTree"]) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for shape in tree.descendants() {
        let kind = shape.local();
        if !matches!(kind, "sp" | "pic") {
            continue;
        }
        let nv = shape.elements().find(|e| e.local().starts_with("nv"));
        if nv
            .and_then(|n| n.child("nvPr"))
            .and_then(|p| p.child("ph"))
            .is_some()
        {
            continue;
        }
        let Some(pr) = shape.child("spPr") else { continue };
        let Some(rect) = parse_rect(Some(pr)) else {
            continue;
        };
        let fill = if kind == "pic" {
            Fill::Picture
        } else {
            match fill_of(pr, palette, None) {
                Some(f) => f,
                // No fill of its own: the shape style's fill reference.
                None => shape
                    .path(&["style", "fillRef"])
                    .filter(|r| r.attr("idx").is_some_and(|i| i != "0"))
                    .and_then(|r| palette.color_in(r, None))
                    .map_or(Fill::None, |c| Fill::Colors(vec![c])),
            }
        };
        if fill == Fill::None || rect.cx <= 0 || rect.cy <= 0 {
            continue;
        }
        let name = nv
            .and_then(|n| n.child("cNvPr"))
            .and_then(|c| c.attr("name"))
            .map(str::trim)
            .unwrap_or_default()
            .to_owned();
        out.push(Decoration {
            name,
            rect,
            fill,
            source: source.to_owned(),
        });
        if out.len() == MAX_DECORATIONS {
            break;
        }
    }
    out
}

/// What lies behind a layout's text boxes: the background in force and the
/// decorations drawn before the slide's own shapes (master's first, when the
/// layout shows them, then the layout's).
#[derive(Debug, Clone)]
pub struct Backdrop {
    pub background: Fill,
    pub decorations: Vec<Decoration>,
}

/// How readable one text box is.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TextReadability {
    /// The placeholder's type (`title`, `body`, …) and index.
    pub placeholder: String,
    /// The resolved text colour, hex.
    pub text: String,
    /// The colour behind the text that contrasts least with it, hex
    /// (`None` when only a picture lies behind it).
    pub behind: Option<String>,
    /// The lowest contrast ratio found (1–21; `None` when only a picture
    /// lies behind the text, whose colours are not known here).
    pub contrast: Option<f64>,
    /// A decoration the box partly overlaps or that is a picture behind it.
    pub over_decoration: Option<String>,
    /// Where that decoration is drawn (see [`Decoration::source`]).
    pub over_source: Option<String>,
    /// Share of the box (0–1) that decorations partly cover — the grade
    /// behind `over_decoration`, used to rank layouts from clean to busy.
    pub covered: f64,
    /// Below the WCAG minimum for this kind of text, or over a decoration.
    pub problem: bool,
}

/// Share of a text box a decoration must cover to count: a logo in a corner
/// of a generous body box (text rarely reaches it) is not "text over
/// decoration"; a band across a third of the box is.
pub const MIN_OVERLAP: f64 = 0.10;

/// How a placeholder is named in readability reports: `type#idx`.
pub fn placeholder_key(p: &Placeholder) -> String {
    match p.idx {
        Some(i) => format!("{}#{i}", p.ph_type),
        None => p.ph_type.clone(),
    }
}

fn overlap_share(text: Rect, d: Rect) -> f64 {
    let ix = (text.x + text.cx).min(d.x + d.cx) - text.x.max(d.x);
    let iy = (text.y + text.cy).min(d.y + d.cy) - text.y.max(d.y);
    if ix <= 0 || iy <= 0 || text.cx <= 0 || text.cy <= 0 {
        return 0.0;
    }
    (ix as f64 * iy as f64) / (text.cx as f64 * text.cy as f64)
}

/// Rates a text box of colour `text` at `rect` on `backdrop`.
pub fn rate(placeholder: &Placeholder, rect: Rect, text: Rgb, backdrop: &Backdrop) -> TextReadability {
    // The colours behind the box: the background, replaced by any shape that
    // covers the box, plus the colours of shapes covering part of it.
    let mut behind: Fill = backdrop.background.clone();
    if behind == Fill::None {
        behind = Fill::Colors(vec![Rgb::WHITE]);
    }
    let mut partial: Vec<&Decoration> = Vec::new();
    for d in &backdrop.decorations {
        let share = overlap_share(rect, d.rect);
        if share >= 0.95 {
            behind = d.fill.clone();
            partial.clear();
        } else if share > MIN_OVERLAP {
            partial.push(d);
        }
    }
    // A picture behind the whole box (a background image, a photo the
    // layout covers with its text) cannot be rated without its pixels: it
    // counts as unknown, not as a problem. Part of the box on any decoration
    // — a coloured shape or a picture — is.
    let mut worst: Option<(f64, Rgb)> = None;
    let mut consider = |f: &Fill| {
        if let Fill::Colors(cs) = f {
            for c in cs {
                let r = text.contrast(*c);
                if worst.is_none_or(|(w, _)| r < w) {
                    worst = Some((r, *c));
                }
            }
        }
    };
    consider(&behind);
    for d in &partial {
        consider(&d.fill);
    }
    let over = partial.first().map(|d| (d.name.clone(), d.source.clone()));
    let covered = backdrop
        .decorations
        .iter()
        .map(|d| overlap_share(rect, d.rect))
        .filter(|s| *s < 0.95)
        .sum::<f64>()
        .min(1.0);
    let min = if placeholder.is_title() {
        MIN_TITLE_CONTRAST
    } else {
        MIN_BODY_CONTRAST
    };
    TextReadability {
        placeholder: placeholder_key(placeholder),
        text: text.to_hex(),
        behind: worst.map(|(_, c)| c.to_hex()),
        contrast: worst.map(|(r, _)| (r * 100.0).round() / 100.0),
        problem: worst.is_some_and(|(r, _)| r < min) || over.is_some(),
        over_source: over.as_ref().map(|(_, s)| s.clone()),
        over_decoration: over.map(|(n, _)| n),
        covered: (covered * 100.0).round() / 100.0,
    }
}

impl TextReadability {
    /// Text the audience reads (not a title or subtitle): what the lint
    /// rates as an error when it is hard to read.
    pub fn is_body(&self) -> bool {
        let kind = self.placeholder.split('#').next().unwrap_or_default();
        !matches!(kind, "title" | "ctrTitle" | "subTitle")
    }

    /// How far from clean this box is, for ranking: a problem weighs 1000,
    /// each percent of the box under decorations 10, each tenth of a
    /// contrast point under the minimum 10.
    pub fn cost(&self) -> u32 {
        let kind = self.placeholder.split('#').next().unwrap_or_default();
        let min = if matches!(kind, "title" | "ctrTitle") {
            MIN_TITLE_CONTRAST
        } else {
            MIN_BODY_CONTRAST
        };
        let deficit = self.contrast.map_or(0.0, |c| (min - c).max(0.0));
        u32::from(self.problem) * 1000 + (self.covered * 1000.0) as u32 + (deficit * 100.0) as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn findings_name_unnamed_decorations_by_what_they_are() {
        assert_eq!(describe_decoration("Brand band"), "“Brand band”");
        // Stock themes leave shape names empty ("sits on  of its layout").
        assert_eq!(describe_decoration(""), "an unnamed filled shape");
        assert_eq!(describe_decoration("  "), "an unnamed filled shape");
    }

    #[test]
    fn a_master_with_thousands_of_shapes_counts_a_bounded_number() {
        let shape = r#"<p:sp><p:nvSpPr><p:cNvPr id="9" name="Dot"/><p:cNvSpPr/><p:nvPr/></p:nvSpPr><p:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="10" cy="10"/></a:xfrm><a:solidFill><a:srgbClr val="FF0000"/></a:solidFill></p:spPr></p:sp>"#;
        let xml = format!(
            r#"<p:sldMaster xmlns:a="a" xmlns:p="p"><p:cSld><p:spTree>{}</p:spTree></p:cSld></p:sldMaster>"#,
            shape.repeat(5000)
        );
        let root = crate::xml::parse(xml.as_bytes(), "m").expect("xml");
        let d = decorations(&root, &Palette::default(), "master");
        assert_eq!(d.len(), MAX_DECORATIONS);
    }

    #[test]
    fn contrast_matches_wcag_examples() {
        assert!((Rgb::BLACK.contrast(Rgb::WHITE) - 21.0).abs() < 0.01);
        assert!((Rgb::WHITE.contrast(Rgb::WHITE) - 1.0).abs() < 0.01);
        // #767676 on white is the classic 4.54:1.
        let grey = Rgb::hex("767676").expect("hex");
        assert!((grey.contrast(Rgb::WHITE) - 4.54).abs() < 0.02);
    }

    #[test]
    fn scheme_colours_follow_the_map_and_transforms() {
        let scheme = vec![
            ("dk1".to_string(), "000000".to_string()),
            ("lt1".to_string(), "FFFFFF".to_string()),
            ("accent1".to_string(), "1F4E79".to_string()),
        ];
        let map = crate::xml::parse(br#"<p:clrMap bg1="dk1" tx1="lt1"/>"#, "t").expect("xml");
        let p = Palette::new(&scheme, Some(&map));
        let tx1 = crate::xml::parse(br#"<a:schemeClr val="tx1"/>"#, "t").expect("xml");
        assert_eq!(p.color(&tx1, None), Some(Rgb::WHITE));
        let lighter = crate::xml::parse(
            br#"<a:schemeClr val="accent1"><a:lumMod val="20000"/><a:lumOff val="80000"/></a:schemeClr>"#,
            "t",
        )
        .expect("xml");
        let c = p.color(&lighter, None).expect("colour");
        assert!(c.luminance() > 0.5, "{c:?}");
    }

    fn ph(t: &str) -> Placeholder {
        Placeholder {
            ph_type: t.into(),
            ..Placeholder::default()
        }
    }

    #[test]
    fn a_box_half_on_a_dark_shape_is_over_decoration() {
        let text = Rect {
            x: 0,
            y: 0,
            cx: 100,
            cy: 100,
        };
        let band = Decoration {
            name: "Band".into(),
            rect: Rect {
                x: 0,
                y: 0,
                cx: 50,
                cy: 100,
            },
            fill: Fill::Colors(vec![Rgb(0, 40, 90)]),
            source: "master".into(),
        };
        let plain = Backdrop {
            background: Fill::Colors(vec![Rgb::WHITE]),
            decorations: vec![],
        };
        let r = rate(&ph("body"), text, Rgb::BLACK, &plain);
        assert!(!r.problem && r.contrast.is_some_and(|c| c > 20.0), "{r:?}");
        let banded = Backdrop {
            decorations: vec![band.clone()],
            ..plain.clone()
        };
        let r = rate(&ph("body"), text, Rgb::BLACK, &banded);
        assert!(r.problem && r.over_decoration.as_deref() == Some("Band"), "{r:?}");
        // White text wholly on the dark shape reads well.
        let covering = Backdrop {
            decorations: vec![Decoration {
                rect: Rect {
                    x: -10,
                    y: -10,
                    cx: 200,
                    cy: 200,
                },
                ..band
            }],
            ..plain
        };
        let r = rate(&ph("title"), text, Rgb::WHITE, &covering);
        assert!(!r.problem, "{r:?}");
        // A background picture is unknown, not a problem; half the box on a
        // picture is text over decoration.
        let photo = Backdrop {
            background: Fill::Picture,
            decorations: vec![],
        };
        let r = rate(&ph("body"), text, Rgb::BLACK, &photo);
        assert!(!r.problem && r.contrast.is_none(), "{r:?}");
        let half_photo = Backdrop {
            background: Fill::Colors(vec![Rgb::WHITE]),
            decorations: vec![Decoration {
                name: "Photo".into(),
                rect: Rect {
                    x: 50,
                    y: 0,
                    cx: 100,
                    cy: 100,
                },
                fill: Fill::Picture,
                source: "layout".into(),
            }],
        };
        let r = rate(&ph("body"), text, Rgb::BLACK, &half_photo);
        assert!(
            r.problem && r.over_decoration.as_deref() == Some("Photo"),
            "{r:?}"
        );
    }
}
