//! W3C Web Annotation import: reads the folder (or one `.json` file) our exporter writes.
//!
//! Convention (see [`super::write`]): each `<stem>.json` is an `AnnotationCollection`
//! (or a page, or a list of annotations) over the text in `<stem>.txt` beside it, which
//! the selectors count code points in; `registry.json` in the same folder, when present,
//! gives the registry entries the `identifying` bodies point at. Offsets come from each
//! target's `TextPositionSelector`, or, failing that, from finding its
//! `TextQuoteSelector` in the text. Mention types come from the `tagging` body (a type
//! label or id of the default schema; others are added to the schema).
//!
//! Regions of page images: a target with a `FragmentSelector` (`xywh=pixel:…`, or plain
//! `xywh=`; fractional pixels are rounded, percent is refused) or an `SvgSelector` (its
//! `<polygon points>`) makes the annotation a region mention on the page image its `source`
//! names (the collection's `images` give the page order; otherwise first use). A further
//! target naming another annotation of the file links the region to that text mention. A
//! file without `<stem>.txt` whose targets are all on images (Annotorious, IIIF viewers)
//! becomes an image-only document titled after the file.

use super::{EVENT_DATE, REGISTRY_FILE};
use crate::interchange::common::{
    SourceTree, admit_attribute, attr_from_text, copy_into, kind_name, parse_date_value,
    read_regular_text,
};
use crate::interchange::facs::{page_image, parse_media_fragment, parse_svg};
use crate::interchange::import::{ImportError, Importer};
use crate::model::region::{PageRegion, Shape};
use crate::model::registry::Authority;
use crate::model::schema::{EntityType, EventType, TypeKind};
use crate::model::{
    Alias, AliasKind, AnnId, Annotation, ArchivalMeta, AuthorityId, Body, DocId, DocStatus,
    Document, DocumentMeta, Entry, EntryId, Event, Mention, Project, Relation, Slug, SourceText,
    Span, Target, TextAnchor,
};
use crate::model::{Stamp, UtcTime};
use crate::store;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

/// The W3C Web Annotation importer.
pub struct W3cImporter;

impl Importer for W3cImporter {
    fn id(&self) -> &'static str {
        "w3c"
    }

    fn label(&self) -> &'static str {
        "W3C Web Annotation (JSON-LD)"
    }

    fn import(
        &self,
        source: &Path,
        cx: &mut crate::interchange::import::ImportContext<'_>,
    ) -> Result<Project, ImportError> {
        let staging = cx.staging;
        // One file: it and the files beside it (its text, the registry); a folder: all of it.
        let (tree, files) = if source.is_dir() {
            let tree = SourceTree::scan(source)?;
            let files = tree
                .files()
                .filter(|p| {
                    p.extension().is_some_and(|e| e == "json" || e == "jsonld")
                        && p.file_name().is_some_and(|n| n != REGISTRY_FILE)
                })
                .map(Path::to_path_buf)
                .collect();
            (tree, files)
        } else {
            let base = source
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            let tree = SourceTree::scan_shallow(base)?;
            let file = base.join(source.file_name().unwrap_or_default());
            if !tree.contains(&file) {
                return Err(ImportError::Invalid {
                    path: source.to_path_buf(),
                    message: "not a regular file in its folder (hidden, a link out of it, or a special file)".into(),
                });
            }
            (tree, vec![file])
        };
        if files.is_empty() {
            return Err(ImportError::Invalid {
                path: source.to_path_buf(),
                message: "no annotation .json files found".into(),
            });
        }
        let mut project = Project::new(String::new());
        let mut iris: HashMap<String, EntryId> = HashMap::new();
        let reg_path = tree.root().join(REGISTRY_FILE);
        if tree.contains(&reg_path) {
            read_registry(&mut project, &mut iris, &reg_path)?;
        }
        let mut seen: HashMap<AnnId, PathBuf> = HashMap::new();
        let offsets = cx.options.offsets;
        for f in files {
            import_file(
                &mut project,
                &mut iris,
                &mut seen,
                &tree,
                &f,
                staging,
                offsets,
                &mut cx.report,
            )?;
        }
        Ok(project)
    }
}

fn read_json(path: &Path) -> Result<Value, ImportError> {
    let text = read_regular_text(path)?;
    serde_json::from_str(&text).map_err(|e| ImportError::Syntax {
        path: path.to_path_buf(),
        line: e.line(),
        message: e.to_string(),
    })
}

fn uuid_of(iri: &str) -> Option<uuid::Uuid> {
    // `#<uuid>` is RecogitoJS's own form of an annotation id.
    iri.strip_prefix("urn:uuid:")
        .or_else(|| iri.strip_prefix('#'))
        .and_then(|u| uuid::Uuid::parse_str(u.split('#').next().unwrap_or(u)).ok())
}

