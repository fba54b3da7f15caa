//! The OPC package: a ZIP of named parts, their content types and their
//! relationships. Parts are kept as bytes; only what the engine changes is
//! re-serialized, so everything else in a template survives byte for byte.
//!
//! Reading is defensive (the input is a user upload): entry count, total size
//! and compression ratio are limited, part names must stay inside the
//! package, and every failure is a typed error.

use std::collections::BTreeMap;
use std::io::{Cursor, Read, Write};

use crate::ooxml::{CT_RELS, NS_CT, NS_RELS, REL_OFFICE_DOC};
use crate::xml::{self, Element};
use crate::DeckError;

/// A hash of part bytes, to find identical media.
pub fn content_hash(data: &[u8]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    data.hash(&mut h);
    h.finish()
}

/// The next free `rIdN` among `rels`.
pub fn next_rid(rels: &[Rel]) -> String {
    let n = rels
        .iter()
        .filter_map(|r| r.id.strip_prefix("rId").and_then(|n| n.parse::<u32>().ok()))
        .max()
        .unwrap_or(0);
    format!("rId{}", n + 1)
}

/// Limits on what a package may contain.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_entries: usize,
    pub max_total_bytes: u64,
    pub max_part_bytes: u64,
    /// Largest uncompressed/compressed ratio for an entry bigger than 1 MiB.
    pub max_ratio: u64,
}

impl Limits {
    /// For files users upload (templates, Word outlines): what a real file
    /// needs, and small enough that a few open at once stay in memory bounds.
    pub fn upload() -> Self {
        Self {
            max_entries: 5_000,
            max_total_bytes: 150 << 20,
            max_part_bytes: 100 << 20,
            max_ratio: 200,
        }
    }
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_entries: 20_000,
            max_total_bytes: 1 << 30,
            max_part_bytes: 512 << 20,
            max_ratio: 200,
        }
    }
}

/// One relationship from a part (or the package) to a target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rel {
    pub id: String,
    pub rel_type: String,
    /// As written in the rels part (relative for internal targets).
    pub target: String,
    pub external: bool,
}

impl Rel {
    /// The last segment of the type URI: `slideLayout`, `image`, `notesSlide`…
    pub fn kind(&self) -> &str {
        self.rel_type.rsplit('/').next().unwrap_or("")
    }
}

/// An OPC package in memory.
#[derive(Debug, Clone, Default)]
pub struct Package {
    parts: BTreeMap<String, Vec<u8>>,
    defaults: BTreeMap<String, String>,
    overrides: BTreeMap<String, String>,
    /// Lower-cased part names (OPC names are case-insensitive).
    lower: std::collections::HashSet<String>,
    /// Next number to try per name prefix in [`Package::free_name`].
    next_free: std::collections::HashMap<String, u32>,
}

/// Normalizes a part name: leading slash, no `.`/`..` segments, no backslashes.
pub fn normalize(name: &str) -> Result<String, DeckError> {
    if name.contains('\\') || name.contains('\0') {
        return Err(DeckError::Malformed(format!("illegal part name {name:?}")));
    }
    let mut segs: Vec<&str> = Vec::new();
    for seg in name.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if segs.pop().is_none() {
                    return Err(DeckError::Malformed(format!(
                        "part name escapes the package: {name:?}"
                    )));
                }
            }
            s => segs.push(s),
        }
    }
    if segs.is_empty() {
        return Err(DeckError::Malformed(format!("empty part name {name:?}")));
    }
    Ok(format!("/{}", segs.join("/")))
}

/// The rels part that belongs to `part` (`/ppt/slides/slide1.xml` →
/// `/ppt/slides/_rels/slide1.xml.rels`; the package itself is `/`).
pub fn rels_name(part: &str) -> String {
    if part == "/" {
        return "/_rels/.rels".into();
    }
    let (dir, file) = part.rsplit_once('/').unwrap_or(("", part));
    format!("{dir}/_rels/{file}.rels")
}

/// Resolves a relative target against the part that points at it.
pub fn resolve(source: &str, target: &str) -> Result<String, DeckError> {
    if target.starts_with('/') {
        return normalize(target);
    }
    let dir = if source == "/" {
        ""
    } else {
        source.rsplit_once('/').map_or("", |(d, _)| d)
    };
    normalize(&format!("{dir}/{target}"))
}

