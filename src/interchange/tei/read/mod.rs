//! TEI P5 import: plain text from the body, mentions from inline `persName`, `placeName`,
//! `orgName`, `date`, `rs` … (and from our `standOff` encoding), registry entries from
//! `listPerson`/`listOrg`/`listPlace`/`listObject` and from named elements with an
//! `xml:id` outside the body (FRUS front-matter persons lists), events and relations.
//!
//! Text conventions: with `xml:space="preserve"` on the body (our own export) paragraphs are
//! joined by `"\n\n"`, `<lb/>` is `"\n"` and text is taken as it is. Otherwise block
//! elements (`p`, `head`, `opener`, `dateline`, `closer` …) are separated by `"\n\n"`,
//! `<lb/>` is `"\n"`, runs of white space become one space and are trimmed at block
//! edges. `note`s are moved out of the running text to the end of their document as
//! blocks `"[n] …"`; a `note type="source"` (in a document's `head` or directly in it)
//! becomes its citation. No space is kept after an opening bracket or before closing
//! punctuation (pretty-printed `(<persName>\n Clubb\n</persName>)` reads `(Clubb)`).
//! A body with `div type="document"` (a FRUS volume) yields one document per such div.
//! `persName` (or `gloss`) `type="from"` and `"to"` in a document yield a Communication event.

mod body;
mod facsimile;
mod header;
mod standoff;

use super::tree::{El, Node, parse};
use super::{
    ANN_ID_PREFIX, DOC_ID_PREFIX, ENTRY_ID_PREFIX, TRIGGER_PTR, ZONE_ID_PREFIX, uuid_after,
};
use crate::interchange::common::{
    SourceTree, admit_attribute, attr_from_text, authority_from_url, authority_key, join_inside,
    read_regular_text, slug_name, unique_name,
};
use crate::interchange::facs::{page_image, parse_points};
use crate::interchange::import::{ImportError, Importer};
use crate::model::date::check_iso;
use crate::model::region::{PageRegion, Shape};
use crate::model::registry::Authority;
use crate::model::schema::{EntityType, EventType, RelationType};
use crate::model::{
    Alias, AliasKind, AnnId, Annotation, ArchivalMeta, AuthorityId, Body, Certainty, DocId,
    Document, Entry, EntryId, Event, Mention, NormalizedDate, PageBreak, Project, RelPath,
    Relation, Slug, Span, Target, TextAnchor,
};
use crate::model::{Stamp, UtcTime};
use crate::store;
use body::*;
use facsimile::*;
use header::*;
use standoff::*;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

/// The TEI importer.
pub struct TeiImporter;

impl Importer for TeiImporter {
    fn id(&self) -> &'static str {
        "tei"
    }

    fn label(&self) -> &'static str {
        "TEI P5 XML"
    }

    fn import(
        &self,
        source: &Path,
        cx: &mut crate::interchange::import::ImportContext<'_>,
    ) -> Result<Project, ImportError> {
        let staging = cx.staging;
        let files = xml_files(source)?;
        if files.is_empty() {
            return Err(ImportError::Invalid {
                path: source.to_path_buf(),
                message: "no .xml files found".into(),
            });
        }
        let mut project = Project::new(String::new());
        let mut seen = Seen::default();
        for (rel, file) in files {
            let text = read_regular_text(&file)?;
            let root = parse(&text, &file)?;
            import_tree(&mut project, &mut seen, &root, &rel, &file, staging)?;
        }
        cx.report.items.append(&mut seen.report.items);
        Ok(project)
    }
}

/// What earlier files and parts of this import used: annotation ids (with the file that
/// used each) and text file names, so neither is taken twice.
#[derive(Default)]
struct Seen {
    /// What the import does not keep.
    report: crate::interchange::import::ImportReport,
    annotations: HashMap<AnnId, PathBuf>,
    texts: HashSet<String>,
    /// Registry entries by identity key (authority URI, `@key`, edition-scoped `xml:id`),
    /// so the same person in many files is one entry.
    entry_keys: HashMap<String, EntryId>,
}

/// The `.xml` files under `source` (or `source` itself), with their stems relative to it.
fn xml_files(source: &Path) -> Result<Vec<(String, PathBuf)>, ImportError> {
    if !source.is_dir() {
        let base = source
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let file = base.join(source.file_name().unwrap_or_default());
        if !SourceTree::scan_shallow(base)?.contains(&file) {
            return Err(ImportError::Invalid {
                path: source.to_path_buf(),
                message:
                    "not a regular file in its folder (hidden, a link out of it, or a special file)"
                        .into(),
            });
        }
        let stem = source.file_stem().map_or_else(
            || "document".to_owned(),
            |s| s.to_string_lossy().into_owned(),
        );
        return Ok(vec![(stem, file)]);
    }
    let tree = SourceTree::scan(source)?;
    Ok(tree
        .with_extension(&["xml"])
        .into_iter()
        .map(|p| (tree.rel(&p.with_extension("")), p))
        .collect())
}

