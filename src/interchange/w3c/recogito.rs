//! W3C Web Annotation for RecogitoJS (`--format w3c-recogito`): per document `<stem>.json`,
//! a plain JSON array of annotations as RecogitoJS's text annotator loads them
//! (`setAnnotations`/`loadAnnotations`), and `<stem>.txt`, the text they count in.
//!
//! Profile (what that tool reads):
//! - each annotation carries its own `@context`, `"type": "Annotation"` and an `id`
//!   (`#<annotation id>`, RecogitoJS's own form: its relations layer draws a relation only
//!   when both target ids start with `#` and equal a highlight's id);
//! - a text annotation's `target` is one object whose `selector` is an array holding a
//!   `TextQuoteSelector` (`exact`) and a `TextPositionSelector` (`start`, `end`, in UTF-16
//!   code units of the `.txt`, as RecogitoJS counts in JavaScript strings: after a character
//!   outside the Basic Multilingual Plane they differ from code points), plus `source` (the
//!   document IRI) for W3C validators;
//! - regions of page images go to `<stem>.regions.json`, a plain array in the profile
//!   Annotorious draws: one `target` object with `source` (the page image's path) and a
//!   `selector` object (`FragmentSelector` `xywh=pixel:…` or `SvgSelector` `<svg><polygon …>`
//!   without a namespace, as Annotorious writes it); the text mention
//!   a region is linked to is a `SpecificResource` body with purpose `linking`;
//! - bodies are `TextualBody`s: `tagging` (the type label), `commenting` (the note), and a
//!   `SpecificResource` `identifying` the registry entry (carried, not shown, by the tool);
//! - relations, and each role of an event, are `linking` annotations whose `target` is a
//!   list of `{"id": …}` of the two annotations they join, tagged with the relation type or
//!   role label (RecogitoJS's relation format); an event is the text annotation of its
//!   trigger tagged with the event type.
//!
//! What RecogitoJS cannot hold is listed in the report: second and later fragments of a
//! discontinuous span (only the first is written), events without a trigger, role
//! fillers and relation ends that are registry entries, attributes, certainty, annotator,
//! normalized dates, the archival description and page breaks.

use super::write::pretty;
use super::{CONTEXT, entry_iri};
use crate::interchange::common::{check_anchors, doc_file_stem, unique_name};
use crate::interchange::export::{
    ExportError, ExportReport, Exporter, Output, Part, Progress, omission, omit_parts,
};
use crate::model::anchor::quote_for;
use crate::model::{Body, Document, Project, Target};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::HashSet;

/// One document's file name, document, JSON and omissions, made on a worker thread.
type Made<'a> = (
    String,
    &'a Document,
    Result<(Vec<u8>, Option<Vec<u8>>), ExportError>,
    Vec<String>,
);

/// The RecogitoJS profile of the W3C exporter.
pub struct RecogitoExporter;

const FORMAT: &str = "RecogitoJS (W3C Web Annotation)";

#[derive(Serialize)]
pub struct Item<'a> {
    #[serde(rename = "@context")]
    context: &'static str,
    id: String,
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    motivation: Option<&'static str>,
    body: Vec<ItemBody<'a>>,
    target: ItemTarget,
}

#[derive(Serialize)]
#[serde(untagged)]
enum ItemBody<'a> {
    Textual {
        #[serde(rename = "type")]
        kind: &'static str,
        purpose: &'static str,
        value: &'a str,
    },
    Resource {
        #[serde(rename = "type")]
        kind: &'static str,
        purpose: &'static str,
        source: String,
    },
}

#[derive(Serialize)]
#[serde(untagged)]
enum ItemTarget {
    Text {
        source: String,
        selector: (QuoteSel, PositionSel),
    },
    Links(Vec<LinkEnd>),
    /// A region: Annotorious reads `target.selector` (one object).
    Image {
        source: String,
        selector: RegionSel,
    },
}

#[derive(Serialize)]
#[serde(untagged)]
enum RegionSel {
    Fragment {
        #[serde(rename = "type")]
        kind: &'static str,
        #[serde(rename = "conformsTo")]
        conforms_to: &'static str,
        value: String,
    },
    Svg {
        #[serde(rename = "type")]
        kind: &'static str,
        value: String,
    },
}

/// Code-point offsets of a text as UTF-16 code units (JavaScript string indices).
struct Utf16Offsets(Vec<usize>);

impl Utf16Offsets {
    fn new(text: &str) -> Self {
        let mut at = Vec::with_capacity(text.len() + 1);
        let mut n = 0;
        for c in text.chars() {
            at.push(n);
            n += c.len_utf16();
        }
        at.push(n);
        Self(at)
    }

    fn of(&self, cp: usize) -> usize {
        self.0
            .get(cp)
            .copied()
            .unwrap_or_else(|| self.0.last().copied().unwrap_or(0))
    }
}

#[derive(Serialize)]
struct QuoteSel {
    #[serde(rename = "type")]
    kind: &'static str,
    exact: String,
}

#[derive(Serialize)]
struct PositionSel {
    #[serde(rename = "type")]
    kind: &'static str,
    start: usize,
    end: usize,
}

