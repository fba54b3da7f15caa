//! Reading a template: slide size, masters, layouts and their placeholders,
//! theme fonts and colours. Layouts are classified by what their
//! placeholders are and where they sit, never by their names — designers name
//! layouts anything.

use serde::Serialize;

use crate::ooxml::{CT_MACRO_PRES, CT_PRESENTATION, CT_SLIDESHOW, CT_TEMPLATE, REL_OFFICE_DOC};
use crate::opc::{Limits, Package};
use crate::readability::{self, Backdrop, Decoration, Fill, Palette, Rgb, TextReadability};
use crate::xml::Element;
use crate::DeckError;

pub(crate) use crate::placeholder::parse_rect;
pub use crate::placeholder::{parse_levels, placeholders, PartialLevel, Placeholder, Rect};

/// Text styles of one master: its placeholders and `p:txStyles`.
#[derive(Debug, Clone, Default)]
pub struct MasterStyles {
    pub placeholders: Vec<Placeholder>,
    pub title: Vec<PartialLevel>,
    pub body: Vec<PartialLevel>,
    pub other: Vec<PartialLevel>,
    /// The master's own name (`p:cSld name`), often empty.
    pub name: String,
    /// Colour elements of `p:txStyles`' first title and body levels.
    pub title_color: Option<Element>,
    pub body_color: Option<Element>,
    /// Its theme's colours through its colour map.
    pub palette: Palette,
    pub background: Option<Fill>,
    pub decorations: Vec<Decoration>,
}

/// Rates every text placeholder of a layout against what lies behind it.
fn rate_layout(
    lroot: &Element,
    part: &str,
    ph: &[Placeholder],
    master: &MasterStyles,
) -> Vec<TextReadability> {
    let mut palette = master.palette.clone();
    palette.apply_map(lroot.path(&["clrMapOvr", "overrideClrMapping"]));
    let mut decorations = if lroot.attr("showMasterSp") != Some("0") {
        master.decorations.clone()
    } else {
        Vec::new()
    };
    let name = lroot.child("cSld").and_then(|c| c.attr("name")).unwrap_or("");
    decorations.extend(readability::decorations(
        lroot,
        &palette,
        &format!("layout “{name}” ({})", part_stem(part)),
    ));
    let backdrop = Backdrop {
        background: readability::background_of(lroot, &palette)
            .or_else(|| master.background.clone())
            .unwrap_or(Fill::Colors(vec![Rgb::WHITE])),
        decorations,
    };
    let text_boxes = ph
        .iter()
        .filter(|p| p.is_title() || p.is_content() || p.ph_type == "subTitle");
    text_boxes
        .filter_map(|p| {
            let rect = p.rect?;
            let family = |m: &&Placeholder| {
                m.ph_type == p.ph_type
                    || (p.is_title() && m.is_title())
                    || (!p.is_title() && m.ph_type == "body")
            };
            let from_master = master
                .placeholders
                .iter()
                .find(family)
                .and_then(|m| m.color.as_ref());
            let from_styles = if p.is_title() {
                master.title_color.as_ref()
            } else {
                master.body_color.as_ref()
            };
            let text = p
                .color
                .as_ref()
                .or(from_master)
                .or(from_styles)
                .and_then(|c| palette.color(c, None))
                .or_else(|| {
                    let tx1 = Element::new("a:schemeClr").with_attr("val", "tx1");
                    palette.color(&tx1, None)
                })
                .unwrap_or(Rgb::BLACK);
            Some(readability::rate(p, rect, text, &backdrop))
        })
        .collect()
}

/// What a layout is for, decided from its placeholders.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LayoutKind {
    Title,
    SectionHeader,
    TitleBody,
    TwoContent,
    Comparison,
    TitleOnly,
    PictureCaption,
    Blank,
    Other,
}

#[derive(Debug, Clone, Serialize)]
pub struct Layout {
    pub part: String,
    pub name: String,
    pub master: String,
    pub kind: LayoutKind,
    pub placeholders: Vec<Placeholder>,
    /// How readable its text boxes are on its background and decorations.
    pub readability: Vec<TextReadability>,
}

impl Layout {
    /// Every text box reads well: enough contrast, no decoration under it.
    pub fn readable(&self) -> bool {
        self.readability.iter().all(|r| !r.problem)
    }

    /// A box the audience reads (not the title) is hard to read: what the
    /// lint reports as an error on every slide built on this layout.
    pub fn body_problem(&self) -> bool {
        self.readability.iter().any(|r| r.problem && r.is_body())
    }

    /// How far from clean the layout's text boxes are (0 = clean; see
    /// [`TextReadability::cost`]): ranks layouts that fit equally well.
    pub fn readability_cost(&self) -> u32 {
        self.readability.iter().map(TextReadability::cost).sum()
    }

    pub fn title(&self) -> Option<&Placeholder> {
        self.placeholders.iter().find(|p| p.is_title())
    }

