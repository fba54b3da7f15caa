//! Font metrics for measuring text: advance widths of metric-compatible
//! fonts, and the mapping from a template's typeface to one of them.

pub use super::font::{Face, FontMetrics};

/// The stand-in for a typeface name (case-insensitive).
pub fn face_for(typeface: &str, bold: bool) -> Face {
    use super::metrics_data::*;
    let t = typeface.trim().to_ascii_lowercase();
    let exact = |m: &'static FontMetrics| Face {
        metrics: m,
        margin: 1.0,
    };
    match t.as_str() {
        "calibri" | "carlito" | "calibri light" => exact(if bold { &CARLITO_BOLD } else { &CARLITO }),
        "cambria" | "caladea" => exact(if bold { &CALADEA_BOLD } else { &CALADEA }),
        "arial" | "liberation sans" | "helvetica" | "arimo" => exact(if bold {
            &LIBERATION_SANS_BOLD
        } else {
            &LIBERATION_SANS
        }),
        "times new roman" | "liberation serif" | "times" | "tinos" => exact(if bold {
            &LIBERATION_SERIF_BOLD
        } else {
            &LIBERATION_SERIF
        }),
        "courier new" | "liberation mono" | "courier" | "cousine" => exact(&LIBERATION_MONO),
        // Unknown font: measure as a wide sans (Liberation Sans is wider than
        // Calibri) and add 8% on top.
        _ => Face {
            metrics: if bold {
                &LIBERATION_SANS_BOLD
            } else {
                &LIBERATION_SANS
            },
            margin: 1.08,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_come_from_the_real_fonts() {
        let calibri = face_for("Calibri", false);
        let arial = face_for("Arial", false);
        // Calibri is a narrow face: the same text is clearly narrower than in Arial.
        let text = "The quick brown fox jumps over the lazy dog";
        let (c, a) = (calibri.width_pt(text, 18.0), arial.width_pt(text, 18.0));
        assert!(c < a * 0.95, "calibri {c} arial {a}");
        assert!((300.0..400.0).contains(&c), "calibri width {c}");
        // 'W' is wider than 'i'; bold is wider than regular.
        assert!(calibri.metrics.advance('W') > 2 * calibri.metrics.advance('i'));
        assert!(face_for("Calibri", true).width_pt(text, 18.0) > c);
        // Unknown fonts get a margin.
        assert!(face_for("Corporate Sans", false).width_pt(text, 18.0) > a);
        // Wide scripts count one em per character.
        assert_eq!(calibri.metrics.advance('漢'), calibri.metrics.units_per_em);
    }
}
