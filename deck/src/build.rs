//! Building a deck: start from the template's package, drop its sample
//! slides, add one slide per plan entry on the layout that fits it, give every
//! slide a notes page, and write a package that satisfies [`crate::check`].

use std::collections::HashMap;
use std::sync::Arc;

use serde::Serialize;

use crate::fit::{Shrink, STEPS};
use crate::ooxml::{
    CT_APP, CT_NOTES, CT_NOTES_MASTER, CT_PRESENTATION, CT_SLIDE, CT_THEME, CT_VIEW_PROPS, NS_A, NS_P, NS_R,
    PRESENTATION_ORDER, RT_BASE, SECTIONS_EXT,
};
use crate::opc::{self, content_hash, next_rid, Package, Rel};
use crate::plan::{Bullet, DeckPlan, SlideContent, SlidePlan};
use crate::template::{Layout, Placeholder, Rect, Role, Template};
use crate::text::{paras, shrink_for, split_to_fit, Para};
use crate::xml::{self, escape, Element, Node};

pub use crate::text::DEFAULT_MIN_TITLE_PT;
use crate::DeckError;

/// Where pictures and source decks named in a plan come from.
pub trait Resolver {
    fn image(&self, name: &str) -> Result<Vec<u8>, DeckError>;
    fn deck(&self, name: &str) -> Result<Arc<Package>, DeckError>;
}

/// Resolves names as paths under a base directory (the CLI's choice).
pub struct DirResolver {
    pub base: std::path::PathBuf,
    decks: std::sync::Mutex<HashMap<String, Arc<Package>>>,
}

impl DirResolver {
    pub fn new(base: impl Into<std::path::PathBuf>) -> Self {
        Self {
            base: base.into(),
            decks: Default::default(),
        }
    }

    fn read(&self, name: &str) -> Result<Vec<u8>, DeckError> {
        let path = self.base.join(name);
        std::fs::read(&path).map_err(|e| DeckError::Asset {
            name: name.to_owned(),
            reason: e.to_string(),
        })
    }
}

impl Resolver for DirResolver {
    fn image(&self, name: &str) -> Result<Vec<u8>, DeckError> {
        self.read(name)
    }

    fn deck(&self, name: &str) -> Result<Arc<Package>, DeckError> {
        let mut cache = self.decks.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(p) = cache.get(name) {
            return Ok(p.clone());
        }
        let pkg = Package::from_bytes(&self.read(name)?, opc::Limits::default())?;
        // Slides cloned from a bank deck carry its relationships: a macro
        // project or an outside link in a bank would reach every deck.
        let active = pkg.active_content();
        if !active.is_empty() {
            return Err(DeckError::Asset {
                name: name.to_owned(),
                reason: format!("refused: the bank deck contains {}", active.join(", ")),
            });
        }
        let pkg = Arc::new(pkg);
        cache.insert(name.to_owned(), pkg.clone());
        Ok(pkg)
    }
}

#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// `dcterms:modified`/`created` to write (RFC 3339); unset keeps the template's,
    /// so output stays byte-identical for identical inputs.
    pub timestamp: Option<String>,
    /// The smallest size a title may shrink to (pt); unset:
    /// [`DEFAULT_MIN_TITLE_PT`]. A title that would shrink further moves to
    /// a layout with a wider title box, or is shortened.
    pub min_title_pt: Option<f64>,
}

/// Builds a deck from `plan` on `template`; returns the .pptx bytes.
pub fn build(
    template: &Template,
    plan: &DeckPlan,
    resolver: &dyn Resolver,
    opts: &BuildOptions,
) -> Result<Vec<u8>, DeckError> {
    build_with_report(template, plan, resolver, opts).map(|(bytes, _)| bytes)
}

/// One slide of a built deck: which planned slide it came from (a long
/// one becomes several), what it is for and the layout it went on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BuiltSlide {
    /// Index into the plan's slides.
    pub plan_slide: usize,
    /// `None` for slides cloned from a bank (their layout is the bank's choice).
    pub role: Option<Role>,
    /// The layout part in the built deck.
    pub layout: String,
}

/// [`build`], also saying which layout each slide of the deck went on.
pub fn build_with_report(
    template: &Template,
    plan: &DeckPlan,
    resolver: &dyn Resolver,
    opts: &BuildOptions,
) -> Result<(Vec<u8>, Vec<BuiltSlide>), DeckError> {
    let mut b = Builder::new(template, plan.lang.clone().unwrap_or_else(|| "en-US".into()))?;
    b.min_title_pt = opts.min_title_pt.unwrap_or(DEFAULT_MIN_TITLE_PT);
    for (i, slide) in plan.slides.iter().enumerate() {
        b.current = (i, None);
        b.add(slide, resolver).map_err(|e| match e {
            DeckError::Plan(m) => DeckError::Plan(format!("slide {}: {m}", i + 1)),
            other => other,
        })?;
    }
    let title = plan.title.clone().or_else(|| {
        plan.slides.iter().find_map(|s| match &s.content {
            SlideContent::Title { title, .. } => Some(title.clone()),
            _ => None,
        })
    });
    let built = std::mem::take(&mut b.built);
    Ok((b.finish(title.as_deref(), opts)?, built))
}

/// Speaker notes for the slides a long one was split into: its paragraphs
/// shared out in order; a part left without a paragraph gets its own points
/// as talking points, so no slide goes without notes.
fn share_notes(notes: &str, chunks: &[&[Bullet]], continued_title: &str) -> Vec<String> {
    let paragraphs: Vec<&str> = notes.split("\n\n").filter(|p| !p.trim().is_empty()).collect();
    let n = chunks.len().max(1);
    (0..n)
        .map(|i| {
            let from = i * paragraphs.len() / n;
            let to = (i + 1) * paragraphs.len() / n;
            if to > from {
                paragraphs[from..to].join("\n\n")
            } else {
                let points: Vec<&str> = chunks[i].iter().map(Bullet::text).collect();
                format!("{continued_title}: {}.", points.join("; "))
            }
        })
        .collect()
}

/// "(cont.)" in the deck's language.
fn continued_label(lang: &str) -> &'static str {
    match lang.get(..2).unwrap_or("") {
        "fr" => "(suite)",
        "de" => "(Forts.)",
        "es" => "(cont.)",
        "it" => "(segue)",
        "nl" => "(vervolg)",
        "pt" => "(cont.)",
        _ => "(cont.)",
    }
}

/// An image ready to embed.
struct Image {
    ext: &'static str,
    width: u32,
    height: u32,
}

/// A picture waiting for its relationship id.
struct PendingPicture {
    data: Vec<u8>,
    info: Image,
    area: Rect,
    alt: String,
    ph: Option<Placeholder>,
}

/// Recognizes PNG and JPEG by content and reads their pixel size.
/// A slide composed on its layout, waiting to be written.
struct Composed<'t> {
    layout: &'t Layout,
    role: Role,
    picture: Option<PendingPicture>,
}

impl<'t> Composed<'t> {
    fn on(layout: &'t Layout, role: Role) -> Self {
        Self {
            layout,
            role,
            picture: None,
        }
    }
}

fn sniff_image(data: &[u8]) -> Option<Image> {
    if data.len() > 24 && data.starts_with(b"\x89PNG\r\n\x1a\n") && &data[12..16] == b"IHDR" {
        let w = u32::from_be_bytes(data[16..20].try_into().ok()?);
        let h = u32::from_be_bytes(data[20..24].try_into().ok()?);
        return (w > 0 && h > 0).then_some(Image {
            ext: "png",
            width: w,
            height: h,
        });
    }
    if data.starts_with(&[0xFF, 0xD8]) {
        let mut i = 2;
        while i + 9 < data.len() {
            if data[i] != 0xFF {
                i += 1;
                continue;
            }
            let marker = data[i + 1];
            let len = u16::from_be_bytes([data[i + 2], data[i + 3]]) as usize;
            if matches!(marker, 0xC0..=0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF) {
                let h = u16::from_be_bytes([data[i + 5], data[i + 6]]) as u32;
                let w = u16::from_be_bytes([data[i + 7], data[i + 8]]) as u32;
                return (w > 0 && h > 0).then_some(Image {
                    ext: "jpeg",
                    width: w,
                    height: h,
                });
            }
            i += 2 + len;
        }
    }
    None
}

