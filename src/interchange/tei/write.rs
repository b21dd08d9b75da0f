//! TEI P5 export: one `<TEI>` file per document, valid against `tei_all`.
//!
//! Layout of each file:
//! - `teiHeader`: title, the project as publisher, the annotators as `respStmt`s
//!   (`xml:id="resp-N"`, pointed to by `@resp`), the archival description in
//!   `sourceDesc/msDesc` and `sourceDesc/bibl`, `profileDesc/correspDesc` for each
//!   Communication event, and `revisionDesc` with a `change type="created"` and one
//!   `type="modified"` per stamped annotation and registry entry (`@when` UTC,
//!   `@who="#resp-N"`, `@target="#a-<annotation uuid>"` or `"#e-<entry uuid>"`).
//! - `text/body xml:space="preserve"`: the text as it is. Paragraphs are the pieces between
//!   `"\n\n"` (so `text == paragraphs.join("\n\n")`), and each other `"\n"` is an `<lb/>`.
//!   Mentions that nest are inline `persName`/`orgName`/`placeName`/`date`/`rs`
//!   (`xml:id="a-<annotation uuid>"`, `@ref="#e-<entry uuid>"`, `@cert`, `@resp`). An
//!   `<anchor>` between two paragraphs stands for the offset between their two newlines.
//! - `standOff`: mentions that cross others or a paragraph break, and discontinuous ones,
//!   as `listAnnotation type="mentions"`: an `annotation` whose `@target` lists pairs of
//!   anchors (start, end of each fragment) placed in the text and whose `note
//!   type="mention"` holds the same element an inline mention would have. Events are
//!   `listEvent/event` (`ptr type="<role>"` per filler, in order; `ptr type="trigger-anchor"`
//!   for the trigger's anchors), relations `listRelation/relation @name @active @passive`,
//!   notes and attributes `listAnnotation type="notes"` (`note`, and `note type="attribute"
//!   subtype="<kind>" n="<attribute id>"` per attribute), and the whole registry as
//!   `listPerson`/`listOrg`/`listPlace`/`listObject`.
//!
//! - `facsimile` (between the header and the text, when the document has page images): a
//!   `surface xml:id="page-N"` per page with its `graphic url`, and a `zone
//!   xml:id="z-<annotation uuid>"` per region mention (`@ulx @uly @lrx @lry`, or `@points`
//!   for a polygon). An inline text mention's `@facs` points at its own zone (when it is a
//!   region mention too) and at the zones of the regions linked to it; a standoff mention
//!   lists its own zone in its `@target` (a region without words has only that) and the
//!   linked zones in its element's `@facs`. Page breaks are `<pb n=… facs="#page-N"/>` at
//!   their offsets (`@facs` as recorded when it names no page image of the document).
//! - The document's number and its id in its edition are `bibl/idno type="number"` and
//!   `type="source-id"`.
//!
//! Dates with minute precision (`1951-07-11T00:00`) are not `xsd:dateTime`s, so they go in
//! `@when-iso`/`@notBefore-iso`/`@notAfter-iso`; others in `@when`/`@notBefore`/`@notAfter`.

use super::{
    SURFACE_ID_PREFIX, TEI_NS, TRIGGER_PTR, ann_xml_id, doc_xml_id, entry_xml_id, zone_xml_id,
};
use crate::interchange::common::{attr_to_text, check_anchors, doc_file_stem, unique_name};
use crate::interchange::export::{ExportError, ExportReport, Exporter, Output, Progress};
use crate::model::region::Shape;
use crate::model::{AnnId, EntryId, Slug};
use crate::model::{
    Annotation, Body, Document, Entry, Mention, NormalizedDate, Project, Span, Target,
};
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::Path;

/// The TEI exporter.
pub struct TeiExporter;

impl Exporter for TeiExporter {
    fn keeps_adjudication(&self) -> bool {
        true
    }

    fn id(&self) -> &'static str {
        "tei"
    }

    fn label(&self) -> &'static str {
        "TEI P5 XML"
    }

    fn write(
        &self,
        project: &Project,
        output: &mut Output,
        progress: Progress<'_>,
    ) -> Result<ExportReport, ExportError> {
        let out_dir = &output.dir().to_path_buf();
        // Names are given in document order (they depend on each other), the XML is made
        // per document in parallel.
        let mut used = HashSet::new();
        used.insert(REGISTRY_XML.to_owned());
        let jobs: Vec<(String, &Document)> = project
            .documents
            .values()
            .map(|doc| (unique_name(&doc_file_stem(doc), "xml", &mut used), doc))
            .collect();
        let made: Vec<Result<DocFile, ExportError>> = jobs
            .into_par_iter()
            .map(|(name, doc)| document_file(project, doc, name, out_dir))
            .collect();
        let mut written = Vec::new();
        let mut omitted = Vec::new();
        let n = made.len().max(1);
        for (i, d) in made.into_iter().enumerate() {
            let (name, xml, left_out) = d?;
            written.push(output.add(&name, xml)?);
            omitted.extend(left_out);
            progress((i + 1) as f32 / n as f32);
        }
        if !project.registry.is_empty() {
            let xml = registry_xml(project).map_err(|e| ExportError::Format {
                path: out_dir.join(REGISTRY_XML),
                message: format!("cannot write XML: {e}"),
            })?;
            if let Some(message) = non_xml_char_message(&xml) {
                return Err(ExportError::Format {
                    path: out_dir.join(REGISTRY_XML),
                    message,
                });
            }
            written.push(output.add(REGISTRY_XML, xml)?);
        }
        progress(1.0);
        Ok(ExportReport {
            files: written,
            omitted,
        })
    }
}

/// A document's file name, its XML, and what it could not hold.
type DocFile = (String, Vec<u8>, Vec<String>);

/// One document's TEI file named `name`, with what it could not hold.
fn document_file(
    project: &Project,
    doc: &Document,
    name: String,
    out_dir: &Path,
) -> Result<DocFile, ExportError> {
    let format_error = |message: String| ExportError::Format {
        path: out_dir.join(&name),
        message: format!("document \"{}\": {message}", doc.meta.title),
    };
    check_anchors(doc).map_err(format_error)?;
    let xml =
        document_xml(project, doc).map_err(|e| format_error(format!("cannot write XML: {e}")))?;
    if let Some(message) = non_xml_char_message(&xml) {
        return Err(format_error(message));
    }
    let mut omitted = Vec::new();
    for a in doc.annotations.values() {
        if let Some(m) = a.as_mention()
            && m.date.is_some()
            && element_for_type(project, &m.type_id).0 != "date"
        {
            omitted.push(crate::interchange::export::omission(
                "TEI",
                "a normalized date on a mention of a type that is not dated",
                project,
                doc,
                a,
            ));
        }
    }
    Ok((name, xml, omitted))
}

