//! Saving: deterministic bytes, conflict detection, atomic replace with one backup.

use super::format::{
    DOC_HEADER, DocRef, DocumentFileOut, FORMAT_VERSION, PROJECT_HEADER, ProjectFileOut,
    doc_file_for, escape_for_file, pretty,
};
use super::load::hash_file;
use super::{DiskState, DocDisk, StoreError, hash_bytes};
use crate::model::merge::Conflict;
use crate::model::{DocId, Document, Project};
use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};

/// What a save wrote.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SaveReport {
    /// Files written, relative to the project folder; unchanged files are skipped.
    pub written: Vec<String>,
}

/// The bytes of the project file for `project` with the given document list.
pub fn project_bytes(project: &Project, docs: &[DocRef]) -> Result<Vec<u8>, ron::Error> {
    let out = ProjectFileOut {
        format_version: FORMAT_VERSION,
        info: &project.info,
        schema: &project.schema,
        registry: project.registry.values().collect(),
        documents: docs.iter().collect(),
        // Conflicts about a document go to its annotation file; those about a document not
        // in the list (deleted since) stay here, so none is ever dropped.
        conflicts: project
            .conflicts
            .iter()
            .filter(|c| {
                c.record
                    .document()
                    .is_none_or(|d| !docs.iter().any(|r| r.id == d))
            })
            .collect(),
    };
    let mut s = String::from(PROJECT_HEADER);
    s.push_str(&escape_for_file(&ron::ser::to_string_pretty(
        &out,
        pretty(),
    )?));
    s.push('\n');
    Ok(s.into_bytes())
}

/// The bytes of one document's annotation file, for a document without merge conflicts.
pub fn document_bytes(doc: &Document) -> Result<Vec<u8>, ron::Error> {
    document_bytes_with(doc, &[])
}

/// The bytes of one document's annotation file, holding those of `conflicts` that are about
/// this document (the others are skipped, so a project's whole list can be passed).
pub fn document_bytes_with(doc: &Document, conflicts: &[Conflict]) -> Result<Vec<u8>, ron::Error> {
    let out = DocumentFileOut {
        format_version: FORMAT_VERSION,
        document: &doc.meta,
        annotations: doc.annotations.values().collect(),
        conflicts: conflicts
            .iter()
            .filter(|c| c.record.document() == Some(doc.id()))
            .collect(),
    };
    let mut s = String::from(DOC_HEADER);
    s.push_str(&escape_for_file(&ron::ser::to_string_pretty(
        &out,
        pretty(),
    )?));
    s.push('\n');
    Ok(s.into_bytes())
}

/// Writes `bytes` to `path` atomically: a temporary file in the same folder, fsync,
/// the old file kept as `<name>.bak`, then rename over. A failure at any step leaves the
/// old file as it was.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| StoreError::io("create folder", dir, e))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp).map_err(|e| StoreError::io("create", &tmp, e))?;
        f.write_all(bytes)
            .map_err(|e| StoreError::io("write", &tmp, e))?;
        f.sync_all().map_err(|e| StoreError::io("sync", &tmp, e))?;
        drop(f);
        if path.exists() {
            let bak = dir.join(format!("{name}.bak"));
            let _ = std::fs::remove_file(&bak);
            if std::fs::hard_link(path, &bak).is_err() {
                std::fs::copy(path, &bak).map_err(|e| StoreError::io("back up", &bak, e))?;
            }
        }
        std::fs::rename(&tmp, path).map_err(|e| StoreError::io("replace", path, e))?;
        // Make the rename itself durable; not every platform can open a folder.
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// One file a save will write.
struct PlannedWrite {
    native: PathBuf,
    /// The path as shown to the user.
    shown: String,
    /// Its hash as last read or written; `None`: new.
    expected: Option<super::Hash>,
    bytes: Vec<u8>,
    /// The document it belongs to; `None`: the project file.
    doc: Option<DocId>,
}