/// The entity type of a name-like element, or `None` when it is not one.
fn mention_type(project: &Project, el: &El) -> Option<Slug> {
    let dated = || {
        let wanted = el.attr("type").map(Slug::new);
        match wanted {
            Some(t) if project.schema.entity(&t).is_some_and(|e| e.dated) => t,
            _ => Slug::new("date"),
        }
    };
    match el.name.as_str() {
        "persName" => Some(Slug::new("person")),
        "orgName" => Some(Slug::new("organization")),
        "placeName" | "geogName" | "settlement" | "country" | "region" | "district" | "bloc" => {
            Some(Slug::new("place"))
        }
        "date" | "time" => Some(dated()),
        "gloss" => match el.attr("type") {
            Some("from" | "to") => Some(Slug::new("person")),
            // An abbreviation in the text pointing at its list entry.
            _ if el.attr("target").is_some() => Some(Slug::new("abbreviation")),
            _ => None,
        },
        // A speech in a drama or transcript, linked to its speaker by `@who`.
        "sp" if el.attr("who").is_some() => Some(Slug::new("speech")),
        // A numbered verse line (`l/@n`) keeps its number.
        "l" if el.attr("n").is_some() => Some(Slug::new("verse_line")),
        // A cross-reference with words ("No. 5", "ante, p. 12") keeps its target.
        "ref" if el.attr("target").is_some() && !el.text().trim().is_empty() => {
            Some(Slug::new("docref"))
        }
        "rs" | "name" => {
            let t = el.attr("type").unwrap_or("name");
            Some(match t {
                "person" | "persName" => Slug::new("person"),
                "org" | "organization" | "orgName" => Slug::new("organization"),
                "place" | "placeName" => Slug::new("place"),
                t => slug_of(t),
            })
        }
        _ => None,
    }
}

/// Reads an ISO value as we store it: drops a time zone, keeps it only if valid.
fn iso(v: &str) -> Option<String> {
    let v = v.trim();
    let cut = match v.split_once('T') {
        Some((d, t)) => {
            let end = t.find(['+', '-', 'Z']).unwrap_or(t.len());
            format!("{d}T{}", &t[..end])
        }
        None => v.to_owned(),
    };
    check_iso(&cut).ok().map(|()| cut)
}

fn date_of(el: &El) -> Option<NormalizedDate> {
    let get = |a: &str, b: &str| el.attr(a).or_else(|| el.attr(b)).and_then(iso);
    let d = NormalizedDate {
        when: get("when", "when-iso"),
        not_before: get("notBefore", "notBefore-iso").or_else(|| get("from", "from-iso")),
        not_after: get("notAfter", "notAfter-iso").or_else(|| get("to", "to-iso")),
    };
    (!d.is_empty()).then_some(d)
}

/// `s` as a slug: itself when valid, else derived from it as from a label.
fn slug_of(s: &str) -> Slug {
    if Slug::is_valid(s) {
        Slug::new(s)
    } else {
        Slug::from_label(s)
    }
}

/// Per-file state: XML ids of entries and respStmts.
struct Ctx {
    /// The file is our own export: text is exact, not indented.
    exact: bool,
    entries: HashMap<String, EntryId>,
    resp: HashMap<String, String>,
    /// The ids of `respStmt`s whose `resp` is "adjudication" (a curator, as the TEI export
    /// writes them).
    adjudicators: std::collections::HashSet<String>,
    /// Scopes edition-internal ids (`#pmb123`) across files: the `xml:base` of the `TEI`
    /// element when it has one (files of one edition share it), else the file.
    edition: String,
}

impl Ctx {
    fn entry_ref(&self, el: &El) -> Option<EntryId> {
        let r = el
            .attr("ref")
            .or_else(|| el.attr("corresp"))
            .or_else(|| el.attr("who"))
            .or_else(|| el.attr("target").filter(|_| el.name == "gloss"))?;
        let first = r.split_whitespace().next()?;
        self.entries.get(first.strip_prefix('#')?).copied()
    }

    /// The `@resp` pointers of `el` split into the annotators and whether a curator
    /// (an adjudication `respStmt`) is among them.
    fn pointers(&self, el: &El) -> (Vec<String>, bool) {
        let mut names = Vec::new();
        let mut curator = false;
        for p in el.attr("resp").unwrap_or_default().split_whitespace() {
            let key = p.trim_start_matches('#');
            if self.adjudicators.contains(key) {
                curator = true;
            } else {
                names.push(
                    self.resp
                        .get(key)
                        .cloned()
                        .unwrap_or_else(|| key.to_owned()),
                );
            }
        }
        (names, curator)
    }

    /// Whose versions an adjudicated annotation was taken from: the annotators its `@resp`
    /// names beside a curator (empty when no curator is named).
    fn adjudicated_of(&self, el: &El) -> Vec<String> {
        let (mut names, curator) = self.pointers(el);
        if !curator {
            return Vec::new();
        }
        names.sort();
        names.dedup();
        names
    }