/// What is wrong with `xml` when it holds a character XML 1.0 cannot: the character and
/// the output's line.
fn non_xml_char_message(xml: &[u8]) -> Option<String> {
    first_non_xml_char(xml).map(|(line, c)| {
        format!(
            "character U+{:04X} (line {line} of the output) cannot be written in XML 1.0",
            c as u32
        )
    })
}

/// The first character XML 1.0 forbids, with its 1-based line, if any.
pub fn first_non_xml_char(bytes: &[u8]) -> Option<(usize, char)> {
    // In UTF-8, the characters XML 1.0 excludes are C0 controls (one byte below 0x20),
    // surrogates (not in valid UTF-8), U+FFFE and U+FFFF (EF BF BE/BF): a byte scan finds
    // every candidate; only a file with one is decoded.
    let suspect = bytes.iter().enumerate().any(|(i, &b)| {
        (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r'))
            || (b == 0xEF
                && bytes.get(i + 1) == Some(&0xBF)
                && matches!(bytes.get(i + 2), Some(0xBE | 0xBF)))
    });
    if !suspect {
        return None;
    }
    let s = String::from_utf8_lossy(bytes);
    let mut line = 1;
    for c in s.chars() {
        if c == '\n' {
            line += 1;
        }
        let ok = matches!(c, '\t' | '\n' | '\r')
            || ('\u{20}'..='\u{D7FF}').contains(&c)
            || ('\u{E000}'..='\u{FFFD}').contains(&c)
            || c >= '\u{10000}';
        if !ok {
            return Some((line, c));
        }
    }
    None
}

/// The XML id of the anchor at the start (`end == false`) or end of fragment `i`.
fn anchor_id(id: AnnId, i: usize, end: bool) -> String {
    format!("a-{id}-{i}{}", if end { 'e' } else { 's' })
}

/// A pointer to a role filler or relation argument.
fn target_ref(t: &Target) -> String {
    match t {
        Target::Annotation(a) => format!("#{}", ann_xml_id(*a)),
        Target::Entry(e) => format!("#{}", entry_xml_id(*e)),
    }
}

/// Whether an ISO value has a time of day without seconds (not an `xsd:dateTime`).
fn needs_iso_attr(v: &str) -> bool {
    v.split_once('T').is_some_and(|(_, t)| t.len() == 5)
}

/// Date attributes for a normalized date.
pub fn date_attrs(d: &NormalizedDate) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    for (plain, iso, v) in [
        ("when", "when-iso", &d.when),
        ("notBefore", "notBefore-iso", &d.not_before),
        ("notAfter", "notAfter-iso", &d.not_after),
    ] {
        if let Some(v) = v {
            out.push((if needs_iso_attr(v) { iso } else { plain }, v.clone()));
        }
    }
    out
}

/// The `@ref` of a name for entry `e`: its XML id, then the entry's authority URIs (GND,
/// Wikidata, VIAF, GeoNames, LCNAF, or an id that is itself a web address), so tools that
/// follow authority files (correspSearch, CMIF) find the person.
pub fn ref_value(project: &Project, e: EntryId) -> String {
    let mut v = format!("#{}", entry_xml_id(e));
    for a in project
        .registry
        .get(&e)
        .map_or(&[][..], |x| &x.authority[..])
    {
        let id = a.id.trim();
        let url = a.url().or_else(|| {
            (id.starts_with("http://") || id.starts_with("https://")).then(|| id.to_owned())
        });
        if let Some(u) = url.filter(|u| !u.contains(char::is_whitespace) && !v.contains(u.as_str()))
        {
            v.push(' ');
            v.push_str(&u);
        }
    }
    v
}

/// The TEI element for a mention of entity type `type_id`, and its `@type` if any.
pub fn element_for_type(project: &Project, type_id: &Slug) -> (&'static str, Option<String>) {
    match type_id.as_str() {
        "person" => ("persName", None),
        "organization" => ("orgName", None),
        "place" => ("placeName", None),
        "date" => ("date", None),
        other => {
            if project.schema.entity(type_id).is_some_and(|t| t.dated) {
                ("date", Some(other.to_owned()))
            } else {
                ("rs", Some(other.to_owned()))
            }
        }
    }
}

type Attrs = Vec<(&'static str, String)>;

/// A small writer that indents structural parts and leaves mixed content alone.
struct Out {
    w: Writer<Vec<u8>>,
    depth: usize,
    pretty: bool,
}

type Res = std::io::Result<()>;

impl Out {
    /// A writer whose buffer starts with room for `capacity` bytes.
    fn new(capacity: usize) -> Self {
        Self {
            w: Writer::new(Vec::with_capacity(capacity)),
            depth: 0,
            pretty: true,
        }
    }

    fn nl(&mut self) -> Res {
        if self.pretty {
            let buf = self.w.get_mut();
            buf.push(b'\n');
            for _ in 0..self.depth {
                buf.extend_from_slice(b"  ");
            }
        }
        Ok(())
    }

    fn start(name: &str, attrs: &[(&str, String)]) -> BytesStart<'static> {
        let mut s = BytesStart::new(name.to_owned());
        for (k, v) in attrs {
            s.push_attribute((*k, v.as_str()));
        }
        s
    }

    fn open(&mut self, name: &str, attrs: &[(&str, String)]) -> Res {
        self.nl()?;
        self.w.write_event(Event::Start(Self::start(name, attrs)))?;
        self.depth += 1;
        Ok(())
    }

    fn close(&mut self, name: &str) -> Res {
        self.depth -= 1;
        self.nl()?;
        self.w.write_event(Event::End(BytesEnd::new(name)))
    }

    fn empty(&mut self, name: &str, attrs: &[(&str, String)]) -> Res {
        self.nl()?;
        self.w.write_event(Event::Empty(Self::start(name, attrs)))
    }

    /// `<name attrs>text</name>` on its own line.
    fn leaf(&mut self, name: &str, attrs: &[(&str, String)], text: &str) -> Res {
        self.nl()?;
        self.w.write_event(Event::Start(Self::start(name, attrs)))?;
        self.w.write_event(Event::Text(BytesText::new(text)))?;
        self.w.write_event(Event::End(BytesEnd::new(name)))
    }

    fn raw_open(&mut self, name: &str, attrs: &[(&str, String)]) -> Res {
        self.w.write_event(Event::Start(Self::start(name, attrs)))
    }

    fn raw_close(&mut self, name: &str) -> Res {
        self.w.write_event(Event::End(BytesEnd::new(name)))
    }

    fn raw_empty(&mut self, name: &str, attrs: &[(&str, String)]) -> Res {
        self.w.write_event(Event::Empty(Self::start(name, attrs)))
    }

    fn text(&mut self, s: &str) -> Res {
        if s.is_empty() {
            return Ok(());
        }
        self.w.write_event(Event::Text(BytesText::new(s)))
    }
}