/// Fits a `w`×`h` picture inside `r`, centred, keeping its aspect ratio.
pub fn fit_inside(r: Rect, w: u32, h: u32) -> Rect {
    let (w, h) = (w.max(1) as f64, h.max(1) as f64);
    let scale = (r.cx as f64 / w).min(r.cy as f64 / h);
    let cx = ((w * scale) as i64).clamp(1, r.cx.max(1));
    let cy = ((h * scale) as i64).clamp(1, r.cy.max(1));
    Rect {
        x: r.x + (r.cx - cx) / 2,
        y: r.y + (r.cy - cy) / 2,
        cx,
        cy,
    }
}

pub(crate) struct Builder<'t> {
    pub(crate) tpl: &'t Template,
    pub(crate) pkg: Package,
    pres: Element,
    pres_rels: Vec<Rel>,
    slides: Vec<(String, String)>,
    notes_master: String,
    lang: String,
    /// Suffix for continuation slides' titles.
    continued: String,
    /// Media already in the package, by content hash, for de-duplication.
    media: HashMap<u64, Vec<String>>,
    /// Layouts imported from source decks: source (deck id, layout part) → target layout part.
    imported_layouts: HashMap<(usize, String), String>,
    clone_counter: u64,
    /// The planned slide being added and the role of its layout.
    current: (usize, Option<Role>),
    built: Vec<BuiltSlide>,
    /// See [`BuildOptions::min_title_pt`].
    min_title_pt: f64,
}

/// The narrow view of the builder that slide cloning works through.
impl crate::clone::Target for Builder<'_> {
    fn package(&self) -> &Package {
        &self.pkg
    }
    fn package_mut(&mut self) -> &mut Package {
        &mut self.pkg
    }
    fn template(&self) -> &Template {
        self.tpl
    }
    fn presentation(&self) -> Element {
        self.pres.clone()
    }
    fn next_clone_number(&mut self) -> u64 {
        self.clone_counter += 1;
        self.clone_counter
    }
    fn add_media(&mut self, data: Vec<u8>, ext: &str) -> String {
        Builder::add_media(self, data, ext)
    }
    fn attach_slide(&mut self, slide: &str, rels: Vec<Rel>, notes: &str) -> Result<(), DeckError> {
        Builder::attach_slide(self, slide, rels, notes)
    }
    fn register_master(&mut self, master: &str, id: u32) {
        Builder::register_master(self, master, id)
    }
    fn imported_layout(&self, key: &(usize, String)) -> Option<String> {
        self.imported_layouts.get(key).cloned()
    }
    fn remember_imported_layout(&mut self, key: (usize, String), layout: String) {
        self.imported_layouts.insert(key, layout);
    }
}

/// A layout's first content placeholder, where a slide's body text goes.
fn first_body<'l>(l: &'l Layout, what: &str) -> Result<&'l Placeholder, DeckError> {
    l.contents()
        .first()
        .copied()
        .ok_or_else(|| DeckError::NoLayout(what.into()))
}

fn insert_ordered(parent: &mut Element, child: Element, order: &[&str]) {
    let rank = |name: &str| order.iter().position(|o| *o == name).unwrap_or(order.len());
    let r = rank(child.local());
    let pos = parent
        .children
        .iter()
        .position(|n| matches!(n, Node::Element(e) if rank(e.local()) > r))
        .unwrap_or(parent.children.len());
    parent.children.insert(pos, Node::Element(child));
}