    fn resp_of(&self, el: &El) -> String {
        if let (names, true) = self.pointers(el) {
            return names.into_iter().next().unwrap_or_default();
        }
        el.attr("resp").map_or_else(String::new, |r| {
            let key = r.trim().trim_start_matches('#');
            self.resp
                .get(key)
                .cloned()
                .unwrap_or_else(|| key.to_owned())
        })
    }
}

fn ensure_entity_type(project: &mut Project, id: &Slug) {
    if project.schema.kind_of(id).is_none() {
        project.schema.entity_types.push(EntityType {
            id: id.clone(),
            label: id.as_str().replace('_', " "),
            color: "#888888".into(),
            hotkey: None,
            dated: false,
            description: "Added by TEI import.".into(),
        });
    }
}

fn ensure_event_type(project: &mut Project, id: &Slug) {
    if project.schema.kind_of(id).is_none() {
        project.schema.event_types.push(EventType {
            id: id.clone(),
            label: id.as_str().replace('_', " "),
            color: "#888888".into(),
            hotkey: None,
            roles: Vec::new(),
            description: "Added by TEI import.".into(),
        });
    }
}

fn ensure_relation_type(project: &mut Project, id: &Slug) {
    if project.schema.kind_of(id).is_none() {
        project.schema.relation_types.push(RelationType {
            id: id.clone(),
            label: id.as_str().replace('_', " "),
            color: "#888888".into(),
            from: Vec::new(),
            to: Vec::new(),
            hotkey: None,
            symmetric: false,
        });
    }
}

/// One document to be made from a part of the body.
struct Part<'a> {
    el: &'a El,
    stem: String,
    title: String,
    doc_id: Option<DocId>,
    /// The document number (`@n`) and `xml:id` in the edition.
    number: String,
    source_id: String,
    /// The header's `correspDesc`, for a file that is one letter.
    corresp: Option<&'a El>,
    /// Whether this part is the whole file (it gets every page of the `<facsimile>`, not
    /// only the pages it points at).
    whole: bool,
    /// Page breaks between the previous document or part and this one: the page it starts
    /// on, placed at offset 0.
    lead_pages: Vec<PageBreak>,
}

/// The text of a volume outside its `div type="document"`s: front matter, chapter and
/// section headings and introductions, editorial notes, back matter. One element per
/// `front`, `back`, `body` or `div` that is not a document and has text of its own, a
/// copy of it without its `div`s (each of which is its own part or document).
fn outside_documents(text_el: &El) -> Vec<El> {
    fn walk(e: &El, out: &mut Vec<El>) {
        let mut own = El {
            name: e.name.clone(),
            attrs: e.attrs.clone(),
            children: Vec::new(),
            line: e.line,
        };
        for c in &e.children {
            match c {
                Node::El(d) if d.name == "div" => {
                    if d.attr("type") != Some("document") {
                        walk(d, out);
                    }
                }
                other => own.children.push(other.clone()),
            }
        }
        let registry = |n: &str| n.starts_with("list") && n != "list";
        let has_text = own.descendants().into_iter().any(|d| {
            !registry(&d.name)
                && d.children
                    .iter()
                    .any(|c| matches!(c, Node::Text(t) if !t.trim().is_empty()))
        }) || own
            .children
            .iter()
            .any(|c| matches!(c, Node::Text(t) if !t.trim().is_empty()));
        if has_text {
            // Before the parts and documents inside it.
            let at = out
                .iter()
                .position(|o: &El| o.line > own.line)
                .unwrap_or(out.len());
            out.insert(at, own);
        }
    }
    let mut out = Vec::new();
    for c in text_el.elements() {
        if matches!(c.name.as_str(), "front" | "body" | "back") {
            walk(c, &mut out);
        }
    }
    out
}

/// The page breaks that stand between documents (outside every `div type="document"`), by
/// the line of the document that follows them.
fn pages_between_documents(text_el: &El, parts: &HashSet<usize>) -> HashMap<usize, Vec<PageBreak>> {
    fn walk<'a>(
        e: &'a El,
        parts: &HashSet<usize>,
        pending: &mut Vec<&'a El>,
        out: &mut HashMap<usize, Vec<PageBreak>>,
    ) {
        for c in e.elements() {
            let document = c.name == "div" && c.attr("type") == Some("document");
            if document || (c.name == "div" && parts.contains(&c.line)) {
                let pages = pending
                    .drain(..)
                    .map(|pb| PageBreak {
                        offset: 0,
                        n: pb.attr("n").unwrap_or_default().to_owned(),
                        facs: pb.attr("facs").unwrap_or_default().to_owned(),
                    })
                    .collect();
                out.insert(c.line, pages);
                if !document {
                    walk(c, parts, pending, out);
                }
            } else if c.name == "pb" {
                pending.push(c);
            } else if c.name != "note" {
                walk(c, parts, pending, out);
            }
        }
    }
    let mut out = HashMap::new();
    walk(text_el, parts, &mut Vec::new(), &mut out);
    out
}