/// Annotator names (of `@resp` and of the stamps of the document's annotations and of
/// `entries`, and the annotators whose versions a curator adjudicated), sorted → `resp-N`
/// ids; and the curators who adjudicated annotations, as [`ADJUDICATOR`]-prefixed keys →
/// `adj-N` ids (a `respStmt` of their own, `resp` "adjudication", so `@resp` tells the
/// curator from the annotators).
fn resp_ids(doc: Option<&Document>, entries: &[&Entry]) -> BTreeMap<String, String> {
    let entries = entries
        .iter()
        .flat_map(|e| [&e.created, &e.modified].into_iter().flatten())
        .map(|s| s.by.as_str());
    let names: BTreeSet<&str> = doc
        .into_iter()
        .flat_map(|d| d.annotations.values())
        .flat_map(|a| {
            let stamps = [&a.created, &a.modified];
            std::iter::once(a.annotator())
                .chain(stamps.into_iter().flatten().map(|s| &*s.by))
                .chain(a.adjudicated_from.iter().map(String::as_str))
        })
        .chain(entries)
        .filter(|r| !r.is_empty())
        .collect();
    let curators: BTreeSet<&str> = doc
        .into_iter()
        .flat_map(|d| d.annotations.values())
        .filter_map(Annotation::adjudicator)
        .collect();
    names
        .into_iter()
        .enumerate()
        .map(|(i, n)| (n.to_owned(), format!("resp-{}", i + 1)))
        .chain(
            curators
                .into_iter()
                .enumerate()
                .map(|(i, n)| (format!("{ADJUDICATOR}{n}"), format!("adj-{}", i + 1))),
        )
        .collect()
}

/// The key prefix of a curator in the map of [`resp_ids`] (no name starts with it).
const ADJUDICATOR: &str = "\u{1}adjudicator:";

/// Attributes shared by every annotation element: cert and resp. An adjudicated annotation's
/// `@resp` points at the annotators whose versions it was taken from, then at its curator.
fn cert_resp(a: &Annotation, resp: &BTreeMap<String, String>) -> Attrs {
    let mut out = Vec::new();
    if let Some(c) = a.cert {
        out.push(("cert", c.as_str().to_owned()));
    }
    if a.adjudicated_from.is_empty() {
        if let Some(r) = resp.get(a.annotator()) {
            out.push(("resp", format!("#{r}")));
        }
    } else {
        let curator = a.adjudicator().map(|c| format!("{ADJUDICATOR}{c}"));
        let ptrs: Vec<String> = a
            .adjudicated_from
            .iter()
            .chain(curator.as_ref())
            .filter_map(|n| resp.get(n))
            .map(|r| format!("#{r}"))
            .collect();
        out.push(("resp", ptrs.join(" ")));
    }
    out
}

/// The element name and attributes for a mention (without `xml:id`).
fn mention_element(
    project: &Project,
    a: &Annotation,
    m: &Mention,
    resp: &BTreeMap<String, String>,
) -> (&'static str, Attrs) {
    let (name, ty) = element_for_type(project, &m.type_id);
    let mut attrs: Attrs = Vec::new();
    if let Some(t) = ty {
        attrs.push(("type", t));
    }
    if let Some(e) = m.entry {
        attrs.push(("ref", ref_value(project, e)));
    }
    if name == "date"
        && let Some(d) = &m.date
    {
        attrs.extend(date_attrs(d));
    }
    attrs.extend(cert_resp(a, resp));
    (name, attrs)
}

/// The pieces of `text` between `"\n\n"`, as code-point ranges.
pub fn paragraphs(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let mut start = 0;
    let mut i = 0;
    while i + 1 < chars.len() {
        if chars[i] == '\n' && chars[i + 1] == '\n' {
            out.push(Span::new(start, i));
            i += 2;
            start = i;
        } else {
            i += 1;
        }
    }
    out.push(Span::new(start, chars.len()));
    out
}

/// Splits a document's mentions into those written inline (properly nested, one
/// fragment, inside one paragraph) and the rest.
fn split_inline(doc: &Document, paras: &[Span]) -> (Vec<AnnId>, Vec<AnnId>) {
    let mut cands: Vec<(Span, AnnId)> = Vec::new();
    let mut standoff = Vec::new();
    for a in doc.annotations.values() {
        let Body::Mention(m) = &a.body else { continue };
        let f = &m.anchor.fragments;
        let inside = f.len() == 1
            && paras
                .iter()
                .any(|p| p.start <= f[0].start && f[0].end <= p.end);
        if inside {
            cands.push((f[0], a.id));
        } else {
            standoff.push(a.id);
        }
    }
    cands.sort_by(|(a, ia), (b, ib)| {
        a.start
            .cmp(&b.start)
            .then(b.end.cmp(&a.end))
            .then(ia.cmp(ib))
    });
    let mut stack: Vec<Span> = Vec::new();
    let mut inline = Vec::new();
    for (s, id) in cands {
        while stack.last().is_some_and(|top| top.end <= s.start) {
            stack.pop();
        }
        if stack.last().is_none_or(|top| s.end <= top.end) {
            stack.push(s);
            inline.push(id);
        } else {
            standoff.push(id);
        }
    }
    (inline, standoff)
}