/// The relative path from `source`'s folder to `target` (both absolute).
pub fn relative(source: &str, target: &str) -> String {
    let from: Vec<&str> = source.trim_start_matches('/').split('/').collect();
    let from = &from[..from.len().saturating_sub(1)];
    let to: Vec<&str> = target.trim_start_matches('/').split('/').collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<&str> = vec![".."; from.len() - common];
    parts.extend(&to[common..]);
    parts.join("/")
}

fn extension(name: &str) -> String {
    name.rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default()
}

impl Package {
    /// Reads a package from ZIP bytes, enforcing `limits`.
    pub fn from_bytes(bytes: &[u8], limits: Limits) -> Result<Self, DeckError> {
        let mut zip =
            zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| DeckError::NotAPackage(e.to_string()))?;
        if zip.len() > limits.max_entries {
            return Err(DeckError::Limit(format!(
                "{} entries (limit {})",
                zip.len(),
                limits.max_entries
            )));
        }
        let mut pkg = Package::default();
        let mut total: u64 = 0;
        for i in 0..zip.len() {
            let mut file = zip
                .by_index(i)
                .map_err(|e| DeckError::NotAPackage(e.to_string()))?;
            if file.is_dir() {
                continue;
            }
            let raw_name = file
                .name()
                .map_err(|e| DeckError::NotAPackage(e.to_string()))?
                .into_owned();
            let name = normalize(&raw_name)?;
            let declared = file.size();
            let compressed = file.compressed_size().max(1);
            if declared > (1 << 20) && declared / compressed > limits.max_ratio {
                return Err(DeckError::Limit(format!(
                    "{name}: compression ratio {} exceeds {}",
                    declared / compressed,
                    limits.max_ratio
                )));
            }
            // Read at most the limit + 1 byte: declared sizes can lie.
            let cap = limits.max_part_bytes.min(limits.max_total_bytes - total);
            let mut data = Vec::with_capacity(declared.min(cap) as usize);
            (&mut file)
                .take(cap + 1)
                .read_to_end(&mut data)
                .map_err(|e| DeckError::NotAPackage(format!("{name}: {e}")))?;
            if data.len() as u64 > cap {
                return Err(DeckError::Limit(format!("{name}: package larger than allowed")));
            }
            total += data.len() as u64;
            if name.eq_ignore_ascii_case("/[Content_Types].xml") {
                pkg.read_content_types(&data)?;
                continue;
            }
            if !pkg.lower.insert(name.to_ascii_lowercase()) {
                return Err(DeckError::Malformed(format!("duplicate part {name}")));
            }
            pkg.parts.insert(name, data);
        }
        if pkg.defaults.is_empty() && pkg.overrides.is_empty() {
            return Err(DeckError::NotAPackage("no [Content_Types].xml".into()));
        }
        Ok(pkg)
    }

    fn read_content_types(&mut self, data: &[u8]) -> Result<(), DeckError> {
        let root = xml::parse(data, "/[Content_Types].xml")?;
        for e in root.elements() {
            match e.local() {
                "Default" => {
                    if let (Some(ext), Some(ct)) = (e.attr("Extension"), e.attr("ContentType")) {
                        self.defaults.insert(ext.to_ascii_lowercase(), ct.to_owned());
                    }
                }
                "Override" => {
                    if let (Some(p), Some(ct)) = (e.attr("PartName"), e.attr("ContentType")) {
                        self.overrides.insert(normalize(p)?, ct.to_owned());
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    pub fn part_names(&self) -> impl Iterator<Item = &String> {
        self.parts.keys()
    }

    pub fn has(&self, name: &str) -> bool {
        self.parts.contains_key(name)
    }

    pub fn get(&self, name: &str) -> Option<&[u8]> {
        self.parts.get(name).map(Vec::as_slice)
    }

    pub fn part(&self, name: &str) -> Result<&[u8], DeckError> {
        self.get(name)
            .ok_or_else(|| DeckError::MissingPart(name.to_owned()))
    }

    pub fn xml(&self, name: &str) -> Result<Element, DeckError> {
        xml::parse(self.part(name)?, name)
    }

    /// Adds or replaces a part; `content_type` becomes an override unless the
    /// extension's default already says the same.
    pub fn put(&mut self, name: &str, data: Vec<u8>, content_type: Option<&str>) {
        if let Some(ct) = content_type {
            if self.defaults.get(&extension(name)).map(String::as_str) != Some(ct) {
                self.overrides.insert(name.to_owned(), ct.to_owned());
            }
        }
        self.lower.insert(name.to_ascii_lowercase());
        self.parts.insert(name.to_owned(), data);
    }

    pub fn remove(&mut self, name: &str) {
        let rels = rels_name(name);
        for n in [name, rels.as_str()] {
            self.parts.remove(n);
            self.lower.remove(&n.to_ascii_lowercase());
        }
        self.overrides.remove(name);
    }

    pub fn content_type(&self, name: &str) -> Option<&str> {
        self.overrides
            .get(name)
            .or_else(|| self.defaults.get(&extension(name)))
            .map(String::as_str)
    }

    pub fn set_override(&mut self, name: &str, ct: &str) {
        self.overrides.insert(name.to_owned(), ct.to_owned());
    }

    pub fn ensure_default(&mut self, ext: &str, ct: &str) {
        self.defaults
            .entry(ext.to_ascii_lowercase())
            .or_insert_with(|| ct.to_owned());
    }

    pub fn defaults(&self) -> &BTreeMap<String, String> {
        &self.defaults
    }

    pub fn overrides(&self) -> &BTreeMap<String, String> {
        &self.overrides
    }

    /// Relationships of `part` (empty when it has no rels part).
    pub fn rels(&self, part: &str) -> Result<Vec<Rel>, DeckError> {
        let name = rels_name(part);
        let Some(data) = self.get(&name) else {
            return Ok(Vec::new());
        };
        let root = xml::parse(data, &name)?;
        let mut out = Vec::new();
        for e in root.elements().filter(|e| e.local() == "Relationship") {
            let (Some(id), Some(t), Some(target)) = (e.attr("Id"), e.attr("Type"), e.attr("Target")) else {
                return Err(DeckError::malformed(
                    &name,
                    "relationship without Id, Type or Target",
                ));
            };
            out.push(Rel {
                id: id.to_owned(),
                rel_type: t.to_owned(),
                target: target.to_owned(),
                external: e.attr("TargetMode") == Some("External"),
            });
        }
        Ok(out)
    }

    /// What in the package would run code or reach outside it when opened —
    /// by anyone who opens a deck made from it, or by our own renderer on
    /// the server: VBA projects, ActiveX controls; relationships to
    /// external targets other than web or mail hyperlinks; an external
    /// hyperlink *used* as anything but a hyperlink (a picture's `r:link`
    /// typed "hyperlink" is still a picture fetched from the web);
    /// attributes that name an outside address themselves (VML `o:href`,
    /// `src`); DTDs (entity bombs, external entities) anywhere but in
    /// `docProps/`, which the builder writes afresh; and SVG pictures that
    /// are too big, carry a DTD or scripts, or load anything outside
    /// themselves (see [`svg_problem`]). Each entry says what and where,
    /// for the user.
    pub fn active_content(&self) -> Vec<String> {
        let mut found = Vec::new();
        for (name, data) in &self.parts {
            let lower = name.to_ascii_lowercase();
            let ct = self.content_type(name).unwrap_or("");
            if lower.ends_with("vbaproject.bin") || ct.contains("vbaProject") {
                found.push(format!("a macro project ({name})"));
            } else if lower.contains("/activex/") || ct.contains("activeX") {
                found.push(format!("an ActiveX control ({name})"));
            } else if lower.ends_with(".svg") || ct == "image/svg+xml" {
                if let Some(why) = svg_problem(data) {
                    found.push(format!("an SVG picture that {why} ({name})"));
                }
            } else if [".xml", ".rels", ".vml"].iter().any(|e| lower.ends_with(e)) {
                if !lower.starts_with("/docprops/") && has_dtd(data) {
                    found.push(format!("a DTD ({name})"));
                }
                if !lower.starts_with("/customxml/") {
                    if let Some(url) = outside_address(data) {
                        found.push(format!("a reference to {url} ({name})"));
                    }
                }
            }
        }
        let rels_parts: Vec<&String> = self.parts.keys().filter(|n| n.ends_with(".rels")).collect();
        for rels_part in rels_parts {
            // `/a/_rels/b.xml.rels` belongs to `/a/b.xml`.
            let source = rels_part
                .strip_suffix(".rels")
                .map(|s| s.replacen("/_rels/", "/", 1))
                .unwrap_or_default();
            let source = if source == "/" || source.is_empty() {
                "/".to_string()
            } else {
                source
            };
            let Ok(rels) = self.rels(&source) else { continue };
            let external: Vec<&Rel> = rels.iter().filter(|r| r.external).collect();
            if external.is_empty() {
                continue;
            }
            let mut web_links = Vec::new();
            for r in external {
                let target = r.target.trim().to_ascii_lowercase();
                let web = ["http://", "https://", "mailto:"]
                    .iter()
                    .any(|s| target.starts_with(s));
                if r.kind() == "hyperlink" && (web || target.starts_with('#')) {
                    web_links.push(r.id.as_str());
                } else {
                    found.push(format!("an external {} link in {source}", r.kind()));
                }
            }
            if web_links.is_empty() || source == "/" {
                continue;
            }
            // How the source part uses each web link: only as a hyperlink
            // on text or a shape (`a:hlinkClick r:id`, `a:hlinkHover r:id`).
            let Ok(root) = self.xml(&source) else {
                found.push(format!(
                    "an external link from a part that cannot be read ({source})"
                ));
                continue;
            };
            for e in std::iter::once(&root).chain(root.descendants()) {
                for (k, v) in &e.attrs {
                    if k.starts_with("xmlns") || !web_links.contains(&v.as_str()) {
                        continue;
                    }
                    let local = k.rsplit(':').next().unwrap_or(k);
                    let hyperlink =
                        local == "id" && matches!(e.local(), "hlinkClick" | "hlinkHover" | "hlinkMouseOver");
                    if !hyperlink {
                        found.push(format!(
                            "a web address used as {} ({} {k}) in {source}",
                            match local {
                                "link" | "embed" => "a linked picture or object",
                                _ => "something other than a hyperlink",
                            },
                            e.name
                        ));
                    }
                }
            }
        }
        found.sort();
        found.dedup();
        found
    }

    /// The absolute part name a relationship points at (`None` if external).
    pub fn target(&self, source: &str, rel: &Rel) -> Result<Option<String>, DeckError> {
        if rel.external {
            return Ok(None);
        }
        resolve(source, &rel.target).map(Some)
    }

    pub fn set_rels(&mut self, part: &str, rels: &[Rel]) {
        let name = rels_name(part);
        if rels.is_empty() {
            self.parts.remove(&name);
            self.lower.remove(&name.to_ascii_lowercase());
            return;
        }
        self.lower.insert(name.to_ascii_lowercase());
        let mut root = Element::new("Relationships").with_attr("xmlns", NS_RELS);
        for r in rels {
            let mut e = Element::new("Relationship")
                .with_attr("Id", &r.id)
                .with_attr("Type", &r.rel_type)
                .with_attr("Target", &r.target);
            if r.external {
                e.set_attr("TargetMode", "External");
            }
            root = root.with_child(e);
        }
        self.parts.insert(name, root.to_part());
    }

    /// A part name not yet used: `/ppt/slides/slide{n}.xml`, numbering on
    /// from the last name handed out for this prefix.
    pub fn free_name(&mut self, prefix: &str, ext: &str) -> String {
        let key = format!("{prefix}\0{ext}");
        let mut n = self.next_free.get(&key).copied().unwrap_or(1);
        loop {
            let c = format!("{prefix}{n}.{ext}");
            if !self.lower.contains(&c.to_ascii_lowercase()) {
                self.next_free.insert(key, n + 1);
                return c;
            }
            n += 1;
        }
    }

    /// Writes the package as ZIP bytes. `[Content_Types].xml` is regenerated:
    /// overrides only for parts that exist, a default for every extension in use.
    /// Entry timestamps are fixed so the same content gives the same bytes.
    pub fn to_bytes(&self) -> Result<Vec<u8>, DeckError> {
        let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            // Level 1: ~4x faster than the default for a few % more bytes.
            .compression_level(Some(1))
            .last_modified_time(zip::DateTime::default());
        let stored = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored)
            .last_modified_time(zip::DateTime::default());
        let io = |e: std::io::Error| DeckError::Write(e.to_string());
        let zerr = |e: zip::result::ZipError| DeckError::Write(e.to_string());

        out.start_file("[Content_Types].xml", opts).map_err(zerr)?;
        out.write_all(&self.content_types_xml()).map_err(io)?;
        // Package rels next, then every part in name order.
        let mut names: Vec<&String> = self.parts.keys().collect();
        names.sort_by_key(|n| (n.as_str() != "/_rels/.rels", n.as_str()));
        for name in names {
            let data = &self.parts[name];
            let already_compressed = matches!(
                extension(name).as_str(),
                "png" | "jpg" | "jpeg" | "gif" | "mp4" | "m4a" | "mp3" | "zip" | "xlsx" | "docx" | "pptx"
            );
            // Tiny parts (most .rels) gain nothing from deflate but pay its
            // per-entry setup; store them.
            let tiny = data.len() < 512;
            out.start_file(&name[1..], if already_compressed || tiny { stored } else { opts })
                .map_err(zerr)?;
            out.write_all(data).map_err(io)?;
        }
        Ok(out.finish().map_err(zerr)?.into_inner())
    }

    fn content_types_xml(&self) -> Vec<u8> {
        let mut defaults = self.defaults.clone();
        defaults.entry("rels".into()).or_insert_with(|| CT_RELS.into());
        defaults
            .entry("xml".into())
            .or_insert_with(|| "application/xml".into());
        for name in self.parts.keys() {
            let ext = extension(name);
            if !defaults.contains_key(&ext) && !self.overrides.contains_key(name) {
                if let Some(ct) = media_content_type(&ext) {
                    defaults.insert(ext, ct.into());
                }
            }
        }
        let mut root = Element::new("Types").with_attr("xmlns", NS_CT);
        for (ext, ct) in &defaults {
            root = root.with_child(
                Element::new("Default")
                    .with_attr("Extension", ext)
                    .with_attr("ContentType", ct),
            );
        }
        for (name, ct) in self.overrides.iter().filter(|(n, _)| self.parts.contains_key(*n)) {
            root = root.with_child(
                Element::new("Override")
                    .with_attr("PartName", name)
                    .with_attr("ContentType", ct),
            );
        }
        root.to_part()
    }
}

/// Content types of media files by extension.
pub fn media_content_type(ext: &str) -> Option<&'static str> {
    Some(match ext {
        "png" => "image/png",
        "jpg" | "jpeg" | "jpe" => "image/jpeg",
        "gif" => "image/gif",
        "bmp" => "image/bmp",
        "tif" | "tiff" => "image/tiff",
        "svg" => "image/svg+xml",
        "emf" => "image/x-emf",
        "wmf" => "image/x-wmf",
        "wdp" => "image/vnd.ms-photo",
        "mp4" => "video/mp4",
        "m4a" => "audio/mp4",
        "mp3" => "audio/mpeg",
        "wav" => "audio/wav",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "bin" => "application/vnd.openxmlformats-officedocument.oleObject",
        "fntdata" => "application/x-fontdata",
        _ => return None,
    })
}

/// Largest SVG picture a package may carry.
pub const MAX_SVG_BYTES: usize = 2 << 20;

/// Whether XML text declares a DTD or entities (case-insensitive, anywhere).
fn has_dtd(data: &[u8]) -> bool {
    let needle = |n: &[u8]| data.windows(n.len()).any(|w| w.eq_ignore_ascii_case(n));
    needle(b"<!DOCTYPE") || needle(b"<!ENTITY")
}

/// The first attribute value in `data` that names an outside address
/// itself: an `href`/`src` (any prefix) whose value has a scheme other
/// than a fragment, or a network path (`//host`, `\\host`).
fn outside_address(data: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(data);
    let lower = text.to_ascii_lowercase();
    for key in ["href=", "src="] {
        let mut from = 0;
        while let Some(at) = lower[from..].find(key) {
            let start = from + at;
            from = start + key.len();
            // An attribute name ends here: `href=` preceded by space or `:`.
            let before = lower[..start].chars().next_back().unwrap_or(' ');
            if !(before.is_whitespace() || before == ':') {
                continue;
            }
            let rest = &text[from..];
            let Some(quote) = rest.chars().next().filter(|c| *c == '"' || *c == '\'') else {
                continue;
            };
            let value: String = rest[1..].chars().take_while(|c| *c != quote).take(300).collect();
            if is_outside(&value) {
                return Some(value.chars().take(80).collect());
            }
        }
    }
    None
}

/// Whether a reference leaves the document: anything but a fragment, an
/// embedded raster picture, or a relative name inside the package.
fn is_outside(value: &str) -> bool {
    let v = value.trim().to_ascii_lowercase();
    if v.is_empty() || v.starts_with('#') {
        return false;
    }
    if [
        "data:image/png",
        "data:image/jpeg",
        "data:image/jpg",
        "data:image/gif",
    ]
    .iter()
    .any(|p| v.starts_with(p))
    {
        return false;
    }
    let scheme = v.split_once(':').is_some_and(|(s, _)| {
        !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
    });
    scheme || v.starts_with("//") || v.starts_with('\\')
}

/// Why an SVG picture may not travel in a deck (None: it may): too big,
/// not well-formed, a DTD, scripts or embedded HTML, or any reference
/// outside itself — `href`s, `url(…)` and `@import` in styles.
pub fn svg_problem(data: &[u8]) -> Option<&'static str> {
    if data.len() > MAX_SVG_BYTES {
        return Some("is larger than 2 MB");
    }
    if has_dtd(data) {
        return Some("declares a DTD");
    }
    let Ok(root) = crate::xml::parse(data, "svg") else {
        return Some("cannot be read");
    };
    for e in std::iter::once(&root).chain(root.descendants()) {
        let local = e.local().to_ascii_lowercase();
        if matches!(
            local.as_str(),
            "script" | "foreignobject" | "iframe" | "object" | "embed"
        ) {
            return Some("carries a script or embedded page");
        }
        for (k, v) in &e.attrs {
            let key = k.rsplit(':').next().unwrap_or(k).to_ascii_lowercase();
            if key.starts_with("on") {
                return Some("carries a script");
            }
            if (key == "href" || key == "src") && is_outside(v) {
                return Some("loads something outside itself");
            }
            if css_reaches_out(v) {
                return Some("loads something outside itself");
            }
        }
        if local == "style" && css_reaches_out(&e.text()) {
            return Some("loads something outside itself");
        }
    }
    None
}

/// Whether CSS text loads anything other than a fragment.
fn css_reaches_out(css: &str) -> bool {
    let lower = css.to_ascii_lowercase();
    if lower.contains("@import") {
        return true;
    }
    lower.match_indices("url(").any(|(i, _)| {
        let inner = lower[i + 4..].trim_start().trim_start_matches(['"', '\'']);
        is_outside(inner.split([')', '"', '\'']).next().unwrap_or(""))
    })
}

/// The presentation part of a package and its slide parts in order.
pub fn slides_of(src: &Package) -> Result<(String, Vec<String>), DeckError> {
    let main = src
        .rels("/")?
        .into_iter()
        .find(|r| r.rel_type == REL_OFFICE_DOC)
        .ok_or_else(|| DeckError::Malformed("no main document relationship".into()))?;
    let pres = resolve("/", &main.target)?;
    let root = src.xml(&pres)?;
    let rels = src.rels(&pres)?;
    let mut out = Vec::new();
    for id in root.child("sldIdLst").into_iter().flat_map(|l| l.elements()) {
        if let Some(rel) = id.attr("r:id").and_then(|rid| rels.iter().find(|r| r.id == rid)) {
            out.push(resolve(&pres, &rel.target)?);
        }
    }
    Ok((pres, out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_resolve_and_never_escape() {
        assert_eq!(
            resolve("/ppt/slides/slide1.xml", "../slideLayouts/slideLayout2.xml").unwrap(),
            "/ppt/slideLayouts/slideLayout2.xml"
        );
        assert_eq!(
            resolve("/", "ppt/presentation.xml").unwrap(),
            "/ppt/presentation.xml"
        );
        assert!(resolve("/ppt/slides/slide1.xml", "../../../etc/passwd").is_err());
        assert!(normalize("..\\x").is_err());
        assert_eq!(
            rels_name("/ppt/presentation.xml"),
            "/ppt/_rels/presentation.xml.rels"
        );
        assert_eq!(
            relative("/ppt/slides/slide1.xml", "/ppt/media/image1.png"),
            "../media/image1.png"
        );
        assert_eq!(
            relative("/ppt/presentation.xml", "/ppt/slides/slide3.xml"),
            "slides/slide3.xml"
        );
    }

    #[test]
    fn garbage_is_a_typed_error() {
        assert!(matches!(
            Package::from_bytes(b"not a zip", Limits::default()),
            Err(DeckError::NotAPackage(_))
        ));
    }
}
