//! Saving: deterministic bytes, conflict detection, atomic replace with one backup.

use super::format::{
    DOC_HEADER, DocRef, DocumentFileOut, FORMAT_VERSION, PROJECT_HEADER, ProjectFileOut,
    doc_file_for, escape_for_file, pretty,
};
use super::fs::{Fs, RealFs};
use super::journal;
use super::write_lock::WriteLock;
use super::{DiskState, DocDisk, StoreError, hash_bytes};
use crate::model::merge::Conflict;
use crate::model::{DocId, Document, Project};
use rayon::prelude::*;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// What a save wrote.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SaveReport {
    /// Files written, relative to the project folder; unchanged files are skipped.
    pub written: Vec<String>,
    /// Records another writer had saved, merged in by the save before it wrote
    /// ([`crate::session::Session::save`]; 0 for the store's own saves).
    pub merged: usize,
    /// Files whose replaced version was not the one this save expected: another writer,
    /// not honouring the save lock, wrote between the check and the rename. Their version
    /// is kept here; the session merges it back.
    pub overwritten: Vec<Overwritten>,
}

/// A file a save replaced although it held something else than the save expected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Overwritten {
    pub path: PathBuf,
    /// What the file held just before the save's rename.
    pub replaced: Vec<u8>,
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
    /// True when this is the document's source file (its transcription), not its
    /// annotation file.
    source: bool,
    /// Whether a file was there when the save looked, before writing (only then is a
    /// `.bak` of what it replaced made).
    existed: bool,
    /// What the file held when the save looked (`None`: nothing), recorded in the journal
    /// so that finishing an interrupted save never overwrites a later version.
    seen: Option<super::Hash>,
}

/// Saves the project file (when `project_changed`) and the documents in `docs` (plus any
/// document not yet on disk), as one step: after a crash the project loads entirely as it
/// was or entirely as saved. Refuses before writing anything when a file to be written
/// changed on disk since it was loaded or last saved. Files whose bytes are unchanged are
/// not rewritten.
pub fn save(
    project: &Project,
    disk: &mut DiskState,
    project_changed: bool,
    docs: &BTreeSet<DocId>,
) -> Result<SaveReport, StoreError> {
    save_with(&RealFs, project, disk, project_changed, docs)
}

/// [`save`] through the file-system seam `fs`. On error, `disk` still says exactly what
/// each file may hold: a file the failed save replaced is recorded with its new hash, and
/// one it may or may not have replaced gets its new hash in [`DiskState::attempted`].
pub fn save_with(
    fs: &dyn Fs,
    project: &Project,
    disk: &mut DiskState,
    project_changed: bool,
    docs: &BTreeSet<DocId>,
) -> Result<SaveReport, StoreError> {
    save_sources_with(fs, project, disk, project_changed, docs, &BTreeSet::new())
}

/// [`save_with`] that also writes the source files (transcriptions) of the documents in
/// `sources`, in the same atomic step, with their original line endings and BOM. Sources
/// are written only for documents whose text was explicitly edited; a source that changed
/// on disk since it was read or last written is a conflict, as for any other file.
///
/// Holds the project's inter-process [`WriteLock`] from the first look at the disk to the
/// last rename.
pub fn save_sources_with(
    fs: &dyn Fs,
    project: &Project,
    disk: &mut DiskState,
    project_changed: bool,
    docs: &BTreeSet<DocId>,
    sources: &BTreeSet<DocId>,
) -> Result<SaveReport, StoreError> {
    if let Some(reason) = &disk.read_only {
        return Err(StoreError::ReadOnly {
            path: disk.project_file.clone(),
            reason: reason.clone(),
        });
    }
    let lock = WriteLock::acquire(&disk.project_file)?;
    save_locked(fs, project, disk, project_changed, docs, sources, &lock)
}

