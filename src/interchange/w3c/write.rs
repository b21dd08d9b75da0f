//! W3C Web Annotation export: per document, `<stem>.json` (an `AnnotationCollection` whose
//! `first` page holds every annotation) and `<stem>.txt` (the LF-normalized text the
//! selectors count in), plus one `registry.json` for the folder.
//!
//! Conventions, which [`super::read`] reads back:
//! - Ids: the collection is `urn:uuid:<document id>`, its page `…#page-1`, each annotation
//!   `urn:uuid:<annotation id>`; targets' `source` is the collection's document IRI.
//! - A mention is motivated `identifying`; it has one target per fragment, each a
//!   `SpecificResource` with a `TextQuoteSelector` and a `TextPositionSelector` (code points).
//!   Bodies: `TextualBody` `tagging` (the type label), `describing` (a date as ISO 8601,
//!   a range as `start/end`, open ends as `..`; an event's own date as `event-date: …`), `commenting` (the note), and
//!   `SpecificResource` `identifying` whose `source` is the entry's first authority URL, or
//!   `urn:uuid:<entry id>`.
//! - Events and relations are motivated `linking`; their targets are the IRIs of the
//!   fillers (annotations or entries) and, for events, the trigger's text fragments; a
//!   `describing` body per filler reads `<role>: <IRI>` (`from:`/`to:` for relations).
//! - A region mention (a place on a page image) has an image target: a `SpecificResource`
//!   whose `source` is the page image's project-relative path (the collection lists them
//!   in page order as `images`), with a `FragmentSelector` (`xywh=pixel:x,y,w,h`,
//!   `conformsTo` Media Fragments) for a rectangle or an `SvgSelector` (an SVG with one
//!   `<polygon points=…>`) for a polygon, as Annotorious and IIIF viewers read them. A
//!   region linked to a text mention has that mention's IRI as a further target. An
//!   image-only document has no `<stem>.txt`.
//! - `registry.json` lists every entry with its IRIs, names, aliases and authority ids, and
//!   its `created`/`modified` stamps (`"<UTC time> <name>"`).
//! - Each attribute is a `classifying` body `<attribute id>=<value>` (its kind is the
//!   schema's).
//! - The annotator ([`Annotation::annotator`]) is the annotation's `creator` (`Person` with
//!   `name`); the times of its `created` and `modified` stamps are `created` and
//!   `modified`. The model has no agent for `modified`: a last change by someone else than
//!   the creator is reported as left out, and on import the creator is taken as the last
//!   changer.

use super::{CONTEXT, EVENT_DATE, REGISTRY_FILE, entry_iri};
use crate::interchange::common::{
    attr_to_text, check_anchors, date_value, doc_file_stem, unique_name,
};
use crate::interchange::export::{
    ExportError, ExportReport, Exporter, Output, Part, Progress, omit_parts,
};
use crate::interchange::facs::{MEDIA_FRAGMENTS, svg_value};
use crate::model::anchor::quote_for;
use crate::model::region::{PageRegion, Shape};
use crate::model::{Annotation, Body, Document, Project, Target};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// The W3C Web Annotation exporter.
pub struct W3cExporter;

/// One document's files and omissions, made on a worker thread.
struct DocOut<'a> {
    doc: &'a Document,
    name: String,
    json: Result<Vec<u8>, ExportError>,
    omitted: Vec<String>,
}

impl Exporter for W3cExporter {
    fn keeps_adjudication(&self) -> bool {
        true
    }