    /// Content placeholders, left to right then top to bottom, biggest first
    /// when they overlap in order.
    pub fn contents(&self) -> Vec<&Placeholder> {
        let mut v: Vec<&Placeholder> = self.placeholders.iter().filter(|p| p.is_content()).collect();
        v.sort_by_key(|p| p.rect.map(|r| (r.x / 100_000, r.y)).unwrap_or((0, 0)));
        v
    }

    pub fn of_type(&self, t: &str) -> Option<&Placeholder> {
        self.placeholders.iter().find(|p| p.ph_type == t)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Theme {
    pub major_font: Option<String>,
    pub minor_font: Option<String>,
    /// Scheme colours as (name, RGB hex).
    pub colors: Vec<(String, String)>,
}

/// An opened template (or presentation used as one).
#[derive(Debug, Clone)]
pub struct Template {
    pub(crate) pkg: Package,
    pub(crate) presentation: String,
    pub slide_size: (i64, i64),
    pub masters: Vec<String>,
    pub layouts: Vec<Layout>,
    pub theme: Theme,
    /// The main part was a template (.potx) or slideshow; output is always a presentation.
    pub was_template: bool,
    /// Text styles per master part.
    pub master_styles: std::collections::HashMap<String, MasterStyles>,
    /// What the designer's own sample slides use each layout for.
    pub intent: Intent,
}

/// What a slide is for, as far as choosing its layout goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Title,
    Section,
    Content,
    TwoColumn,
    Comparison,
    Picture,
    TitleOnly,
    Closing,
}

impl Role {
    pub const ALL: [Role; 8] = [
        Role::Title,
        Role::Section,
        Role::Content,
        Role::TwoColumn,
        Role::Comparison,
        Role::Picture,
        Role::TitleOnly,
        Role::Closing,
    ];

    /// The layout kinds that can carry this role, best first.
    pub fn kinds(self) -> &'static [LayoutKind] {
        use LayoutKind::*;
        match self {
            Role::Title => &[Title, SectionHeader, TitleOnly],
            Role::Section => &[SectionHeader, Title, TitleOnly],
            Role::Closing => &[SectionHeader, Title, TitleOnly],
            Role::Content => &[TitleBody, TwoContent, Comparison],
            Role::TwoColumn => &[TwoContent, Comparison],
            Role::Comparison => &[Comparison, TwoContent],
            Role::Picture => &[PictureCaption],
            Role::TitleOnly => &[TitleOnly, TitleBody, SectionHeader],
        }
    }

    /// Title, section and closing slides: headings, not text to read.
    pub fn is_heading(self) -> bool {
        matches!(self, Role::Title | Role::Section | Role::Closing)
    }

    /// The role a layout of this kind serves, if any.
    pub fn of_kind(kind: LayoutKind) -> Option<Role> {
        Some(match kind {
            LayoutKind::Title => Role::Title,
            LayoutKind::SectionHeader => Role::Section,
            LayoutKind::TitleBody => Role::Content,
            LayoutKind::TwoContent => Role::TwoColumn,
            LayoutKind::Comparison => Role::Comparison,
            LayoutKind::PictureCaption => Role::Picture,
            LayoutKind::TitleOnly => Role::TitleOnly,
            LayoutKind::Blank | LayoutKind::Other => return None,
        })
    }
}

/// Why a layout was chosen for a role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Because {
    /// The designer's sample slides use it for this role.
    Samples,
    /// The designer's title slide layout (for the closing slide).
    TitleLayout,
    /// A readable layout made for this role.
    Classified,
    /// No layout is made for this role: a readable one of a related kind
    /// stands in.
    StandIn,
    /// The best there is, though its text is hard to read.
    BestAvailable,
    /// Nothing fits: slides of this role are not made on this template.
    Missing,
}

impl Because {
    pub fn describe(self) -> &'static str {
        match self {
            Because::Samples => "the designer's sample slides use it",
            Because::TitleLayout => "the designer's title slide layout",
            Because::Classified => "made for it, readable",
            Because::StandIn => "stands in: the template has no layout made for it",
            Because::BestAvailable => "best available: its text is hard to read",
            Because::Missing => "the template has no layout for it",
        }
    }
}

/// The layout chosen for one role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RoleChoice {
    pub role: Role,
    /// Index into `Template::layouts`.
    pub layout: Option<usize>,
    pub because: Because,
}

/// The designer's intent, read from the template's own sample slides: which
/// layouts (and so which masters) they use for titles, sections, content…
#[derive(Debug, Clone, Default, Serialize)]
pub struct Intent {
    /// Sample slides the template carries (the engine never copies them).
    pub sample_slides: usize,
    /// Per role, the layouts (indexes into `layouts`) the samples use, in
    /// order of first use.
    pub roles: Vec<(Role, Vec<usize>)>,
    /// Per role, the masters the samples use (also when their layout is
    /// not itself usable: LibreOffice puts slides on blank layouts).
    pub masters: Vec<(Role, Vec<String>)>,
    /// The master of the sample title slide.
    pub title_master: Option<String>,
    /// The masters of the sample content slides.
    pub content_masters: Vec<String>,
}