fn import_tree(
    project: &mut Project,
    seen: &mut Seen,
    root: &El,
    rel: &str,
    file: &Path,
    staging: &Path,
) -> Result<(), ImportError> {
    let invalid = |message: String| ImportError::Invalid {
        path: file.to_path_buf(),
        message,
    };
    let teis: Vec<&El> = match root.name.as_str() {
        "TEI" => vec![root],
        "teiCorpus" => root
            .descendants()
            .into_iter()
            .filter(|e| e.name == "TEI")
            .collect(),
        other => return Err(invalid(format!("root element is <{other}>, not <TEI>"))),
    };
    for (ti, tei) in teis.iter().enumerate() {
        let stem = if teis.len() > 1 {
            format!("{rel}-{}", ti + 1)
        } else {
            rel.to_owned()
        };
        import_tei(project, seen, tei, &stem, file, staging)?;
    }
    Ok(())
}

fn import_tei(
    project: &mut Project,
    seen: &mut Seen,
    tei: &El,
    stem: &str,
    file: &Path,
    staging: &Path,
) -> Result<(), ImportError> {
    let text_el = tei.child("text");
    let body = text_el.and_then(|t| t.child("body"));
    let preserve = body.is_some_and(|b| b.attr("xml:space") == Some("preserve"))
        || text_el.and_then(|t| t.attr("xml:space")) == Some("preserve");
    let mut ctx = Ctx {
        exact: preserve,
        entries: HashMap::new(),
        resp: HashMap::new(),
        adjudicators: Default::default(),
        edition: tei
            .attr("xml:base")
            .map_or_else(|| format!("file:{}", file.display()), str::to_owned),
    };
    let header = tei.child("teiHeader");
    if let Some(h) = header {
        for r in h.descendants().into_iter().filter(|e| e.name == "respStmt") {
            if let (Some(id), Some(name)) =
                (r.attr("xml:id"), r.child("name").or(r.child("persName")))
            {
                ctx.resp.insert(id.to_owned(), name.text_in(preserve));
                if r.child("resp")
                    .is_some_and(|x| x.text().trim() == "adjudication")
                {
                    ctx.adjudicators.insert(id.to_owned());
                }
            }
        }
        if project.info.name.is_empty()
            && let Some(p) = h
                .descendants()
                .into_iter()
                .find(|e| e.name == "publicationStmt")
        {
            let t = p.text();
            if let Some(name) = t
                .strip_prefix("Exported from the Marginalia project \"")
                .and_then(|r| r.strip_suffix("\"."))
            {
                project.info.name = name.to_owned();
            }
        }
        if !preserve {
            volume_info(project, h);
        }
    }
    read_registry(project, tei, &mut ctx, seen);
    // A file with a header and a standOff but no text is a registry (the export's
    // `registry.xml`, a personography): its entries and their stamps, no document.
    if text_el.is_none() && tei.child("standOff").is_some() {
        if let Some(h) = header {
            read_changes(project, &ctx, h);
        }
        return Ok(());
    }
    let Some(body) = body else {
        return Err(ImportError::Invalid {
            path: file.to_path_buf(),
            message: "no <text><body> in the TEI document".into(),
        });
    };
    // A letter's own title (`level="a"`) before the series title.
    let titles: Vec<&El> = header
        .and_then(|h| h.child("fileDesc"))
        .and_then(|f| f.child("titleStmt"))
        .map(|t| t.elements().filter(|e| e.name == "title").collect())
        .unwrap_or_default();
    let title = titles
        .iter()
        .find(|t| t.attr("level") == Some("a"))
        .or_else(|| titles.first())
        .map(|t| t.text_in(preserve))
        .unwrap_or_else(|| stem.rsplit('/').next().unwrap_or(stem).to_owned());
    let corresp = header
        .and_then(|h| h.child("profileDesc"))
        .and_then(|p| p.child("correspDesc"));
    let doc_divs: Vec<&El> = body
        .descendants()
        .into_iter()
        .filter(|e| e.name == "div" && e.attr("type") == Some("document"))
        .collect();
    // Foreign TEI: the text outside the volume's documents, and the page breaks between them.
    let outside = if doc_divs.is_empty() || preserve {
        Vec::new()
    } else {
        text_el.map(outside_documents).unwrap_or_default()
    };
    let mut lead = if doc_divs.is_empty() || preserve {
        HashMap::new()
    } else {
        let lines: HashSet<usize> = outside.iter().map(|o| o.line).collect();
        text_el
            .map(|t| pages_between_documents(t, &lines))
            .unwrap_or_default()
    };
    let parts: Vec<Part<'_>> = if doc_divs.is_empty() {
        vec![Part {
            // A foreign file that is one text: its front, body and back.
            el: if preserve {
                body
            } else {
                text_el.unwrap_or(body)
            },
            stem: stem.to_owned(),
            title,
            doc_id: tei
                .attr("xml:id")
                .and_then(|i| uuid_after(i, DOC_ID_PREFIX))
                .map(DocId),
            number: String::new(),
            source_id: tei
                .attr("xml:id")
                .filter(|i| uuid_after(i, DOC_ID_PREFIX).is_none())
                .unwrap_or_default()
                .to_owned(),
            corresp,
            whole: true,
            lead_pages: Vec::new(),
        }]
    } else {
        // Each div's xml:id names its text file: it must be unique, and it becomes a slug.
        let mut ids: HashMap<&str, usize> = HashMap::new();
        for d in &doc_divs {
            if let Some(id) = d.attr("xml:id")
                && let Some(first) = ids.insert(id, d.line)
            {
                return Err(ImportError::Syntax {
                    path: file.to_path_buf(),
                    line: d.line,
                    message: format!(
                        "xml:id \"{id}\" of this <div type=\"document\"> is already used on line {first}"
                    ),
                });
            }
        }
        doc_divs
            .iter()
            .enumerate()
            .map(|(i, d)| {
                let label = d
                    .attr("xml:id")
                    .map_or_else(|| format!("{}", i + 1), str::to_owned);
                let head = d.child("head").map(|h| {
                    let mut h = h.clone();
                    h.children
                        .retain(|c| !matches!(c, Node::El(e) if e.name == "note"));
                    h.text()
                });
                let n = format!("{}", i + 1);
                Part {
                    el: d,
                    stem: format!("{stem}-{}", slug_name(&label, &n)),
                    title: head.filter(|h| !h.is_empty()).unwrap_or(label),
                    doc_id: None,
                    number: d.attr("n").unwrap_or_default().to_owned(),
                    source_id: d.attr("xml:id").unwrap_or_default().to_owned(),
                    corresp: None,
                    whole: false,
                    lead_pages: Vec::new(),
                }
            })
            .chain(outside.iter().enumerate().map(|(i, o)| {
                let head = o.child("head").map(|h| {
                    let mut h = h.clone();
                    h.children
                        .retain(|c| !matches!(c, Node::El(e) if e.name == "note"));
                    h.text()
                });
                let fallback = match o.name.as_str() {
                    "front" => "Front matter".to_owned(),
                    "back" => "Back matter".to_owned(),
                    "body" => "Body".to_owned(),
                    _ => [o.attr("type"), o.attr("n"), o.attr("xml:id")]
                        .into_iter()
                        .flatten()
                        .collect::<Vec<_>>()
                        .join(" "),
                };
                let label = o
                    .attr("xml:id")
                    .map_or_else(|| format!("{}-{}", o.name, i + 1), str::to_owned);
                let n = format!("part-{}", i + 1);
                Part {
                    el: o,
                    stem: format!("{stem}-{}", slug_name(&label, &n)),
                    title: head
                        .filter(|h| !h.is_empty())
                        .or_else(|| (!fallback.is_empty()).then_some(fallback))
                        .unwrap_or(label),
                    doc_id: None,
                    number: String::new(),
                    source_id: o.attr("xml:id").unwrap_or_default().to_owned(),
                    corresp: None,
                    whole: false,
                    lead_pages: Vec::new(),
                }
            }))
            .collect::<Vec<_>>()
    };
    // Documents and the text between them in the volume's order.
    let mut parts = parts;
    parts.sort_by_key(|p| p.el.line);
    for p in &mut parts {
        p.lead_pages = lead.remove(&p.el.line).unwrap_or_default();
    }
    // Read once per file: its images are copied once, whatever the number of documents.
    let facsimile = Facsimile::read(tei, file, staging)?;
    for part in parts {
        import_part(
            project, seen, &ctx, tei, header, &part, &facsimile, preserve, file, staging,
        )?;
    }
    if let Some(h) = header {
        read_changes(project, &ctx, h);
    }
    Ok(())
}

