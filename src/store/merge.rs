//! File-level three-way merge, for the git merge driver: three versions of one project file
//! or one annotation file in, the merged file's bytes (as a save writes them) out.
//!
//! Each file is parsed on its own, with the loader's strict parser, so no project folder is
//! needed. References inside the file (role fillers and relation arguments within one
//! document; registry entries' types) are kept valid by `model::merge`; references from an
//! annotation file into the project file (registry links, types) cannot be seen from one
//! file and are checked by `marginalia check` after the merge.

use super::StoreError;
use super::format::{DOC_SUFFIX, DocRef, DocumentFile, PROJECT_SUFFIX, ProjectFile};
use super::load::parse_versioned;
use super::save::{document_bytes_with, project_bytes};
use crate::model::merge::{
    Conflict, Labels, RecordKey, Side, merge_document_list, merge_projects, outside_references,
    record_keys, restore_referenced_elsewhere,
};
use crate::model::{DocId, Document, Project, RelPath, Schema};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Which kind of Marginalia file is being merged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    /// `*.marginalia.ron`: info, schema, registry, document list.
    Project,
    /// `*.ann.ron`: one document's metadata and annotations.
    Document,
}

impl FileKind {
    /// The kind a file name implies, if it is a Marginalia file.
    pub fn of_path(path: &Path) -> Option<Self> {
        let name = path.file_name()?.to_str()?;
        if name.ends_with(PROJECT_SUFFIX) {
            Some(Self::Project)
        } else if name.ends_with(DOC_SUFFIX) {
            Some(Self::Document)
        } else {
            None
        }
    }

    /// The kind the content of a file shows (the header comment a save writes, or the
    /// top-level fields), for temporary files with uninformative names.
    pub fn sniff(bytes: &[u8]) -> Option<Self> {
        let text = std::str::from_utf8(bytes).ok()?;
        if text.starts_with(super::format::PROJECT_HEADER) || text.contains("\n    schema:") {
            Some(Self::Project)
        } else if text.starts_with(super::format::DOC_HEADER) || text.contains("\n    document:") {
            Some(Self::Document)
        } else {
            None
        }
    }
}

/// One version of the file: its bytes and the name to report errors with.
#[derive(Clone, Copy, Debug)]
pub struct Version<'a> {
    pub path: &'a Path,
    pub bytes: &'a [u8],
}

/// The result of merging one file.
#[derive(Clone, Debug)]
pub struct FileMerge {
    /// The merged file, byte for byte as a save would write it.
    pub bytes: Vec<u8>,
    /// Conflicts this merge found (also recorded in `bytes`).
    pub new_conflicts: Vec<Conflict>,
}

/// Parses a project file's bytes strictly, as the loader does. A file of a newer format is
/// refused: merging it would drop what this version does not know.
pub fn parse_project_file(path: &Path, bytes: &[u8]) -> Result<ProjectFile, StoreError> {
    let (pf, newer) = parse_versioned(path, bytes, |p: &ProjectFile| p.format_version)?;
    refuse_newer(path, newer)?;
    Ok(pf)
}

/// Parses an annotation file's bytes strictly, as the loader does; a newer format is refused.
pub fn parse_document_file(path: &Path, bytes: &[u8]) -> Result<DocumentFile, StoreError> {
    let (df, newer) = parse_versioned(path, bytes, |d: &DocumentFile| d.format_version)?;
    refuse_newer(path, newer)?;
    Ok(df)
}

fn refuse_newer(path: &Path, newer: Option<String>) -> Result<(), StoreError> {
    match newer {
        None => Ok(()),
        Some(why) => Err(StoreError::Invalid {
            path: path.to_path_buf(),
            message: format!("cannot merge a file {why}"),
        }),
    }
}

fn invalid(path: &Path, message: String) -> StoreError {
    StoreError::Invalid {
        path: path.to_path_buf(),
        message,
    }
}