impl<'t> Builder<'t> {
    fn new(tpl: &'t Template, lang: String) -> Result<Self, DeckError> {
        let mut pkg = tpl.pkg.clone();
        let pres_name = tpl.presentation.clone();
        let mut pres = pkg.xml(&pres_name)?;
        let mut pres_rels = pkg.rels(&pres_name)?;

        // Drop the template's own slides (their notes and media go with the
        // final garbage collection of unreachable parts).
        let old: Vec<String> = pres
            .child("sldIdLst")
            .map(|l| {
                l.elements()
                    .filter_map(|e| e.attr("r:id").map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        pres_rels.retain(|r| !old.contains(&r.id) && r.kind() != "slide");
        pres.children.retain(
            |n| !matches!(n, Node::Element(e) if e.local() == "sldIdLst" || e.local() == "custShowLst"),
        );
        // Section lists name the dropped slides: drop them (sections are rebuilt
        // only when a plan asks for them).
        if let Some(ext_lst) = pres.child_mut("extLst") {
            ext_lst
                .children
                .retain(|n| !matches!(n, Node::Element(e) if e.attr("uri") == Some(SECTIONS_EXT)));
        }
        pres.children
            .retain(|n| !matches!(n, Node::Element(e) if e.local() == "extLst" && e.children.is_empty()));
        if tpl.was_template {
            pkg.set_override(&pres_name, CT_PRESENTATION);
        }

        let mut media = HashMap::new();
        for name in pkg.part_names().filter(|n| n.starts_with("/ppt/media/")) {
            if let Some(data) = pkg.get(name) {
                media
                    .entry(content_hash(data))
                    .or_insert_with(Vec::new)
                    .push(name.clone());
            }
        }

        let mut b = Builder {
            tpl,
            pkg,
            pres,
            pres_rels,
            slides: Vec::new(),
            notes_master: String::new(),
            continued: continued_label(&lang).to_owned(),
            lang,
            media,
            imported_layouts: HashMap::new(),
            clone_counter: 0,
            current: (0, None),
            built: Vec::new(),
            min_title_pt: DEFAULT_MIN_TITLE_PT,
        };
        b.notes_master = b.ensure_notes_master()?;
        b.ensure_view_props();
        Ok(b)
    }

    fn pres_name(&self) -> &str {
        &self.tpl.presentation
    }

    /// Adds an imported master to the presentation's master list.
    fn register_master(&mut self, master: &str, id: u32) {
        let rid = next_rid(&self.pres_rels);
        self.pres_rels.push(Rel {
            id: rid.clone(),
            rel_type: format!("{RT_BASE}slideMaster"),
            target: opc::relative(self.pres_name(), master),
            external: false,
        });
        let entry = Element::new("p:sldMasterId")
            .with_attr("id", id.to_string())
            .with_attr("r:id", rid);
        match self.pres.child_mut("sldMasterIdLst") {
            Some(list) => list.children.push(Node::Element(entry)),
            None => insert_ordered(
                &mut self.pres,
                Element::new("p:sldMasterIdLst").with_child(entry),
                PRESENTATION_ORDER,
            ),
        }
    }

    fn ensure_notes_master(&mut self) -> Result<String, DeckError> {
        let existing = self
            .pres
            .child("notesMasterIdLst")
            .and_then(|l| l.elements().next())
            .and_then(|e| e.attr("r:id"))
            .and_then(|rid| self.pres_rels.iter().find(|r| r.id == rid))
            .cloned();
        if let Some(rel) = existing {
            let name = opc::resolve(self.pres_name(), &rel.target)?;
            if self.pkg.has(&name) {
                return Ok(name);
            }
        }
        // A notes master related but not listed (python-pptx saves so): list
        // it rather than add a second one (a presentation may have one).
        if let Some(rel) = self.pres_rels.iter().find(|r| r.kind() == "notesMaster").cloned() {
            let name = opc::resolve(self.pres_name(), &rel.target)?;
            if self.pkg.has(&name) {
                self.list_notes_master(&rel.id);
                return Ok(name);
            }
            self.pres_rels.retain(|r| r.id != rel.id);
        }
        // The template has none: make one, with its own copy of the theme.
        let theme_src = self
            .pres_rels
            .iter()
            .find(|r| r.kind() == "theme")
            .map(|r| opc::resolve(self.pres_name(), &r.target))
            .transpose()?;
        let theme_data = match theme_src.as_deref().and_then(|t| self.pkg.get(t)) {
            Some(d) => d.to_vec(),
            None => return Err(DeckError::Malformed("the template has no theme".into())),
        };
        let theme = self.pkg.free_name("/ppt/theme/theme", "xml");
        self.pkg.put(&theme, theme_data, Some(CT_THEME));
        let name = self.pkg.free_name("/ppt/notesMasters/notesMaster", "xml");
        self.pkg.put(
            &name,
            notes_master_xml(self.tpl.slide_size).into_bytes(),
            Some(CT_NOTES_MASTER),
        );
        self.pkg.set_rels(
            &name,
            &[Rel {
                id: "rId1".into(),
                rel_type: format!("{RT_BASE}theme"),
                target: opc::relative(&name, &theme),
                external: false,
            }],
        );
        let rid = next_rid(&self.pres_rels);
        self.pres_rels.push(Rel {
            id: rid.clone(),
            rel_type: format!("{RT_BASE}notesMaster"),
            target: opc::relative(self.pres_name(), &name),
            external: false,
        });
        self.list_notes_master(&rid);
        Ok(name)
    }

    /// Makes relationship `rid` the presentation's one listed notes master.
    fn list_notes_master(&mut self, rid: &str) {
        self.pres
            .children
            .retain(|n| !matches!(n, Node::Element(e) if e.local() == "notesMasterIdLst"));
        let list = Element::new("p:notesMasterIdLst")
            .with_child(Element::new("p:notesMasterId").with_attr("r:id", rid));
        insert_ordered(&mut self.pres, list, PRESENTATION_ORDER);
        if self.pres.child("notesSz").is_none() {
            let sz = Element::new("p:notesSz")
                .with_attr("cx", "6858000")
                .with_attr("cy", "9144000");
            insert_ordered(&mut self.pres, sz, PRESENTATION_ORDER);
        }
    }

    /// PowerPoint shows its repair prompt when a presentation has no view
    /// properties part (LibreOffice-saved templates often lack one).
    fn ensure_view_props(&mut self) {
        if self.pres_rels.iter().any(|r| r.kind() == "viewProps") {
            return;
        }
        let name = self.pkg.free_name("/ppt/viewProps", "xml");
        let xml = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n<p:viewPr xmlns:a=\"{NS_A}\" xmlns:r=\"{NS_R}\" xmlns:p=\"{NS_P}\"><p:normalViewPr><p:restoredLeft sz=\"15620\"/><p:restoredTop sz=\"94660\"/></p:normalViewPr><p:gridSpacing cx=\"76200\" cy=\"76200\"/></p:viewPr>"
        );
        self.pkg.put(&name, xml.into_bytes(), Some(CT_VIEW_PROPS));
        let rid = next_rid(&self.pres_rels);
        self.pres_rels.push(Rel {
            id: rid,
            rel_type: format!("{RT_BASE}viewProps"),
            target: opc::relative(self.pres_name(), &name),
            external: false,
        });
    }

    /// The plan's named layout, else the template's best for `role`.
    fn layout_for(&self, plan: &SlidePlan, role: Role) -> Result<&'t Layout, DeckError> {
        if let Some(name) = &plan.layout {
            return self
                .tpl
                .layout_named(name)
                .ok_or_else(|| DeckError::Plan(format!("the template has no layout named {name:?}")));
        }
        self.tpl
            .layout_for_role(role)
            .ok_or_else(|| DeckError::NoLayout(format!("{role:?}")))
    }

    /// Adds one planned slide: a bank slide is cloned; anything else is
    /// composed on its layout by the function for its kind (split first when
    /// its text cannot fit), then written with its notes page.
    fn add(&mut self, plan: &SlidePlan, resolver: &dyn Resolver) -> Result<(), DeckError> {
        if let SlideContent::Clone { deck, slide, replace } = &plan.content {
            let src = resolver.deck(deck)?;
            return crate::clone::clone_slide(
                self,
                &src,
                *slide,
                replace,
                &plan.notes,
                plan.layout.as_deref(),
            );
        }
        if let Some(readable) = self.readable_title(plan) {
            return self.add(&readable, resolver);
        }
        if let Some(flat) = self.columns_that_do_not_fit(plan)? {
            return self.add(&flat, resolver);
        }
        if let Some(parts) = self.split_if_needed(plan)? {
            for p in parts {
                self.add(&p, resolver)?;
            }
            return Ok(());
        }
        let lang = self.lang.clone();
        let mut s = SlideWriter::new(&lang);
        let composed = match &plan.content {
            SlideContent::Title { title, subtitle } => {
                self.heading_slide(plan, &mut s, Role::Title, title, subtitle)?
            }
            SlideContent::Section { title, subtitle } => {
                self.heading_slide(plan, &mut s, Role::Section, title, subtitle)?
            }
            SlideContent::Closing { title, subtitle } => {
                self.heading_slide(plan, &mut s, Role::Closing, title, subtitle)?
            }
            SlideContent::Agenda {
                title,
                items: bullets,
            }
            | SlideContent::Bullets { title, bullets } => self.bullets_slide(plan, &mut s, title, bullets)?,
            SlideContent::TwoColumn {
                title,
                left_heading,
                left,
                right_heading,
                right,
            } => self.two_column_slide(
                plan,
                &mut s,
                title,
                (left_heading.as_str(), left.as_slice()),
                (right_heading.as_str(), right.as_slice()),
            )?,
            SlideContent::Quote { text, attribution } => self.quote_slide(plan, &mut s, text, attribution)?,
            SlideContent::Table { title, header, rows } => {
                self.table_slide(plan, &mut s, title, header, rows)?
            }
            SlideContent::Picture {
                title,
                image,
                caption,
                alt,
            } => self.picture_slide(plan, &mut s, resolver, title, image, caption, alt)?,
            SlideContent::Clone { .. } => unreachable!("handled above"),
        };
        self.write_slide(s, composed, &plan.notes)
    }

    /// Title and section slides: a heading and a subtitle. The subtitle goes
    /// in the layout's subtitle placeholder or its first content one — title
    /// slides prefer the former, section headers the latter.
    fn heading_slide(
        &self,
        plan: &SlidePlan,
        s: &mut SlideWriter<'_>,
        role: Role,
        title: &str,
        subtitle: &str,
    ) -> Result<Composed<'t>, DeckError> {
        let tpl = self.tpl;
        let l = self.layout_for(plan, role)?;
        let sub = l.of_type("subTitle");
        let first = l.contents().first().copied();
        let target = if role != Role::Section {
            sub.or(first)
        } else {
            first.or(sub)
        };
        // A heading too long for a designer's narrow title box even at the
        // shrink floor ("Module 3: …" in a side band) moves its lead-in
        // ("Module 3") to the subtitle, when there is one to take it.
        let (title, subtitle) = match (l.title(), title.split_once(": ")) {
            (Some(tp), Some((lead, rest)))
                if target.is_some()
                    && !rest.trim().is_empty()
                    && shrink_for(tpl, l, tp, &[Para::plain(title)]).is_none() =>
            {
                let sub = if subtitle.is_empty() {
                    lead.to_owned()
                } else {
                    format!("{lead} · {subtitle}")
                };
                (rest.trim().to_owned(), sub)
            }
            _ => (title.to_owned(), subtitle.to_owned()),
        };
        s.title(tpl, l, &title);
        if let Some(p) = target {
            fill(s, tpl, l, p, &[Para::plain(&subtitle)]);
        }
        Ok(Composed::on(l, role))
    }