fn str_of<'a>(v: &'a Value, k: &str) -> &'a str {
    v.get(k).and_then(Value::as_str).unwrap_or_default()
}

/// `v` as a list: an array's items, or `v` itself.
fn list(v: Option<&Value>) -> Vec<&Value> {
    match v {
        Some(Value::Array(a)) => a.iter().collect(),
        Some(v) => vec![v],
        None => Vec::new(),
    }
}

fn read_registry(
    project: &mut Project,
    iris: &mut HashMap<String, EntryId>,
    path: &Path,
) -> Result<(), ImportError> {
    let v = read_json(path)?;
    if project.info.name.is_empty() {
        project.info.name = str_of(&v, "project").to_owned();
    }
    for e in list(v.get("entries")) {
        let id_iri = str_of(e, "id");
        let id = uuid_of(id_iri).map_or_else(EntryId::new, EntryId);
        let mut entry = Entry::new(Slug::new(str_of(e, "type")), str_of(e, "name"));
        if !Slug::is_valid(entry.type_id.as_str()) {
            return Err(ImportError::Invalid {
                path: path.to_path_buf(),
                message: format!("entry {id_iri} has no valid type"),
            });
        }
        entry.id = id;
        entry.note = str_of(e, "note").to_owned();
        entry.created = Stamp::parse(str_of(e, "created"));
        entry.modified = Stamp::parse(str_of(e, "modified"));
        for a in list(e.get("aliases")) {
            entry.aliases.push(Alias {
                name: str_of(a, "name").to_owned(),
                kind: AliasKind::parse(str_of(a, "kind")).unwrap_or(AliasKind::Variant),
                note: str_of(a, "note").to_owned(),
            });
        }
        for a in list(e.get("authority")) {
            entry.authority.push(AuthorityId {
                scheme: Authority::parse(str_of(a, "scheme")),
                id: str_of(a, "id").to_owned(),
            });
        }
        ensure_type(project, &entry.type_id, None);
        iris.insert(id_iri.to_owned(), id);
        iris.insert(str_of(e, "iri").to_owned(), id);
        project.registry.insert(id, entry);
    }
    Ok(())
}

/// Adds an entity type `id` to the schema when no type has that id.
fn ensure_type(project: &mut Project, id: &Slug, label: Option<&str>) {
    if project.schema.kind_of(id).is_none() {
        project.schema.entity_types.push(EntityType {
            id: id.clone(),
            label: label.map_or_else(|| id.as_str().replace('_', " "), str::to_owned),
            color: "#888888".into(),
            hotkey: None,
            dated: false,
            description: "Added by W3C import.".into(),
        });
    }
}

/// The schema type a tagging value names (a label or an id).
fn type_from_tag(project: &mut Project, tag: &str) -> Slug {
    let s = &project.schema;
    let found = s
        .entity_types
        .iter()
        .map(|t| (&t.id, &t.label))
        .chain(s.event_types.iter().map(|t| (&t.id, &t.label)))
        .chain(s.relation_types.iter().map(|t| (&t.id, &t.label)))
        .find(|(id, label)| id.as_str() == tag || label.eq_ignore_ascii_case(tag))
        .map(|(id, _)| id.clone());
    found.unwrap_or_else(|| {
        let id = if Slug::is_valid(tag) {
            Slug::new(tag)
        } else {
            Slug::from_label(tag)
        };
        ensure_type(project, &id, Some(tag));
        id
    })
}

/// The event type a whole-document note (an annotation without a text selector that is
/// no event or relation) is kept as: an event without trigger or roles whose note is the
/// text, so it stays attached to its document and is written back without a selector.
pub const DOCUMENT_NOTE: &str = "document_note";

/// How a file counts its `TextPositionSelector` offsets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Units {
    /// Code points, as the W3C model and our exporter count.
    CodePoints,
    /// UTF-16 code units, as browser tools (JavaScript strings) count.
    Utf16,
}

/// Code-point offset → UTF-16 offset table of a text, for texts outside the BMP.
struct Utf16Map {
    /// `starts[i]`: the UTF-16 offset of code point `i`; one more entry for the end.
    starts: Vec<usize>,
}

impl Utf16Map {
    fn new(text: &SourceText) -> Option<Self> {
        let s = text.as_str();
        if s.chars().all(|c| c.len_utf16() == 1) {
            return None;
        }
        let mut starts = Vec::with_capacity(s.len() + 1);
        let mut n = 0;
        for c in s.chars() {
            starts.push(n);
            n += c.len_utf16();
        }
        starts.push(n);
        Some(Self { starts })
    }