    fn id(&self) -> &'static str {
        "w3c"
    }

    fn label(&self) -> &'static str {
        "W3C Web Annotation (JSON-LD)"
    }

    fn write(
        &self,
        project: &Project,
        output: &mut Output,
        progress: Progress<'_>,
    ) -> Result<ExportReport, ExportError> {
        let out_dir = output.dir().to_path_buf();
        let mut used = HashSet::new();
        used.insert(REGISTRY_FILE.to_owned());
        // Names are given in document order (they depend on each other), the JSON is made
        // per document in parallel.
        let jobs: Vec<(String, &Document)> = project
            .documents
            .values()
            .map(|doc| (unique_name(&doc_file_stem(doc), "json", &mut used), doc))
            .collect();
        let made: Vec<DocOut> = jobs
            .into_par_iter()
            .map(|(name, doc)| document_out(project, doc, name, &out_dir))
            .collect();
        let mut written = Vec::new();
        let mut omitted = Vec::new();
        let n = made.len().max(1);
        for (i, d) in made.into_iter().enumerate() {
            let doc = d.doc;
            let json = d.json?;
            omitted.extend(d.omitted);
            let stem = &d.name[..d.name.len() - ".json".len()];
            written.push(output.add(&d.name, json)?);
            // An image-only document has no text; the reader knows it by the missing file.
            if doc.meta.source.is_some() {
                written.push(output.add(
                    &format!("{stem}.txt"),
                    doc.text_or_empty().as_str().as_bytes().to_vec(),
                )?);
            }
            progress((i + 1) as f32 / n as f32);
        }
        written.push(output.add(
            REGISTRY_FILE,
            pretty(&registry(project), &out_dir.join(REGISTRY_FILE))?,
        )?);
        progress(1.0);
        Ok(ExportReport {
            files: written,
            omitted,
        })
    }
}

fn document_out<'a>(
    project: &Project,
    doc: &'a Document,
    name: String,
    out_dir: &Path,
) -> DocOut<'a> {
    let path: PathBuf = out_dir.join(&name);
    let mut omitted = Vec::new();
    let json = check_anchors(doc)
        .map_err(|message| ExportError::Format {
            path: path.clone(),
            message: format!("document \"{}\": {message}", doc.meta.title),
        })
        .and_then(|()| {
            for a in doc.annotations.values() {
                omit_parts(
                    &mut omitted,
                    "W3C Web Annotation",
                    &[Part::Certainty],
                    project,
                    doc,
                    a,
                );
                if a.modified.as_ref().is_some_and(|m| m.by != a.annotator())
                    && a.adjudicator().is_none()
                {
                    omitted.push(crate::interchange::export::omission(
                        "W3C Web Annotation",
                        "who last changed it",
                        project,
                        doc,
                        a,
                    ));
                }
            }
            pretty(&collection(project, doc), &path)
        });
    DocOut {
        doc,
        name,
        json,
        omitted,
    }
}

/// `v` as pretty JSON with a final newline; `path` names the file in an error.
pub(super) fn pretty<T: Serialize>(v: &T, path: &Path) -> Result<Vec<u8>, ExportError> {
    let mut out = Vec::with_capacity(4096);
    serde_json::to_writer_pretty(&mut out, v).map_err(|e| ExportError::Format {
        path: path.to_path_buf(),
        message: format!("cannot write JSON: {e}"),
    })?;
    out.push(b'\n');
    Ok(out)
}

// The structs below serialize to the same bytes the former `serde_json::Value` encoding
// gave: their fields are declared in the byte order of their keys (serde_json sorts an
// object's keys), so the goldens stay unchanged.

fn is_empty_archival(a: &&crate::model::ArchivalMeta) -> bool {
    **a == crate::model::ArchivalMeta::default()
}

/// An `AnnotationCollection` holding one page.
#[derive(Serialize)]
pub struct Collection<'a> {
    #[serde(rename = "@context")]
    context: &'static str,
    /// The document's archival description (citation, archive, number, page breaks …); a
    /// Marginalia extension other tools ignore.
    #[serde(skip_serializing_if = "is_empty_archival")]
    archival: &'a crate::model::ArchivalMeta,
    first: Page<'a>,
    id: String,
    /// The document's page images in page order (project-relative paths), which image
    /// targets name as their `source`; a Marginalia extension other tools ignore.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    images: Vec<&'a str>,
    label: &'a str,
    total: usize,
    #[serde(rename = "type")]
    kind: &'static str,
}