impl Intent {
    pub fn layouts(&self, role: Role) -> &[usize] {
        self.roles
            .iter()
            .find(|(r, _)| *r == role)
            .map(|(_, v)| v.as_slice())
            .unwrap_or(&[])
    }

    /// Reads the sample slides' layouts; only relationships are read.
    /// The masters the samples use for `role`.
    pub fn masters(&self, role: Role) -> &[String] {
        self.masters
            .iter()
            .find(|(r, _)| *r == role)
            .map(|(_, v)| v.as_slice())
            .unwrap_or(&[])
    }

    fn read(
        pkg: &Package,
        presentation: &str,
        pres: &Element,
        layouts: &[Layout],
        slide_height: i64,
    ) -> Result<Intent, DeckError> {
        fn add<T: PartialEq>(list: &mut Vec<(Role, Vec<T>)>, role: Role, item: T) {
            match list.iter_mut().find(|(r, _)| *r == role) {
                Some((_, v)) if !v.contains(&item) => v.push(item),
                Some(_) => {}
                None => list.push((role, vec![item])),
            }
        }
        /// Samples read at most (templates are sometimes whole decks).
        const MAX_SAMPLES: usize = 500;
        /// Sample slides whose own XML is read (those on blank layouts).
        const MAX_PARSED: usize = 50;
        let mut parsed = 0;
        let pres_rels = pkg.rels(presentation)?;
        let mut used: Vec<(usize, LayoutKind)> = Vec::new();
        for id in pres
            .child("sldIdLst")
            .into_iter()
            .flat_map(|l| l.elements())
            .take(MAX_SAMPLES)
        {
            let Some(rel) = id
                .attr("r:id")
                .and_then(|rid| pres_rels.iter().find(|r| r.id == rid))
            else {
                continue;
            };
            let Ok(slide) = crate::opc::resolve(presentation, &rel.target) else {
                continue;
            };
            let layout = pkg
                .rels(&slide)
                .ok()
                .and_then(|rels| rels.into_iter().find(|r| r.kind() == "slideLayout"))
                .and_then(|r| crate::opc::resolve(&slide, &r.target).ok())
                .and_then(|part| layouts.iter().position(|l| l.part == part));
            let Some(i) = layout else { continue };
            // A slide on a layout without placeholders (LibreOffice saves
            // every slide so) carries its own: they tell what it is for.
            let kind = match layouts[i].kind {
                LayoutKind::Blank | LayoutKind::Other if parsed < MAX_PARSED => {
                    parsed += 1;
                    pkg.xml(&slide)
                        .map(|root| classify(&placeholders(&root), slide_height))
                        .unwrap_or(LayoutKind::Other)
                }
                k => k,
            };
            used.push((i, kind));
        }
        let mut intent = Intent {
            sample_slides: used.len(),
            ..Intent::default()
        };
        let n = used.len();
        for (k, &(i, kind)) in used.iter().enumerate() {
            let heading = matches!(
                kind,
                LayoutKind::Title | LayoutKind::SectionHeader | LayoutKind::TitleOnly
            );
            let role = if k == 0 && heading {
                Role::Title
            } else if k + 1 == n && n > 1 && heading {
                Role::Closing
            } else if kind == LayoutKind::Title {
                Role::Section
            } else {
                match Role::of_kind(kind) {
                    Some(r) => r,
                    None => continue,
                }
            };
            let master = &layouts[i].master;
            add(&mut intent.masters, role, master.clone());
            // Only a layout that is itself of a fitting kind can be reused.
            if layouts[i].kind == kind {
                add(&mut intent.roles, role, i);
            }
            if role == Role::Title {
                intent.title_master = Some(master.clone());
            } else if !role.is_heading() && !intent.content_masters.contains(master) {
                intent.content_masters.push(master.clone());
            }
        }
        intent.roles.sort_by_key(|(r, _)| *r);
        intent.masters.sort_by_key(|(r, _)| *r);
        Ok(intent)
    }
}

/// A part's file name without folder and extension (`slideMaster2`): how
/// findings tell apart two layouts or masters with the same name.
pub fn part_stem(part: &str) -> &str {
    part.rsplit('/').next().unwrap_or(part).trim_end_matches(".xml")
}