    /// The code-point offset of UTF-16 offset `u`, if `u` falls on a code point boundary.
    fn to_code_point(&self, u: usize) -> Option<usize> {
        self.starts.binary_search(&u).ok()
    }
}

/// One text target read: its span, and what the reader had to decide about it.
struct Found {
    span: Span,
    /// Set when the quote overrode the position: why, for the annotation's note.
    remark: Option<String>,
}

/// A position selector's offsets, if it has them.
fn position_of(sels: &[&Value]) -> Option<(usize, usize)> {
    let p = sels
        .iter()
        .find(|s| str_of(s, "type") == "TextPositionSelector")?;
    let start = p.get("start").and_then(Value::as_u64)? as usize;
    let end = p.get("end").and_then(Value::as_u64)? as usize;
    Some((start, end))
}

fn quote_of<'a>(sels: &[&'a Value]) -> Option<&'a Value> {
    sels.iter()
        .find(|s| str_of(s, "type") == "TextQuoteSelector")
        .copied()
}

/// Whether positions `(a, b)` in `units` select `exact` in `text`.
fn selects(
    text: &SourceText,
    utf16: Option<&Utf16Map>,
    units: Units,
    (a, b): (usize, usize),
    exact: &str,
) -> Option<Span> {
    let (a, b) = match (units, utf16) {
        (Units::Utf16, Some(m)) => (m.to_code_point(a)?, m.to_code_point(b)?),
        (Units::Utf16, None) | (Units::CodePoints, _) => (a, b),
    };
    (a <= b && b <= text.len_chars() && text.slice(a, b) == exact).then(|| Span::new(a, b))
}

/// The units a file's positions count in: UTF-16 when the text has characters outside the
/// BMP and more of the file's quoted targets agree with their positions read as UTF-16
/// than as code points.
fn detect_units(items: &[&Value], text: &SourceText, utf16: Option<&Utf16Map>) -> Units {
    if utf16.is_none() {
        return Units::CodePoints;
    }
    let (mut cp, mut u16) = (0usize, 0usize);
    for item in items {
        for t in list(item.get("target")) {
            let sels = list(t.get("selector"));
            let (Some(pos), Some(q)) = (position_of(&sels), quote_of(&sels)) else {
                continue;
            };
            let exact = str_of(q, "exact");
            if selects(text, utf16, Units::CodePoints, pos, exact).is_some() {
                cp += 1;
            }
            if selects(text, utf16, Units::Utf16, pos, exact).is_some() {
                u16 += 1;
            }
        }
    }
    if u16 > cp {
        Units::Utf16
    } else {
        Units::CodePoints
    }
}

/// Where a quote selector's `exact` occurs in `text` with its prefix and suffix, nearest
/// to `near` when it occurs more than once; failing that, `exact` alone.
fn find_quote(text: &SourceText, q: &Value, near: usize) -> Option<Span> {
    let exact = str_of(q, "exact");
    if exact.is_empty() {
        return None;
    }
    let (prefix, suffix) = (str_of(q, "prefix"), str_of(q, "suffix"));
    let s = text.as_str();
    let n = exact.chars().count();
    let mut best: Option<(usize, usize)> = None; // (score, start)
    for (byte, _) in s.match_indices(exact) {
        let start = text.char_of(byte);
        let before = &s[..byte];
        let after = &s[byte + exact.len()..];
        let mut score = 0;
        if !before.ends_with(prefix) {
            score += 2;
        }
        if !after.starts_with(suffix) {
            score += 2;
        }
        let key = (score, start.abs_diff(near));
        let better = match best {
            None => true,
            Some((b, bs)) => key < (b, bs.abs_diff(near)),
        };
        if better {
            best = Some((score, start));
        }
    }
    best.map(|(_, start)| Span::new(start, start + n))
}

