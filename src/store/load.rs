//! Loading a project: parse, check paths, read sources, report every problem.

use super::StoreError;
use super::format::{
    DocRef, DocumentFile, FORMAT_VERSION, OLDEST_FORMAT_VERSION, PROJECT_SUFFIX, ProjectFile,
    VersionProbe,
};
use super::fs::{RealFs, open_regular};
use super::journal::{self, Recovery};
use super::write_lock::WriteLock;
use super::{DiskState, DocDisk, hash_bytes};
use crate::model::validate::{Problem, validate};
use crate::model::{Document, Project, SourceText};
use serde::de::DeserializeOwned;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Size limits for untrusted files, checked before reading them.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Project and annotation files (RON).
    pub max_ron_bytes: u64,
    /// Source texts.
    pub max_source_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_ron_bytes: 256 << 20,
            max_source_bytes: 512 << 20,
        }
    }
}

/// A loaded project with what the store needs to save it back, and what it found.
#[derive(Debug)]
pub struct Loaded {
    pub project: Project,
    pub disk: DiskState,
    /// Missing or changed sources, anchors flagged for review, schema violations.
    pub problems: Vec<Problem>,
}

/// Finds the project file: `path` itself, or the one `*.marginalia.ron` in folder `path`.
pub fn resolve_project_file(path: &Path) -> Result<PathBuf, StoreError> {
    if !path.is_dir() {
        return Ok(path.to_path_buf());
    }
    let entries = std::fs::read_dir(path).map_err(|e| StoreError::io("read folder", path, e))?;
    let mut found: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.ends_with(PROJECT_SUFFIX))
        })
        .collect();
    match found.len() {
        0 => Err(StoreError::NoProjectFile {
            path: path.to_path_buf(),
        }),
        1 => Ok(found.remove(0)),
        _ => Err(StoreError::SeveralProjectFiles {
            path: path.to_path_buf(),
        }),
    }
}

/// Reads a regular file whole after checking its size. A FIFO, device or folder in its
/// place is an error naming it, never a read that waits forever.
pub(crate) fn read_limited(path: &Path, limit: u64) -> Result<Vec<u8>, StoreError> {
    use std::io::Read as _;
    let f = open_regular(path).map_err(|e| StoreError::io("read", path, e))?;
    let size = f
        .metadata()
        .map_err(|e| StoreError::io("read", path, e))?
        .len();
    if size > limit {
        return Err(StoreError::TooLarge {
            path: path.to_path_buf(),
            size,
            limit,
        });
    }
    // A file that grows while it is read stops at the limit.
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    f.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| StoreError::io("read", path, e))?;
    if bytes.len() as u64 > limit {
        return Err(StoreError::TooLarge {
            path: path.to_path_buf(),
            size: bytes.len() as u64,
            limit,
        });
    }
    Ok(bytes)
}

/// Annotation files (`*.ann.ron`) in the project folder that no document of the project
/// lists: a git merge that resolved "deleted on one branch, edited on the other" by keeping
/// the file but not its document leaves one, and its annotations would otherwise be hidden.
/// Hidden folders (`.git`) and links are not followed.
fn orphan_annotation_files(
    dir: &Path,
    docs: &BTreeMap<crate::model::DocId, DocDisk>,
) -> Vec<Problem> {
    let listed: BTreeSet<PathBuf> = docs.values().map(|d| d.file.to_native(dir)).collect();
    let root = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    walkdir::WalkDir::new(root)
        .follow_links(false)
        .max_depth(8)
        .into_iter()
        .filter_entry(|e| {
            e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.')
        })
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter(|e| e.file_name().to_string_lossy().ends_with(super::DOC_SUFFIX))
        .filter(|e| {
            let p = if dir.as_os_str().is_empty() {
                e.path().strip_prefix(".").unwrap_or(e.path()).to_path_buf()
            } else {
                e.path().to_path_buf()
            };
            !listed.contains(&p)
        })
        .map(|e| {
            let shown = e.path().strip_prefix(root).unwrap_or(e.path());
            Problem::warning(format!(
                "annotation file {} is listed by no document of the project, so its annotations are hidden (a merge may have dropped its document from the list); restore the document from version control, or remove the file if it was deleted on purpose",
                shown.display()
            ))
        })
        .collect()
}

