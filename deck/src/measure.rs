//! Readability measured on the rendered slide. The geometric check (see
//! [`crate::readability`]) knows colours and shapes, not pictures: text on
//! a photo or a gradient is "unknown" there. Here a renderer draws the deck
//! with its text taken out ([`without_text`]), and the pixels behind each
//! text box ([`text_boxes`]) are compared with the text's colour
//! ([`measure`]): the hardest-to-read tenth of the box decides.

use crate::lint::{match_placeholder, own_rect};
use crate::opc::slides_of;
use crate::readability::{placeholder_key, Rgb, MIN_BODY_CONTRAST, MIN_TITLE_CONTRAST};
use crate::template::{Rect, Template};
use crate::text::paragraph_text;
use crate::xml::Element;
use crate::DeckError;

/// A box of text on a slide, as a reader sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct TextBox {
    /// The slide, from 1.
    pub slide: usize,
    /// The shape's name (`Title 1`, `Content Placeholder 2`).
    pub name: String,
    pub rect: Rect,
    /// The colour its text is drawn in (its first run's own, its list or
    /// shape style's, else its placeholder's as the layout and master
    /// resolve it; boxes whose colour cannot be told are left out).
    pub color: Rgb,
    pub title: bool,
}

impl TextBox {
    /// The contrast the box's text needs: WCAG's for large text on titles.
    pub fn minimum(&self) -> f64 {
        if self.title {
            MIN_TITLE_CONTRAST
        } else {
            MIN_BODY_CONTRAST
        }
    }
}

/// Boxes measured per slide at most (a crafted deck may have thousands).
const MAX_BOXES_PER_SLIDE: usize = 32;

/// Every box with text on every slide of a deck.
pub fn text_boxes(bytes: &[u8]) -> Result<Vec<TextBox>, DeckError> {
    let tpl = Template::from_bytes(bytes)?;
    let pkg = tpl.package();
    let (_, slides) = slides_of(pkg)?;
    let mut out = Vec::new();
    for (i, slide) in slides.iter().enumerate() {
        let root = pkg.xml(slide)?;
        let layout = pkg
            .rels(slide)?
            .into_iter()
            .find(|r| r.kind() == "slideLayout")
            .and_then(|r| crate::opc::resolve(slide, &r.target).ok())
            .and_then(|part| tpl.layouts.iter().find(|l| l.part == part));
        let Some(tree) = root.path(&["cSld", "spTree"]) else {
            continue;
        };
        let mut on_slide = 0;
        for shape in tree.descendants().into_iter().filter(|e| e.local() == "sp") {
            let Some(body) = shape.child("txBody") else {
                continue;
            };
            let has_text = body
                .elements()
                .filter(|p| p.local() == "p")
                .any(|p| !paragraph_text(p).trim().is_empty());
            if !has_text {
                continue;
            }
            let nv = shape.child("nvSpPr");
            let ph = nv.and_then(|n| n.child("nvPr")).and_then(|p| p.child("ph"));
            let layout_ph = ph.and_then(|ph| layout.and_then(|l| match_placeholder(l, ph)));
            let Some(rect) = own_rect(shape).or_else(|| layout_ph.and_then(|p| p.rect)) else {
                continue;
            };
            // The text's own colour: its first run's, its list style's, its
            // shape style's — through the master's colour scheme.
            let palette = layout
                .and_then(|l| tpl.master_styles.get(&l.master))
                .map(|m| &m.palette);
            let own = palette.and_then(|palette| {
                body.descendants()
                    .into_iter()
                    .find(|e| e.local() == "rPr")
                    .and_then(|r| r.child("solidFill"))
                    .or_else(|| body.path(&["lstStyle", "lvl1pPr", "defRPr", "solidFill"]))
                    .or_else(|| shape.path(&["style", "fontRef"]))
                    .and_then(|fill| palette.color_in(fill, None))
            });
            let inherited = layout_ph.and_then(|lph| {
                let key = placeholder_key(lph);
                layout?
                    .readability
                    .iter()
                    .find(|r| r.placeholder == key)
                    .and_then(|r| Rgb::hex(&r.text))
            });
            // A box whose colour is not known is not measured.
            let Some(color) = own.or(inherited) else {
                continue;
            };
            out.push(TextBox {
                slide: i + 1,
                name: nv
                    .and_then(|n| n.child("cNvPr"))
                    .and_then(|c| c.attr("name"))
                    .unwrap_or("a text box")
                    .to_owned(),
                rect,
                color,
                title: ph.is_some_and(|p| matches!(p.attr("type"), Some("title" | "ctrTitle"))),
            });
            on_slide += 1;
            if on_slide == MAX_BOXES_PER_SLIDE {
                break;
            }
        }
    }
    Ok(out)
}

/// The deck with every slide's text taken out (runs, fields and breaks;
/// paragraphs, shapes, pictures and backgrounds stay): what lies behind
/// the text, for a renderer to draw.
pub fn without_text(bytes: &[u8]) -> Result<Vec<u8>, DeckError> {
    let mut pkg = crate::opc::Package::from_bytes(bytes, crate::opc::Limits::default())?;
    let (_, slides) = slides_of(&pkg)?;
    for slide in slides {
        let mut root = pkg.xml(&slide)?;
        root.walk_mut(&mut |e: &mut Element| {
            if e.name == "a:p" {
                e.children.retain(|n| {
                    !matches!(n, crate::xml::Node::Element(c) if matches!(c.name.as_str(), "a:r" | "a:fld" | "a:br"))
                });
            }
        });
        pkg.put(&slide, root.to_part(), None);
    }
    pkg.to_bytes()
}

