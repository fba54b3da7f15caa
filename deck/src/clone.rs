//! Cloning slides from other decks (the infographic bank, drill-down cards).
//!
//! The slide's relationship graph is copied: media are shared and
//! de-duplicated by content; owned parts (charts with their workbooks,
//! SmartArt parts, OLE objects, tags…) are deep-copied under fresh names; the
//! notes page is rebuilt on the target's notes master. Relationship ids are
//! kept, so the slide XML needs no id rewriting. The layout is mapped by
//! explicit choice → same name → same placeholder semantics → otherwise the
//! source layout and its master are imported (once per source layout).

use std::collections::{BTreeMap, HashMap};

use crate::ooxml::CT_SLIDE;
use crate::opc::{self, content_hash, slides_of, Package, Rel};
use crate::template::{classify, placeholders, LayoutKind, Role, Template};
use crate::xml::{self, Element, Node};
use crate::DeckError;

/// What cloning needs from the deck being built, and nothing more. The
/// builder implements it; this module knows nothing else about the builder.
pub(crate) trait Target {
    /// The package being written.
    fn package(&self) -> &Package;
    fn package_mut(&mut self) -> &mut Package;
    /// The template the deck is built on.
    fn template(&self) -> &Template;
    /// The presentation part's root as it stands (for id scans).
    fn presentation(&self) -> Element;
    /// A number unique to each cloned slide in this deck.
    fn next_clone_number(&mut self) -> u64;
    /// Adds a media part (or finds the same bytes already there); its name.
    fn add_media(&mut self, data: Vec<u8>, ext: &str) -> String;
    /// Lists a finished slide part in the presentation with a notes page.
    fn attach_slide(&mut self, slide: &str, rels: Vec<Rel>, notes: &str) -> Result<(), DeckError>;
    /// Adds an imported master to the presentation's master list.
    fn register_master(&mut self, master: &str, id: u32);
    /// The target layout a source layout was imported as, if it was.
    fn imported_layout(&self, key: &(usize, String)) -> Option<String>;
    fn remember_imported_layout(&mut self, key: (usize, String), layout: String);
}

fn is_media(rel: &Rel, target: &str) -> bool {
    matches!(rel.kind(), "image" | "media" | "video" | "audio" | "hdphoto")
        || target.starts_with("/ppt/media/")
}

fn ext_of(name: &str) -> &str {
    name.rsplit_once('.').map_or("bin", |(_, e)| e)
}

/// The file-name stem without its number: `/ppt/charts/chart12.xml` → `/ppt/charts/chart`.
fn stem(name: &str) -> &str {
    let base = name.rsplit_once('.').map_or(name, |(b, _)| b);
    base.trim_end_matches(|c: char| c.is_ascii_digit())
}

/// Copies `part` (and, recursively, what it owns) from `src`; returns the new name.
fn copy_owned(
    b: &mut dyn Target,
    src: &Package,
    part: &str,
    memo: &mut HashMap<String, String>,
) -> Result<String, DeckError> {
    if let Some(done) = memo.get(part) {
        return Ok(done.clone());
    }
    let data = src.part(part)?.to_vec();
    let name = b.package_mut().free_name(stem(part), ext_of(part));
    let ct = src.content_type(part).map(str::to_owned);
    if let (Some(ct), false) = (&ct, part.ends_with(".xml")) {
        b.package_mut().ensure_default(ext_of(part), ct);
    }
    b.package_mut().put(&name, data, ct.as_deref());
    memo.insert(part.to_owned(), name.clone());
    let mut rels = Vec::new();
    for rel in src.rels(part)? {
        rels.push(copy_rel(b, src, part, &name, rel, memo)?);
    }
    b.package_mut().set_rels(&name, &rels);
    Ok(name)
}

