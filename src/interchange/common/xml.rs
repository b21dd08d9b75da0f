//! XML for the formats that read or write it. Reading: a small element tree for the XML
//! formats (TEI, PAGE, ALTO, METS, hOCR): parsed without recursion, nested at most
//! [`MAX_DEPTH`] deep (deeper input is an error naming the file and line), so no input can
//! exhaust the stack while it is read, walked or dropped. Element names are local
//! (namespace prefixes dropped); attributes keep their qualified names (`xml:id`,
//! `xlink:href`), and [`El::attr_local`] finds one by its local name. [`parse_html`] reads
//! the XHTML that OCR engines write as hOCR, forgiving what HTML allows. Writing: [`escape`]
//! for the formats that write XML by hand (GEXF, CMIF).

use crate::interchange::import::ImportError;
use quick_xml::Reader;
use quick_xml::events::Event as XmlEvent;
use std::path::Path;

/// How deep elements may nest. Real TEI nests a few dozen levels; the importer walks the
/// tree recursively, so this bounds its stack use.
pub const MAX_DEPTH: usize = 256;

/// An XML element: local name, attributes (qualified names kept for `xml:*`), children.
#[derive(Debug, Clone)]
pub struct El {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub children: Vec<Node>,
    pub line: usize,
}

/// A child of an element.
#[derive(Debug, Clone)]
pub enum Node {
    El(El),
    Text(String),
}

impl El {
    pub fn attr(&self, key: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The attribute whose name without prefix is `key` (`href` finds `xlink:href`).
    pub fn attr_local(&self, key: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == key || k.rsplit_once(':').is_some_and(|(_, l)| l == key))
            .map(|(_, v)| v.as_str())
    }

    /// The direct children named `name`.
    pub fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a El> + 'a {
        self.elements().filter(move |e| e.name == name)
    }

    /// The first descendant named `name` (depth first, document order).
    pub fn find(&self, name: &str) -> Option<&El> {
        let mut stack: Vec<&El> = self.elements().collect();
        stack.reverse();
        while let Some(e) = stack.pop() {
            if e.name == name {
                return Some(e);
            }
            let before = stack.len();
            stack.extend(e.elements());
            stack[before..].reverse();
        }
        None
    }

    /// The text of the element's own text children (not its descendants'), as written.
    pub fn own_text(&self) -> String {
        self.children
            .iter()
            .filter_map(|n| match n {
                Node::Text(t) => Some(t.as_str()),
                Node::El(_) => None,
            })
            .collect()
    }

    /// The text of the element and its descendants, as written.
    pub fn all_text(&self) -> String {
        let mut s = String::new();
        let mut stack: Vec<std::slice::Iter<'_, Node>> = vec![self.children.iter()];
        while let Some(top) = stack.last_mut() {
            match top.next() {
                None => {
                    stack.pop();
                }
                Some(Node::Text(t)) => s.push_str(t),
                Some(Node::El(e)) => stack.push(e.children.iter()),
            }
        }
        s
    }

    pub fn elements(&self) -> impl Iterator<Item = &El> {
        self.children.iter().filter_map(|n| match n {
            Node::El(e) => Some(e),
            Node::Text(_) => None,
        })
    }

    pub fn child(&self, name: &str) -> Option<&El> {
        self.elements().find(|e| e.name == name)
    }

    /// Every descendant element (depth first, document order), not including `self`.
    pub fn descendants(&self) -> Vec<&El> {
        let mut out = Vec::new();
        let mut stack: Vec<&El> = self.elements().collect();
        stack.reverse();
        while let Some(e) = stack.pop() {
            out.push(e);
            let before = stack.len();
            stack.extend(e.elements());
            stack[before..].reverse();
        }
        out
    }

    /// The text content as written (`exact`, for our own export, which never indents
    /// inside text) or with white space collapsed and trimmed.
    pub fn text_in(&self, exact: bool) -> String {
        if exact {
            self.raw_text('\n')
        } else {
            self.text()
        }
    }

    /// The text content with white space collapsed and trimmed.
    pub fn text(&self) -> String {
        tidy_spaces(&self.raw_text(' '))
    }

    /// The text content as written, with `lb` as `line_break`.
    fn raw_text(&self, line_break: char) -> String {
        let mut s = String::new();
        let mut stack: Vec<std::slice::Iter<'_, Node>> = vec![self.children.iter()];
        while let Some(top) = stack.last_mut() {
            match top.next() {
                None => {
                    stack.pop();
                }
                Some(Node::Text(t)) => s.push_str(t),
                Some(Node::El(e)) if e.name == "lb" => s.push(line_break),
                Some(Node::El(e)) => stack.push(e.children.iter()),
            }
        }
        s
    }
}