/// The span a text target selects. A position selector that agrees with the quote (or
/// has no quote) gives it; when they disagree the quote wins, found with its prefix and
/// suffix, and the remark says so; out-of-range positions without a quote to fall back on
/// are an error.
fn target_span(
    t: &Value,
    text: &SourceText,
    utf16: Option<&Utf16Map>,
    units: Units,
) -> Result<Option<Found>, String> {
    let sels = list(t.get("selector"));
    let pos = position_of(&sels);
    let quote = quote_of(&sels);
    let unit_name = match units {
        Units::CodePoints => "characters",
        Units::Utf16 => "UTF-16 code units",
    };
    match (pos, quote) {
        (Some(p), None) => {
            let span = match (units, utf16) {
                (Units::Utf16, Some(m)) => m
                    .to_code_point(p.0)
                    .zip(m.to_code_point(p.1))
                    .map(|(a, b)| Span::new(a, b)),
                _ => Some(Span::new(p.0, p.1)),
            };
            match span {
                Some(s) if s.start <= s.end && s.end <= text.len_chars() => Ok(Some(Found {
                    span: s,
                    remark: None,
                })),
                _ => Err(format!(
                    "TextPositionSelector {}–{} lies outside the text of {} {unit_name}",
                    p.0,
                    p.1,
                    match (units, utf16) {
                        (Units::Utf16, Some(m)) => m.starts.last().copied().unwrap_or_default(),
                        _ => text.len_chars(),
                    }
                )),
            }
        }
        (Some(p), Some(q)) => {
            let exact = str_of(q, "exact");
            if let Some(span) = selects(text, utf16, units, p, exact) {
                return Ok(Some(Found { span, remark: None }));
            }
            let near = match (units, utf16) {
                (Units::Utf16, Some(m)) => m.to_code_point(p.0).unwrap_or(p.0),
                _ => p.0,
            };
            match find_quote(text, q, near) {
                Some(span) => Ok(Some(Found {
                    remark: Some(format!(
                        "W3C import: the TextPositionSelector {}–{} ({unit_name}) did not select \"{exact}\"; anchored by the TextQuoteSelector at {}–{}",
                        p.0, p.1, span.start, span.end
                    )),
                    span,
                })),
                None => Err(format!(
                    "neither the TextPositionSelector {}–{} nor the TextQuoteSelector \"{exact}\" selects anything in the text of {} characters",
                    p.0,
                    p.1,
                    text.len_chars()
                )),
            }
        }
        (None, Some(q)) => match find_quote(text, q, 0) {
            Some(span) => Ok(Some(Found { span, remark: None })),
            None => Err(format!(
                "the TextQuoteSelector \"{}\" is not in the text",
                str_of(q, "exact")
            )),
        },
        (None, None) => Ok(None),
    }
}

/// Refuses what is not a Web Annotation file: no `@context` (on the file, or on each
/// annotation of a plain array), or annotations of type `Note` (another vocabulary).
fn check_vocabulary(v: &Value, items: &[&Value]) -> Result<(), String> {
    let has_context = |x: &Value| x.get("@context").is_some();
    let context_ok = match v {
        Value::Array(a) => !a.is_empty() && a.iter().all(has_context),
        other => has_context(other),
    };
    if !context_ok && !(matches!(v, Value::Array(a) if a.is_empty())) {
        return Err(
            "this is not a W3C Web Annotation file: it has no \"@context\" (expected \"http://www.w3.org/ns/anno.jsonld\")".into(),
        );
    }
    if let Some((n, _)) = items
        .iter()
        .enumerate()
        .find(|(_, i)| str_of(i, "type") == "Note")
    {
        return Err(format!(
            "annotation {} has \"type\": \"Note\", which is not a W3C Web Annotation (expected \"Annotation\")",
            n + 1
        ));
    }
    Ok(())
}

/// Whether an annotation has a target with a text selector.
fn has_text_selector(item: &Value) -> bool {
    list(item.get("target")).iter().any(|t| {
        list(t.get("selector")).iter().any(|s| {
            matches!(
                str_of(s, "type"),
                "TextPositionSelector" | "TextQuoteSelector"
            )
        })
    })
}

/// Whether an annotation has a target on a page image.
fn has_image_target(item: &Value) -> bool {
    list(item.get("target")).iter().any(|t| {
        list(t.get("selector"))
            .iter()
            .any(|s| matches!(str_of(s, "type"), "FragmentSelector" | "SvgSelector"))
    })
}

/// The shape a target marks on a page image: its `FragmentSelector` (a rectangle) or
/// `SvgSelector` (a polygon); `None` for other targets.
fn image_shape(t: &Value) -> Result<Option<Shape>, String> {
    for s in list(t.get("selector")) {
        match str_of(s, "type") {
            "FragmentSelector" => return parse_media_fragment(str_of(s, "value")).map(Some),
            "SvgSelector" => return parse_svg(str_of(s, "value")).map(Some),
            _ => {}
        }
    }
    Ok(None)
}

/// A document without transcription, titled after the annotation file.
fn image_only_document(file: &Path) -> Document {
    Document {
        meta: DocumentMeta {
            id: DocId::new(),
            title: file
                .file_stem()
                .map_or_else(String::new, |s| s.to_string_lossy().into_owned()),
            source: None,
            images: Vec::new(),
            status: DocStatus::NotStarted,
            archival: ArchivalMeta::default(),
        },
        text: None,
        annotations: BTreeMap::new(),
    }
}

