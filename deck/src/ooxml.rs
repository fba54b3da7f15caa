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