/// Re-targets one relationship of a copied part.
fn copy_rel(
    b: &mut dyn Target,
    src: &Package,
    src_part: &str,
    new_part: &str,
    rel: Rel,
    memo: &mut HashMap<String, String>,
) -> Result<Rel, DeckError> {
    let Some(target) = src.target(src_part, &rel)? else {
        return Ok(rel);
    };
    if !src.has(&target) {
        return Err(DeckError::malformed(
            src_part,
            format!("relationship {} points at missing {target}", rel.id),
        ));
    }
    let new_target = if is_media(&rel, &target) {
        b.add_media(src.part(&target)?.to_vec(), ext_of(&target))
    } else {
        copy_owned(b, src, &target, memo)?
    };
    Ok(Rel {
        target: opc::relative(new_part, &new_target),
        ..rel
    })
}

pub(crate) fn clone_slide(
    b: &mut dyn Target,
    src: &Package,
    slide_no: usize,
    replace: &BTreeMap<String, String>,
    notes: &str,
    layout: Option<&str>,
) -> Result<(), DeckError> {
    let (src_pres, slides) = slides_of(src)?;
    let src_slide = slide_no
        .checked_sub(1)
        .and_then(|i| slides.get(i))
        .ok_or_else(|| {
            DeckError::Plan(format!(
                "the source deck has no slide {slide_no} (it has {})",
                slides.len()
            ))
        })?
        .clone();
    let mut root = src.xml(&src_slide)?;
    let src_rels = src.rels(&src_slide)?;
    let counter = b.next_clone_number();

    let new_slide = b.package_mut().free_name("/ppt/slides/slide", "xml");
    let mut memo = HashMap::new();
    let mut rels = Vec::new();
    let mut dropped = Vec::new();
    let mut src_notes_text = String::new();
    let mut layouts = None;
    for rel in src_rels {
        match rel.kind() {
            "slideLayout" => {
                let src_layout = opc::resolve(&src_slide, &rel.target)?;
                let target = map_layout(b, src, &src_pres, &src_layout, layout)?;
                rels.push(Rel {
                    target: opc::relative(&new_slide, &target),
                    ..rel
                });
                layouts = Some((src_layout, target));
            }
            "notesSlide" => {
                let n = opc::resolve(&src_slide, &rel.target)?;
                if let Ok(nroot) = src.xml(&n) {
                    src_notes_text = notes_text(&nroot);
                }
            }
            "slide" | "comments" | "commentAuthors" => dropped.push(rel.id.clone()),
            _ => rels.push(copy_rel(b, src, &src_slide, &new_slide, rel, &mut memo)?),
        }
    }

    // Fresh identities for the copy, tokens replaced, links to dropped parts blanked.
    let mut guid_n = 0u64;
    root.walk_mut(&mut |e| {
        match e.local() {
            "creationId" if e.attr("val").is_some() => {
                let v = (content_hash(format!("{counter}:{}", e.attr("val").unwrap_or("")).as_bytes())
                    as u32)
                    .max(1);
                e.set_attr("val", v.to_string());
            }
            "creationId" if e.attr("id").is_some() => {
                guid_n += 1;
                e.set_attr("id", guid(counter, guid_n));
            }
            _ => {}
        }
        for (k, v) in e.attrs.iter_mut() {
            if k.starts_with("r:") && dropped.contains(v) {
                v.clear();
            }
        }
        if e.local() == "t" && !replace.is_empty() {
            for node in e.children.iter_mut() {
                if let Node::Text(t) = node {
                    for (from, to) in replace {
                        if t.contains(from.as_str()) {
                            *t = t.replace(from.as_str(), &xml::sanitize(to));
                        }
                    }
                }
            }
        }
    });
    // Placeholders must point at the target layout's placeholders, and
    // their text (tokens replaced) must fit the target's boxes.
    if let Some((src_layout, target)) = &layouts {
        if let Some(tl) = b.template().layouts.iter().find(|l| &l.part == target) {
            let sl = placeholders(&src.xml(src_layout)?);
            remap_placeholders(&mut root, &sl, &tl.placeholders);
            fit_placeholder_text(&mut root, b.template(), tl);
        }
    }
    // A bank deck of another slide size: scale and centre the shapes so the
    // slide keeps its composition inside the target's slide.
    let src_size = crate::ooxml::slide_size(&src.xml(&src_pres)?).and_then(Result::ok);
    if let Some(src_size) = src_size.filter(|s| *s != b.template().slide_size) {
        rescale(&mut root, src_size, b.template().slide_size);
    }
    b.package_mut().put(&new_slide, root.to_part(), Some(CT_SLIDE));
    let notes = if notes.trim().is_empty() {
        // The bank's own notes, with the same tokens replaced as on the slide.
        replace
            .iter()
            .fold(src_notes_text, |t, (from, to)| t.replace(from.as_str(), to))
    } else {
        notes.to_owned()
    };
    b.attach_slide(&new_slide, rels, &notes)
}

