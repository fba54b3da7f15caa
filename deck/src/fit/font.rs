//! A font face to measure text with: advance widths and vertical metrics
//! (the tables themselves are generated into `metrics_data`).

/// Advance widths and vertical metrics of one face, in font units.
pub struct FontMetrics {
    pub name: &'static str,
    pub units_per_em: u16,
    pub ascent: i16,
    pub descent: i16,
    pub line_gap: i16,
    pub average: u16,
    pub first: u32,
    pub widths: &'static [u16],
}

impl FontMetrics {
    /// Advance of `c` in font units. Characters outside the table: CJK and
    /// other wide scripts count as one em, anything else as the average width.
    pub fn advance(&self, c: char) -> u16 {
        let cp = c as u32;
        if let Some(w) = cp
            .checked_sub(self.first)
            .and_then(|i| self.widths.get(i as usize))
            .filter(|w| **w > 0)
        {
            return *w;
        }
        if (0x2E80..=0xFFEF).contains(&cp) || cp >= 0x20000 {
            self.units_per_em
        } else {
            self.average
        }
    }

    /// Single line height as a multiple of the font size.
    pub fn line_height(&self) -> f64 {
        f64::from(self.ascent as i32 + self.descent as i32 + self.line_gap as i32)
            / f64::from(self.units_per_em)
    }
}

/// A face to measure with, plus a safety margin when the template's font
/// has no metric-compatible stand-in (its real widths are unknown).
#[derive(Clone, Copy)]
pub struct Face {
    pub metrics: &'static FontMetrics,
    pub margin: f64,
}

impl Face {
    /// Width of `text` at `size_pt` points, in points.
    pub fn width_pt(&self, text: &str, size_pt: f64) -> f64 {
        let units: u64 = text.chars().map(|c| u64::from(self.metrics.advance(c))).sum();
        units as f64 / f64::from(self.metrics.units_per_em) * size_pt * self.margin
    }
}