/// The attributes of a text element that are kept on its annotation: a verse line's number,
/// a reference's target, a milestone's unit and number, and the edition's own analysis
/// (`@ana`) of any of them.
fn kept_attributes(el: &El) -> Vec<(&'static str, String)> {
    let names: &[&'static str] = match el.name.as_str() {
        "l" => &["n", "ana"],
        "ref" => &["target", "type", "ana"],
        "milestone" | "cb" => &["unit", "n", "type", "ana"],
        _ => &["ana"],
    };
    names
        .iter()
        .filter_map(|k| el.attr(k).map(|v| (*k, collapse(v))))
        .filter(|(_, v)| !v.is_empty())
        .collect()
}

/// The word at or after code point `at` of `text` (the one before it at the very end).
fn word_at(text: &crate::model::SourceText, at: usize) -> Option<Span> {
    let chars: Vec<char> = text.as_str().chars().collect();
    let mut s = at.min(chars.len());
    while s < chars.len() && chars[s].is_whitespace() {
        s += 1;
    }
    if s == chars.len() {
        // At the end: the last word.
        let mut e = s;
        while e > 0 && chars[e - 1].is_whitespace() {
            e -= 1;
        }
        let mut b = e;
        while b > 0 && !chars[b - 1].is_whitespace() {
            b -= 1;
        }
        return (b < e).then(|| Span::new(b, e));
    }
    let mut e = s;
    while e < chars.len() && !chars[e].is_whitespace() {
        e += 1;
    }
    Some(Span::new(s, e))
}