/// One thing that happens at an offset in the body.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Mark {
    /// Closing an inline mention; sorted so inner ones (later starts) close first.
    Close(std::cmp::Reverse<usize>, std::cmp::Reverse<AnnId>),
    Anchor(String),
    /// A page break: the index into the document's `page_breaks`.
    Page(usize),
    /// Opening an inline mention; outer ones (later ends) first.
    Open(std::cmp::Reverse<usize>, AnnId),
}

/// The whole TEI file for one document.
pub fn document_xml(project: &Project, doc: &Document) -> std::io::Result<Vec<u8>> {
    let text = doc.text_or_empty();
    let paras = paragraphs(text.as_str());
    let (inline, standoff) = split_inline(doc, &paras);
    let entries = entries_of(project, doc);
    let resp = resp_ids(Some(doc), &entries);
    let facs = facs_pointers(doc);

    // Marks by offset.
    let mut marks: BTreeMap<usize, Vec<Mark>> = BTreeMap::new();
    for (i, pb) in doc.meta.archival.page_breaks.iter().enumerate() {
        marks
            .entry(pb.offset.min(text.len_chars()))
            .or_default()
            .push(Mark::Page(i));
    }
    for id in &inline {
        let Some(a) = doc.annotations.get(id) else {
            continue;
        };
        let Some(an) = a.anchor() else { continue };
        let s = an.fragments[0];
        marks
            .entry(s.start)
            .or_default()
            .push(Mark::Open(std::cmp::Reverse(s.end), *id));
        marks.entry(s.end).or_default().push(Mark::Close(
            std::cmp::Reverse(s.start),
            std::cmp::Reverse(*id),
        ));
    }
    let anchored: Vec<AnnId> = standoff
        .iter()
        .copied()
        .chain(
            doc.annotations
                .values()
                .filter(|a| matches!(&a.body, Body::Event(e) if e.trigger.is_some()))
                .map(|a| a.id),
        )
        .collect();
    for id in &anchored {
        let Some(an) = doc.annotations.get(id).and_then(Annotation::anchor) else {
            continue;
        };
        for (i, f) in an.fragments.iter().enumerate() {
            marks
                .entry(f.start)
                .or_default()
                .push(Mark::Anchor(anchor_id(*id, i, false)));
            marks
                .entry(f.end)
                .or_default()
                .push(Mark::Anchor(anchor_id(*id, i, true)));
        }
    }
    for v in marks.values_mut() {
        v.sort();
    }

    // The text, its markup and the standoff part: a few times the text's size.
    let mut o = Out::new(text.as_str().len() * 2 + doc.annotations.len() * 400 + 4096);
    o.w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    o.nl()?;
    o.w.write_event(Event::Start(Out::start(
        "TEI",
        &[
            ("xmlns", TEI_NS.to_owned()),
            ("xml:id", doc_xml_id(doc.meta.id)),
        ],
    )))?;
    o.depth = 1;
    write_header(&mut o, project, doc, &entries, &resp)?;
    write_facsimile(&mut o, doc)?;

    // Body.
    o.open("text", &[])?;
    o.nl()?;
    o.raw_open("body", &[("xml:space", "preserve".to_owned())])?;
    o.pretty = false;
    let chars: Vec<char> = text.as_str().chars().collect();
    let mut mark_iter = marks.into_iter().peekable();
    let emit_marks = |o: &mut Out, ms: Vec<Mark>| -> Res {
        for m in ms {
            match m {
                Mark::Close(_, std::cmp::Reverse(id)) => {
                    if let Some(a) = doc.annotations.get(&id)
                        && let Body::Mention(m) = &a.body
                    {
                        o.raw_close(element_for_type(project, &m.type_id).0)?;
                    }
                }
                Mark::Anchor(x) => o.raw_empty("anchor", &[("xml:id", x)])?,
                Mark::Page(i) => {
                    if let Some(pb) = doc.meta.archival.page_breaks.get(i) {
                        o.raw_empty("pb", &pb_attrs(doc, pb))?;
                    }
                }
                Mark::Open(_, id) => {
                    if let Some(a) = doc.annotations.get(&id)
                        && let Body::Mention(m) = &a.body
                    {
                        let (name, mut attrs) = mention_element(project, a, m, &resp);
                        attrs.insert(0, ("xml:id", ann_xml_id(id)));
                        if let Some(f) = facs.get(&id) {
                            attrs.push(("facs", f.clone()));
                        }
                        o.raw_open(name, &attrs)?;
                    }
                }
            }
        }
        Ok(())
    };
    for (pi, p) in paras.iter().enumerate() {
        if pi > 0 {
            // The offset between the two newlines of the separator.
            let mid = p.start - 1;
            if let Some(ms) = mark_iter.next_if(|(k, _)| *k == mid).map(|(_, v)| v) {
                emit_marks(&mut o, ms)?;
            }
        }
        o.raw_open("p", &[])?;
        let mut pos = p.start;
        loop {
            if let Some(ms) = mark_iter.next_if(|(k, _)| *k == pos).map(|(_, v)| v) {
                emit_marks(&mut o, ms)?;
            }
            if pos >= p.end {
                break;
            }
            let next = mark_iter
                .peek()
                .map_or(p.end, |(k, _)| (*k).min(p.end))
                .max(pos + 1);
            let chunk: String = chars[pos..next].iter().collect();
            for (li, line) in chunk.split('\n').enumerate() {
                if li > 0 {
                    o.raw_empty("lb", &[])?;
                }
                o.text(line)?;
            }
            pos = next;
        }
        o.raw_close("p")?;
    }
    o.raw_close("body")?;
    o.pretty = true;
    o.close("text")?;

    write_standoff(&mut o, project, doc, &entries, &standoff, &resp)?;
    o.depth = 0;
    o.nl()?;
    o.raw_close("TEI")?;
    o.w.write_event(Event::Text(BytesText::new("\n")))?;
    Ok(o.w.into_inner())
}

/// The `@facs` of each inline text mention: its own zone when it is a region mention too,
/// then the zones of the region mentions linked to it.
fn facs_pointers(doc: &Document) -> BTreeMap<AnnId, String> {
    let mut out: BTreeMap<AnnId, Vec<String>> = BTreeMap::new();
    for a in doc.annotations.values() {
        let Some(r) = &a.region else { continue };
        if a.anchor().is_some_and(|an| !an.fragments.is_empty()) {
            out.entry(a.id)
                .or_default()
                .insert(0, format!("#{}", zone_xml_id(a.id)));
        }
        if let Some(t) = r.text {
            out.entry(t)
                .or_default()
                .push(format!("#{}", zone_xml_id(a.id)));
        }
    }
    out.into_iter().map(|(k, v)| (k, v.join(" "))).collect()
}