fn line_of_byte(bytes: &[u8], offset: usize) -> usize {
    bytes[..offset.min(bytes.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// Parses a versioned RON file strictly: unknown fields are an error for files of this
/// version, and the reason to open read-only for files of a newer one.
/// Returns the value and, for a newer version, the warning to show.
pub(crate) fn parse_versioned<T: DeserializeOwned>(
    path: &Path,
    bytes: &[u8],
    version_of: impl Fn(&T) -> u32,
) -> Result<(T, Option<String>), StoreError> {
    let text = std::str::from_utf8(bytes).map_err(|e| StoreError::InvalidUtf8 {
        path: path.to_path_buf(),
        offset: e.valid_up_to(),
        line: line_of_byte(bytes, e.valid_up_to()),
    })?;
    // A byte-order mark (some editors add one) is not part of the RON text.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let options = ron::Options::default();
    let mut ignored = Vec::new();
    let parsed: Result<T, ron::error::SpannedError> = (|| {
        let mut de = ron::Deserializer::from_str_with_options(text, &options)?;
        let value = serde_ignored::deserialize(&mut de, |p| ignored.push(p.to_string()))
            .map_err(|e| de.span_error(e))?;
        de.end().map_err(|e| de.span_error(e))?;
        Ok(value)
    })();
    let value = match parsed {
        Ok(v) => v,
        Err(err) => {
            // Tell a newer format from a broken file.
            if let Ok(probe) = options.from_str::<VersionProbe>(text)
                && (probe.format_version > FORMAT_VERSION
                    || probe.format_version < OLDEST_FORMAT_VERSION)
            {
                return Err(StoreError::UnsupportedVersion {
                    path: path.to_path_buf(),
                    found: probe.format_version,
                    oldest: OLDEST_FORMAT_VERSION,
                    newest: FORMAT_VERSION,
                });
            }
            return Err(StoreError::Parse {
                path: path.to_path_buf(),
                line: err.span.start.line,
                col: err.span.start.col,
                message: err.code.to_string(),
            });
        }
    };
    let version = version_of(&value);
    if version < OLDEST_FORMAT_VERSION {
        return Err(StoreError::UnsupportedVersion {
            path: path.to_path_buf(),
            found: version,
            oldest: OLDEST_FORMAT_VERSION,
            newest: FORMAT_VERSION,
        });
    }
    if version > FORMAT_VERSION {
        let mut warning = format!(
            "made by a newer Marginalia (format version {version}; this one writes {FORMAT_VERSION}); opened read-only"
        );
        if !ignored.is_empty() {
            warning.push_str(&format!("; fields not shown: {}", ignored.join(", ")));
        }
        return Ok((value, Some(warning)));
    }
    if !ignored.is_empty() {
        return Err(StoreError::UnknownFields {
            path: path.to_path_buf(),
            fields: ignored,
        });
    }
    Ok((value, None))
}

/// What one worker produced for one document.
struct DocLoad {
    doc: Document,
    disk: DocDisk,
    problems: Vec<Problem>,
    newer: Option<String>,
    /// Merge conflicts recorded in the document's file.
    conflicts: Vec<crate::model::merge::Conflict>,
    /// Hash of the source file as read; `None` when there is none.
    source_hash: Option<super::Hash>,
}

/// Loads a project from its file or folder with the default limits.
pub fn load(path: &Path) -> Result<Loaded, StoreError> {
    load_with(path, Limits::default())
}

/// Loads a project. Hard errors (a malformed or unsafe file) fail the load; missing or
/// changed sources and anchors that no longer match are returned as problems, and the
/// project opens so nothing is lost.
///
/// Holds the project's inter-process [`WriteLock`] while it reads (and while it finishes a
/// save another process left interrupted), so it never reads half of another writer's save.
pub fn load_with(path: &Path, limits: Limits) -> Result<Loaded, StoreError> {
    let file = resolve_project_file(path)?;
    let lock = WriteLock::for_reading(&file);
    load_locked(&file, limits, &lock)
}

/// [`load_with`] for a caller that already holds the project's [`WriteLock`] (a save that
/// merges what another writer saved).
pub fn load_locked(path: &Path, limits: Limits, _lock: &WriteLock) -> Result<Loaded, StoreError> {
    let file = resolve_project_file(path)?;
    let dir = file
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    // A save interrupted by a crash is finished or undone before anything is read.
    let recovered = journal::recover(&RealFs, &file)?;
    let bytes = read_limited(&file, limits.max_ron_bytes)?;
    let project_hash = hash_bytes(&bytes);
    let (pf, mut read_only): (ProjectFile, Option<String>) =
        parse_versioned(&file, &bytes, |p: &ProjectFile| p.format_version)?;
    let canonical_dir = dir
        .canonicalize()
        .map_err(|e| StoreError::io("resolve folder", &dir, e))?;

    let mut registry = BTreeMap::new();
    for entry in pf.registry {
        let id = entry.id;
        if registry.insert(id, entry).is_some() {
            return Err(StoreError::Invalid {
                path: file.clone(),
                message: format!("registry entry id {id} appears twice"),
            });
        }
    }
    let mut seen_docs = BTreeSet::new();
    let mut seen_files = BTreeSet::new();
    for r in &pf.documents {
        if !seen_docs.insert(r.id) || !seen_files.insert(r.file.clone()) {
            return Err(StoreError::Invalid {
                path: file.clone(),
                message: format!(
                    "document {} or its file \"{}\" is listed twice",
                    r.id, r.file
                ),
            });
        }
    }

    let loads = load_documents(&dir, &canonical_dir, &file, &pf.documents, limits)?;

    let mut documents = BTreeMap::new();
    let mut docs_disk = BTreeMap::new();
    let mut sources = BTreeMap::new();
    let mut problems = Vec::new();
    let mut ann_ids = BTreeSet::new();
    let mut conflicts = pf.conflicts;
    for l in loads {
        for id in l.doc.annotations.keys() {
            if !ann_ids.insert(*id) {
                return Err(StoreError::Invalid {
                    path: l.disk.file.to_native(&dir),
                    message: format!("annotation id {id} is used in more than one document"),
                });
            }
        }
        if read_only.is_none() {
            read_only = l.newer;
        }
        problems.extend(l.problems);
        conflicts.extend(l.conflicts);
        if let Some(h) = l.source_hash {
            sources.insert(l.doc.id(), h);
        }
        docs_disk.insert(l.doc.id(), l.disk);
        documents.insert(l.doc.id(), l.doc);
    }

    // In record order, as a merge leaves them and a save writes them.
    conflicts.sort_by(|a, b| a.record.cmp(&b.record));
    let project = Project {
        info: pf.info,
        schema: pf.schema,
        registry,
        documents,
        conflicts,
    };
    problems.extend(validate(&project));
    if let Some(r) = recovered {
        problems.insert(0, Problem::warning(recovery_note(&r)));
    }
    problems.extend(orphan_annotation_files(&dir, &docs_disk));
    // Temporary files of saves that crashed, now that no journal needs them.
    let mut targets: Vec<PathBuf> = docs_disk.values().map(|d| d.file.to_native(&dir)).collect();
    targets.push(file.clone());
    targets.push(journal::journal_path(&file));
    journal::sweep_stale_temps(&RealFs, &targets);
    if let Some(reason) = &read_only {
        problems.insert(0, Problem::warning(reason.clone()));
    }
    Ok(Loaded {
        project,
        disk: DiskState {
            project_file: file,
            dir,
            project_hash: Some(project_hash),
            docs: docs_disk,
            sources,
            read_only,
            attempted: BTreeMap::new(),
        },
        problems,
    })
}

/// Loads document files on all cores. Returns them in `refs` order, or the first error.
fn load_documents(
    dir: &Path,
    canonical_dir: &Path,
    project_file: &Path,
    refs: &[DocRef],
    limits: Limits,
) -> Result<Vec<DocLoad>, StoreError> {
    use rayon::prelude::*;
    // Results in `refs` order, so the error reported is the same on every run.
    let results: Vec<Result<DocLoad, StoreError>> = refs
        .par_iter()
        .map(|r| load_document(dir, canonical_dir, project_file, r, limits))
        .collect();
    results.into_iter().collect()
}

/// Fails when `native`, after resolving symbolic links, lies outside the project folder.
pub(crate) fn check_inside(
    canonical_dir: &Path,
    native: &Path,
    shown: &str,
    in_file: &Path,
) -> Result<(), StoreError> {
    match native.canonicalize() {
        Ok(real) if !real.starts_with(canonical_dir) => Err(StoreError::Escapes {
            path: in_file.to_path_buf(),
            target: shown.to_owned(),
        }),
        _ => Ok(()),
    }
}

fn load_document(
    dir: &Path,
    canonical_dir: &Path,
    project_file: &Path,
    r: &DocRef,
    limits: Limits,
) -> Result<DocLoad, StoreError> {
    let file = r.file.to_native(dir);
    check_inside(canonical_dir, &file, r.file.as_str(), project_file)?;
    let bytes = read_limited(&file, limits.max_ron_bytes)?;
    let hash = hash_bytes(&bytes);
    let (df, newer): (DocumentFile, Option<String>) =
        parse_versioned(&file, &bytes, |d: &DocumentFile| d.format_version)?;
    if df.document.id != r.id {
        return Err(StoreError::Invalid {
            path: file,
            message: format!(
                "holds document {} but the project file lists it as {}",
                df.document.id, r.id
            ),
        });
    }
    let mut annotations = BTreeMap::new();
    for a in df.annotations {
        let id = a.id;
        if annotations.insert(id, a).is_some() {
            return Err(StoreError::Invalid {
                path: file,
                message: format!("annotation id {id} appears twice"),
            });
        }
    }
    // Page images are read by the viewer, so links out of the project are refused too.
    for img in &df.document.images {
        check_inside(canonical_dir, &img.to_native(dir), img.as_str(), &file)?;
    }
    let mut problems = Vec::new();
    let mut source_hash = None;
    let text = match &df.document.source {
        None => None,
        Some(src) => {
            let native = src.path.to_native(dir);
            check_inside(canonical_dir, &native, src.path.as_str(), &file)?;
            match read_limited(&native, limits.max_source_bytes) {
                Err(StoreError::Io { err: source, .. })
                    if source.kind() == std::io::ErrorKind::NotFound =>
                {
                    problems.push(
                        Problem::error(format!(
                            "source file is missing; annotations kept but not shown: {}",
                            native.display()
                        ))
                        .in_doc(r.id),
                    );
                    None
                }
                Err(e) => return Err(e),
                Ok(src_bytes) => {
                    let text = SourceText::from_bytes(&src_bytes).map_err(|e| {
                        let crate::model::text::DecodeError::InvalidUtf8 { offset } = e;
                        StoreError::InvalidUtf8 {
                            path: native.clone(),
                            offset,
                            line: line_of_byte(&src_bytes, offset),
                        }
                    })?;
                    let h = hash_bytes(&src_bytes);
                    source_hash = Some(h);
                    if h.to_hex().as_str() != src.hash {
                        problems.push(
                            Problem::warning(format!(
                                "source changed since it was annotated; anchors that no longer match are flagged: {}",
                                native.display()
                            ))
                            .in_doc(r.id),
                        );
                    }
                    Some(text)
                }
            }
        }
    };
    Ok(DocLoad {
        conflicts: df.conflicts,
        doc: Document {
            meta: df.document,
            text,
            annotations,
        },
        disk: DocDisk {
            file: r.file.clone(),
            hash: Some(hash),
        },
        problems,
        newer: newer.map(|w| format!("{}: {w}", r.file)),
        source_hash,
    })
}

/// The warning shown after a crashed save was finished or undone on load.
fn recovery_note(r: &Recovery) -> String {
    match r {
        Recovery::RolledForward { files } => format!(
            "a save interrupted by a crash was completed: {}",
            files.join(", ")
        ),
        Recovery::RolledBack { reason } => format!(
            "a save interrupted by a crash was undone ({reason}); the files are as before it"
        ),
    }
}