/// Collapses white space to single spaces, trims, and drops spaces after an opening
/// bracket or quote and before closing punctuation (the text builder's rule).
fn tidy_spaces(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending = false;
    for c in s.chars() {
        if c.is_whitespace() {
            pending = true;
            continue;
        }
        let closing = matches!(c, ')' | ']' | ',' | '.' | ';' | ':' | '!' | '?' | '”' | '’');
        if pending && !closing && !out.is_empty() && !out.ends_with(['(', '[', '“', '‘']) {
            out.push(' ');
        }
        pending = false;
        out.push(c);
    }
    out
}

fn local(name: &[u8]) -> String {
    let s = String::from_utf8_lossy(name);
    match s.rsplit_once(':') {
        Some((_, l)) => l.to_owned(),
        None => s.into_owned(),
    }
}

/// Parses `text` into its root element; errors name `path` and the line.
pub fn parse(text: &str, path: &Path) -> Result<El, ImportError> {
    parse_with(text, path, false)
}

/// HTML's elements that never have content (`<meta>`, `<br>` …): in [`parse_html`] they
/// close themselves.
const VOID_ELEMENTS: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr",
];

/// Parses the XHTML of an hOCR file as [`parse`] does, forgiving what HTML allows: void
/// elements (`<meta …>`) need no closing tag, a closing tag closes the elements left open
/// inside it, and HTML's named character references (`&nbsp;`, `&mdash;` …) are read as
/// the characters they name (unknown ones are kept as written).
pub fn parse_html(text: &str, path: &Path) -> Result<El, ImportError> {
    parse_with(text, path, true)
}

/// The character an HTML named reference stands for, for the ones OCR output uses.
fn html_entity(name: &str) -> Option<&'static str> {
    Some(match name {
        "nbsp" => "\u{a0}",
        "shy" => "\u{ad}",
        "ndash" => "–",
        "mdash" => "—",
        "hellip" => "…",
        "laquo" => "«",
        "raquo" => "»",
        "lsquo" => "‘",
        "rsquo" => "’",
        "ldquo" => "“",
        "rdquo" => "”",
        "bdquo" => "„",
        "sbquo" => "‚",
        "copy" => "©",
        "sect" => "§",
        "para" => "¶",
        "deg" => "°",
        "middot" => "·",
        "times" => "×",
        _ => return None,
    })
}