/// Whether a version is absent: git passes an empty file as the base when both sides added
/// the file.
fn is_absent(v: &Version<'_>) -> bool {
    v.bytes.iter().all(u8::is_ascii_whitespace)
}

/// A project file as a project without documents, plus its document list.
fn project_of(v: &Version<'_>) -> Result<(Project, BTreeMap<DocId, RelPath>), StoreError> {
    if is_absent(v) {
        let empty = Project {
            schema: Schema::default(),
            ..Project::default()
        };
        return Ok((empty, BTreeMap::new()));
    }
    let pf = parse_project_file(v.path, v.bytes)?;
    let mut registry = BTreeMap::new();
    for e in pf.registry {
        let id = e.id;
        if registry.insert(id, e).is_some() {
            return Err(invalid(
                v.path,
                format!("registry entry id {id} appears twice"),
            ));
        }
    }
    let mut docs = BTreeMap::new();
    for r in pf.documents {
        if docs.insert(r.id, r.file).is_some() {
            return Err(invalid(
                v.path,
                format!("document {} is listed twice", r.id),
            ));
        }
    }
    let project = Project {
        info: pf.info,
        schema: pf.schema,
        registry,
        documents: BTreeMap::new(),
        conflicts: pf.conflicts,
    };
    Ok((project, docs))
}

/// An annotation file as a project holding only that document (no schema, no registry).
fn document_of(v: &Version<'_>) -> Result<Project, StoreError> {
    let mut p = Project {
        schema: Schema::default(),
        ..Project::default()
    };
    if is_absent(v) {
        return Ok(p);
    }
    let df = parse_document_file(v.path, v.bytes)?;
    let mut annotations = BTreeMap::new();
    for a in df.annotations {
        let id = a.id;
        if annotations.insert(id, a).is_some() {
            return Err(invalid(v.path, format!("annotation id {id} appears twice")));
        }
    }
    let id = df.document.id;
    p.documents.insert(
        id,
        Document {
            meta: df.document,
            text: None,
            annotations,
        },
    );
    p.conflicts = df.conflicts;
    Ok(p)
}

/// What a project-file merge asks about the annotation files it cannot see: which
/// annotations refer to project-wide records (registry entries, types, attributes) that the
/// merge would delete. Git's driver answers from the two commits being merged.
pub trait OutsideReferences {
    /// `deleted`: records the merge deletes though `side` still has them. `files`: that
    /// side's annotation files; `base_files`: the base's. Returns each deleted record that an
    /// annotation of `side`, added or changed since the base, refers to, with those
    /// annotations.
    fn referring(
        &mut self,
        side: Side,
        deleted: &BTreeSet<RecordKey>,
        files: &BTreeMap<DocId, RelPath>,
        base_files: &BTreeMap<DocId, RelPath>,
    ) -> BTreeMap<RecordKey, Vec<RecordKey>>;
}

/// The references from `side` (one version of an annotation file) to records in `deleted`,
/// made by annotations that differ from the `base` version of the file, as
/// (referenced record, referring annotation). Without a base every annotation counts.
pub fn changed_references(
    side: &DocumentFile,
    base: Option<&DocumentFile>,
    deleted: &BTreeSet<RecordKey>,
) -> Vec<(RecordKey, RecordKey)> {
    let before: BTreeMap<_, _> = base
        .map(|b| b.annotations.iter().map(|a| (a.id, a)).collect())
        .unwrap_or_default();
    let doc = side.document.id;
    let mut out = Vec::new();
    for a in &side.annotations {
        if before.get(&a.id) == Some(&a) {
            continue;
        }
        for k in outside_references(a) {
            if deleted.contains(&k) {
                out.push((k, RecordKey::Annotation(doc, a.id)));
            }
        }
    }
    out
}

