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
//! - `registry.json` lists every entry with its IRIs, names, aliases and authority ids.
//! - Each attribute is a `classifying` body `<attribute id>=<value>` (its kind is the
//!   schema's).
//! - The annotator (`resp`) is the annotation's `creator` (`Person` with `name`).

use super::{CONTEXT, EVENT_DATE, REGISTRY_FILE, entry_iri};
use crate::interchange::common::{
    attr_to_text, check_anchors, date_value, doc_file_stem, unique_name,
};
use crate::interchange::export::{
    ExportError, ExportReport, Exporter, Output, Part, Progress, omit_parts,
};
use crate::model::anchor::quote_for;
use crate::model::{Annotation, Body, Document, Project, Target};
use serde_json::{Value, json};
use std::collections::HashSet;
use std::path::Path;

/// The W3C Web Annotation exporter.
pub struct W3cExporter;

impl Exporter for W3cExporter {
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
        let out_dir = &output.dir().to_path_buf();
        let mut written = Vec::new();
        let mut omitted = Vec::new();
        let mut used = HashSet::new();
        used.insert(REGISTRY_FILE.to_owned());
        let n = project.documents.len().max(1);
        for (i, doc) in project.documents.values().enumerate() {
            let name = unique_name(&doc_file_stem(doc), "json", &mut used);
            let stem = &name[..name.len() - ".json".len()];
            check_anchors(doc).map_err(|message| ExportError::Format {
                path: out_dir.join(&name),
                message: format!("document \"{}\": {message}", doc.meta.title),
            })?;
            crate::interchange::export::omit_archival(&mut omitted, "W3C Web Annotation", doc);
            for a in doc.annotations.values() {
                omit_parts(
                    &mut omitted,
                    "W3C Web Annotation",
                    &[Part::Certainty],
                    project,
                    doc,
                    a,
                );
            }
            let json = collection(project, doc);
            written.push(output.add(&name, pretty(&json, &out_dir.join(&name))?)?);
            written.push(output.add(
                &format!("{stem}.txt"),
                doc.text_or_empty().as_str().as_bytes().to_vec(),
            )?);
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

/// `v` as pretty JSON with a final newline; `path` names the file in an error.
fn pretty(v: &Value, path: &Path) -> Result<Vec<u8>, ExportError> {
    let mut s = serde_json::to_string_pretty(v).map_err(|e| ExportError::Format {
        path: path.to_path_buf(),
        message: format!("cannot write JSON: {e}"),
    })?;
    s.push('\n');
    Ok(s.into_bytes())
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

fn textual(purpose: &str, value: &str) -> Value {
    json!({"type": "TextualBody", "purpose": purpose, "value": value, "format": "text/plain"})
}

/// The `AnnotationCollection` for one document.
pub fn collection(project: &Project, doc: &Document) -> Value {
    let doc_iri = format!("urn:uuid:{}", doc.meta.id);
    let items: Vec<Value> = doc
        .annotations
        .values()
        .map(|a| annotation(project, doc, &doc_iri, a))
        .collect();
    json!({
        "@context": CONTEXT,
        "id": doc_iri,
        "type": "AnnotationCollection",
        "label": doc.meta.title,
        "total": items.len(),
        "first": {
            "id": format!("{doc_iri}#page-1"),
            "type": "AnnotationPage",
            "startIndex": 0,
            "items": items,
        },
    })
}

fn text_targets(doc: &Document, doc_iri: &str, a: &Annotation) -> Vec<Value> {
    let text = doc.text_or_empty();
    a.anchor()
        .map(|an| {
            an.fragments
                .iter()
                .map(|f| {
                    let q = quote_for(text, f.start, f.end);
                    json!({
                        "type": "SpecificResource",
                        "source": doc_iri,
                        "selector": [
                            {"type": "TextQuoteSelector", "exact": q.exact, "prefix": q.prefix, "suffix": q.suffix},
                            {"type": "TextPositionSelector", "start": f.start, "end": f.end},
                        ],
                    })
                })
                .collect()
        })
        .unwrap_or_default()
}

fn annotation(project: &Project, doc: &Document, doc_iri: &str, a: &Annotation) -> Value {
    let mut bodies = vec![textual("tagging", project.schema.label(a.type_id()))];
    let mut targets = text_targets(doc, doc_iri, a);
    let motivation = match &a.body {
        Body::Mention(m) => {
            if let Some(d) = &m.date {
                bodies.push(textual("describing", &date_value(d)));
            }
            if let Some(e) = m.entry {
                let source = project
                    .registry
                    .get(&e)
                    .map_or_else(|| format!("urn:uuid:{e}"), entry_iri);
                bodies.push(
                    json!({"type": "SpecificResource", "purpose": "identifying", "source": source}),
                );
            }
            "identifying"
        }
        Body::Event(ev) => {
            if let Some(d) = &ev.date {
                bodies.push(textual(
                    "describing",
                    &format!("{EVENT_DATE}: {}", date_value(d)),
                ));
            }
            for (role, fillers) in &ev.roles {
                for t in fillers {
                    let iri = target_iri(project, t);
                    bodies.push(textual("describing", &format!("{role}: {iri}")));
                    let iri = Value::String(iri);
                    if !targets.contains(&iri) {
                        targets.push(iri);
                    }
                }
            }
            "linking"
        }
        Body::Relation(r) => {
            for (k, t) in [("from", &r.from), ("to", &r.to)] {
                let iri = target_iri(project, t);
                bodies.push(textual("describing", &format!("{k}: {iri}")));
                let iri = Value::String(iri);
                if !targets.contains(&iri) {
                    targets.push(iri);
                }
            }
            "linking"
        }
    };
    for (k, v) in &a.attributes {
        bodies.push(textual(
            "classifying",
            &format!("{k}={}", attr_to_text(v).1),
        ));
    }
    if !a.note.is_empty() {
        bodies.push(textual("commenting", &a.note));
    }
    if targets.is_empty() {
        targets.push(Value::String(doc_iri.to_owned()));
    }
    let mut out = json!({
        "id": format!("urn:uuid:{}", a.id),
        "type": "Annotation",
        "motivation": motivation,
        "body": bodies,
        "target": targets,
    });
    if !a.resp.is_empty() {
        out["creator"] = json!({"type": "Person", "name": a.resp});
    }
    out
}

/// The registry as JSON: entries with their IRIs, names, aliases and authority ids.
pub fn registry(project: &Project) -> Value {
    let entries: Vec<Value> = project
        .registry
        .values()
        .map(|e| {
            json!({
                "id": format!("urn:uuid:{}", e.id),
                "iri": entry_iri(e),
                "type": e.type_id.as_str(),
                "name": e.name,
                "aliases": e.aliases.iter().map(|a| json!({"name": a.name, "kind": a.kind.as_str(), "note": a.note})).collect::<Vec<_>>(),
                "authority": e.authority.iter().map(|a| json!({"scheme": a.scheme.as_str(), "id": a.id})).collect::<Vec<_>>(),
                "note": e.note,
            })
        })
        .collect();
    json!({"project": project.info.name, "entries": entries})
}