/// What a placeholder is for, to pair placeholders across layouts.
fn role(ph_type: &str) -> &'static str {
    match ph_type {
        "title" | "ctrTitle" => "title",
        "subTitle" => "subtitle",
        "pic" => "pic",
        "dt" | "ftr" | "sldNum" | "hdr" => "furniture",
        _ => "content",
    }
}

/// Re-points each placeholder of a cloned slide at the target layout's
/// placeholder with the same role and rank (first content → first content).
/// A placeholder with no counterpart becomes a plain shape at its source
/// position, so it neither vanishes nor lands in a footer box.
fn remap_placeholders(
    root: &mut Element,
    src: &[crate::template::Placeholder],
    dst: &[crate::template::Placeholder],
) {
    let Some(tree) = root.child_mut("cSld").and_then(|c| c.child_mut("spTree")) else {
        return;
    };
    for shape in tree.elements_mut() {
        let Some(nv) = shape.elements_mut().find(|e| e.local().starts_with("nv")) else {
            continue;
        };
        let Some(ph) = nv.child_mut("nvPr").and_then(|p| p.child_mut("ph")) else {
            continue;
        };
        let t = ph.attr("type").unwrap_or("obj").to_owned();
        let idx: Option<u32> = ph.attr("idx").and_then(|v| v.parse().ok());
        let source = src
            .iter()
            .position(|p| idx.is_some() && p.idx == idx && role(&p.ph_type) == role(&t))
            .or_else(|| src.iter().position(|p| p.ph_type == t));
        let rank = source.map_or(0, |i| {
            src[..i].iter().filter(|p| role(&p.ph_type) == role(&t)).count()
        });
        let target = dst.iter().filter(|p| role(&p.ph_type) == role(&t)).nth(rank);
        // Where the shape must state its position: the target's repaired
        // geometry, or the source's when it no longer has a placeholder.
        let rect = match target {
            Some(tp) => {
                if tp.ph_type == "obj" {
                    ph.attrs.retain(|(k, _)| k != "type");
                } else {
                    ph.set_attr("type", tp.ph_type.clone());
                }
                match tp.idx {
                    Some(i) => ph.set_attr("idx", i.to_string()),
                    None => ph.attrs.retain(|(k, _)| k != "idx"),
                }
                tp.rect.filter(|_| tp.explicit)
            }
            None => {
                if let Some(nv_pr) = nv.child_mut("nvPr") {
                    nv_pr
                        .children
                        .retain(|n| !matches!(n, Node::Element(e) if e.local() == "ph"));
                }
                source.and_then(|i| src[i].rect)
            }
        };
        if let (Some(r), Some(sp_pr)) = (rect, shape.child_mut("spPr")) {
            if sp_pr.child("xfrm").is_none() {
                let xfrm = Element::new("a:xfrm")
                    .with_child(
                        Element::new("a:off")
                            .with_attr("x", r.x.to_string())
                            .with_attr("y", r.y.to_string()),
                    )
                    .with_child(
                        Element::new("a:ext")
                            .with_attr("cx", r.cx.to_string())
                            .with_attr("cy", r.cy.to_string()),
                    );
                sp_pr.children.insert(0, Node::Element(xfrm));
            }
        }
    }
}