/// An error naming `file`, `e`'s line and element.
fn bad_anchor(file: &Path, e: &El, err: String) -> ImportError {
    ImportError::Invalid {
        path: file.to_path_buf(),
        message: format!("line {}: <{}>: {err}", e.line, e.name),
    }
}

/// One document being imported: its text and the annotations made so far, with the ids
/// (`xml:id`) they answer to.
struct DocBuild<'a> {
    file: &'a Path,
    text: crate::model::SourceText,
    ann_ids: HashMap<String, AnnId>,
    annotations: BTreeMap<AnnId, Annotation>,
    /// (text mention, its `@facs`), linked to regions once every annotation is made.
    facs_links: Vec<(AnnId, &'a str, &'a El)>,
}

impl DocBuild<'_> {
    /// The annotation id for `xml:id` `xid`: the one it already has, our export's uuid, or new.
    fn new_id(&mut self, xid: Option<&str>) -> AnnId {
        if let Some(known) = xid.and_then(|x| self.ann_ids.get(x)) {
            return *known;
        }
        let id = xid
            .and_then(|x| uuid_after(x, ANN_ID_PREFIX))
            .map_or_else(AnnId::new, AnnId);
        if let Some(x) = xid {
            self.ann_ids.insert(x.to_owned(), id);
        }
        id
    }

    /// A mention annotation for the name-like element `el` over `spans` (none: a region
    /// mention without words), linked to its entry: the file's list entry, else one entry
    /// per pointer, authority URI or `@key` across all files (`unresolved`).
    fn make_mention(
        &self,
        project: &mut Project,
        ctx: &Ctx,
        el: &El,
        spans: &[Span],
        id: AnnId,
        unresolved: &mut HashMap<String, EntryId>,
    ) -> Result<Annotation, ImportError> {
        let mut type_id = mention_type(project, el).unwrap_or_else(|| Slug::new("name"));
        // A FRUS sender or recipient that is an office ("the Embassy in Korea") is an
        // organization, not a person.
        if type_id.as_str() == "person"
            && matches!(el.attr("type"), Some("from" | "to"))
            && office_like(&collapse(&el.text()))
        {
            type_id = Slug::new("organization");
        }
        // Our export writes other dated types as `date type="<id>"`.
        if ctx.exact
            && el.name == "date"
            && let Some(t) = el.attr("type").filter(|t| Slug::is_valid(t))
            && project.schema.kind_of(&Slug::new(t)).is_none()
        {
            type_id = Slug::new(t);
            ensure_entity_type(project, &type_id);
            if let Some(et) = project
                .schema
                .entity_types
                .iter_mut()
                .find(|e| e.id == type_id)
            {
                et.dated = true;
            }
        }
        ensure_entity_type(project, &type_id);
        // No spans: a region mention without transcribed words (the caller checks it has a zone).
        let anchor = if spans.is_empty() {
            TextAnchor {
                fragments: Vec::new(),
                quote: Default::default(),
            }
        } else {
            TextAnchor::new(&self.text, spans)
                .map_err(|e| bad_anchor(self.file, el, e.to_string()))?
        };
        let mut entry = ctx.entry_ref(el);
        let pointer = el
            .attr("ref")
            .or_else(|| el.attr("corresp"))
            .or_else(|| el.attr("who"))
            .and_then(|r| r.split_whitespace().next());
        let key = match (pointer, el.attr("key")) {
            (Some(r), _) if r.starts_with('#') => Some(format!("{}{r}", ctx.edition)),
            (Some(r), _) if r.starts_with("http://") || r.starts_with("https://") => {
                Some(authority_key(&authority_from_url(r, "url")))
            }
            (_, Some(k)) => Some(format!("key:{k}")),
            _ => None,
        };
        if entry.is_none()
            && let Some(key) = key
        {
            // A pointer to an entry we have no list for (or an authority URI, or a @key):
            // one entry per pointer across all files, named as here.
            let eid = *unresolved.entry(key).or_insert_with(|| {
                let mut e = Entry::new(type_id.clone(), anchor.covered_text(&self.text));
                if let Some(local) = pointer.and_then(|r| r.strip_prefix('#')) {
                    e.id = uuid_after(local, ENTRY_ID_PREFIX).map_or_else(EntryId::new, EntryId);
                } else if let Some(r) = pointer.filter(|r| r.starts_with("http")) {
                    e.authority.push(authority_from_url(r, "url"));
                }
                let eid = e.id;
                project.registry.entry(eid).or_insert(e);
                eid
            });
            entry = Some(eid);
        }
        let date = if project.schema.entity(&type_id).is_some_and(|t| t.dated) {
            date_of(el)
        } else {
            None
        };
        let mut a = Annotation::new(Body::Mention(Mention {
            type_id,
            anchor,
            entry,
            date,
        }));
        a.id = id;
        a.cert = el.attr("cert").and_then(Certainty::parse);
        a.resp = ctx.resp_of(el);
        a.adjudicated_from = ctx.adjudicated_of(el);
        Ok(a)
    }
}