/// A picture as RGB pixels, row by row.
#[derive(Debug, Clone)]
pub struct Pixels {
    pub width: usize,
    pub height: usize,
    pub rgb: Vec<u8>,
}

impl Pixels {
    /// Reads a binary PPM (`P6`, 8 bits a channel; what pdftoppm writes
    /// without `-png`). `None` for anything else or a short file.
    pub fn from_ppm(bytes: &[u8]) -> Option<Pixels> {
        let mut fields = Vec::new();
        let mut i = 0;
        while fields.len() < 4 {
            while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            if bytes.get(i) == Some(&b'#') {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            let start = i;
            while i < bytes.len() && !bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            if start == i {
                return None;
            }
            fields.push(std::str::from_utf8(&bytes[start..i]).ok()?);
        }
        let (width, height): (usize, usize) = (fields[1].parse().ok()?, fields[2].parse().ok()?);
        if fields[0] != "P6"
            || fields[3] != "255"
            || width == 0
            || height == 0
            || width > 8192
            || height > 8192
        {
            return None;
        }
        let data = bytes.get(i + 1..)?;
        let len = width * height * 3;
        (data.len() >= len).then(|| Pixels {
            width,
            height,
            rgb: data[..len].to_vec(),
        })
    }

    fn at(&self, x: usize, y: usize) -> Rgb {
        let k = (y * self.width + x) * 3;
        Rgb(self.rgb[k], self.rgb[k + 1], self.rgb[k + 2])
    }
}

/// Share of the box's pixels whose contrast decides: the worst tenth.
const DECIDING_SHARE: f64 = 0.10;

/// What the pixels behind a box say about its text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Measured {
    /// The contrast the hardest-to-read tenth of the box reaches (1–21).
    pub worst: f64,
    /// The contrast half the box reaches.
    pub median: f64,
}

/// Measures `text` against `page` (the slide drawn without text, whose
/// size in EMU is `slide`): every pixel of the box, a few percent in from
/// its edges, sampled on a grid of at most 200 × 200.
pub fn measure(text: &TextBox, page: &Pixels, slide: (i64, i64)) -> Option<Measured> {
    if slide.0 <= 0 || slide.1 <= 0 {
        return None;
    }
    let sx = page.width as f64 / slide.0 as f64;
    let sy = page.height as f64 / slide.1 as f64;
    let r = text.rect;
    let inset_x = r.cx as f64 * 0.04;
    let inset_y = r.cy as f64 * 0.04;
    let clamp_x = |v: f64| (v.max(0.0) as usize).min(page.width);
    let clamp_y = |v: f64| (v.max(0.0) as usize).min(page.height);
    let (x0, x1) = (
        clamp_x((r.x as f64 + inset_x) * sx),
        clamp_x((r.x as f64 + r.cx as f64 - inset_x) * sx),
    );
    let (y0, y1) = (
        clamp_y((r.y as f64 + inset_y) * sy),
        clamp_y((r.y as f64 + r.cy as f64 - inset_y) * sy),
    );
    if x1 <= x0 || y1 <= y0 {
        return None;
    }
    let step_x = ((x1 - x0) / 200).max(1);
    let step_y = ((y1 - y0) / 200).max(1);
    let mut ratios: Vec<f64> = Vec::new();
    for y in (y0..y1).step_by(step_y) {
        for x in (x0..x1).step_by(step_x) {
            ratios.push(text.color.contrast(page.at(x, y)));
        }
    }
    ratios.sort_by(f64::total_cmp);
    let pick = |share: f64| {
        let i = ((ratios.len() as f64 * share) as usize).min(ratios.len() - 1);
        (ratios[i] * 10.0).round() / 10.0
    };
    Some(Measured {
        worst: pick(DECIDING_SHARE),
        median: pick(0.5),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(w: usize, h: usize, colour: impl Fn(usize, usize) -> [u8; 3]) -> Pixels {
        let mut ppm = format!("P6\n# drawn\n{w} {h}\n255\n").into_bytes();
        for y in 0..h {
            for x in 0..w {
                ppm.extend(colour(x, y));
            }
        }
        Pixels::from_ppm(&ppm).expect("ppm")
    }

    fn body(color: Rgb) -> TextBox {
        TextBox {
            slide: 1,
            name: "Body".into(),
            rect: Rect {
                x: 0,
                y: 500,
                cx: 1000,
                cy: 500,
            },
            color,
            title: false,
        }
    }

    #[test]
    fn pixels_behind_the_box_decide_not_those_beside_it() {
        // White top half, a dark photo-like bottom half where the box is.
        let p = page(100, 100, |_, y| if y < 50 { [255; 3] } else { [40, 50, 70] });
        let m = measure(&body(Rgb::BLACK), &p, (1000, 1000)).expect("measured");
        assert!(m.worst < 2.0 && m.median < 2.0, "{m:?}");
        let m = measure(&body(Rgb::WHITE), &p, (1000, 1000)).expect("measured");
        assert!(m.worst > 10.0, "{m:?}");
        // A box a third over the dark band: its worst tenth is dark, its
        // median is not.
        let mut third = body(Rgb::BLACK);
        third.rect.y = 170;
        third.rect.cy = 500;
        let m = measure(&third, &p, (1000, 1000)).expect("measured");
        assert!(m.worst < 2.0 && m.median > 15.0, "{m:?}");
        // Off the page or empty: nothing to say.
        let mut off = body(Rgb::BLACK);
        off.rect.x = 5000;
        assert_eq!(measure(&off, &p, (1000, 1000)), None);
        assert!(Pixels::from_ppm(b"P5\n1 1\n255\n\0").is_none());
        assert!(Pixels::from_ppm(b"P6\n2 2\n255\n\0\0\0").is_none(), "short");
    }
}
