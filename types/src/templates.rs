//! What the New course page shows about a template before any job starts:
//! the layout chosen for each kind of slide and why, the masters the
//! designer's sample slides use, readability warnings and preview pages.

use serde::{Deserialize, Serialize};

/// One kind of slide and the layout that will carry it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RoleRow {
    /// `Title slide`, `Section`, `Content`, …
    pub role: String,
    /// The layout's name; `None` when nothing fits.
    pub layout: Option<String>,
    pub master: Option<String>,
    /// Why this layout: the designer's samples, a stand-in, …
    pub because: String,
    /// A stand-in, hard to read or missing: worth a look.
    pub attention: bool,
}

/// A master and the kinds of slide the designer's samples put on it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MasterRow {
    pub name: String,
    pub layouts: usize,
    /// Kinds of slide the samples use it for (empty: no sample uses it).
    pub used_for: Vec<String>,
}

/// A preview page: which kind of slide it shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PreviewPage {
    /// From 1, as in `/api/templates/preview/{n}.png`.
    pub n: usize,
    pub role: String,
}

/// The intake report of a template.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TemplateReport {
    /// The choice a job is started with (`upload:…` or a sample's file name).
    pub choice: String,
    /// `16:9`, `4:3` or the size in centimetres.
    pub aspect: String,
    pub layouts: usize,
    pub sample_slides: usize,
    pub masters: Vec<MasterRow>,
    pub roles: Vec<RoleRow>,
    /// Layouts whose text is hard to read, and why: the technical detail,
    /// one line per layout.
    pub warnings: Vec<String>,
    /// What the warnings mean for the user's courses and what to do, in
    /// plain words (a few sentences).
    #[serde(default)]
    pub advice: Vec<String>,
    /// Preview pages, one per kind of slide shown (empty when not available).
    pub pages: Vec<PreviewPage>,
    /// Why there are no previews, when there are none.
    pub unavailable: Option<String>,
    /// The pictures' state when the report was read (they are drawn in
    /// the background; the page asks again while `Drawing`).
    #[serde(default)]
    pub pictures: Pictures,
}

/// A template's preview pictures, never waited for.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Pictures {
    /// Drawn: this many pages.
    Ready { pages: usize },
    /// Being drawn now; ask again in a moment.
    #[default]
    Drawing,
    /// Not drawn, and why; `retry` when trying again may help.
    Unavailable { reason: String, retry: bool },
}

/// A template offered on New course: its name and the layouts it has,
/// shown as they are when its pictures cannot be drawn.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TemplateCard {
    /// The choice a job is started with (a sample's file name).
    pub choice: String,
    /// Layout names, the designer's order.
    pub layouts: Vec<String>,
    /// Whether this server draws pictures (else the card shows the layouts).
    pub pictures: bool,
}