/// The page images of one imported document, by the `source` each target names.
#[derive(Default)]
struct Pages {
    by_source: HashMap<String, usize>,
}

impl Pages {
    /// The page index of image `url`, adding it to `doc`'s pages when it is new.
    fn page_of(
        &mut self,
        doc: &mut Document,
        tree: &SourceTree,
        base: &Path,
        url: &str,
        staging: &Path,
    ) -> Result<usize, String> {
        if let Some(&i) = self.by_source.get(url) {
            return Ok(i);
        }
        let path = page_image(tree, base, url, staging)?;
        let i = match doc.meta.images.iter().position(|p| *p == path) {
            Some(i) => i,
            None => {
                doc.meta.images.push(path);
                doc.meta.images.len() - 1
            }
        };
        self.by_source.insert(url.to_owned(), i);
        Ok(i)
    }
}

/// Adds the event type [`DOCUMENT_NOTE`] when the schema has no type of that id.
fn ensure_document_note(project: &mut Project) -> Slug {
    let id = Slug::new(DOCUMENT_NOTE);
    if project.schema.kind_of(&id).is_none() {
        project.schema.event_types.push(EventType {
            id: id.clone(),
            label: "Document note".into(),
            color: "#888888".into(),
            hotkey: None,
            roles: Vec::new(),
            description: "A note on the whole document (a W3C annotation without selector).".into(),
        });
    }
    id
}