/// [`save_sources_with`] for a caller that holds the project's [`WriteLock`] (a session
/// that merges what another writer saved before it writes).
pub fn save_locked(
    fs: &dyn Fs,
    project: &Project,
    disk: &mut DiskState,
    project_changed: bool,
    docs: &BTreeSet<DocId>,
    sources: &BTreeSet<DocId>,
    _lock: &WriteLock,
) -> Result<SaveReport, StoreError> {
    if let Some(reason) = &disk.read_only {
        return Err(StoreError::ReadOnly {
            path: disk.project_file.clone(),
            reason: reason.clone(),
        });
    }
    // A save interrupted earlier (this session's or another's) is finished or undone first.
    journal::recover(fs, &disk.project_file)?;
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
    let to_write: Vec<(&DocId, &DocDisk, &Document)> = doc_disk
        .iter()
        .filter(|(id, d)| d.hash.is_none() || docs.contains(id))
        .filter_map(|(id, d)| project.documents.get(id).map(|doc| (id, d, doc)))
        .collect();
    let serialized: Vec<Result<PlannedWrite, StoreError>> = to_write
        .par_iter()
        .map(|&(id, d, doc)| {
            let native = d.file.to_native(&disk.dir);
            let bytes =
                document_bytes_with(doc, &project.conflicts).map_err(|e| ser_err(&native, e))?;
            Ok(PlannedWrite {
                native,
                shown: d.file.to_string(),
                expected: d.hash,
                bytes,
                doc: Some(*id),
                source: false,
                existed: false,
                seen: None,
            })
        })
        .collect();
    for w in serialized {
        plan.push(w?);
    }
    for id in sources {
        let Some(doc) = project.documents.get(id) else {
            continue;
        };
        let (Some(src), Some(text)) = (&doc.meta.source, &doc.text) else {
            continue;
        };
        plan.push(PlannedWrite {
            native: src.path.to_native(&disk.dir),
            shown: src.path.to_string(),
            expected: disk.sources.get(id).copied(),
            bytes: crate::model::ops::text::source_bytes(text),
            doc: Some(*id),
            source: true,
            existed: false,
            seen: None,
        });
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
            source: false,
            existed: false,
            seen: None,
        });
    }
    // Check every file before writing any. Unchanged bytes need no write and so cannot
    // conflict; a file that already holds exactly the new bytes, or bytes an earlier
    // failed save of this session may have left there, is no conflict either.
    let mut writes = Vec::new();
    let mut project_hash = disk.project_hash;
    let mut source_hashes = disk.sources.clone();
    for w in plan {
        let new_hash = hash_bytes(&w.bytes);
        match w.doc {
            Some(id) if w.source => {
                // No record (a project not loaded from disk): the `.bak` keeps the old file.
                let known = source_hashes.insert(id, new_hash);
                if w.expected == Some(new_hash) {
                    continue;
                }
                let on_disk = hash_file(fs, &w.native)?;
                if on_disk == Some(new_hash) {
                    continue;
                }
                if known.is_some() && on_disk.is_some() && on_disk != w.expected {
                    return Err(StoreError::Conflict { path: w.native });
                }
                let mut w = w;
                w.seen = on_disk;
                writes.push(w);
                continue;
            }
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
        let on_disk = hash_file(fs, &w.native)?;
        if on_disk == Some(new_hash) {
            continue;
        }
        if let Some(h) = on_disk
            && Some(h) != w.expected
            && !disk
                .attempted
                .get(&w.native)
                .is_some_and(|a| a.contains(&h))
        {
            return Err(StoreError::Conflict { path: w.native });
        }
        let mut w = w;
        w.existed = on_disk.is_some();
        w.seen = on_disk;
        writes.push(w);
    }
    let files: Vec<journal::Replace<'_>> = writes
        .iter()
        .map(|w| journal::Replace {
            target: &w.native,
            bytes: &w.bytes,
            replaces: Some(w.seen),
        })
        .collect();
    if let Err(err) = journal::replace_all(fs, &disk.project_file, &files) {
        note_failed_writes(fs, disk, &writes);
        return Err(err);
    }
    let mut report = SaveReport::default();
    let overwritten = if super::write_lock::broken_for_trial() {
        Ok(Vec::new())
    } else {
        replaced_unexpectedly(fs, disk, &writes)
    };
    for w in writes {
        report.written.push(w.shown);
    }
    // The files hold the new versions, whatever the check below says.
    disk.project_hash = project_hash;
    disk.docs = doc_disk;
    disk.sources = source_hashes;
    disk.attempted.clear();
    // A failure to read what was replaced fails the save (it is not known whether another
    // writer's version was among it); the next save finds the files as it left them.
    report.overwritten = overwritten?;
    Ok(report)
}

/// After the renames: each replaced file whose previous version (kept as `.bak`) is not the
/// one the save expected, with that version. Only where the save lock is not honoured can
/// another writer have put it there. A backup that is not there (a file system where it
/// could not be made) is taken as expected.
fn replaced_unexpectedly(
    fs: &dyn Fs,
    disk: &DiskState,
    writes: &[PlannedWrite],
) -> Result<Vec<Overwritten>, StoreError> {
    let mut out = Vec::new();
    for w in writes {
        let Some(expected) = w.expected else { continue };
        if w.source || !w.existed {
            continue;
        }
        let bak = super::fs::backup_path(&w.native);
        let replaced = match fs.read(&bak) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(StoreError::io("check what the save replaced", &bak, e)),
        };
        let h = hash_bytes(&replaced);
        if h != expected
            && !disk
                .attempted
                .get(&w.native)
                .is_some_and(|a| a.contains(&h))
        {
            out.push(Overwritten {
                path: w.native.clone(),
                replaced,
            });
        }
    }
    Ok(out)
}

/// After a failed save, records what each file it meant to write holds now: the new
/// version where it is certainly there, and otherwise the new version as possible.
fn note_failed_writes(fs: &dyn Fs, disk: &mut DiskState, writes: &[PlannedWrite]) {
    for w in writes {
        let new_hash = hash_bytes(&w.bytes);
        let known = match w.doc {
            _ if w.source => None,
            None => Some(&mut disk.project_hash),
            Some(id) => disk.docs.get_mut(&id).map(|d| &mut d.hash),
        };
        match (hash_file(fs, &w.native), known) {
            (Ok(Some(h)), Some(expected)) if h == new_hash => *expected = Some(h),
            _ => {
                let seen = disk.attempted.entry(w.native.clone()).or_default();
                if !seen.contains(&new_hash) {
                    seen.push(new_hash);
                }
            }
        }
    }
}

/// The BLAKE3 hash of a file, or `None` when it does not exist.
fn hash_file(fs: &dyn Fs, path: &Path) -> Result<Option<super::Hash>, StoreError> {
    match fs.read(path) {
        Ok(b) => Ok(Some(hash_bytes(&b))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(StoreError::io("read", path, e)),
    }
}

/// Runs `f` on a pool of threads for work that waits on the disk (fsync) more than on the
/// processor, so it uses more threads than there are cores.
pub(crate) fn on_io_threads<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    static POOL: OnceLock<Option<rayon::ThreadPool>> = OnceLock::new();
    let pool = POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(16)
            .thread_name(|i| format!("marginalia-io-{i}"))
            .build()
            .ok()
    });
    match pool {
        Some(p) => p.install(f),
        None => f(),
    }
}