    /// Bullets and agendas: a title and one body placeholder.
    fn bullets_slide(
        &self,
        plan: &SlidePlan,
        s: &mut SlideWriter<'_>,
        title: &str,
        bullets: &[Bullet],
    ) -> Result<Composed<'t>, DeckError> {
        let tpl = self.tpl;
        let l = self.layout_for(plan, Role::Content)?;
        s.title(tpl, l, title);
        let body = first_body(l, "bullets")?;
        fill(s, tpl, l, body, &paras(bullets));
        Ok(Composed::on(l, Role::Content))
    }

    /// Two columns, each with an optional heading (a comparison layout when
    /// there are headings).
    fn two_column_slide(
        &self,
        plan: &SlidePlan,
        s: &mut SlideWriter<'_>,
        title: &str,
        (left_heading, left): (&str, &[Bullet]),
        (right_heading, right): (&str, &[Bullet]),
    ) -> Result<Composed<'t>, DeckError> {
        let tpl = self.tpl;
        let headed = !left_heading.is_empty() || !right_heading.is_empty();
        let want = if headed { Role::Comparison } else { Role::TwoColumn };
        let l = self.layout_for(plan, want)?;
        s.title(tpl, l, title);
        let big: Vec<&Placeholder> = l
            .contents()
            .into_iter()
            .filter(|p| p.rect.is_none_or(|r| r.cy * 4 >= tpl.slide_size.1))
            .collect();
        let small: Vec<&Placeholder> = l
            .contents()
            .into_iter()
            .filter(|p| p.rect.is_some_and(|r| r.cy * 4 < tpl.slide_size.1))
            .collect();
        if big.len() < 2 {
            return Err(DeckError::NoLayout("two columns".into()));
        }
        fill(s, tpl, l, big[0], &paras(left));
        fill(s, tpl, l, big[1], &paras(right));
        if small.len() >= 2 {
            fill(s, tpl, l, small[0], &[Para::plain(left_heading)]);
            fill(s, tpl, l, small[1], &[Para::plain(right_heading)]);
        }
        Ok(Composed::on(l, want))
    }

    /// A quotation in curly quotes, its attribution right-aligned below.
    fn quote_slide(
        &self,
        plan: &SlidePlan,
        s: &mut SlideWriter<'_>,
        text: &str,
        attribution: &str,
    ) -> Result<Composed<'t>, DeckError> {
        let tpl = self.tpl;
        let l = self.layout_for(plan, Role::Content)?;
        let body = first_body(l, "quote")?;
        let quoted = format!("\u{201C}{}\u{201D}", text.trim());
        let by = if attribution.is_empty() {
            String::new()
        } else {
            format!("\u{2014} {attribution}")
        };
        let mut ps = vec![Para {
            text: &quoted,
            level: 0,
            no_bullet: true,
            align: None,
        }];
        if !by.is_empty() {
            ps.push(Para {
                text: &by,
                level: 0,
                no_bullet: true,
                align: Some("r"),
            });
        }
        fill(s, tpl, l, body, &ps);
        Ok(Composed::on(l, Role::Content))
    }

    /// A table in the content area of a title-only layout.
    fn table_slide(
        &self,
        plan: &SlidePlan,
        s: &mut SlideWriter<'_>,
        title: &str,
        header: &[String],
        rows: &[Vec<String>],
    ) -> Result<Composed<'t>, DeckError> {
        let l = self.layout_for(plan, Role::TitleOnly)?;
        s.title(self.tpl, l, title);
        s.table(self.content_area(l), header, rows)?;
        Ok(Composed::on(l, Role::TitleOnly))
    }

    /// A picture (kept in proportion) on a picture layout, or in the content
    /// area of a title-only layout, with its caption.
    #[allow(clippy::too_many_arguments)]
    fn picture_slide(
        &self,
        plan: &SlidePlan,
        s: &mut SlideWriter<'_>,
        resolver: &dyn Resolver,
        title: &str,
        image: &str,
        caption: &str,
        alt: &str,
    ) -> Result<Composed<'t>, DeckError> {
        let tpl = self.tpl;
        let data = resolver.image(image)?;
        let info = sniff_image(&data).ok_or_else(|| DeckError::Asset {
            name: image.to_owned(),
            reason: "not a PNG or JPEG image".into(),
        })?;
        let (l, role) = match self.layout_for(plan, Role::Picture) {
            Ok(l) => (l, Role::Picture),
            Err(_) => (self.layout_for(plan, Role::TitleOnly)?, Role::TitleOnly),
        };
        s.title(tpl, l, title);
        let pic_ph = l.of_type("pic").cloned();
        let area = pic_ph
            .as_ref()
            .and_then(|p| p.rect)
            .unwrap_or_else(|| self.content_area(l));
        if let Some(cap) = l.contents().first().copied() {
            fill(s, tpl, l, cap, &[Para::plain(caption)]);
        }
        let alt = if alt.is_empty() { title } else { alt };
        Ok(Composed {
            layout: l,
            role,
            picture: Some(PendingPicture {
                data,
                info,
                area,
                alt: alt.to_owned(),
                ph: pic_ph,
            }),
        })
    }

    /// Writes a composed slide: its part, its layout (and picture) relations,
    /// and its notes page.
    fn write_slide(
        &mut self,
        mut s: SlideWriter<'_>,
        composed: Composed<'t>,
        notes: &str,
    ) -> Result<(), DeckError> {
        let slide_name = self.pkg.free_name("/ppt/slides/slide", "xml");
        let mut rels = vec![Rel {
            id: "rId1".into(),
            rel_type: format!("{RT_BASE}slideLayout"),
            target: opc::relative(&slide_name, &composed.layout.part),
            external: false,
        }];
        if let Some(PendingPicture {
            data,
            info,
            area,
            alt,
            ph,
        }) = composed.picture
        {
            let media = self.add_media(data, info.ext);
            let rid = next_rid(&rels);
            rels.push(Rel {
                id: rid.clone(),
                rel_type: format!("{RT_BASE}image"),
                target: opc::relative(&slide_name, &media),
                external: false,
            });
            s.picture(&rid, fit_inside(area, info.width, info.height), &alt, ph.as_ref());
        }
        self.pkg.put(&slide_name, s.finish().into_bytes(), Some(CT_SLIDE));
        self.current.1 = Some(composed.role);
        self.attach_slide(&slide_name, rels, notes)
    }

    /// A slide whose title would shrink below the minimum size on the
    /// role's best layout: the same slide pinned to the first layout of the
    /// same kind (in the role's order; never one whose body text reads
    /// worse) where it stays readable, else pinned to the best layout with
    /// the title cut at a word — at a colon or dash when one is near — and
    /// the rest leading the body or subtitle. `None` when the title reads
    /// well where it is, or the plan names its layout.
    fn readable_title(&self, plan: &SlidePlan) -> Option<SlidePlan> {
        if plan.layout.is_some() {
            return None;
        }
        let (role, title) = title_of(&plan.content)?;
        let tpl = self.tpl;
        let ranked = tpl.layouts_for_role(role);
        let best = &tpl.layouts[*ranked.first()?];
        let readable = |l: &Layout, text: &str| title_reads_well(tpl, l, text, self.min_title_pt);
        if readable(best, title) {
            return None;
        }
        let pin = |l: &Layout, content: SlideContent| SlidePlan {
            content,
            notes: plan.notes.clone(),
            layout: Some(l.part.clone()),
        };
        let wider = ranked.iter().map(|&i| &tpl.layouts[i]).find(|l| {
            l.kind == best.kind && (best.body_problem() || !l.body_problem()) && readable(l, title)
        });
        if let Some(l) = wider {
            return Some(pin(l, plan.content.clone()));
        }
        let (head, rest) = shorten_title(title, |t| readable(best, t))?;
        Some(pin(best, with_title(&plan.content, head, rest)))
    }

    /// Two columns whose text cannot fit their boxes even at the shrink
    /// floor (narrow columns in some templates) become one list — headings
    /// as points, their items under them — which then splits like any list.
    fn columns_that_do_not_fit(&self, plan: &SlidePlan) -> Result<Option<SlidePlan>, DeckError> {
        let SlideContent::TwoColumn {
            title,
            left_heading,
            left,
            right_heading,
            right,
        } = &plan.content
        else {
            return Ok(None);
        };
        let headed = !left_heading.is_empty() || !right_heading.is_empty();
        let role = if headed { Role::Comparison } else { Role::TwoColumn };
        let Ok(l) = self.layout_for(plan, role) else {
            return Ok(None);
        };
        let big: Vec<&Placeholder> = l
            .contents()
            .into_iter()
            .filter(|p| p.rect.is_none_or(|r| r.cy * 4 >= self.tpl.slide_size.1))
            .collect();
        let fits = |ph: Option<&&Placeholder>, items: &[Bullet]| {
            ph.is_none_or(|p| shrink_for(self.tpl, l, p, &paras(items)).is_some())
        };
        if fits(big.first(), left) && fits(big.get(1), right) {
            return Ok(None);
        }
        let mut bullets = Vec::new();
        for (heading, items) in [(left_heading, left), (right_heading, right)] {
            if !heading.is_empty() {
                bullets.push(Bullet::Text(heading.clone()));
            }
            bullets.extend(items.iter().map(|b| Bullet::Leveled {
                text: b.text().to_owned(),
                level: (b.level() + u8::from(!heading.is_empty())).min(4),
            }));
        }
        Ok(Some(SlidePlan {
            content: SlideContent::Bullets {
                title: title.clone(),
                bullets,
            },
            notes: plan.notes.clone(),
            layout: None,
        }))
    }

    /// Bullet slides whose text would overflow even at the shrink floor are
    /// split into the original and continuation slides ("… (cont.)").
    fn split_if_needed(&self, plan: &SlidePlan) -> Result<Option<Vec<SlidePlan>>, DeckError> {
        let (title, bullets, agenda) = match &plan.content {
            SlideContent::Bullets { title, bullets } => (title, bullets, false),
            SlideContent::Agenda { title, items } => (title, items, true),
            _ => return Ok(None),
        };
        let l = self.layout_for(plan, Role::Content)?;
        let Some(body) = l.contents().first().copied() else {
            return Ok(None);
        };
        let chunks = split_to_fit(self.tpl, l, body, bullets);
        if chunks.len() <= 1 {
            return Ok(None);
        }
        let notes = share_notes(&plan.notes, &chunks, &format!("{title} {}", self.continued));
        Ok(Some(
            chunks
                .into_iter()
                .enumerate()
                .map(|(i, chunk)| {
                    let title = if i == 0 {
                        title.clone()
                    } else {
                        format!("{title} {}", self.continued)
                    };
                    let content = if agenda {
                        SlideContent::Agenda {
                            title,
                            items: chunk.to_vec(),
                        }
                    } else {
                        SlideContent::Bullets {
                            title,
                            bullets: chunk.to_vec(),
                        }
                    };
                    SlidePlan {
                        content,
                        notes: notes[i].clone(),
                        layout: plan.layout.clone(),
                    }
                })
                .collect(),
        ))
    }

    /// The area below the title where free content (tables, pictures) goes.
    fn content_area(&self, l: &Layout) -> Rect {
        if let Some(r) = l.contents().first().and_then(|p| p.rect) {
            return r;
        }
        let (w, h) = self.tpl.slide_size;
        let top = l
            .title()
            .and_then(|t| t.rect)
            .map_or(h / 5, |r| r.y + r.cy + h / 40);
        Rect {
            x: w / 16,
            y: top,
            cx: w - w / 8,
            cy: (h - top - h / 10).max(h / 4),
        }
    }

    /// Adds (or reuses, by content) a media part; returns its name.
    fn add_media(&mut self, data: Vec<u8>, ext: &str) -> String {
        let hash = content_hash(&data);
        if let Some(names) = self.media.get(&hash) {
            if let Some(n) = names.iter().find(|n| self.pkg.get(n) == Some(data.as_slice())) {
                return n.clone();
            }
        }
        let name = self.pkg.free_name("/ppt/media/image", ext);
        if let Some(ct) = opc::media_content_type(ext) {
            self.pkg.ensure_default(ext, ct);
        }
        self.pkg.put(&name, data, None);
        self.media.entry(hash).or_default().push(name.clone());
        name
    }

    /// Registers a written slide: its rels, a notes page and its place in the deck.
    fn attach_slide(&mut self, slide: &str, mut rels: Vec<Rel>, notes: &str) -> Result<(), DeckError> {
        let notes_name = self.pkg.free_name("/ppt/notesSlides/notesSlide", "xml");
        self.pkg.put(
            &notes_name,
            notes_xml(notes, &self.lang).into_bytes(),
            Some(CT_NOTES),
        );
        self.pkg.set_rels(
            &notes_name,
            &[
                Rel {
                    id: "rId1".into(),
                    rel_type: format!("{RT_BASE}notesMaster"),
                    target: opc::relative(&notes_name, &self.notes_master),
                    external: false,
                },
                Rel {
                    id: "rId2".into(),
                    rel_type: format!("{RT_BASE}slide"),
                    target: opc::relative(&notes_name, slide),
                    external: false,
                },
            ],
        );
        rels.retain(|r| r.kind() != "notesSlide");
        let rid = next_rid(&rels);
        rels.push(Rel {
            id: rid,
            rel_type: format!("{RT_BASE}notesSlide"),
            target: opc::relative(slide, &notes_name),
            external: false,
        });
        self.pkg.set_rels(slide, &rels);

        let rid = next_rid(&self.pres_rels);
        self.pres_rels.push(Rel {
            id: rid.clone(),
            rel_type: format!("{RT_BASE}slide"),
            target: opc::relative(self.pres_name(), slide),
            external: false,
        });
        self.slides.push((rid, slide.to_owned()));
        let layout = rels
            .iter()
            .find(|r| r.kind() == "slideLayout")
            .and_then(|r| opc::resolve(slide, &r.target).ok())
            .unwrap_or_default();
        self.built.push(BuiltSlide {
            plan_slide: self.current.0,
            role: self.current.1.take(),
            layout,
        });
        Ok(())
    }

    fn finish(mut self, title: Option<&str>, opts: &BuildOptions) -> Result<Vec<u8>, DeckError> {
        if self.slides.is_empty() {
            return Err(DeckError::Plan("the plan has no slides".into()));
        }
        let mut list = Element::new("p:sldIdLst");
        for (i, (rid, _)) in self.slides.iter().enumerate() {
            list = list.with_child(
                Element::new("p:sldId")
                    .with_attr("id", (256 + i).to_string())
                    .with_attr("r:id", rid),
            );
        }
        insert_ordered(&mut self.pres, list, PRESENTATION_ORDER);
        if self.pres.attrs.iter().all(|(k, _)| k != "xmlns:r") {
            self.pres.set_attr("xmlns:r", NS_R);
        }
        let pres_name = self.pres_name().to_owned();
        self.pkg.put(&pres_name, self.pres.to_part(), None);
        self.pkg.set_rels(&pres_name, &self.pres_rels);
        self.write_doc_props(title, opts)?;
        garbage_collect(&mut self.pkg)?;
        self.pkg.to_bytes()
    }

    fn write_doc_props(&mut self, title: Option<&str>, opts: &BuildOptions) -> Result<(), DeckError> {
        let root_rels = self.pkg.rels("/")?;
        let n = self.slides.len();
        let app = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\" xmlns:vt=\"http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes\"><Application>Courseware</Application><PresentationFormat>Custom</PresentationFormat><Slides>{n}</Slides><Notes>{n}</Notes><HiddenSlides>0</HiddenSlides><AppVersion>16.0000</AppVersion></Properties>"
        );
        let app_rel = root_rels
            .iter()
            .find(|r| r.rel_type.ends_with("/extended-properties"));
        let app_name = match app_rel {
            Some(r) => opc::resolve("/", &r.target)?,
            None => {
                let mut rels = root_rels.clone();
                rels.push(Rel {
                    id: next_rid(&rels),
                    rel_type: format!("{RT_BASE}extended-properties"),
                    target: "docProps/app.xml".into(),
                    external: false,
                });
                self.pkg.set_rels("/", &rels);
                "/docProps/app.xml".into()
            }
        };
        self.pkg.put(&app_name, app.into_bytes(), Some(CT_APP));

        // Other property parts (custom properties…) travel only when they
        // read cleanly (no DTD: LibreOffice aborts on one, and an entity
        // bomb would reach every reader); they are the template's, not ours.
        let mut kept = Vec::new();
        for r in &root_rels {
            let is_props = r.rel_type.ends_with("/custom-properties");
            if is_props && !r.external {
                let name = opc::resolve("/", &r.target)?;
                if self.pkg.xml(&name).is_err() {
                    self.pkg.remove(&name);
                    continue;
                }
            }
            kept.push(r.clone());
        }
        if kept.len() != root_rels.len() {
            self.pkg.set_rels("/", &kept);
        }
        if let Some(core_rel) = root_rels
            .iter()
            .find(|r| r.rel_type.ends_with("/core-properties"))
        {
            let core_name = opc::resolve("/", &core_rel.target)?;
            let core = self.pkg.xml(&core_name).or_else(|_| {
                // Unreadable (a DTD, say): written afresh.
                crate::xml::parse(FRESH_CORE.as_bytes(), &core_name)
            });
            if let Ok(mut core) = core {
                if let Some(t) = title {
                    set_text_child(&mut core, "dc:title", "title", t);
                }
                if let Some(ts) = &opts.timestamp {
                    set_text_child(&mut core, "dcterms:modified", "modified", ts);
                    if let Some(m) = core.child_mut("modified") {
                        m.set_attr("xsi:type", "dcterms:W3CDTF");
                    }
                }
                if core.attrs.iter().all(|(k, _)| k != "xmlns:xsi") {
                    core.set_attr("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance");
                }
                if core.attrs.iter().all(|(k, _)| k != "xmlns:dcterms") {
                    core.set_attr("xmlns:dcterms", "http://purl.org/dc/terms/");
                }
                if core.attrs.iter().all(|(k, _)| k != "xmlns:dc") {
                    core.set_attr("xmlns:dc", "http://purl.org/dc/elements/1.1/");
                }
                self.pkg.put(&core_name, core.to_part(), None);
            }
        }
        Ok(())
    }
}