#[derive(Serialize)]
struct Page<'a> {
    id: String,
    items: Vec<W3cAnnotation<'a>>,
    #[serde(rename = "startIndex")]
    start_index: usize,
    #[serde(rename = "type")]
    kind: &'static str,
}

/// One `Annotation`.
#[derive(Serialize)]
pub struct W3cAnnotation<'a> {
    body: Vec<W3cBody<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    created: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    creator: Option<Creators<'a>>,
    /// The curator of an adjudicated annotation (Dublin Core `contributor`).
    #[serde(
        rename = "dcterms:contributor",
        skip_serializing_if = "Option::is_none"
    )]
    contributor: Option<Creator<'a>>,
    id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    modified: Option<String>,
    motivation: &'static str,
    target: Vec<W3cTarget>,
    #[serde(rename = "type")]
    kind: &'static str,
}

/// One creator, or (an adjudicated annotation) the annotators whose versions it was taken
/// from, the one whose version was copied first.
#[derive(Serialize)]
#[serde(untagged)]
enum Creators<'a> {
    One(Creator<'a>),
    Many(Vec<Creator<'a>>),
}

#[derive(Serialize)]
struct Creator<'a> {
    name: &'a str,
    #[serde(rename = "type")]
    kind: &'static str,
}

#[derive(Serialize)]
#[serde(untagged)]
enum W3cBody<'a> {
    Textual {
        format: &'static str,
        purpose: &'static str,
        #[serde(rename = "type")]
        kind: &'static str,
        value: std::borrow::Cow<'a, str>,
    },
    Resource {
        purpose: &'static str,
        source: String,
        #[serde(rename = "type")]
        kind: &'static str,
    },
}

#[derive(Serialize, PartialEq)]
#[serde(untagged)]
enum W3cTarget {
    Iri(String),
    Text {
        selector: [Selector; 2],
        source: String,
        #[serde(rename = "type")]
        kind: &'static str,
    },
    /// A region of a page image, `source` the image's path.
    Image {
        selector: ImageSelector,
        source: String,
        #[serde(rename = "type")]
        kind: &'static str,
    },
}

/// A `FragmentSelector` (rectangles) or an `SvgSelector` (polygons), as Annotorious and
/// IIIF viewers read them.
#[derive(Serialize, PartialEq)]
#[serde(untagged)]
enum ImageSelector {
    Fragment {
        #[serde(rename = "conformsTo")]
        conforms_to: &'static str,
        #[serde(rename = "type")]
        kind: &'static str,
        value: String,
    },
    Svg {
        #[serde(rename = "type")]
        kind: &'static str,
        value: String,
    },
}

#[derive(Serialize, PartialEq)]
#[serde(untagged)]
enum Selector {
    Quote {
        exact: String,
        prefix: String,
        suffix: String,
        #[serde(rename = "type")]
        kind: &'static str,
    },
    Position {
        end: usize,
        start: usize,
        #[serde(rename = "type")]
        kind: &'static str,
    },
}

fn target_iri(project: &Project, t: &Target) -> String {
    match t {
        Target::Annotation(a) => format!("urn:uuid:{a}"),
        Target::Entry(e) => project
            .registry
            .get(e)
            .map_or_else(|| format!("urn:uuid:{e}"), entry_iri),
    }
}

fn textual<'a>(purpose: &'static str, value: impl Into<std::borrow::Cow<'a, str>>) -> W3cBody<'a> {
    W3cBody::Textual {
        format: "text/plain",
        purpose,
        kind: "TextualBody",
        value: value.into(),
    }
}

