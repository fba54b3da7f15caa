//! Text fitting. Text is measured with real font metrics, its size and font
//! resolved run → placeholder → layout → master → theme. When it would
//! overflow its box the engine shrinks it within a floor and writes
//! `fontScale`/`lnSpcReduction` explicitly (PowerPoint does not recompute
//! them when it opens a file); past the floor, bullets move to a
//! continuation slide.

pub mod font;
pub mod metrics;
mod metrics_data;

use metrics::Face;

/// How one paragraph level is styled.
#[derive(Clone, Copy)]
pub struct LevelStyle {
    pub size_pt: f64,
    pub face: Face,
    /// Line spacing as a fraction of single spacing (0.9 = 90%).
    pub line_spacing: f64,
    pub space_before_pt: f64,
    /// Left margin of the text (bullet indent), EMU.
    pub indent: i64,
}

/// The usable area of a text box, EMU (insets already removed).
#[derive(Clone, Copy, Debug)]
pub struct TextArea {
    pub width: i64,
    pub height: i64,
}

/// A shrink step: font scale and line-spacing reduction, in 1/1000 percent
/// as written in `a:normAutofit`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shrink {
    pub font_scale: u32,
    pub ln_spc_reduction: u32,
}

impl Shrink {
    pub const NONE: Shrink = Shrink {
        font_scale: 100_000,
        ln_spc_reduction: 0,
    };
}

/// The steps tried in order; the last is the floor (70% text size).
pub const STEPS: &[Shrink] = &[
    Shrink::NONE,
    Shrink {
        font_scale: 92_500,
        ln_spc_reduction: 10_000,
    },
    Shrink {
        font_scale: 85_000,
        ln_spc_reduction: 20_000,
    },
    Shrink {
        font_scale: 77_500,
        ln_spc_reduction: 20_000,
    },
    Shrink {
        font_scale: 70_000,
        ln_spc_reduction: 20_000,
    },
];

const EMU_PER_PT: f64 = 12_700.0;

/// Number of lines `text` wraps to in `width_pt` (greedy, on spaces; a word
/// longer than the line is broken).
pub fn wrap_lines(face: &Face, text: &str, size_pt: f64, width_pt: f64) -> usize {
    let space = face.width_pt(" ", size_pt);
    let mut lines = 0;
    for hard_line in text.split('\n') {
        lines += 1;
        let mut x = 0.0;
        for word in hard_line.split(' ').filter(|w| !w.is_empty()) {
            let w = face.width_pt(word, size_pt);
            if x > 0.0 && x + space + w > width_pt {
                lines += 1;
                x = 0.0;
            }
            if x == 0.0 && w > width_pt {
                // A single over-long word: it breaks across lines.
                lines += (w / width_pt).floor() as usize;
                x = w % width_pt;
            } else {
                x += if x > 0.0 { space + w } else { w };
            }
        }
    }
    lines
}

/// Height in EMU of `paras` (text, level) at a shrink step.
pub fn text_height(
    paras: &[(&str, u8)],
    styles: &dyn Fn(u8) -> LevelStyle,
    area: TextArea,
    s: Shrink,
) -> i64 {
    let scale = f64::from(s.font_scale) / 100_000.0;
    let reduce = 1.0 - f64::from(s.ln_spc_reduction) / 100_000.0;
    let mut h = 0.0;
    for (i, (text, level)) in paras.iter().enumerate() {
        let st = styles(*level);
        let size = st.size_pt * scale;
        let width_pt = ((area.width - st.indent).max(area.width / 4)) as f64 / EMU_PER_PT;
        let lines = wrap_lines(&st.face, text, size, width_pt).max(1);
        let line_h = size * st.face.metrics.line_height() * st.line_spacing * reduce;
        h += lines as f64 * line_h;
        if i > 0 {
            h += st.space_before_pt * scale;
        }
    }
    (h * EMU_PER_PT).ceil() as i64
}

/// The first shrink step at which the text fits, or `None` past the floor.
pub fn fit(paras: &[(&str, u8)], styles: &dyn Fn(u8) -> LevelStyle, area: TextArea) -> Option<Shrink> {
    STEPS
        .iter()
        .copied()
        .find(|s| text_height(paras, styles, area, *s) <= area.height)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn style(_: u8) -> LevelStyle {
        LevelStyle {
            size_pt: 28.0,
            face: metrics::face_for("Calibri", false),
            line_spacing: 0.9,
            space_before_pt: 10.0,
            indent: 228_600,
        }
    }

    #[test]
    fn short_text_fits_long_text_shrinks_then_gives_up() {
        // A typical 16:9 body placeholder: 10.5 in × 4.35 in.
        let area = TextArea {
            width: 10_515_600 - 182_880,
            height: 4_351_338 - 91_440,
        };
        let few = [("Heat", 0), ("Fuel", 0), ("Oxygen", 0)];
        assert_eq!(fit(&few, &style, area), Some(Shrink::NONE));
        let long = "A sentence of moderate length that will wrap onto a second line on this slide";
        let seven: Vec<(&str, u8)> = (0..7).map(|_| (long, 0)).collect();
        let s = fit(&seven, &style, area).expect("fits when shrunk");
        assert!(s.font_scale < 100_000, "{s:?}");
        let many: Vec<(&str, u8)> = (0..30).map(|_| (long, 0)).collect();
        assert_eq!(fit(&many, &style, area), None);
    }

    #[test]
    fn wrapping_counts_lines() {
        let f = metrics::face_for("Calibri", false);
        assert_eq!(wrap_lines(&f, "one two three", 20.0, 1000.0), 1);
        assert!(wrap_lines(&f, &"word ".repeat(100), 20.0, 300.0) > 5);
        assert_eq!(wrap_lines(&f, "a\nb", 20.0, 1000.0), 2);
        assert!(wrap_lines(&f, &"x".repeat(200), 20.0, 100.0) >= 10);
    }
}