/// Core properties for a template whose own cannot be read.
const FRESH_CORE: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?><cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" xmlns:dcmitype=\"http://purl.org/dc/dcmitype/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><dc:title></dc:title><dc:creator>Courseware</dc:creator></cp:coreProperties>";

fn set_text_child(parent: &mut Element, qname: &str, local: &str, text: &str) {
    let text = xml::sanitize(text);
    match parent.child_mut(local) {
        Some(e) => e.children = vec![Node::Text(text)],
        None => {
            let mut e = Element::new(qname);
            e.children.push(Node::Text(text));
            parent.children.push(Node::Element(e));
        }
    }
}

/// Removes every part not reachable from the package root through
/// relationships (template slides we dropped, their notes, orphaned media).
fn garbage_collect(pkg: &mut Package) -> Result<(), DeckError> {
    let mut seen = std::collections::BTreeSet::new();
    let mut stack = vec!["/".to_string()];
    while let Some(part) = stack.pop() {
        for rel in pkg.rels(&part)? {
            if let Some(t) = pkg.target(&part, &rel)? {
                if pkg.has(&t) && seen.insert(t.clone()) {
                    stack.push(t);
                }
            }
        }
    }
    let doomed: Vec<String> = pkg
        .part_names()
        .filter(|n| !n.ends_with(".rels") && !seen.contains(*n))
        .cloned()
        .collect();
    for n in doomed {
        pkg.remove(&n);
    }
    // Rels parts whose source part is gone.
    let orphan_rels: Vec<String> = pkg
        .part_names()
        .filter(|n| n.ends_with(".rels") && n.as_str() != "/_rels/.rels")
        .filter(|n| {
            let source = n.replacen("/_rels/", "/", 1);
            let source = source.strip_suffix(".rels").unwrap_or(&source).to_owned();
            !pkg.has(&source)
        })
        .cloned()
        .collect();
    for n in orphan_rels {
        pkg.remove(&n);
    }
    Ok(())
}