/// The `AnnotationCollection` for one document.
pub fn collection<'a>(project: &'a Project, doc: &'a Document) -> Collection<'a> {
    let doc_iri = format!("urn:uuid:{}", doc.meta.id);
    let items: Vec<W3cAnnotation<'a>> = doc
        .annotations
        .values()
        .map(|a| annotation(project, doc, &doc_iri, a))
        .collect();
    Collection {
        context: CONTEXT,
        archival: &doc.meta.archival,
        first: Page {
            id: format!("{doc_iri}#page-1"),
            start_index: 0,
            kind: "AnnotationPage",
            items,
        },
        total: doc.annotations.len(),
        id: doc_iri,
        images: doc.meta.images.iter().map(|p| p.as_str()).collect(),
        label: &doc.meta.title,
        kind: "AnnotationCollection",
    }
}

/// The text targets of `a`: one per fragment, with a quote and a position selector.
fn text_targets(doc: &Document, doc_iri: &str, a: &Annotation) -> Vec<W3cTarget> {
    let text = doc.text_or_empty();
    a.anchor()
        .map(|an| {
            an.fragments
                .iter()
                .map(|f| {
                    let q = quote_for(text, f.start, f.end);
                    W3cTarget::Text {
                        selector: [
                            Selector::Quote {
                                exact: q.exact,
                                prefix: q.prefix,
                                suffix: q.suffix,
                                kind: "TextQuoteSelector",
                            },
                            Selector::Position {
                                end: f.end,
                                start: f.start,
                                kind: "TextPositionSelector",
                            },
                        ],
                        source: doc_iri.to_owned(),
                        kind: "SpecificResource",
                    }
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The targets of a region mention: the page image with its selector, then the IRI of the
/// text mention it is linked to (so a linked region has two targets).
fn region_targets(doc: &Document, doc_iri: &str, r: &PageRegion) -> Vec<W3cTarget> {
    let selector = match &r.shape {
        Shape::Rect { .. } => ImageSelector::Fragment {
            conforms_to: MEDIA_FRAGMENTS,
            kind: "FragmentSelector",
            value: r.shape.media_fragment().unwrap_or_default(),
        },
        Shape::Polygon(_) => ImageSelector::Svg {
            kind: "SvgSelector",
            value: svg_value(&r.shape),
        },
    };
    let source = doc.meta.images.get(r.page).map_or_else(
        || format!("{doc_iri}#page-{}", r.page + 1),
        |p| p.as_str().to_owned(),
    );
    let mut out = vec![W3cTarget::Image {
        selector,
        source,
        kind: "SpecificResource",
    }];
    if let Some(t) = r.text {
        out.push(W3cTarget::Iri(format!("urn:uuid:{t}")));
    }
    out
}

fn push_iri(targets: &mut Vec<W3cTarget>, iri: String) {
    let t = W3cTarget::Iri(iri);
    if !targets.contains(&t) {
        targets.push(t);
    }
}

fn annotation<'a>(
    project: &'a Project,
    doc: &'a Document,
    doc_iri: &str,
    a: &'a Annotation,
) -> W3cAnnotation<'a> {
    let mut bodies = vec![textual("tagging", project.schema.label(a.type_id()))];
    let mut targets = text_targets(doc, doc_iri, a);
    if let Some(r) = &a.region {
        targets.extend(region_targets(doc, doc_iri, r));
    }
    let motivation = match &a.body {
        Body::Mention(m) => {
            if let Some(d) = &m.date {
                bodies.push(textual("describing", date_value(d)));
            }
            if let Some(e) = m.entry {
                let source = project
                    .registry
                    .get(&e)
                    .map_or_else(|| format!("urn:uuid:{e}"), entry_iri);
                bodies.push(W3cBody::Resource {
                    purpose: "identifying",
                    source,
                    kind: "SpecificResource",
                });
            }
            "identifying"
        }
        Body::Event(ev) => {
            if let Some(d) = &ev.date {
                bodies.push(textual(
                    "describing",
                    format!("{EVENT_DATE}: {}", date_value(d)),
                ));
            }
            for (role, fillers) in &ev.roles {
                for t in fillers {
                    let iri = target_iri(project, t);
                    bodies.push(textual("describing", format!("{role}: {iri}")));
                    push_iri(&mut targets, iri);
                }
            }
            "linking"
        }
        Body::Relation(r) => {
            for (k, t) in [("from", &r.from), ("to", &r.to)] {
                let iri = target_iri(project, t);
                bodies.push(textual("describing", format!("{k}: {iri}")));
                push_iri(&mut targets, iri);
            }
            "linking"
        }
    };
    for (k, v) in &a.attributes {
        bodies.push(textual("classifying", format!("{k}={}", attr_to_text(v).1)));
    }
    if !a.note.is_empty() {
        bodies.push(textual("commenting", a.note.as_str()));
    }
    if targets.is_empty() {
        targets.push(W3cTarget::Iri(doc_iri.to_owned()));
    }
    W3cAnnotation {
        body: bodies,
        created: a.created.as_ref().map(|s| s.at.to_string()),
        creator: creators(a),
        contributor: a.adjudicator().map(|name| Creator {
            name,
            kind: "Person",
        }),
        id: format!("urn:uuid:{}", a.id),
        modified: a.modified.as_ref().map(|s| s.at.to_string()),
        motivation,
        target: targets,
        kind: "Annotation",
    }
}

/// `registry.json`: every entry with its IRIs, names, aliases and authority ids.
#[derive(Serialize)]
pub struct Registry<'a> {
    entries: Vec<RegistryEntry<'a>>,
    project: &'a str,
}

#[derive(Serialize)]
struct RegistryEntry<'a> {
    aliases: Vec<RegistryAlias<'a>>,
    authority: Vec<RegistryAuthority<'a>>,
    /// Who created the entry and when (`"<UTC time> <name>"`, as in project files).
    #[serde(skip_serializing_if = "Option::is_none")]
    created: Option<String>,
    id: String,
    iri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    modified: Option<String>,
    name: &'a str,
    note: &'a str,
    #[serde(rename = "type")]
    kind: &'a str,
}

#[derive(Serialize)]
struct RegistryAlias<'a> {
    kind: &'a str,
    name: &'a str,
    note: &'a str,
}