#[derive(Serialize)]
struct LinkEnd {
    id: String,
}

fn tag(value: &str) -> ItemBody<'_> {
    ItemBody::Textual {
        kind: "TextualBody",
        purpose: "tagging",
        value,
    }
}

/// The regions of one document's page images in the profile Annotorious draws.
pub fn region_items<'a>(project: &'a Project, doc: &'a Document) -> Vec<Item<'a>> {
    use crate::model::region::Shape;
    doc.annotations
        .values()
        .filter_map(|a| {
            let r = a.region.as_ref()?;
            let selector = match &r.shape {
                Shape::Rect { .. } => RegionSel::Fragment {
                    kind: "FragmentSelector",
                    conforms_to: crate::interchange::facs::MEDIA_FRAGMENTS,
                    value: r.shape.media_fragment().unwrap_or_default(),
                },
                // Without `xmlns`, as Annotorious writes it: given a namespaced `<svg>`,
                // Annotorious 2.7 takes the `<svg>` element for the shape and draws nothing.
                Shape::Polygon(_) => RegionSel::Svg {
                    kind: "SvgSelector",
                    value: format!(
                        "<svg><polygon points=\"{}\"></polygon></svg>",
                        r.shape.svg_points()
                    ),
                },
            };
            let source = doc.meta.images.get(r.page).map_or_else(
                || format!("urn:uuid:{}#page-{}", doc.meta.id, r.page + 1),
                |p| p.as_str().to_owned(),
            );
            let mut body = vec![tag(project.schema.label(a.type_id()))];
            if !a.note.is_empty() {
                body.push(ItemBody::Textual {
                    kind: "TextualBody",
                    purpose: "commenting",
                    value: &a.note,
                });
            }
            if let Some(t) = r.text {
                body.push(ItemBody::Resource {
                    kind: "SpecificResource",
                    purpose: "linking",
                    source: recogito_id(&t),
                });
            }
            // A mention with words and a place: its region is a second annotation.
            let id = if a.anchor().is_some_and(|an| !an.fragments.is_empty()) {
                format!("urn:uuid:{}#region", a.id)
            } else {
                format!("urn:uuid:{}", a.id)
            };
            Some(Item {
                context: CONTEXT,
                id,
                kind: "Annotation",
                motivation: None,
                body,
                target: ItemTarget::Image { source, selector },
            })
        })
        .collect()
}

/// A text annotation's id as RecogitoJS writes and links it: `#<uuid>`. Its relations layer
/// draws a `linking` annotation only when every target id starts with `#` and equals the
/// `data-id` of a highlight, which is the annotation's id.
fn recogito_id(id: &impl std::fmt::Display) -> String {
    format!("#{id}")
}