/// The role a slide's layout is chosen for and its title, for slides with one.
fn title_of(content: &SlideContent) -> Option<(Role, &str)> {
    Some(match content {
        SlideContent::Title { title, .. } => (Role::Title, title),
        SlideContent::Section { title, .. } => (Role::Section, title),
        SlideContent::Closing { title, .. } => (Role::Closing, title),
        SlideContent::Agenda { title, .. } | SlideContent::Bullets { title, .. } => (Role::Content, title),
        SlideContent::TwoColumn {
            title,
            left_heading,
            right_heading,
            ..
        } => {
            let headed = !left_heading.is_empty() || !right_heading.is_empty();
            (if headed { Role::Comparison } else { Role::TwoColumn }, title)
        }
        SlideContent::Table { title, .. } => (Role::TitleOnly, title),
        SlideContent::Picture { title, .. } => (Role::Picture, title),
        SlideContent::Quote { .. } | SlideContent::Clone { .. } => return None,
    })
}

/// The size (pt) `text` is drawn at in `layout`'s title box, and whether it
/// fits there at all (past the shrink floor it overflows at the floor size).
pub fn title_size(tpl: &Template, layout: &Layout, text: &str) -> Option<(f64, bool)> {
    let ph = layout.title()?;
    let base = tpl.text_style(layout, ph).level(0).size_pt;
    let paras = [Para::plain(text)];
    Some(match shrink_for(tpl, layout, ph, &paras) {
        Some(s) => (base * f64::from(s.font_scale) / 100_000.0, true),
        None => {
            let floor = STEPS[STEPS.len() - 1].font_scale;
            (base * f64::from(floor) / 100_000.0, false)
        }
    })
}

/// A title fits its box at no less than `min_pt` (or at the template's own
/// size, when the designer chose a smaller one). Layouts without a title
/// box have nothing to shrink.
fn title_reads_well(tpl: &Template, layout: &Layout, text: &str, min_pt: f64) -> bool {
    let Some(ph) = layout.title() else { return true };
    let base = tpl.text_style(layout, ph).level(0).size_pt;
    title_size(tpl, layout, text).is_none_or(|(pt, fits)| fits && pt + 0.05 >= min_pt.min(base))
}

/// The longest head of `title` that `reads` accepts, cut between words —
/// at a colon or dash when that keeps at least half of the longest — and
/// the rest. `None` when not even the first word reads well.
fn shorten_title(title: &str, reads: impl Fn(&str) -> bool) -> Option<(String, String)> {
    let words: Vec<&str> = title.split_whitespace().collect();
    let head = |n: usize| {
        words[..n]
            .join(" ")
            .trim_end_matches([':', ',', ';', '–', '—', '-', ' '])
            .to_owned()
    };
    let longest = (1..words.len()).rev().find(|&n| reads(&head(n)))?;
    let natural = (1..=longest).rev().find(|&n| {
        n * 2 >= longest && (words[n - 1].ends_with([':', ';', ',']) || matches!(words[n], "–" | "—" | "-"))
    });
    let n = natural.unwrap_or(longest);
    let rest = words[n..]
        .join(" ")
        .trim_start_matches(['–', '—', '-', ' '])
        .to_owned();
    Some((head(n), rest))
}

/// `content` with its title replaced by `head`, `rest` leading its body
/// (bullets) or subtitle (headings); other kinds keep only the head.
fn with_title(content: &SlideContent, head: String, rest: String) -> SlideContent {
    let lead = |subtitle: &str| {
        if subtitle.is_empty() {
            rest.clone()
        } else {
            format!("{rest} · {subtitle}")
        }
    };
    let mut out = content.clone();
    match &mut out {
        SlideContent::Title { title, subtitle }
        | SlideContent::Section { title, subtitle }
        | SlideContent::Closing { title, subtitle } => {
            *subtitle = lead(subtitle);
            *title = head;
        }
        SlideContent::Agenda {
            title,
            items: bullets,
        }
        | SlideContent::Bullets { title, bullets } => {
            bullets.insert(0, Bullet::Text(rest));
            *title = head;
        }
        SlideContent::TwoColumn { title, .. }
        | SlideContent::Table { title, .. }
        | SlideContent::Picture { title, .. } => *title = head,
        SlideContent::Quote { .. } | SlideContent::Clone { .. } => {}
    }
    out
}

/// Fills a placeholder, shrinking its text to fit (down to the floor).
fn fill(s: &mut SlideWriter<'_>, tpl: &Template, l: &Layout, ph: &Placeholder, paras: &[Para<'_>]) {
    let shrink = shrink_for(tpl, l, ph, paras).unwrap_or(STEPS[STEPS.len() - 1]);
    s.text(ph, paras, shrink);
}

/// Writes one slide's shape tree.
pub(crate) struct SlideWriter<'l> {
    body: String,
    next_id: u32,
    lang: &'l str,
}

impl<'l> SlideWriter<'l> {
    pub(crate) fn new(lang: &'l str) -> Self {
        SlideWriter {
            body: String::with_capacity(2048),
            next_id: 2,
            lang,
        }
    }

    fn id(&mut self) -> u32 {
        let id = self.next_id;
        self.next_id += 1;
        id
    }

    fn ph_element(ph: &Placeholder) -> String {
        let mut s = String::from("<p:ph");
        if ph.ph_type != "obj" {
            s.push_str(&format!(" type=\"{}\"", ph.ph_type));
        }
        if let Some(idx) = ph.idx {
            s.push_str(&format!(" idx=\"{idx}\""));
        }
        s.push_str("/>");
        s
    }

    fn title(&mut self, tpl: &Template, layout: &Layout, text: &str) {
        if let Some(t) = layout.title() {
            let paras = [Para::plain(text)];
            self.text(
                t,
                &paras,
                shrink_for(tpl, layout, t, &paras).unwrap_or(STEPS[STEPS.len() - 1]),
            );
        }
    }