/// Classifies a layout from its placeholders; see the module docs.
pub fn classify(placeholders: &[Placeholder], slide_height: i64) -> LayoutKind {
    let ph: Vec<&Placeholder> = placeholders.iter().filter(|p| !p.is_furniture()).collect();
    // Vertical text is for specific scripts; never pick such a layout by kind.
    if ph.iter().any(|p| p.vertical) {
        return LayoutKind::Other;
    }
    let has = |t: &str| ph.iter().any(|p| p.ph_type == t);
    let title = ph.iter().any(|p| p.is_title());
    let pics = ph.iter().filter(|p| p.ph_type == "pic").count();
    let contents: Vec<&&Placeholder> = ph.iter().filter(|p| p.is_content()).collect();
    let n_big = contents
        .iter()
        .filter(|p| p.rect.is_none_or(|r| r.cy * 4 >= slide_height))
        .count();
    let n_small = contents.len() - n_big;

    if has("ctrTitle") || (title && has("subTitle")) {
        return LayoutKind::Title;
    }
    if pics >= 1 && title && !contents.is_empty() {
        return LayoutKind::PictureCaption;
    }
    if !title && contents.is_empty() && pics == 0 && !has("subTitle") {
        return LayoutKind::Blank;
    }
    if title && contents.is_empty() && pics == 0 {
        return LayoutKind::TitleOnly;
    }
    // Two big content placeholders only count as columns when side by side.
    let big: Vec<&&Placeholder> = contents
        .iter()
        .copied()
        .filter(|p| p.rect.is_none_or(|r| r.cy * 4 >= slide_height))
        .collect();
    let side_by_side = big.len() == 2
        && match (big[0].rect, big[1].rect) {
            (Some(a), Some(b)) => {
                let overlap_x = (a.x + a.cx).min(b.x + b.cx) - a.x.max(b.x);
                overlap_x < a.cx.min(b.cx) / 4
            }
            _ => true,
        };
    match (title, n_big, n_small) {
        (true, 2, 2) if side_by_side => LayoutKind::Comparison,
        (true, 2, _) if side_by_side => LayoutKind::TwoContent,
        (true, 1, _) => LayoutKind::TitleBody,
        (true, 0, s) if s >= 1 => LayoutKind::SectionHeader,
        _ => LayoutKind::Other,
    }
}

/// Most slide masters a template may have (real ones have 1–10).
pub const MAX_MASTERS: usize = 100;

/// Most slide layouts a template may have (real ones have 10–80).
pub const MAX_LAYOUTS: usize = 500;

impl Template {
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, DeckError> {
        Self::from_package(Package::from_bytes(bytes, Limits::upload())?)
    }

    pub fn open(path: &std::path::Path) -> Result<Self, DeckError> {
        let bytes = std::fs::read(path).map_err(|e| DeckError::Asset {
            name: path.display().to_string(),
            reason: e.to_string(),
        })?;
        Self::from_bytes(&bytes)
    }