/// The zones of the region mentions linked to each text mention (a standoff mention's
/// `@facs`; its own zone is in its `@target`), in one pass over the document.
fn linked_zones(doc: &Document) -> BTreeMap<AnnId, String> {
    let mut out: BTreeMap<AnnId, Vec<String>> = BTreeMap::new();
    for a in doc.annotations.values() {
        if let Some(t) = a.region.as_ref().and_then(|r| r.text) {
            out.entry(t)
                .or_default()
                .push(format!("#{}", zone_xml_id(a.id)));
        }
    }
    out.into_iter().map(|(k, v)| (k, v.join(" "))).collect()
}

/// A page break's attributes: `@n`, and `@facs` pointing at the page's `<surface>` when
/// it names one of the document's page images (else as recorded).
fn pb_attrs(doc: &Document, pb: &crate::model::PageBreak) -> Attrs {
    let mut attrs: Attrs = Vec::new();
    if !pb.n.is_empty() {
        attrs.push(("n", pb.n.clone()));
    }
    if !pb.facs.is_empty() {
        let page = doc.meta.images.iter().position(|p| p.as_str() == pb.facs);
        attrs.push((
            "facs",
            page.map_or_else(
                || pb.facs.clone(),
                |i| format!("#{SURFACE_ID_PREFIX}{}", i + 1),
            ),
        ));
    }
    attrs
}

/// `<facsimile>`: a `<surface>` per page image (`<graphic url>`), a `<zone>` per region
/// mention on it (`@ulx @uly @lrx @lry` for a rectangle, `@points` for a polygon).
fn write_facsimile(o: &mut Out, doc: &Document) -> Res {
    if doc.meta.images.is_empty() {
        return Ok(());
    }
    let mut by_page: BTreeMap<usize, Vec<(AnnId, &crate::model::PageRegion)>> = BTreeMap::new();
    for a in doc.annotations.values() {
        if let Some(r) = &a.region {
            by_page.entry(r.page).or_default().push((a.id, r));
        }
    }
    o.open("facsimile", &[])?;
    for (i, img) in doc.meta.images.iter().enumerate() {
        o.open(
            "surface",
            &[
                ("xml:id", format!("{SURFACE_ID_PREFIX}{}", i + 1)),
                ("n", format!("{}", i + 1)),
            ],
        )?;
        o.empty("graphic", &[("url", img.as_str().to_owned())])?;
        for (id, r) in by_page.get(&i).into_iter().flatten() {
            let mut attrs: Attrs = vec![("xml:id", zone_xml_id(*id))];
            match &r.shape {
                Shape::Rect { .. } => {
                    if let Some((x0, y0, x1, y1)) = r.shape.bounds() {
                        attrs.push(("ulx", x0.to_string()));
                        attrs.push(("uly", y0.to_string()));
                        attrs.push(("lrx", x1.to_string()));
                        attrs.push(("lry", y1.to_string()));
                    }
                }
                Shape::Polygon(_) => attrs.push(("points", r.shape.svg_points())),
            }
            o.empty("zone", &attrs)?;
        }
        o.close("surface")?;
    }
    o.close("facsimile")
}

/// `titleStmt` (the title and a `respStmt` per annotator) and `publicationStmt` (the
/// project it came from, which the import reads back as the project's name).
fn write_title_and_publication(
    o: &mut Out,
    title: &str,
    resp: &BTreeMap<String, String>,
    project: &Project,
) -> Res {
    o.open("titleStmt", &[])?;
    o.leaf("title", &[], title)?;
    for (name, id) in resp {
        let (role, name) = match name.strip_prefix(ADJUDICATOR) {
            Some(n) => ("adjudication", n),
            None => ("annotation", name.as_str()),
        };
        o.open("respStmt", &[("xml:id", id.clone())])?;
        o.leaf("resp", &[], role)?;
        o.leaf("name", &[], name)?;
        o.close("respStmt")?;
    }
    o.close("titleStmt")?;
    o.open("publicationStmt", &[])?;
    o.leaf(
        "p",
        &[],
        &format!(
            "Exported from the Marginalia project \"{}\".",
            project.info.name
        ),
    )?;
    o.close("publicationStmt")
}

fn write_header(
    o: &mut Out,
    project: &Project,
    doc: &Document,
    entries: &[&Entry],
    resp: &BTreeMap<String, String>,
) -> Res {
    let arch = &doc.meta.archival;
    o.open("teiHeader", &[])?;
    o.open("fileDesc", &[])?;
    write_title_and_publication(o, &doc.meta.title, resp, project)?;
    o.open("sourceDesc", &[])?;
    if !(arch.archive.is_empty()
        && arch.collection.is_empty()
        && arch.call_number.is_empty()
        && arch.settlement.is_empty()
        && arch.country.is_empty())
    {
        o.open("msDesc", &[])?;
        o.open("msIdentifier", &[])?;
        if !arch.country.is_empty() {
            o.leaf("country", &[], &arch.country)?;
        }
        if !arch.settlement.is_empty() {
            o.leaf("settlement", &[], &arch.settlement)?;
        }
        if !arch.archive.is_empty() {
            o.leaf("repository", &[], &arch.archive)?;
        }
        if !arch.collection.is_empty() {
            o.leaf("collection", &[], &arch.collection)?;
        }
        if !arch.call_number.is_empty() {
            o.leaf(
                "idno",
                &[("type", "callNumber".to_owned())],
                &arch.call_number,
            )?;
        }
        o.close("msIdentifier")?;
        o.close("msDesc")?;
    }
    o.open("bibl", &[])?;
    o.leaf("title", &[], &doc.meta.title)?;
    if !arch.number.is_empty() {
        o.leaf("idno", &[("type", "number".to_owned())], &arch.number)?;
    }
    if !arch.source_id.is_empty() {
        o.leaf("idno", &[("type", "source-id".to_owned())], &arch.source_id)?;
    }
    if let Some(d) = &arch.date {
        o.empty("date", &date_attrs(d))?;
    }
    if !arch.original_language.is_empty() {
        let mut attrs = Vec::new();
        if is_language_tag(&arch.original_language) {
            attrs.push(("mainLang", arch.original_language.clone()));
        }
        o.leaf("textLang", &attrs, &arch.original_language)?;
    }
    if !arch.url.is_empty() {
        o.leaf("ref", &[("target", arch.url.clone())], &arch.url)?;
    }
    if !arch.citation.is_empty() {
        o.leaf("note", &[("type", "citation".to_owned())], &arch.citation)?;
    }
    if !arch.translation_note.is_empty() {
        o.leaf(
            "note",
            &[("type", "translation".to_owned())],
            &arch.translation_note,
        )?;
    }
    o.close("bibl")?;
    o.close("sourceDesc")?;
    o.close("fileDesc")?;
    write_corresp(o, project, doc)?;
    write_changes(o, Some(doc), entries, resp)?;
    o.close("teiHeader")
}