#[allow(clippy::too_many_arguments)]
fn import_file(
    project: &mut Project,
    iris: &mut HashMap<String, EntryId>,
    seen: &mut HashMap<AnnId, PathBuf>,
    tree: &SourceTree,
    file: &Path,
    staging: &Path,
    offsets: Option<crate::interchange::import::OffsetUnit>,
    report: &mut crate::interchange::import::ImportReport,
) -> Result<(), ImportError> {
    let invalid = |message: String| ImportError::Invalid {
        path: file.to_path_buf(),
        message,
    };
    let v = read_json(file)?;
    let items: Vec<&Value> = if v.get("first").is_some() {
        list(v.get("first").and_then(|f| f.get("items")))
    } else if v.get("items").is_some() {
        list(v.get("items"))
    } else {
        list(Some(&v))
    };
    let txt = file.with_extension("txt");
    let mut doc = if tree.contains(&txt) {
        let dest = copy_into(tree, &txt, staging)?;
        store::document_from_source(staging, &dest)?
    } else if items.iter().any(|i| has_text_selector(i))
        || !(items.iter().any(|i| has_image_target(i)) || v.get("images").is_some())
    {
        return Err(invalid(format!(
            "the annotated text is missing; expected it beside the annotations as {}",
            txt.file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
        )));
    } else {
        // Only page images are annotated (Annotorious, IIIF viewers), or our export of a
        // document without transcription: an image-only document.
        image_only_document(file)
    };
    let base = file.parent().unwrap_or(tree.root()).to_path_buf();
    let mut pages = Pages::default();
    for url in list(v.get("images")).into_iter().filter_map(Value::as_str) {
        pages
            .page_of(&mut doc, tree, &base, url, staging)
            .map_err(&invalid)?;
    }
    if let Some(u) = uuid_of(str_of(&v, "id"))
        && !project.documents.contains_key(&DocId(u))
    {
        doc.meta.id = DocId(u);
    }
    // Our export's archival description (an extension): citation, number, page breaks ….
    if let Some(a) = v.get("archival") {
        doc.meta.archival = serde_json::from_value::<ArchivalMeta>(a.clone())
            .map_err(|e| invalid(format!("the collection's \"archival\" description: {e}")))?;
    }
    if let Some(l) = v.get("label").and_then(Value::as_str) {
        doc.meta.title = l.to_owned();
    }
    let text = doc.text_or_empty().clone();
    check_vocabulary(&v, &items).map_err(invalid)?;
    let utf16 = Utf16Map::new(&text);
    // The unit offsets count in: as the user said (`--offsets`), else decided by the quotes.
    let units = match offsets {
        Some(crate::interchange::import::OffsetUnit::Utf16) => Units::Utf16,
        Some(crate::interchange::import::OffsetUnit::CodePoints) => Units::CodePoints,
        None => detect_units(&items, &text, utf16.as_ref()),
    };
    if offsets.is_none() && utf16.is_some() {
        // Positions that no quote can confirm, in a text where the units differ: read as
        // code points (the W3C model's unit), and said so.
        let unconfirmed = items
            .iter()
            .flat_map(|i| list(i.get("target")))
            .filter(|t| {
                let sels = list(t.get("selector"));
                position_of(&sels).is_some() && quote_of(&sels).is_none()
            })
            .count();
        report.drop(
            "W3C TextPositionSelector without a TextQuoteSelector in a text with characters outside the BMP: read as code points (the W3C unit); import again with --offsets utf16 if the tool counted UTF-16 code units",
            unconfirmed,
            file.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
            String::new(),
        );
    }
    let doc_iri = str_of(&v, "id").to_owned();

    let ids: HashMap<String, AnnId> = items
        .iter()
        .filter_map(|a| {
            let iri = str_of(a, "id");
            uuid_of(iri).map(|u| (iri.to_owned(), AnnId(u)))
        })
        .collect();
    // Entries made here from an IRI take the type of the first mention that names them.
    let mut untyped: HashSet<EntryId> = HashSet::new();
    let mut target_of = |project: &mut Project, iri: &str, name: &str| -> (Target, bool) {
        if let Some(a) = ids.get(iri) {
            return (Target::Annotation(*a), false);
        }
        let mut created = false;
        let id = *iris.entry(iri.to_owned()).or_insert_with(|| {
            let mut e = Entry::new(Slug::new("person"), name);
            e.id = uuid_of(iri).map_or_else(EntryId::new, EntryId);
            if uuid_of(iri).is_none() {
                // Wikidata, GND, VIAF, GeoNames, LCNAF URIs as their scheme and id.
                e.authority
                    .push(crate::interchange::common::authority_from_url(iri, "uri"));
            }
            let id = e.id;
            created = !project.registry.contains_key(&id);
            project.registry.entry(id).or_insert(e);
            id
        });
        (Target::Entry(id), created)
    };

    let mut annotations = BTreeMap::new();
    for (n, item) in items.iter().enumerate() {
        let bad = |m: &str| {
            invalid(format!(
                "annotation {} ({}): {m}",
                n + 1,
                str_of(item, "id")
            ))
        };
        let id = ids
            .get(str_of(item, "id"))
            .copied()
            .unwrap_or_else(AnnId::new);
        let bodies = list(item.get("body"));
        let purpose = |b: &&Value, p: &str| str_of(b, "purpose") == p;
        let tagging = bodies
            .iter()
            .find(|b| purpose(b, "tagging"))
            .map(|b| str_of(b, "value"));
        let describing: Vec<&str> = bodies
            .iter()
            .filter(|b| purpose(b, "describing"))
            .map(|b| str_of(b, "value"))
            .collect();
        // Comments: `commenting` bodies, and (as Hypothesis writes them) textual bodies
        // without a purpose; a plain string body is a comment too.
        let mut note = bodies
            .iter()
            .filter(|b| {
                purpose(b, "commenting")
                    || (b.get("purpose").is_none()
                        && matches!(str_of(b, "type"), "TextualBody" | "")
                        && b.get("value").is_some())
            })
            .map(|b| str_of(b, "value"))
            .chain(bodies.iter().filter_map(|b| b.as_str()))
            // `bodyValue`: the model's short form of one plain-text comment.
            .chain(item.get("bodyValue").and_then(Value::as_str))
            .collect::<Vec<_>>()
            .join("\n\n");
        let targets = list(item.get("target"));
        let mut spans: Vec<Span> = Vec::new();
        let mut region: Option<PageRegion> = None;
        for t in targets.iter().filter(|t| t.is_object()) {
            if let Some(shape) = image_shape(t).map_err(|m| bad(&m))? {
                if region.is_some() {
                    return Err(bad("it marks more than one region of a page image"));
                }
                let page = pages
                    .page_of(&mut doc, tree, &base, str_of(t, "source"), staging)
                    .map_err(|m| bad(&m))?;
                region = Some(PageRegion {
                    page,
                    shape,
                    text: None,
                });
                continue;
            }
            if let Some(found) =
                target_span(t, &text, utf16.as_ref(), units).map_err(|m| bad(&m))?
            {
                spans.push(found.span);
                if let Some(r) = found.remark {
                    if !note.is_empty() {
                        note.push('\n');
                    }
                    note.push_str(&r);
                }
            }
        }
        let mut iri_targets: Vec<&str> = targets
            .iter()
            .filter_map(|t| t.as_str())
            .filter(|i| *i != doc_iri)
            .collect();
        // A region's further target is the text mention it is linked to.
        if let Some(r) = &mut region
            && let Some(i) = iri_targets.iter().position(|i| ids.contains_key(*i))
        {
            r.text = ids.get(iri_targets.remove(i)).copied();
        }
        // No text selector and nothing linked: a note on the whole document. A target that
        // is a plain string (Hypothesis's `"target": "urn:x"`) or a `{source}` without a
        // selector names the document annotated, not an annotation.
        let linking = str_of(item, "motivation") == "linking" || !describing.is_empty();
        if !linking && iri_targets.iter().all(|i| !ids.contains_key(*i)) {
            iri_targets.clear();
        }
        let whole_document = spans.is_empty()
            && iri_targets.is_empty()
            && region.is_none()
            && !tagging.is_some_and(|t| {
                project
                    .schema
                    .event_types
                    .iter()
                    .any(|e| e.id.as_str() == t || e.label.eq_ignore_ascii_case(t))
                    || project
                        .schema
                        .relation_types
                        .iter()
                        .any(|r| r.id.as_str() == t || r.label.eq_ignore_ascii_case(t))
            });
        let type_id = if whole_document {
            if let Some(t) =
                tagging.filter(|t| *t != DOCUMENT_NOTE && !t.eq_ignore_ascii_case("Document note"))
            {
                if !note.is_empty() {
                    note.push('\n');
                }
                note.push_str(&format!("Tagged: {t}"));
            }
            ensure_document_note(project)
        } else {
            type_from_tag(project, tagging.unwrap_or("name"))
        };
        let anchor = if spans.is_empty() {
            None
        } else {
            Some(TextAnchor::new(&text, &spans).map_err(|e| bad(&e.to_string()))?)
        };
        let body = match project.schema.kind_of(&type_id) {
            Some(TypeKind::Event) => {
                let mut roles: BTreeMap<Slug, Vec<Target>> = BTreeMap::new();
                let mut date = None;
                for d in &describing {
                    let Some((role, val)) = d.split_once(": ") else {
                        continue;
                    };
                    if role == EVENT_DATE {
                        date = parse_date_value(val);
                    } else if Slug::is_valid(role) {
                        let (t, created) = target_of(project, val, val);
                        if let (true, Target::Entry(e)) = (created, t) {
                            untyped.insert(e);
                        }
                        roles.entry(Slug::new(role)).or_default().push(t);
                    }
                }
                Body::Event(Event {
                    type_id,
                    trigger: anchor,
                    roles,
                    date,
                })
            }
            Some(TypeKind::Relation) => {
                let mut ends: HashMap<&str, Target> = HashMap::new();
                let mut resolve = |project: &mut Project, iri: &str| {
                    let (t, created) = target_of(project, iri, iri);
                    if let (true, Target::Entry(e)) = (created, t) {
                        untyped.insert(e);
                    }
                    t
                };
                for d in &describing {
                    if let Some((k, val)) = d.split_once(": ") {
                        ends.insert(k, resolve(project, val));
                    }
                }
                let from = match ends.get("from") {
                    Some(t) => Some(*t),
                    None => iri_targets.first().map(|i| resolve(project, i)),
                };
                let to = match ends.get("to") {
                    Some(t) => Some(*t),
                    None => iri_targets.get(1).map(|i| resolve(project, i)),
                };
                let (Some(from), Some(to)) = (from, to) else {
                    return Err(bad("a relation needs two targets"));
                };
                Body::Relation(Relation { type_id, from, to })
            }
            _ => {
                let anchor = match (anchor, &region) {
                    (Some(a), _) => a,
                    (None, Some(_)) => TextAnchor {
                        fragments: Vec::new(),
                        quote: Default::default(),
                    },
                    (None, None) => return Err(bad("a mention needs a text target")),
                };
                let name = if anchor.quote.exact.is_empty() {
                    tagging.unwrap_or_default().to_owned()
                } else {
                    anchor.quote.exact.clone()
                };
                let entry = match bodies
                    .iter()
                    .find(|b| purpose(b, "identifying") && str_of(b, "type") == "SpecificResource")
                    .map(|b| target_of(project, str_of(b, "source"), &name))
                {
                    Some((Target::Entry(e), created)) => {
                        if (created || untyped.remove(&e))
                            && let Some(en) = project.registry.get_mut(&e)
                        {
                            en.type_id = type_id.clone();
                            en.name.clone_from(&name);
                        }
                        Some(e)
                    }
                    _ => None,
                };
                let date = describing.first().and_then(|d| parse_date_value(d));
                Body::Mention(Mention {
                    type_id,
                    anchor,
                    entry,
                    date,
                })
            }
        };
        if region.is_some() && !matches!(body, Body::Mention(_)) {
            return Err(bad("only a mention can mark a region of a page image"));
        }
        let mut a = Annotation::new(body);
        a.id = id;
        a.note = note;
        a.region = region;
        for b in bodies.iter().filter(|b| purpose(b, "classifying")) {
            let Some((k, v)) = str_of(b, "value").split_once('=') else {
                continue;
            };
            let kind = project
                .schema
                .attribute(&Slug::new(k))
                .map_or("text", |d| kind_name(&d.kind));
            if let (true, Some(v)) = (Slug::is_valid(k), attr_from_text(kind, v)) {
                let k = Slug::new(k);
                admit_attribute(&mut project.schema, a.type_id(), &k, &v);
                a.attributes.insert(k, v);
            }
        }
        // `creator`: one agent, or (an adjudicated annotation, with the curator as
        // `dcterms:contributor`) the annotators whose versions it was taken from.
        let creators: Vec<String> = match item.get("creator") {
            Some(Value::Array(cs)) => cs.iter().map(|c| str_of(c, "name").to_owned()).collect(),
            Some(c) => vec![str_of(c, "name").to_owned()],
            None => Vec::new(),
        };
        let creator = creators.first().cloned().unwrap_or_default();
        let curator = item
            .get("dcterms:contributor")
            .map(|c| str_of(c, "name").to_owned())
            .filter(|n| !n.is_empty());
        if curator.is_some() {
            let mut from: Vec<String> = creators.into_iter().filter(|n| !n.is_empty()).collect();
            from.sort();
            from.dedup();
            a.adjudicated_from = from;
        }
        // With its times, the creator is a stamp (the model names no one else for
        // `modified` but a curator: else the creator is taken); without, the name alone is
        // `resp`.
        let time = |k: &str| item.get(k).and_then(Value::as_str).and_then(UtcTime::parse);
        let stamp = |at| Stamp {
            by: creator.clone(),
            at,
        };
        a.created = time("created").map(stamp);
        a.modified = time("modified").map(|at| Stamp {
            by: curator.clone().unwrap_or_else(|| creator.clone()),
            at,
        });
        if a.created.is_none() {
            a.resp = creator;
        }
        if annotations.insert(id, a).is_some() {
            return Err(bad("its id is used by an earlier annotation in this file"));
        }
        if let Some(other) = seen.insert(id, file.to_path_buf()) {
            return Err(bad(&format!(
                "its id is used by an annotation in {} too",
                other.display()
            )));
        }
    }
    doc.annotations = annotations;
    project.documents.insert(doc.id(), doc);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setup(json: &str, txt: Option<&str>) -> (tempfile::TempDir, Result<Project, ImportError>) {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("in");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("doc.json"), json).unwrap();
        if let Some(t) = txt {
            std::fs::write(dir.join("doc.txt"), t).unwrap();
        }
        let staging = tmp.path().join("staging");
        std::fs::create_dir_all(&staging).unwrap();
        let r =
            crate::interchange::import::import_into(&W3cImporter, &dir, &staging).map(|(p, _)| p);
        (tmp, r)
    }

    #[test]
    fn quote_selector_alone_finds_the_offsets() {
        let json = r#"{"@context": "http://www.w3.org/ns/anno.jsonld", "type": "AnnotationPage",
          "items": [{"id": "urn:uuid:01900000-0000-7000-8000-000000000001", "type": "Annotation",
            "motivation": "identifying",
            "body": [{"type": "TextualBody", "purpose": "tagging", "value": "Place"},
                     {"type": "SpecificResource", "purpose": "identifying", "source": "https://sws.geonames.org/1895406"}],
            "target": {"source": "urn:uuid:01900000-0000-7000-8000-0000000000aa",
              "selector": {"type": "TextQuoteSelector", "exact": "Кэсон", "prefix": "в "}}}]}"#;
        let (_tmp, r) = setup(json, Some("Кэсон: переговоры в Кэсоне"));
        let p = r.unwrap();
        let d = p.documents.values().next().unwrap();
        let m = d.annotations.values().next().unwrap().as_mention().unwrap();
        assert_eq!(m.type_id.as_str(), "place");
        assert_eq!(m.anchor.fragments, vec![Span::new(20, 25)]);
        let e = &p.registry[&m.entry.unwrap()];
        assert_eq!(e.name, "Кэсон");
        assert_eq!(e.type_id.as_str(), "place");
    }

    #[test]
    fn missing_text_and_bad_json_are_errors() {
        let (_tmp, r) = setup(r#"{"type": "AnnotationPage", "items": []}"#, None);
        let err = r.unwrap_err();
        assert!(err.to_string().contains("doc.txt"), "{err}");
        let (_tmp, r) = setup("{\n  \"items\": [\n  oops\n]}", Some(""));
        assert!(
            matches!(r, Err(ImportError::Syntax { line: 3, .. })),
            "{r:?}"
        );
    }
}