    pub(crate) fn paragraphs(&self, paras: &[Para<'_>]) -> String {
        let mut out = String::new();
        for p in paras {
            out.push_str("<a:p>");
            let mut ppr = String::new();
            if p.level > 0 {
                ppr.push_str(&format!(" lvl=\"{}\"", p.level));
            }
            if let Some(a) = p.align {
                ppr.push_str(&format!(" algn=\"{a}\""));
            }
            if p.no_bullet {
                out.push_str(&format!(
                    "<a:pPr marL=\"0\" indent=\"0\"{ppr}><a:buNone/></a:pPr>"
                ));
            } else if !ppr.is_empty() {
                out.push_str(&format!("<a:pPr{ppr}/>"));
            }
            let text = xml::sanitize(p.text);
            let lines: Vec<&str> = text.split('\n').collect();
            for (i, line) in lines.iter().enumerate() {
                if i > 0 {
                    out.push_str(&format!(
                        "<a:br><a:rPr lang=\"{}\" dirty=\"0\"/></a:br>",
                        self.lang
                    ));
                }
                if !line.is_empty() {
                    out.push_str(&format!(
                        "<a:r><a:rPr lang=\"{}\" dirty=\"0\"/><a:t>{}</a:t></a:r>",
                        self.lang,
                        escape(line)
                    ));
                }
            }
            out.push_str(&format!(
                "<a:endParaRPr lang=\"{}\" dirty=\"0\"/></a:p>",
                self.lang
            ));
        }
        out
    }

    /// A placeholder shape filled with paragraphs; skipped when all are empty,
    /// so no empty placeholder ends up on the slide.
    fn text(&mut self, ph: &Placeholder, paras: &[Para<'_>], shrink: Shrink) {
        if paras.iter().all(|p| p.text.trim().is_empty()) {
            return;
        }
        let autofit = if shrink == Shrink::NONE {
            "<a:normAutofit/>".to_string()
        } else {
            format!(
                "<a:normAutofit fontScale=\"{}\" lnSpcReduction=\"{}\"/>",
                shrink.font_scale, shrink.ln_spc_reduction
            )
        };
        let id = self.id();
        let name = if ph.name.is_empty() {
            format!("Placeholder {}", id - 1)
        } else {
            ph.name.clone()
        };
        let body = self.paragraphs(paras);
        // A layout placeholder without an idx can only be matched by type,
        // and readers disagree on that (python-pptx matches idx 0, the
        // title): give such shapes their position explicitly.
        let sp_pr = match ph.rect {
            Some(r) if ph.explicit || (ph.idx.is_none() && !ph.is_title()) => format!(
                "<p:spPr><a:xfrm><a:off x=\"{}\" y=\"{}\"/><a:ext cx=\"{}\" cy=\"{}\"/></a:xfrm></p:spPr>",
                r.x, r.y, r.cx, r.cy
            ),
            _ => "<p:spPr/>".to_string(),
        };
        self.body.push_str(&format!(
            "<p:sp><p:nvSpPr><p:cNvPr id=\"{id}\" name=\"{}\"/><p:cNvSpPr><a:spLocks noGrp=\"1\"/></p:cNvSpPr><p:nvPr>{}</p:nvPr></p:nvSpPr>{sp_pr}<p:txBody><a:bodyPr>{autofit}</a:bodyPr><a:lstStyle/>{body}</p:txBody></p:sp>",
            escape(&name),
            Self::ph_element(ph)
        ));
    }

    fn picture(&mut self, rid: &str, r: Rect, alt: &str, ph: Option<&Placeholder>) {
        let id = self.id();
        let nv = ph.map(Self::ph_element).unwrap_or_default();
        let locks = if ph.is_some() {
            "<a:picLocks noGrp=\"1\" noChangeAspect=\"1\"/>"
        } else {
            "<a:picLocks noChangeAspect=\"1\"/>"
        };
        self.body.push_str(&format!(
            "<p:pic><p:nvPicPr><p:cNvPr id=\"{id}\" name=\"Picture {}\" descr=\"{}\"/><p:cNvPicPr>{locks}</p:cNvPicPr><p:nvPr>{nv}</p:nvPr></p:nvPicPr><p:blipFill><a:blip r:embed=\"{rid}\"/><a:stretch><a:fillRect/></a:stretch></p:blipFill><p:spPr><a:xfrm><a:off x=\"{}\" y=\"{}\"/><a:ext cx=\"{}\" cy=\"{}\"/></a:xfrm><a:prstGeom prst=\"rect\"><a:avLst/></a:prstGeom></p:spPr></p:pic>",
            id - 1,
            xml::escape(&xml::sanitize(alt)).replace('"', "&quot;"),
            r.x, r.y, r.cx, r.cy
        ));
    }

    fn table(&mut self, area: Rect, header: &[String], rows: &[Vec<String>]) -> Result<(), DeckError> {
        let cols = header.len().max(rows.iter().map(Vec::len).max().unwrap_or(0));
        if cols == 0 {
            return Err(DeckError::Plan("a table needs at least one column".into()));
        }
        let id = self.id();
        let col_w = (area.cx / cols as i64).max(1);
        let n_rows = rows.len() + usize::from(!header.is_empty());
        let row_h = (area.cy / n_rows.max(1) as i64).clamp(1, 370_840);
        let mut tbl = String::from("<a:tbl><a:tblPr firstRow=\"1\" bandRow=\"1\"><a:tableStyleId>{5C22544A-7EE6-4342-B048-85BDC9FD1C3A}</a:tableStyleId></a:tblPr><a:tblGrid>");
        for _ in 0..cols {
            tbl.push_str(&format!("<a:gridCol w=\"{col_w}\"/>"));
        }
        tbl.push_str("</a:tblGrid>");
        let all_rows = (!header.is_empty())
            .then_some(header)
            .into_iter()
            .chain(rows.iter().map(Vec::as_slice));
        for row in all_rows {
            tbl.push_str(&format!("<a:tr h=\"{row_h}\">"));
            for c in 0..cols {
                let text = row.get(c).map(String::as_str).unwrap_or("");
                let p = self.paragraphs(&[Para::plain(text)]);
                tbl.push_str(&format!(
                    "<a:tc><a:txBody><a:bodyPr/><a:lstStyle/>{p}</a:txBody><a:tcPr/></a:tc>"
                ));
            }
            tbl.push_str("</a:tr>");
        }
        tbl.push_str("</a:tbl>");
        let height = row_h * n_rows as i64;
        self.body.push_str(&format!(
            "<p:graphicFrame><p:nvGraphicFramePr><p:cNvPr id=\"{id}\" name=\"Table {}\"/><p:cNvGraphicFramePr><a:graphicFrameLocks noGrp=\"1\"/></p:cNvGraphicFramePr><p:nvPr/></p:nvGraphicFramePr><p:xfrm><a:off x=\"{}\" y=\"{}\"/><a:ext cx=\"{}\" cy=\"{height}\"/></p:xfrm><a:graphic><a:graphicData uri=\"http://schemas.openxmlformats.org/drawingml/2006/table\">{tbl}</a:graphicData></a:graphic></p:graphicFrame>",
            id - 1,
            area.x, area.y, col_w * cols as i64
        ));
        Ok(())
    }

    fn finish(self) -> String {
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n<p:sld xmlns:a=\"{NS_A}\" xmlns:r=\"{NS_R}\" xmlns:p=\"{NS_P}\"><p:cSld><p:spTree><p:nvGrpSpPr><p:cNvPr id=\"1\" name=\"\"/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr><p:grpSpPr><a:xfrm><a:off x=\"0\" y=\"0\"/><a:ext cx=\"0\" cy=\"0\"/><a:chOff x=\"0\" y=\"0\"/><a:chExt cx=\"0\" cy=\"0\"/></a:xfrm></p:grpSpPr>{}</p:spTree></p:cSld><p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:sld>",
            self.body
        )
    }
}

/// A notes page: slide image and the notes text.
pub(crate) fn notes_xml(notes: &str, lang: &str) -> String {
    let w = SlideWriter::new(lang);
    let paras: Vec<Para<'_>> = notes.split("\n\n").map(Para::plain).collect();
    let body = w.paragraphs(&paras);
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n<p:notes xmlns:a=\"{NS_A}\" xmlns:r=\"{NS_R}\" xmlns:p=\"{NS_P}\"><p:cSld><p:spTree><p:nvGrpSpPr><p:cNvPr id=\"1\" name=\"\"/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr><p:grpSpPr><a:xfrm><a:off x=\"0\" y=\"0\"/><a:ext cx=\"0\" cy=\"0\"/><a:chOff x=\"0\" y=\"0\"/><a:chExt cx=\"0\" cy=\"0\"/></a:xfrm></p:grpSpPr><p:sp><p:nvSpPr><p:cNvPr id=\"2\" name=\"Slide Image Placeholder 1\"/><p:cNvSpPr><a:spLocks noGrp=\"1\" noRot=\"1\" noChangeAspect=\"1\"/></p:cNvSpPr><p:nvPr><p:ph type=\"sldImg\"/></p:nvPr></p:nvSpPr><p:spPr/></p:sp><p:sp><p:nvSpPr><p:cNvPr id=\"3\" name=\"Notes Placeholder 2\"/><p:cNvSpPr><a:spLocks noGrp=\"1\"/></p:cNvSpPr><p:nvPr><p:ph type=\"body\" idx=\"1\"/></p:nvPr></p:nvSpPr><p:spPr/><p:txBody><a:bodyPr/><a:lstStyle/>{body}</p:txBody></p:sp></p:spTree></p:cSld><p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:notes>"
    )
}