    pub fn from_package(pkg: Package) -> Result<Self, DeckError> {
        let root_rels = pkg.rels("/")?;
        let main = root_rels
            .iter()
            .find(|r| r.rel_type == REL_OFFICE_DOC)
            .ok_or_else(|| DeckError::Malformed("no main document relationship".into()))?;
        let presentation = crate::opc::resolve("/", &main.target)?;
        let ct = pkg.content_type(&presentation).unwrap_or("");
        let was_template = match ct {
            CT_PRESENTATION => false,
            CT_TEMPLATE | CT_SLIDESHOW | CT_MACRO_PRES => true,
            other => {
                return Err(DeckError::NotAPackage(format!(
                    "main part is {other:?}, not a presentation"
                )))
            }
        };
        let pres = pkg.xml(&presentation)?;
        let size = match crate::ooxml::slide_size(&pres) {
            Some(Ok(size)) => size,
            Some(Err(why)) => return Err(DeckError::malformed(&presentation, &why)),
            None => (12_192_000, 6_858_000),
        };
        let pres_rels = pkg.rels(&presentation)?;

        let mut masters = Vec::new();
        let mut layouts = Vec::new();
        // Each master and layout part is read once, however often it is
        // listed (a crafted file can list one master thousands of times).
        let mut seen_masters = std::collections::HashSet::new();
        let mut seen_layouts = std::collections::HashSet::new();
        let mut master_styles = std::collections::HashMap::new();
        let mut theme = None;
        for id in pres
            .child("sldMasterIdLst")
            .into_iter()
            .flat_map(|l| l.elements())
        {
            let Some(rid) = id.attr("r:id") else { continue };
            let Some(rel) = pres_rels.iter().find(|r| r.id == rid) else {
                return Err(DeckError::malformed(
                    &presentation,
                    format!("master relationship {rid} missing"),
                ));
            };
            let master = crate::opc::resolve(&presentation, &rel.target)?;
            if !seen_masters.insert(master.clone()) {
                continue;
            }
            if seen_masters.len() > MAX_MASTERS {
                return Err(DeckError::Limit(format!("more than {MAX_MASTERS} slide masters")));
            }
            let mroot = pkg.xml(&master)?;
            let master_ph = placeholders(&mroot);
            let tx = mroot.child("txStyles");
            let mrels = pkg.rels(&master)?;
            // The master's own theme colours (each master may have its theme).
            let mut master_theme = None;
            if let Some(r) = mrels.iter().find(|r| r.kind() == "theme") {
                let part = crate::opc::resolve(&master, &r.target)?;
                master_theme = Some(read_theme(&pkg.xml(&part)?));
            }
            if theme.is_none() {
                theme.clone_from(&master_theme);
            }
            let palette = Palette::new(
                master_theme.as_ref().map(|t| t.colors.as_slice()).unwrap_or(&[]),
                mroot.child("clrMap"),
            );
            let style_color = |style: &str| {
                tx.and_then(|t| t.path(&[style, "lvl1pPr", "defRPr", "solidFill"]))
                    .and_then(|f| f.elements().next())
                    .cloned()
            };
            let styles = MasterStyles {
                placeholders: master_ph.clone(),
                title: parse_levels(tx.and_then(|t| t.child("titleStyle"))),
                body: parse_levels(tx.and_then(|t| t.child("bodyStyle"))),
                other: parse_levels(tx.and_then(|t| t.child("otherStyle"))),
                name: mroot
                    .child("cSld")
                    .and_then(|c| c.attr("name"))
                    .unwrap_or("")
                    .to_owned(),
                title_color: style_color("titleStyle"),
                body_color: style_color("bodyStyle"),
                background: readability::background_of(&mroot, &palette),
                decorations: readability::decorations(
                    &mroot,
                    &palette,
                    &format!("master {}", part_stem(&master)),
                ),
                palette,
            };
            let first_layout = layouts.len();
            let mut junk_titles: Vec<Rect> = Vec::new();
            for r in &mrels {
                if r.kind() != "slideLayout" {
                    continue;
                }
                let part = crate::opc::resolve(&master, &r.target)?;
                if !seen_layouts.insert(part.clone()) {
                    continue;
                }
                if seen_layouts.len() > MAX_LAYOUTS {
                    return Err(DeckError::Limit(format!("more than {MAX_LAYOUTS} slide layouts")));
                }
                let lroot = pkg.xml(&part)?;
                let name = lroot
                    .child("cSld")
                    .and_then(|c| c.attr("name"))
                    .unwrap_or("")
                    .to_owned();
                let mut ph = placeholders(&lroot);
                inherit_geometry(&mut ph, &master_ph);
                if let Some(junk) = repair_geometry(&mut ph, &master_ph) {
                    junk_titles.push(junk);
                }
                let kind = classify(&ph, size.1);
                let readability = rate_layout(&lroot, &part, &ph, &styles);
                layouts.push(Layout {
                    part,
                    name,
                    master: master.clone(),
                    kind,
                    placeholders: ph,
                    readability,
                });
            }
            // The master's other layouts with the same misplaced title box
            // (a title-only layout has no body to show it) take the master's.
            if let Some(mt) = master_ph
                .iter()
                .find(|p| p.ph_type == "title")
                .and_then(|p| p.rect)
            {
                for l in &mut layouts[first_layout..] {
                    for p in l.placeholders.iter_mut().filter(|p| p.is_title() && !p.explicit) {
                        if p.rect.is_some_and(|r| junk_titles.contains(&r)) {
                            p.rect = Some(mt);
                            p.explicit = true;
                        }
                    }
                    l.readability = rate_layout(&pkg.xml(&l.part)?, &l.part, &l.placeholders, &styles);
                }
            }
            master_styles.insert(master.clone(), styles);
            masters.push(master);
        }
        if masters.is_empty() || layouts.is_empty() {
            return Err(DeckError::Malformed(
                "the template has no slide master or no layouts".into(),
            ));
        }
        let intent = Intent::read(&pkg, &presentation, &pres, &layouts, size.1)?;
        // Layout order as listed in each master's sldLayoutIdLst is the order
        // users see; rels order usually matches, and part names break ties.
        Ok(Template {
            intent,
            pkg,
            presentation,
            slide_size: size,
            masters,
            layouts,
            theme: theme.unwrap_or(Theme {
                major_font: None,
                minor_font: None,
                colors: Vec::new(),
            }),
            was_template,
            master_styles,
        })
    }

