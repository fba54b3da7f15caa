//! OOXML names in one place: XML namespaces, package content types,
//! relationship types, and the element orders the schema requires. Every
//! other module imports them from here.

// ---- XML namespaces ---------------------------------------------------------

/// PresentationML.
pub const NS_P: &str = "http://schemas.openxmlformats.org/presentationml/2006/main";
/// DrawingML.
pub const NS_A: &str = "http://schemas.openxmlformats.org/drawingml/2006/main";
/// Relationship references inside parts (`r:id`).
pub const NS_R: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
/// A package's `.rels` parts.
pub const NS_RELS: &str = "http://schemas.openxmlformats.org/package/2006/relationships";
/// `[Content_Types].xml`.
pub const NS_CT: &str = "http://schemas.openxmlformats.org/package/2006/content-types";

// ---- Relationship types -----------------------------------------------------

/// Prefix of every officeDocument relationship type (`…/slide`, `…/image`…).
pub const RT_BASE: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/";
/// The package's main document.
pub const REL_OFFICE_DOC: &str =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument";

// ---- Content types ----------------------------------------------------------

pub const CT_RELS: &str = "application/vnd.openxmlformats-package.relationships+xml";
pub const CT_PRESENTATION: &str =
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml";
pub const CT_TEMPLATE: &str =
    "application/vnd.openxmlformats-officedocument.presentationml.template.main+xml";
pub const CT_SLIDESHOW: &str =
    "application/vnd.openxmlformats-officedocument.presentationml.slideshow.main+xml";
pub const CT_MACRO_PRES: &str = "application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml";
pub const CT_SLIDE: &str = "application/vnd.openxmlformats-officedocument.presentationml.slide+xml";
pub const CT_NOTES: &str = "application/vnd.openxmlformats-officedocument.presentationml.notesSlide+xml";
pub const CT_NOTES_MASTER: &str =
    "application/vnd.openxmlformats-officedocument.presentationml.notesMaster+xml";
pub const CT_THEME: &str = "application/vnd.openxmlformats-officedocument.theme+xml";
pub const CT_VIEW_PROPS: &str = "application/vnd.openxmlformats-officedocument.presentationml.viewProps+xml";
pub const CT_APP: &str = "application/vnd.openxmlformats-officedocument.extended-properties+xml";

// ---- Extensions -------------------------------------------------------------

/// The `p:ext` URI of PowerPoint 2010 sections.
pub const SECTIONS_EXT: &str = "{521415D9-36F7-43E2-AB2F-B90AF26B5E84}";

// ---- Element orders ---------------------------------------------------------

/// Child order of `p:presentation` (ECMA-376 Part 1, 19.2.1.26).
pub const PRESENTATION_ORDER: &[&str] = &[
    "sldMasterIdLst",
    "notesMasterIdLst",
    "handoutMasterIdLst",
    "sldIdLst",
    "sldSz",
    "notesSz",
    "smartTags",
    "embeddedFontLst",
    "custShowLst",
    "photoAlbum",
    "custDataLst",
    "kinsoku",
    "defaultTextStyle",
    "modifyVerifier",
    "extLst",
];

/// Smallest and largest slide side PowerPoint allows (`ST_SlideSizeCoordinate`:
/// 1 inch to 56 inches), in EMU.
pub const SLIDE_SIDE: std::ops::RangeInclusive<i64> = 914_400..=51_206_400;

/// The largest position or size taken from a file, in EMU: forty times the
/// largest slide side. Every value read is clamped to it, so sums and
/// products of two (areas, overlaps) stay far inside `i64`.
pub const COORDINATE_LIMIT: i64 = 51_206_400 * 40;

/// A position (`x`, `y`, an inset) read from a file: a number, clamped to
/// ±[`COORDINATE_LIMIT`]; `None` when it is not a number at all.
pub fn coordinate(v: &str) -> Option<i64> {
    let n = v.trim().parse::<i128>().ok()?;
    Some(n.clamp(-(COORDINATE_LIMIT as i128), COORDINATE_LIMIT as i128) as i64)
}

/// A size (`cx`, `cy`) read from a file: a number clamped to
/// 0..=[`COORDINATE_LIMIT`].
pub fn extent(v: &str) -> Option<i64> {
    coordinate(v).map(|n| n.max(0))
}

/// A presentation's slide size (`p:sldSz`): `None` when absent or not
/// numbers, `Some(Err(..))` when outside PowerPoint's range.
pub fn slide_size(pres: &crate::xml::Element) -> Option<Result<(i64, i64), String>> {
    let sz = pres.child("sldSz")?;
    let side = |a: &str| sz.attr(a)?.trim().parse::<i128>().ok();
    let (cx, cy) = (side("cx")?, side("cy")?);
    let fits = |n: i128| SLIDE_SIDE.contains(&(n.clamp(0, i64::MAX as i128) as i64));
    Some(if fits(cx) && fits(cy) {
        Ok((cx as i64, cy as i64))
    } else {
        Err(format!(
            "its slide size ({cx} × {cy} EMU) is outside PowerPoint's range of 1 to 56 inches a side"
        ))
    })
}
