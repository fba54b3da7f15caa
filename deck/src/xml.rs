//! A small XML tree for the parts the engine edits (presentation.xml, layouts
//! it inspects, slides it clones). Parts it does not edit are never parsed
//! into this tree; they are copied byte for byte.
//!
//! Untrusted input rules: no DTDs (so no entity expansion), bounded nesting
//! depth, and errors instead of panics.

use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};

use crate::DeckError;

/// Deepest element nesting accepted. Real slides nest a few dozen levels.
pub const MAX_DEPTH: usize = 256;

/// Most elements in one parsed part. A dense real slide has a few thousand;
/// a document body tens of thousands. The tree costs ~100 bytes per element.
pub const MAX_ELEMENTS: usize = 1_000_000;

/// Largest part parsed into a tree, in bytes.
pub const MAX_XML_BYTES: usize = 32 << 20;

/// An element: qualified name (`p:sp`), attributes in document order, children.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Element {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub children: Vec<Node>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    Element(Element),
    Text(String),
}

/// The local part of a qualified name: `p:sp` → `sp`.
pub fn local(name: &str) -> &str {
    name.rsplit_once(':').map_or(name, |(_, l)| l)
}

impl Element {
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            ..Self::default()
        }
    }

    pub fn with_attr(mut self, k: &str, v: impl Into<String>) -> Self {
        self.set_attr(k, v);
        self
    }

    pub fn with_child(mut self, child: Element) -> Self {
        self.children.push(Node::Element(child));
        self
    }

    pub fn local(&self) -> &str {
        local(&self.name)
    }

    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn set_attr(&mut self, name: &str, value: impl Into<String>) {
        let value = value.into();
        match self.attrs.iter_mut().find(|(k, _)| k == name) {
            Some(slot) => slot.1 = value,
            None => self.attrs.push((name.to_owned(), value)),
        }
    }

    pub fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|n| match n {
            Node::Element(e) => Some(e),
            Node::Text(_) => None,
        })
    }

    pub fn elements_mut(&mut self) -> impl Iterator<Item = &mut Element> {
        self.children.iter_mut().filter_map(|n| match n {
            Node::Element(e) => Some(e),
            Node::Text(_) => None,
        })
    }

    /// First child element with this local name.
    pub fn child(&self, local_name: &str) -> Option<&Element> {
        self.elements().find(|e| e.local() == local_name)
    }

    pub fn child_mut(&mut self, local_name: &str) -> Option<&mut Element> {
        self.elements_mut().find(|e| e.local() == local_name)
    }

    /// Follows a path of local names: `path(&["cSld", "spTree"])`.
    pub fn path(&self, names: &[&str]) -> Option<&Element> {
        names.iter().try_fold(self, |e, n| e.child(n))
    }

    /// Every descendant element (depth first, document order), self excluded.
    pub fn descendants(&self) -> Vec<&Element> {
        let mut out = Vec::new();
        let mut stack: Vec<&Element> = self.elements().collect::<Vec<_>>().into_iter().rev().collect();
        while let Some(e) = stack.pop() {
            out.push(e);
            stack.extend(e.elements().collect::<Vec<_>>().into_iter().rev());
        }
        out
    }

    /// Applies `f` to this element and every descendant.
    pub fn walk_mut(&mut self, f: &mut impl FnMut(&mut Element)) {
        f(self);
        for c in self.elements_mut() {
            c.walk_mut(f);
        }
    }

    /// Concatenated text of this element's subtree.
    pub fn text(&self) -> String {
        let mut s = String::new();
        self.collect_text(&mut s);
        s
    }

    fn collect_text(&self, out: &mut String) {
        for c in &self.children {
            match c {
                Node::Text(t) => out.push_str(t),
                Node::Element(e) => e.collect_text(out),
            }
        }
    }

    /// Serializes, with an XML declaration, as a standalone part.
    pub fn to_part(&self) -> Vec<u8> {
        let mut out = String::with_capacity(4096);
        out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n");
        self.write(&mut out);
        out.into_bytes()
    }

    pub fn write(&self, out: &mut String) {
        out.push('<');
        out.push_str(&self.name);
        for (k, v) in &self.attrs {
            out.push(' ');
            out.push_str(k);
            out.push_str("=\"");
            escape_into(v, true, out);
            out.push('"');
        }
        if self.children.is_empty() {
            out.push_str("/>");
            return;
        }
        out.push('>');
        for c in &self.children {
            match c {
                Node::Text(t) => escape_into(t, false, out),
                Node::Element(e) => e.write(out),
            }
        }
        out.push_str("</");
        out.push_str(&self.name);
        out.push('>');
    }
}

/// Escapes text for XML and drops characters XML 1.0 does not allow.
pub fn escape_into(s: &str, attr: bool, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attr => out.push_str("&quot;"),
            '\n' if attr => out.push_str("&#10;"),
            '\t' if attr => out.push_str("&#9;"),
            c if is_xml_char(c) => out.push(c),
            _ => {}
        }
    }
}

/// Escaped copy of `s` (text content).
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    escape_into(s, false, &mut out);
    out
}