#[allow(clippy::too_many_arguments)]
fn import_part(
    project: &mut Project,
    seen: &mut Seen,
    ctx: &Ctx,
    tei: &El,
    header: Option<&El>,
    part: &Part<'_>,
    facsimile: &Facsimile,
    preserve: bool,
    file: &Path,
    staging: &Path,
) -> Result<(), ImportError> {
    let mut tb = TextBuilder::new(preserve);
    // A document's source notes are its citation, not running text: all of them, in order
    // (a file number and "[Telegram]"); a file number is also its call number.
    let sources: Vec<String> = part
        .el
        .descendants()
        .into_iter()
        .filter(|n| n.name == "note" && n.attr("type") == Some("source"))
        .map(|n| collapse(&n.text()))
        .filter(|t| !t.is_empty())
        .collect();
    let citation = sources.join("; ");
    let call_number = sources
        .iter()
        .find_map(|s| file_number(s))
        .unwrap_or_default();
    tb.walk(project, part.el, true);
    tb.place_pages();
    let own_first = tb
        .pages
        .first()
        .filter(|p| p.offset == 0)
        .map(|p| p.n.clone());
    let lead: Vec<PageBreak> = part
        .lead_pages
        .iter()
        .filter(|p| own_first.as_ref() != Some(&p.n))
        .cloned()
        .collect();
    tb.pages.splice(0..0, lead);
    tb.notes.retain(|n| n.attr("type") != Some("source"));
    tb.append_notes(project);
    if !tb.preserve {
        // A trailing space or separator never pends past the end.
        tb.pending_space = false;
    }

    // Write the text and make the document: the path is checked to stay inside `staging`
    // before anything is created.
    let txt_rel = unique_name(&part.stem, "txt", &mut seen.texts);
    let txt_path = join_inside(staging, &txt_rel).map_err(|message| ImportError::Invalid {
        path: file.to_path_buf(),
        message,
    })?;
    if let Some(parent) = txt_path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| ImportError::io("create folder", parent, e))?;
    }
    std::fs::write(&txt_path, tb.out.as_bytes())
        .map_err(|e| ImportError::io("write", &txt_path, e))?;
    let mut doc = store::document_from_source(staging, &txt_path)?;
    if let Some(id) = part.doc_id
        && !project.documents.contains_key(&DocId(id.0))
    {
        doc.meta.id = id;
    }
    doc.meta.title = part.title.clone();
    doc.meta.archival = archival(header, &citation, &tb);
    if doc.meta.archival.call_number.is_empty() {
        doc.meta.archival.call_number = call_number;
    }
    if !part.number.is_empty() {
        doc.meta.archival.number.clone_from(&part.number);
    }
    if !part.source_id.is_empty() {
        doc.meta.archival.source_id.clone_from(&part.source_id);
    }
    doc.meta.archival.page_breaks = std::mem::take(&mut tb.pages);
    let mut facsimile = facsimile.clone();
    let mut b = DocBuild {
        file,
        text: doc.text_or_empty().clone(),
        ann_ids: HashMap::new(),
        annotations: BTreeMap::new(),
        facs_links: Vec::new(),
    };
    // (from|to|date|place, enclosure, annotation) for Communication events.
    let mut from_to: Vec<(&str, Option<usize>, AnnId)> = Vec::new();

    let mut spoken: Vec<(AnnId, EntryId, &El)> = Vec::new();
    for f in &tb.found {
        let id = b.new_id(f.el.attr("xml:id"));
        let mut a = b.make_mention(project, ctx, f.el, &[f.span], id, &mut seen.entry_keys)?;
        if !preserve {
            for (k, v) in kept_attributes(f.el) {
                let (k, v) = (Slug::new(k), crate::model::AttrValue::Text(v));
                admit_attribute(&mut project.schema, a.type_id(), &k, &v);
                a.attributes.insert(k, v);
            }
            // A speech is not its speaker: the speech mention is linked to the speaker's
            // entry by a "spoken by" relation (so `check` has nothing to warn about).
            if f.el.name == "sp"
                && let Body::Mention(m) = &mut a.body
                && let Some(who) = m.entry.take()
            {
                spoken.push((id, who, f.el));
            }
        }
        if let Some(fx) = f.el.attr("facs") {
            b.facs_links.push((id, fx, f.el));
        }
        if matches!(f.el.name.as_str(), "persName" | "gloss")
            && let Some(t @ ("from" | "to")) = f.el.attr("type")
        {
            from_to.push((t, f.enclosure, id));
        }
        if f.el.name == "date" {
            from_to.push(("date", f.enclosure, id));
        }
        if f.dateline
            && a.as_mention()
                .is_some_and(|m| m.type_id.as_str() == "place")
        {
            from_to.push(("place", f.enclosure, id));
        }
        add_annotation(&mut b.annotations, seen, a, file, f.el)?;
    }
    for (speech, who, el) in spoken {
        let ty = Slug::new("spoken_by");
        ensure_relation_type(project, &ty);
        let mut r = Annotation::new(Body::Relation(Relation {
            type_id: ty,
            from: Target::Annotation(speech),
            to: Target::Entry(who),
        }));
        r.resp = ctx.resp_of(el);
        r.adjudicated_from = ctx.adjudicated_of(el);
        add_annotation(&mut b.annotations, seen, r, file, el)?;
    }
    for (m, at) in std::mem::take(&mut tb.milestones) {
        let Some(span) = word_at(&b.text, at) else {
            continue;
        };
        let ty = Slug::new("milestone");
        ensure_entity_type(project, &ty);
        let anchor =
            TextAnchor::new(&b.text, &[span]).map_err(|e| bad_anchor(file, m, e.to_string()))?;
        let mut a = Annotation::new(Body::Mention(Mention {
            type_id: ty.clone(),
            anchor,
            entry: None,
            date: None,
        }));
        let mut attrs = kept_attributes(m);
        if m.name == "cb" {
            attrs.push(("unit", "column".to_owned()));
        }
        for (k, v) in attrs {
            let (k, v) = (Slug::new(k), crate::model::AttrValue::Text(v));
            admit_attribute(&mut project.schema, &ty, &k, &v);
            a.attributes.insert(k, v);
        }
        add_annotation(&mut b.annotations, seen, a, file, m)?;
    }

    let stand_off: Vec<&El> = if part.doc_id.is_some() || preserve {
        tei.elements().filter(|e| e.name == "standOff").collect()
    } else {
        Vec::new()
    };
    stand_off_annotations(
        project,
        seen,
        ctx,
        &mut b,
        &stand_off,
        &tb.anchors,
        &mut facsimile,
        preserve,
    )?;
    let text = b.text.clone();
    let mut annotations = std::mem::take(&mut b.annotations);
    if !preserve {
        footnotes(project, &mut tb, &text, &mut annotations, file)?;
        communications(project, &tb, &from_to, &mut annotations);
        if let Some(c) = part.corresp {
            correspondence(project, ctx, seen, c, &mut annotations);
        }
        if part.whole {
            participant_relations(project, ctx, header, &mut annotations);
        }
    }
    facsimile.link(&b.facs_links, &mut annotations, seen, file)?;
    if !preserve {
        report_part(&mut seen.report, part, &tb, file);
    }
    doc.annotations = annotations;
    facsimile.place(&mut doc, part.whole);
    project.documents.insert(doc.id(), doc);
    Ok(())
}

