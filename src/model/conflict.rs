//! A merge conflict as data: which record, why, and every version of it. Saved in the
//! project and annotation files (`Project::conflicts`) and undone by `Edit::Conflicts`, so
//! it lives below both the history ([`super::edit`]) and the merge ([`super::merge`]),
//! which build on it without importing each other.

use super::annotation::Annotation;
use super::document::{DocumentMeta, RelPath};
use super::ids::{AnnId, DocId, EntryId, Slug};
use super::project::ProjectInfo;
use super::registry::Entry;
use super::schema::{AttributeDef, EntityType, EventType, RelationType};
use serde::{Deserialize, Serialize};

/// Which record a conflict is about.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum RecordKey {
    Info,
    EntityType(Slug),
    EventType(Slug),
    RelationType(Slug),
    Attribute(Slug),
    Entry(EntryId),
    /// A document's metadata (and, for a deletion, the document as a whole).
    Document(DocId),
    /// A document's entry in the project file's document list (file-level merge only).
    DocumentFile(DocId),
    Annotation(DocId, AnnId),
}

impl RecordKey {
    /// The document whose annotation file holds a conflict about this record; `None`: the
    /// project file holds it.
    pub fn document(&self) -> Option<DocId> {
        match self {
            Self::Document(d) | Self::Annotation(d, _) => Some(*d),
            _ => None,
        }
    }

    /// A short human description: "annotation 0190ab12", "entity type person".
    pub fn describe(&self) -> String {
        match self {
            Self::Info => "project info".into(),
            Self::EntityType(s) => format!("entity type {s}"),
            Self::EventType(s) => format!("event type {s}"),
            Self::RelationType(s) => format!("relation type {s}"),
            Self::Attribute(s) => format!("attribute {s}"),
            Self::Entry(e) => format!("registry entry …{}", e.tail()),
            Self::Document(d) => format!("document …{}", d.tail()),
            Self::DocumentFile(d) => format!("document list entry …{}", d.tail()),
            Self::Annotation(_, a) => format!("annotation …{}", a.tail()),
        }
    }
}

/// One version of a record, as kept in a conflict.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Record {
    Info(ProjectInfo),
    EntityType(EntityType),
    EventType(EventType),
    RelationType(RelationType),
    Attribute(AttributeDef),
    Entry(Entry),
    Document(DocumentMeta),
    DocumentFile(RelPath),
    Annotation(Annotation),
}

/// Why two sides could not be merged automatically.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum ConflictKind {
    /// Changed on both sides, differently (or added on both with different content).
    BothChanged,
    /// Deleted on our side, changed on theirs.
    DeletedByOurs,
    /// Deleted on their side, changed on ours.
    DeletedByTheirs,
    /// Deleted on one side while the other side added or changed records that refer to it.
    DeletedButReferenced,
}

impl ConflictKind {
    pub fn label(self) -> &'static str {
        match self {
            Self::BothChanged => "changed on both sides",
            Self::DeletedByOurs => "deleted on our side, changed on theirs",
            Self::DeletedByTheirs => "deleted on their side, changed on ours",
            Self::DeletedButReferenced => "deleted on one side, still referred to on the other",
        }
    }
}

/// Which version of a conflicting record the merged project holds until it is resolved.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Side {
    Base,
    Ours,
    Theirs,
}

/// A record the merge could not decide, with every version of it. `None` means the record
/// does not exist on that side (deleted, or never added).
///
/// Invariant: the merged project holds the `kept` version, so it stays valid; the other
/// version is only here until someone resolves the conflict.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Conflict {
    pub record: RecordKey,
    pub kind: ConflictKind,
    pub kept: Side,
    /// What our side is called ("ours", a branch name).
    pub ours_label: String,
    pub theirs_label: String,
    pub base: Option<Record>,
    pub ours: Option<Record>,
    pub theirs: Option<Record>,
    /// For [`ConflictKind::DeletedButReferenced`]: the records that refer to this one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub referenced_by: Vec<RecordKey>,
}

impl Conflict {
    /// One line for lists: "annotation 0190ab12: changed on both sides (kept ours)".
    pub fn summary(&self) -> String {
        let kept = match self.kept {
            Side::Base => "restored the base version",
            Side::Ours => "kept ours",
            Side::Theirs => "kept theirs",
        };
        let mut s = format!("{}: {} ({kept})", self.record.describe(), self.kind.label());
        if !self.referenced_by.is_empty() {
            let refs: Vec<String> = self.referenced_by.iter().map(RecordKey::describe).collect();
            s.push_str(&format!("; referred to by {}", refs.join(", ")));
        }
        s
    }
}

impl Record {
    /// Who made this version: the annotator on an annotation or registry entry (who changed
    /// it last, else who made it); `None` for records without stamps.
    pub fn author(&self) -> Option<String> {
        let by = match self {
            Self::Annotation(a) => a
                .modified
                .as_ref()
                .map(|s| s.by.clone())
                .unwrap_or_else(|| a.annotator().to_owned()),
            Self::Entry(e) => e
                .modified
                .as_ref()
                .or(e.created.as_ref())
                .map(|s| s.by.clone())?,
            _ => return None,
        };
        (!by.trim().is_empty()).then_some(by)
    }
}