/// Shrinks the text of each placeholder to fit the target layout's box, as
/// the builder does for its own slides (text with explicit sizes is the
/// bank designer's choice and stays as it is).
fn fit_placeholder_text(root: &mut Element, tpl: &Template, layout: &crate::template::Layout) {
    use crate::fit::{Shrink, STEPS};
    let Some(tree) = root.child_mut("cSld").and_then(|c| c.child_mut("spTree")) else {
        return;
    };
    for shape in tree.elements_mut().filter(|e| e.local() == "sp") {
        let Some(ph) = shape.path(&["nvSpPr", "nvPr", "ph"]) else {
            continue;
        };
        let t = ph.attr("type").unwrap_or("obj").to_owned();
        let idx: Option<u32> = ph.attr("idx").and_then(|v| v.parse().ok());
        let Some(target) = layout
            .placeholders
            .iter()
            .find(|p| idx.is_some() && p.idx == idx)
            .or_else(|| layout.placeholders.iter().find(|p| p.ph_type == t))
        else {
            continue;
        };
        // The shape's own box, where it has one, is what the text must fit.
        let mut target = target.clone();
        if let Some(own) = crate::template::parse_rect(shape.child("spPr")) {
            target.rect = Some(own);
        }
        let Some(body) = shape.child_mut("txBody") else {
            continue;
        };
        let sized = body
            .descendants()
            .iter()
            .any(|e| e.local() == "rPr" && e.attr("sz").is_some());
        if sized || body.child("bodyPr").is_none() {
            continue;
        }
        let texts: Vec<(String, u8)> = body
            .elements()
            .filter(|p| p.local() == "p")
            .map(|p| (crate::text::paragraph_text(p), crate::text::paragraph_level(p)))
            .collect();
        let paras: Vec<crate::text::Para<'_>> = texts
            .iter()
            .map(|(text, level)| crate::text::Para {
                text,
                level: *level,
                no_bullet: false,
                align: None,
            })
            .collect();
        let shrink = crate::text::shrink_for(tpl, layout, &target, &paras).unwrap_or(STEPS[STEPS.len() - 1]);
        if shrink == Shrink::NONE {
            continue;
        }
        let Some(body_pr) = body.child_mut("bodyPr") else {
            continue;
        };
        body_pr.children.retain(
            |n| !matches!(n, Node::Element(e) if matches!(e.local(), "normAutofit" | "noAutofit" | "spAutoFit")),
        );
        let fit = Element::new("a:normAutofit")
            .with_attr("fontScale", shrink.font_scale.to_string())
            .with_attr("lnSpcReduction", shrink.ln_spc_reduction.to_string());
        let at = usize::from(body_pr.child("prstTxWarp").is_some());
        body_pr.children.insert(at, Node::Element(fit));
    }
}

/// Scales the top-level shapes of a slide from one slide size to another,
/// uniformly, centred. Group children keep their own coordinate space.
fn rescale(root: &mut Element, from: (i64, i64), to: (i64, i64)) {
    let s = (to.0 as f64 / from.0 as f64).min(to.1 as f64 / from.1 as f64);
    let dx = (to.0 as f64 - from.0 as f64 * s) / 2.0;
    let dy = (to.1 as f64 - from.1 as f64 * s) / 2.0;
    let Some(tree) = root.child_mut("cSld").and_then(|c| c.child_mut("spTree")) else {
        return;
    };
    for shape in tree.elements_mut() {
        let xfrm = match shape.local() {
            "graphicFrame" => shape.child_mut("xfrm"),
            "sp" | "pic" | "cxnSp" => shape.child_mut("spPr").and_then(|p| p.child_mut("xfrm")),
            "grpSp" => shape.child_mut("grpSpPr").and_then(|p| p.child_mut("xfrm")),
            _ => None,
        };
        let Some(xfrm) = xfrm else { continue };
        for e in xfrm.elements_mut() {
            let (ka, kb, shift) = match e.local() {
                "off" => ("x", "y", true),
                "ext" => ("cx", "cy", false),
                _ => continue,
            };
            for (k, d) in [(ka, dx), (kb, dy)] {
                if let Some(v) = e.attr(k).and_then(crate::ooxml::coordinate) {
                    let nv = v as f64 * s + if shift { d } else { 0.0 };
                    e.set_attr(k, (nv.round() as i64).to_string());
                }
            }
        }
    }
}

