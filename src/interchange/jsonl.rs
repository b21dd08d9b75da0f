//! JSON Lines export, one document per line, as spaCy and doccano read it:
//! `{"id","title","text","spans":[…],"label":[[start,end,label]…],"events":[…],"relations":[…]}`.
//!
//! Offsets are code points in `text` (the LF-normalized text), half-open — what Python's
//! `text[start:end]` gives. A discontinuous mention is one span (its extent) with its
//! `fragments`; doccano's `label` list has one `[start, end, label]` per fragment. Labels
//! are the CoNLL-style names of [`super::common::ner_label`].

use super::common::ner_label;
use super::export::{ExportError, ExportReport, Exporter, Output, Part, Progress, omit_parts};
use crate::model::{Body, Document, Project, Target};
use serde::Serialize;

/// Writes `documents.jsonl`.
pub struct JsonlExporter;

#[derive(Serialize)]
struct Line<'a> {
    id: String,
    title: &'a str,
    text: &'a str,
    spans: Vec<SpanOut<'a>>,
    label: Vec<(usize, usize, String)>,
    events: Vec<EventOut<'a>>,
    relations: Vec<RelationOut<'a>>,
}

#[derive(Serialize)]
struct SpanOut<'a> {
    id: String,
    start: usize,
    end: usize,
    label: String,
    #[serde(rename = "type")]
    type_id: &'a str,
    text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    fragments: Option<Vec<(usize, usize)>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    entry: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    entry_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    date: Option<&'a crate::model::NormalizedDate>,
    #[serde(flatten)]
    adjudication: Adjudication<'a>,
}

/// Of an adjudicated annotation: the annotators whose versions it was taken from
/// (`adjudicated_from`) and the curator (`adjudicated_by`); nothing otherwise.
#[derive(Serialize)]
struct Adjudication<'a> {
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    adjudicated_from: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    adjudicated_by: Option<&'a str>,
}

impl<'a> From<&'a crate::model::Annotation> for Adjudication<'a> {
    fn from(a: &'a crate::model::Annotation) -> Self {
        Self {
            adjudicated_from: &a.adjudicated_from,
            adjudicated_by: a.adjudicator(),
        }
    }
}

#[derive(Serialize)]
struct TriggerOut {
    start: usize,
    end: usize,
    text: String,
}

#[derive(Serialize)]
struct EventOut<'a> {
    id: String,
    #[serde(rename = "type")]
    type_id: &'a str,
    trigger: Option<TriggerOut>,
    roles: Vec<RoleOut<'a>>,
    #[serde(flatten)]
    adjudication: Adjudication<'a>,
}

#[derive(Serialize)]
struct RoleOut<'a> {
    role: &'a str,
    #[serde(flatten)]
    target: TargetOut,
}

#[derive(Serialize)]
enum TargetOut {
    #[serde(rename = "annotation")]
    Annotation(String),
    #[serde(rename = "entry")]
    Entry(String),
}

impl From<&Target> for TargetOut {
    fn from(t: &Target) -> Self {
        match t {
            Target::Annotation(a) => Self::Annotation(a.to_string()),
            Target::Entry(e) => Self::Entry(e.to_string()),
        }
    }
}

#[derive(Serialize)]
struct RelationOut<'a> {
    id: String,
    #[serde(rename = "type")]
    type_id: &'a str,
    from: TargetOut,
    to: TargetOut,
    #[serde(flatten)]
    adjudication: Adjudication<'a>,
}

fn line<'a>(project: &'a Project, doc: &'a Document) -> Line<'a> {
    let text = doc.text_or_empty();
    let mut l = Line {
        id: doc.id().to_string(),
        title: &doc.meta.title,
        text: text.as_str(),
        spans: Vec::new(),
        label: Vec::new(),
        events: Vec::new(),
        relations: Vec::new(),
    };
    for ann in doc.annotations.values() {
        match &ann.body {
            Body::Mention(m) => {
                let extent = m.anchor.extent();
                let label = ner_label(&m.type_id);
                for f in &m.anchor.fragments {
                    l.label.push((f.start, f.end, label.clone()));
                }
                l.spans.push(SpanOut {
                    id: ann.id.to_string(),
                    start: extent.start,
                    end: extent.end,
                    label,
                    type_id: m.type_id.as_str(),
                    text: m.anchor.covered_text(text),
                    fragments: (m.anchor.fragments.len() > 1).then(|| {
                        m.anchor
                            .fragments
                            .iter()
                            .map(|s| (s.start, s.end))
                            .collect()
                    }),
                    entry: m.entry.map(|e| e.to_string()),
                    entry_name: m
                        .entry
                        .and_then(|e| project.registry.get(&e))
                        .map(|e| e.name.as_str()),
                    date: m.date.as_ref(),
                    adjudication: ann.into(),
                });
            }
            Body::Event(ev) => l.events.push(EventOut {
                id: ann.id.to_string(),
                type_id: ev.type_id.as_str(),
                trigger: ev.trigger.as_ref().map(|t| {
                    let e = t.extent();
                    TriggerOut {
                        start: e.start,
                        end: e.end,
                        text: t.covered_text(text),
                    }
                }),
                roles: ev
                    .roles
                    .iter()
                    .flat_map(|(role, fillers)| {
                        fillers.iter().map(move |f| RoleOut {
                            role: role.as_str(),
                            target: f.into(),
                        })
                    })
                    .collect(),
                adjudication: ann.into(),
            }),
            Body::Relation(r) => l.relations.push(RelationOut {
                id: ann.id.to_string(),
                type_id: r.type_id.as_str(),
                from: (&r.from).into(),
                to: (&r.to).into(),
                adjudication: ann.into(),
            }),
        }
    }
    l.spans.sort_by_key(|s| (s.start, std::cmp::Reverse(s.end)));
    l.label.sort();
    l
}

impl Exporter for JsonlExporter {
    fn keeps_adjudication(&self) -> bool {
        true
    }

    fn id(&self) -> &'static str {
        "jsonl"
    }

    fn label(&self) -> &'static str {
        "JSON Lines (spaCy, doccano)"
    }

    fn write(
        &self,
        project: &Project,
        output: &mut Output,
        progress: Progress<'_>,
    ) -> Result<ExportReport, ExportError> {
        let out_dir = &output.dir().to_path_buf();
        let mut out = Vec::new();
        let mut omitted = Vec::new();
        let n = project.documents.len().max(1);
        progress(0.0);
        for (i, doc) in project.documents.values().enumerate() {
            serde_json::to_writer(&mut out, &line(project, doc)).map_err(|e| {
                ExportError::Format {
                    path: out_dir.join("documents.jsonl"),
                    message: e.to_string(),
                }
            })?;
            out.push(b'\n');
            super::export::omit_archival(&mut omitted, "JSON Lines", doc);
            super::facs::omit_facsimile(&mut omitted, "JSON Lines", project, doc);
            for a in doc.annotations.values() {
                let parts: &[Part] = match &a.body {
                    Body::Event(_) => &[
                        Part::Attributes,
                        Part::Note,
                        Part::Certainty,
                        Part::Annotator,
                        Part::Date,
                    ],
                    _ => &[
                        Part::Attributes,
                        Part::Note,
                        Part::Certainty,
                        Part::Annotator,
                    ],
                };
                omit_parts(&mut omitted, "JSON Lines", parts, project, doc, a);
            }
            progress((i + 1) as f32 / n as f32);
        }
        let file = output.add("documents.jsonl", out)?;
        progress(1.0);
        Ok(ExportReport {
            files: vec![file],
            omitted,
        })
    }
}