/// Merges three versions of one file of `kind`.
pub fn merge_file(
    kind: FileKind,
    base: Version<'_>,
    ours: Version<'_>,
    theirs: Version<'_>,
    labels: &Labels,
) -> Result<FileMerge, StoreError> {
    merge_file_with(kind, base, ours, theirs, labels, None)
}

/// [`merge_file`], asking `outside` which annotation files refer to project-wide records the
/// merge of a project file would delete; those are restored with a conflict instead.
pub fn merge_file_with(
    kind: FileKind,
    base: Version<'_>,
    ours: Version<'_>,
    theirs: Version<'_>,
    labels: &Labels,
    outside: Option<&mut dyn OutsideReferences>,
) -> Result<FileMerge, StoreError> {
    let ser = |e: ron::Error| StoreError::Serialize {
        path: ours.path.to_path_buf(),
        message: e.to_string(),
    };
    match kind {
        FileKind::Project => {
            let (b, bd) = project_of(&base)?;
            let (o, od) = project_of(&ours)?;
            let (t, td) = project_of(&theirs)?;
            let mut merged = merge_projects(&b, &o, &t, labels);
            let (docs, doc_conflicts) = merge_document_list(&bd, &od, &td, labels);
            merged.new_conflicts.extend(doc_conflicts.iter().cloned());
            merged.new_conflicts.sort_by(|a, b| a.record.cmp(&b.record));
            merged.project.conflicts.extend(doc_conflicts);
            merged
                .project
                .conflicts
                .sort_by(|a, b| a.record.cmp(&b.record));
            if let Some(outside) = outside {
                let kept = record_keys(&merged.project);
                for (side, p, files) in [(Side::Ours, &o, &od), (Side::Theirs, &t, &td)] {
                    let deleted: BTreeSet<RecordKey> = record_keys(p)
                        .into_iter()
                        .filter(|k| {
                            matches!(
                                k,
                                RecordKey::Entry(_)
                                    | RecordKey::EntityType(_)
                                    | RecordKey::EventType(_)
                                    | RecordKey::RelationType(_)
                                    | RecordKey::Attribute(_)
                            ) && !kept.contains(k)
                        })
                        .collect();
                    if deleted.is_empty() {
                        continue;
                    }
                    let found = outside.referring(side, &deleted, files, &bd);
                    restore_referenced_elsewhere(&mut merged, [&b, &o, &t], found, labels);
                }
            }
            let refs: Vec<DocRef> = docs
                .into_iter()
                .map(|(id, file)| DocRef { id, file })
                .collect();
            let bytes = project_bytes(&merged.project, &refs).map_err(ser)?;
            Ok(FileMerge {
                bytes,
                new_conflicts: merged.new_conflicts,
            })
        }
        FileKind::Document => {
            let b = document_of(&base)?;
            let o = document_of(&ours)?;
            let mut t = document_of(&theirs)?;
            let ids = |p: &Project| p.documents.keys().copied().collect::<Vec<_>>();
            // Added on both sides (both branches `add`ed the same source): one document.
            if b.documents.is_empty()
                && let Some(&id) = o.documents.keys().next()
            {
                crate::model::merge::rekey_added_document(&mut t, id);
            }
            if !o.documents.is_empty() && !t.documents.is_empty() && ids(&o) != ids(&t) {
                return Err(invalid(
                    theirs.path,
                    format!(
                        "describes document {} but the other side's file describes {}; not the same document",
                        ids(&t)[0],
                        ids(&o)[0]
                    ),
                ));
            }
            let merged = merge_projects(&b, &o, &t, labels);
            let mut docs = merged.project.documents.values();
            let (Some(doc), None) = (docs.next(), docs.next()) else {
                return Err(invalid(
                    ours.path,
                    "the merge does not leave exactly one document in the file".into(),
                ));
            };
            let bytes = document_bytes_with(doc, &merged.project.conflicts).map_err(ser)?;
            Ok(FileMerge {
                bytes,
                new_conflicts: merged.new_conflicts,
            })
        }
    }
}