/// Saves the project file (when `project_changed`) and the documents in `docs` (plus any
/// document not yet on disk). Refuses before writing anything when a file to be written
/// changed on disk since it was loaded or last saved. Files whose bytes are unchanged are
/// not rewritten.
pub fn save(
    project: &Project,
    disk: &mut DiskState,
    project_changed: bool,
    docs: &BTreeSet<DocId>,
) -> Result<SaveReport, StoreError> {
    if let Some(reason) = &disk.read_only {
        return Err(StoreError::ReadOnly {
            path: disk.project_file.clone(),
            reason: reason.clone(),
        });
    }
    // Assign files to new documents; forget removed ones (their files stay on disk).
    let mut refs: Vec<DocRef> = Vec::with_capacity(project.documents.len());
    let mut doc_disk = std::collections::BTreeMap::new();
    let mut list_changed = false;
    for (id, doc) in &project.documents {
        let d = match disk.docs.get(id) {
            Some(d) => d.clone(),
            None => {
                list_changed = true;
                DocDisk {
                    file: doc_file_for(&doc.meta),
                    hash: None,
                }
            }
        };
        refs.push(DocRef {
            id: *id,
            file: d.file.clone(),
        });
        doc_disk.insert(*id, d);
    }
    list_changed |= disk
        .docs
        .keys()
        .any(|id| !project.documents.contains_key(id));

    // Serialize everything first, then check for conflicts, then write.
    let mut plan: Vec<PlannedWrite> = Vec::new();
    let ser_err = |path: &Path, e: ron::Error| StoreError::Serialize {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    let to_write: Vec<(&DocId, &DocDisk)> = doc_disk
        .iter()
        .filter(|(id, d)| d.hash.is_none() || docs.contains(id))
        .collect();
    let serialized = par_map(&to_write, cpu_workers(), |&(id, d)| {
        let native = d.file.to_native(&disk.dir);
        let bytes = document_bytes_with(&project.documents[id], &project.conflicts)
            .map_err(|e| ser_err(&native, e))?;
        Ok(PlannedWrite {
            native,
            shown: d.file.to_string(),
            expected: d.hash,
            bytes,
            doc: Some(*id),
        })
    });
    for w in serialized {
        plan.push(w?);
    }
    if project_changed || list_changed || disk.project_hash.is_none() {
        let bytes = project_bytes(project, &refs).map_err(|e| ser_err(&disk.project_file, e))?;
        let shown = disk
            .project_file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        plan.push(PlannedWrite {
            native: disk.project_file.clone(),
            shown,
            expected: disk.project_hash,
            bytes,
            doc: None,
        });
    }
    // Check every file before writing any. Unchanged bytes need no write and so cannot
    // conflict; a file that already holds exactly the new bytes (a save that failed halfway
    // wrote it) is no conflict either.
    let mut writes = Vec::new();
    let mut project_hash = disk.project_hash;
    for w in plan {
        let new_hash = hash_bytes(&w.bytes);
        match w.doc {
            Some(id) => {
                if let Some(d) = doc_disk.get_mut(&id) {
                    d.hash = Some(new_hash);
                }
            }
            None => project_hash = Some(new_hash),
        }
        if w.expected == Some(new_hash) {
            continue;
        }
        let on_disk = hash_file(&w.native)?;
        if on_disk == Some(new_hash) {
            continue;
        }
        if on_disk.is_some() && on_disk != w.expected {
            return Err(StoreError::Conflict { path: w.native });
        }
        writes.push(w);
    }
    // Writes wait on the disk (fsync) more than on the processor, so use more threads.
    let results = par_map(&writes, 16, |w| write_atomic(&w.native, &w.bytes));
    let mut report = SaveReport::default();
    for (w, r) in writes.into_iter().zip(results) {
        r?;
        report.written.push(w.shown);
    }
    disk.project_hash = project_hash;
    disk.docs = doc_disk;
    Ok(report)
}

/// The number of threads for work that keeps the processor busy.
pub(crate) fn cpu_workers() -> usize {
    std::thread::available_parallelism()
        .map_or(1, std::num::NonZeroUsize::get)
        .clamp(1, 8)
}

/// `f` applied to every item on up to `threads` scoped threads, results in item order.
pub(crate) fn par_map<T: Sync, R: Send>(
    items: &[T],
    threads: usize,
    f: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    if items.len() <= 1 || threads <= 1 {
        return items.iter().map(&f).collect();
    }
    let chunk = items.len().div_ceil(threads);
    let f = &f;
    std::thread::scope(|s| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|part| s.spawn(move || part.iter().map(f).collect::<Vec<R>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| match h.join() {
                Ok(v) => v,
                Err(panic) => std::panic::resume_unwind(panic),
            })
            .collect()
    })
}