fn parse_with(text: &str, path: &Path, html: bool) -> Result<El, ImportError> {
    let newlines: Vec<usize> = text
        .bytes()
        .enumerate()
        .filter_map(|(i, b)| (b == b'\n').then_some(i))
        .collect();
    let line_of = |byte: u64| newlines.partition_point(|&p| p < byte as usize) + 1;
    let syntax = |byte: u64, message: String| ImportError::Syntax {
        path: path.to_path_buf(),
        line: line_of(byte),
        message,
    };
    let mut reader = Reader::from_str(text);
    reader.config_mut().trim_text(false);
    if html {
        reader.config_mut().check_end_names = false;
    }
    let mut stack: Vec<El> = Vec::new();
    let mut root: Option<El> = None;
    let push_text = |stack: &mut Vec<El>, s: &str| {
        if let Some(top) = stack.last_mut() {
            if let Some(Node::Text(t)) = top.children.last_mut() {
                t.push_str(s);
            } else {
                top.children.push(Node::Text(s.to_owned()));
            }
        }
    };
    loop {
        let pos = reader.buffer_position();
        let ev = reader
            .read_event()
            .map_err(|e| syntax(reader.error_position(), e.to_string()))?;
        let is_void = |name: &[u8]| html && VOID_ELEMENTS.contains(&local(name).as_str());
        let is_empty = match &ev {
            XmlEvent::Empty(_) => true,
            XmlEvent::Start(s) => is_void(s.name().as_ref()),
            _ => false,
        };
        match &ev {
            XmlEvent::End(e) if is_void(e.name().as_ref()) => {}
            XmlEvent::End(e) if html => {
                // A closing tag closes what was left open inside its element; one that
                // closes nothing open is ignored.
                let name = local(e.name().as_ref());
                let Some(at) = stack.iter().rposition(|el| el.name == name) else {
                    continue;
                };
                while stack.len() > at {
                    let Some(el) = stack.pop() else { break };
                    match stack.last_mut() {
                        Some(top) => top.children.push(Node::El(el)),
                        None => root = Some(el),
                    }
                }
            }
            XmlEvent::Start(s) | XmlEvent::Empty(s) => {
                let mut attrs = Vec::new();
                for a in s.attributes() {
                    let a = a.map_err(|e| syntax(pos, e.to_string()))?;
                    let key = String::from_utf8_lossy(a.key.as_ref()).into_owned();
                    let value = a
                        .unescape_value()
                        .map_err(|e| syntax(pos, e.to_string()))?
                        .into_owned();
                    attrs.push((key, value));
                }
                let el = El {
                    name: local(s.name().as_ref()),
                    attrs,
                    children: Vec::new(),
                    line: line_of(pos),
                };
                if stack.is_empty() && root.is_some() {
                    return Err(syntax(pos, "more than one root element".into()));
                }
                if !is_empty && stack.len() >= MAX_DEPTH {
                    return Err(syntax(
                        pos,
                        format!("elements are nested more than {MAX_DEPTH} deep"),
                    ));
                }
                if is_empty {
                    match stack.last_mut() {
                        Some(top) => top.children.push(Node::El(el)),
                        None => root = Some(el),
                    }
                } else {
                    stack.push(el);
                }
            }
            XmlEvent::End(_) => {
                let Some(el) = stack.pop() else {
                    return Err(syntax(pos, "unexpected closing tag".into()));
                };
                match stack.last_mut() {
                    Some(top) => top.children.push(Node::El(el)),
                    None => root = Some(el),
                }
            }
            XmlEvent::Text(t) => {
                let s = t.decode().map_err(|e| syntax(pos, e.to_string()))?;
                if stack.is_empty() {
                    if !s.trim().is_empty() {
                        return Err(syntax(pos, "text outside the root element".into()));
                    }
                } else {
                    push_text(&mut stack, &s);
                }
            }
            XmlEvent::CData(t) => {
                let s = t.decode().map_err(|e| syntax(pos, e.to_string()))?;
                push_text(&mut stack, &s);
            }
            XmlEvent::GeneralRef(r) => {
                let c = match r
                    .resolve_char_ref()
                    .map_err(|e| syntax(pos, e.to_string()))?
                {
                    Some(c) => c.to_string(),
                    None => {
                        let name = r.decode().map_err(|e| syntax(pos, e.to_string()))?;
                        match name.as_ref() {
                            "amp" => "&".into(),
                            "lt" => "<".into(),
                            "gt" => ">".into(),
                            "quot" => "\"".into(),
                            "apos" => "'".into(),
                            other if html => html_entity(other)
                                .map_or_else(|| format!("&{other};"), str::to_owned),
                            other => {
                                return Err(syntax(pos, format!("unknown entity &{other};")));
                            }
                        }
                    }
                };
                push_text(&mut stack, &c);
            }
            XmlEvent::Eof => break,
            _ => {}
        }
    }
    if let Some(open) = stack.last() {
        return Err(ImportError::Syntax {
            path: path.to_path_buf(),
            line: open.line,
            message: format!("element <{}> is never closed", open.name),
        });
    }
    root.ok_or_else(|| syntax(0, "no root element".into()))
}

/// `s` escaped for XML text and attribute values, without the characters XML 1.0 forbids
/// (control characters other than tab, LF and CR).
pub fn escape(s: &str) -> String {
    let clean: String = s
        .chars()
        .filter(|&c| {
            matches!(c, '\t' | '\n' | '\r')
                || ('\u{20}'..='\u{D7FF}').contains(&c)
                || ('\u{E000}'..='\u{FFFD}').contains(&c)
                || c >= '\u{10000}'
        })
        .collect();
    quick_xml::escape::escape(clean.as_str()).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walks_keep_document_order() {
        let root = parse("<a><b>x<c>y</c></b><lb/><d>z</d></a>", Path::new("t.xml")).unwrap();
        let names: Vec<&str> = root.descendants().iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["b", "c", "lb", "d"]);
        assert_eq!(root.text_in(true), "xy\nz");
        assert_eq!(root.text(), "xy z");
    }

    #[test]
    fn nesting_deeper_than_the_limit_is_an_error_naming_the_line() {
        let deep = |n: usize| format!("<r>\n{}{}</r>", "<x>".repeat(n), "</x>".repeat(n));
        assert!(parse(&deep(MAX_DEPTH - 1), Path::new("ok.xml")).is_ok());
        let err = parse(&deep(100_000), Path::new("deep.xml")).unwrap_err();
        assert!(matches!(err, ImportError::Syntax { line: 2, .. }), "{err}");
        assert!(err.to_string().contains("nested more than"), "{err}");
        assert!(err.to_string().ends_with("deep.xml"), "{err}");
    }
}