/// A deterministic GUID for the n-th creationId of the k-th clone.
fn guid(k: u64, n: u64) -> String {
    let a = content_hash(format!("courseware-clone:{k}:{n}").as_bytes());
    let c = content_hash(format!("{a}:{k}").as_bytes());
    format!(
        "{{{:08X}-{:04X}-4{:03X}-8{:03X}-{:012X}}}",
        (a >> 32) as u32,
        (a >> 16) as u16,
        (a & 0xFFF) as u16,
        (c >> 52) as u16 & 0xFFF,
        c & 0xFFFF_FFFF_FFFF
    )
}

fn notes_text(root: &Element) -> String {
    let Some(tree) = root.path(&["cSld", "spTree"]) else {
        return String::new();
    };
    for sp in tree.elements().filter(|e| e.local() == "sp") {
        let is_body = sp
            .path(&["nvSpPr", "nvPr", "ph"])
            .is_some_and(|ph| ph.attr("type") == Some("body"));
        if is_body {
            if let Some(body) = sp.child("txBody") {
                return body
                    .elements()
                    .filter(|p| p.local() == "p")
                    .map(Element::text)
                    .collect::<Vec<_>>()
                    .join("\n\n");
            }
        }
    }
    String::new()
}

/// Chooses the target layout for a cloned slide (see the module docs).
fn map_layout(
    b: &mut dyn Target,
    src: &Package,
    src_pres: &str,
    src_layout: &str,
    explicit: Option<&str>,
) -> Result<String, DeckError> {
    if let Some(name) = explicit {
        return b
            .template()
            .layout_named(name)
            .map(|l| l.part.clone())
            .ok_or_else(|| DeckError::Plan(format!("the template has no layout named {name:?}")));
    }
    let root = src.xml(src_layout)?;
    let name = root.child("cSld").and_then(|c| c.attr("name")).unwrap_or("");
    // By name; when several masters have a layout of that name, the one the
    // designer's intent ranks first for its kind of slide.
    let tpl = b.template();
    let named: Vec<usize> = (0..tpl.layouts.len())
        .filter(|&i| !name.is_empty() && tpl.layouts[i].name.eq_ignore_ascii_case(name))
        .collect();
    if let Some(&first) = named.first() {
        let ranked = Role::of_kind(tpl.layouts[first].kind)
            .map(|r| tpl.layouts_for_role(r))
            .unwrap_or_default();
        let best = ranked.into_iter().find(|i| named.contains(i)).unwrap_or(first);
        return Ok(tpl.layouts[best].part.clone());
    }
    let src_h = crate::ooxml::slide_size(&src.xml(src_pres)?)
        .and_then(Result::ok)
        .map_or(6_858_000, |(_, cy)| cy);
    let kind = classify(&placeholders(&root), src_h);
    if kind != LayoutKind::Other {
        // A layout of the same kind, the one the designer's intent ranks first.
        let tpl = b.template();
        let ranked = Role::of_kind(kind)
            .map(|r| tpl.layouts_for_role(r))
            .unwrap_or_default();
        let same_kind = ranked
            .into_iter()
            .map(|i| &tpl.layouts[i])
            .find(|l| l.kind == kind)
            .or_else(|| tpl.layout_of(kind));
        if let Some(l) = same_kind {
            return Ok(l.part.clone());
        }
    }
    import_layout(b, src, src_layout)
}