/// The annotations of one document in the RecogitoJS profile, and what they leave out.
pub fn document_items<'a>(project: &'a Project, doc: &'a Document) -> (Vec<Item<'a>>, Vec<String>) {
    let doc_iri = format!("urn:uuid:{}", doc.meta.id);
    let text = doc.text_or_empty();
    let units = Utf16Offsets::new(text.as_str());
    let mut items = Vec::new();
    let mut omitted = Vec::new();
    // Annotations written as text annotations: their ids can be linked to.
    let written: HashSet<_> = doc
        .annotations
        .values()
        .filter(|a| a.anchor().is_some_and(|an| !an.fragments.is_empty()))
        .map(|a| a.id)
        .collect();
    let link_id = |t: &Target| match t {
        Target::Annotation(id) if written.contains(id) => Some(recogito_id(id)),
        _ => None,
    };
    for a in doc.annotations.values() {
        omit_parts(
            &mut omitted,
            FORMAT,
            &[
                Part::Attributes,
                Part::Certainty,
                Part::Annotator,
                Part::Date,
            ],
            project,
            doc,
            a,
        );
        let label = project.schema.label(a.type_id());
        match &a.body {
            Body::Mention(_) if a.anchor().is_none_or(|an| an.fragments.is_empty()) => {
                // A region without words: in the regions file only.
            }
            Body::Mention(_) | Body::Event(_) => {
                let Some(f) = a.anchor().and_then(|an| an.fragments.first()) else {
                    omitted.push(omission(
                        FORMAT,
                        "an event without a trigger",
                        project,
                        doc,
                        a,
                    ));
                    continue;
                };
                if a.anchor().is_some_and(|an| an.fragments.len() > 1) {
                    omitted.push(omission(
                        FORMAT,
                        "a discontinuous span (only its first fragment is written)",
                        project,
                        doc,
                        a,
                    ));
                }
                let mut body = vec![tag(label)];
                if !a.note.is_empty() {
                    body.push(ItemBody::Textual {
                        kind: "TextualBody",
                        purpose: "commenting",
                        value: &a.note,
                    });
                }
                if let Body::Mention(m) = &a.body
                    && let Some(e) = m.entry
                {
                    body.push(ItemBody::Resource {
                        kind: "SpecificResource",
                        purpose: "identifying",
                        source: project
                            .registry
                            .get(&e)
                            .map_or_else(|| format!("urn:uuid:{e}"), entry_iri),
                    });
                }
                items.push(Item {
                    context: CONTEXT,
                    id: recogito_id(&a.id),
                    kind: "Annotation",
                    motivation: None,
                    body,
                    target: ItemTarget::Text {
                        source: doc_iri.clone(),
                        selector: (
                            QuoteSel {
                                kind: "TextQuoteSelector",
                                exact: quote_for(text, f.start, f.end).exact,
                            },
                            PositionSel {
                                kind: "TextPositionSelector",
                                start: units.of(f.start),
                                end: units.of(f.end),
                            },
                        ),
                    },
                });
                if let Body::Event(ev) = &a.body {
                    let schema_event = project.schema.event(&ev.type_id);
                    for (role, fillers) in &ev.roles {
                        let role_label = schema_event
                            .and_then(|t| t.role(role))
                            .map_or(role.as_str(), |r| r.label.as_str());
                        for (i, t) in fillers.iter().enumerate() {
                            let Some(to) = link_id(t) else {
                                omitted.push(omission(
                                    FORMAT,
                                    &format!("the {role_label} role filler \"{}\" (not a text annotation)", project.target_label(doc.id(), t)),
                                    project,
                                    doc,
                                    a,
                                ));
                                continue;
                            };
                            items.push(Item {
                                context: CONTEXT,
                                id: format!("{}#{role}-{}", recogito_id(&a.id), i + 1),
                                kind: "Annotation",
                                motivation: Some("linking"),
                                body: vec![tag(role_label)],
                                target: ItemTarget::Links(vec![
                                    LinkEnd {
                                        id: recogito_id(&a.id),
                                    },
                                    LinkEnd { id: to },
                                ]),
                            });
                        }
                    }
                }
            }
            Body::Relation(r) => {
                let (Some(from), Some(to)) = (link_id(&r.from), link_id(&r.to)) else {
                    omitted.push(omission(
                        FORMAT,
                        "a relation whose end is not a text annotation",
                        project,
                        doc,
                        a,
                    ));
                    continue;
                };
                let mut body = vec![tag(label)];
                if !a.note.is_empty() {
                    body.push(ItemBody::Textual {
                        kind: "TextualBody",
                        purpose: "commenting",
                        value: &a.note,
                    });
                }
                items.push(Item {
                    context: CONTEXT,
                    id: recogito_id(&a.id),
                    kind: "Annotation",
                    motivation: Some("linking"),
                    body,
                    target: ItemTarget::Links(vec![LinkEnd { id: from }, LinkEnd { id: to }]),
                });
            }
        }
    }
    (items, omitted)
}

impl Exporter for RecogitoExporter {
    fn id(&self) -> &'static str {
        "w3c-recogito"
    }

    fn label(&self) -> &'static str {
        "W3C Web Annotation for RecogitoJS (plain array)"
    }

    fn write(
        &self,
        project: &Project,
        output: &mut Output,
        progress: Progress<'_>,
    ) -> Result<ExportReport, ExportError> {
        let out_dir = output.dir().to_path_buf();
        let mut used = HashSet::new();
        let jobs: Vec<(String, &Document)> = project
            .documents
            .values()
            .map(|doc| (unique_name(&doc_file_stem(doc), "json", &mut used), doc))
            .collect();
        let made: Vec<Made<'_>> = jobs
            .into_par_iter()
            .map(|(name, doc)| {
                let path = out_dir.join(&name);
                let mut lost = Vec::new();
                let json = check_anchors(doc)
                    .map_err(|message| ExportError::Format {
                        path: path.clone(),
                        message: format!("document \"{}\": {message}", doc.meta.title),
                    })
                    .and_then(|()| {
                        crate::interchange::export::omit_archival(&mut lost, FORMAT, doc);
                        let breaks = doc.meta.archival.page_breaks.len();
                        if breaks > 0 {
                            lost.push(format!(
                                "{FORMAT} cannot express page breaks ({breaks}) of \"{}\"",
                                doc.meta.title
                            ));
                        }
                        let (items, o) = document_items(project, doc);
                        lost.extend(o);
                        pretty(&items, &path)
                    });
                let regions = region_items(project, doc);
                let regions = if regions.is_empty() {
                    Ok(None)
                } else {
                    pretty(&regions, &path.with_extension("regions.json")).map(Some)
                };
                let json = json.and_then(|j| regions.map(|r| (j, r)));
                (name, doc, json, lost)
            })
            .collect();
        let n = made.len().max(1);
        let mut files = Vec::new();
        let mut omitted = Vec::new();
        for (i, (name, doc, json, lost)) in made.into_iter().enumerate() {
            let (json, regions) = json?;
            omitted.extend(lost);
            let stem = &name[..name.len() - ".json".len()];
            files.push(output.add(&name, json)?);
            if let Some(r) = regions {
                files.push(output.add(&format!("{stem}.regions.json"), r)?);
            }
            files.push(output.add(
                &format!("{stem}.txt"),
                doc.text_or_empty().as_str().as_bytes().to_vec(),
            )?);
            progress((i + 1) as f32 / n as f32);
        }
        progress(1.0);
        Ok(ExportReport { files, omitted })
    }
}