/// A notes master for templates that have none: slide image on top, notes
/// below, page furniture; geometry for a portrait A4-ish notes page.
fn notes_master_xml(slide: (i64, i64)) -> String {
    let (pw, ph) = (6_858_000_i64, 9_144_000_i64);
    let img_w = pw * 3 / 4;
    let img_h = (img_w as f64 * slide.1 as f64 / slide.0.max(1) as f64) as i64;
    let img_x = (pw - img_w) / 2;
    let img_y = ph / 12;
    let body_y = img_y + img_h + ph / 30;
    let body_h = ph - body_y - ph / 10;
    let sp = |id: u32, name: &str, ph_xml: &str, x: i64, y: i64, cx: i64, cy: i64, text: bool| {
        let tx = if text {
            "<p:txBody><a:bodyPr/><a:lstStyle/><a:p><a:endParaRPr lang=\"en-US\"/></a:p></p:txBody>"
        } else {
            ""
        };
        format!("<p:sp><p:nvSpPr><p:cNvPr id=\"{id}\" name=\"{name}\"/><p:cNvSpPr><a:spLocks noGrp=\"1\"/></p:cNvSpPr><p:nvPr>{ph_xml}</p:nvPr></p:nvSpPr><p:spPr><a:xfrm><a:off x=\"{x}\" y=\"{y}\"/><a:ext cx=\"{cx}\" cy=\"{cy}\"/></a:xfrm><a:prstGeom prst=\"rect\"><a:avLst/></a:prstGeom></p:spPr>{tx}</p:sp>")
    };
    let shapes = [
        sp(
            2,
            "Header Placeholder 1",
            "<p:ph type=\"hdr\" sz=\"quarter\"/>",
            0,
            0,
            pw / 2,
            ph / 20,
            true,
        ),
        sp(
            3,
            "Date Placeholder 2",
            "<p:ph type=\"dt\" idx=\"1\"/>",
            pw / 2,
            0,
            pw / 2,
            ph / 20,
            true,
        ),
        sp(
            4,
            "Slide Image Placeholder 3",
            "<p:ph type=\"sldImg\" idx=\"2\"/>",
            img_x,
            img_y,
            img_w,
            img_h,
            false,
        ),
        sp(
            5,
            "Notes Placeholder 4",
            "<p:ph type=\"body\" sz=\"quarter\" idx=\"3\"/>",
            pw / 10,
            body_y,
            pw * 8 / 10,
            body_h,
            true,
        ),
        sp(
            6,
            "Footer Placeholder 5",
            "<p:ph type=\"ftr\" sz=\"quarter\" idx=\"4\"/>",
            0,
            ph - ph / 20,
            pw / 2,
            ph / 20,
            true,
        ),
        sp(
            7,
            "Slide Number Placeholder 6",
            "<p:ph type=\"sldNum\" sz=\"quarter\" idx=\"5\"/>",
            pw / 2,
            ph - ph / 20,
            pw / 2,
            ph / 20,
            true,
        ),
    ]
    .concat();
    let lvl = |n: u32| {
        format!("<a:lvl{n}pPr marL=\"{}\" algn=\"l\" defTabSz=\"914400\" rtl=\"0\" eaLnBrk=\"1\" latinLnBrk=\"0\" hangingPunct=\"1\"><a:defRPr sz=\"1200\" kern=\"1200\"><a:solidFill><a:schemeClr val=\"tx1\"/></a:solidFill><a:latin typeface=\"+mn-lt\"/><a:ea typeface=\"+mn-ea\"/><a:cs typeface=\"+mn-cs\"/></a:defRPr></a:lvl{n}pPr>", (n - 1) * 457_200)
    };
    let styles: String = (1..=9).map(lvl).collect();
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n<p:notesMaster xmlns:a=\"{NS_A}\" xmlns:r=\"{NS_R}\" xmlns:p=\"{NS_P}\"><p:cSld><p:bg><p:bgRef idx=\"1001\"><a:schemeClr val=\"bg1\"/></p:bgRef></p:bg><p:spTree><p:nvGrpSpPr><p:cNvPr id=\"1\" name=\"\"/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr><p:grpSpPr><a:xfrm><a:off x=\"0\" y=\"0\"/><a:ext cx=\"0\" cy=\"0\"/><a:chOff x=\"0\" y=\"0\"/><a:chExt cx=\"0\" cy=\"0\"/></a:xfrm></p:grpSpPr>{shapes}</p:spTree></p:cSld><p:clrMap bg1=\"lt1\" tx1=\"dk1\" bg2=\"lt2\" tx2=\"dk2\" accent1=\"accent1\" accent2=\"accent2\" accent3=\"accent3\" accent4=\"accent4\" accent5=\"accent5\" accent6=\"accent6\" hlink=\"hlink\" folHlink=\"folHlink\"/><p:notesStyle>{styles}</p:notesStyle></p:notesMaster>"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pictures_keep_their_aspect_ratio() {
        let r = Rect {
            x: 100,
            y: 200,
            cx: 4000,
            cy: 1000,
        };
        let f = fit_inside(r, 200, 100);
        assert_eq!((f.cx, f.cy), (2000, 1000));
        assert_eq!((f.x, f.y), (1100, 200));
        let f = fit_inside(r, 100, 1000);
        assert_eq!((f.cx, f.cy), (100, 1000));
    }

    #[test]
    fn images_are_recognized_by_content() {
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        png.extend_from_slice(&640u32.to_be_bytes());
        png.extend_from_slice(&480u32.to_be_bytes());
        png.extend_from_slice(&[8, 2, 0, 0, 0]);
        let i = sniff_image(&png).expect("png");
        assert_eq!((i.ext, i.width, i.height), ("png", 640, 480));
        assert!(sniff_image(b"GIF89a....").is_none());
        assert!(sniff_image(&[0xFF, 0xD8, 0xFF]).is_none());
    }

    #[test]
    fn image_dimensions_at_the_extremes_fit_without_overflow() {
        // The largest a PNG header can state, in boxes at the clamped limits.
        let limit = crate::ooxml::COORDINATE_LIMIT;
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        png.extend_from_slice(&u32::MAX.to_be_bytes());
        png.extend_from_slice(&1u32.to_be_bytes());
        png.extend_from_slice(&[8, 2, 0, 0, 0]);
        let i = sniff_image(&png).expect("png");
        assert_eq!((i.width, i.height), (u32::MAX, 1));
        // A JPEG frame header of the largest sides, and one cut short.
        let jpeg = [
            0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x11, 0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0x03,
        ];
        assert_eq!(
            sniff_image(&jpeg).map(|i| (i.width, i.height)),
            Some((65_535, 65_535))
        );
        assert!(sniff_image(&[0xFF, 0xD8, 0xFF, 0xC0, 0xFF, 0xFF, 0, 0, 0, 0]).is_none());
        for (w, h) in [(u32::MAX, 1), (1, u32::MAX), (u32::MAX, u32::MAX), (0, 0)] {
            for r in [
                Rect {
                    x: limit,
                    y: limit,
                    cx: limit,
                    cy: limit,
                },
                Rect {
                    x: -limit,
                    y: -limit,
                    cx: 0,
                    cy: 0,
                },
                Rect {
                    x: -limit,
                    y: limit,
                    cx: 1,
                    cy: limit,
                },
            ] {
                let f = fit_inside(r, w, h);
                assert!(
                    f.cx >= 1 && f.cy >= 1 && f.cx <= r.cx.max(1) && f.cy <= r.cy.max(1),
                    "{w}×{h} in {r:?}: {f:?}"
                );
            }
        }
    }
}
