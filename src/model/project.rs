//! A project: schema, registry and documents, held in memory.

use super::annotation::{Annotation, Body, Target};
use super::conflict::Conflict;
use super::document::Document;
use super::ids::{AnnId, DocId, EntryId, Slug};
use super::registry::Entry;
use super::schema::Schema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Descriptive fields of a project.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectInfo {
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// Independent annotation by several annotators (issue 26); `None`: off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub independent: Option<super::layers::Independence>,
}

/// Everything a project holds. Plain data: no file paths beyond each document's relative
/// source path, no history, no UI state.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Project {
    pub info: ProjectInfo,
    pub schema: Schema,
    pub registry: BTreeMap<EntryId, Entry>,
    pub documents: BTreeMap<DocId, Document>,
    /// Unresolved merge conflicts, in record order; each keeps every version of its record.
    pub conflicts: Vec<Conflict>,
}

/// Counts per type, as `marginalia check` prints them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub documents: usize,
    /// Registry entries by entity type id.
    pub registry: BTreeMap<String, usize>,
    /// Mentions by entity type id.
    pub mentions: BTreeMap<String, usize>,
    /// Events by event type id.
    pub events: BTreeMap<String, usize>,
    /// Relations by relation type id.
    pub relations: BTreeMap<String, usize>,
}

impl Project {
    /// An empty project with the default schema.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            info: ProjectInfo {
                name: name.into(),
                description: String::new(),
                independent: None,
            },
            schema: Schema::default_diplomatic(),
            registry: BTreeMap::new(),
            documents: BTreeMap::new(),
            conflicts: Vec::new(),
        }
    }

    pub fn annotation(&self, doc: DocId, id: AnnId) -> Option<&Annotation> {
        self.documents.get(&doc)?.annotations.get(&id)
    }

    /// Finds which document holds an annotation (a scan; fine for UI actions, not per frame).
    pub fn find_annotation(&self, id: AnnId) -> Option<(DocId, &Annotation)> {
        self.documents
            .values()
            .find_map(|d| d.annotations.get(&id).map(|a| (d.id(), a)))
    }

    /// Every mention linked to `entry`, as (document, annotation) pairs, by document.
    pub fn mentions_of(&self, entry: EntryId) -> Vec<(DocId, AnnId)> {
        let mut out = Vec::new();
        for doc in self.documents.values() {
            for ann in doc.annotations.values() {
                if ann.as_mention().is_some_and(|m| m.entry == Some(entry)) {
                    out.push((doc.id(), ann.id));
                }
            }
        }
        out
    }

    /// Mention counts for every registry entry that has mentions.
    pub fn mention_counts(&self) -> BTreeMap<EntryId, usize> {
        let mut out = BTreeMap::new();
        for doc in self.documents.values() {
            for ann in doc.annotations.values() {
                if let Some(e) = ann.as_mention().and_then(|m| m.entry) {
                    *out.entry(e).or_insert(0) += 1;
                }
            }
        }
        out
    }

    /// Events in any document with `target` among their role fillers, or with a filler
    /// that is a mention of the entry `target` names.
    pub fn events_involving(&self, entry: EntryId) -> Vec<(DocId, AnnId)> {
        let mut out = Vec::new();
        for doc in self.documents.values() {
            for ann in doc.annotations.values() {
                let Some(ev) = ann.as_event() else { continue };
                let hit = ev.roles.values().flatten().any(|t| match t {
                    Target::Entry(e) => *e == entry,
                    Target::Annotation(a) => doc
                        .annotations
                        .get(a)
                        .and_then(Annotation::as_mention)
                        .is_some_and(|m| m.entry == Some(entry)),
                });
                if hit {
                    out.push((doc.id(), ann.id));
                }
            }
        }
        out
    }

    /// The type id of what a target points at, within document `doc`.
    pub fn target_type(&self, doc: DocId, target: &Target) -> Option<&Slug> {
        match target {
            Target::Annotation(id) => self.annotation(doc, *id).map(Annotation::type_id),
            Target::Entry(id) => self.registry.get(id).map(|e| &e.type_id),
        }
    }

    /// A short human label for a target: the mention's text, the event's type, the entry's name.
    pub fn target_label(&self, doc: DocId, target: &Target) -> String {
        match target {
            Target::Entry(id) => self.registry.get(id).map_or_else(
                || format!("missing entry {}", id.short()),
                |e| e.name.clone(),
            ),
            Target::Annotation(id) => match self.annotation(doc, *id) {
                Some(a) => match &a.body {
                    Body::Mention(m) => m.anchor.quote.exact.clone(),
                    Body::Event(e) => match &e.trigger {
                        Some(t) => format!("{}: {}", self.schema.label(&e.type_id), t.quote.exact),
                        None => self.schema.label(&e.type_id).to_owned(),
                    },
                    Body::Relation(r) => self.schema.label(&r.type_id).to_owned(),
                },
                None => format!("missing annotation {}", id.short()),
            },
        }
    }

    pub fn counts(&self) -> Counts {
        let mut c = Counts {
            documents: self.documents.len(),
            ..Counts::default()
        };
        for e in self.registry.values() {
            *c.registry.entry(e.type_id.0.clone()).or_insert(0) += 1;
        }
        for doc in self.documents.values() {
            for a in doc.annotations.values() {
                let map = match a.body {
                    Body::Mention(_) => &mut c.mentions,
                    Body::Event(_) => &mut c.events,
                    Body::Relation(_) => &mut c.relations,
                };
                *map.entry(a.type_id().0.clone()).or_insert(0) += 1;
            }
        }
        c
    }

    /// The number of annotations in all documents.
    pub fn annotation_count(&self) -> usize {
        self.documents.values().map(|d| d.annotations.len()).sum()
    }
}