/// Whether XML 1.0 allows this character.
pub fn is_xml_char(c: char) -> bool {
    matches!(c, '\u{9}' | '\u{A}' | '\u{D}' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

/// Removes characters XML cannot carry (user text goes through this).
pub fn sanitize(s: &str) -> String {
    s.chars().filter(|&c| is_xml_char(c) && c != '\r').collect()
}

fn start_element(e: &BytesStart<'_>, part: &str) -> Result<Element, DeckError> {
    let name = e.name().as_ref().to_owned();
    let mut el = Element::new(name);
    for a in e.attributes() {
        let a = a.map_err(|err| DeckError::xml(part, err))?;
        let k = a.key.as_ref().to_owned();
        let v = a
            .normalized_value(XmlVersion::Implicit1_0)
            .map_err(|err| DeckError::xml(part, err))?
            .into_owned();
        el.attrs.push((k, v));
    }
    Ok(el)
}

/// Parses a part into a tree. Whitespace-only text between elements is
/// dropped (PresentationML does not use mixed content); text inside
/// `a:t`-like leaves is kept exactly.
pub fn parse(bytes: &[u8], part: &str) -> Result<Element, DeckError> {
    if bytes.len() > MAX_XML_BYTES {
        return Err(DeckError::Limit(format!(
            "{part}: XML part larger than {} MB",
            MAX_XML_BYTES >> 20
        )));
    }
    let mut elements = 0usize;
    let mut count = |part: &str| {
        elements += 1;
        if elements > MAX_ELEMENTS {
            Err(DeckError::Limit(format!(
                "{part}: more than {MAX_ELEMENTS} XML elements"
            )))
        } else {
            Ok(())
        }
    };
    let mut reader = Reader::from_reader(bytes);
    reader.config_mut().trim_text(false);
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    let mut buf = Vec::new();
    loop {
        let ev = reader
            .read_event_into(&mut buf)
            .map_err(|e| DeckError::xml(part, e))?;
        match ev {
            Event::Start(e) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(DeckError::Limit(format!(
                        "{part}: XML nested deeper than {MAX_DEPTH}"
                    )));
                }
                count(part)?;
                stack.push(start_element(&e, part)?);
            }
            Event::Empty(e) => {
                count(part)?;
                let el = start_element(&e, part)?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(Node::Element(el)),
                    None if root.is_none() => root = Some(el),
                    None => return Err(DeckError::malformed(part, "more than one root element")),
                }
            }
            Event::End(_) => {
                let el = stack
                    .pop()
                    .ok_or_else(|| DeckError::malformed(part, "unbalanced end tag"))?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(Node::Element(el)),
                    None if root.is_none() => root = Some(el),
                    None => return Err(DeckError::malformed(part, "more than one root element")),
                }
            }
            Event::Text(t) => {
                // Entity references arrive as their own events, so this is plain text.
                let text = t.xml10_content();
                if let Some(parent) = stack.last_mut() {
                    if !text.trim().is_empty() || keeps_space(&parent.name) {
                        match parent.children.last_mut() {
                            Some(Node::Text(prev)) => prev.push_str(&text),
                            _ => parent.children.push(Node::Text(text.into_owned())),
                        }
                    }
                }
            }
            Event::GeneralRef(r) => {
                let name = r.xml10_content();
                let text = match name.as_ref() {
                    "amp" => "&".to_string(),
                    "lt" => "<".to_string(),
                    "gt" => ">".to_string(),
                    "quot" => "\"".to_string(),
                    "apos" => "'".to_string(),
                    other => match char_ref(other) {
                        Some(c) => c.to_string(),
                        None => return Err(DeckError::malformed(part, format!("unknown entity &{other};"))),
                    },
                };
                if let Some(parent) = stack.last_mut() {
                    match parent.children.last_mut() {
                        Some(Node::Text(t)) => t.push_str(&text),
                        _ => parent.children.push(Node::Text(text)),
                    }
                }
            }
            Event::CData(t) => {
                if let Some(parent) = stack.last_mut() {
                    parent.children.push(Node::Text(t.xml10_content().into_owned()));
                }
            }
            Event::DocType(_) => return Err(DeckError::malformed(part, "DTDs are not allowed")),
            Event::Eof => break,
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
        }
        buf.clear();
    }
    if !stack.is_empty() {
        return Err(DeckError::malformed(part, "unclosed element"));
    }
    // Adjacent text nodes (split by entity references) are merged above.
    root.ok_or_else(|| DeckError::malformed(part, "no root element"))
}

/// `#65` / `#x41` → 'A'.
fn char_ref(name: &str) -> Option<char> {
    let n = name.strip_prefix('#')?;
    let code = match n.strip_prefix('x').or_else(|| n.strip_prefix('X')) {
        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
        None => n.parse().ok()?,
    };
    char::from_u32(code).filter(|c| is_xml_char(*c))
}

/// Elements whose whitespace-only text is content (a run of spaces).
fn keeps_space(name: &str) -> bool {
    matches!(local(name), "t" | "fld" | "instrText")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_escapes() {
        let src = br#"<?xml version="1.0"?><p:sld xmlns:p="urn:p" a="1 &amp; 2"><p:t> </p:t><p:t>a &lt; b &#65;</p:t><x/></p:sld>"#;
        let el = parse(src, "/t.xml").unwrap();
        assert_eq!(el.attr("a"), Some("1 & 2"));
        let ts: Vec<_> = el.elements().map(Element::text).collect();
        assert_eq!(ts, vec![" ", "a < b A", ""]);
        let again = parse(&el.to_part(), "/t.xml").unwrap();
        assert_eq!(again, el);
    }

    #[test]
    fn refuses_dtds_and_deep_nesting() {
        let bomb = br#"<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>"#;
        assert!(parse(bomb, "/b.xml").is_err());
        let deep = format!("{}{}", "<a>".repeat(MAX_DEPTH + 1), "</a>".repeat(MAX_DEPTH + 1));
        assert!(matches!(
            parse(deep.as_bytes(), "/d.xml"),
            Err(DeckError::Limit(_))
        ));
        assert!(parse(b"<a><b></a>", "/u.xml").is_err());
        assert!(parse(b"", "/e.xml").is_err());
    }

    #[test]
    fn sanitize_strips_illegal_characters() {
        assert_eq!(sanitize("a\u{0}b\u{1F}c\u{FFFE}d\r\n"), "abcd\n");
    }
}