#[derive(Serialize)]
struct RegistryAuthority<'a> {
    id: &'a str,
    scheme: &'a str,
}

/// The registry of `project` for `registry.json`.
pub fn registry(project: &Project) -> Registry<'_> {
    Registry {
        entries: project
            .registry
            .values()
            .map(|e| RegistryEntry {
                aliases: e
                    .aliases
                    .iter()
                    .map(|a| RegistryAlias {
                        kind: a.kind.as_str(),
                        name: &a.name,
                        note: &a.note,
                    })
                    .collect(),
                authority: e
                    .authority
                    .iter()
                    .map(|a| RegistryAuthority {
                        id: &a.id,
                        scheme: a.scheme.as_str(),
                    })
                    .collect(),
                created: e.created.as_ref().map(ToString::to_string),
                id: format!("urn:uuid:{}", e.id),
                modified: e.modified.as_ref().map(ToString::to_string),
                iri: entry_iri(e),
                name: &e.name,
                note: &e.note,
                kind: e.type_id.as_str(),
            })
            .collect(),
        project: &project.info.name,
    }
}

/// `creator`: the annotator; for an adjudicated annotation, the annotators whose versions it
/// was taken from (its own annotator first).
fn creators(a: &Annotation) -> Option<Creators<'_>> {
    let person = |name| Creator {
        name,
        kind: "Person",
    };
    let mut names: Vec<&str> = std::iter::once(a.annotator())
        .chain(a.adjudicated_from.iter().map(String::as_str))
        .filter(|n| !n.is_empty())
        .collect();
    let first = names.first().copied();
    names.sort_unstable();
    names.dedup();
    names.retain(|n| Some(*n) != first);
    match (first, names.is_empty()) {
        (None, _) => None,
        (Some(f), true) if a.adjudicated_from.is_empty() || a.adjudicated_from == [f] => {
            Some(Creators::One(person(f)))
        }
        (Some(f), _) => Some(Creators::Many(
            std::iter::once(f).chain(names).map(person).collect(),
        )),
    }
}