/// What a foreign TEI part has that its document does not keep: elements without words to
/// keep ([`TextBuilder::dropped`]) and the printed rendering (`hi`, `@rend`, `@rendition`)
/// of its text.
fn report_part(
    report: &mut crate::interchange::import::ImportReport,
    part: &Part<'_>,
    tb: &TextBuilder<'_>,
    file: &Path,
) {
    let name = file
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    for (kind, el) in &tb.dropped {
        report.drop(
            *kind,
            1,
            part.title.clone(),
            format!("{name} line {} (\"{}\")", el.line, part.title),
        );
    }
    let rendered = part
        .el
        .descendants()
        .into_iter()
        .filter(|e| {
            e.name == "hi"
                || (e.attr("rend").is_some() && e.name != "note")
                || e.attr("rendition").is_some()
        })
        .count();
    report.drop(
        "TEI rendering (<hi>, @rend, @rendition: italics, small capitals, alignment): the words are kept, not how they were printed",
        rendered,
        part.title.clone(),
        String::new(),
    );
}

/// `s` with runs of white space made one space, trimmed.
fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Adds `a` to a document's `annotations`, refusing an id this document or an earlier one
/// already uses (the same `xml:id` twice, or the same annotation in two files).
fn add_annotation(
    annotations: &mut BTreeMap<AnnId, Annotation>,
    seen: &mut Seen,
    a: Annotation,
    file: &Path,
    el: &El,
) -> Result<(), ImportError> {
    let id = a.id;
    let dup = |message: String| ImportError::Syntax {
        path: file.to_path_buf(),
        line: el.line,
        message,
    };
    if annotations.insert(id, a).is_some() {
        return Err(dup(format!(
            "<{}> has the id of another annotation in this document ({id})",
            el.name
        )));
    }
    if let Some(other) = seen.annotations.insert(id, file.to_path_buf()) {
        return Err(dup(format!(
            "<{}> has the id of an annotation in another document ({id}, in {})",
            el.name,
            other.display()
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests;
