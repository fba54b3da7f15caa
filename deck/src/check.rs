//! The package invariants: breaches that make a file invalid (dangling
//! relationships, missing content types, duplicate ids, parts out of schema
//! order…). The builder is written to keep them; this checker proves it on
//! every deck the tests build (and `courseware deck lint` runs it on any
//! file). Each violation names the part and what is wrong. Things a valid
//! deck may lack — notes pages, an up-to-date slide count in
//! `docProps/app.xml` — are lint findings, not violations.

use std::collections::{BTreeSet, HashMap, HashSet};

use crate::opc::{self, Limits, Package};
use crate::xml::Element;
use crate::DeckError;

use crate::ooxml::{CT_PRESENTATION, PRESENTATION_ORDER as ORDER};

/// Checks `bytes`; an empty list means every invariant holds.
pub fn check_bytes(bytes: &[u8]) -> Result<Vec<String>, DeckError> {
    let pkg = Package::from_bytes(bytes, Limits::default())?;
    check(&pkg)
}

pub fn check(pkg: &Package) -> Result<Vec<String>, DeckError> {
    let mut v = Vec::new();
    let names: Vec<String> = pkg.part_names().cloned().collect();

    // Relationships: unique ids, existing targets, and every r:* attribute resolves.
    let mut rels_of: HashMap<String, Vec<opc::Rel>> = HashMap::new();
    for name in names
        .iter()
        .filter(|n| !n.ends_with(".rels"))
        .chain(std::iter::once(&"/".to_string()))
    {
        let rels = pkg.rels(name)?;
        let mut ids = HashSet::new();
        for r in &rels {
            if !ids.insert(r.id.clone()) {
                v.push(format!("{name}: duplicate relationship id {}", r.id));
            }
            if let Some(t) = pkg.target(name, r)? {
                if !pkg.has(&t) {
                    v.push(format!("{name}: relationship {} points at missing {t}", r.id));
                }
            }
        }
        rels_of.insert(name.clone(), rels);
    }
    for name in names
        .iter()
        .filter(|n| n.ends_with(".xml") && !n.contains("/_rels/"))
    {
        let Ok(root) = pkg.xml(name) else {
            v.push(format!("{name}: not well-formed XML"));
            continue;
        };
        let ids: HashSet<&str> = rels_of
            .get(name)
            .map(|r| r.iter().map(|r| r.id.as_str()).collect())
            .unwrap_or_default();
        for e in std::iter::once(&root).chain(root.descendants()) {
            for (k, val) in &e.attrs {
                if k.starts_with("r:") && !val.is_empty() && !ids.contains(val.as_str()) {
                    v.push(format!("{name}: {} {k}=\"{val}\" has no relationship", e.name));
                }
            }
            if e.local() == "ext" && (e.name.starts_with("a:") || e.name.starts_with("p:")) {
                for a in ["cx", "cy"] {
                    if let Some(val) = e.attr(a) {
                        if val.parse::<i64>().map_or(true, |n| n < 0) {
                            v.push(format!("{name}: {a}=\"{val}\" is not a non-negative size"));
                        }
                    }
                }
            }
            if e.local() == "tbl" {
                let cols = e.child("tblGrid").map_or(0, |g| g.elements().count());
                for (i, tr) in e.elements().filter(|r| r.local() == "tr").enumerate() {
                    let cells = tr.elements().filter(|c| c.local() == "tc").count();
                    if cells != cols {
                        v.push(format!(
                            "{name}: table row {} has {cells} cells for {cols} grid columns",
                            i + 1
                        ));
                    }
                }
            }
        }
        // Content types: each XML part has a specific one.
        match pkg.content_type(name) {
            None => v.push(format!("{name}: no content type")),
            Some("application/xml") if !name.starts_with("/customXml/") => {
                v.push(format!("{name}: only the generic application/xml content type"))
            }
            _ => {}
        }
    }
    for name in names
        .iter()
        .filter(|n| !n.ends_with(".xml") && !n.ends_with(".rels"))
    {
        if pkg.content_type(name).is_none() {
            v.push(format!(
                "{name}: no content type (missing Default for its extension)"
            ));
        }
    }
    for o in pkg.overrides().keys() {
        if !pkg.has(o) {
            v.push(format!("[Content_Types].xml: override for missing part {o}"));
        }
    }
    let mut lower = HashSet::new();
    for n in &names {
        if !lower.insert(n.to_ascii_lowercase()) {
            v.push(format!("{n}: part name differs from another only by case"));
        }
    }

    // Presentation-level structure.
    let root_rels = &rels_of["/"];
    let Some(main) = root_rels.iter().find(|r| r.kind() == "officeDocument") else {
        v.push("package: no officeDocument relationship".into());
        return Ok(v);
    };
    let pres_name = opc::resolve("/", &main.target)?;
    let pres = pkg.xml(&pres_name)?;
    let pres_rels = &rels_of[&pres_name];
    if pkg.content_type(&pres_name) != Some(CT_PRESENTATION) {
        v.push(format!("{pres_name}: main part is not a presentation"));
    }
    let order: Vec<usize> = pres
        .elements()
        .map(|e| ORDER.iter().position(|o| *o == e.local()).unwrap_or(usize::MAX))
        .collect();
    if order.windows(2).any(|w| w[0] > w[1]) {
        v.push(format!("{pres_name}: children out of schema order"));
    }

    let mut slide_ids = BTreeSet::new();
    let mut slides = Vec::new();
    for e in pres.child("sldIdLst").into_iter().flat_map(Element::elements) {
        let id = e.attr("id").and_then(|i| i.parse::<u64>().ok()).unwrap_or(0);
        if !(256..=2_147_483_647).contains(&id) {
            v.push(format!("{pres_name}: slide id {id} out of range"));
        }
        if !slide_ids.insert(id) {
            v.push(format!("{pres_name}: duplicate slide id {id}"));
        }
        if let Some(rel) = e
            .attr("r:id")
            .and_then(|rid| pres_rels.iter().find(|r| r.id == rid))
        {
            slides.push(opc::resolve(&pres_name, &rel.target)?);
        }
    }
    let mut big_ids = HashSet::new();
    for e in pres
        .child("sldMasterIdLst")
        .into_iter()
        .flat_map(Element::elements)
    {
        let id = e.attr("id").and_then(|i| i.parse::<u64>().ok()).unwrap_or(0);
        if id < 2_147_483_648 || !big_ids.insert(id) {
            v.push(format!("{pres_name}: master id {id} is below 2^31 or not unique"));
        }
        if let Some(rel) = e
            .attr("r:id")
            .and_then(|rid| pres_rels.iter().find(|r| r.id == rid))
        {
            let master = opc::resolve(&pres_name, &rel.target)?;
            if let Ok(m) = pkg.xml(&master) {
                for l in m.child("sldLayoutIdLst").into_iter().flat_map(Element::elements) {
                    let id = l.attr("id").and_then(|i| i.parse::<u64>().ok()).unwrap_or(0);
                    if id < 2_147_483_648 || !big_ids.insert(id) {
                        v.push(format!("{master}: layout id {id} is below 2^31 or not unique"));
                    }
                }
            }
        }
    }

    // Sections: complete or absent.
    for e in pres
        .descendants()
        .into_iter()
        .filter(|e| e.local() == "sectionLst")
    {
        let mut listed = BTreeSet::new();
        for id in e.descendants().into_iter().filter(|x| x.local() == "sldId") {
            let n = id.attr("id").and_then(|i| i.parse::<u64>().ok()).unwrap_or(0);
            if !listed.insert(n) {
                v.push(format!("{pres_name}: slide {n} in two sections"));
            }
        }
        if listed != slide_ids {
            v.push(format!("{pres_name}: section list does not match the slides"));
        }
    }

    // Slides: one notes page each, linked both ways; unique shape ids.
    for slide in &slides {
        let rels = pkg.rels(slide)?;
        // No notes page is valid (the lint reports it); two are not.
        let notes: Vec<_> = rels.iter().filter(|r| r.kind() == "notesSlide").collect();
        if notes.len() > 1 {
            v.push(format!("{slide}: {} notes pages (at most 1)", notes.len()));
        }
        for n in notes {
            let nn = opc::resolve(slide, &n.target)?;
            let back = pkg.rels(&nn)?;
            let ok = back.iter().any(|r| {
                r.kind() == "slide" && opc::resolve(&nn, &r.target).ok().as_deref() == Some(slide.as_str())
            });
            if !ok {
                v.push(format!("{nn}: does not point back at {slide}"));
            }
        }
        if let Ok(root) = pkg.xml(slide) {
            let mut ids = HashSet::new();
            for c in root.descendants().into_iter().filter(|e| e.local() == "cNvPr") {
                if let Some(id) = c.attr("id") {
                    if !ids.insert(id.to_owned()) {
                        v.push(format!("{slide}: shape id {id} used twice"));
                    }
                }
            }
        }
    }

    Ok(v)
}