/// `revisionDesc`: when each annotation and registry entry was created and last changed,
/// and by whom.
fn write_changes(
    o: &mut Out,
    doc: Option<&Document>,
    entries: &[&Entry],
    resp: &BTreeMap<String, String>,
) -> Res {
    let anns = doc
        .into_iter()
        .flat_map(|d| d.annotations.values())
        .map(|a| (ann_xml_id(a.id), &a.created, &a.modified));
    let entries = entries
        .iter()
        .map(|e| (entry_xml_id(e.id), &e.created, &e.modified));
    let stamped = anns.chain(entries).flat_map(|(id, created, modified)| {
        [("created", created), ("modified", modified)]
            .into_iter()
            .filter_map(move |(kind, s)| s.as_ref().map(|s| (id.clone(), kind, s)))
    });
    let mut open = false;
    for (id, kind, stamp) in stamped {
        if !open {
            o.open("revisionDesc", &[])?;
            open = true;
        }
        let mut attrs = vec![
            ("type", kind.to_owned()),
            ("when", stamp.at.to_string()),
            ("target", format!("#{id}")),
        ];
        if let Some(r) = resp.get(&stamp.by) {
            attrs.push(("who", format!("#{r}")));
        }
        o.empty("change", &attrs)?;
    }
    if open {
        o.close("revisionDesc")?;
    }
    Ok(())
}

/// Whether `s` looks like a BCP 47 tag ("ru", "zh-Hans", "ko-KR").
fn is_language_tag(s: &str) -> bool {
    let mut parts = s.split('-');
    parts
        .next()
        .is_some_and(|p| (2..=3).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_lowercase()))
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// The registry entry a target names: itself, or the entry its mention links to.
fn entry_of(doc: &Document, t: &Target) -> Option<EntryId> {
    match t {
        Target::Entry(e) => Some(*e),
        Target::Annotation(a) => doc
            .annotations
            .get(a)
            .and_then(Annotation::as_mention)
            .and_then(|m| m.entry),
    }
}

/// `profileDesc/correspDesc` for each Communication event.
fn write_corresp(o: &mut Out, project: &Project, doc: &Document) -> Res {
    let comms: Vec<_> = doc
        .annotations
        .values()
        .filter_map(|a| match &a.body {
            Body::Event(e) if e.type_id.as_str() == "communication" => Some((a.id, e)),
            _ => None,
        })
        .collect();
    if comms.is_empty() {
        return Ok(());
    }
    o.open("profileDesc", &[])?;
    for (id, ev) in comms {
        o.open(
            "correspDesc",
            &[("corresp", format!("#{}", ann_xml_id(id)))],
        )?;
        let date_of = |ev: &crate::model::Event| -> Option<NormalizedDate> {
            ev.roles
                .get(&Slug::new("date"))
                .into_iter()
                .flatten()
                .find_map(|t| match t {
                    Target::Annotation(a) => doc
                        .annotations
                        .get(a)
                        .and_then(Annotation::as_mention)
                        .and_then(|m| m.date.clone()),
                    Target::Entry(_) => None,
                })
                .or_else(|| ev.date.clone())
        };
        for (action, roles) in [
            ("sent", &["sender"][..]),
            ("received", &["recipient", "copy_to"][..]),
            ("transmitted", &["via"][..]),
        ] {
            let fillers: Vec<(&Slug, &Target)> = roles
                .iter()
                .flat_map(|r| {
                    ev.roles
                        .get_key_value(&Slug::new(*r))
                        .into_iter()
                        .flat_map(|(k, v)| v.iter().map(move |t| (k, t)))
                })
                .collect();
            if fillers.is_empty() {
                continue;
            }
            o.open("correspAction", &[("type", action.to_owned())])?;
            for (role, t) in fillers {
                let ty = project.target_type(doc.id(), t).cloned();
                let name = match ty.as_ref().map(Slug::as_str) {
                    Some("organization") => "orgName",
                    _ => "persName",
                };
                let mut attrs = Vec::new();
                if let Some(e) = entry_of(doc, t) {
                    attrs.push(("ref", ref_value(project, e)));
                }
                if role.as_str() != roles[0] {
                    attrs.push(("role", role.as_str().to_owned()));
                }
                o.leaf(name, &attrs, &project.target_label(doc.id(), t))?;
            }
            if action == "sent" {
                // Places among any role's fillers: where the message was sent from.
                for t in ev.roles.values().flatten() {
                    if project.target_type(doc.id(), t).map(Slug::as_str) == Some("place") {
                        let mut attrs = Vec::new();
                        if let Some(e) = entry_of(doc, t) {
                            attrs.push(("ref", ref_value(project, e)));
                        }
                        o.leaf("placeName", &attrs, &project.target_label(doc.id(), t))?;
                    }
                }
                if let Some(d) = date_of(ev) {
                    o.empty("date", &date_attrs(&d))?;
                }
            }
            o.close("correspAction")?;
        }
        o.close("correspDesc")?;
    }
    o.close("profileDesc")
}