    /// The resolved style of paragraph `level` (0-based) in placeholder `ph`
    /// of `layout`, plus the usable text area of its box.
    pub fn text_style(&self, layout: &Layout, ph: &Placeholder) -> TextStyle {
        let empty = MasterStyles::default();
        let m = self.master_styles.get(&layout.master).unwrap_or(&empty);
        let family = match ph.ph_type.as_str() {
            "title" | "ctrTitle" => "title",
            "body" | "obj" | "subTitle" | "tbl" | "chart" | "dgm" | "media" | "clipArt" | "pic" => "body",
            other => other,
        };
        let mph = m
            .placeholders
            .iter()
            .find(|p| p.ph_type == family || (family == "title" && p.ph_type == "ctrTitle"));
        let tx = match family {
            "title" => &m.title,
            "body" => &m.body,
            _ => &m.other,
        };
        let mut hints = Vec::with_capacity(9);
        for l in 0..9 {
            let own = ph.hints.get(l).cloned().unwrap_or_default();
            let from_master = mph.and_then(|p| p.hints.get(l)).cloned().unwrap_or_default();
            // A layout's empty sample paragraph (LibreOffice writes one at
            // 18 pt) does not make the master's larger sample text smaller.
            let size_pt = match (own.size_pt, from_master.size_pt) {
                (Some(a), Some(b)) => Some(a.max(b)),
                (a, b) => a.or(b),
            };
            hints.push(PartialLevel {
                size_pt,
                ..own.or(&from_master)
            });
        }
        let mut levels = Vec::with_capacity(9);
        for l in 0..9 {
            let own = ph.levels.get(l).cloned().unwrap_or_default();
            let from_master = mph.and_then(|p| p.levels.get(l)).cloned().unwrap_or_default();
            let from_tx = tx.get(l).cloned().unwrap_or_default();
            levels.push(own.or(&from_master).or(&from_tx));
        }
        let inset = |i: usize, d: i64| ph.insets[i].or(mph.and_then(|p| p.insets[i])).unwrap_or(d);
        let (l, r, t, b) = (
            inset(0, 91_440),
            inset(1, 91_440),
            inset(2, 45_720),
            inset(3, 45_720),
        );
        let rect = ph.rect.unwrap_or(Rect {
            x: 0,
            y: 0,
            cx: self.slide_size.0,
            cy: self.slide_size.1,
        });
        TextStyle {
            levels,
            hints,
            area: crate::fit::TextArea {
                width: (rect.cx - l - r).max(1),
                height: (rect.cy - t - b).max(1),
            },
            major: self.theme.major_font.clone().unwrap_or_else(|| "Calibri".into()),
            minor: self.theme.minor_font.clone().unwrap_or_else(|| "Calibri".into()),
            is_title: family == "title",
        }
    }

    /// The first layout of a kind.
    pub fn layout_of(&self, kind: LayoutKind) -> Option<&Layout> {
        self.layouts.iter().find(|l| l.kind == kind)
    }

    /// A layout by its name (the first of that name), or by its part
    /// (`ppt/slideLayouts/slideLayout12.xml`), which tells apart layouts of
    /// the same name on different masters.
    pub fn layout_named(&self, name: &str) -> Option<&Layout> {
        self.layouts
            .iter()
            .find(|l| l.name.eq_ignore_ascii_case(name))
            .or_else(|| self.layouts.iter().find(|l| l.part == name))
    }

    /// The best layout for a kind: that kind's role (see [`Self::layouts_for_role`]).
    pub fn layout_for(&self, kind: LayoutKind) -> Option<&Layout> {
        match Role::of_kind(kind) {
            Some(role) => self.layout_for_role(role),
            None if kind == LayoutKind::Blank => self
                .layout_of(LayoutKind::Blank)
                .or_else(|| self.layout_of(LayoutKind::TitleOnly)),
            None => self.layout_of(kind),
        }
    }

    /// The layout a slide of `role` goes on.
    pub fn layout_for_role(&self, role: Role) -> Option<&Layout> {
        self.layouts_for_role(role).first().map(|&i| &self.layouts[i])
    }

    /// The layouts that can carry `role`, best first: the ones the
    /// designer's sample slides use for it; then, by readability, those on
    /// the masters the samples use for such slides (the title master for
    /// headings, the content masters for the rest), in the order of the
    /// role's kinds (a section header may stand in on a title-only layout;
    /// a two-column slide never on a one-body layout), the cleanest first
    /// (least decoration under the text, most contrast). A layout whose
    /// body text the lint would rate an error comes after every one that
    /// fits without. A closing slide without a sample of its own takes the
    /// sample title slide's layout.
    pub fn layouts_for_role(&self, role: Role) -> Vec<usize> {
        let mut intended: Vec<usize> = self.intent.layouts(role).to_vec();
        if role == Role::Closing {
            intended.extend(self.intent.layouts(Role::Title));
        }
        let own = self.intent.masters(role);
        let preferred: Vec<&String> = if !own.is_empty() {
            own.iter().collect()
        } else if role.is_heading() {
            self.intent.title_master.iter().collect()
        } else {
            self.intent.content_masters.iter().collect()
        };
        let kinds = role.kinds();
        let rank = |i: usize, l: &Layout| {
            let intent_rank = intended.iter().position(|&x| x == i);
            let kind_rank = kinds.iter().position(|k| *k == l.kind);
            if intent_rank.is_none() && kind_rank.is_none() {
                return None;
            }
            Some((
                intent_rank.is_none(),
                l.body_problem(),
                !l.readable(),
                intent_rank.unwrap_or(0),
                !preferred.contains(&&l.master),
                kind_rank.unwrap_or(0),
                l.readability_cost(),
                i,
            ))
        };
        let mut out: Vec<_> = self
            .layouts
            .iter()
            .enumerate()
            .filter_map(|(i, l)| Some((i, rank(i, l)?)))
            .collect();
        out.sort_by_key(|(_, key)| *key);
        out.into_iter().map(|(i, _)| i).collect()
    }

