//! Text in placeholders: the paragraphs a slide writes, how many of them fit a
//! placeholder at which shrink step, the paragraphs a slide already has, and
//! the smallest size a title may be drawn at. Shared by building, cloning and
//! linting, beneath all three.

use crate::fit::Shrink;
use crate::plan::Bullet;
use crate::template::{Layout, Placeholder, Template};
use crate::xml::Element;

/// Titles are read from the back of a training room: below this size they
/// move to a wider title box or are shortened (see [`crate::BuildOptions`]).
pub const DEFAULT_MIN_TITLE_PT: f64 = 24.0;

/// A paragraph to write into a text body.
pub(crate) struct Para<'a> {
    pub text: &'a str,
    pub level: u8,
    pub no_bullet: bool,
    pub align: Option<&'static str>,
}

impl<'a> Para<'a> {
    pub(crate) fn plain(text: &'a str) -> Self {
        Para {
            text,
            level: 0,
            no_bullet: false,
            align: None,
        }
    }
}

/// The shrink step at which `paras` fit `ph`, or `None` when even the floor
/// overflows.
pub(crate) fn shrink_for(
    tpl: &Template,
    layout: &Layout,
    ph: &Placeholder,
    paras: &[Para<'_>],
) -> Option<Shrink> {
    let style = tpl.text_style(layout, ph);
    let items: Vec<(&str, u8)> = paras.iter().map(|p| (p.text, p.level)).collect();
    crate::fit::fit(&items, &|l| style.level(l), style.area)
}

/// Splits bullets into runs that each fit `ph` (at most at the shrink floor).
pub(crate) fn split_to_fit<'b>(
    tpl: &Template,
    layout: &Layout,
    ph: &Placeholder,
    bullets: &'b [Bullet],
) -> Vec<&'b [Bullet]> {
    let mut out = Vec::new();
    let mut start = 0;
    while start < bullets.len() {
        let mut end = start + 1;
        while end < bullets.len() && shrink_for(tpl, layout, ph, &paras(&bullets[start..=end])).is_some() {
            end += 1;
        }
        out.push(&bullets[start..end]);
        start = end;
    }
    out
}

pub(crate) fn paras(bullets: &[Bullet]) -> Vec<Para<'_>> {
    bullets
        .iter()
        .map(|b| Para {
            text: b.text(),
            level: b.level(),
            no_bullet: false,
            align: None,
        })
        .collect()
}

/// A paragraph's indent level (`a:pPr lvl`), 0 when unset.
pub(crate) fn paragraph_level(p: &Element) -> u8 {
    p.child("pPr")
        .and_then(|x| x.attr("lvl"))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// A paragraph's text: its runs and fields, line breaks as `\n`.
pub(crate) fn paragraph_text(p: &Element) -> String {
    let mut s = String::new();
    for e in p.elements() {
        match e.local() {
            "r" | "fld" => s.push_str(&e.child("t").map(Element::text).unwrap_or_default()),
            "br" => s.push('\n'),
            _ => {}
        }
    }
    s
}