fn write_standoff(
    o: &mut Out,
    project: &Project,
    doc: &Document,
    entries: &[&Entry],
    standoff: &[AnnId],
    resp: &BTreeMap<String, String>,
) -> Res {
    let anything = !entries.is_empty()
        || !standoff.is_empty()
        || doc.annotations.values().any(|a| {
            !matches!(a.body, Body::Mention(_)) || !a.note.is_empty() || !a.attributes.is_empty()
        });
    if !anything {
        // An empty standOff is not valid TEI.
        return Ok(());
    }
    o.open("standOff", &[])?;
    // The entries this document points at.
    write_lists(o, entries)?;
    // Standoff mentions.
    if !standoff.is_empty() {
        let linked = linked_zones(doc);
        o.open("listAnnotation", &[("type", "mentions".to_owned())])?;
        for id in standoff {
            let Some(a) = doc.annotations.get(id) else {
                continue;
            };
            let Body::Mention(m) = &a.body else { continue };
            let mut targets: Vec<String> = (0..m.anchor.fragments.len())
                .flat_map(|i| {
                    [
                        format!("#{}", anchor_id(*id, i, false)),
                        format!("#{}", anchor_id(*id, i, true)),
                    ]
                })
                .collect();
            // A region mention's own place on its page.
            if a.region.is_some() {
                targets.push(format!("#{}", zone_xml_id(*id)));
            }
            o.open(
                "annotation",
                &[
                    ("xml:id", ann_xml_id(*id)),
                    ("target", targets.join(" ")),
                    ("motivation", "identifying".to_owned()),
                ],
            )?;
            o.open("note", &[("type", "mention".to_owned())])?;
            let (name, mut attrs) = mention_element(project, a, m, resp);
            if let Some(f) = linked.get(id) {
                attrs.push(("facs", f.clone()));
            }
            o.leaf(name, &attrs, &m.anchor.covered_text(doc.text_or_empty()))?;
            o.close("note")?;
            o.close("annotation")?;
        }
        o.close("listAnnotation")?;
    }
    // Events.
    let events: Vec<_> = doc
        .annotations
        .values()
        .filter_map(|a| match &a.body {
            Body::Event(e) => Some((a, e)),
            _ => None,
        })
        .collect();
    if !events.is_empty() {
        o.open("listEvent", &[])?;
        for (a, ev) in events {
            let mut attrs: Attrs = vec![
                ("xml:id", ann_xml_id(a.id)),
                ("type", ev.type_id.as_str().to_owned()),
            ];
            if let Some(d) = &ev.date {
                attrs.extend(date_attrs(d));
            }
            attrs.extend(cert_resp(a, resp));
            o.open("event", &attrs)?;
            o.leaf("label", &[], project.schema.label(&ev.type_id))?;
            if let Some(t) = &ev.trigger {
                let targets: Vec<String> = (0..t.fragments.len())
                    .flat_map(|i| {
                        [
                            format!("#{}", anchor_id(a.id, i, false)),
                            format!("#{}", anchor_id(a.id, i, true)),
                        ]
                    })
                    .collect();
                o.empty(
                    "ptr",
                    &[
                        ("type", TRIGGER_PTR.to_owned()),
                        ("target", targets.join(" ")),
                    ],
                )?;
            }
            for (role, fillers) in &ev.roles {
                for t in fillers {
                    o.empty(
                        "ptr",
                        &[
                            ("type", role.as_str().to_owned()),
                            ("target", target_ref(t)),
                        ],
                    )?;
                }
            }
            o.close("event")?;
        }
        o.close("listEvent")?;
    }
    // Relations.
    let rels: Vec<_> = doc
        .annotations
        .values()
        .filter_map(|a| match &a.body {
            Body::Relation(r) => Some((a, r)),
            _ => None,
        })
        .collect();
    if !rels.is_empty() {
        o.open("listRelation", &[])?;
        for (a, r) in rels {
            let mut attrs: Attrs = vec![
                ("xml:id", ann_xml_id(a.id)),
                ("name", r.type_id.as_str().to_owned()),
                ("active", target_ref(&r.from)),
                ("passive", target_ref(&r.to)),
            ];
            attrs.extend(cert_resp(a, resp));
            o.empty("relation", &attrs)?;
        }
        o.close("listRelation")?;
    }
    // Notes and attributes.
    let noted: Vec<&Annotation> = doc
        .annotations
        .values()
        .filter(|a| !a.note.is_empty() || !a.attributes.is_empty())
        .collect();
    if !noted.is_empty() {
        o.open("listAnnotation", &[("type", "notes".to_owned())])?;
        for a in noted {
            o.open(
                "annotation",
                &[
                    ("xml:id", format!("n-{}", a.id)),
                    ("target", format!("#{}", ann_xml_id(a.id))),
                    ("motivation", motivation(a).to_owned()),
                ],
            )?;
            if !a.note.is_empty() {
                o.leaf("note", &[], &a.note)?;
            }
            for (k, v) in &a.attributes {
                let (kind, text) = attr_to_text(v);
                o.leaf(
                    "note",
                    &[
                        ("type", "attribute".to_owned()),
                        ("subtype", kind.to_owned()),
                        ("n", k.as_str().to_owned()),
                    ],
                    &text,
                )?;
            }
            o.close("annotation")?;
        }
        o.close("listAnnotation")?;
    }
    o.close("standOff")
}

/// The motivation of a notes-and-attributes annotation.
fn motivation(a: &Annotation) -> &'static str {
    match (a.note.is_empty(), a.attributes.is_empty()) {
        (false, false) => "commenting describing",
        (false, true) => "commenting",
        _ => "describing",
    }
}

/// The registry entries `doc` points at (mentions' entries, role fillers and relation
/// arguments that are entries), in registry order. A document's file lists only these, so
/// its size does not grow with the registry; [`REGISTRY_XML`] lists every entry.
fn entries_of<'a>(project: &'a Project, doc: &Document) -> Vec<&'a Entry> {
    let ids: BTreeSet<EntryId> = doc
        .annotations
        .values()
        .flat_map(Annotation::targets)
        .filter_map(|t| match t {
            Target::Entry(e) => Some(e),
            Target::Annotation(_) => None,
        })
        .collect();
    ids.iter()
        .filter_map(|id| project.registry.get(id))
        .collect()
}

/// `listPerson`, `listOrg`, `listPlace` and `listObject` of `entries`, in that order.
fn write_lists(o: &mut Out, entries: &[&Entry]) -> Res {
    let mut groups: BTreeMap<&str, Vec<&Entry>> = BTreeMap::new();
    for e in entries {
        let list = match e.type_id.as_str() {
            "person" => "listPerson",
            "organization" => "listOrg",
            "place" => "listPlace",
            _ => "listObject",
        };
        groups.entry(list).or_default().push(e);
    }
    for list in ["listPerson", "listOrg", "listPlace", "listObject"] {
        let Some(entries) = groups.get(list) else {
            continue;
        };
        o.open(list, &[])?;
        for e in entries {
            write_entry(o, e)?;
        }
        o.close(list)?;
    }
    Ok(())
}