    /// The layout chosen for each role and why, as `deck inspect` and the
    /// intake report show it.
    pub fn role_choices(&self) -> Vec<RoleChoice> {
        Role::ALL
            .iter()
            .map(|&role| {
                let chosen = self.layouts_for_role(role).first().copied();
                let because = match chosen {
                    None => Because::Missing,
                    Some(i) if self.intent.layouts(role).contains(&i) => Because::Samples,
                    Some(i) if role == Role::Closing && self.intent.layouts(Role::Title).contains(&i) => {
                        Because::TitleLayout
                    }
                    Some(i) if !self.layouts[i].readable() => Because::BestAvailable,
                    Some(i) if Role::of_kind(self.layouts[i].kind) == Some(role) => Because::Classified,
                    Some(_) => Because::StandIn,
                };
                RoleChoice {
                    role,
                    layout: chosen,
                    because,
                }
            })
            .collect()
    }

    /// A master's display name: its own name, else its part's file name.
    pub fn master_name(&self, master: &str) -> String {
        let own = self
            .master_styles
            .get(master)
            .map(|m| m.name.as_str())
            .unwrap_or("");
        if own.is_empty() {
            part_stem(master).to_owned()
        } else {
            own.to_owned()
        }
    }

    pub fn package(&self) -> &Package {
        &self.pkg
    }
}

fn overlap_share(a: Rect, b: Rect) -> f64 {
    let ix = (a.x + a.cx).min(b.x + b.cx) - a.x.max(b.x);
    let iy = (a.y + a.cy).min(b.y + b.cy) - a.y.max(b.y);
    let smaller = (a.cx * a.cy).min(b.cx * b.cy);
    if ix <= 0 || iy <= 0 || smaller <= 0 {
        return 0.0;
    }
    (ix as f64 * iy as f64) / smaller as f64
}

/// A layout whose title box lies over its content boxes is not a design:
/// LibreOffice writes every layout of the masters it makes with one master's
/// geometry. Such a layout takes its own master's title and body boxes (the
/// body split in two for two columns) when those do not overlap, and marks
/// them explicit so the slides carry them.
/// Returns the misplaced title box when it repaired one.
fn repair_geometry(layout: &mut [Placeholder], master: &[Placeholder]) -> Option<Rect> {
    let rect_of = |t: &str| master.iter().find(|p| p.ph_type == t).and_then(|p| p.rect);
    let (mt, mb) = (rect_of("title")?, rect_of("body")?);
    if overlap_share(mt, mb) > 0.05 {
        return None;
    }
    let title = layout.iter().find(|p| p.is_title()).and_then(|p| p.rect)?;
    let mut contents: Vec<usize> = (0..layout.len())
        .filter(|&i| layout[i].is_content() || layout[i].ph_type == "subTitle")
        .collect();
    let broken = contents
        .iter()
        .any(|&i| layout[i].rect.is_some_and(|r| overlap_share(title, r) > 0.2));
    if !broken || contents.len() > 2 {
        return None;
    }
    contents.sort_by_key(|&i| layout[i].rect.map_or(0, |r| r.x));
    let gap = mb.cx / 25;
    let half = (mb.cx - gap) / 2;
    for (k, &i) in contents.iter().enumerate() {
        layout[i].rect = Some(match (contents.len(), k) {
            (1, _) => mb,
            (_, 0) => Rect { cx: half, ..mb },
            _ => Rect {
                x: mb.x + half + gap,
                cx: half,
                ..mb
            },
        });
        layout[i].explicit = true;
    }
    for p in layout.iter_mut().filter(|p| p.is_title()) {
        p.rect = Some(mt);
        p.explicit = true;
    }
    Some(title)
}

fn inherit_geometry(layout: &mut [Placeholder], master: &[Placeholder]) {
    for p in layout.iter_mut().filter(|p| p.rect.is_none()) {
        let want = match p.ph_type.as_str() {
            "ctrTitle" | "title" => "title",
            "subTitle" | "obj" | "body" | "tbl" | "chart" | "pic" | "dgm" | "media" | "clipArt" => "body",
            other => other,
        };
        p.rect = master.iter().find(|m| m.ph_type == want).and_then(|m| m.rect);
    }
}