/// Imports a source layout with its master (and the master's theme) once.
fn import_layout(b: &mut dyn Target, src: &Package, src_layout: &str) -> Result<String, DeckError> {
    let key = (src as *const Package as usize, src_layout.to_owned());
    if let Some(done) = b.imported_layout(&key) {
        return Ok(done);
    }
    let layout_rels = src.rels(src_layout)?;
    let master_rel = layout_rels
        .iter()
        .find(|r| r.kind() == "slideMaster")
        .ok_or_else(|| DeckError::malformed(src_layout, "layout without a master"))?;
    let src_master = opc::resolve(src_layout, &master_rel.target)?;

    let mut memo = HashMap::new();
    let new_master = b.package_mut().free_name("/ppt/slideMasters/slideMaster", "xml");
    let new_layout = b.package_mut().free_name("/ppt/slideLayouts/slideLayout", "xml");
    memo.insert(src_master.clone(), new_master.clone());
    memo.insert(src_layout.to_owned(), new_layout.clone());

    // Layout: its own rels, with the master pointing at the new master.
    b.package_mut().put(
        &new_layout,
        src.part(src_layout)?.to_vec(),
        src.content_type(src_layout),
    );
    let mut lrels = Vec::new();
    for rel in layout_rels {
        if rel.kind() == "slideMaster" {
            lrels.push(Rel {
                target: opc::relative(&new_layout, &new_master),
                ..rel
            });
        } else {
            lrels.push(copy_rel(b, src, src_layout, &new_layout, rel, &mut memo)?);
        }
    }
    b.package_mut().set_rels(&new_layout, &lrels);

    // Master: only the imported layout stays in its layout list.
    let mut mroot = src.xml(&src_master)?;
    let mut mrels = Vec::new();
    let mut keep_rid = None;
    for rel in src.rels(&src_master)? {
        if rel.kind() == "slideLayout" {
            if opc::resolve(&src_master, &rel.target)? == src_layout {
                keep_rid = Some(rel.id.clone());
                mrels.push(Rel {
                    target: opc::relative(&new_master, &new_layout),
                    ..rel
                });
            }
            continue;
        }
        mrels.push(copy_rel(b, src, &src_master, &new_master, rel, &mut memo)?);
    }
    let (master_id, layout_id) = fresh_master_ids(b);
    if let Some(list) = mroot.child_mut("sldLayoutIdLst") {
        list.children
            .retain(|n| matches!(n, Node::Element(e) if e.attr("r:id") == keep_rid.as_deref()));
        for e in list.elements_mut() {
            e.set_attr("id", layout_id.to_string());
        }
    }
    b.package_mut()
        .put(&new_master, mroot.to_part(), src.content_type(&src_master));
    b.package_mut().set_rels(&new_master, &mrels);
    b.register_master(&new_master, master_id);
    b.remember_imported_layout(key, new_layout.clone());
    Ok(new_layout)
}

/// Ids for an imported master and its layout, above every id in use.
fn fresh_master_ids(b: &dyn Target) -> (u32, u32) {
    let mut max: u32 = 2_147_483_648;
    let mut scan = |root: &Element| {
        for e in root.descendants() {
            if matches!(e.local(), "sldMasterId" | "sldLayoutId") {
                if let Some(v) = e.attr("id").and_then(|v| v.parse::<u32>().ok()) {
                    max = max.max(v);
                }
            }
        }
    };
    scan(&b.presentation());
    let pkg = b.package();
    for name in pkg
        .part_names()
        .filter(|n| n.starts_with("/ppt/slideMasters/") && n.ends_with(".xml"))
    {
        if let Ok(root) = pkg.xml(name) {
            scan(&root);
        }
    }
    (max.saturating_add(1), max.saturating_add(2))
}

#[cfg(test)]
mod tests {
    #[test]
    fn guids_are_well_formed_and_distinct() {
        let a = super::guid(1, 1);
        let b = super::guid(1, 2);
        assert_ne!(a, b);
        assert_eq!(a.len(), 38);
        assert!(a.starts_with('{') && a.ends_with('}'));
        assert_eq!(super::stem("/ppt/charts/chart12.xml"), "/ppt/charts/chart");
    }
}