/// The name of the file that holds the whole registry beside the documents' files.
pub const REGISTRY_XML: &str = "registry.xml";

/// The whole registry as a TEI file without text: a header (the project, the annotators
/// and when each entry was created and changed) and a `standOff` with every entry. The
/// TEI import reads such a file as registry only.
pub fn registry_xml(project: &Project) -> std::io::Result<Vec<u8>> {
    let entries: Vec<&Entry> = project.registry.values().collect();
    let resp = resp_ids(None, &entries);
    let mut o = Out::new(entries.len() * 256);
    o.w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    o.nl()?;
    o.w.write_event(Event::Start(Out::start(
        "TEI",
        &[
            ("xmlns", TEI_NS.to_owned()),
            ("xml:id", "registry".to_owned()),
        ],
    )))?;
    o.depth = 1;
    o.open("teiHeader", &[])?;
    o.open("fileDesc", &[])?;
    let title = format!("Registry of {}", project.info.name);
    write_title_and_publication(&mut o, &title, &resp, project)?;
    o.open("sourceDesc", &[])?;
    o.leaf(
        "p",
        &[],
        "Every registry entry of the project (persons, organizations, places and other \
         entries) with its names, authority ids and note; each document's file lists the \
         entries it points at.",
    )?;
    o.close("sourceDesc")?;
    o.close("fileDesc")?;
    write_changes(&mut o, None, &entries, &resp)?;
    o.close("teiHeader")?;
    o.open("standOff", &[])?;
    write_lists(&mut o, &entries)?;
    o.close("standOff")?;
    o.depth = 0;
    o.nl()?;
    o.raw_close("TEI")?;
    o.w.write_event(Event::Text(BytesText::new("\n")))?;
    Ok(o.w.into_inner())
}

fn write_entry(o: &mut Out, e: &Entry) -> Res {
    let (el, name_el) = match e.type_id.as_str() {
        "person" => ("person", "persName"),
        "organization" => ("org", "orgName"),
        "place" => ("place", "placeName"),
        _ => ("object", "objectName"),
    };
    let mut attrs: Attrs = vec![("xml:id", entry_xml_id(e.id))];
    if el == "object" {
        attrs.push(("type", e.type_id.as_str().to_owned()));
    }
    o.open(el, &attrs)?;
    if el == "object" {
        o.open("objectIdentifier", &[])?;
    }
    o.leaf(name_el, &[("type", "canonical".to_owned())], &e.name)?;
    for al in &e.aliases {
        let mut attrs: Attrs = vec![("type", al.kind.as_str().to_owned())];
        if !al.note.is_empty() {
            // The alias note rides along as a sub-type-free annotation attribute.
            attrs.push(("n", al.note.clone()));
        }
        o.leaf(name_el, &attrs, &al.name)?;
    }
    for id in &e.authority {
        o.leaf("idno", &[("type", id.scheme.as_str().to_owned())], &id.id)?;
    }
    if el == "object" {
        o.close("objectIdentifier")?;
    }
    if !e.note.is_empty() {
        o.leaf("note", &[], &e.note)?;
    }
    o.close(el)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interchange::export::ExportOptions;

    #[test]
    fn paragraphs_join_back() {
        for t in [
            "",
            "a",
            "a\n\nb",
            "a\n\n\nb",
            "a\n\n\n\nb\n",
            "\n\n",
            "x\ny\n\n",
        ] {
            let chars: Vec<char> = t.chars().collect();
            let parts: Vec<String> = paragraphs(t)
                .iter()
                .map(|s| chars[s.start..s.end].iter().collect())
                .collect();
            assert_eq!(parts.join("\n\n"), t, "{t:?}");
        }
    }

    #[test]
    fn minute_precision_uses_iso_attributes() {
        let d = NormalizedDate::range("1951-07-10T15:00", "1951-07-11");
        assert_eq!(
            date_attrs(&d),
            vec![
                ("notBefore-iso", "1951-07-10T15:00".to_owned()),
                ("notAfter", "1951-07-11".to_owned())
            ]
        );
    }

    fn one_doc(text: Option<&str>) -> (Project, crate::model::DocId) {
        let mut p = Project::new("p");
        let doc = Document {
            meta: crate::model::DocumentMeta {
                id: crate::model::DocId::new(),
                title: "t".into(),
                source: None,
                images: Vec::new(),
                status: crate::model::DocStatus::NotStarted,
                archival: crate::model::ArchivalMeta::default(),
            },
            text: text.map(crate::model::SourceText::from_str_normalizing),
            annotations: BTreeMap::new(),
        };
        let id = doc.id();
        p.documents.insert(id, doc);
        (p, id)
    }

    #[test]
    fn control_characters_are_refused_not_written() {
        let (p, _) = one_doc(Some("a\u{b}b"));
        let tmp = tempfile::tempdir().unwrap();
        let err = TeiExporter
            .export(&p, tmp.path(), &ExportOptions::default(), &mut |_| {})
            .unwrap_err();
        assert!(err.to_string().contains("U+000B"), "{err}");
        assert_eq!(first_non_xml_char("ok\n😀".as_bytes()), None);
    }

    #[test]
    fn noncharacters_are_found_by_the_byte_scan() {
        // Full-width forms share the lead byte EF with U+FFFE/U+FFFF and are fine.
        assert_eq!(
            first_non_xml_char("李，。\u{FF0C}\u{FFFD}".as_bytes()),
            None
        );
        assert_eq!(
            first_non_xml_char("a\nb\u{FFFE}".as_bytes()),
            Some((2, '\u{FFFE}'))
        );
        assert_eq!(
            first_non_xml_char("\u{FFFF}".as_bytes()),
            Some((1, '\u{FFFF}'))
        );
        assert_eq!(first_non_xml_char(b"x\x01"), Some((1, '\u{1}')));
    }

    #[test]
    fn language_tags() {
        assert!(is_language_tag("ru"));
        assert!(is_language_tag("zh-Hans"));
        assert!(!is_language_tag("Russian"));
    }
}