fn read_theme(root: &Element) -> Theme {
    let elements = root.child("themeElements");
    let font = |which: &str| {
        elements
            .and_then(|e| e.path(&["fontScheme", which, "latin"]))
            .and_then(|l| l.attr("typeface"))
            .map(str::to_owned)
    };
    let colors = elements
        .and_then(|e| e.child("clrScheme"))
        .map(|s| {
            s.elements()
                .filter_map(|c| {
                    let v = c.elements().next()?;
                    // A system colour's value is a name ("window"); its last colour is the RGB.
                    let hex = v.attr("lastClr").or_else(|| v.attr("val"))?;
                    Some((c.local().to_owned(), hex.to_owned()))
                })
                .collect()
        })
        .unwrap_or_default();
    Theme {
        major_font: font("majorFont"),
        minor_font: font("minorFont"),
        colors,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ph(t: &str, y: i64, cy: i64) -> Placeholder {
        at(t, 0, y, cy)
    }

    fn at(t: &str, x: i64, y: i64, cy: i64) -> Placeholder {
        Placeholder {
            ph_type: t.into(),
            rect: Some(Rect { x, y, cx: 100, cy }),
            ..Placeholder::default()
        }
    }

    #[test]
    fn classification_uses_placeholders_not_names() {
        let h = 6_858_000;
        let big = 4_000_000;
        let small = 800_000;
        assert_eq!(
            classify(&[ph("ctrTitle", 0, small), ph("subTitle", 0, small)], h),
            LayoutKind::Title
        );
        assert_eq!(
            classify(&[ph("title", 0, small), ph("body", 0, small), ph("dt", 0, 1)], h),
            LayoutKind::SectionHeader
        );
        assert_eq!(
            classify(&[ph("title", 0, small), ph("obj", 0, big)], h),
            LayoutKind::TitleBody
        );
        assert_eq!(
            classify(
                &[
                    ph("title", 0, small),
                    at("obj", 0, 0, big),
                    at("obj", 200, 0, big)
                ],
                h
            ),
            LayoutKind::TwoContent
        );
        assert_eq!(
            classify(
                &[
                    ph("title", 0, small),
                    ph("body", 0, small),
                    at("obj", 0, 0, big),
                    ph("body", 0, small),
                    at("obj", 200, 0, big)
                ],
                h
            ),
            LayoutKind::Comparison
        );
        assert_eq!(
            classify(&[ph("title", 0, small), ph("sldNum", 0, 1)], h),
            LayoutKind::TitleOnly
        );
        assert_eq!(
            classify(
                &[ph("title", 0, small), ph("pic", 0, big), ph("body", 0, small)],
                h
            ),
            LayoutKind::PictureCaption
        );
        assert_eq!(classify(&[ph("dt", 0, 1), ph("ftr", 0, 1)], h), LayoutKind::Blank);
        // A lone subtitle ("centered text") is not blank; stacked contents are not columns.
        assert_eq!(classify(&[ph("subTitle", 0, small)], h), LayoutKind::Other);
        assert_eq!(
            classify(
                &[ph("title", 0, small), ph("obj", 0, big), ph("obj", big, big)],
                h
            ),
            LayoutKind::Other
        );
    }
}

/// A placeholder's resolved text styles and usable area.
#[derive(Debug, Clone)]
pub struct TextStyle {
    pub levels: Vec<PartialLevel>,
    pub hints: Vec<PartialLevel>,
    pub area: crate::fit::TextArea,
    major: String,
    minor: String,
    is_title: bool,
}

impl TextStyle {
    /// The concrete style of a paragraph level, theme fonts resolved.
    pub fn level(&self, level: u8) -> crate::fit::LevelStyle {
        let p = self
            .levels
            .get(usize::from(level).min(8))
            .cloned()
            .unwrap_or_default();
        let typeface = match p.typeface.as_deref() {
            Some("+mj-lt") => self.major.clone(),
            Some("+mn-lt") | None if !self.is_title => self.minor.clone(),
            None => self.major.clone(),
            Some(t) if t.starts_with('+') => self.minor.clone(),
            Some(t) => t.to_owned(),
        };
        // Fit for the larger of what PowerPoint and LibreOffice would use.
        let h = self
            .hints
            .get(usize::from(level).min(8))
            .cloned()
            .unwrap_or_default();
        let max = |a: Option<f64>, b: Option<f64>, d: f64| a.unwrap_or(d).max(b.unwrap_or(0.0));
        // Titles without a size anywhere are drawn at 44 pt by PowerPoint's
        // and LibreOffice's own defaults; other text at 18 pt.
        let default_size = if self.is_title { 44.0 } else { 18.0 };
        crate::fit::LevelStyle {
            size_pt: max(p.size_pt, h.size_pt, default_size).clamp(1.0, 400.0),
            face: crate::fit::metrics::face_for(&typeface, p.bold.unwrap_or(false)),
            line_spacing: max(p.line_spacing, h.line_spacing, 1.0).clamp(0.5, 3.0),
            space_before_pt: max(p.space_before_pt, h.space_before_pt, 0.0).clamp(0.0, 200.0),
            indent: p.indent.unwrap_or(0).max(h.indent.unwrap_or(0)).max(0),
        }
    }
}
